package consumer

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/db"
	"github.com/mwoauth/mwoauth/mediawiki"
)

// What an action reports per consumer: the stable JSON shape
// (actionResult), the line people read (printOutcome) and, with several
// consumers, the summary.

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

// refusedResult is the result of a consumer refused while planning.
func refusedResult(spec actionSpec, c *db.Consumer, err error) actionResult {
	return actionResult{Key: c.Key, ID: c.ID, Name: c.Name, Owner: c.OwnerName, Action: string(spec.action),
		From: stateView{Stage: mediawiki.StageName(c.Stage), Suppressed: c.Deleted}, To: stateView{Stage: mediawiki.StageName(c.Stage), Suppressed: c.Deleted},
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

// explainTwoDatabases saves the repair script of a half-written change on
// two servers to a file and names the command that applies it.
func explainTwoDatabases(err error, r *actionResult) error {
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
		From:        stateView{Stage: mediawiki.StageName(p.EffectiveStage), Suppressed: p.FromDeleted},
		To:          stateView{Stage: mediawiki.StageName(p.ToStage), Suppressed: p.ToDeleted},
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

func printOutcome(ios *cmdutil.IOStreams, spec actionSpec, p *db.Plan, res *db.Result, where string) {
	st := ios.Styles()
	c := p.Consumer
	if !res.Changed {
		msg := fmt.Sprintf("%s %s is already %s; nothing changed", st.Dim.Render("="), cmdutil.Safe(c.Key), stateText(p.FromStage, p.FromDeleted))
		if p.Revoke {
			msg += fmt.Sprintf(", %d token row(s) deleted", len(res.RevokedTokens))
		}
		fmt.Fprintln(ios.Out, msg+" on "+where)
		return
	}
	msg := fmt.Sprintf("%s %s %s: %s → %s; log id %d", st.OK.Render("✓"), spec.past, c.Key,
		fromText(p), stateText(p.ToStage, p.ToDeleted), res.LogID)
	if p.Revoke {
		msg += fmt.Sprintf("; %d token row(s) deleted (acceptance-0 client_credentials tokens cannot be attributed)", len(res.RevokedTokens))
	}
	fmt.Fprintln(ios.Out, msg)
	fmt.Fprintf(ios.Out, "  written to %s at %s\n", where, human(res.Timestamp))
}

// The outcomes a result can have, in JSON.
const (
	outcomeChanged   = "changed"
	outcomeUnchanged = "unchanged"
	outcomeRefused   = "refused"
	outcomeFailed    = "failed"
)

// outcomeOf classifies a result.
func outcomeOf(err error, changed bool) string {
	switch {
	case err == nil && changed:
		return outcomeChanged
	case err == nil:
		return outcomeUnchanged
	case cmdutil.ExitCode(err) == cmdutil.ExitRefused:
		return outcomeRefused
	}
	return outcomeFailed
}

// printSummary ends a run with several consumers: counts by outcome, and
// each refusal or failure on a line of its own.
func printSummary(w io.Writer, st *cmdutil.Styles, spec actionSpec, results []actionResult, dryRun bool) {
	counts := map[string]int{}
	for _, r := range results {
		counts[r.Outcome]++
	}
	done := spec.past
	if dryRun {
		done = "to be " + spec.past
	}
	line := fmt.Sprintf("Summary: %d %s, %d already so, %d refused", counts[outcomeChanged], done, counts[outcomeUnchanged], counts[outcomeRefused])
	if counts[outcomeFailed] > 0 {
		line += fmt.Sprintf(", %d failed", counts[outcomeFailed])
	}
	fmt.Fprintln(w, st.Bold.Render(line))
	for _, r := range results {
		if r.Outcome == outcomeRefused || r.Outcome == outcomeFailed {
			fmt.Fprintf(w, "  %s %s %s: %s\n", st.Err.Render(r.Outcome), cmdutil.Safe(r.Key), cmdutil.Safe(r.Name), cmdutil.Safe(r.Error))
		}
	}
}
