package mediawiki

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// Every grant core defines has a risk group, except the one core itself
// leaves out (its GrantRiskGroups names "editviewmywatchlist" where
// GrantPermissions says "editmywatchlist"); that grant is unknown, as
// core's getRiskGroupsByGrant reports it.
func TestDefaultRiskGroupsCoverCoreGrants(t *testing.T) {
	g := DefaultGrantConfig()
	var unknown []string
	for grant := range g.GrantPermissions {
		if g.RiskOf(grant) == RiskUnknown {
			unknown = append(unknown, grant)
		}
	}
	if !reflect.DeepEqual(unknown, []string{"editmywatchlist"}) {
		t.Errorf("grants without a risk group: %v, want only core's editmywatchlist", unknown)
	}
	for grant, want := range map[string]RiskGroup{
		"basic": RiskLow, "editpage": RiskLow, "editprotected": RiskVandalism, "editinterface": RiskVandalism,
		"editmycssjs": RiskSecurity, "editsiteconfig": RiskSecurity, "sendemail": RiskSecurity, "oversight": RiskSecurity,
		"oauthmanageownclient": RiskInternal, "mwoauth-authonly": RiskLow, "checkuser": RiskUnknown,
	} {
		if got := g.RiskOf(grant); got != want {
			t.Errorf("RiskOf(%s) = %s, want %s", grant, got, want)
		}
	}
}

func TestRiskRankAndHighest(t *testing.T) {
	order := []RiskGroup{RiskLow, RiskVandalism, RiskUnknown, RiskSecurity, RiskInternal}
	for i := 1; i < len(order); i++ {
		if order[i-1].Rank() >= order[i].Rank() {
			t.Errorf("%s should rank below %s", order[i-1], order[i])
		}
	}
	g := DefaultGrantConfig()
	for _, c := range []struct {
		grants []string
		want   RiskGroup
	}{
		{nil, RiskLow},
		{[]string{"basic", "editpage"}, RiskLow},
		{[]string{"basic", "delete", "editpage"}, RiskVandalism},
		{[]string{"checkuser", "delete"}, RiskUnknown},
		{[]string{"checkuser", "editsiteconfig"}, RiskSecurity},
		{[]string{"oauthmanageownclient", "editsiteconfig"}, RiskInternal},
	} {
		if got := g.HighestRisk(c.grants); got != c.want {
			t.Errorf("HighestRisk(%v) = %s, want %s", c.grants, got, c.want)
		}
	}
}

// The defaults are copies: changing one config leaves the next alone.
func TestDefaultGrantConfigIsACopy(t *testing.T) {
	a := DefaultGrantConfig()
	a.RiskGroups["editpage"] = RiskSecurity
	a.GroupPermissions["sysop"][0] = "nothing"
	b := DefaultGrantConfig()
	if b.RiskOf("editpage") != RiskLow || b.GroupPermissions["sysop"][0] != "block" {
		t.Fatal("DefaultGrantConfig shares its maps between calls")
	}
}

func TestGroupRightsImplicitGroups(t *testing.T) {
	g := DefaultGrantConfig()
	plain := g.GroupRights(nil)
	for _, r := range []string{"read", "edit", "move", "sendemail", "editsemiprotected", "mwoauthmanagemygrants"} {
		if !plain[r] {
			t.Errorf("a registered user lacks %s", r)
		}
	}
	if plain["editinterface"] || plain["bot"] {
		t.Error("a registered user in no group holds sysop or bot rights")
	}
	if sys := g.GroupRights([]string{"sysop"}); !sys["editinterface"] || !sys["edit"] {
		t.Error("a sysop lacks editinterface or edit")
	}
}

func TestPrivilegedRights(t *testing.T) {
	g := DefaultGrantConfig()
	for _, c := range []struct {
		grant string
		priv  []string
		only  bool
	}{
		{"basic", nil, false},    // hidden
		{"editpage", nil, false}, // pagelang: no group grants it
		{"editinterface", []string{"editinterface", "editsitejson", "edituserjson"}, false},
		{"highvolume", []string{"apihighlimits", "bot", "markbotedits", "noratelimit"}, true},
		{"patrol", []string{"patrol"}, true},
		{"createeditmovepage", []string{"suppressredirect"}, false},
		{"sendemail", nil, false},
		{"checkuser", nil, false}, // unknown grant: no rights known
	} {
		priv, only := g.PrivilegedRights(c.grant)
		if !reflect.DeepEqual(priv, c.priv) || only != c.only {
			t.Errorf("PrivilegedRights(%s) = %v, %v; want %v, %v", c.grant, priv, only, c.priv, c.only)
		}
	}
}

func TestUnusableGrants(t *testing.T) {
	g := DefaultGrantConfig()
	grants := []string{"basic", "editpage", "createeditmovepage", "highvolume", "editinterface", "patrol", "sendemail"}
	names := func(us []UnusableGrant) []string {
		var out []string
		for _, u := range us {
			out = append(out, u.Grant)
		}
		return out
	}
	for _, c := range []struct {
		groups []string
		want   []string
	}{
		{nil, []string{"highvolume", "editinterface", "patrol"}},
		{[]string{"bot"}, []string{"editinterface", "patrol"}},
		{[]string{"sysop"}, nil}, // sysop holds apihighlimits (highvolume), editinterface and patrol
		{[]string{"interface-admin"}, []string{"highvolume", "patrol"}},
	} {
		if got := names(g.UnusableGrants(grants, c.groups)); !reflect.DeepEqual(got, c.want) {
			t.Errorf("groups %v: unusable %v, want %v", c.groups, got, c.want)
		}
	}
	u := g.UnusableGrants([]string{"editinterface"}, nil)
	if len(u) != 1 || !reflect.DeepEqual(u[0].Needs, []string{"editinterface", "editsitejson", "edituserjson"}) {
		t.Errorf("editinterface needs %v", u)
	}
}

func TestOverride(t *testing.T) {
	g := DefaultGrantConfig()
	g.Override(map[string]RiskGroup{"editinterface": RiskSecurity, "checkuser": RiskSecurity},
		map[string][]string{"checkuser": {"checkuser", "checkuser-log"}},
		map[string][]string{"checkuser": {"checkuser", "checkuser-log"}, "sysop": {}})
	if g.RiskOf("editinterface") != RiskSecurity || g.RiskOf("checkuser") != RiskSecurity || g.RiskOf("editpage") != RiskLow {
		t.Errorf("risk after override: %v", g.RiskGroups)
	}
	if g.GroupRights([]string{"sysop"})["editinterface"] {
		t.Error("an emptied sysop group still grants editinterface")
	}
	if !g.GroupRights([]string{"checkuser"})["checkuser"] {
		t.Error("the added checkuser group grants nothing")
	}
	if got := g.UnusableGrants([]string{"checkuser"}, nil); len(got) != 1 {
		t.Errorf("checkuser grant for a user without the group: %v", got)
	}
	var zero GrantConfig
	zero.Override(map[string]RiskGroup{"x": RiskLow}, nil, nil)
	if zero.RiskOf("x") != RiskLow {
		t.Error("Override on a zero config lost the entry")
	}
}

func TestParseGrantRiskGroups(t *testing.T) {
	for _, c := range []struct {
		in   string
		want map[string]RiskGroup
		err  string
	}{
		{"editinterface:security, checkuser:security", map[string]RiskGroup{"editinterface": RiskSecurity, "checkuser": RiskSecurity}, ""},
		{"# Wikimedia's extra grants\ncheckuser: Security\n\nhighvolume:vandalism,\n", map[string]RiskGroup{"checkuser": RiskSecurity, "highvolume": RiskVandalism}, ""},
		{`{"checkuser": "security", "editpage": "low"}`, map[string]RiskGroup{"checkuser": RiskSecurity, "editpage": RiskLow}, ""},
		{"", map[string]RiskGroup{}, ""},
		{"editpage", nil, `"editpage" is not grant:group`},
		{"editpage:dangerous", nil, `unknown risk group "dangerous"`},
		{"editpage:unknown", nil, `unknown risk group "unknown"`},
		{":low", nil, "empty grant name"},
		{`{"editpage": 3}`, nil, "not a JSON object"},
		{`{"edit\u001bpage": "low"}`, nil, "control character"},
	} {
		got, err := ParseGrantRiskGroups(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseGrantRiskGroups(%q) error %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseGrantRiskGroups(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
}

func TestParsePermissions(t *testing.T) {
	got, err := ParsePermissions([]byte(`{"sysop": {"editinterface": true, "block": true, "delete": false},
		"nobody": [], "bot": ["bot", "bot", "apihighlimits"]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"sysop": {"block", "editinterface"}, "nobody": {}, "bot": {"apihighlimits", "bot"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParsePermissions = %v, want %v", got, want)
	}
	for _, bad := range []string{`[]`, `{"sysop": "editinterface"}`, `{"": {}}`, `{"sysop": {"": true}}`, `not json`} {
		if _, err := ParsePermissions([]byte(bad)); err == nil {
			t.Errorf("ParsePermissions(%s) accepted", bad)
		}
	}
}

func TestAutoExpiry(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	c := &Consumer{Stage: StageProposed, StageTimestamp: FormatTimestamp(now.Add(-31 * 24 * time.Hour))}
	if !c.AutoExpired(now, DefaultRequestExpirationAge) {
		t.Error("a 31-day-old proposal is not auto-expired")
	}
	if c.AutoExpired(now, 0) {
		t.Error("auto-expiry off (age 0) still expires")
	}
	if want := now.Add(-24 * time.Hour); !c.AutoExpiresAt(DefaultRequestExpirationAge).Equal(want) {
		t.Errorf("AutoExpiresAt = %v, want %v", c.AutoExpiresAt(DefaultRequestExpirationAge), want)
	}
	c.StageTimestamp = FormatTimestamp(now.Add(-29 * 24 * time.Hour))
	if c.AutoExpired(now, DefaultRequestExpirationAge) {
		t.Error("a 29-day-old proposal is auto-expired")
	}
	c.Stage = StageApproved
	if c.AutoExpired(now, time.Hour) || !c.AutoExpiresAt(time.Hour).IsZero() {
		t.Error("an approved consumer auto-expires")
	}
	c.Stage, c.StageTimestamp = StageProposed, "garbage"
	if c.AutoExpired(now, time.Hour) || !c.AutoExpiresAt(time.Hour).IsZero() {
		t.Error("an unreadable timestamp auto-expires")
	}
}

// No input panics either parser, and whatever they accept is clean.
func FuzzParseGrantRiskGroups(f *testing.F) {
	f.Add("editinterface:security, checkuser:security")
	f.Add(`{"checkuser": "security"}`)
	f.Add("# c\n:low\nx:")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseGrantRiskGroups(s)
		if err != nil {
			return
		}
		for grant, r := range m {
			if checkName("grant", grant) != nil || !slices.Contains(RiskGroups(), r) {
				t.Fatalf("accepted %q: %q -> %q", s, grant, r)
			}
		}
	})
}

func FuzzParsePermissions(f *testing.F) {
	f.Add([]byte(`{"sysop": {"editinterface": true, "delete": false}, "bot": ["bot"]}`))
	f.Add([]byte(`{"x": []}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParsePermissions(b)
		if err != nil {
			return
		}
		for name, rights := range m {
			if checkName("name", name) != nil || rights == nil {
				t.Fatalf("accepted %q: %q -> %v", b, name, rights)
			}
			for _, r := range rights {
				if checkName("right", r) != nil {
					t.Fatalf("accepted right %q", r)
				}
			}
		}
	})
}

func TestParseRestrictions(t *testing.T) {
	for _, c := range []struct {
		in  string
		any bool
		ips []string
		err bool
	}{
		{`{"IPAddresses":["0.0.0.0/0","::/0"]}`, true, []string{"0.0.0.0/0", "::/0"}, false},
		{``, true, []string{}, false},
		{`null`, true, []string{}, false},
		{`{"IPAddresses":[]}`, true, []string{}, false},
		{`{"IPAddresses":["0.0.0.0/0"]}`, false, []string{"0.0.0.0/0"}, false},
		{`{"IPAddresses":["198.51.100.0/24","2001:db8::1"]}`, false, []string{"198.51.100.0/24", "2001:db8::1"}, false},
		{`{"IPAddresses":["localhost"]}`, false, nil, true},
		{`{"IPAddresses":"0.0.0.0/0"}`, false, nil, true},
		{`[1]`, false, nil, true},
	} {
		r, err := ParseRestrictions([]byte(c.in))
		if c.err {
			if err == nil {
				t.Errorf("ParseRestrictions(%s) accepted", c.in)
			}
			continue
		}
		if err != nil || r.AnyAddress() != c.any || !reflect.DeepEqual(r.IPAddresses, c.ips) {
			t.Errorf("ParseRestrictions(%s) = %+v (any %v), %v", c.in, r, r.AnyAddress(), err)
		}
	}
	r, _ := ParseRestrictions([]byte(`{"IPAddresses":["0.0.0.0/0","::/0"],"Pages":["Sandbox"]}`))
	if !reflect.DeepEqual(r.Pages, []string{"Sandbox"}) {
		t.Errorf("pages %v", r.Pages)
	}
}

func FuzzParseRestrictions(f *testing.F) {
	f.Add([]byte(`{"IPAddresses":["0.0.0.0/0","::/0"]}`))
	f.Add([]byte(`{"IPAddresses":["198.51.100.7"],"Pages":["Main Page"]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseRestrictions(b)
		if err != nil {
			return
		}
		if r.IPAddresses == nil || r.Pages == nil {
			t.Fatalf("nil lists from %q", b)
		}
		_ = r.AnyAddress()
	})
}
