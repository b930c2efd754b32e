package consumer

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/db"
)

// revokeOptions are what "consumer revoke" runs with.
type revokeOptions struct {
	baseOptions // Format: text or json
	// Confirm asks on the terminal for one of accept to be typed.
	Confirm confirmFunc

	Ref    string // the consumer's key or id
	User   string // whose authorization goes
	Wiki   string // --on-wiki: only this oaac_wiki ("" every wiki)
	DryRun bool
	Yes    bool
}

// newCmdRevoke builds "consumer revoke"; runF, when not nil, replaces
// revokeRun.
func newCmdRevoke(f *cmdutil.Factory, runF func(*revokeOptions) error) *cobra.Command {
	opts := &revokeOptions{baseOptions: newBaseOptions(f), Confirm: confirmOn(f.IO)}
	cmd := &cobra.Command{
		Use:   "revoke KEY|ID --user NAME [--on-wiki ID]",
		Short: "Revoke one user's authorization of a consumer (as the user's own renounce does)",
		Long: `Remove one user's authorization of a consumer, exactly as the user renouncing
it on Special:OAuthManageMyGrants does (ConsumerAcceptanceSubmitControl
renounce): their oauth_accepted_consumer rows for the consumer are deleted,
on every wiki or only --on-wiki ID (the oaac_wiki value, "*" for all wikis),
and, for an OAuth 2 consumer, every oauth2_access_tokens row of those
acceptances, so their access and refresh tokens stop working at once.
Nothing else changes: the consumer, other users' authorizations and tokens.

The wiki writes no log entry for a renounce (only a line in its OAuth debug
log), so neither does this command; its JSON output is the record of what
was deleted: the acceptances (id, wiki, user, grants, accepted) and the
token rows (jti, expiry, acceptance). "Revoking permission from a specific
user can only be done by that user" on the wiki itself: this is what an
admin does when that user's account was compromised.

A preview on stderr names the database; on a terminal you confirm by typing
the consumer's key or exact name (Ctrl-C aborts, exit 130); scripts pass
--yes. --dry-run prints only the SQL script (stdout). Exit codes: 9 unknown
consumer or user, 10 nothing to revoke / changed since the preview /
declined.`,
		Example: `  mwoauth consumer revoke 6b0f3e2a9c8d7e6f5a4b3c2d1e0f9a8b --user Bob
  mwoauth consumer revoke 10 --user Alice --on-wiki '*' --yes -o json
  mwoauth consumer revoke 10 --user Bob --dry-run`,
		Args:              cmdutil.Args(cobra.ExactArgs(1)),
		ValidArgsFunction: completeConsumers(f, "", false),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.resolve(cmd, f, func() error {
				if opts.User == "" {
					return cmdutil.FlagErrorf("--user NAME is required: whose authorization to remove")
				}
				return nil
			}); err != nil {
				return err
			}
			opts.Ref = args[0]
			return cmdutil.Pick(runF, revokeRun)(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.User, "user", "", "The user whose authorization is removed (required)")
	// Not --wiki: that is the central wiki's id setting (MWOAUTH_WIKI),
	// which would then also be read from the environment and profile.
	fl.StringVar(&opts.Wiki, "on-wiki", "", "Only the authorization for this wiki `ID` (oaac_wiki; default: every wiki)")
	addWriteFlags(cmd, &opts.DryRun, &opts.Yes)
	addBaseFlags(cmd, "text", "json")
	return cmd
}

// revokeResult is the stable JSON shape of a revoke.
type revokeResult struct {
	Key           string            `json:"key"`
	ID            int64             `json:"id"`
	Name          string            `json:"name"`
	User          string            `json:"user"`
	UserID        int64             `json:"user_id"`
	Wiki          string            `json:"wiki"` // "" = every wiki
	DryRun        bool              `json:"dry_run"`
	Database      db.Targets        `json:"database"`
	Profile       string            `json:"profile"`
	Acceptances   []db.Acceptance   `json:"acceptances"`
	RevokedTokens []db.RevokedToken `json:"revoked_tokens"`
	TokenRows     int               `json:"token_rows"`
	SQL           []string          `json:"sql,omitempty"`
}

// revokeRun plans the renounce, previews it, asks, and deletes the rows
// (or, with --dry-run, prints the SQL).
func revokeRun(opts *revokeOptions) error {
	return opts.withStore(opts.DB.OpenAdmin, func(st *db.Store) error { return revokeOn(opts, st) })
}

// revokeOn is revokeRun on the open database.
func revokeOn(opts *revokeOptions, st *db.Store) error {
	ctx := opts.Ctx
	where := opts.DB.Where(st)
	c, err := findConsumer(ctx, st, opts.Ref, "; nothing written")
	if err != nil {
		return err
	}
	p, err := st.PlanRenounce(ctx, c, opts.User, opts.Wiki)
	if err != nil {
		return err
	}
	r := revokeResult{Key: c.Key, ID: c.ID, Name: c.Name, User: p.UserName, UserID: p.UserID, Wiki: opts.Wiki,
		Database: st.Target(), Profile: opts.DB.Profile(st), Acceptances: p.Acceptances, RevokedTokens: []db.RevokedToken{}, TokenRows: p.TokenRows}

	s := opts.IO.Styles()
	w := opts.IO.ErrOut
	fmt.Fprintf(w, "%s %s %s %s (id %d)\n", s.Bold.Render("revoke"), s.Key.Render(c.Key), cmdutil.Safe(c.Name), cmdutil.Safe(c.Version), c.ID)
	line := func(k, v string) { fmt.Fprintf(w, "  %-13s %s\n", k, v) }
	line("database", where)
	line("user", fmt.Sprintf("%s (central id %d)", cmdutil.Safe(p.UserName), p.UserID))
	for _, a := range p.Acceptances {
		line("acceptance", fmt.Sprintf("%d on %s, accepted %s (deleted)", a.ID, cmdutil.Safe(a.Wiki), human(a.Accepted)))
	}
	if c.OAuthVersion == 2 {
		line("tokens", fmt.Sprintf("%d access-token row(s) of these acceptances (deleted; their refresh tokens die too)", p.TokenRows))
	}
	line("log entry", "none (the wiki writes none for a renounce)")

	if opts.DryRun {
		r.DryRun = true
		r.SQL = st.DryRunRenounce(p)
		if opts.Format == "json" {
			return cmdutil.WriteJSON(opts.IO.Out, r)
		}
		fmt.Fprintf(opts.IO.Out, "-- mwoauth consumer revoke %s --user %s on %s (dry run: nothing written)\n", c.Key, cmdutil.Safe(p.UserName), cmdutil.Safe(oneLineSQLComment(where)))
		for _, l := range r.SQL {
			fmt.Fprintln(opts.IO.Out, l)
		}
		return nil
	}
	if !opts.Yes {
		if !opts.IO.CanPrompt() {
			return cmdutil.FlagErrorf("would revoke %s's authorization of %s on %s (see above); nothing written: pass --yes to confirm from a script, or --dry-run to see the SQL", p.UserName, c.Key, where)
		}
		if err := opts.Confirm(ctx, fmt.Sprintf("Type the consumer's key or name to revoke %s's authorization on %s: ", p.UserName, where), c.Key, c.Name); err != nil {
			return err
		}
	}
	res, err := st.ApplyRenounce(ctx, p)
	if err != nil {
		return err
	}
	r.RevokedTokens = res.RevokedTokens
	if opts.Format == "json" {
		return cmdutil.WriteJSON(opts.IO.Out, r)
	}
	fmt.Fprintf(opts.IO.Out, "%s revoked %s's authorization of %s: %d acceptance(s) and %d token row(s) deleted\n",
		s.OK.Render("✓"), cmdutil.Safe(p.UserName), c.Key, len(res.Acceptances), len(res.RevokedTokens))
	fmt.Fprintf(opts.IO.Out, "  written to %s\n", where)
	return nil
}
