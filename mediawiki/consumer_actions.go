package mediawiki

import (
	"fmt"
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
	switch action {
	case ActionApprove:
		switch stage {
		case StageProposed, StageRejected, StageExpired:
			return StageApproved, false, false, nil
		case StageApproved:
			if !deleted {
				return stage, deleted, true, nil
			}
		}
		return refuse("mwoauth-consumer-not-proposed", fmt.Sprintf("the consumer is %s: only proposed, rejected or expired consumers can be approved", StageName(stage)))
	case ActionReject:
		switch {
		case stage == StageProposed:
			return StageRejected, suppress, false, nil
		case stage == StageRejected && deleted == suppress:
			return stage, deleted, true, nil
		}
		msg := fmt.Sprintf("the consumer is %s, not proposed: only proposed consumers can be rejected", StageName(stage))
		if stage == StageExpired {
			msg = "the proposal has expired (the wiki's auto-maintenance makes proposals older than $wgMWOAuthRequestExpirationAge expired): expired consumers cannot be rejected, only approved"
		}
		return refuse("mwoauth-consumer-not-proposed", msg)
	case ActionDisable:
		switch {
		case stage == StageApproved:
			return StageDisabled, suppress, false, nil
		case stage == StageDisabled && deleted == suppress:
			return stage, deleted, true, nil
		case stage == StageDisabled:
			return StageDisabled, suppress, false, nil
		}
		return refuse("mwoauth-consumer-not-approved", fmt.Sprintf("the consumer is %s, not approved: only approved consumers can be disabled", StageName(stage)))
	case ActionReenable:
		switch {
		case stage == StageDisabled:
			return StageApproved, false, false, nil
		case stage == StageApproved && !deleted:
			return stage, deleted, true, nil
		}
		return refuse("mwoauth-consumer-not-disabled", fmt.Sprintf("the consumer is %s, not disabled: only disabled consumers can be re-enabled", StageName(stage)))
	}
	return refuse("unknown-action", fmt.Sprintf("unknown action %q", action))
}

// SuppressFlag reports whether action takes the form's suppress flag.
func (a ConsumerAction) SuppressFlag() bool { return a == ActionReject || a == ActionDisable }
