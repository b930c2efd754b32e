package token

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
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
	if err := checkSubjectScope(w.SubjectScope); err != nil {
		return err
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

// checkSubjectScope refuses a subject scope (--subject-scope, setting
// subject-scope) that is no CentralIdLookup scope; "" is none given.
func checkSubjectScope(scope string) error {
	if scope != "" && !mediawiki.ValidScope(scope) {
		return cmdutil.FlagErrorf("--subject-scope %q: want a CentralIdLookup scope such as CentralAuth: or local:metawiki", scope)
	}
	return nil
}

// resolveWiki reads the wiki settings for cmd.
func resolveWiki(cmd *cobra.Command, f *cmdutil.Factory, staticFlag []string) (wikiSettings, error) {
	var w wikiSettings
	err := w.bind(cmd, f, staticFlag)
	return w, err
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
