package consumer_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
)

const testNow = "2026-11-22T12:00:00Z"

// listDoc is the documented shape of "consumer list -o json".
type listDoc struct {
	Consumers []struct {
		ID           int64  `json:"id"`
		Key          string `json:"key"`
		Name         string `json:"name"`
		Version      string `json:"version"`
		Owner        string `json:"owner"`
		OwnerID      int64  `json:"owner_id"`
		Stage        string `json:"stage"`
		OAuthVersion int    `json:"oauth_version"`
		OwnerOnly    bool   `json:"owner_only"`
		Registered   string `json:"registered"`
		Suppressed   bool   `json:"suppressed"`
		AutoExpired  bool   `json:"auto_expired"`
	} `json:"consumers"`
	NextAfter        *int64 `json:"next_after"`
	SuppressedHidden int64  `json:"suppressed_hidden"`
}

// TestListJSONIsWriteJSON: the streamed object decodes, strictly, into the
// documented shape, and re-encoded with cmdutil.WriteJSON it is the same
// bytes: first page, a middle page, the last page, an empty one.
func TestListJSONIsWriteJSON(t *testing.T) {
	isolate(t)
	t.Chdir(t.TempDir())
	if r := mwoauth(t, false, "", testNow, "sandbox"); r.code != 0 {
		t.Fatalf("sandbox: %s", r.stderr)
	}
	for _, tc := range []struct {
		args         []string
		n            int
		next, hidden int64 // next 0: null
	}{
		{[]string{"--limit", "4"}, 4, 4, 2},
		{[]string{"--limit", "3", "--after", "4"}, 3, 7, 2},
		{[]string{"--after", "20"}, 3, 0, 2}, // hidden counts every page
		{[]string{"--all", "--include-suppressed"}, 24, 0, 0},
		{[]string{"--search", "no such consumer"}, 0, 0, 0},
		{[]string{"--search", "abuse"}, 0, 0, 1},
	} {
		r := mwoauth(t, false, "", testNow, append([]string{"consumer", "list", "-o", "json"}, tc.args...)...)
		out := r.stdout
		if r.code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, r.code, r.stderr)
		}
		var doc listDoc
		dec := json.NewDecoder(strings.NewReader(out))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&doc); err != nil {
			t.Fatalf("%v: %v\n%s", tc.args, err, out)
		}
		if len(doc.Consumers) != tc.n || doc.SuppressedHidden != tc.hidden || (doc.NextAfter == nil) != (tc.next == 0) ||
			(doc.NextAfter != nil && *doc.NextAfter != tc.next) {
			t.Errorf("%v: %d consumers, next_after %v, suppressed_hidden %d\n%s", tc.args, len(doc.Consumers), doc.NextAfter, doc.SuppressedHidden, out)
		}
		var again bytes.Buffer
		if err := cmdutil.WriteJSON(&again, doc); err != nil {
			t.Fatal(err)
		}
		if again.String() != out {
			t.Errorf("%v: streamed:\n%s\nWriteJSON:\n%s", tc.args, out, again.String())
		}
	}
}
