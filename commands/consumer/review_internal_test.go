package consumer

import (
	"testing"
)

func TestParseDays(t *testing.T) {
	for in, want := range map[string]float64{"180d": 180 * 24, "26w": 26 * 7 * 24, "4320h": 4320, " 1d ": 24} {
		d, err := parseDays(in)
		if err != nil || d.Hours() != want {
			t.Errorf("parseDays(%q) = %v, %v; want %vh", in, d, err, want)
		}
	}
	for _, bad := range []string{"", "0d", "-3d", "d", "1.5d", "soon", "-1h", "999999999d"} {
		if _, err := parseDays(bad); err == nil {
			t.Errorf("parseDays(%q) accepted", bad)
		}
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"sqlite:./mwoauth-sandbox/wiki.sqlite":  "sqlite:./mwoauth-sandbox/wiki.sqlite",
		"mysql:root@unix(/run/mysqld.sock)/x":   "'mysql:root@unix(/run/mysqld.sock)/x'",
		"it's":                                  `'it'\''s'`,
		"":                                      "''",
		"Low risk in review (grants: editpage)": "'Low risk in review (grants: editpage)'",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
