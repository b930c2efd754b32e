package cmdutil

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestSafe(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"plain text", "plain text"},
		{"Zoë 漢字 🔑 café", "Zoë 漢字 🔑 café"},
		{"\x1b[2J", `\x1b[2J`},
		{"\x1b]0;title\a", `\x1b]0;title\x07`},
		{"\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", `\x1b]8;;https://evil.example\x1b\click\x1b]8;;\x1b\`},
		{"a\rb\nc\td", `a\x0db\x0ac\x09d`},
		{"del\x7f", `del\x7f`},
		{"\u0085c1", `\u0085c1`},
		{"admin\u202etxt.exe", `admin\u202etxt.exe`},
		{"\u2066iso\u2069 \u200b\u200f\u061c\ufeff", `\u2066iso\u2069 \u200b\u200f\u061c\ufeff`},
		{"\u2028\u2029", `\u2028\u2029`},
		{"tag\U000E0041", `tag\U000e0041`},
		{"bad \xff\xfe utf8", `bad \xff\xfe utf8`},
		{"half \xe2\x80", `half \xe2\x80`},
		// Backslashes stay as they are unless they would read as an escape.
		{`C:\Windows\system32`, `C:\Windows\system32`},
		{`\x1b`, `\\x1b`},
		{`\u202e`, `\\u202e`},
		{`\\`, `\\\`},
		{"\\\x1b", `\\\x1b`},
		{`trailing\`, `trailing\`},
	} {
		if got := Safe(c.in); got != c.want {
			t.Errorf("Safe(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// unsafeDecode inverts Safe: tests use it to show that different inputs
// print differently.
func unsafeDecode(t *testing.T, s string) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		n := 0
		switch s[i+1] {
		case '\\':
			b.WriteByte('\\')
			i++
			continue
		case 'x':
			n = 2
		case 'u':
			n = 4
		case 'U':
			n = 8
		default:
			b.WriteByte('\\')
			continue
		}
		if i+2+n > len(s) {
			t.Fatalf("truncated escape in %q", s)
		}
		v, err := strconv.ParseUint(s[i+2:i+2+n], 16, 32)
		if err != nil {
			t.Fatalf("bad escape in %q: %v", s, err)
		}
		if n == 2 {
			b.WriteByte(byte(v))
		} else {
			b.WriteRune(rune(v))
		}
		i += 1 + n
	}
	return b.String()
}

// checkSafe asserts what every Safe output must be: valid UTF-8 with no
// control, format or separator rune, and decodable back to the input.
func checkSafe(t *testing.T, in string) {
	out := Safe(in)
	if !utf8.ValidString(out) {
		t.Fatalf("Safe(%q) = %q is not UTF-8", in, out)
	}
	for _, r := range out {
		if unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp) {
			t.Fatalf("Safe(%q) = %q holds %U", in, out, r)
		}
	}
	if back := unsafeDecode(t, out); back != in {
		t.Fatalf("Safe(%q) = %q decodes to %q: two inputs would print alike", in, out, back)
	}
	// SafeError: as inert, and the same as Safe but for backslashes.
	e := SafeError(errors.New(in))
	for _, r := range e {
		if unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp) {
			t.Fatalf("SafeError(%q) = %q holds %U", in, e, r)
		}
	}
	if !strings.Contains(in, `\`) && e != out {
		t.Fatalf("SafeError(%q) = %q, Safe gives %q", in, e, out)
	}
	if SafeError(errors.New(e)) != e {
		t.Fatalf("SafeError is not idempotent on %q: %q", in, e)
	}
}

func TestSafeProperties(t *testing.T) {
	var all strings.Builder
	for r := rune(0); r < 0x3000; r++ {
		all.WriteRune(r)
	}
	for _, in := range []string{all.String(), "\\\\\\x", "\\\xff", "\\\u202e", "\\\U000E0001x"} {
		checkSafe(t, in)
	}
}

func FuzzSafe(f *testing.F) {
	for _, s := range []string{"", "ok", "\x1b[31mred", "\u202e", `\x1b`, "\\\x1b", "\xff", "é\u0085"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) { checkSafe(t, in) })
}

func BenchmarkSafePlain(b *testing.B) {
	s := "5096568cc6652b5ad36358427f1bd60c Leaky bot https://meta.wikimedia.org"
	for b.Loop() {
		_ = Safe(s)
	}
}
