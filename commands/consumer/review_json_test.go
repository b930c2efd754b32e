package consumer

import (
	"reflect"
	"regexp"
	"testing"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
)

// The JSON of "consumer review" and "consumer audit" is snake_case and
// every member is named in the command's Long help.
func TestReviewAuditJSONFieldsDocumented(t *testing.T) {
	snake := regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
	ios, _, _, _ := cmdutil.Test()
	f := cmdutil.NewFactory(ios)
	for _, tc := range []struct {
		long string
		typ  reflect.Type
	}{
		{newCmdReview(f, nil).Long, reflect.TypeOf(reviewItem{})},
		{newCmdAudit(f, nil).Long, reflect.TypeOf(auditReport{})},
	} {
		names := jsonNames(tc.typ)
		if len(names) < 10 {
			t.Fatalf("%v: only %d JSON fields found", tc.typ, len(names))
		}
		for _, n := range names {
			if !snake.MatchString(n) {
				t.Errorf("%v: JSON field %q is not snake_case", tc.typ, n)
			}
			if !regexp.MustCompile(`\b` + n + `\b`).MatchString(tc.long) {
				t.Errorf("%v: JSON field %q is not named in the Long help", tc.typ, n)
			}
		}
	}
}

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
