package review

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mwoauth/mwoauth/mediawiki"
)

var now = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func ts(ago time.Duration) string { return mediawiki.FormatTimestamp(now.Add(-ago)) }

const day = 24 * time.Hour

// consumer is a clean proposal: nothing about it is a point of risk.
func consumer(id, owner int64, name string) *mediawiki.Consumer {
	return &mediawiki.Consumer{
		ID: id, Key: strings.Repeat("0", 31) + string(rune('a'+id%6)), Name: name, Version: "1.0", OwnerID: owner,
		CallbackURL: "https://tool.example.org/callback", Description: "Fixes typos in articles, one reviewed edit at a time, with a human in the loop.",
		Email: "dev@example.org", EmailAuthenticated: ts(100 * day), Wiki: "enwiki", Grants: []string{"basic", "editpage"},
		Registration: ts(2 * day), Restrictions: json.RawMessage(`{"IPAddresses":["0.0.0.0/0","::/0"]}`),
		Stage: mediawiki.StageProposed, StageTimestamp: ts(2 * day), OAuthVersion: 2,
		OAuth2AllowedGrants: []string{"authorization_code", "refresh_token"}, OAuth2Confidential: true,
	}
}

func historyOf(ks ...Known) *OwnerHistory {
	h := &OwnerHistory{}
	for _, k := range ks {
		h.add(k)
	}
	return h
}

func seasoned(id int64, name string) *mediawiki.UserState {
	return &mediawiki.UserState{CentralID: id, Name: name, Groups: []string{}, Registration: ts(400 * day), EditCount: 2000}
}

func codes(a Assessment) []string {
	var out []string
	for _, r := range a.Reasons {
		out = append(out, r.Code+"/"+string(r.Level))
	}
	return out
}

func TestCleanProposalIsLowWithoutReasons(t *testing.T) {
	a := Proposal(DefaultPolicy(now), consumer(1, 7, "Typo Fixer"), Owner{State: seasoned(7, "Dev")}, Matches{})
	if a.Risk != mediawiki.RiskLow || len(a.Reasons) != 0 {
		t.Fatalf("clean proposal: risk %s, reasons %v", a.Risk, codes(a))
	}
	if a.AutoExpired || !a.ExpiresAt.Equal(now.Add(28*day)) {
		t.Errorf("auto-expiry %v at %v", a.AutoExpired, a.ExpiresAt)
	}
}

// Each point of risk gives its code at its level, and the proposal's risk
// is the highest level.
func TestProposalReasons(t *testing.T) {
	k := func(id, owner int64, name string, stage int, suppressed bool) Known {
		c := consumer(id, owner, name)
		c.Stage, c.Deleted = stage, suppressed
		return KnownOf(c)
	}
	for _, tc := range []struct {
		name    string
		change  func(c *mediawiki.Consumer, o *Owner, similar *[]Known)
		want    []string // code/level, in report order
		risk    mediawiki.RiskGroup
		reasons int // all reasons (0: len(want))
	}{
		{"security grant", func(c *mediawiki.Consumer, _ *Owner, _ *[]Known) { c.Grants = append(c.Grants, "sendemail") },
			[]string{"grant-security/security", "ip-unrestricted/security"}, mediawiki.RiskSecurity, 0},
		{"vandalism grant on all wikis", func(c *mediawiki.Consumer, _ *Owner, _ *[]Known) {
			c.Grants = append(c.Grants, "delete", "protect")
			c.Wiki = "*"
			c.Restrictions = json.RawMessage(`{"IPAddresses":["198.51.100.0/24"]}`)
		}, []string{"grant-vandalism/vandalism", "all-wikis/vandalism"}, mediawiki.RiskVandalism, 0},
		{"internal grant", func(c *mediawiki.Consumer, _ *Owner, _ *[]Known) {
			c.Grants = []string{"basic", "oauthmanageownclient"}
		},
			[]string{"grant-internal/internal", "ip-unrestricted/internal"}, mediawiki.RiskInternal, 0},
		{"unknown grant", func(c *mediawiki.Consumer, _ *Owner, _ *[]Known) { c.Grants = []string{"basic", "frobnicate"} },
			[]string{"grant-unknown/unknown", "ip-unrestricted/unknown"}, mediawiki.RiskUnknown, 0},
		{"highly sensitive: editinterface is vandalism in core, security by the guidelines", func(c *mediawiki.Consumer, _ *Owner, _ *[]Known) {
			c.Grants = []string{"basic", "editinterface"}
		}, []string{"grant-highly-sensitive/security", "grant-vandalism/vandalism", "ip-unrestricted/vandalism"}, mediawiki.RiskSecurity, 0},
		{"checkuser: unknown to core, sensitive to the guidelines", func(c *mediawiki.Consumer, _ *Owner, _ *[]Known) {
			c.Grants = []string{"basic", "checkuser"}
		}, []string{"grant-highly-sensitive/security", "grant-unknown/unknown", "ip-unrestricted/unknown"}, mediawiki.RiskSecurity, 0},
		{"OAuth 1 prefix callback, low grants", func(c *mediawiki.Consumer, _ *Owner, _ *[]Known) { c.OAuthVersion, c.CallbackIsPrefix = 1, true },
			[]string{"callback-prefix/low"}, mediawiki.RiskLow, 0},
		{"OAuth 1 prefix callback, vandalism grants", func(c *mediawiki.Consumer, _ *Owner, _ *[]Known) {
			c.OAuthVersion, c.CallbackIsPrefix = 1, true
			c.Grants = append(c.Grants, "rollback", "blockusers")
			c.Restrictions = json.RawMessage(`{"IPAddresses":["2001:db8::/32"]}`)
		}, []string{"grant-vandalism/vandalism", "callback-prefix/vandalism"}, mediawiki.RiskVandalism, 0},
		{"OAuth 2 ignores the prefix flag", func(c *mediawiki.Consumer, _ *Owner, _ *[]Known) { c.CallbackIsPrefix = true }, nil, mediawiki.RiskLow, 0},
		{"plain http callback", func(c *mediawiki.Consumer, _ *Owner, _ *[]Known) { c.CallbackURL = "http://tool.example.org/cb" },
			[]string{"callback-insecure/low"}, mediawiki.RiskLow, 0},
		{"loopback http callback is fine", func(c *mediawiki.Consumer, _ *Owner, _ *[]Known) { c.CallbackURL = "http://127.0.0.1:8080/cb" }, nil, mediawiki.RiskLow, 0},
		{"unreadable restrictions", func(c *mediawiki.Consumer, _ *Owner, _ *[]Known) {
			c.Restrictions = json.RawMessage(`{"IPAddresses":["everywhere"]}`)
		},
			[]string{"restrictions-unreadable/unknown"}, mediawiki.RiskUnknown, 0},
		{"public client", func(c *mediawiki.Consumer, _ *Owner, _ *[]Known) { c.OAuth2Confidential = false },
			[]string{"public-client/low"}, mediawiki.RiskLow, 0},
		{"owner gone", func(_ *mediawiki.Consumer, o *Owner, _ *[]Known) { o.State = nil },
			[]string{"owner-missing/security"}, mediawiki.RiskSecurity, 0},
		{"owner locked", func(_ *mediawiki.Consumer, o *Owner, _ *[]Known) { o.State.Locked, o.State.LockKnown = true, true },
			[]string{"owner-locked/security"}, mediawiki.RiskSecurity, 0},
		{"owner blocked sitewide", func(_ *mediawiki.Consumer, o *Owner, _ *[]Known) { o.State.Blocked, o.State.BlockSitewide = true, true },
			[]string{"owner-blocked/security"}, mediawiki.RiskSecurity, 0},
		{"owner partially blocked", func(_ *mediawiki.Consumer, o *Owner, _ *[]Known) { o.State.Blocked = true },
			[]string{"owner-blocked/vandalism"}, mediawiki.RiskVandalism, 0},
		{"new owner with few edits", func(_ *mediawiki.Consumer, o *Owner, _ *[]Known) {
			o.State.Registration, o.State.EditCount = ts(3*day), 2
		}, []string{"owner-new-account/low", "owner-few-edits/low"}, mediawiki.RiskLow, 0},
		{"owner history", func(_ *mediawiki.Consumer, o *Owner, _ *[]Known) {
			o.History = historyOf(k(20, 7, "Spam", mediawiki.StageRejected, false), k(21, 7, "Mirror", mediawiki.StageDisabled, false),
				k(22, 7, "Abuse", mediawiki.StageDisabled, true), k(23, 7, "Fine", mediawiki.StageApproved, false))
		}, []string{"owner-history-suppressed/security", "owner-history-disabled/vandalism", "owner-history-rejected/low"}, mediawiki.RiskSecurity, 0},
		{"similar name", func(_ *mediawiki.Consumer, _ *Owner, s *[]Known) {
			*s = []Known{k(30, 9, "Typo-Fixer", mediawiki.StageApproved, false)}
		},
			[]string{"name-similar/vandalism"}, mediawiki.RiskVandalism, 0},
		{"short description, unconfirmed email", func(c *mediawiki.Consumer, _ *Owner, _ *[]Known) {
			c.Description, c.EmailAuthenticated = "  A bot  ", ""
		}, []string{"description-short/low", "email-unconfirmed/low"}, mediawiki.RiskLow, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := consumer(1, 7, "Typo Fixer")
			o := Owner{State: seasoned(7, "Dev")}
			var similar []Known
			tc.change(c, &o, &similar)
			a := Proposal(DefaultPolicy(now), c, o, MatchesOf(similar))
			if got := codes(a); !slices.Equal(got, tc.want) {
				t.Errorf("reasons %v, want %v", got, tc.want)
			}
			if a.Risk != tc.risk {
				t.Errorf("risk %s, want %s", a.Risk, tc.risk)
			}
			for _, r := range a.Reasons {
				if r.Detail == "" {
					t.Errorf("%s has no detail", r.Code)
				}
			}
		})
	}
}

func TestProposalDetailsNameWhatTheyMean(t *testing.T) {
	c := consumer(1, 7, "Typo Fixer")
	c.Grants = []string{"basic", "editsiteconfig", "sendemail"}
	a := Proposal(DefaultPolicy(now), c, Owner{State: seasoned(7, "Dev")}, Matches{})
	if got := codes(a); !slices.Equal(got[:2], []string{"grant-security/security", "grant-highly-sensitive/security"}) {
		t.Errorf("reasons %v: a level's reasons keep the lens order (risk groups, then guidelines)", got)
	}
	if d := a.Reasons[1].Detail; !strings.HasPrefix(d, "editsiteconfig: highly sensitive") {
		t.Errorf("grant-highly-sensitive detail %q", d)
	}
	var sec Reason
	for _, r := range a.Reasons {
		if r.Code == CodeGrantSecurity {
			sec = r
		}
	}
	if sec.Detail != "editsiteconfig, sendemail: in the security risk group ($wgGrantRiskGroups)" {
		t.Errorf("grant-security detail %q", sec.Detail)
	}
	if a.Grants[1] != (GrantRisk{"editsiteconfig", mediawiki.RiskSecurity}) || a.Highest != mediawiki.RiskSecurity {
		t.Errorf("grants %v highest %s", a.Grants, a.Highest)
	}
}

func TestAutoExpiredProposal(t *testing.T) {
	c := consumer(1, 7, "Typo Fixer")
	c.StageTimestamp = ts(45 * day)
	a := Proposal(DefaultPolicy(now), c, Owner{State: seasoned(7, "Dev")}, Matches{})
	if !a.AutoExpired || !a.ExpiresAt.Equal(now.Add(-15*day)) {
		t.Errorf("45-day-old proposal: expired %v at %v", a.AutoExpired, a.ExpiresAt)
	}
}

// The profile's risk groups change the judgement.
func TestPolicyOverride(t *testing.T) {
	p := DefaultPolicy(now)
	p.Grants.Override(map[string]mediawiki.RiskGroup{"editpage": mediawiki.RiskVandalism}, nil, nil)
	a := Proposal(p, consumer(1, 7, "Typo Fixer"), Owner{State: seasoned(7, "Dev")}, Matches{})
	if a.Risk != mediawiki.RiskVandalism {
		t.Errorf("editpage overridden to vandalism: risk %s (%v)", a.Risk, codes(a))
	}
}

func TestRank(t *testing.T) {
	mk := func(id int64, risk mediawiki.RiskGroup, ago time.Duration) Assessment {
		c := consumer(id, 1, "x")
		c.StageTimestamp = ts(ago)
		return Assessment{Consumer: c, Risk: risk}
	}
	as := []Assessment{mk(1, mediawiki.RiskLow, 10*day), mk(2, mediawiki.RiskSecurity, 1*day), mk(3, mediawiki.RiskLow, 20*day),
		mk(4, mediawiki.RiskSecurity, 5*day), mk(5, mediawiki.RiskUnknown, 1*day), mk(6, mediawiki.RiskLow, 20*day)}
	Rank(as)
	var ids []int64
	for _, a := range as {
		ids = append(ids, a.Consumer.ID)
	}
	if want := []int64{4, 2, 5, 3, 6, 1}; !slices.Equal(ids, want) {
		t.Errorf("ranked %v, want %v", ids, want)
	}
}

func approved(id, owner int64) *mediawiki.Consumer {
	c := consumer(id, owner, "Approved Tool")
	c.Stage, c.StageTimestamp = mediawiki.StageApproved, ts(300*day)
	return c
}

func TestAuditReasons(t *testing.T) {
	p := DefaultPolicy(now)
	p.Dormant = 180 * day
	live := &mediawiki.ConsumerActivity{Acceptances: 3, LatestAcceptance: ts(400 * day), Tokens: 9, LatestTokenExpiry: ts(-time.Hour)}
	for _, tc := range []struct {
		name   string
		change func(c *mediawiki.Consumer, o *Owner) *mediawiki.ConsumerActivity
		want   []string
		risk   mediawiki.RiskGroup
	}{
		{"clean and in use", func(*mediawiki.Consumer, *Owner) *mediawiki.ConsumerActivity { return live }, nil, mediawiki.RiskLow},
		{"approved security grant", func(c *mediawiki.Consumer, _ *Owner) *mediawiki.ConsumerActivity {
			c.Grants = append(c.Grants, "editmyoptions")
			return live
		}, []string{"grant-security/security"}, mediawiki.RiskSecurity},
		{"prefix alone is not reported", func(c *mediawiki.Consumer, _ *Owner) *mediawiki.ConsumerActivity {
			c.OAuthVersion, c.CallbackIsPrefix = 1, true
			return live
		}, nil, mediawiki.RiskLow},
		{"prefix with risky grants", func(c *mediawiki.Consumer, _ *Owner) *mediawiki.ConsumerActivity {
			c.OAuthVersion, c.CallbackIsPrefix = 1, true
			c.Grants = append(c.Grants, "protect")
			return live
		}, []string{"grant-vandalism/vandalism", "callback-prefix/vandalism"}, mediawiki.RiskVandalism},
		{"owner locked and gone are security", func(_ *mediawiki.Consumer, o *Owner) *mediawiki.ConsumerActivity {
			o.State.Locked = true
			return live
		}, []string{"owner-locked/security"}, mediawiki.RiskSecurity},
		{"dormant", func(*mediawiki.Consumer, *Owner) *mediawiki.ConsumerActivity {
			return &mediawiki.ConsumerActivity{Acceptances: 1, LatestAcceptance: ts(250 * day), Tokens: 1, LatestTokenExpiry: ts(200 * day)}
		}, []string{"dormant/low"}, mediawiki.RiskLow},
		{"never used since approval long ago", func(*mediawiki.Consumer, *Owner) *mediawiki.ConsumerActivity {
			return &mediawiki.ConsumerActivity{}
		}, []string{"dormant/low"}, mediawiki.RiskLow},
		{"recently re-enabled is not dormant", func(c *mediawiki.Consumer, _ *Owner) *mediawiki.ConsumerActivity {
			c.StageTimestamp = ts(3 * day)
			return &mediawiki.ConsumerActivity{}
		}, nil, mediawiki.RiskLow},
		{"a non-expiring token is activity now", func(*mediawiki.Consumer, *Owner) *mediawiki.ConsumerActivity {
			return &mediawiki.ConsumerActivity{Acceptances: 1, LatestAcceptance: ts(900 * day), Tokens: 1, LatestTokenExpiry: "infinity"}
		}, nil, mediawiki.RiskLow},
		{"client_credentials only: activity unknown", func(c *mediawiki.Consumer, _ *Owner) *mediawiki.ConsumerActivity {
			c.OAuth2AllowedGrants = []string{"client_credentials"}
			return &mediawiki.ConsumerActivity{}
		}, []string{"activity-unknown/low"}, mediawiki.RiskLow},
		{"owner-only bot whose owner lost the bot flag", func(c *mediawiki.Consumer, o *Owner) *mediawiki.ConsumerActivity {
			c.OwnerOnly = true
			c.Grants = []string{"basic", "highvolume", "editpage"}
			o.State.Groups = []string{"autopatrolled"}
			return live
		}, []string{"owner-lacks-rights/vandalism"}, mediawiki.RiskVandalism},
		{"owner-only bot of a bot", func(c *mediawiki.Consumer, o *Owner) *mediawiki.ConsumerActivity {
			c.OwnerOnly = true
			c.Grants = []string{"basic", "highvolume", "editpage"}
			o.State.Groups = []string{"bot"}
			return live
		}, nil, mediawiki.RiskLow},
		{"rights are only judged for owner-only consumers", func(c *mediawiki.Consumer, _ *Owner) *mediawiki.ConsumerActivity {
			c.Grants = []string{"basic", "highvolume"}
			return live
		}, nil, mediawiki.RiskLow},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := approved(1, 7)
			o := Owner{State: seasoned(7, "Dev")}
			act := tc.change(c, &o)
			a := Approved(p, c, o, act)
			if got := codes(a); !slices.Equal(got, tc.want) {
				t.Errorf("reasons %v, want %v", got, tc.want)
			}
			if a.Risk != tc.risk {
				t.Errorf("risk %s, want %s", a.Risk, tc.risk)
			}
		})
	}
}

func TestDormancyOffWithoutActivity(t *testing.T) {
	a := Approved(DefaultPolicy(now), approved(1, 7), Owner{State: seasoned(7, "Dev")}, nil)
	if len(a.Reasons) != 0 || !a.LastActivity.IsZero() {
		t.Errorf("dormancy judged without --dormant: %v", codes(a))
	}
}

func TestLastActivity(t *testing.T) {
	c := approved(1, 7)
	for _, tc := range []struct {
		act  mediawiki.ConsumerActivity
		want time.Time
	}{
		{mediawiki.ConsumerActivity{}, now.Add(-300 * day)},
		{mediawiki.ConsumerActivity{LatestAcceptance: ts(100 * day)}, now.Add(-100 * day)},
		{mediawiki.ConsumerActivity{LatestAcceptance: ts(100 * day), LatestTokenExpiry: ts(10 * day)}, now.Add(-10 * day)},
		{mediawiki.ConsumerActivity{LatestTokenExpiry: ts(-5 * day)}, now}, // not expired yet: now
		{mediawiki.ConsumerActivity{LatestTokenExpiry: "infinity"}, now},
		{mediawiki.ConsumerActivity{LatestTokenExpiry: "garbage"}, now.Add(-300 * day)},
	} {
		if got := LastActivity(c, tc.act, now); !got.Equal(tc.want) {
			t.Errorf("LastActivity(%+v) = %v, want %v", tc.act, got, tc.want)
		}
	}
}

// Every code the package emits is documented in Codes, once.
func TestCodesDocumented(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range Codes {
		if seen[d.Code] {
			t.Errorf("%s documented twice", d.Code)
		}
		seen[d.Code] = true
		if d.Level == "" || d.Meaning == "" || (d.Lens != "review" && d.Lens != "audit" && d.Lens != "both") {
			t.Errorf("incomplete doc %+v", d)
		}
	}
	for _, code := range []string{CodeGrantInternal, CodeGrantSecurity, CodeGrantUnknown, CodeGrantVandalism, CodeGrantSensitive,
		CodeCallbackPrefix, CodeCallbackInsecure, CodeAllWikis, CodeIPUnrestricted, CodeRestrictionsBad, CodePublicClient,
		CodeOwnerMissing, CodeOwnerBlocked, CodeOwnerLocked, CodeOwnerNewAccount, CodeOwnerFewEdits, CodeOwnerRejected,
		CodeOwnerDisabled, CodeOwnerSuppressed, CodeNameSimilar, CodeDescriptionShort, CodeEmailUnconfirmed, CodeDormant,
		CodeActivityUnknown, CodeOwnerLacksRights} {
		if !seen[code] {
			t.Errorf("%s is not documented", code)
		}
	}
	if len(seen) != 25 {
		t.Errorf("%d codes documented, 25 defined", len(seen))
	}
}

// The guide lists every code, so what an admin reads there is what the
// commands emit.
func TestGuideListsEveryCode(t *testing.T) {
	b, err := os.ReadFile("../docs/guides/reviewing-proposals.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range Codes {
		if !strings.Contains(string(b), "`"+c.Code+"`") {
			t.Errorf("docs/guides/reviewing-proposals.md does not name %s", c.Code)
		}
	}
}

// An owner's history leaves the judged consumer out, names at most three
// of each bad ending and counts the rest, whatever its size.
func TestOwnerHistoryBounded(t *testing.T) {
	h := &OwnerHistory{}
	self := KnownOf(consumer(1, 7, "Me"))
	self.stage, self.Stage = mediawiki.StageRejected, "rejected"
	h.add(self)
	for i := int64(2); i < 10002; i++ {
		c := consumer(i, 7, "Spam")
		c.Stage = mediawiki.StageRejected
		h.add(KnownOf(c))
	}
	if len(h.named["rejected"]) != historyNames {
		t.Fatalf("%d names kept", len(h.named["rejected"]))
	}
	c := consumer(1, 7, "Me")
	c.Stage = mediawiki.StageRejected
	a := Proposal(DefaultPolicy(now), c, Owner{State: seasoned(7, "Dev"), History: h, Self: self}, Matches{})
	var d string
	for _, r := range a.Reasons {
		if r.Code == CodeOwnerRejected {
			d = r.Detail
		}
	}
	if want := `the owner has 10000 rejected consumers: "Spam" (id 2), "Spam" (id 3), "Spam" (id 4) and 9997 more`; d != want {
		t.Errorf("detail %q\nwant   %q", d, want)
	}
	if got := (Owner{History: h, Self: self}).OtherCounts()["rejected"]; got != 10000 {
		t.Errorf("other rejected %d", got)
	}
}
