package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/db"
	"github.com/mwoauth/mwoauth/jwtutil"
	"github.com/mwoauth/mwoauth/jwtutil/keys"
)

// refreshOptions are what "mwoauth sandbox refresh" runs with.
type refreshOptions struct {
	IO  *cmdutil.IOStreams
	Ctx context.Context  // Ctrl-C cancels it (cmdutil.CatchInterrupt)
	Now func() time.Time // when the new sample tokens are minted
	// OpenDB opens the sandbox's SQLite database (the store factory).
	OpenDB func(ctx context.Context, path string) (*db.Store, error)

	// Dir is the sandbox: "" for ./mwoauth-sandbox, or else the folder
	// of the sandbox profile's database.
	Dir    string
	Format string // text or json
	// ConfigPath is the configuration file whose sandbox profile names
	// the folder when Dir is "".
	ConfigPath string
}

// openSQLite opens the SQLite database at path, as the sandbox's own.
func openSQLite(ctx context.Context, path string) (*db.Store, error) {
	return db.Open(ctx, "sqlite:"+path, db.Options{})
}

// newCmdRefresh builds "sandbox refresh"; runF, when not nil, replaces
// refreshRun.
func newCmdRefresh(f *cmdutil.Factory, runF func(*refreshOptions) error) *cobra.Command {
	opts := &refreshOptions{IO: f.IO, Now: f.Now, OpenDB: openSQLite}
	cmd := &cobra.Command{
		Use:   "refresh [DIR]",
		Short: "Mint the sandbox's sample tokens and access log anew",
		Long: `Refresh mints the sample tokens of the sandbox in DIR again, as "mwoauth
sandbox" made them but at the current time, with the sandbox's own key: new
token ids, new times (the live ones valid for 90 days from now), and their
oauth2_access_tokens rows in place of the old ones. access.log.gz is written
anew with them. Consumers, users, acceptances, the log history and whatever
you changed with the consumer commands stay as they are; so do the key pair
and the profile.

Without DIR it refreshes ./mwoauth-sandbox, or else the folder the sandbox
profile's database is in. A folder that holds no sandbox marker is refused
(exit 10); a sandbox without its database or private key is exit 9.`,
		Example: `  mwoauth sandbox refresh
  mwoauth sandbox refresh /tmp/practice
  mwoauth token verify @mwoauth-sandbox/tokens/valid.jwt`,
		Args: cmdutil.Args(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmdutil.CatchInterrupt(cmd)
			var err error
			if opts.Format, err = cmdutil.OutputFormat(cmd); err != nil {
				return err
			}
			if len(args) == 1 {
				opts.Dir = args[0]
			}
			opts.ConfigPath = cmdutil.ConfigPath(f.ConfigPath)
			return cmdutil.Pick(runF, refreshRun)(opts)
		},
	}
	cmdutil.AddOutputFlag(cmd, "text", "json")
	return cmd
}

// findSandbox picks the folder to refresh: DIR, ./mwoauth-sandbox, or the
// folder of the sandbox profile's database.
func findSandbox(configPath, dir string) (string, error) {
	if dir != "" {
		return dir, nil
	}
	if _, err := os.Stat(filepath.Join(DefaultDir, Marker)); err == nil {
		return DefaultDir, nil
	}
	if cf, _, err := cmdutil.ReadConfigFile(configPath); err == nil && cf.HasProfile(ProfileName) {
		if p := cmdutil.SQLitePath(cf.Profile(ProfileName)["db"]); p != "" {
			if _, err := os.Stat(filepath.Join(filepath.Dir(p), Marker)); err == nil {
				return filepath.Dir(p), nil
			}
		}
	}
	return "", cmdutil.Exitf(cmdutil.ExitNotFound, "no sandbox in ./%s and no sandbox profile pointing at one: run \"mwoauth sandbox\" to make one, or name its folder", DefaultDir)
}

// refreshRun mints the sample tokens anew, replaces their rows and writes
// the token files and the access log.
func refreshRun(opts *refreshOptions) error {
	ctx := opts.Ctx
	dir, err := findSandbox(opts.ConfigPath, opts.Dir)
	if err != nil {
		return err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(abs, Marker)); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if _, derr := os.Stat(abs); derr != nil {
				return cmdutil.Exitf(cmdutil.ExitNotFound, "%s does not exist (make a sandbox with: mwoauth sandbox %s)", dir, dir)
			}
			return cmdutil.Exitf(cmdutil.ExitRefused, "%s was not made by mwoauth sandbox (no %s marker file); refusing to write anything in it", dir, Marker)
		}
		return cmdutil.Exitf(cmdutil.ExitFailure, "%v", err)
	}
	privPath := filepath.Join(abs, "oauth2-private.pem")
	pem, err := os.ReadFile(privPath)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return cmdutil.Exitf(cmdutil.ExitNotFound, "%s has no oauth2-private.pem: recreate it with \"mwoauth sandbox %s --force\"", dir, dir)
		}
		return cmdutil.Exitf(cmdutil.ExitFailure, "read key: %v", err)
	}
	key, err := keys.ParsePrivateKey(pem)
	if err != nil {
		return cmdutil.Exitf(cmdutil.ExitFailure, "%s: %v", privPath, err)
	}
	dbPath := filepath.Join(abs, "wiki.sqlite")
	st, err := opts.OpenDB(ctx, dbPath)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return cmdutil.Exitf(cmdutil.ExitNotFound, "%s has no wiki.sqlite: recreate it with \"mwoauth sandbox %s --force\"", dir, dir)
		}
		return err
	}
	now := opts.Now()
	var tokens map[string]string
	err = st.Seed(ctx, func(sd *db.Seeder) error {
		// The rows of the tokens being replaced go; rows of anything
		// else (older history, tokens minted with --create-row) stay.
		for _, name := range SampleFiles() {
			old, err := os.ReadFile(filepath.Join(abs, "tokens", name))
			if err != nil {
				continue
			}
			tok, err := jwtutil.Parse(string(trimNL(old)))
			if err != nil {
				continue
			}
			if jti, ok := tok.StringClaim("jti"); ok && jti != "" {
				if err := sd.DeleteAccessToken(jti); err != nil {
					return err
				}
			}
		}
		var err error
		tokens, err = mintSamples(sd, key, now)
		return err
	})
	st.Close()
	if err != nil {
		return cmdutil.Exitf(cmdutil.ExitFailure, "%v", err)
	}
	if err := os.MkdirAll(filepath.Join(abs, "tokens"), 0o700); err != nil {
		return cmdutil.Exitf(cmdutil.ExitFailure, "%v", err)
	}
	tokenFiles, logPath, err := writeSamples(abs, tokens, now)
	if err != nil {
		return err
	}
	if opts.Format == "json" {
		return cmdutil.WriteJSON(opts.IO.Out, map[string]any{"dir": abs, "db": "sqlite:" + dbPath, "tokens": tokenFiles,
			"access_log": logPath, "tokens_valid_until": validUntil(now)})
	}
	s := opts.IO.Styles()
	fmt.Fprintf(opts.IO.Out, "%s Sample tokens minted anew in %s\n", s.OK.Render("✓"), cmdutil.Safe(filepath.Join(dir, "tokens")))
	fmt.Fprintf(opts.IO.Out, "  tokens       %s (live ones valid until %s)\n", sampleNames(), validUntil(now))
	fmt.Fprintf(opts.IO.Out, "  access log   %s\n", cmdutil.Safe(filepath.Join(dir, AccessLog)))
	fmt.Fprintf(opts.IO.Out, "  database     %s (their oauth2_access_tokens rows replaced)\n", cmdutil.Safe(filepath.Join(dir, "wiki.sqlite")))
	return nil
}

func trimNL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}
