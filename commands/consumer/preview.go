package consumer

import (
	"context"
	"fmt"
	"strings"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/db"
	"github.com/mwoauth/mwoauth/mediawiki"
)

// The preview an action shows on stderr before it writes anything, and
// the confirmation asked on a terminal.

// stateText is a stage for people, suppression shown: "disabled +
// suppressed".
func stateText(stage int, deleted bool) string {
	s := mediawiki.StageName(stage)
	if deleted {
		s += " + suppressed"
	}
	return s
}

// fromText is the state an action starts from, auto-expiry shown.
func fromText(p *db.Plan) string {
	if p.AutoExpired {
		return stateText(mediawiki.StageExpired, p.FromDeleted) + " (auto-maintenance pending)"
	}
	return stateText(p.FromStage, p.FromDeleted)
}

// printPreview shows on stderr what the action will do to one consumer:
// the database, owner, state change, performer (and a rights refusal, or
// the skipped check), acceptances, tokens, the log entry and the warnings
// the action needs.
func printPreview(ios *cmdutil.IOStreams, spec actionSpec, p *db.Plan, where string, refused *db.PermissionError) {
	st := ios.Styles()
	w := ios.ErrOut
	c := p.Consumer
	fmt.Fprintf(w, "%s %s %s %s (id %d)\n", st.Bold.Render(spec.use), st.Key.Render(cmdutil.Safe(c.Key)), cmdutil.Safe(c.Name), cmdutil.Safe(c.Version), c.ID)
	line := func(k, v string) { fmt.Fprintf(w, "  %-13s %s\n", k, v) }
	line("database", where)
	owner := cmdutil.Safe(c.OwnerName)
	if owner == "" {
		owner = "(unknown)"
	}
	line("owner", fmt.Sprintf("%s (central id %d)", owner, c.OwnerID))
	if p.NoChange {
		line("state", fromText(p)+" (already; no change)")
	} else {
		line("state", fmt.Sprintf("%s → %s", fromText(p), st.Bold.Render(stateText(p.ToStage, p.ToDeleted))))
	}
	perf := cmdutil.Safe(p.Performer.Name)
	if u := p.PerformerState; u != nil {
		groups := "no groups"
		if len(u.Groups) > 0 {
			groups = "groups " + cmdutil.Safe(strings.Join(u.Groups, ", "))
		}
		perf += " (" + groups + ")"
	}
	line("performer", perf)
	switch {
	case refused != nil:
		fmt.Fprintf(w, "  %s %s\n", st.Err.Render("refused:"), cmdutil.SafeError(refused))
		fmt.Fprintln(w, "           MediaWiki writes nothing for this performer; neither does mwoauth (--skip-rights-check overrides, loudly).")
		return
	case p.RightsSkipped:
		fmt.Fprintf(w, "  %s %s\n", st.Err.Render("RIGHTS CHECK SKIPPED:"), cmdutil.SafeError(p.RightsProblem))
		fmt.Fprintln(w, "           MediaWiki would refuse this performer; the log entry will name them all the same.")
	}
	_, acc := acceptances(p.Acceptances)
	line("acceptances", acc)
	tok := fmt.Sprintf("%d live", p.Tokens.Live)
	if p.Tokens.LatestExpiry != "" {
		tok += ", latest exp " + human(p.Tokens.LatestExpiry)
	}
	line("tokens", tok+" (attributable through acceptances)")
	if !p.NoChange {
		line("log entry", fmt.Sprintf("mwoauthconsumer/%s on User:%s by %s: %q", p.Action, cmdutil.Safe(p.LogTitle), cmdutil.Safe(p.Performer.Name), p.Comment))
	}
	if spec.action == mediawiki.ActionDisable && !p.NoChange && c.OAuthVersion == 2 {
		fmt.Fprintf(w, "  %s MediaWiki refuses this consumer's tokens on the next request, but a gateway that validates JWTs alone keeps accepting them until they expire", st.Warn.Render("warning:"))
		if p.Tokens.LatestExpiry != "" {
			fmt.Fprintf(w, " (latest: %s)", human(p.Tokens.LatestExpiry))
		}
		fmt.Fprintln(w, ".")
		if usesClientCredentials(c) {
			fmt.Fprintln(w, "           Client-credentials tokens of normal clients have acceptance id 0 and cannot be attributed from the database alone.")
		}
	}
	if p.Revoke {
		fmt.Fprintf(w, "  %-13s %d attributable token row(s) will be deleted (their refresh tokens die with them)\n", "revoke", p.RevokeRows)
		if usesClientCredentials(c) {
			fmt.Fprintln(w, "           Its client-credentials tokens (acceptance id 0) cannot be attributed: they die only at their exp.")
		}
	}
	if spec.action == mediawiki.ActionReenable && !p.NoChange {
		switch {
		case usesClientCredentials(c):
			// Acceptance-0 tokens are not in the count above, and they
			// are the ones a leaked secret minted.
			fmt.Fprintln(w, "  note: its unexpired tokens work again at once, client-credentials tokens included (acceptance id 0, not counted above): rotate the secret first.")
		case p.Tokens.Live > 0:
			fmt.Fprintln(w, "  note: its unexpired tokens work again at once.")
		}
	}
}

// printBulkPreview is the combined preview's head line for - and --owner:
// how many consumers will change, which are refused, and (with --owner)
// what of the owner's was left alone.
func printBulkPreview(ios *cmdutil.IOStreams, spec actionSpec, owner *ownerSelection, planned, work int, refused []actionResult, where string) {
	st := ios.Styles()
	w := ios.ErrOut
	of := ""
	if owner != nil {
		of = fmt.Sprintf(" of %s (central id %d)", cmdutil.Safe(owner.owner), owner.ownerID)
	}
	fmt.Fprintf(w, "%s %d consumer(s)%s on %s: %d to %s, %d already so, %d refused\n", st.Bold.Render(spec.use),
		planned+len(refused), of, where, work, spec.verb, planned-work, len(refused))
	for _, r := range refused {
		fmt.Fprintf(w, "  %s %s %s: %s\n", st.Err.Render("refused"), cmdutil.Safe(r.Key), cmdutil.Safe(r.Name), cmdutil.Safe(r.Error))
	}
	if owner != nil && len(owner.leftAlone) > 0 {
		fmt.Fprintf(w, "  left alone (%s does not change them): %s\n", spec.use, owner.leftAloneText())
	}
}

// confirmFunc asks question on the terminal for one of accept to be typed
// (the Confirm of the commands that write: the actions and revoke).
type confirmFunc func(ctx context.Context, question string, accept ...string) error

// confirmOn is the confirmFunc on ios's terminal.
func confirmOn(ios *cmdutil.IOStreams) confirmFunc {
	return func(ctx context.Context, question string, accept ...string) error {
		return cmdutil.ConfirmTyped(ctx, ios, question, accept...)
	}
}

// confirm asks on the terminal: type the consumer's key or exact name (one
// consumer) or the number of consumers (several). Ctrl-C aborts at once.
func confirm(opts *actionOptions, plans []*db.Plan, where string) error {
	spec := opts.Spec
	var todo []*db.Plan
	for _, p := range plans {
		if !p.NoChange || p.Revoke {
			todo = append(todo, p)
		}
	}
	if len(todo) == 1 {
		c := todo[0].Consumer
		return opts.Confirm(opts.Ctx, fmt.Sprintf("Type the consumer's key or name to %s it on %s: ", spec.verb, where), c.Key, c.Name)
	}
	n := fmt.Sprint(len(todo))
	return opts.Confirm(opts.Ctx, fmt.Sprintf("Type %s to %s these %s consumers on %s: ", n, spec.verb, n, where), n)
}
