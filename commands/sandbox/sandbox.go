// Package sandbox holds "mwoauth sandbox", the embedded practice wiki: a
// SQLite database with MediaWiki's real OAuth schema, consumers in every
// stage, acceptances, tokens, a key pair and a profile, so every command can
// be tried without touching a real wiki.
package sandbox

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/db"
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
	"oauth2-private.pem", "oauth2-public.pem", "tokens", Marker}

// NewCmdSandbox builds the "sandbox" command.
func NewCmdSandbox(f *cmdutil.Factory) *cobra.Command {
	var force bool
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
  DIR/tokens/*.jwt         access tokens minted exactly as the wiki mints them:
                           valid, expired, revoked, owner-only,
                           client-credentials, and one of a disabled consumer

The profile (in the configuration file, see "mwoauth config show") sets db,
public-key, private-key, issuer and as = Admin; it becomes the default
profile only when none is set. Other profiles are left as they are.

An existing sandbox is not overwritten unless --force is given, and --force
replaces only a folder this command made (it holds the marker file); any
other folder, another wiki's database included, is refused (exit 10). Everything
except the key pair and token ids is reproducible with a pinned clock
(MWOAUTH_NOW).`,
		Example: `  mwoauth sandbox
  mwoauth sandbox /tmp/practice --force
  mwoauth --profile sandbox consumer list`,
		Args: cmdutil.Args(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := DefaultDir
			if len(args) == 1 {
				dir = args[0]
			}
			return run(cmd, f, dir, force)
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "Replace an existing sandbox in DIR")
	cmdutil.AddOutputFlag(cmd, "text", "json")
	return cmd
}

func run(cmd *cobra.Command, f *cmdutil.Factory, dir string, force bool) error {
	ctx := cmdutil.CatchInterrupt(cmd)
	format, err := cmdutil.OutputFormat(cmd, "text", "json")
	if err != nil {
		return err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if entries, err := os.ReadDir(abs); err == nil && len(entries) > 0 {
		if !force {
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
	if err := os.WriteFile(filepath.Join(abs, Marker), []byte("This folder was made by \"mwoauth sandbox\"; \"mwoauth sandbox --force\" may replace it.\n"), 0o600); err != nil {
		return cmdutil.Exitf(cmdutil.ExitFailure, "create %s: %v", dir, err)
	}

	key, err := keys.GenerateKey(2048)
	if err != nil {
		return err
	}
	privPath, pubPath := filepath.Join(abs, "oauth2-private.pem"), filepath.Join(abs, "oauth2-public.pem")
	if err := os.WriteFile(privPath, keys.EncodePrivatePKCS8(key), 0o600); err != nil {
		return cmdutil.Exitf(cmdutil.ExitFailure, "write key: %v", err)
	}
	if err := os.WriteFile(pubPath, keys.EncodePublicPKIX(&key.PublicKey), 0o644); err != nil {
		return cmdutil.Exitf(cmdutil.ExitFailure, "write key: %v", err)
	}

	dbPath := filepath.Join(abs, "wiki.sqlite")
	st, err := db.CreateSQLite(ctx, dbPath)
	if err != nil {
		return cmdutil.Exitf(cmdutil.ExitFailure, "create %s: %v", dbPath, err)
	}
	if err := st.CreateSchema(ctx); err != nil {
		st.Close()
		return cmdutil.Exitf(cmdutil.ExitFailure, "%v", err)
	}
	tokens, err := seed(ctx, st, key, f.Now())
	st.Close()
	if err != nil {
		return cmdutil.Exitf(cmdutil.ExitFailure, "%v", err)
	}
	var tokenFiles []string
	for name, tok := range tokens {
		p := filepath.Join(abs, "tokens", name)
		if err := os.WriteFile(p, []byte(tok+"\n"), 0o600); err != nil {
			return cmdutil.Exitf(cmdutil.ExitFailure, "write token: %v", err)
		}
		tokenFiles = append(tokenFiles, p)
	}
	sort.Strings(tokenFiles)

	cfgPath := cmdutil.ConfigPath(f.ConfigPath)
	profile := [][2]string{
		{"db", "sqlite:" + dbPath},
		{"public-key", pubPath},
		{"private-key", privPath},
		{"issuer", Issuer},
		{"as", "Admin"},
	}
	madeDefault, err := WriteProfile(cfgPath, ProfileName, profile)
	if err != nil {
		return cmdutil.Exitf(cmdutil.ExitFailure, "write profile: %v", err)
	}

	if format == "json" {
		m := map[string]any{"dir": abs, "db": "sqlite:" + dbPath, "public_key": pubPath, "private_key": privPath,
			"issuer": Issuer, "config": cfgPath, "profile": ProfileName, "default_profile": madeDefault, "tokens": tokenFiles}
		return cmdutil.WriteJSON(f.IO.Out, m)
	}
	s := f.IO.Styles()
	out := f.IO.Out
	safeDir := func(name string) string { return cmdutil.Safe(filepath.Join(dir, name)) }
	fmt.Fprintf(out, "%s Sandbox wiki created in %s\n", s.OK.Render("✓"), cmdutil.Safe(dir))
	fmt.Fprintf(out, "  database     %s (%d consumers in every stage and of every risk, %d users with and without rights, log history)\n", safeDir("wiki.sqlite"),
		len(consumers)+len(reviewConsumers), len(users)+len(reviewUsers))
	fmt.Fprintf(out, "  keys         %s, %s\n", safeDir("oauth2-private.pem"), safeDir("oauth2-public.pem"))
	fmt.Fprintf(out, "  tokens       %s/*.jwt (valid, expired, revoked, owner-only, client-credentials, disabled-consumer)\n", safeDir("tokens"))
	prof := "profile " + ProfileName
	if madeDefault {
		prof += " (now the default)"
	} else {
		prof += " (add --profile sandbox to use it; another default is set)"
	}
	fmt.Fprintf(out, "  config       %s, %s\n", cmdutil.Safe(cfgPath), prof)
	p := ""
	if !madeDefault {
		p = "--profile sandbox "
	}
	fmt.Fprintf(out, "\n%s\n", s.Bold.Render("Try next:"))
	for _, line := range []string{
		"mwoauth " + p + "consumer list",
		"mwoauth " + p + "consumer show " + KeyLeaky,
		"mwoauth " + p + "token verify @" + filepath.Join(dir, "tokens", "client-credentials.jwt"),
		"mwoauth " + p + `consumer disable ` + KeyLeaky + ` --reason "secret leaked" --dry-run`,
		"mwoauth " + p + `consumer disable ` + KeyLeaky + ` --reason "secret leaked"`,
		"mwoauth " + p + "consumer show " + KeyLeaky + "   # the log entry, as the wiki's UI writes it",
		"mwoauth " + p + `consumer enable ` + KeyLeaky + ` --reason "secret rotated"`,
	} {
		fmt.Fprintf(out, "  %s\n", cmdutil.Safe(line))
	}
	return nil
}

// WriteProfile adds or replaces the [profile NAME] section of the INI file
// at path, keeping every other line as it was. It sets "default = NAME" only
// when the file has no default; it reports whether it did.
func WriteProfile(path, name string, values [][2]string) (madeDefault bool, err error) {
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return false, err
	}
	ini, err := cmdutil.ParseINI(strings.NewReader(string(old)))
	if err != nil {
		return false, fmt.Errorf("%s: %v", path, err)
	}
	var kept []string
	inTarget := false
	for _, line := range strings.Split(strings.TrimRight(string(old), "\n"), "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "[") {
			end := strings.IndexByte(t, ']')
			sec := t
			if end > 0 {
				sec = strings.Join(strings.Fields(t[1:end]), " ")
			}
			inTarget = sec == "profile "+name
		}
		if !inTarget {
			kept = append(kept, line)
		}
	}
	for len(kept) > 0 && strings.TrimSpace(kept[len(kept)-1]) == "" {
		kept = kept[:len(kept)-1]
	}
	if ini.Global["default"] == "" {
		kept = append([]string{"default = " + name}, kept...)
		madeDefault = true
	}
	var b strings.Builder
	for _, l := range kept {
		b.WriteString(l + "\n")
	}
	if len(kept) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("[profile " + name + "]\n")
	b.WriteString("# Written by mwoauth sandbox; rerun it to recreate.\n")
	for _, kv := range values {
		b.WriteString(kv[0] + " = " + kv[1] + "\n")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return false, err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o600); err != nil {
		return false, err
	}
	return madeDefault, os.Rename(tmp, path)
}
