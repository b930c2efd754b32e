package consumer_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
)

const testNow = "2026-11-22T12:00:00Z"

// listDoc is the documented shape of "consumer list -o json"; the items'
// own fields are TestJSONFieldsDocumented's.
type listDoc struct {
	Consumers        []json.RawMessage `json:"consumers"`
	NextAfter        *int64            `json:"next_after"`
	SuppressedHidden int64             `json:"suppressed_hidden"`
}

// itemFields are the members of each item, in order.
const itemFields = "id key name version owner owner_id stage oauth_version owner_only registered suppressed auto_expired"

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
		for _, it := range doc.Consumers {
			if got := memberNames(t, it); got != itemFields {
				t.Errorf("%v: item members %q", tc.args, got)
			}
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

// memberNames lists an object's member names in order.
func memberNames(t *testing.T, obj json.RawMessage) string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(obj))
	var names []string
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch v := tok.(type) {
		case json.Delim:
			if v == '{' || v == '[' {
				depth++
			} else {
				depth--
			}
		case string:
			if depth == 1 { // a member name: its value is skipped whole
				names = append(names, v)
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return strings.Join(names, " ")
}
