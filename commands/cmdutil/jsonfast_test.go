package cmdutil

import (
	"bytes"
	"testing"
)

var hostileStrings = []string{"", "plain", `q"uote\back`, "tab\tnl\ncr\r", "\x00\x01\x1f\x7f", "\b\f", "<a&b>",
	"\xff\xfe bad utf-8 \xc3", "ü € 😀 \ufffd", "\u2028\u2029", "\u202e bidi \u200b\ufeff", "\u0085\u009b C1",
	"\x1b[2J\x1b]0;title\a", "\U000e0001 tag", "\U0001F600"}

func writeJSONString(t testing.TB, s string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteJSON(&buf, s); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// TestAppendJSONStringMatchesWriteJSON: the hand-written encoder is the
// same escaping rule as WriteJSON.
func TestAppendJSONStringMatchesWriteJSON(t *testing.T) {
	for _, s := range hostileStrings {
		if got, want := AppendJSONString(nil, s), writeJSONString(t, s); !bytes.Equal(got, want) {
			t.Errorf("%q:\n got %s\nwant %s", s, got, want)
		}
	}
}

// FuzzAppendJSONString: for any string, AppendJSONString writes what
// WriteJSON writes.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range hostileStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := AppendJSONString(nil, s), writeJSONString(t, s); !bytes.Equal(got, want) {
			t.Fatalf("%q: got %s want %s", s, got, want)
		}
	})
}

// TestAddEncodedMatchesAdd: an array of pre-encoded elements is the array
// Add writes.
func TestAddEncodedMatchesAdd(t *testing.T) {
	var a, b bytes.Buffer
	ja, jb := NewJSONArray(&a), NewJSONArray(&b)
	for _, s := range []string{"x", "y\u202e"} {
		if err := ja.Add(map[string]string{"k": s}); err != nil {
			t.Fatal(err)
		}
		elem := append(append([]byte("{\n    \"k\": "), AppendJSONString(nil, s)...), "\n  }"...)
		if err := jb.AddEncoded(elem); err != nil {
			t.Fatal(err)
		}
	}
	ja.Close()
	jb.Close()
	if a.String() != b.String() {
		t.Errorf("Add:\n%s\nAddEncoded:\n%s", a.String(), b.String())
	}
}
