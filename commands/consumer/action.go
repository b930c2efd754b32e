package consumer

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/db"
	"github.com/mwoauth/mwoauth/mediawiki"
)

// The consumer actions: approve, disable, enable and reject (their files
// hold what differs, an actionSpec). One command builder and one run
// function serve them all: choose the consumers, plan every change, show
// the preview, ask, then write each in its own transaction.

// actionSpec describes one of approve / reject / disable / enable.
type actionSpec struct {
	use, verb, past string
	action          db.Action
	suppress        bool // offers --suppress
	revoke          bool // offers --revoke-tokens
	short, long     string
	example         string
}

// actionOptions are what an action runs with, every setting resolved.
type actionOptions struct {
	baseOptions
	// ClockPinned: MWOAUTH_NOW is set, which a write says it ignores.
	ClockPinned bool
	// Confirm asks on the terminal for one of accept to be typed.
	Confirm confirmFunc

	Spec  actionSpec
	Refs  []string // consumer keys or ids; ["-"]: read them from stdin
	Owner string   // --owner: every consumer of this owner the action changes
	// Reason is the log comment, checked as the form checks it.
	Reason string
	As     string // the performer
	Rights mediawiki.GroupRights
	expirySetting

	Suppress, RevokeTokens, SkipRightsCheck bool
	DryRun, Yes                             bool
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

// newCmdAction builds the command of one action (approve, disable,
// enable, reject); runF, when not nil, replaces actionRun.
func newCmdAction(f *cmdutil.Factory, spec actionSpec, runF func(*actionOptions) error) *cobra.Command {
	opts := &actionOptions{baseOptions: newBaseOptions(f), ClockPinned: f.ClockPinned, Spec: spec,
		Confirm: confirmOn(f.IO)}
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
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.resolve(cmd, f, func() error { return opts.bind(cmd, f) }); err != nil {
				return err
			}
			opts.Refs = args
			return cmdutil.Pick(runF, actionRun)(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Owner, "owner", "", "Every consumer of this owner (user `name` or central id) that the action changes")
	fl.StringVar(&opts.Reason, "reason", "", "Why (required; stored in the wiki's log)")
	fl.String("as", "", "Performing admin's user `name` (env MWOAUTH_AS, profile key as)")
	if spec.suppress {
		fl.BoolVar(&opts.Suppress, "suppress", false, "Also suppress the consumer (oarc_deleted = 1; needs mwoauthsuppress)")
	}
	if spec.revoke {
		fl.BoolVar(&opts.RevokeTokens, "revoke-tokens", false, "Also delete the consumer's attributable access-token rows (their refresh tokens die too)")
	}
	addRightsFlags(cmd, &opts.SkipRightsCheck)
	addWriteFlags(cmd, &opts.DryRun, &opts.Yes)
	addBaseFlags(cmd, "text", "json")
	return cmd
}

// bind checks the action's own flags and resolves its settings into opts
// (opts.resolve calls it after the output format, before the database), in
// the order a user's mistakes are reported: reason, performer, rights,
// expiry.
func (opts *actionOptions) bind(cmd *cobra.Command, f *cmdutil.Factory) error {
	// One wording whether --reason is missing or empty.
	if !cmd.Flags().Changed("reason") || strings.TrimSpace(opts.Reason) == "" {
		return cmdutil.FlagRequired("--reason", "it is stored in the wiki's log, as the form requires")
	}
	var err error
	if opts.Reason, err = db.ValidateReason(opts.Reason); err != nil {
		return cmdutil.FlagErrorf("--reason: %v", err)
	}
	if err := f.Bind(cmd, cmdutil.StringSetting("as", &opts.As)); err != nil {
		return err
	}
	if strings.TrimSpace(opts.As) == "" {
		return cmdutil.FlagErrorf("--as USER is required: the admin the log entry is written under (or MWOAUTH_AS, or as = in the profile)")
	}
	if opts.Rights, err = groupRights(cmd, f); err != nil {
		return err
	}
	opts.ExpirationAge, err = expirationAge(cmd, f)
	return err
}

// actionRun performs an action: opens the database, chooses and plans,
// previews, asks, and writes (or, with --dry-run, prints the SQL).
func actionRun(opts *actionOptions) error {
	return opts.withStore(opts.DB.OpenAdmin, func(st *db.Store) error { return actionOn(opts, st) })
}

// actionOn is actionRun on the open database.
func actionOn(opts *actionOptions, st *db.Store) error {
	if opts.ClockPinned && !opts.DryRun {
		fmt.Fprintln(opts.IO.ErrOut, "warning: MWOAUTH_NOW is set: it judges (token expiry, auto-expiry of proposals) but never stamps; this write is stamped with the real time")
	}
	// Judging (auto-expiry, which tokens are live) follows the judging
	// clock; the write itself is stamped by db with the real time.
	r := &actionPass{opts: opts, st: st, where: opts.DB.Where(st), now: opts.Now()}
	consumers, owner, bulk, err := r.choose()
	if err != nil {
		return err
	}
	plans, refused, err := r.plan(consumers, bulk)
	if err != nil {
		return err
	}

	// The preview is talk (stderr): stdout holds only outcomes, or, with
	// --dry-run, only the SQL.
	work := 0
	for _, p := range plans {
		printPreview(opts.IO, opts.Spec, p, r.where, nil)
		if !p.NoChange || p.Revoke {
			work++
		}
	}
	if bulk {
		printBulkPreview(opts.IO, opts.Spec, owner, len(plans), work, refused, r.where)
	}
	r.profile = opts.DB.Profile(st)
	if opts.DryRun {
		return r.dryRun(plans, refused, bulk)
	}
	if work > 0 && !opts.Yes {
		if !opts.IO.CanPrompt() {
			return cmdutil.FlagErrorf("would %s %d consumer(s) on %s (see above); nothing written: pass --yes to confirm from a script, or --dry-run to see the SQL", opts.Spec.verb, work, r.where)
		}
		if err := confirm(opts, plans, r.where); err != nil {
			return err
		}
	}
	return r.apply(plans, refused, bulk)
}

// actionPass is one run of an action on an open database.
type actionPass struct {
	opts    *actionOptions
	st      *db.Store
	where   string    // the database(s), for people (dbcmd.Where)
	profile string    // the profile the database came from
	now     time.Time // the judging clock's instant
}

// choose finds what to act on: the arguments, stdin (-), or --owner's
// consumers. An unknown consumer or owner stops the run before anything is
// planned or written. bulk: the consumers were named as a list (- or
// --owner), or there are several.
func (r *actionPass) choose() (consumers []*db.Consumer, owner *ownerSelection, bulk bool, err error) {
	opts, ctx := r.opts, r.opts.Ctx
	refs := opts.Refs
	bulk = opts.Owner != "" || (len(refs) == 1 && refs[0] == "-")
	switch {
	case opts.Owner != "":
		if owner, err = selectOwner(ctx, r.st, opts.Owner, opts.Spec.action, opts.Suppress, r.now, opts.ExpirationAge); err != nil {
			return nil, nil, false, err
		}
		consumers = owner.consumers
	default:
		if len(refs) == 1 && refs[0] == "-" {
			if refs, err = keysFromStdin(opts.IO); err != nil {
				return nil, nil, false, err
			}
		}
		seen := map[int64]bool{}
		for _, ref := range refs {
			c, err := findConsumer(ctx, r.st, ref, "; nothing written")
			if err != nil {
				return nil, nil, false, err
			}
			if !seen[c.ID] {
				seen[c.ID] = true
				consumers = append(consumers, c)
			}
		}
	}
	return consumers, owner, bulk || len(consumers) > 1, nil
}

// plan plans every change first. With several consumers, however they
// were named (keys, xargs, - or --owner), a refused one is reported and
// the others go ahead: in an incident, one consumer in the wrong stage
// must not keep the rest of the list enabled.
func (r *actionPass) plan(consumers []*db.Consumer, bulk bool) (plans []*db.Plan, refused []actionResult, err error) {
	opts := r.opts
	for _, c := range consumers {
		p, err := r.st.PlanAction(opts.Ctx, c, db.Request{Action: opts.Spec.action, Suppress: opts.Suppress, Reason: opts.Reason, Performer: opts.As,
			RevokeTokens: opts.RevokeTokens, Now: r.now, Rights: opts.Rights, SkipRightsCheck: opts.SkipRightsCheck, ExpirationAge: opts.ExpirationAge})
		if err != nil {
			var pe *db.PermissionError
			if errors.As(err, &pe) && p != nil {
				// The rights problem shows in the preview, before any question.
				printPreview(opts.IO, opts.Spec, p, r.where, pe)
			}
			if errors.Is(err, db.ErrRevokeNeedsDisable) {
				return nil, nil, cmdutil.FlagErrorf("--revoke-tokens goes with disable only")
			}
			if bulk && cmdutil.ExitCode(err) == cmdutil.ExitRefused {
				refused = append(refused, refusedResult(opts.Spec, c, err))
				continue
			}
			if len(consumers) > 1 {
				err = fmt.Errorf("%w; nothing written", err)
			}
			return nil, nil, err
		}
		plans = append(plans, p)
	}
	return plans, refused, nil
}

// dryRun prints the SQL of every plan (stdout; or the results as JSON)
// and, with several consumers, the summary (stderr): nothing is written.
func (r *actionPass) dryRun(plans []*db.Plan, refused []actionResult, summarize bool) error {
	opts, out := r.opts, r.opts.IO.Out
	results := make([]actionResult, 0, len(plans)+len(refused))
	for _, p := range plans {
		res := resultOf(opts.Spec, p, r.st, r.profile)
		res.DryRun = true
		res.Outcome = outcomeOf(nil, !p.NoChange)
		if !p.NoChange || p.Revoke {
			res.SQL = r.st.DryRun(p)
		}
		results = append(results, res)
	}
	results = append(results, refused...)
	if opts.Format == "json" {
		if err := cmdutil.WriteJSON(out, results); err != nil {
			return err
		}
		return refusedExit(refused)
	}
	for _, res := range results {
		if len(res.SQL) == 0 {
			continue
		}
		fmt.Fprintf(out, "-- mwoauth consumer %s %s on %s (dry run: nothing written)\n", opts.Spec.use, res.Key, cmdutil.Safe(oneLineSQLComment(r.where)))
		for _, s := range res.SQL {
			fmt.Fprintln(out, s)
		}
	}
	if summarize {
		printSummary(opts.IO.ErrOut, opts.IO.Styles(), opts.Spec, results, true)
	}
	return refusedExit(refused)
}

// apply writes every plan, each in its own transaction, and reports each
// outcome (and, with several consumers, the summary).
func (r *actionPass) apply(plans []*db.Plan, refused []actionResult, summarize bool) error {
	opts := r.opts
	results := make([]actionResult, 0, len(plans)+len(refused))
	var failed error
	for _, p := range plans {
		res := resultOf(opts.Spec, p, r.st, r.profile)
		applied, err := r.st.Apply(opts.Ctx, p)
		if applied != nil {
			fillResult(&res, p, applied)
		}
		res.Outcome = outcomeOf(err, applied != nil && applied.Changed)
		if err != nil {
			err = explainTwoDatabases(err, &res)
			res.Error = err.Error()
			results = append(results, res)
			if failed == nil {
				failed = err
			}
			if opts.Format != "json" {
				fmt.Fprintf(opts.IO.ErrOut, "%s %s: %s\n", opts.IO.Styles().Err.Render("✗"), cmdutil.Safe(p.Consumer.Key), cmdutil.SafeError(err))
			}
			continue
		}
		results = append(results, res)
		if opts.Format != "json" {
			printOutcome(opts.IO, opts.Spec, p, applied, r.where)
		}
	}
	results = append(results, refused...)
	if opts.Format == "json" {
		if err := cmdutil.WriteJSON(opts.IO.Out, results); err != nil {
			return err
		}
	} else if summarize {
		printSummary(opts.IO.Out, opts.IO.Styles(), opts.Spec, results, false)
	}
	if failed != nil {
		// Each failure was reported on its own line (or in the JSON).
		return cmdutil.SilentExit(cmdutil.ExitCode(failed))
	}
	return refusedExit(refused)
}
