package consumer

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/commands/dbcmd"
	"github.com/mwoauth/mwoauth/db"
)

// actionSpec describes one of disable / enable / reject.
type actionSpec struct {
	use, verb, past string
	action          db.Action
	suppress        bool // offers --suppress
	revoke          bool // offers --revoke-tokens
	short, long     string
	example         string
}

var (
	actionDisable = actionSpec{use: "disable", verb: "disable", past: "disabled", action: db.ActionDisable, suppress: true, revoke: true,
		short: "Disable (and optionally suppress) approved consumers",
		long: `Disable consumers as Special:OAuthManageConsumers does: oarc_stage becomes 4
(disabled), oarc_stage_timestamp now, oarc_deleted 0 (or 1 with --suppress),
and one log entry is written (log_type mwoauthconsumer, log_action disable,
on the owner's user page, with the reason), plus its log_search row. Nothing
else changes: acceptances and tokens stay, so MediaWiki rejects the
consumer's tokens per request and accepts them again after "enable".

Only approved consumers can be disabled; a disabled one can be disabled again
to change its suppression. A consumer already in the requested state is
reported and left alone (exit 0).

A gateway that validates JWTs alone (Envoy jwt_authn) does not read the wiki:
it keeps accepting the consumer's access tokens until they expire. The
preview shows the latest expiry. --revoke-tokens also sets oaat_revoked = 1 on
the consumer's unexpired tokens that are attributable through an acceptance;
client_credentials tokens of normal (not owner-only) clients have acceptance
id 0 and cannot be attributed from the database alone.`,
		example: `  mwoauth consumer disable 5096568cc6652b5ad36358427f1bd60c --reason "secret leaked" --as Admin
  mwoauth consumer disable 5 --suppress --reason "abusive app" --as Admin --yes
  mwoauth consumer disable 5096568cc6652b5ad36358427f1bd60c --reason "leak" --as Admin --dry-run
  mwoauth consumer list --search leak --output keys | xargs mwoauth consumer disable --reason "leak" --as Admin --yes`}
	actionEnable = actionSpec{use: "enable", verb: "re-enable", past: "re-enabled", action: db.ActionReenable,
		short: "Re-enable disabled consumers (clears suppression)",
		long: `Re-enable disabled consumers as Special:OAuthManageConsumers does: oarc_stage
becomes 1 (approved), oarc_stage_timestamp now, oarc_deleted 0 (re-enabling
always un-suppresses), and a log entry with log_action reenable is written.

Only disabled consumers can be re-enabled. Their tokens that have not expired
work again at once.`,
		example: `  mwoauth consumer enable 5096568cc6652b5ad36358427f1bd60c --reason "secret rotated" --as Admin
  mwoauth consumer enable 2 --reason "false alarm" --as Admin --yes --output json`}
	actionReject = actionSpec{use: "reject", verb: "reject", past: "rejected", action: db.ActionReject, suppress: true,
		short: "Reject (and optionally suppress) proposed consumers",
		long: `Reject proposed consumers as Special:OAuthManageConsumers does: oarc_stage
becomes 2 (rejected), oarc_stage_timestamp now, oarc_deleted 0 (or 1 with
--suppress), and a log entry with log_action reject is written.

Only proposed consumers can be rejected.`,
		example: `  mwoauth consumer reject 2e33175180a0c30649b032b29fd807a5 --reason "no description" --as Admin
  mwoauth consumer reject 4 --suppress --reason "spam" --as Admin --yes`}
)

type actionOptions struct {
	reason   string
	suppress bool
	revoke   bool
	dryRun   bool
	yes      bool
}

func newCmdAction(f *cmdutil.Factory, spec actionSpec) *cobra.Command {
	o := &actionOptions{}
	cmd := &cobra.Command{
		Use:   spec.use + " KEY|ID... --reason TEXT --as USER",
		Short: spec.short,
		Long: spec.long + `

The reason is required, one line, at most 255 bytes (the form's rule). --as
names the admin the log entry is written under (profile key "as", env
MWOAUTH_AS); the user must exist on the central wiki.

Before writing, a preview on stderr shows the change, the owner, acceptances
and live tokens; stdout gets one outcome line per consumer (or the JSON). On a terminal you confirm by typing the consumer's key or name;
scripts pass --yes (without a terminal and without --yes nothing is written,
exit 2). --dry-run prints the SQL with its values and writes nothing.

Each consumer is changed in its own transaction with its row locked; if it
changed since the preview, nothing is written for it (exit 10). Exit codes:
9 unknown consumer or user, 10 transition not allowed / changed / declined.`,
		Example: spec.example,
		Args:    cmdutil.Args(cobra.MinimumNArgs(1), "one or more consumer KEYs or IDs"),
		RunE:    func(cmd *cobra.Command, args []string) error { return runAction(cmd, f, spec, o, args) },
	}
	fl := cmd.Flags()
	fl.StringVar(&o.reason, "reason", "", "Why (required; stored in the wiki's log)")
	fl.String("as", "", "Performing admin's user `name` (env MWOAUTH_AS, profile key as)")
	if spec.suppress {
		fl.BoolVar(&o.suppress, "suppress", false, "Also suppress the consumer (oarc_deleted = 1)")
	}
	if spec.revoke {
		fl.BoolVar(&o.revoke, "revoke-tokens", false, "Also revoke the consumer's attributable unexpired access tokens")
	}
	fl.BoolVar(&o.dryRun, "dry-run", false, "Print the SQL that would run; write nothing")
	fl.BoolVarP(&o.yes, "yes", "y", false, "Do not ask for confirmation")
	cmdutil.AddOutputFlag(cmd, "text", "json")
	dbcmd.AddFlags(cmd)
	return cmd
}

// stateView is a consumer's state in JSON output.
type stateView struct {
	Stage      string `json:"stage"`
	Suppressed bool   `json:"suppressed"`
}

// actionResult is the stable JSON shape of one consumer's outcome.
type actionResult struct {
	Key           string          `json:"key"`
	ID            int64           `json:"id"`
	Name          string          `json:"name"`
	Owner         string          `json:"owner"`
	Action        string          `json:"action"`
	From          stateView       `json:"from"`
	To            stateView       `json:"to"`
	Changed       bool            `json:"changed"`
	DryRun        bool            `json:"dry_run"`
	LogID         int64           `json:"log_id,omitempty"`
	CommentID     int64           `json:"comment_id,omitempty"`
	ActorID       int64           `json:"actor_id,omitempty"`
	Timestamp     string          `json:"timestamp,omitempty"`
	Performer     string          `json:"performer"`
	Reason        string          `json:"reason"`
	Acceptances   int             `json:"acceptances"`
	Tokens        db.TokenSummary `json:"access_tokens"`
	RevokedTokens int64           `json:"revoked_tokens"`
	SQL           []string        `json:"sql,omitempty"`
	Error         string          `json:"error,omitempty"`
}

func runAction(cmd *cobra.Command, f *cmdutil.Factory, spec actionSpec, o *actionOptions, refs []string) error {
	format, err := cmdutil.OutputFormat(cmd, "text", "json")
	if err != nil {
		return err
	}
	if !cmd.Flags().Changed("reason") {
		return cmdutil.FlagErrorf("--reason is required: it is stored in the wiki's log, as the form requires")
	}
	reason, err := db.ValidateReason(o.reason)
	if err != nil {
		return cmdutil.FlagErrorf("%v", err)
	}
	as, err := f.Setting(cmd, "as")
	if err != nil {
		return err
	}
	if strings.TrimSpace(as) == "" {
		return cmdutil.FlagErrorf("--as USER is required: the admin the log entry is written under (or MWOAUTH_AS, or as = in the profile)")
	}

	st, err := dbcmd.OpenAdmin(cmd, f)
	if err != nil {
		return err
	}
	defer st.Close()
	ctx := cmdutil.CatchInterrupt(cmd)
	now := f.Now()

	// Plan everything first: one unknown or refused consumer stops the
	// whole run before anything is written.
	var plans []*db.Plan
	seen := map[int64]bool{}
	for _, ref := range refs {
		c, err := st.LookupConsumer(ctx, ref)
		if errors.Is(err, db.ErrNotFound) {
			return cmdutil.Exitf(cmdutil.ExitNotFound, "no consumer %q (give the 32-hex key or the numeric id); nothing written", ref)
		}
		if err != nil {
			return err
		}
		if seen[c.ID] {
			continue
		}
		seen[c.ID] = true
		p, err := st.PlanAction(ctx, c, db.Request{Action: spec.action, Suppress: o.suppress, Reason: reason, Performer: as, RevokeTokens: o.revoke, Now: now})
		if err != nil {
			if len(refs) > 1 {
				err = fmt.Errorf("%w; nothing written", err)
			}
			return err
		}
		plans = append(plans, p)
	}

	// The preview is talk (stderr), so a refused or failed write leaves
	// stdout empty and stdout holds only outcomes; with --dry-run in text
	// form, preview and SQL together are what was asked for (stdout).
	talk := f.IO.ErrOut
	if o.dryRun && format != "json" {
		talk = f.IO.Out
	}
	work := 0
	for _, p := range plans {
		printPreview(f, talk, spec, p)
		if !p.NoChange || p.Revoke {
			work++
		}
	}

	results := make([]actionResult, 0, len(plans))
	if o.dryRun {
		for _, p := range plans {
			r := resultOf(spec, p)
			r.DryRun = true
			if !p.NoChange || p.Revoke {
				stmts, err := st.DryRun(ctx, p)
				if err != nil {
					return err
				}
				for _, s := range stmts {
					r.SQL = append(r.SQL, st.FormatSQL(s))
				}
			}
			results = append(results, r)
		}
		if format == "json" {
			return cmdutil.WriteJSON(f.IO.Out, results)
		}
		for _, r := range results {
			if len(r.SQL) == 0 {
				continue
			}
			fmt.Fprintf(f.IO.Out, "-- %s %s (dry run: nothing written)\n", spec.use, cmdutil.Safe(r.Key))
			for _, s := range r.SQL {
				fmt.Fprintln(f.IO.Out, s)
			}
		}
		return nil
	}

	if work > 0 && !o.yes {
		if !f.IO.CanPrompt() {
			return cmdutil.FlagErrorf("would %s %d consumer(s) (see above); nothing written: pass --yes to confirm from a script, or --dry-run to see the SQL", spec.verb, work)
		}
		if err := confirm(f, spec, plans); err != nil {
			return err
		}
		// The wiki stamps the stage change and the log entry when it writes,
		// not when the form was shown: the admin may have read the preview
		// for minutes.
		stamp := db.FormatTimestamp(f.Now())
		for _, p := range plans {
			p.Timestamp = stamp
		}
	}

	var failed error
	for _, p := range plans {
		r := resultOf(spec, p)
		res, err := st.Apply(ctx, p)
		if err != nil {
			r.Error = err.Error()
			results = append(results, r)
			if failed == nil {
				failed = err
			}
			if format != "json" {
				fmt.Fprintf(f.IO.ErrOut, "%s %s: %s\n", f.IO.Styles().Err.Render("✗"), cmdutil.Safe(p.Consumer.Key), cmdutil.Safe(err.Error()))
			}
			continue
		}
		r.Changed, r.LogID, r.CommentID, r.ActorID, r.RevokedTokens = res.Changed, res.LogID, res.CommentID, res.ActorID, res.RevokedTokens
		results = append(results, r)
		if format != "json" {
			printOutcome(f, spec, p, res)
		}
	}
	if format == "json" {
		if err := cmdutil.WriteJSON(f.IO.Out, results); err != nil {
			return err
		}
		if failed != nil {
			var ee *cmdutil.ExitError
			if errors.As(failed, &ee) {
				return cmdutil.SilentExit(ee.Code)
			}
		}
	} else if failed != nil {
		var ee *cmdutil.ExitError
		if errors.As(failed, &ee) {
			return cmdutil.SilentExit(ee.Code)
		}
	}
	return failed
}

func resultOf(spec actionSpec, p *db.Plan) actionResult {
	c := p.Consumer
	total, _ := acceptances(p.Acceptances)
	r := actionResult{Key: c.Key, ID: c.ID, Name: c.Name, Owner: c.OwnerName, Action: string(spec.action),
		From:      stateView{Stage: db.StageName(p.FromStage), Suppressed: p.FromDeleted},
		To:        stateView{Stage: db.StageName(p.ToStage), Suppressed: p.ToDeleted},
		Performer: p.Performer.Name, Reason: p.Comment, Acceptances: total, Tokens: p.Tokens}
	if !p.NoChange {
		r.Timestamp = when(p.Timestamp)
	}
	r.Tokens.LatestExpiry = when(r.Tokens.LatestExpiry)
	return r
}

func stateText(stage int, deleted bool) string {
	s := db.StageName(stage)
	if deleted {
		s += " + suppressed"
	}
	return s
}

func printPreview(f *cmdutil.Factory, w io.Writer, spec actionSpec, p *db.Plan) {
	st := f.IO.Styles()
	c := p.Consumer
	fmt.Fprintf(w, "%s %s %s %s (id %d)\n", st.Bold.Render(spec.use), st.Key.Render(cmdutil.Safe(c.Key)), cmdutil.Safe(c.Name), cmdutil.Safe(c.Version), c.ID)
	line := func(k, v string) { fmt.Fprintf(w, "  %-13s %s\n", k, v) }
	line("owner", fmt.Sprintf("%s (central id %d)", cmdutil.Safe(c.OwnerName), c.OwnerID))
	if p.NoChange {
		line("state", stateText(p.FromStage, p.FromDeleted)+" (already; no change)")
	} else {
		line("state", fmt.Sprintf("%s → %s", stateText(p.FromStage, p.FromDeleted), st.Bold.Render(stateText(p.ToStage, p.ToDeleted))))
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
	if spec.action == db.ActionDisable && !p.NoChange && c.OAuthVersion == 2 {
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
		fmt.Fprintf(w, "  %-13s %d attributable unexpired token(s) will be revoked (oaat_revoked = 1)\n", "revoke", p.Tokens.Live)
	}
	if spec.action == db.ActionReenable && !p.NoChange && p.Tokens.Live > 0 {
		fmt.Fprintln(w, "  note: its unexpired tokens work again at once.")
	}
}

// confirm asks on the terminal: type the consumer's key or name (one
// consumer) or the number of consumers (several).
func confirm(f *cmdutil.Factory, spec actionSpec, plans []*db.Plan) error {
	var todo []*db.Plan
	for _, p := range plans {
		if !p.NoChange || p.Revoke {
			todo = append(todo, p)
		}
	}
	var prompt string
	accept := map[string]bool{}
	if len(todo) == 1 {
		c := todo[0].Consumer
		prompt = fmt.Sprintf("Type the consumer's key or name to %s it: ", spec.verb)
		accept[c.Key] = true
		accept[c.Name] = true
	} else {
		prompt = fmt.Sprintf("Type %d to %s these %d consumers: ", len(todo), spec.verb, len(todo))
		accept[fmt.Sprint(len(todo))] = true
	}
	fmt.Fprint(f.IO.ErrOut, prompt)
	line, err := bufio.NewReader(f.IO.In).ReadString('\n')
	if err != nil && line == "" {
		return cmdutil.Exitf(cmdutil.ExitRefused, "not confirmed; nothing written")
	}
	if !accept[strings.TrimSpace(line)] {
		return cmdutil.Exitf(cmdutil.ExitRefused, "answer did not match; nothing written")
	}
	return nil
}

func printOutcome(f *cmdutil.Factory, spec actionSpec, p *db.Plan, res *db.Result) {
	st := f.IO.Styles()
	c := p.Consumer
	if !res.Changed {
		msg := fmt.Sprintf("%s %s is already %s; nothing changed", st.Dim.Render("="), cmdutil.Safe(c.Key), stateText(p.FromStage, p.FromDeleted))
		if p.Revoke {
			msg += fmt.Sprintf(", %d token(s) revoked", res.RevokedTokens)
		}
		fmt.Fprintln(f.IO.Out, msg)
		return
	}
	msg := fmt.Sprintf("%s %s %s: %s → %s; log id %d", st.OK.Render("✓"), spec.past, cmdutil.Safe(c.Key),
		stateText(p.FromStage, p.FromDeleted), stateText(p.ToStage, p.ToDeleted), res.LogID)
	if p.Revoke {
		msg += fmt.Sprintf("; %d token(s) revoked (acceptance-0 client_credentials tokens cannot be attributed)", res.RevokedTokens)
	}
	fmt.Fprintln(f.IO.Out, msg)
}
