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

// bind resolves the wiki settings for cmd into w: the mediawiki,
// subject-scope, wiki and static-apps settings (--static-app, when given,
// wins over static-apps).
func (w *wikiSettings) bind(cmd *cobra.Command, f *cmdutil.Factory, staticFlag []string) error {
	var static string
	if err := f.Bind(cmd, cmdutil.MediaWikiSetting(&w.Version), cmdutil.StringSetting("subject-scope", &w.SubjectScope),
		cmdutil.StringSetting("wiki", &w.WikiID), cmdutil.StringSetting("static-apps", &static)); err != nil {
		return err
	}
	if w.SubjectScope != "" && !mediawiki.ValidScope(w.SubjectScope) {
		return cmdutil.FlagErrorf("--subject-scope %q: want a CentralIdLookup scope such as CentralAuth: or local:metawiki", w.SubjectScope)
	}
	apps := staticFlag
	if fl := cmd.Flags().Lookup("static-app"); fl == nil || !fl.Changed {
		apps = strings.FieldsFunc(static, func(r rune) bool { return r == ',' || r == ' ' })
	}
	w.StaticApps = nil
	for _, a := range apps {
		if a = strings.TrimSpace(a); a != "" {
			w.StaticApps = append(w.StaticApps, a)
		}
	}
	return nil
}

// resolveWiki reads the wiki settings for cmd.
func resolveWiki(cmd *cobra.Command, f *cmdutil.Factory, staticFlag []string) (wikiSettings, error) {
	var w wikiSettings
	err := w.bind(cmd, f, staticFlag)
	return w, err
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

// wikiReader is what the commands that judge one token against the wiki
// carry on their options: the wiki's settings and a store factory for its
// database.
type wikiReader struct {
	Wiki wikiSettings
	Ctx  context.Context
	// OpenWiki opens the configured wiki database for reading; a nil store
	// when none is configured.
	OpenWiki func() (*db.Store, *databaseJSON, error)

	staticFlag []string // --static-app as given
}

// addFlags registers the wiki flags (addWikiFlags) bind reads.
func (r *wikiReader) addFlags(cmd *cobra.Command) { addWikiFlags(cmd, &r.staticFlag) }

// bind resolves the wiki settings and sets up the store factory.
func (r *wikiReader) bind(cmd *cobra.Command, f *cmdutil.Factory) error {
	if err := r.Wiki.bind(cmd, f, r.staticFlag); err != nil {
		return err
	}
	r.Ctx, r.OpenWiki = cmd.Context(), wikiOpener(cmd, f)
	return nil
}

// readState reads what MediaWiki would read for tok from the configured
// database, and says which database it was; nil, nil when none is
// configured.
func (r *wikiReader) readState(tok *jwtutil.Token) (*mediawiki.WikiState, *databaseJSON, error) {
	st, info, err := r.OpenWiki()
	if err != nil || st == nil {
		return nil, nil, err
	}
	defer st.Close()
	ws, err := readWikiState(r.Ctx, st, tok)
	if err != nil {
		return nil, nil, err
	}
	return ws, info, nil
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
