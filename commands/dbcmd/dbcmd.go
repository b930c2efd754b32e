// Package dbcmd wires the database flags (--db, --wiki-db, --table-prefix,
// --centralauth-db) into commands and opens the configured wiki database.
// It never falls back to the sandbox: a command that needs a database and has
// none configured is a usage error.
package dbcmd

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/db"
)

// AddFlags adds --db, --table-prefix and --centralauth-db to cmd. Their
// values resolve flag → MWOAUTH_* environment → profile.
func AddFlags(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.String("db", "", "Database `DSN` of the OAuth tables: mysql:<go-sql-driver DSN> or sqlite:<path> (env MWOAUTH_DB; password from MWOAUTH_DB_PASSWORD or ~/.my.cnf)")
	fl.String("wiki-db", "", "The central wiki's database `DSN` (logging, actor, user, user_groups, block), when not --db's (env MWOAUTH_WIKI_DB)")
	fl.String("table-prefix", "", "The wiki's $wgDBprefix (env MWOAUTH_TABLE_PREFIX)")
	fl.String("centralauth-db", "", "CentralAuth database `DSN`, to name owners from globaluser (env MWOAUTH_CENTRALAUTH_DB)")
}

// Open opens the configured database for reading only (a replica, a file
// the user may only read). No database configured is a usage error (exit 2)
// that says where to configure one.
func Open(cmd *cobra.Command, f *cmdutil.Factory) (*db.Store, error) {
	return open(cmd, f, false, false)
}

// OpenAdmin is Open for commands that write the audit trail: it also checks
// logging, log_search and comment.
func OpenAdmin(cmd *cobra.Command, f *cmdutil.Factory) (*db.Store, error) {
	return open(cmd, f, false, true)
}

// OpenOptional returns (nil, nil) when no database is configured (token
// verify/decode/scan use the database only when there is one). It reads
// only; group memberships and blocks are judged at f.Now.
func OpenOptional(cmd *cobra.Command, f *cmdutil.Factory) (*db.Store, error) {
	return open(cmd, f, true, false)
}

func open(cmd *cobra.Command, f *cmdutil.Factory, optional, admin bool) (*db.Store, error) {
	dsn, err := f.Setting(cmd, "db")
	if err != nil {
		return nil, err
	}
	if dsn == "" {
		if optional {
			return nil, nil
		}
		return nil, cmdutil.FlagErrorf("no database configured: pass --db mysql:user@unix(/run/mysqld/mysqld.sock)/wikidb (or sqlite:<path>), set MWOAUTH_DB, or add db = ... to a profile (try: mwoauth sandbox)")
	}
	prefix, err := f.Setting(cmd, "table-prefix")
	if err != nil {
		return nil, err
	}
	central, err := f.Setting(cmd, "centralauth-db")
	if err != nil {
		return nil, err
	}
	wiki, err := f.Setting(cmd, "wiki-db")
	if err != nil {
		return nil, err
	}
	pw := Password(f)
	// From here on the command talks to a server that may hang or a
	// transaction that must roll back: Ctrl-C cancels instead of killing.
	ctx := cmdutil.CatchInterrupt(cmd)
	st, err := db.Open(ctx, dsn, db.Options{
		TablePrefix: prefix, Password: pw, WikiDSN: wiki, CentralAuthDSN: central, CentralAuthPassword: pw,
		Admin: admin, ReadOnly: !admin, Now: f.Now, WallNow: f.WallNow,
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// Where names the database(s) a store touches, for previews, prompts and
// results: engine, host or socket and database (never the password), or
// the SQLite file; the wiki database when it is another; the profile and
// the table prefix.
func Where(f *cmdutil.Factory, st *db.Store) string {
	t := st.Target()
	parts := []string{t.OAuth.String()}
	if t.Wiki != nil {
		how := "another server: written after the OAuth tables"
		if t.SameTransaction {
			how = "same server, one transaction"
		}
		parts[0] = "OAuth tables " + parts[0]
		parts = append(parts, fmt.Sprintf("wiki tables %s (%s)", t.Wiki.String(), how))
	}
	profile := "none"
	if cfg, err := f.Config(); err == nil && cfg.ProfileName != "" {
		profile = cfg.ProfileName
	}
	prefix := t.Prefix
	if prefix == "" {
		prefix = "none"
	}
	return fmt.Sprintf("%s (profile %s, table prefix %s)", strings.Join(parts, "; "), profile, prefix)
}

// Profile is the selected profile's name, "" when none.
func Profile(f *cmdutil.Factory) string {
	if cfg, err := f.Config(); err == nil {
		return cfg.ProfileName
	}
	return ""
}

// Password returns the database password from MWOAUTH_DB_PASSWORD, else the
// [client] password in ~/.my.cnf (as the mysql client reads it). It is never
// taken from argv.
func Password(f *cmdutil.Factory) string {
	// Set but empty means "no password" here (a server without one), as
	// the variable always meant.
	if v, ok := f.LookupEnv("MWOAUTH_DB_PASSWORD"); ok {
		return v
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	fh, err := os.Open(filepath.Join(home, ".my.cnf"))
	if err != nil {
		return ""
	}
	defer fh.Close()
	ini, err := cmdutil.ParseINI(fh)
	if err != nil {
		return ""
	}
	return ini.Sections["client"]["password"]
}
