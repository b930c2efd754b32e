package mediawiki

import (
	"strings"
	"testing"
	"time"
)

// TestTransition is ConsumerSubmitControl's table (facts delta §4): which
// stages each action accepts, what it writes, and MediaWiki's message key
// for a refusal.
func TestTransition(t *testing.T) {
	for _, tc := range []struct {
		action            ConsumerAction
		stage             int
		deleted, suppress bool
		toStage           int
		toDeleted, noop   bool
		key               string
	}{
		{ActionApprove, StageProposed, false, false, StageApproved, false, false, ""},
		{ActionApprove, StageRejected, true, false, StageApproved, false, false, ""},
		{ActionApprove, StageExpired, false, false, StageApproved, false, false, ""},
		{ActionApprove, StageApproved, false, false, StageApproved, false, true, ""},
		{ActionApprove, StageDisabled, false, false, 0, false, false, "mwoauth-consumer-not-proposed"},
		{ActionReject, StageProposed, false, true, StageRejected, true, false, ""},
		{ActionReject, StageExpired, false, false, 0, false, false, "mwoauth-consumer-not-proposed"},
		{ActionReject, StageRejected, true, true, StageRejected, true, true, ""},
		{ActionDisable, StageApproved, false, true, StageDisabled, true, false, ""},
		{ActionDisable, StageDisabled, true, false, StageDisabled, false, false, ""},
		{ActionDisable, StageDisabled, false, false, StageDisabled, false, true, ""},
		{ActionDisable, StageProposed, false, false, 0, false, false, "mwoauth-consumer-not-approved"},
		{ActionReenable, StageDisabled, true, false, StageApproved, false, false, ""},
		{ActionReenable, StageRejected, false, false, 0, false, false, "mwoauth-consumer-not-disabled"},
		{ActionDisable, StageConfigurationBased, false, false, 0, false, false, "mwoauthmanageconsumers-error-configuration-based"},
		{ActionApprove, StageConfigurationBased, false, false, 0, false, false, "mwoauthmanageconsumers-error-configuration-based"},
	} {
		to, del, noop, err := Transition(tc.action, tc.stage, tc.deleted, tc.suppress)
		switch {
		case tc.key != "":
			if err == nil || err.Key != tc.key {
				t.Errorf("%+v: err %v, want key %s", tc, err, tc.key)
			}
		case err != nil || to != tc.toStage || del != tc.toDeleted || noop != tc.noop:
			t.Errorf("%+v: got %d %v %v %v", tc, to, del, noop, err)
		}
	}
}

// TestAutoExpired: runAutoMaintenance expires a proposal whose stage
// timestamp is older than $wgMWOAuthRequestExpirationAge; nothing else.
func TestAutoExpired(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	age := DefaultRequestExpirationAge
	for _, tc := range []struct {
		stage int
		ts    string
		age   time.Duration
		want  bool
	}{
		{StageProposed, "20261023115959", age, true}, // 30 days and a second
		{StageProposed, "20261023120000", age, false},
		{StageProposed, "20261122000000", age, false},
		{StageApproved, "20200101000000", age, false},
		{StageProposed, "20200101000000", -1, false}, // auto-expiry off
		{StageProposed, "garbage", age, false},
	} {
		c := &Consumer{Stage: tc.stage, StageTimestamp: tc.ts}
		if got := c.AutoExpired(now, tc.age); got != tc.want {
			t.Errorf("%+v: AutoExpired = %v", tc, got)
		}
		want := tc.stage
		if tc.want {
			want = StageExpired
		}
		if got := c.EffectiveStage(now, tc.age); got != want {
			t.Errorf("%+v: EffectiveStage = %d", tc, got)
		}
	}
	c := &Consumer{Stage: StageProposed, StageTimestamp: "20200101000000"}
	if got := c.EffectiveStageName(now, age); got != "expired (auto-maintenance pending)" {
		t.Errorf("EffectiveStageName = %q", got)
	}
}

// TestCheckPerformer is the rights matrix: no group, manager without the
// suppress right, blocked, locked.
func TestCheckPerformer(t *testing.T) {
	g := DefaultGroupRights()
	g.Suppressor = []string{"suppress"}
	for _, tc := range []struct {
		name string
		u    UserState
		need []string
		want string // "" = allowed, else part of the reason
	}{
		{"sysop manages", UserState{Name: "A", Groups: []string{"sysop"}}, RequiredRights(ActionDisable, false, false), ""},
		{"no group", UserState{Name: "B", Groups: []string{}}, RequiredRights(ActionApprove, false, false), "lacks mwoauthmanageconsumer"},
		{"suppress flag", UserState{Name: "C", Groups: []string{"oauthadmin"}}, RequiredRights(ActionDisable, false, true), "lacks mwoauthsuppress"},
		{"suppressed consumer", UserState{Name: "C", Groups: []string{"oauthadmin"}}, RequiredRights(ActionReenable, true, false), "lacks mwoauthsuppress"},
		{"suppressor", UserState{Name: "D", Groups: []string{"oauthadmin", "suppress"}}, RequiredRights(ActionDisable, true, true), ""},
		{"blocked", UserState{Name: "E", Groups: []string{"sysop"}, Blocked: true, BlockSitewide: true}, RequiredRights(ActionDisable, false, false), "blocked sitewide"},
		{"partial block", UserState{Name: "E", Groups: []string{"sysop"}, Blocked: true}, RequiredRights(ActionDisable, false, false), "blocked (partially)"},
		{"locked", UserState{Name: "F", Groups: []string{"steward"}, Locked: true, LockKnown: true}, RequiredRights(ActionDisable, false, false), "locked"},
	} {
		err := CheckPerformer(&tc.u, g, tc.need)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: refused: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), BadAccessText)):
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	// Suppress flag on approve is not a thing: approve never needs it for
	// an unsuppressed consumer.
	if got := RequiredRights(ActionApprove, false, true); len(got) != 1 {
		t.Errorf("approve rights = %v", got)
	}
}
