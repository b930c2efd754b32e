package token

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/commands/dbcmd"
	"github.com/mwoauth/mwoauth/db"
	"github.com/mwoauth/mwoauth/jwtutil"
	"github.com/mwoauth/mwoauth/mediawiki"
	"github.com/mwoauth/mwoauth/wikistate"
)

// wikiSettings describe the wiki that answers a token: the MediaWiki
// version whose rules apply (--mediawiki, a root flag), its CentralIdLookup
// scope, its wiki id and the configuration-based apps it defines.
type wikiSettings struct {
	Version      mediawiki.Version
	SubjectScope string
	WikiID       string
	StaticApps   []string
}

// addWikiFlags registers --subject-scope, --wiki and --static-app; their
// settings are subject-scope, wiki and static-apps (profile and MWOAUTH_*).
func addWikiFlags(cmd *cobra.Command, staticApps *[]string) {
	fl := cmd.Flags()
	fl.String("subject-scope", "", "The wiki's CentralIdLookup `scope` (CentralAuth: on Wikimedia, local:WIKIID without CentralAuth): master refuses a mw: sub of another scope")
	fl.String("wiki", "", "The `wiki id` answering the request (e.g. metawiki): consumers and acceptances of another wiki are refused")
	fl.StringArrayVar(staticApps, "static-app", nil, "Consumer `key` that $wgOAuthStaticApps configures (repeatable): its stage-5 row is judged as approved")
}

// resolveWiki reads the wiki settings for cmd.
func resolveWiki(cmd *cobra.Command, f *cmdutil.Factory, staticFlag []string) (wikiSettings, error) {
	var w wikiSettings
	var err error
	if w.Version, err = f.MediaWiki(cmd); err != nil {
		return w, err
	}
	if w.SubjectScope, err = f.Setting(cmd, "subject-scope"); err != nil {
		return w, err
	}
	if w.SubjectScope != "" && !mediawiki.ValidScope(w.SubjectScope) {
		return w, cmdutil.FlagErrorf("--subject-scope %q: want a CentralIdLookup scope such as CentralAuth: or local:metawiki", cmdutil.Safe(w.SubjectScope))
	}
	if w.WikiID, err = f.Setting(cmd, "wiki"); err != nil {
		return w, err
	}
	apps := staticFlag
	if fl := cmd.Flags().Lookup("static-app"); fl == nil || !fl.Changed {
		v, err := f.Setting(cmd, "static-apps")
		if err != nil {
			return w, err
		}
		apps = strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' })
	}
	for _, a := range apps {
		if a = strings.TrimSpace(a); a != "" {
			w.StaticApps = append(w.StaticApps, a)
		}
	}
	return w, nil
}

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

// openWiki opens the configured database, if any, and says which it is.
func openWiki(cmd *cobra.Command, f *cmdutil.Factory) (*db.Store, *databaseJSON, error) {
	st, err := dbcmd.OpenOptional(cmd, f)
	if err != nil || st == nil {
		return nil, nil, err
	}
	v, err := f.Resolve(cmd, "db")
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	t := st.Target()
	d := &databaseJSON{Target: t.OAuth, Wiki: t.Wiki, TablePrefix: t.Prefix, From: string(v.Source), Profile: v.Profile, given: cmdutil.RedactDSN(v.Value)}
	if ca, err := f.Setting(cmd, "centralauth-db"); err == nil && ca != "" {
		d.CentralAuth = cmdutil.RedactDSN(ca)
	}
	return st, d, nil
}

// subjectScopeDefault is the scope token mint writes when none is given:
// CentralAuth's, as on Wikimedia, unless a wiki database is configured
// without a CentralAuth one: then core's LocalIdLookup scope of that wiki
// (local:<database name>, -<prefix> with a table prefix).
func subjectScopeDefault(cmd *cobra.Command, f *cmdutil.Factory) (string, error) {
	dsn, err := f.Setting(cmd, "db")
	if err != nil || dsn == "" {
		return mediawiki.CentralAuthScope, err
	}
	ca, err := f.Setting(cmd, "centralauth-db")
	if err != nil || ca != "" {
		return mediawiki.CentralAuthScope, err
	}
	prefix, err := f.Setting(cmd, "table-prefix")
	if err != nil {
		return "", err
	}
	name := db.DatabaseName(dsn)
	if name == "" {
		return mediawiki.CentralAuthScope, nil
	}
	return mediawiki.LocalScope(mediawiki.WikiID(name, prefix)), nil
}

// readWikiState reads what MediaWiki would read for tok from st.
func readWikiState(ctx context.Context, st *db.Store, tok *jwtutil.Token) (*mediawiki.WikiState, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	ws, err := wikistate.Lookup(ctx, st, tok)
	if err != nil {
		return nil, fmt.Errorf("read wiki state: %w", err)
	}
	return ws, nil
}
