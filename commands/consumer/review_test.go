package consumer_test

import (
	"database/sql"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/mwoauth/mwoauth/commands/sandbox"
	"github.com/mwoauth/mwoauth/review"
)

// reviewJSON is what the tests read of a review item.
type reviewJSON struct {
	Key   string `json:"key"`
	Name  string `json:"name"`
	Owner struct {
		Name string `json:"name"`
	} `json:"owner"`
	SimilarNames []struct {
		ID int64 `json:"id"`
	} `json:"similar_names"`
}

// Strings from the database reach a terminal only escaped; JSON keeps
// them exact. A hostile proposal, its owner and an approved consumer with
// control and bidi characters go through every human path of review and
// audit.
func TestReviewAuditEscapeDatabaseStrings(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	const at = "2026-11-22T12:00:00Z"
	if r := mwoauth(t, false, "", at, "sandbox", filepath.Join(dir, "sb")); r.code != 0 {
		t.Fatalf("sandbox: %s", r.stderr)
	}
	conn, err := sql.Open("sqlite3", filepath.Join(dir, "sb", "wiki.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const evil = "Evil\x1b]0;pwned\x07 \u202eTool\r\n"
	for _, q := range []string{
		`UPDATE oauth_registered_consumer SET oarc_name = '` + evil + `', oarc_version = '1\x1b[2J', oarc_callback_url = 'https://x/` + "\x1b[31m" + `',
		   oarc_email = 'a` + "\u2066" + `@x', oarc_grants = '["useoauth","edit` + "\x1b" + `page"]' WHERE oarc_id = 4`,
		`UPDATE user SET user_name = 'Bob` + "\x1b[1m\u202e" + `' WHERE user_id = 5`,
		`UPDATE oauth_registered_consumer SET oarc_name = '` + evil + `' WHERE oarc_id = 10`,
		`UPDATE oauth_registered_consumer SET oarc_name = 'EVIL-0-pwned-tool' WHERE oarc_id = 7`,
	} {
		if _, err := conn.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	clean := func(name, s string) {
		t.Helper()
		for _, r := range s {
			if r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r)) {
				t.Errorf("%s printed %U raw:\n%s", name, r, s)
				return
			}
		}
	}
	for _, args := range [][]string{
		{"consumer", "review"},
		{"consumer", "review", "--approve-low-risk"},
		{"consumer", "audit", "--dormant", "1d"},
		{"consumer", "audit", "-o", "csv"},
	} {
		r := mwoauth(t, false, "", at, args...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d %s", args, r.code, r.stderr)
		}
		if args[len(args)-1] != "csv" {
			clean(strings.Join(args, " ")+" stdout", r.stdout)
		}
		clean(strings.Join(args, " ")+" stderr", r.stderr)
	}
	r := mwoauth(t, false, "", at, "consumer", "review")
	if !strings.Contains(r.stdout, `Evil\x1b]0;pwned\x07 \u202eTool\x0d\x0a`) || !strings.Contains(r.stdout, `Bob\x1b[1m\u202e`) {
		t.Errorf("escapes not shown:\n%s", r.stdout)
	}
	// JSON carries the exact strings.
	r = mwoauth(t, false, "", at, "consumer", "review", "-o", "json")
	var items []reviewJSON
	if err := json.Unmarshal([]byte(r.stdout), &items); err != nil {
		t.Fatalf("review JSON (%v):\n%s", err, r.stdout)
	}
	i := slices.IndexFunc(items, func(it reviewJSON) bool {
		return it.Key == "d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6"
	})
	if i < 0 {
		t.Fatalf("proposal 4 missing:\n%s", r.stdout)
	}
	items = items[i : i+1]
	if items[0].Name != evil || items[0].Owner.Name != "Bob\x1b[1m\u202e" {
		t.Errorf("JSON name %q owner %q", items[0].Name, items[0].Owner.Name)
	}
	// The same hostile name on another owner's consumer is a near duplicate,
	// and so is one that differs only in case, punctuation and the
	// invisible characters.
	if len(items[0].SimilarNames) != 2 || items[0].SimilarNames[0].ID != 7 || items[0].SimilarNames[1].ID != 10 {
		t.Errorf("similar names %+v", items[0].SimilarNames)
	}
}

// The sandbox's proposals come out riskiest first, then oldest first, each
// at the risk its case was made for; its approved consumers' findings are
// the audit's cases.
func TestSandboxReviewAndAudit(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	const at = "2026-11-22T12:00:00Z"
	if r := mwoauth(t, false, "", at, "sandbox", filepath.Join(dir, "sb")); r.code != 0 {
		t.Fatalf("sandbox: %s", r.stderr)
	}
	r := mwoauth(t, false, "", at, "consumer", "review", "-o", "json")
	var queue []struct {
		Key         string `json:"key"`
		Risk        string `json:"risk"`
		AutoExpired bool   `json:"auto_expired"`
		Reasons     []struct {
			Code  string `json:"code"`
			Level string `json:"level"`
		} `json:"reasons"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &queue); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	want := []struct{ key, risk string }{
		{sandbox.KeyClientAdmin, "internal"},
		{sandbox.KeySiteStyler, "security"}, // 10 days old
		{sandbox.KeyWebEditer, "security"},  // 4 days
		{sandbox.KeyProposed, "security"},   // 2 days: Bob's suppressed consumer
		{sandbox.KeyStatsExporter, "unknown"},
		{sandbox.KeyMirrorReborn, "vandalism"}, // 5 days: Dev User's disabled mirror tool
		{sandbox.KeyMassProtector, "vandalism"},
		{sandbox.KeyStale, "low"}, // 45 days
		{sandbox.KeyTypoFixer, "low"},
	}
	if len(queue) != len(want) {
		t.Fatalf("%d proposals, want %d", len(queue), len(want))
	}
	seen := map[string]bool{}
	for i, w := range want {
		if queue[i].Key != w.key || queue[i].Risk != w.risk {
			t.Errorf("rank %d: %s at %s, want %s at %s", i+1, queue[i].Key, queue[i].Risk, w.key, w.risk)
		}
		for _, rs := range queue[i].Reasons {
			seen[rs.Code] = true
		}
		if queue[i].AutoExpired != (w.key == sandbox.KeyStatsExporter || w.key == sandbox.KeyStale) {
			t.Errorf("%s auto_expired %v", w.key, queue[i].AutoExpired)
		}
	}

	r = mwoauth(t, false, "", at, "consumer", "audit", "--dormant", "180d", "-o", "json")
	var rep struct {
		Audited   int    `json:"audited"`
		Highest   string `json:"highest"`
		Failed    bool   `json:"failed"`
		Consumers []struct {
			Key     string `json:"key"`
			Risk    string `json:"risk"`
			Reasons []struct {
				Code string `json:"code"`
			} `json:"reasons"`
		} `json:"consumers"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || r.code != 0 {
		t.Fatalf("audit exit %d: %v\n%s", r.code, err, r.stdout)
	}
	risks := map[string]string{}
	for _, c := range rep.Consumers {
		risks[c.Key] = c.Risk
		for _, rs := range c.Reasons {
			seen[rs.Code] = true
		}
	}
	wantAudit := map[string]string{
		sandbox.KeyBlockedBot: "security", sandbox.KeyUploader: "security", sandbox.KeyInterfaceTool: "security", sandbox.KeyExBotOwnerBot: "vandalism",
		sandbox.KeyOldDashboard: "low", sandbox.KeyLeaky: "low",
	}
	if rep.Audited != 9 || rep.Highest != "security" || rep.Failed || len(risks) != len(wantAudit) {
		t.Errorf("audit: %d audited, highest %s, failed %v, findings %v", rep.Audited, rep.Highest, rep.Failed, risks)
	}
	for k, w := range wantAudit {
		if risks[k] != w {
			t.Errorf("audit %s: %q, want %q", k, risks[k], w)
		}
	}
	// Between them, the sandbox shows every reason code but those that need
	// what it has not: a missing or locked owner (CentralAuth) and
	// unreadable restrictions (the unit tests have those).
	for _, c := range review.Codes {
		switch c.Code {
		case review.CodeOwnerMissing, review.CodeOwnerLocked, review.CodeRestrictionsBad:
			continue
		}
		if !seen[c.Code] {
			t.Errorf("the sandbox shows no %s", c.Code)
		}
	}
}
