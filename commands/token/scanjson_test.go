package token

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/jwtutil"
	"github.com/mwoauth/mwoauth/jwtutil/keys"
	"github.com/mwoauth/mwoauth/logscan"
	"github.com/mwoauth/mwoauth/mediawiki"
	"github.com/mwoauth/mwoauth/verdict"
)

// summaryJSON is the summary line as encoding/json would write it from
// structs: what writeSummaryLine must reproduce byte for byte.
type summaryJSON struct {
	logscan.Summary
	MediaWiki string          `json:"mediawiki_version"`
	Database  json.RawMessage `json:"database_consulted,omitempty"`
}

// reflectJSON is a report written by cmdutil.WriteJSONLine, one value at a
// time: the reference for the hand-written encoder.
func reflectJSON(t *testing.T, rep *logscan.Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := rep.EachToken(func(tr *logscan.TokenReport) error {
		v := *tr
		v.ExitCode = cmdutil.ClassExitCode(v.Verdict)
		return cmdutil.WriteJSONLine(&buf, v)
	}); err != nil {
		t.Fatal(err)
	}
	s := summaryJSON{Summary: rep.Summary, MediaWiki: rep.Meta.MediaWiki, Database: rep.Meta.DatabaseConsulted}
	s.Consumers = []logscan.ConsumerSummary{}
	if err := rep.EachConsumer(func(c *logscan.ConsumerSummary) error { s.Consumers = append(s.Consumers, *c); return nil }); err != nil {
		t.Fatal(err)
	}
	s.Verdicts = append([]logscan.VerdictSummary{}, s.Verdicts...)
	for i := range s.Verdicts {
		s.Verdicts[i].ExitCode = cmdutil.ClassExitCode(s.Verdicts[i].Verdict)
	}
	if err := cmdutil.WriteJSONLine(&buf, map[string]any{"summary": s}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestScanJSONMatchesWriteJSON: the hand-written per-token and summary
// lines are what WriteJSONLine makes of the same structs, for the real
// wiki's tokens (valid, forged, per-line times, a database note with
// characters HTML escaping and terminal escaping would change).
func TestScanJSONMatchesWriteJSON(t *testing.T) {
	pub, err := keys.ParsePublicKey([]byte(readFixture(t, "keys/oauth2-public.pem")))
	if err != nil {
		t.Fatal(err)
	}
	log := scanLog(t) + "Authorization: Bearer not-a-jwt-but-<long>&enough\u202e\n"
	times, _ := logscan.NewTimeSource("", `\[([^\]]+)\]|"time":"([^"]+)"`)
	for _, o := range []logscan.Options{
		{Verify: verdict.Options{Keys: []*rsa.PublicKey{pub}}, At: pinned},
		{Verify: verdict.Options{Keys: []*rsa.PublicKey{pub}, MediaWiki: mediawiki.V1_43}, At: pinned, Times: times, KeepTokens: true,
			DatabaseConsulted: []byte(`{"dsn":"sqlite:a&b<c>.sqlite","engine":"sqlite"}`), DatabaseText: "sqlite:a&b"},
	} {
		o.Output = logscan.OutputTokens
		sc := logscan.New(o)
		if err := sc.Feed(context.Background(), "a\u202e<b>.log", strings.NewReader(log)); err != nil {
			t.Fatal(err)
		}
		rep, err := sc.Finish()
		if err != nil {
			t.Fatal(err)
		}
		want := reflectJSON(t, rep)
		var got bytes.Buffer
		if err := writeScanJSON(&got, rep); err != nil {
			t.Fatal(err)
		}
		rep.Close()
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("hand-written JSON differs:\n got %s\nwant %s", got.Bytes(), want)
		}
	}
}

// FuzzScanJSONLine: whatever the strings in a report line, the hand-written
// encoder writes what WriteJSONLine writes.
func FuzzScanJSONLine(f *testing.F) {
	f.Add("3f2a9c0d1e4b", "jti", "aud", "mw:CentralAuth::3", "token expired", "access.log", "2026-11-22T10:00:00Z", "name", "note", int64(3), true)
	f.Add("", "\x00\x1b[31m", "\u202e", "\xff\xfe", "<&>", "a\"b\\c", "\u2028", "\t\n", "", int64(-1), false)
	f.Fuzz(func(t *testing.T, id, jti, aud, sub, detail, file, tm, name, note string, n int64, flag bool) {
		id2 := n * 7
		tr := logscan.TokenReport{ID: id, JTI: jti, Aud: aud, Sub: sub, Verdict: jwtutil.Class(uint64(n) % 7), Detail: detail, Count: n,
			FirstSeen: logscan.Seen{File: file, Line: n, Time: tm}, LastSeen: logscan.Seen{File: name, Line: -n},
			Uses: map[string]int64{detail: n, sub: 1},
			WikiView: logscan.WikiView{
				MediaWiki: &logscan.MediaWikiRef{Accepted: &flag, Reason: note, User: &mediawiki.RequestUser{Anonymous: flag, CentralID: &id2, Name: &name, Source: sub, Note: note}},
				TokenRow:  &logscan.TokenRowRef{Found: flag, Revoked: !flag, AcceptanceID: n},
				Consumer:  &logscan.ConsumerRef{Found: flag, Name: name, Stage: int(n % 9), StageName: note}},
			Token: jti + aud}
		if flag {
			tr.MediaWiki.Accepted, tr.MediaWiki.User.CentralID, tr.MediaWiki.User.Name, tr.Uses = nil, nil, nil, nil
		}
		var want bytes.Buffer
		v := tr
		v.ExitCode = cmdutil.ClassExitCode(v.Verdict)
		if err := cmdutil.WriteJSONLine(&want, v); err != nil {
			t.Fatal(err)
		}
		if got := appendTokenLine(nil, &tr); !bytes.Equal(got, want.Bytes()) {
			t.Errorf("token line:\n got %s\nwant %s", got, want.Bytes())
		}
		cs := logscan.ConsumerSummary{Aud: aud, Consumer: tr.Consumer, Tokens: int(n), Uses: n, TokensByVerdict: map[string]int{jti: 1},
			UsesByVerdict: map[string]int64{sub: n}, FirstSeen: tr.FirstSeen, LastSeen: tr.LastSeen}
		want.Reset()
		if err := cmdutil.WriteJSONLine(&want, cs); err != nil {
			t.Fatal(err)
		}
		if got := append(appendConsumerSummary(nil, &cs), '\n'); !bytes.Equal(got, want.Bytes()) {
			t.Errorf("consumer:\n got %s\nwant %s", got, want.Bytes())
		}
	})
}
