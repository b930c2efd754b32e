package consumer

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/commands/dbcmd"
	"github.com/mwoauth/mwoauth/db"
	"github.com/mwoauth/mwoauth/mediawiki"
)

// actionSpec describes one of approve / reject / disable / enable.
type actionSpec struct {
	use, verb, past string
	action          db.Action
	suppress        bool // offers --suppress
	revoke          bool // offers --revoke-tokens
	short, long     string
	example         string
}

var (
	actionApprove = actionSpec{use: "approve", verb: "approve", past: "approved", action: db.ActionApprove,
		short: "Approve proposed, rejected or expired consumers",
		long: `Approve consumers as Special:OAuthManageConsumers does: oarc_stage becomes 1
(approved), oarc_stage_timestamp now, oarc_deleted 0, and one log entry with
log_action approve is written (on the owner's user page, with the reason),
plus its log_search row.

Proposed (0), rejected (2) and expired (3) consumers can be approved. A
proposal whose stage timestamp is older than $wgMWOAuthRequestExpirationAge
(setting request-expiration-age, default 30 days) is expired for the wiki
(its auto-maintenance marks it so when the management pages are viewed) and
is shown as "expired (auto-maintenance pending)". Approving an approved
consumer is reported and changes nothing (exit 0).`,
		example: `  mwoauth consumer list --stage proposed,expired
  mwoauth consumer approve 2e33175180a0c30649b032b29fd807a5 --reason "reviewed: grants match the description" --as Admin
  mwoauth consumer approve 4 --reason "reviewed" --as Admin --dry-run`}
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
preview shows the latest expiry.

--revoke-tokens also deletes, in the same transaction, every
oauth2_access_tokens row attributable to the consumer through an acceptance,
as MediaWiki's own revocation does (AccessTokenRepository::deleteForApprovalId):
the access tokens are refused at once, and their refresh tokens die with them
(MediaWiki honours a refresh token only while its access token's row exists),
so re-enabling the consumer later does not bring them back. Every deleted row
(jti, expiry, acceptance) is in the result (revoked_tokens in JSON), for the
incident record. Client-credentials tokens of normal (not owner-only) clients
have acceptance id 0: they cannot be attributed from the database and die
only at their exp.`,
		example: `  mwoauth consumer disable 5096568cc6652b5ad36358427f1bd60c --reason "secret leaked" --as Admin
  mwoauth consumer disable 5 --suppress --revoke-tokens --reason "abusive app" --as Admin --yes
  mwoauth consumer disable 5096568cc6652b5ad36358427f1bd60c --reason "leak" --as Admin --dry-run
  mwoauth consumer list --search leak --all --output keys | xargs mwoauth consumer disable --reason "leak" --as Admin --yes`}
	actionEnable = actionSpec{use: "enable", verb: "re-enable", past: "re-enabled", action: db.ActionReenable,
		short: "Re-enable disabled consumers (clears suppression)",
		long: `Re-enable disabled consumers as Special:OAuthManageConsumers does: oarc_stage
becomes 1 (approved), oarc_stage_timestamp now, oarc_deleted 0 (re-enabling
always un-suppresses), and a log entry with log_action reenable is written.

Only disabled consumers can be re-enabled. Their tokens that have not expired
(and were not revoked) work again at once, client-credentials tokens
included: rotate the secret first.`,
		example: `  mwoauth consumer enable 5096568cc6652b5ad36358427f1bd60c --reason "secret rotated" --as Admin
  mwoauth consumer enable 2 --reason "false alarm" --as Admin --yes --output json`}
	actionReject = actionSpec{use: "reject", verb: "reject", past: "rejected", action: db.ActionReject, suppress: true,
		short: "Reject (and optionally suppress) proposed consumers",
		long: `Reject proposed consumers as Special:OAuthManageConsumers does: oarc_stage
becomes 2 (rejected), oarc_stage_timestamp now, oarc_deleted 0 (or 1 with
--suppress), and a log entry with log_action reject is written.

Only proposed consumers can be rejected. A proposal past auto-expiry
(request-expiration-age, default 30 days) is expired for the wiki and cannot
be rejected, only approved.`,
		example: `  mwoauth consumer reject 2e33175180a0c30649b032b29fd807a5 --reason "no description" --as Admin
  mwoauth consumer reject 4 --suppress --reason "spam" --as Admin --yes`}
)

type actionOptions struct {
	reason    string
	suppress  bool
	revoke    bool
	dryRun    bool
	yes       bool
	skipCheck bool
	owner     string
}

// rightsHelp is the performer paragraph every action's help shares.
const rightsHelp = `
The performer (--as, env MWOAUTH_AS, profile key as) is the admin the log
entry is written under. MediaWiki requires them to hold mwoauthmanageconsumer
(and mwoauthsuppress to suppress, or to act on a suppressed consumer) and to
be neither blocked nor locked: otherwise it answers badaccess-group0 and
writes nothing, and so does mwoauth (exit 10). Which groups hold the rights
is $wgGroupPermissions, which lives in PHP: the settings manager-groups
(default sysop,oauthadmin,steward) and suppressor-groups (default
sysop,oauthadmin,steward,suppress) say what it says. Groups are read from
user_groups (unexpired) on the central wiki and, with --centralauth-db,
global_user_groups; the lock from globaluser.gu_locked; blocks from
block/block_target. --skip-rights-check writes anyway; the preview says so
loudly, and nothing records it (MediaWiki has nowhere to).`

func newCmdAction(f *cmdutil.Factory, spec actionSpec) *cobra.Command {
	o := &actionOptions{}
	cmd := &cobra.Command{
		Use:   spec.use + " KEY|ID...|- --reason TEXT --as USER",
		Short: spec.short,
		Long: spec.long + `

The reason is required, one line, at most 255 bytes (the form's rule).
` + rightsHelp + `
` + bulkHelp + `

Before writing, a preview on stderr names the database(s) written (host or
socket and database, or the SQLite file; the profile and table prefix) and
shows the change, the owner, the performer's rights, acceptances and tokens;
stdout gets one outcome line per consumer (or the JSON). On a terminal you
confirm by typing the consumer's key or exact name (Ctrl-C aborts at once,
exit 130); scripts pass --yes (without a terminal and without --yes nothing
is written, exit 2). --dry-run prints to stdout only the SQL, a script the
mariadb or sqlite3 client runs as is and that makes exactly this change
(ids assigned by the database, the same guard against a concurrent change);
the preview goes to stderr.

The change is stamped with the real UTC time when it is written, never with
MWOAUTH_NOW (which only judges tokens; a write warns that it ignores it).

Each consumer is changed in one transaction with its row locked; if it
changed since the preview, nothing is written for it (exit 10). With --wiki-db
on another server, the consumer row is committed first and the log entry
second; if the second commit fails, the error says what landed and gives the
command that writes the missing log entry. Exit codes: 9 unknown consumer or
user, 10 transition not allowed / performer refused / changed / declined,
130 interrupted.`,
		Example: spec.example + `
  mwoauth consumer ` + spec.use + ` --owner "Locked Dev" --reason "owner locked (T12345)" --as Admin --dry-run
  mwoauth consumer list --search leak --all -o keys | mwoauth consumer ` + spec.use + ` - --reason "leak" --as Admin --yes`,
		Args: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("owner") {
				if len(args) > 0 {
					return cmdutil.FlagErrorf("--owner chooses the consumers: give no KEY|ID with it")
				}
				return nil
			}
			return cmdutil.Args(cobra.MinimumNArgs(1), "one or more consumer KEYs or IDs, - for stdin, or --owner NAME")(cmd, args)
		},
		ValidArgsFunction: completeConsumers(f, spec.action, true),
		RunE:              func(cmd *cobra.Command, args []string) error { return runAction(cmd, f, spec, o, args) },
	}
	fl := cmd.Flags()
	fl.StringVar(&o.owner, "owner", "", "Every consumer of this owner (user `name` or central id) that the action changes")
	fl.StringVar(&o.reason, "reason", "", "Why (required; stored in the wiki's log)")
	fl.String("as", "", "Performing admin's user `name` (env MWOAUTH_AS, profile key as)")
	if spec.suppress {
		fl.BoolVar(&o.suppress, "suppress", false, "Also suppress the consumer (oarc_deleted = 1; needs mwoauthsuppress)")
	}
	if spec.revoke {
		fl.BoolVar(&o.revoke, "revoke-tokens", false, "Also delete the consumer's attributable access-token rows (their refresh tokens die too)")
	}
	addRightsFlags(cmd, &o.skipCheck)
	fl.BoolVar(&o.dryRun, "dry-run", false, "Print the SQL script that would run (stdout) and the preview (stderr); write nothing")
	fl.BoolVarP(&o.yes, "yes", "y", false, "Do not ask for confirmation")
	cmdutil.AddOutputFlag(cmd, "text", "json")
	dbcmd.AddFlags(cmd)
	return cmd
}

// addRightsFlags adds the performer-rights settings.
func addRightsFlags(cmd *cobra.Command, skip *bool) {
	fl := cmd.Flags()
	fl.String("manager-groups", "", "Groups holding mwoauthmanageconsumer, as $wgGroupPermissions says (`list`; default sysop,oauthadmin,steward)")
	fl.String("suppressor-groups", "", "Groups holding mwoauthsuppress, as $wgGroupPermissions says (`list`; default sysop,oauthadmin,steward,suppress)")
	fl.String("request-expiration-age", "", "$wgMWOAuthRequestExpirationAge: `age` after which a proposal is expired (default 30d; 0 = never)")
	fl.BoolVar(skip, "skip-rights-check", false, "Write even if MediaWiki would refuse the performer (shown loudly in the preview)")
}

// groupRights resolves manager-groups and suppressor-groups.
func groupRights(cmd *cobra.Command, f *cmdutil.Factory) (mediawiki.GroupRights, error) {
	g := mediawiki.DefaultGroupRights()
	for _, s := range []struct {
		key string
		dst *[]string
	}{{"manager-groups", &g.Manager}, {"suppressor-groups", &g.Suppressor}} {
		v, err := f.Setting(cmd, s.key)
		if err != nil {
			return g, err
		}
		if strings.TrimSpace(v) == "" {
			continue
		}
		var groups []string
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				groups = append(groups, p)
			}
		}
		*s.dst = groups
	}
	return g, nil
}

// expirationAge resolves request-expiration-age: a Go duration, a number of
// days with d ("30d"), or seconds as MediaWiki writes it ("2592000"). 0 (or
// a negative value) turns auto-expiry off.
func expirationAge(cmd *cobra.Command, f *cmdutil.Factory) (time.Duration, error) {
	v, err := f.Setting(cmd, "request-expiration-age")
	if err != nil || strings.TrimSpace(v) == "" {
		return mediawiki.DefaultRequestExpirationAge, err
	}
	d, ok := parseAge(v)
	if !ok {
		return 0, cmdutil.FlagErrorf("request-expiration-age %q: want seconds, 30d or a duration like 720h", strings.TrimSpace(v))
	}
	if d <= 0 {
		return -1, nil // off
	}
	return d, nil
}

// parseAge reads an age as MediaWiki settings and people write it: a Go
// duration (720h), days with d (30d, 1.5d), or seconds (2592000).
func parseAge(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	var n float64
	switch {
	case strings.HasSuffix(v, "d") && scanFloat(strings.TrimSuffix(v, "d"), &n):
		return time.Duration(n * float64(24*time.Hour)), true
	case scanFloat(v, &n):
		return time.Duration(n * float64(time.Second)), true
	}
	d, err := time.ParseDuration(v)
	return d, err == nil
}

func scanFloat(s string, n *float64) bool {
	_, err := fmt.Sscanf(s, "%g", n)
	return err == nil && strings.Trim(s, "0123456789.") == ""
}

// stateView is a consumer's state in JSON output.
type stateView struct {
	Stage      string `json:"stage"`
	Suppressed bool   `json:"suppressed"`
}

// performerView is the performer and what the rights check found.
type performerView struct {
	Name          string   `json:"name"`
	UserID        int64    `json:"user_id"`
	Groups        []string `json:"groups"`
	Blocked       bool     `json:"blocked"`
	Locked        bool     `json:"locked"`
	RightsProblem string   `json:"rights_problem,omitempty"` // why MediaWiki would refuse (only with --skip-rights-check)
	RightsSkipped bool     `json:"rights_check_skipped"`
}

// actionResult is the stable JSON shape of one consumer's outcome.
type actionResult struct {
	Key           string            `json:"key"`
	ID            int64             `json:"id"`
	Name          string            `json:"name"`
	Owner         string            `json:"owner"`
	Action        string            `json:"action"`
	From          stateView         `json:"from"`
	To            stateView         `json:"to"`
	AutoExpired   bool              `json:"auto_expired"`
	Changed       bool              `json:"changed"`
	DryRun        bool              `json:"dry_run"`
	Database      db.Targets        `json:"database"`
	Profile       string            `json:"profile"`
	LogID         int64             `json:"log_id,omitempty"`
	CommentID     int64             `json:"comment_id,omitempty"`
	ActorID       int64             `json:"actor_id,omitempty"`
	Timestamp     string            `json:"timestamp,omitempty"`
	Performer     performerView     `json:"performer"`
	Reason        string            `json:"reason"`
	Acceptances   int               `json:"acceptances"`
	Tokens        db.TokenSummary   `json:"access_tokens"`
	RevokedTokens []db.RevokedToken `json:"revoked_tokens"`
	SQL           []string          `json:"sql,omitempty"`
	Outcome       string            `json:"outcome"`
	Error         string            `json:"error,omitempty"`
	Repair        string            `json:"repair_command,omitempty"`
}

func runAction(cmd *cobra.Command, f *cmdutil.Factory, spec actionSpec, o *actionOptions, refs []string) error {
	format, err := cmdutil.OutputFormat(cmd, "text", "json")
	if err != nil {
		return err
	}
	// One wording whether --reason is missing or empty.
	if !cmd.Flags().Changed("reason") || strings.TrimSpace(o.reason) == "" {
		return cmdutil.FlagRequired("--reason", "it is stored in the wiki's log, as the form requires")
	}
	reason, err := db.ValidateReason(o.reason)
	if err != nil {
		return cmdutil.FlagErrorf("--reason: %v", err)
	}
	as, err := f.Setting(cmd, "as")
	if err != nil {
		return err
	}
	if strings.TrimSpace(as) == "" {
		return cmdutil.FlagErrorf("--as USER is required: the admin the log entry is written under (or MWOAUTH_AS, or as = in the profile)")
	}
	rights, err := groupRights(cmd, f)
	if err != nil {
		return err
	}
	age, err := expirationAge(cmd, f)
	if err != nil {
		return err
	}

	st, err := dbcmd.OpenAdmin(cmd, f)
	if err != nil {
		return err
	}
	defer st.Close()
	ctx := cmdutil.CatchInterrupt(cmd)
	if f.ClockPinned && !o.dryRun {
		fmt.Fprintln(f.IO.ErrOut, "warning: MWOAUTH_NOW is set: it judges (token expiry, auto-expiry of proposals) but never stamps; this write is stamped with the real time")
	}
	where := dbcmd.Where(f, st)
	// Judging (auto-expiry, which tokens are live) follows the judging
	// clock; the write itself is stamped by db with the real time.
	now := f.Now()

	// What to act on: the arguments, stdin (-), or --owner's consumers.
	// An unknown consumer or owner stops the run before anything is
	// planned or written.
	bulk := o.owner != "" || (len(refs) == 1 && refs[0] == "-")
	var consumers []*db.Consumer
	var owner *ownerSelection
	switch {
	case o.owner != "":
		if owner, err = selectOwner(ctx, st, o.owner, spec.action, o.suppress, now, age); err != nil {
			return err
		}
		consumers = owner.consumers
	default:
		if len(refs) == 1 && refs[0] == "-" {
			if refs, err = keysFromStdin(f.IO); err != nil {
				return err
			}
		}
		seen := map[int64]bool{}
		for _, ref := range refs {
			c, err := st.LookupConsumer(ctx, ref)
			if errors.Is(err, db.ErrNotFound) {
				return cmdutil.Exitf(cmdutil.ExitNotFound, "no consumer %q (give the 32-hex key or the numeric id); nothing written", cmdutil.Safe(ref))
			}
			if err != nil {
				return err
			}
			if !seen[c.ID] {
				seen[c.ID] = true
				consumers = append(consumers, c)
			}
		}
	}

	// Plan everything first. With several consumers, however they were
	// named (keys, xargs, - or --owner), a refused one is reported and the
	// others go ahead: in an incident, one consumer in the wrong stage must
	// not keep the rest of the list enabled.
	bulk = bulk || len(consumers) > 1
	var plans []*db.Plan
	var refused []actionResult
	for _, c := range consumers {
		p, err := st.PlanAction(ctx, c, db.Request{Action: spec.action, Suppress: o.suppress, Reason: reason, Performer: as,
			RevokeTokens: o.revoke, Now: now, Rights: rights, SkipRightsCheck: o.skipCheck, ExpirationAge: age})
		if err != nil {
			var pe *db.PermissionError
			if errors.As(err, &pe) && p != nil {
				// The rights problem shows in the preview, before any question.
				printPreview(f, f.IO.ErrOut, spec, p, where, pe)
			}
			if errors.Is(err, db.ErrRevokeNeedsDisable) {
				return cmdutil.FlagErrorf("--revoke-tokens goes with disable only")
			}
			if bulk && cmdutil.ExitCode(err) == cmdutil.ExitRefused {
				refused = append(refused, refusedResult(spec, c, err))
				continue
			}
			if len(consumers) > 1 {
				err = fmt.Errorf("%w; nothing written", err)
			}
			return err
		}
		plans = append(plans, p)
	}

	// The preview is talk (stderr): stdout holds only outcomes, or, with
	// --dry-run, only the SQL.
	work := 0
	for _, p := range plans {
		printPreview(f, f.IO.ErrOut, spec, p, where, nil)
		if !p.NoChange || p.Revoke {
			work++
		}
	}
	if bulk {
		printBulkPreview(f, spec, owner, len(plans), work, refused, where)
	}
	profile := dbcmd.Profile(f, st)
	summarize := bulk || len(consumers) > 1

	results := make([]actionResult, 0, len(plans)+len(refused))
	if o.dryRun {
		for _, p := range plans {
			r := resultOf(spec, p, st, profile)
			r.DryRun = true
			r.Outcome = outcomeOf(nil, !p.NoChange)
			if !p.NoChange || p.Revoke {
				r.SQL = st.DryRun(p)
			}
			results = append(results, r)
		}
		results = append(results, refused...)
		if format == "json" {
			if err := cmdutil.WriteJSON(f.IO.Out, results); err != nil {
				return err
			}
		} else {
			for _, r := range results {
				if len(r.SQL) == 0 {
					continue
				}
				fmt.Fprintf(f.IO.Out, "-- mwoauth consumer %s %s on %s (dry run: nothing written)\n", spec.use, r.Key, cmdutil.Safe(oneLineSQLComment(where)))
				for _, s := range r.SQL {
					fmt.Fprintln(f.IO.Out, s)
				}
			}
			if summarize {
				printSummary(f.IO.ErrOut, f.IO.Styles(), spec, results, true)
			}
		}
		return refusedExit(refused)
	}

	if work > 0 && !o.yes {
		if !f.IO.CanPrompt() {
			return cmdutil.FlagErrorf("would %s %d consumer(s) on %s (see above); nothing written: pass --yes to confirm from a script, or --dry-run to see the SQL", spec.verb, work, where)
		}
		if err := confirm(cmd, f, spec, plans, where); err != nil {
			return err
		}
	}

	var failed error
	for _, p := range plans {
		r := resultOf(spec, p, st, profile)
		res, err := st.Apply(ctx, p)
		if res != nil {
			fillResult(&r, p, res)
		}
		r.Outcome = outcomeOf(err, res != nil && res.Changed)
		if err != nil {
			err = explainTwoDatabases(f, err, &r)
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
		results = append(results, r)
		if format != "json" {
			printOutcome(f, spec, p, res, where)
		}
	}
	results = append(results, refused...)
	if format == "json" {
		if err := cmdutil.WriteJSON(f.IO.Out, results); err != nil {
			return err
		}
	} else if summarize {
		printSummary(f.IO.Out, f.IO.Styles(), spec, results, false)
	}
	if failed != nil {
		// Each failure was reported on its own line (or in the JSON).
		return cmdutil.SilentExit(cmdutil.ExitCode(failed))
	}
	return refusedExit(refused)
}

// refusedResult is the result of a consumer refused while planning.
func refusedResult(spec actionSpec, c *db.Consumer, err error) actionResult {
	return actionResult{Key: c.Key, ID: c.ID, Name: c.Name, Owner: c.OwnerName, Action: string(spec.action),
		From: stateView{Stage: db.StageName(c.Stage), Suppressed: c.Deleted}, To: stateView{Stage: db.StageName(c.Stage), Suppressed: c.Deleted},
		Performer: performerView{Groups: []string{}}, RevokedTokens: []db.RevokedToken{}, Outcome: outcomeRefused, Error: err.Error()}
}

// refusedExit is exit 10 when some consumer was refused (each is in the
// summary or the JSON already).
func refusedExit(refused []actionResult) error {
	if len(refused) > 0 {
		return cmdutil.SilentExit(cmdutil.ExitRefused)
	}
	return nil
}

// printBulkPreview is the combined preview's head line for - and --owner:
// how many consumers will change, which are refused, and (with --owner)
// what of the owner's was left alone.
func printBulkPreview(f *cmdutil.Factory, spec actionSpec, owner *ownerSelection, planned, work int, refused []actionResult, where string) {
	st := f.IO.Styles()
	w := f.IO.ErrOut
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

// explainTwoDatabases saves the repair script of a half-written change on
// two servers to a file and names the command that applies it.
func explainTwoDatabases(f *cmdutil.Factory, err error, r *actionResult) error {
	var te *db.TwoDatabaseError
	if !errors.As(err, &te) {
		return err
	}
	fh, ferr := os.CreateTemp("", "mwoauth-repair-*.sql")
	if ferr != nil {
		return fmt.Errorf("%v; and the repair script could not be saved (%v): %s", err, ferr, strings.ReplaceAll(te.Repair, "\n", " "))
	}
	defer fh.Close()
	if _, werr := fh.WriteString(te.Repair); werr != nil {
		return fmt.Errorf("%v; and the repair script could not be saved (%v)", err, werr)
	}
	te.RepairCommand = strings.Replace(te.RepairCommand, "FILE", fh.Name(), 1)
	r.Repair = te.RepairCommand
	return cmdutil.Exit(cmdutil.ExitFailure, te)
}

func oneLineSQLComment(s string) string { return strings.NewReplacer("\n", " ", "\r", " ").Replace(s) }

func resultOf(spec actionSpec, p *db.Plan, st *db.Store, profile string) actionResult {
	c := p.Consumer
	total, _ := acceptances(p.Acceptances)
	r := actionResult{Key: c.Key, ID: c.ID, Name: c.Name, Owner: c.OwnerName, Action: string(spec.action),
		From:        stateView{Stage: db.StageName(p.EffectiveStage), Suppressed: p.FromDeleted},
		To:          stateView{Stage: db.StageName(p.ToStage), Suppressed: p.ToDeleted},
		AutoExpired: p.AutoExpired, Database: st.Target(), Profile: profile,
		Performer: performerView{Name: p.Performer.Name, UserID: p.Performer.UserID, Groups: []string{}, RightsSkipped: p.RightsSkipped},
		Reason:    p.Comment, Acceptances: total, Tokens: p.Tokens, RevokedTokens: []db.RevokedToken{}}
	if u := p.PerformerState; u != nil {
		r.Performer.Groups, r.Performer.Blocked, r.Performer.Locked = u.Groups, u.Blocked, u.Locked
	}
	if p.RightsProblem != nil {
		r.Performer.RightsProblem = p.RightsProblem.Error()
	}
	r.Tokens.LatestExpiry = when(r.Tokens.LatestExpiry)
	return r
}

func fillResult(r *actionResult, p *db.Plan, res *db.Result) {
	r.Changed, r.LogID, r.CommentID, r.ActorID = res.Changed, res.LogID, res.CommentID, res.ActorID
	if res.Changed {
		r.Timestamp = when(res.Timestamp)
	}
	if res.RevokedTokens != nil {
		r.RevokedTokens = res.RevokedTokens
	}
}

func stateText(stage int, deleted bool) string {
	s := db.StageName(stage)
	if deleted {
		s += " + suppressed"
	}
	return s
}

// fromText is the state an action starts from, auto-expiry shown.
func fromText(p *db.Plan) string {
	if p.AutoExpired {
		return stateText(db.StageExpired, p.FromDeleted) + " (auto-maintenance pending)"
	}
	return stateText(p.FromStage, p.FromDeleted)
}

func printPreview(f *cmdutil.Factory, w io.Writer, spec actionSpec, p *db.Plan, where string, refused *db.PermissionError) {
	st := f.IO.Styles()
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
		fmt.Fprintf(w, "  %s %s\n", st.Err.Render("refused:"), cmdutil.Safe(refused.Error()))
		fmt.Fprintln(w, "           MediaWiki writes nothing for this performer; neither does mwoauth (--skip-rights-check overrides, loudly).")
		return
	case p.RightsSkipped:
		fmt.Fprintf(w, "  %s %s\n", st.Err.Render("RIGHTS CHECK SKIPPED:"), cmdutil.Safe(p.RightsProblem.Error()))
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
		fmt.Fprintf(w, "  %-13s %d attributable token row(s) will be deleted (their refresh tokens die with them)\n", "revoke", p.RevokeRows)
		if usesClientCredentials(c) {
			fmt.Fprintln(w, "           Its client-credentials tokens (acceptance id 0) cannot be attributed: they die only at their exp.")
		}
	}
	if spec.action == db.ActionReenable && !p.NoChange {
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

// confirm asks on the terminal: type the consumer's key or exact name (one
// consumer) or the number of consumers (several). Ctrl-C aborts at once.
func confirm(cmd *cobra.Command, f *cmdutil.Factory, spec actionSpec, plans []*db.Plan, where string) error {
	var todo []*db.Plan
	for _, p := range plans {
		if !p.NoChange || p.Revoke {
			todo = append(todo, p)
		}
	}
	if len(todo) == 1 {
		c := todo[0].Consumer
		return cmdutil.ConfirmTyped(cmd.Context(), f.IO, fmt.Sprintf("Type the consumer's key or name to %s it on %s: ", spec.verb, where), c.Key, c.Name)
	}
	n := fmt.Sprint(len(todo))
	return cmdutil.ConfirmTyped(cmd.Context(), f.IO, fmt.Sprintf("Type %s to %s these %s consumers on %s: ", n, spec.verb, n, where), n)
}

func printOutcome(f *cmdutil.Factory, spec actionSpec, p *db.Plan, res *db.Result, where string) {
	st := f.IO.Styles()
	c := p.Consumer
	if !res.Changed {
		msg := fmt.Sprintf("%s %s is already %s; nothing changed", st.Dim.Render("="), cmdutil.Safe(c.Key), stateText(p.FromStage, p.FromDeleted))
		if p.Revoke {
			msg += fmt.Sprintf(", %d token row(s) deleted", len(res.RevokedTokens))
		}
		fmt.Fprintln(f.IO.Out, msg+" on "+where)
		return
	}
	msg := fmt.Sprintf("%s %s %s: %s → %s; log id %d", st.OK.Render("✓"), spec.past, c.Key,
		fromText(p), stateText(p.ToStage, p.ToDeleted), res.LogID)
	if p.Revoke {
		msg += fmt.Sprintf("; %d token row(s) deleted (acceptance-0 client_credentials tokens cannot be attributed)", len(res.RevokedTokens))
	}
	fmt.Fprintln(f.IO.Out, msg)
	fmt.Fprintf(f.IO.Out, "  written to %s at %s\n", where, human(res.Timestamp))
}
