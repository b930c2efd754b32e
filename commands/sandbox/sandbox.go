// Package sandbox holds "mwoauth sandbox", the embedded practice wiki: a
// SQLite database with MediaWiki's real OAuth schema, consumers in every
// stage, acceptances, tokens, a key pair and a profile, so every command can
// be tried without touching a real wiki.
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/db"
	"github.com/mwoauth/mwoauth/internal/atomicfile"
	"github.com/mwoauth/mwoauth/jwtutil/keys"
)

// DefaultDir is where the sandbox goes when no DIR is given.
const DefaultDir = "mwoauth-sandbox"

// ProfileName is the profile the sandbox writes to the configuration file.
const ProfileName = "sandbox"

// Marker is the file that says a folder is a sandbox: --force replaces
// only a folder holding it, never another wiki's database that happens to
// be called wiki.sqlite.
const Marker = ".mwoauth-sandbox"

// files the sandbox owns inside DIR (--force replaces only these).
var owned = []string{"wiki.sqlite", "wiki.sqlite-journal", "wiki.sqlite-wal", "wiki.sqlite-shm",
	"oauth2-private.pem", "oauth2-public.pem", "tokens", AccessLog, Marker}

// createOptions are what "mwoauth sandbox" runs with.
type createOptions struct {
	IO  *cmdutil.IOStreams
	Ctx context.Context // Ctrl-C cancels it (cmdutil.CatchInterrupt)
	// Now is when the sandbox's history happened and its tokens were
	// minted: with a pinned clock (MWOAUTH_NOW) all but the key pair and
	// the token ids are reproducible.
	Now func() time.Time
	// CreateDB creates the sandbox's SQLite database (the store factory).
	CreateDB func(ctx context.Context, path string) (*db.Store, error)

	Dir    string
	Force  bool
	Format string // text or json
	// ConfigPath is the configuration file the profile is written to.
	ConfigPath string
	// Chosen is the profile --profile or MWOAUTH_PROFILE chooses ("" when
	// neither does): another one means the sandbox is not what a bare
	// command uses.
	Chosen string
}

// NewCmdSandbox builds the "sandbox" command.
func NewCmdSandbox(f *cmdutil.Factory) *cobra.Command {
	return newCmdSandbox(f, nil, nil)
}

// newCmdSandbox builds "sandbox" with its refresh; runF and refreshF, when
// not nil, replace createRun and refreshRun.
func newCmdSandbox(f *cmdutil.Factory, runF func(*createOptions) error, refreshF func(*refreshOptions) error) *cobra.Command {
	opts := &createOptions{IO: f.IO, Now: f.Now, CreateDB: db.CreateSQLite, Dir: DefaultDir}
	cmd := &cobra.Command{
		Use:   "sandbox [DIR]",
		Short: "Create a practice wiki (SQLite) with consumers, tokens and keys",
		Long: `Create a practice wiki in DIR (default ./mwoauth-sandbox) and a profile named
"sandbox" that points every command at it:

  DIR/wiki.sqlite          MediaWiki's OAuth tables and the core tables the
                           admin actions read and write (logging, log_search,
                           comment, actor, user, user_groups, block, page,
                           change_tag_def), with users (Admin, a sysop; Dev
                           User, in no group; Mallory, an oauthadmin blocked
                           sitewide; Sam, a steward without an actor row),
                           consumers in every stage (OAuth 1 and 2, owner-only,
                           proposed, a proposal past auto-expiry, rejected,
                           expired, disabled, suppressed, configuration-based),
                           proposals of every risk and approved consumers with
                           audit findings (a blocked owner, a dormant consumer,
                           an owner-only bot whose owner lost the bot flag),
                           acceptances, token rows and log history
  DIR/.mwoauth-sandbox     the marker: --force replaces only a folder holding it
  DIR/oauth2-private.pem   a fresh RSA key pair ($wgOAuth2PrivateKey /
  DIR/oauth2-public.pem    $wgOAuth2PublicKey)
  DIR/tokens/*.jwt         access tokens minted exactly as the wiki mints them,
                           one per verdict: valid, expired, not-yet-valid,
                           forged (sub edited after signing), revoked, no-row
                           (the wiki never stored its jti), owner-only,
                           client-credentials, and one of a disabled consumer;
                           the live ones are valid for 90 days
  DIR/access.log.gz        a web server access log of the last half hour with
                           all of them in use, and malformed bearer values
                           ("mwoauth token scan DIR/access.log.gz")

The profile (in the configuration file, see "mwoauth config show") sets db,
public-key, private-key, issuer, as = Admin and wiki-kind = sandbox; it becomes the default
profile only when none is set. Other profiles are left as they are.

An existing sandbox is not overwritten unless --force is given, and --force
replaces only a folder this command made (it holds the marker file); any
other folder, another wiki's database included, is refused (exit 10). Everything
except the key pair and token ids is reproducible with a pinned clock
(MWOAUTH_NOW). "mwoauth sandbox refresh" mints the sample tokens and the
access log anew, keeping everything else.`,
		Example: `  mwoauth sandbox
  mwoauth sandbox /tmp/practice --force
  mwoauth sandbox refresh
  mwoauth --profile sandbox consumer list`,
		Args: cmdutil.Args(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Dir = args[0]
				if err := refuseNearSubcommand(cmd, opts.Dir); err != nil {
					return err
				}
			}
			opts.Ctx = cmdutil.CatchInterrupt(cmd)
			var err error
			if opts.Format, err = cmdutil.OutputFormat(cmd); err != nil {
				return err
			}
			opts.ConfigPath = cmdutil.ConfigPath(f.ConfigPath)
			// MWOAUTH_PROFILE chooses a profile over the file's default,
			// and --profile over both.
			opts.Chosen = f.Env("MWOAUTH_PROFILE")
			if f.Profile != "" {
				opts.Chosen = f.Profile
			}
			return cmdutil.Pick(runF, createRun)(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "Replace an existing sandbox in DIR")
	cmdutil.AddOutputFlag(cmd, "text", "json")
	cmd.AddCommand(newCmdRefresh(f, refreshF))
	return cmd
}

// refuseNearSubcommand: "mwoauth sandbox refesh" would make a sandbox in
// ./refesh. A DIR that does not exist and is spelled like a subcommand is
// taken for a typo.
func refuseNearSubcommand(cmd *cobra.Command, dir string) error {
	if _, err := os.Stat(dir); err == nil || strings.ContainsAny(dir, `/\.`) {
		return nil
	}
	var names []string
	for _, c := range cmd.Commands() {
		names = append(names, c.Name())
	}
	if s := cmdutil.Suggest(dir, names); len(s) > 0 {
		return cmdutil.FlagErrorf("unknown command %q for \"mwoauth sandbox\"; did you mean %q? (a new sandbox in a folder of that name: mwoauth sandbox ./%s)",
			dir, s[0], dir)
	}
	return nil
}

// createRun makes the sandbox: folder, key pair, database, sample tokens,
// access log and profile.
func createRun(opts *createOptions) error {
	ctx, dir := opts.Ctx, opts.Dir
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if entries, err := os.ReadDir(abs); err == nil && len(entries) > 0 {
		if !opts.Force {
			return cmdutil.Exitf(cmdutil.ExitRefused, "%s already exists and is not empty; pass --force to replace the sandbox in it", dir)
		}
		if _, err := os.Stat(filepath.Join(abs, Marker)); err != nil {
			// --force replaces a sandbox, never an unrelated directory or
			// another wiki's database.
			return cmdutil.Exitf(cmdutil.ExitRefused, "%s was not made by mwoauth sandbox (no %s marker file); refusing to replace anything in it", dir, Marker)
		}
		for _, name := range owned {
			if err := os.RemoveAll(filepath.Join(abs, name)); err != nil {
				return cmdutil.Exitf(cmdutil.ExitFailure, "remove old sandbox: %v", err)
			}
		}
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return cmdutil.Exitf(cmdutil.ExitFailure, "%v", err)
	}
	if err := os.MkdirAll(filepath.Join(abs, "tokens"), 0o700); err != nil {
		return cmdutil.Exitf(cmdutil.ExitFailure, "create %s: %v", dir, err)
	}
	if err := atomicfile.Replace(filepath.Join(abs, Marker), []byte("This folder was made by \"mwoauth sandbox\"; \"mwoauth sandbox --force\" may replace it.\n"), 0o600); err != nil {
		return cmdutil.Exitf(cmdutil.ExitFailure, "create %s: %v", dir, err)
	}

	key, err := keys.GenerateKey(2048)
	if err != nil {
		return err
	}
	privPath, pubPath := filepath.Join(abs, "oauth2-private.pem"), filepath.Join(abs, "oauth2-public.pem")
	if err := atomicfile.Replace(privPath, keys.EncodePrivatePKCS8(key), 0o600); err != nil {
		return cmdutil.Exitf(cmdutil.ExitFailure, "write key: %v", err)
	}
	if err := atomicfile.Replace(pubPath, keys.EncodePublicPKIX(&key.PublicKey), 0o644); err != nil {
		return cmdutil.Exitf(cmdutil.ExitFailure, "write key: %v", err)
	}

	dbPath := filepath.Join(abs, "wiki.sqlite")
	st, err := opts.CreateDB(ctx, dbPath)
	if err != nil {
		return cmdutil.Exitf(cmdutil.ExitFailure, "create %s: %v", dbPath, err)
	}
	if err := st.CreateSchema(ctx); err != nil {
		st.Close()
		return cmdutil.Exitf(cmdutil.ExitFailure, "%v", err)
	}
	now := opts.Now()
	tokens, err := seed(ctx, st, key, now)
	st.Close()
	if err != nil {
		return cmdutil.Exitf(cmdutil.ExitFailure, "%v", err)
	}
	tokenFiles, logPath, err := writeSamples(abs, tokens, now)
	if err != nil {
		return err
	}

	cfgPath := opts.ConfigPath
	profile := [][2]string{
		{"db", "sqlite:" + dbPath},
		{"public-key", pubPath},
		{"private-key", privPath},
		{"issuer", Issuer},
		{"as", "Admin"},
		{"wiki-kind", "sandbox"},
	}
	def, err := WriteProfile(cfgPath, ProfileName, profile)
	var exit *cmdutil.ExitError
	if errors.As(err, &exit) {
		return err // a configuration file the other commands would refuse: its line, exit 2
	}
	if err != nil {
		return cmdutil.Exitf(cmdutil.ExitFailure, "write profile: %v", err)
	}
	// A chosen profile wins over the file's default: then the sandbox is
	// not what a bare command uses, whatever the file says.
	chosen := opts.Chosen
	isDefault := def.IsDefault() && (chosen == "" || chosen == ProfileName)

	if opts.Format == "json" {
		m := map[string]any{"dir": abs, "db": "sqlite:" + dbPath, "public_key": pubPath, "private_key": privPath,
			"issuer": Issuer, "config": cfgPath, "profile": ProfileName, "default_profile": isDefault, "tokens": tokenFiles,
			"access_log": logPath, "tokens_valid_until": validUntil(now)}
		return cmdutil.WriteJSON(opts.IO.Out, m)
	}
	s := opts.IO.Styles()
	out := opts.IO.Out
	safeDir := func(name string) string { return cmdutil.Safe(filepath.Join(dir, name)) }
	fmt.Fprintf(out, "%s Sandbox wiki created in %s\n", s.OK.Render("✓"), cmdutil.Safe(dir))
	seeded, _ := loadConsumers() // read (once) by the seeding above
	fmt.Fprintf(out, "  database     %s (%d consumers in every stage and of every risk, %d users with and without rights, log history)\n", safeDir("wiki.sqlite"),
		len(seeded), len(users)+len(reviewUsers))
	fmt.Fprintf(out, "  keys         %s, %s\n", safeDir("oauth2-private.pem"), safeDir("oauth2-public.pem"))
	fmt.Fprintf(out, "  tokens       %s/*.jwt (%s; live ones valid until %s)\n", safeDir("tokens"), sampleNames(), validUntil(now))
	fmt.Fprintf(out, "  access log   %s (every token in use, and malformed ones)\n", safeDir(AccessLog))
	prof := "profile " + ProfileName
	switch {
	case chosen != "" && chosen != ProfileName:
		prof += fmt.Sprintf(" (add --profile sandbox to use it; MWOAUTH_PROFILE chooses %s)", cmdutil.Safe(chosen))
	case def == madeDefault:
		prof += " (now the default)"
	case def == wasDefault:
		prof += " (the default)"
	default:
		prof += " (add --profile sandbox to use it; another default is set)"
	}
	fmt.Fprintf(out, "  config       %s, %s\n", cmdutil.Safe(cfgPath), prof)
	p := ""
	if !isDefault {
		p = "--profile sandbox "
	}
	fmt.Fprintf(out, "\n%s\n", s.Bold.Render("Try next:"))
	for _, line := range []string{
		"mwoauth " + p + "consumer list",
		"mwoauth " + p + "consumer show " + KeyLeaky,
		"mwoauth " + p + "token verify @" + filepath.Join(dir, "tokens", "client-credentials.jwt"),
		"mwoauth " + p + "token scan " + filepath.Join(dir, AccessLog),
		"mwoauth " + p + `consumer disable ` + KeyLeaky + ` --reason "secret leaked" --dry-run`,
		"mwoauth " + p + `consumer disable ` + KeyLeaky + ` --reason "secret leaked"`,
		"mwoauth " + p + "consumer show " + KeyLeaky + "   # the log entry, as the wiki's UI writes it",
		"mwoauth " + p + `consumer enable ` + KeyLeaky + ` --reason "secret rotated"`,
	} {
		fmt.Fprintf(out, "  %s\n", cmdutil.Safe(line))
	}
	return nil
}
