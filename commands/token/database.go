package token

// This file is the wiki's database as the token commands see it: which
// database a report consulted (databaseJSON), opening it for reading
// (wikiOpener), and the database settings token mint reads without opening
// it (dbSettings).

import (
	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/commands/dbcmd"
	"github.com/mwoauth/mwoauth/db"
	"github.com/mwoauth/mwoauth/mediawiki"
)

// databaseJSON names the database a report consulted (db.Store.Target:
// engine, address and schema, or SQLite path; never a password) and the
// setting it came from.
type databaseJSON struct {
	db.Target
	Wiki        *db.Target `json:"wiki,omitempty"` // the central wiki's tables, when elsewhere
	TablePrefix string     `json:"table_prefix"`
	CentralAuth string     `json:"centralauth,omitempty"` // its DSN, password redacted
	From        string     `json:"from"`                  // flag, env, profile
	Profile     string     `json:"profile,omitempty"`     // the profile it came from
	given       string     // the DSN as configured, password redacted: what people recognise
}

// text is the report's one-line account of the database: the DSN as the
// user configured it (password redacted), where JSON has the Target.
func (d *databaseJSON) text() string {
	s := d.given
	if d.Wiki != nil {
		s += ", wiki tables in " + d.Wiki.String()
	}
	if d.TablePrefix != "" {
		s += ", table prefix " + d.TablePrefix
	}
	if d.CentralAuth != "" {
		s += ", CentralAuth " + d.CentralAuth
	}
	switch {
	case d.Profile != "":
		s += " (profile " + d.Profile + ")"
	case d.From == "flag":
		s += " (--db)"
	case d.From == "env":
		s += " (MWOAUTH_DB)"
	}
	return cmdutil.Safe(s)
}

// wikiOpener is the store factory of the commands that read wiki state:
// called by their run function, it opens the configured database for
// reading (nil, nil when none is configured) and says which it is.
func wikiOpener(cmd *cobra.Command, f *cmdutil.Factory) func() (*db.Store, *databaseJSON, error) {
	return func() (*db.Store, *databaseJSON, error) {
		st, err := dbcmd.OpenOptional(cmd, f)
		if err != nil || st == nil {
			return nil, nil, err
		}
		var dsn cmdutil.Value
		var ca string
		if err := f.Bind(cmd, cmdutil.ValueSetting("db", &dsn), cmdutil.StringSetting("centralauth-db", &ca)); err != nil {
			st.Close()
			return nil, nil, err
		}
		t := st.Target()
		d := &databaseJSON{Target: t.OAuth, Wiki: t.Wiki, TablePrefix: t.Prefix, From: string(dsn.Source), Profile: dsn.Profile, given: cmdutil.RedactDSN(dsn.Value)}
		if ca != "" {
			d.CentralAuth = cmdutil.RedactDSN(ca)
		}
		return st, d, nil
	}
}

// openWiki opens the configured database, if any, and says which it is.
func openWiki(cmd *cobra.Command, f *cmdutil.Factory) (*db.Store, *databaseJSON, error) {
	return wikiOpener(cmd, f)()
}

// dbSettings are the database settings a command reads without opening
// the database (token mint's default subject scope).
type dbSettings struct {
	DSN, CentralAuth, TablePrefix string
}

func (d *dbSettings) bind(cmd *cobra.Command, f *cmdutil.Factory) error {
	return f.Bind(cmd, cmdutil.StringSetting("db", &d.DSN), cmdutil.StringSetting("centralauth-db", &d.CentralAuth),
		cmdutil.StringSetting("table-prefix", &d.TablePrefix))
}

// subjectScopeDefault is the scope token mint writes when none is given:
// CentralAuth's, as on Wikimedia, unless a wiki database is configured
// without a CentralAuth one: then core's LocalIdLookup scope of that wiki
// (local:<database name>, -<prefix> with a table prefix).
func (d dbSettings) subjectScopeDefault() string {
	if d.DSN == "" || d.CentralAuth != "" {
		return mediawiki.CentralAuthScope
	}
	name := db.DatabaseName(d.DSN)
	if name == "" {
		return mediawiki.CentralAuthScope
	}
	return mediawiki.LocalScope(mediawiki.WikiID(name, d.TablePrefix))
}
