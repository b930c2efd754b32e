package consumer_test

import (
	"database/sql"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
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
