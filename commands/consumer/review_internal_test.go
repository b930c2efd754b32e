package consumer

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/mediawiki"
	"github.com/mwoauth/mwoauth/review"
)

func TestParseDays(t *testing.T) {
	for in, want := range map[string]float64{"180d": 180 * 24, "1.5d": 36, "4320h": 4320, " 1d ": 24, "86400": 24} {
		d, err := parseDays(in)
		if err != nil || d.Hours() != want {
			t.Errorf("parseDays(%q) = %v, %v; want %vh", in, d, err, want)
		}
	}
	for _, bad := range []string{"", "0d", "-3d", "d", "26w", "soon", "-1h", "999999999d", "0.1s"} {
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

// Differential: the streamed audit JSON is byte for byte what WriteJSON of
// the whole report prints, with findings, without, and with strings JSON
// must escape.
func TestAuditJSONStreamsAsWriteJSON(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	p := review.DefaultPolicy(now)
	p.Dormant = 24 * time.Hour
	mk := func(id int64, name string, grants ...string) review.Assessment {
		c := &mediawiki.Consumer{ID: id, Key: fmt.Sprintf("%032x", id), Name: name, Version: "1", OwnerID: 3, OwnerName: "Dev",
			Grants: append([]string{"basic"}, grants...), Stage: mediawiki.StageApproved, StageTimestamp: "20250101000000",
			OAuthVersion: 2, CallbackURL: "https://x/<cb>&"}
		return review.Approved(p, c, review.Owner{State: &mediawiki.UserState{CentralID: 3, Name: "Dev\u202e", Groups: []string{}}},
			&mediawiki.ConsumerActivity{Acceptances: 1, LatestAcceptance: "20250102000000", Tokens: 2, LatestTokenExpiry: "infinity"})
	}
	for _, found := range [][]review.Assessment{
		nil,
		{mk(1, "A\x1b[2J", "editsiteconfig")},
		{mk(1, "A", "editsiteconfig"), mk(2, "B \u2028", "delete"), mk(3, "C")},
	} {
		sum := auditSummary{JudgedAt: rfc3339(now), Audited: 7, WithFindings: len(found), Highest: mediawiki.RiskSecurity, DormantDays: 1, FailOn: "security", Failed: true}
		rep := auditReport{auditSummary: sum, Consumers: []auditItem{}}
		for _, a := range found {
			rep.Consumers = append(rep.Consumers, auditItemOf(a, now))
		}
		var whole, streamed bytes.Buffer
		if err := cmdutil.WriteJSON(&whole, rep); err != nil {
			t.Fatal(err)
		}
		if err := writeAuditJSON(&streamed, sum, found, now); err != nil {
			t.Fatal(err)
		}
		if whole.String() != streamed.String() {
			t.Errorf("streamed JSON differs:\n%s\nwant:\n%s", streamed.String(), whole.String())
		}
	}
}
