package token

import (
	"strings"
	"testing"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"256MiB": 256 << 20, "1GiB": 1 << 30, "512M": 512 << 20, "512m": 512 << 20, "1.5G": 3 << 29, "2g": 2 << 30,
		"100MB": 100e6, "4096": 4096, " 64 KiB ": 64 << 10, "1T": 1 << 40, "3kB": 3000, "7b": 7,
	} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MiB", "1 parsec", "-1G", "1e3M", "..5M", "99999999999T", "NaN"} {
		if got, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) = %d, want an error", in, got)
		}
	}
	if d := defaultMemoryLimit(); d < minMemoryLimit || d > 1<<30 {
		t.Errorf("default limit %d", d)
	}
	if s := humanSize(256 << 20); s != "256 MiB" {
		t.Errorf("humanSize: %s", s)
	}
}

// FuzzParseSize: any input gives a size or an error, never a panic, and a
// size is never negative.
func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"256MiB", "1.5G", "0", "9e99", "1\x00G", strings.Repeat("9", 400)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, err := parseSize(s); err == nil && n < 0 {
			t.Fatalf("parseSize(%q) = %d", s, n)
		}
	})
}
