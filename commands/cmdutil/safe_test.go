package cmdutil

import (
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestSafe(t *testing.T) {
	for in, want := range map[string]string{
		"Admin":               "Admin",
		"Ünïcødé 名前":          "Ünïcødé 名前",
		"\x1b[31mred":         `\x1b[31mred`,
		"a\u202eb":            `a\u202eb`,
		"bell\a\r\n\t":        `bell\x07\x0d\x0a\x09`,
		"\xff\xfe":            `\xff\xfe`,
		"\u0085next":          `\x85next`,
		`C:\x1b`:              `C:\\x1b`,
		`path\to`:             `path\to`,
		"\u200bzero\ufeff":    `\u200bzero\ufeff`,
		"\x1b]8;;http://x\a":  `\x1b]8;;http://x\x07`,
		"line\u2028separator": `line\u2028separator`,
	} {
		if got := Safe(in); got != want {
			t.Errorf("Safe(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzSafe(f *testing.F) {
	for _, s := range []string{"plain", "\x1b[0m", "\u202e", `\x1b`, "\xff", "a\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Safe(s)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of %q", s)
		}
		for _, r := range out {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029' {
				t.Fatalf("Safe(%q) = %q keeps %U", s, out, r)
			}
		}
		if s2 := s + "\x1b"; Safe(s2) == out {
			t.Fatalf("%q and %q render the same", s, s2)
		}
	})
}
