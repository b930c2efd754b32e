package consumer

import (
	"bytes"
	"encoding/json"
	"testing"
)

// encodingJSON is what cmdutil.WriteJSON's settings make of v.
func encodingJSON(t testing.TB, v any, prefix string) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

var hostile = []string{"", "plain", `q"uote\back`, "tab\tnl\ncr\r", "\x00\x01\x1f\x7f", "\b\f", "<a&b>",
	"\xff\xfe bad utf-8 \xc3", "ü € 😀", "\u2028\u2029", "\u202e bidi", "\x1b[2J\x1b]0;title\a"}

// TestAppendItemMatchesEncodingJSON: the hand-written list item is
// byte for byte what encoding/json writes for the same struct.
func TestAppendItemMatchesEncodingJSON(t *testing.T) {
	for i, s := range hostile {
		it := listItem{ID: int64(i), Key: s, Name: s + "n", Version: s, Owner: s, OwnerID: -int64(i), Stage: "approved",
			OAuthVersion: 2, OwnerOnly: i%2 == 0, Registered: s, Suppressed: i%3 == 0, AutoExpired: i%4 == 0}
		got := appendItem(nil, &it)
		want := encodingJSON(t, it, "  ")
		if !bytes.Equal(got, want) {
			t.Errorf("%q:\n got %s\nwant %s", s, got, want)
		}
	}
}

// FuzzAppendJSONString: any string encodes as encoding/json encodes it.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := appendJSONString(nil, s)
		want := encodingJSON(t, s, "")
		if !bytes.Equal(got, want) {
			t.Fatalf("%q: got %s want %s", s, got, want)
		}
	})
}
