package logscan

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mwoauth/mwoauth/db"
	"github.com/mwoauth/mwoauth/internal/fixtures"
	"github.com/mwoauth/mwoauth/internal/loggen"
	"github.com/mwoauth/mwoauth/jwtutil"
	"github.com/mwoauth/mwoauth/jwtutil/keys"
	"github.com/mwoauth/mwoauth/mediawiki"
	"github.com/mwoauth/mwoauth/verdict"
	"github.com/mwoauth/mwoauth/wikistate"
)

type keySet struct {
	priv, forger *rsa.PrivateKey
	pub          *rsa.PublicKey
}

var (
	keysOnce sync.Once
	testKeys keySet
)

func loadKeys(t testing.TB) keySet {
	keysOnce.Do(func() {
		read := fixtures.Key
		var err error
		if testKeys.priv, err = keys.ParsePrivateKey(read("oauth2-private.pem")); err != nil {
			t.Fatal(err)
		}
		if testKeys.forger, err = keys.ParsePrivateKey(read("other-private.pem")); err != nil {
			t.Fatal(err)
		}
		if testKeys.pub, err = keys.ParsePublicKey(read("oauth2-public.pem")); err != nil {
			t.Fatal(err)
		}
	})
	return testKeys
}

// generated is one log shared by the tests (signing is the slow part).
type generated struct {
	log    []byte
	g      *loggen.Generated
	dbPath string
}

var (
	genOnce sync.Once
	gen     generated
)

func testLog(t *testing.T) generated {
	t.Helper()
	genOnce.Do(func() {
		k := loadKeys(t)
		var buf bytes.Buffer
		g, err := loggen.Generate(&buf, loggen.Config{Lines: 20000, Seed: 7, Key: k.priv, Forger: k.forger, Binary: 5, TooLong: 2})
		if err != nil {
			t.Fatal(err)
		}
		dir, err := os.MkdirTemp("", "scan-test-")
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "wiki.sqlite")
		if err := loggen.WriteSQLite(context.Background(), path, g); err != nil {
			t.Fatal(err)
		}
		gen = generated{log: buf.Bytes(), g: g, dbPath: path}
	})
	if gen.g == nil {
		t.Fatal("generation failed earlier")
	}
	return gen
}

// flood is a log of distinct tokens, an incident's: every line a token
// of its own, 60 % valid, 20 % forged, 20 % expired.
var (
	floodOnce sync.Once
	flood     generated
)

func floodLog(t testing.TB) generated {
	t.Helper()
	floodOnce.Do(func() {
		k := loadKeys(t)
		var buf bytes.Buffer
		g, err := loggen.Generate(&buf, loggen.Config{Lines: 2000, Tokens: 2000, Unique: true, TokenShare: 1000, Seed: 12, Mix: loggen.IncidentMix, Key: k.priv, Forger: k.forger})
		if err != nil {
			t.Fatal(err)
		}
		flood = generated{log: buf.Bytes(), g: g}
	})
	if flood.g == nil {
		t.Fatal("generation failed earlier")
	}
	return flood
}

func TestMain(m *testing.M) {
	code := m.Run()
	if gen.dbPath != "" {
		os.RemoveAll(filepath.Dir(gen.dbPath))
	}
	os.Exit(code)
}

// collected is a Report read whole: the summary with its consumers and
// every per-token line.
type collected struct {
	Summary Summary
	Tokens  []TokenReport
}

func collect(t testing.TB, rep *Report) *collected {
	t.Helper()
	defer rep.Close()
	c := &collected{Summary: rep.Summary}
	c.Summary.Consumers = []ConsumerSummary{}
	if err := rep.EachToken(func(tr *TokenReport) error { c.Tokens = append(c.Tokens, *tr); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := rep.EachConsumer(func(cs *ConsumerSummary) error { c.Summary.Consumers = append(c.Summary.Consumers, *cs); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(c.Summary.Consumers) != rep.NumConsumers {
		t.Fatalf("NumConsumers %d, EachConsumer gave %d", rep.NumConsumers, len(c.Summary.Consumers))
	}
	return c
}

func runScan(t testing.TB, o Options, inputs map[string][]byte, order ...string) *collected {
	t.Helper()
	return collect(t, scanReport(t, o, inputs, order...))
}

// scanReport feeds the inputs in order to one scan and finishes it.
func scanReport(t testing.TB, o Options, inputs map[string][]byte, order ...string) *Report {
	t.Helper()
	s := New(o)
	for _, name := range order {
		if err := s.Feed(context.Background(), name, bytes.NewReader(inputs[name])); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := s.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func summaryMap(t *testing.T, s Summary) map[string]any {
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestScanMatchesGenerator is the acceptance check on a small log:
// every count the scan reports equals what the generator wrote, in all four
// modes (judged at one instant or per line, with and without the database).
func TestScanMatchesGenerator(t *testing.T) {
	g := testLog(t)
	k := loadKeys(t)
	at, err := time.Parse(time.RFC3339Nano, g.g.Expect.JudgedAt)
	if err != nil {
		t.Fatal(err)
	}
	regex, err := NewTimeSource("", g.g.Expect.TimeRegex)
	if err != nil {
		t.Fatal(err)
	}
	st, err := db.Open(context.Background(), "sqlite:"+g.dbPath, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, mode := range []string{"at", "per-line", "at+db", "per-line+db"} {
		t.Run(mode, func(t *testing.T) {
			o := Options{Output: OutputTokens, Verify: verdict.Options{Keys: []*rsa.PublicKey{k.pub}}, At: at}
			if strings.HasPrefix(mode, "per-line") {
				o.Times = regex
			}
			if strings.HasSuffix(mode, "+db") {
				o.Wiki = st
			}
			rep := runScan(t, o, map[string][]byte{"access.log": g.log}, "access.log")
			for _, d := range loggen.Compare(g.g.Expect, mode, summaryMap(t, rep.Summary)) {
				t.Error(d)
			}
			if len(rep.Tokens) != g.g.Expect.UniqueTokens {
				t.Errorf("%d token lines, want %d", len(rep.Tokens), g.g.Expect.UniqueTokens)
			}
			var uses int64
			for _, tr := range rep.Tokens {
				uses += tr.Count
				if tr.Token != "" {
					t.Fatalf("token text in the report without KeepTokens")
				}
			}
			if uses != g.g.Expect.Occurrences {
				t.Errorf("per-token counts add up to %d, want %d", uses, g.g.Expect.Occurrences)
			}
			if rep.Summary.Valid {
				t.Error("a log with forged tokens reported valid")
			}
			// The text report asks for the summary alone: the same
			// summary, without the per-token lines.
			o.Output = OutputSummary
			only := runScan(t, o, map[string][]byte{"access.log": g.log}, "access.log")
			if len(only.Tokens) != 0 {
				t.Errorf("OutputSummary: %d token lines", len(only.Tokens))
			}
			ja, _ := json.Marshal(rep.Summary)
			jb, _ := json.Marshal(only.Summary)
			if !bytes.Equal(ja, jb) {
				t.Errorf("OutputSummary changes the summary:\n%s\n%s", ja, jb)
			}
		})
	}
}

// TestScanHoldsNoTokenText: a scan keeps a key per distinct token, not the
// token, unless the report is to show tokens.
func TestScanHoldsNoTokenText(t *testing.T) {
	g := testLog(t)
	k := loadKeys(t)
	at, _ := time.Parse(time.RFC3339Nano, g.g.Expect.JudgedAt)
	for _, keep := range []bool{false, true} {
		s := New(Options{Output: OutputTokens, Verify: verdict.Options{Keys: []*rsa.PublicKey{k.pub}}, At: at, KeepTokens: keep})
		if err := s.Feed(context.Background(), "access.log", bytes.NewReader(g.log)); err != nil {
			t.Fatal(err)
		}
		rep, err := s.Finish()
		if err != nil {
			t.Fatal(err)
		}
		held := 0
		for _, r := range rep.ordered.items {
			if r.text != "" {
				held++
			}
		}
		c := collect(t, rep)
		oversize := 0
		for _, tr := range c.Tokens {
			if tr.Verdict == jwtutil.ClassMalformed && tr.Token == "" {
				oversize++
			}
		}
		switch {
		case !keep && held != 0:
			t.Errorf("%d token texts held without KeepTokens", held)
		case keep && held != c.Summary.UniqueTokens-oversize:
			t.Errorf("KeepTokens: %d texts held for %d tokens", held, c.Summary.UniqueTokens)
		}
	}
}

// TestTokenKey: equal text, equal key; any change, another key; a new
// scan, new keys; the SHA-256 fallback behaves the same.
func TestTokenKey(t *testing.T) {
	tok := []byte(fixtureToken(t, "15-tokenA-cc.jwt"))
	secret := newSecret()
	a, b := newKeyer(secret), newKeyer(secret)
	fallback := &keyer{}
	for _, k := range []*keyer{a, fallback} {
		seen := map[tokenKey]int{}
		seen[k.key(tok)] = -1
		for i := range tok {
			v := bytes.Clone(tok)
			v[i] ^= 1
			if j, dup := seen[k.key(v)]; dup {
				t.Fatalf("byte %d flipped: same key as %d", i, j)
			}
			seen[k.key(v)] = i
		}
		if _, dup := seen[k.key(tok[:len(tok)-1])]; dup {
			t.Fatal("a truncated token shares a key")
		}
	}
	if a.key(tok) != b.key(tok) {
		t.Error("two workers of one scan give one token different keys")
	}
	if newKeyer(newSecret()).key(tok) == a.key(tok) {
		t.Error("two scans share keys: the secret is not random")
	}
	if a.gmac == nil {
		t.Error("GMAC unavailable: the sha256 fallback is in use")
	}
	if n := testing.AllocsPerRun(100, func() { a.key(tok) }); n != 0 {
		t.Errorf("key allocates %.0f times", n)
	}
}

func gzipped(t testing.TB, b []byte) []byte {
	t.Helper()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return gz.Bytes()
}

// TestScanDeterministic: worker count, gzip and chunking do not change the report.
func TestScanDeterministic(t *testing.T) {
	g := testLog(t)
	k := loadKeys(t)
	regex, _ := NewTimeSource("", loggen.TimeRegex)
	at, _ := time.Parse(time.RFC3339Nano, g.g.Expect.JudgedAt)
	base := Options{Output: OutputTokens, Verify: verdict.Options{Keys: []*rsa.PublicKey{k.pub}}, At: at, Times: regex}
	o1 := base
	o1.Workers = 1
	o4 := base
	o4.Workers = 4
	a := runScan(t, o1, map[string][]byte{"access.log": g.log}, "access.log")
	b := runScan(t, o4, map[string][]byte{"access.log": gzipped(t, g.log)}, "access.log")
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		t.Errorf("1 worker on plain text and 4 workers on gzip disagree")
	}
}

// TestScanPositions checks first/last seen, counts and ids on a small
// hand-written input over two files.
func TestScanPositions(t *testing.T) {
	k := loadKeys(t)
	tokA := fixtureToken(t, "15-tokenA-cc.jwt")
	forged := fixtureToken(t, "crafted/bad-signature-bitflip.jwt")
	one := strings.Join([]string{
		"nothing here",
		`{"time":"2026-11-22T09:30:00Z","authorization":"Bearer ` + tokA + `"}`,
		`{"time":"2026-11-22T10:30:00Z","authorization":"Bearer ` + tokA + `"}`, // after exp (10:07:55)
		`{"time":"2026-11-22T09:31:00Z","note":"Authorization: Bearer not-a-jwt"}`,
		"binary \x00 " + tokA,
		`{"authorization":"Bearer ` + forged + `"}`, // no time: judged at At
	}, "\n") // no trailing newline
	two := `{"time":"2026-11-22T09:40:00Z","access_token":"` + tokA + `"}` + "\n"
	ts, _ := NewTimeSource("time", "")
	at := time.Date(2026, 11, 22, 9, 45, 0, 0, time.UTC)
	rep := runScan(t, Options{Output: OutputTokens, Verify: verdict.Options{Keys: []*rsa.PublicKey{k.pub}}, At: at, Times: ts, KeepTokens: true},
		map[string][]byte{"one.log": []byte(one), "two.log": []byte(two)}, "one.log", "two.log")
	s := rep.Summary
	if s.Lines != 7 || s.SkippedBinary != 1 || s.LinesWithTokens != 5 || s.Occurrences != 5 || s.UniqueTokens != 3 || s.LinesWithoutTime != 1 {
		t.Errorf("summary counts: %+v", s)
	}
	if len(rep.Tokens) != 3 {
		t.Fatalf("tokens: %+v", rep.Tokens)
	}
	a := rep.Tokens[0]
	sum := sha256.Sum256([]byte(tokA))
	if a.ID != hex.EncodeToString(sum[:])[:12] || a.Token != tokA {
		t.Errorf("id %s, token kept %v", a.ID, a.Token == tokA)
	}
	if a.Count != 3 || a.FirstSeen.File != "one.log" || a.FirstSeen.Line != 2 || a.LastSeen.File != "two.log" || a.LastSeen.Line != 1 {
		t.Errorf("token A seen: %+v", a)
	}
	if a.FirstSeen.Time != "2026-11-22T09:30:00Z" || a.LastSeen.Time != "2026-11-22T09:40:00Z" {
		t.Errorf("token A times: first %s last %s", a.FirstSeen.Time, a.LastSeen.Time)
	}
	if a.Verdict != jwtutil.ClassExpired || a.Uses["ok"] != 2 || a.Uses["expired"] != 1 {
		t.Errorf("token A verdict %v uses %v", a.Verdict, a.Uses)
	}
	if a.JTI == "" || a.Aud != "5096568cc6652b5ad36358427f1bd60c" {
		t.Errorf("token A claims: %+v", a)
	}
	m := rep.Tokens[1]
	if m.Verdict != jwtutil.ClassMalformed || m.FirstSeen.Line != 4 || m.Token != "not-a-jwt" {
		t.Errorf("malformed: %+v", m)
	}
	f := rep.Tokens[2]
	if f.Verdict != jwtutil.ClassSignature || f.Uses["signature"] != 1 || f.FirstSeen.Time != "" {
		t.Errorf("forged: %+v", f)
	}
	if s.TokensByVerdict["expired"] != 1 || s.UsesByVerdict["ok"] != 2 || s.UsesByVerdict["expired"] != 1 {
		t.Errorf("by verdict: %v %v", s.TokensByVerdict, s.UsesByVerdict)
	}
	if len(s.Consumers) == 0 || s.Consumers[0].Aud != "5096568cc6652b5ad36358427f1bd60c" || s.Consumers[0].Uses != 4 {
		t.Errorf("consumers: %+v", s.Consumers)
	}
}

// TestScanHugeLine feeds a line far over the buffer size (the reader skips
// it whole) and one just over MaxLine (a worker skips it).
func TestScanHugeLine(t *testing.T) {
	k := loadKeys(t)
	tok := fixtureToken(t, "15-tokenA-cc.jwt")
	var in bytes.Buffer
	in.WriteString("Bearer " + tok + "\n")
	in.WriteString("Bearer " + tok + " " + strings.Repeat("x", 3*bufSize) + "\n")
	in.WriteString("Bearer " + tok + " " + strings.Repeat("y", MaxLine) + "\n")
	in.WriteString("Bearer " + tok + "\n")
	at := time.Date(2026, 11, 22, 9, 45, 0, 0, time.UTC)
	rep := runScan(t, Options{Output: OutputTokens, Verify: verdict.Options{Keys: []*rsa.PublicKey{k.pub}}, At: at},
		map[string][]byte{"big": in.Bytes()}, "big")
	s := rep.Summary
	if s.Lines != 4 || s.SkippedTooLong != 2 || s.Occurrences != 2 || !s.Valid {
		t.Errorf("summary: %+v", s)
	}
	if rep.Tokens[0].FirstSeen.Line != 1 || rep.Tokens[0].LastSeen.Line != 4 {
		t.Errorf("positions: %+v", rep.Tokens[0])
	}
}

// TestOwnerOnlyTokenPerLineTimes: the real owner-only token (exp year
// 3026) used on lines dated from 2026 to 2999 is valid at every use; an
// int64-nanosecond time (which ends in 2262) once made it "expired".
func TestOwnerOnlyTokenPerLineTimes(t *testing.T) {
	k := loadKeys(t)
	tok := fixtureToken(t, "07-tokenB-owner-only-registration.jwt")
	var log bytes.Buffer
	for _, at := range []string{"2026-11-22T10:00:00Z", "2100-01-01T00:00:00Z", "2262-04-12T00:00:00Z", "2500-06-01T12:00:00Z", "2999-12-31T23:59:59Z", "33000000000"} {
		fmt.Fprintf(&log, "[%s] GET /w/api.php Authorization: Bearer %s\n", at, tok)
	}
	times, err := NewTimeSource("", `\[([^\]]+)\]`)
	if err != nil {
		t.Fatal(err)
	}
	rep := runScan(t, Options{Output: OutputTokens, Verify: verdict.Options{Keys: []*rsa.PublicKey{k.pub}}, At: loggen.DefaultStart, Times: times},
		map[string][]byte{"owner-only.log": log.Bytes()}, "owner-only.log")
	if len(rep.Tokens) != 1 || rep.Tokens[0].Verdict != jwtutil.ClassOK || rep.Tokens[0].Uses["ok"] != 6 || !rep.Summary.Valid {
		t.Fatalf("owner-only token judged %+v", rep.Tokens)
	}
	// At its exp and after, it is expired; before, valid.
	log.Reset()
	fmt.Fprintf(&log, "[3026-11-22T09:07:29Z] Bearer %s\n[3026-11-22T09:07:30Z] Bearer %s\n", tok, tok)
	rep = runScan(t, Options{Output: OutputTokens, Verify: verdict.Options{Keys: []*rsa.PublicKey{k.pub}}, At: loggen.DefaultStart, Times: times},
		map[string][]byte{"late.log": log.Bytes()}, "late.log")
	if u := rep.Tokens[0].Uses; u["ok"] != 1 || u["expired"] != 1 {
		t.Errorf("uses around exp: %v", u)
	}
}

// TestFastJudgeAgrees: whenever the fast path judges a token, verdict's
// full judgement says the same: the class at At, the time-independent
// class, every failing check's detail, MediaWiki's verdict and who the
// request runs as, the claims, the times and the id. The fast path judges
// valid, forged, expired, not-yet-valid and wrong-audience or -issuer
// tokens alike, with and without leeway.
func TestFastJudgeAgrees(t *testing.T) {
	g, f := testLog(t), floodLog(t)
	k := loadKeys(t)
	var toks []string
	for _, tk := range append(append([]*loggen.Token{}, g.g.Tokens...), f.g.Tokens[:300]...) {
		toks = append(toks, tk.Text)
	}
	for _, name := range []string{"15-tokenA-cc.jwt", "16-tokenB-cc.jwt", "07-tokenB-owner-only-registration.jwt",
		"crafted/alg-none.jwt", "crafted/bad-signature-bitflip.jwt", "crafted/expired-resigned.jwt"} {
		toks = append(toks, fixtureToken(t, name))
	}
	jwks := []keys.JWK{{Kid: "x", Alg: "RS256", Key: k.pub}}
	type variant struct {
		name string
		o    Options
	}
	var variants []variant
	for _, at := range []time.Time{loggen.DefaultStart, loggen.DefaultStart.Add(time.Hour), loggen.DefaultStart.Add(2 * time.Hour), time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)} {
		for _, vo := range []verdict.Options{
			{Keys: []*rsa.PublicKey{k.pub}},
			{Keys: []*rsa.PublicKey{k.pub}, Leeway: 90 * time.Second},
			{Keys: []*rsa.PublicKey{k.pub}, Leeway: 3 * time.Hour},
			{JWKS: jwks},
			{Keys: []*rsa.PublicKey{k.pub, k.forger.Public().(*rsa.PublicKey)}},
			{Keys: []*rsa.PublicKey{k.pub}, Issuer: "http://127.0.0.1:8089"},
			{Keys: []*rsa.PublicKey{k.pub}, Issuer: "https://meta.wikimedia.org"},
			{Keys: []*rsa.PublicKey{k.pub}, Audience: "5096568cc6652b5ad36358427f1bd60c"},
			{Keys: []*rsa.PublicKey{k.pub}, MediaWiki: mediawiki.V1_43},
		} {
			variants = append(variants, variant{fmt.Sprintf("%s %+v", at.Format(time.RFC3339), vo), Options{Verify: vo, At: at, Output: OutputTokens}})
		}
	}
	judged := map[jwtutil.Class]int{}
	for _, v := range variants {
		fast := New(v.o)
		slow := New(v.o)
		slow.fast = nil
		if fast.fast == nil {
			t.Fatal("fast path not enabled for RS256 keys")
		}
		for _, tok := range toks {
			a := &entry{}
			if !fast.fastJudge(a, []byte(tok), nil) {
				continue
			}
			judged[a.info.atClass]++
			b := &entry{}
			slow.judge(context.Background(), b, []byte(tok), nil)
			ai, bi := &a.info, &b.info
			if ai.atClass != bi.atClass || ai.static != bi.static {
				t.Errorf("%s: fast path %v (static %v), verdict %v (static %v): %s", v.name, ai.atClass, ai.static, bi.atClass, bi.static, bi.detail(bi.atClass))
				continue
			}
			for c := 0; c < nClasses; c++ {
				if da, db := ai.detail(jwtutil.Class(c)), bi.detail(jwtutil.Class(c)); da != db {
					t.Errorf("%s: %s detail: fast %q, verdict %q", v.name, jwtutil.Class(c), da, db)
				}
			}
			ma, _ := json.Marshal(fast.mediaWikiRef(ai))
			mb, _ := json.Marshal(slow.mediaWikiRef(bi))
			if !bytes.Equal(ma, mb) {
				t.Errorf("%s: MediaWiki: fast %s, verdict %s", v.name, ma, mb)
			}
			if ai.jti != bi.jti || ai.aud != bi.aud || ai.sub != bi.sub || ai.times != bi.times || ai.digest != bi.digest {
				t.Errorf("%s: claims differ: fast %+v, verdict %+v", v.name, ai, bi)
			}
		}
	}
	for _, c := range []jwtutil.Class{jwtutil.ClassOK, jwtutil.ClassSignature, jwtutil.ClassExpired, jwtutil.ClassNotYetValid, jwtutil.ClassClaims} {
		if judged[c] < 10 {
			t.Errorf("the fast path judged only %d %s tokens: %v", judged[c], c, judged)
		}
	}
	// Shapes the fast path must leave to jwtutil.
	for _, payload := range []string{`{"aud":["a"],"exp":1}`, `{"exp":"1795342075"}`, `{"jti":"a\u0062"}`, `{"a\u0075d":"x"}`, `{"exp":1,"exp":2}`, `{"a":1,}`, `{"a":[1,2}`, `{"":1}`, "{\"x\":\"\xff\"}", `{"x":"\ud800"}`, `{"exp":1e400}`, `{"grant_type":"client_credentials"}`, `{"grant_type":"client_\u0063redentials"}`} {
		var c claimSet
		if readClaims([]byte(payload), &c, 5) {
			t.Errorf("readClaims accepted %s", payload)
		}
	}
	var c claimSet
	if !readClaims([]byte(`{"grant_type":"authorization_code","exp":1}`), new(claimSet), 5) {
		t.Error("readClaims refused an authorization_code token")
	}
	if !readClaims([]byte(`{"aud":"a","ratelimit":{"requests_per_unit":5000,"unit":"HOUR"},"scopes":["basic"],"x":null,"y":true,"z":-1.5e3,"w":"a\"b","v":"é","exp":1e9}`), &c, 5) || c.aud != (field{8, 9}) || !c.times.HasEXP || c.times.EXP.Sec != 1e9 {
		t.Error("readClaims refused a valid MediaWiki-like payload")
	}
}

// TestScanAgreesWithVerify: for every token the generator makes (a log's
// and an incident's: valid, forged, expired, revoked, unknown, of a
// disabled consumer) and the real and crafted fixture tokens (a
// list-valued aud among them), with and without the database, for master
// and 1.43, and with a subject scope, a wiki id and $wgOAuthStaticApps,
// the scan's report line says what token verify says: the class,
// MediaWiki's verdict and reason, who the request runs as, and the
// consumer key.
func TestScanAgreesWithVerify(t *testing.T) {
	g := testLog(t)
	k := loadKeys(t)
	at, _ := time.Parse(time.RFC3339Nano, g.g.Expect.JudgedAt)
	log := bytes.NewBuffer(append([]byte(nil), g.log...))
	listAud := jwtutil.SignRS256(base64.RawURLEncoding.EncodeToString([]byte(`{"typ":"JWT","alg":"RS256"}`)),
		[]byte(`{"aud":["`+g.g.Consumers[0].Key+`","other"],"jti":"`+g.g.Tokens[0].JTI+`","iat":1795338475,"exp":1895342075,"sub":"mw:CentralAuth::1001","scopes":["basic"]}`), k.priv)
	for _, tok := range []string{listAud, fixtureToken(t, "15-tokenA-cc.jwt"), fixtureToken(t, "07-tokenB-owner-only-registration.jwt"),
		fixtureToken(t, "crafted/alg-none.jwt"), fixtureToken(t, "crafted/bad-signature-bitflip.jwt")} {
		fmt.Fprintf(log, "GET /w/api.php Authorization: Bearer %s\n", tok)
	}
	// An incident's tokens too (valid, forged, expired: the fast path
	// judges them without a database, verdict.Verify with one).
	for _, tk := range floodLog(t).g.Tokens[:150] {
		fmt.Fprintf(log, "GET /w/api.php Authorization: Bearer %s\n", tk.Text)
	}
	st, err := db.Open(context.Background(), "sqlite:"+g.dbPath, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	type wiki struct {
		scope, id string
		static    []string
	}
	for _, withDB := range []bool{false, true} {
		for _, ver := range []mediawiki.Version{mediawiki.Master, mediawiki.V1_43} {
			for _, w := range []wiki{{}, {scope: "CentralAuth:", id: "metawiki"}, {scope: "local:otherwiki", static: []string{g.g.Consumers[0].Key}}} {
				vo := verdict.Options{MediaWiki: ver, Keys: []*rsa.PublicKey{k.pub}, SubjectScope: w.scope, WikiID: w.id, StaticApps: w.static}
				o := Options{Output: OutputTokens, Verify: vo, At: at, KeepTokens: true}
				if withDB {
					o.Wiki = st
				}
				rep := runScan(t, o, map[string][]byte{"access.log": log.Bytes()}, "access.log")
				checked := 0
				for _, tr := range rep.Tokens {
					tok, err := jwtutil.Parse(tr.Token)
					if err != nil {
						if tr.Verdict != jwtutil.ClassMalformed {
							t.Errorf("%s: unparseable token judged %s", tr.ID, tr.Verdict)
						}
						continue
					}
					v := vo
					v.Now = at
					if withDB {
						if v.WikiState, err = wikistate.Lookup(context.Background(), st, tok); err != nil {
							t.Fatal(err)
						}
					}
					r := verdict.Verify(tok, v)
					mw := tr.MediaWiki
					switch {
					case r.Class != tr.Verdict:
						t.Errorf("db=%v %s %s: verify %s, scan %s (%s)", withDB, ver, tr.ID, r.Class, tr.Verdict, tr.Detail)
					case mw == nil:
						t.Errorf("db=%v %s %s: no MediaWiki verdict in the report", withDB, ver, tr.ID)
					case fmt.Sprint(*r.MediaWiki.Accepted) != fmt.Sprint(*mw.Accepted) || r.MediaWiki.Reason != mw.Reason:
						t.Errorf("db=%v %s %s: MediaWiki verify %v %q, scan %v %q", withDB, ver, tr.ID, *r.MediaWiki.Accepted, r.MediaWiki.Reason, *mw.Accepted, mw.Reason)
					case userText(r.MediaWiki.User) != userText(mw.User):
						t.Errorf("db=%v %s %s: user verify %s, scan %s", withDB, ver, tr.ID, userText(r.MediaWiki.User), userText(mw.User))
					case mediawiki.ConsumerKey(tok) != tr.Aud:
						t.Errorf("db=%v %s %s: consumer key %q, scan %q", withDB, ver, tr.ID, mediawiki.ConsumerKey(tok), tr.Aud)
					}
					checked++
				}
				if checked < 100 {
					t.Errorf("db=%v %s: only %d tokens compared", withDB, ver, checked)
				}
			}
		}
	}
}

func userText(u *mediawiki.RequestUser) string {
	if u == nil {
		return "<none>"
	}
	id := "-"
	if u.CentralID != nil {
		id = fmt.Sprint(*u.CentralID)
	}
	return fmt.Sprintf("anon=%v id=%s source=%s", u.Anonymous, id, u.Source)
}
