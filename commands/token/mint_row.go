package token

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/commands/dbcmd"
	"github.com/mwoauth/mwoauth/commands/sandbox"
	"github.com/mwoauth/mwoauth/db"
	"github.com/mwoauth/mwoauth/jwtutil"
	"github.com/mwoauth/mwoauth/mediawiki"
)

// rowHelp is the --create-row part of mint's help.
const rowHelp = `

--create-row also writes the token's oauth2_access_tokens row, as the wiki
writes it when it issues a token, so that the wiki accepts the token: jti,
oaat_expires (exp as TS_MW), the acceptance the token runs under, not
revoked. The acceptance is the one MediaWiki picks
(Consumer::getCurrentAuthorization): the user's authorization of the
consumer for the consumer's own wiki, else for the wiki (setting wiki, else
the database's name), else for every wiki; a client_credentials token of a
normal client runs under acceptance 0. Nothing else is found or created: a
consumer that is not in the database, a user who has not authorized it, or
scopes the authorization does not grant are an error that says what is
missing, and nothing is written. A preview on stderr names the database
before the write, the result after it (--output json adds "token_row").

The row goes into the database --db, MWOAUTH_DB or the profile names. One
that looks like a production wiki's, a MySQL server that is not this
machine, or a database not marked as a test wiki where it is named
(wiki-kind = test or sandbox in the same profile, as the sandbox's own
profile is, or --wiki-kind with --db, MWOAUTH_WIKI_KIND with MWOAUTH_DB;
a sandbox's own file counts as marked), is written only after
confirmation: on a terminal, type the database's name; in a script, pass
--yes. --dry-run prints the INSERT
(with the token in a comment) on stdout and writes nothing. The token and
its row use the real clock: MWOAUTH_NOW never stamps a write.`

// addRowFlags adds --create-row and the write flags that go with it.
func addRowFlags(cmd *cobra.Command, o *rowOptions) {
	fl := cmd.Flags()
	fl.BoolVar(&o.create, "create-row", false, "Also write the token's oauth2_access_tokens row into the configured database, so the wiki accepts it")
	fl.BoolVarP(&o.yes, "yes", "y", false, "With --create-row: write to a production-looking database without asking")
	fl.BoolVar(&o.dryRun, "dry-run", false, "With --create-row: print the INSERT (stdout) and the preview (stderr); write nothing")
	fl.String("wiki-kind", "", "With --create-row and --db: what that database is for, `production`, test or sandbox (profile key wiki-kind)")
}

type rowOptions struct {
	create, yes, dryRun bool
}

// check refuses the write flags without --create-row.
func (o *rowOptions) check(format string) error {
	switch {
	case !o.create && (o.yes || o.dryRun):
		return cmdutil.FlagErrorf("--yes and --dry-run go with --create-row: mint alone writes nothing")
	case o.dryRun && format == "json":
		return cmdutil.FlagErrorf("--dry-run prints the SQL; drop --output json")
	}
	return nil
}

// tokenRowPlan is what --create-row will write, and where.
type tokenRowPlan struct {
	st         *db.Store
	where      string
	consumer   *mediawiki.Consumer
	acceptance *mediawiki.Acceptance // nil: acceptance 0
	production string                // why the database looks like a production wiki's; "" when it does not
	confirm    string                // what to type to confirm
}

// tokenRowJSON is "token_row" in mint's --output json.
type tokenRowJSON struct {
	Database string     `json:"database"`
	Target   db.Targets `json:"target"`
	db.TokenRow
	ID         int64 `json:"oaat_id"`
	Acceptance *struct {
		ID     int64    `json:"id"`
		Wiki   string   `json:"wiki"`
		UserID int64    `json:"user_id"`
		Grants []string `json:"grants"`
	} `json:"acceptance"`
}

// planTokenRow opens the database and finds what the row needs, by
// MediaWiki's rules, before anything is minted or written.
func planTokenRow(cmd *cobra.Command, f *cmdutil.Factory, opts *MintOptions, scopes []string) (*tokenRowPlan, error) {
	var dbv, kindv cmdutil.Value
	if err := f.Bind(cmd, cmdutil.ValueSetting("db", &dbv), cmdutil.ValueSetting("wiki-kind", &kindv)); err != nil {
		return nil, err
	}
	kind := kindv.Value
	switch kind {
	case "", "production", "test", "sandbox":
	default:
		return nil, cmdutil.FlagErrorf("%s: wiki-kind %q: want production, test or sandbox", kindv.Origin(), kind)
	}
	// A mark counts only where the database is named: the sandbox
	// profile's wiki-kind says nothing of a --db given next to it, nor an
	// MWOAUTH_WIKI_KIND left in the shell of a --db.
	if kindv.Source != dbv.Source || kindv.Profile != dbv.Profile {
		kind = ""
	}
	st, err := dbcmd.OpenWritable(cmd, f)
	if err != nil {
		return nil, err
	}
	p := &tokenRowPlan{st: st, where: dbcmd.Where(f, st)}
	fail := func(err error) (*tokenRowPlan, error) {
		st.Close()
		return nil, err
	}
	ctx := cmd.Context()
	c, err := st.ConsumerByKey(ctx, opts.ClientID)
	if errors.Is(err, db.ErrNotFound) {
		return fail(cmdutil.Exitf(cmdutil.ExitNotFound, "no consumer %s in %s: a token row needs the consumer it is for; nothing written", opts.ClientID, p.where))
	}
	if err != nil {
		return fail(err)
	}
	p.consumer = c
	if c.OAuthVersion != 2 {
		return fail(cmdutil.FlagErrorf("consumer %s is an OAuth %d consumer: only OAuth 2 tokens have oauth2_access_tokens rows", c.Key, c.OAuthVersion))
	}
	if c.OwnerOnly != opts.OwnerOnly {
		what := "owner-only: the wiki mints its tokens with a bare sub and no grant_type (add --owner-only)"
		if !c.OwnerOnly {
			what = "not owner-only: the wiki never mints owner-only tokens for it (drop --owner-only)"
		}
		fmt.Fprintf(f.IO.ErrOut, "warning: consumer %s is %s\n", c.Key, what)
	}
	if opts.ClientCredentials && !c.OwnerOnly {
		// A normal client's client_credentials token: no user, acceptance 0.
	} else {
		if c.OwnerOnly && opts.User != c.OwnerID {
			return fail(cmdutil.FlagErrorf("consumer %s is owner-only: its tokens are its owner's, central id %d: pass --user %d", c.Key, c.OwnerID, c.OwnerID))
		}
		accs, err := st.Acceptances(ctx, c.ID, opts.User)
		if err != nil {
			return fail(err)
		}
		wiki, err := currentWikiID(cmd, f)
		if err != nil {
			return fail(err)
		}
		a := mediawiki.CurrentAuthorization(c, accs, wiki)
		if a == nil {
			return fail(noAcceptance(cmd, st, c, opts.User, wiki, accs))
		}
		if missing := mediawiki.UngrantedScopes(a, scopes); len(missing) > 0 {
			return fail(cmdutil.FlagErrorf("acceptance %d (user %d on %s) does not grant %s: the wiki finds no approval for a token with them; mint with --scopes %s",
				a.ID, a.UserID, a.Wiki, strings.Join(missing, ", "), strings.Join(a.Grants, ",")))
		}
		p.acceptance = a
	}
	p.production, p.confirm = productionLooking(st.Target(), kind)
	return p, nil
}

// noAcceptance says what is missing for a user token: the user, or their
// authorization of the consumer.
func noAcceptance(cmd *cobra.Command, st *db.Store, c *mediawiki.Consumer, user int64, wiki string, accs []mediawiki.Acceptance) error {
	u, err := st.UserByCentralID(cmd.Context(), user)
	if errors.Is(err, db.ErrNotFound) {
		return cmdutil.Exitf(cmdutil.ExitNotFound, "no user with central id %d: a token row needs a user who authorized consumer %s; nothing written", user, c.Key)
	}
	if err != nil {
		return err
	}
	on := `every wiki ("*")`
	if check := c.Wiki; check != "*" {
		on = fmt.Sprintf(`wiki %q or every wiki ("*")`, check)
	} else if wiki != "" {
		on = fmt.Sprintf(`wiki %q or every wiki ("*")`, wiki)
	}
	other := ""
	if len(accs) > 0 {
		var ws []string
		for _, a := range accs {
			ws = append(ws, fmt.Sprintf("%s (OAuth %d)", a.Wiki, a.OAuthVersion))
		}
		other = "; their authorizations are for " + strings.Join(ws, ", ")
	}
	return cmdutil.Exitf(cmdutil.ExitNotFound, "%s (central id %d) has not authorized consumer %s for %s%s: the wiki ties a token to that authorization (oauth_accepted_consumer) and mwoauth creates none; authorize the consumer as that user on the wiki, or mint --client-credentials; nothing written",
		u.Name, user, c.Key, on, other)
}

// currentWikiID is the wiki the token is issued on: the wiki setting, else
// the database's wiki id (its name, -prefix with a table prefix).
func currentWikiID(cmd *cobra.Command, f *cmdutil.Factory) (string, error) {
	var wiki string
	if err := f.Bind(cmd, cmdutil.StringSetting("wiki", &wiki)); err != nil || wiki != "" {
		return wiki, err
	}
	s, err := dbcmd.ResolveSettings(cmd, f)
	if err != nil {
		return "", err
	}
	if name := db.DatabaseName(s.DB.Value); name != "" {
		return mediawiki.WikiID(name, s.TablePrefix.Value), nil
	}
	return "", nil
}

// productionLooking says why t looks like a production wiki's database
// ("" when it does not), and the name to type to confirm a write to it.
// A database is a test one when the profile marks it (wiki-kind test or
// sandbox), or when it is a sandbox's SQLite file (its folder holds the
// sandbox marker), and, for MySQL, the server is this machine.
func productionLooking(t db.Targets, kind string) (why, confirm string) {
	var reasons []string
	o := t.OAuth
	if o.Engine == db.MySQL {
		confirm = o.Database
		if !localAddress(o.Address) {
			reasons = append(reasons, "its MySQL server "+o.Address+" is not this machine")
		}
	} else {
		confirm = filepath.Base(o.Path)
		if _, err := os.Stat(filepath.Join(filepath.Dir(o.Path), sandbox.Marker)); err == nil && kind == "" {
			kind = "sandbox"
		}
	}
	if kind != "test" && kind != "sandbox" {
		reasons = append(reasons, "nothing marks it as a test wiki (wiki-kind = test where it is named: in its profile, or --wiki-kind test with --db)")
	}
	return strings.Join(reasons, ", and "), confirm
}

func localAddress(addr string) bool {
	if strings.HasPrefix(addr, "unix(") {
		return true
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// preview prints what will be written where, on stderr.
func (p *tokenRowPlan) preview(f *cmdutil.Factory, row db.TokenRow) {
	w := f.IO.ErrOut
	s := f.IO.Styles()
	fmt.Fprintf(w, "%s\n", s.Bold.Render("Token row (oauth2_access_tokens, as the wiki writes it when it issues a token)"))
	fmt.Fprintf(w, "  database    %s\n", cmdutil.Safe(p.where))
	fmt.Fprintf(w, "  consumer    %s %q (%s)\n", p.consumer.Key, p.consumer.Name, p.consumer.StageName())
	if a := p.acceptance; a != nil {
		fmt.Fprintf(w, "  acceptance  %d: central user %d on %s, grants %s\n", a.ID, a.UserID, cmdutil.Safe(a.Wiki), cmdutil.Safe(strings.Join(a.Grants, ", ")))
	} else {
		fmt.Fprintln(w, "  acceptance  0 (a client_credentials token of a normal client runs as nobody)")
	}
	fmt.Fprintf(w, "  jti         %s\n", row.JTI)
	fmt.Fprintf(w, "  expires     %s\n", row.Expires)
	if p.production != "" {
		fmt.Fprintf(w, "  %s\n", s.Warn.Render("this looks like a production wiki's database: "+p.production))
	}
}

// writeRow confirms when the database looks like production's, then
// writes the row; with --dry-run it prints the script instead.
func (p *tokenRowPlan) writeRow(cmd *cobra.Command, f *cmdutil.Factory, o *rowOptions, token string, row db.TokenRow) (int64, error) {
	if o.dryRun {
		fmt.Fprintf(f.IO.Out, "-- mwoauth token mint --create-row on %s (dry run: nothing written)\n", cmdutil.Safe(strings.ReplaceAll(p.where, "\n", " ")))
		fmt.Fprintf(f.IO.Out, "-- the token this row is for: %s\n", token)
		for _, l := range p.st.TokenRowSQL(row) {
			fmt.Fprintln(f.IO.Out, l)
		}
		return 0, nil
	}
	if p.production != "" && !o.yes {
		if !f.IO.CanPrompt() {
			return 0, cmdutil.FlagErrorf("would write a token row to %s, which looks like a production wiki's database (see above); nothing written: pass --yes to confirm from a script, or --dry-run to see the SQL", p.where)
		}
		ctx := cmdutil.CatchInterrupt(cmd)
		if err := cmdutil.ConfirmTyped(ctx, f.IO, fmt.Sprintf("Type the database name (%s) to write the token row to it: ", cmdutil.Safe(p.confirm)), p.confirm); err != nil {
			return 0, err
		}
	}
	id, err := p.st.InsertTokenRow(cmd.Context(), row)
	if err != nil {
		return 0, err
	}
	fmt.Fprintf(f.IO.ErrOut, "%s token row oaat_id %d written to %s\n", f.IO.Styles().OK.Render("✓"), id, cmdutil.Safe(p.where))
	return id, nil
}

// rowOf is the row of the minted token tok, under the plan's acceptance.
func (p *tokenRowPlan) rowOf(tok *jwtutil.Token) (db.TokenRow, error) {
	jti, _ := tok.StringClaim("jti")
	exp := tok.TimeClaim("exp")
	t, ok := exp.Date.Time()
	if !exp.Numeric || !ok {
		return db.TokenRow{}, fmt.Errorf("internal: minted token without a readable exp")
	}
	r := db.TokenRow{JTI: jti, Expires: db.FormatTimestamp(t)}
	if p.acceptance != nil {
		r.AcceptanceID = p.acceptance.ID
	}
	return r, nil
}

func (p *tokenRowPlan) json(row db.TokenRow, id int64) *tokenRowJSON {
	v := &tokenRowJSON{Database: p.where, Target: p.st.Target(), TokenRow: row, ID: id}
	if a := p.acceptance; a != nil {
		v.Acceptance = &struct {
			ID     int64    `json:"id"`
			Wiki   string   `json:"wiki"`
			UserID int64    `json:"user_id"`
			Grants []string `json:"grants"`
		}{a.ID, a.Wiki, a.UserID, a.Grants}
	}
	return v
}
