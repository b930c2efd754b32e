package mediawiki

import (
	"fmt"
	"slices"
	"time"
)

// ConsumerAction is a Special:OAuthManageConsumers action, named as
// MediaWiki logs it (log_action).
type ConsumerAction string

// The admin actions of ConsumerSubmitControl (src/Control/ConsumerSubmitControl.php).
const (
	ActionApprove  ConsumerAction = "approve"
	ActionReject   ConsumerAction = "reject"
	ActionDisable  ConsumerAction = "disable"
	ActionReenable ConsumerAction = "reenable"
)

// DefaultRequestExpirationAge is $wgMWOAuthRequestExpirationAge's default
// (2592000 s): a proposal whose stage timestamp is older is expired by
// Utils::runAutoMaintenance.
const DefaultRequestExpirationAge = 30 * 24 * time.Hour

// AutoExpired reports whether the wiki's auto-maintenance would turn this
// proposal into an expired one at now: stage proposed and
// oarc_stage_timestamp older than now - age. age <= 0 turns auto-expiry off,
// as $wgMWOAuthRequestExpirationAge <= 0 does.
//
// runAutoMaintenance runs as a deferred update whenever the list or
// management pages are viewed, so on a wiki someone looks at, such a row is
// stage 3 by the time an admin acts on it; until then the row still says 0.
func (c *Consumer) AutoExpired(now time.Time, age time.Duration) bool {
	if c.Stage != StageProposed || age <= 0 {
		return false
	}
	ts, err := ParseTimestamp(c.StageTimestamp)
	return err == nil && ts.Before(now.Add(-age))
}

// EffectiveStage is the stage the wiki acts on: StageExpired for a proposal
// past auto-expiry, else the row's stage.
func (c *Consumer) EffectiveStage(now time.Time, age time.Duration) int {
	if c.AutoExpired(now, age) {
		return StageExpired
	}
	return c.Stage
}

// EffectiveStageName is EffectiveStage as people read it: an auto-expired
// proposal is "expired (auto-maintenance pending)".
func (c *Consumer) EffectiveStageName(now time.Time, age time.Duration) string {
	if c.AutoExpired(now, age) {
		return StageName(StageExpired) + " (auto-maintenance pending)"
	}
	return StageName(c.Stage)
}

// TransitionError is a change the wiki refuses, with MediaWiki's message key.
type TransitionError struct {
	Key string // e.g. mwoauth-consumer-not-approved
	Msg string
}

func (e *TransitionError) Error() string { return fmt.Sprintf("%s (%s)", e.Msg, e.Key) }

// transitions are ConsumerSubmitControl's stage rules, one row an action:
// the stages it acts from, the stage it leaves, and MediaWiki's refusal
// (%s: the stage's name) for any other stage. The suppression the action
// leaves is the form's flag for the actions that take it (SuppressFlag),
// else none; a consumer already in that stage with that suppression is
// left as it is.
var transitions = map[ConsumerAction]struct {
	from    []int
	to      int
	key     string
	refusal string
}{
	ActionApprove: {[]int{StageProposed, StageRejected, StageExpired}, StageApproved,
		"mwoauth-consumer-not-proposed", "the consumer is %s: only proposed, rejected or expired consumers can be approved"},
	ActionReject: {[]int{StageProposed}, StageRejected,
		"mwoauth-consumer-not-proposed", "the consumer is %s, not proposed: only proposed consumers can be rejected"},
	// From disabled, when only the suppress flag changes.
	ActionDisable: {[]int{StageApproved, StageDisabled}, StageDisabled,
		"mwoauth-consumer-not-approved", "the consumer is %s, not approved: only approved consumers can be disabled"},
	ActionReenable: {[]int{StageDisabled}, StageApproved,
		"mwoauth-consumer-not-disabled", "the consumer is %s, not disabled: only disabled consumers can be re-enabled"},
}

// Transition applies ConsumerSubmitControl's stage rules to a consumer in
// stage (the effective stage: see EffectiveStage) with suppression deleted.
// suppress is the form's suppress flag (reject and disable only). It returns
// the new state, whether the consumer is already there (MediaWiki's save
// changes nothing and writes no log entry), or why the wiki refuses.
//
//	approve  from proposed, rejected, expired → approved, not suppressed
//	reject   from proposed                    → rejected, suppressed = suppress
//	disable  from approved, or disabled when only the flag changes → disabled, suppressed = suppress
//	reenable from disabled                    → approved, not suppressed
func Transition(action ConsumerAction, stage int, deleted, suppress bool) (toStage int, toDeleted, noChange bool, err *TransitionError) {
	refuse := func(key, msg string) (int, bool, bool, *TransitionError) {
		return stage, deleted, false, &TransitionError{Key: key, Msg: msg}
	}
	if stage == StageConfigurationBased {
		return refuse("mwoauthmanageconsumers-error-configuration-based", "the consumer is configuration-based ($wgOAuthStaticApps): its row is a shadow and editing it has no effect")
	}
	t, ok := transitions[action]
	if !ok {
		return refuse("unknown-action", fmt.Sprintf("unknown action %q", action))
	}
	toDeleted = suppress && action.SuppressFlag()
	switch {
	case stage == t.to && deleted == toDeleted:
		return stage, deleted, true, nil
	case slices.Contains(t.from, stage):
		return t.to, toDeleted, false, nil
	case action == ActionReject && stage == StageExpired:
		return refuse(t.key, "the proposal has expired (the wiki's auto-maintenance makes proposals older than $wgMWOAuthRequestExpirationAge expired): expired consumers cannot be rejected, only approved")
	}
	return refuse(t.key, fmt.Sprintf(t.refusal, StageName(stage)))
}

// SuppressFlag reports whether action takes the form's suppress flag.
func (a ConsumerAction) SuppressFlag() bool { return a == ActionReject || a == ActionDisable }
