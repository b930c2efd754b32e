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

// TestPlainASCII8: every byte value in every position of a word, next to
// plain bytes and after each byte that borrows: a word is plain exactly
// when its bytes are all printable ASCII other than '"' and '\\'.
func TestPlainASCII8(t *testing.T) {
	plain := func(c byte) bool { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\' }
	for _, fill := range []byte{'a', 0x00, 0x20, 0x1f, 0x80} {
		for pos := 0; pos < 8; pos++ {
			for c := 0; c < 256; c++ {
				w := bytes.Repeat([]byte{'a'}, 8)
				w[pos] = byte(c)
				if pos > 0 {
					w[pos-1] = fill
				}
				want := true
				for _, b := range w {
					want = want && plain(b)
				}
				if got := plainASCII8(string(w)); got != want {
					t.Errorf("%q: plain %v, want %v", w, got, want)
				}
			}
		}
	}
}

func BenchmarkAppendJSONString(b *testing.B) {
	s := "ecc6405197025e8596bd87db82e5c7f938b569e0dafb05731beeed1a6436959af9459597b67844e9"
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendJSONString(buf[:0], s)
	}
}
