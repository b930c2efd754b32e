// Package dbcmd wires the database flags (--db, --table-prefix,
// --centralauth-db) into commands and opens the configured wiki database.
// It never falls back to the sandbox: a command that needs a database and has
// none configured is a usage error.
package dbcmd

import (
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/db"
)

// AddFlags adds --db, --table-prefix and --centralauth-db to cmd. Their
// values resolve flag → MWOAUTH_* environment → profile.
func AddFlags(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.String("db", "", "Wiki database `DSN`: mysql:<go-sql-driver DSN> or sqlite:<path> (env MWOAUTH_DB; password from MWOAUTH_DB_PASSWORD or ~/.my.cnf)")
	fl.String("table-prefix", "", "The wiki's $wgDBprefix (env MWOAUTH_TABLE_PREFIX)")
	fl.String("centralauth-db", "", "CentralAuth database `DSN`, to name owners from globaluser (env MWOAUTH_CENTRALAUTH_DB)")
}

// Open opens the configured database. No database configured is a usage
// error (exit 2) that says where to configure one.
func Open(cmd *cobra.Command, f *cmdutil.Factory) (*db.Store, error) {
	return open(cmd, f, false, false)
}

// OpenAdmin is Open for commands that write the audit trail: it also checks
// logging, log_search and comment.
func OpenAdmin(cmd *cobra.Command, f *cmdutil.Factory) (*db.Store, error) {
	return open(cmd, f, false, true)
}

// OpenOptional returns (nil, nil) when no database is configured (token
// verify/decode/scan use the database only when there is one).
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
	pw := Password(f)
	// From here on the command talks to a server that may hang or a
	// transaction that must roll back: Ctrl-C cancels instead of killing.
	ctx := cmdutil.CatchInterrupt(cmd)
	st, err := db.Open(ctx, dsn, db.Options{
		TablePrefix: prefix, Password: pw, CentralAuthDSN: central, CentralAuthPassword: pw, Admin: admin,
	})
	if err != nil {
		return nil, err
	}
	return st, nil
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
