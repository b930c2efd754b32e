// Package loggen writes synthetic web and application logs full of OAuth 2
// bearer tokens, for testing and benchmarking "mwoauth token scan". The
// tokens look like MediaWiki's (RS256, claim order aud, jti, iat, nbf, exp,
// sub, iss, scopes; times with microseconds) and come in known kinds: valid,
// expiring during the log, expired, not yet valid, forged (signed with
// another key), revoked or unknown to the wiki (only visible with the
// database the generator can also write), of a disabled consumer, and
// malformed. Noise lines, binary lines and over-long lines are mixed in.
//
// Everything is derived from the seed, and the generator counts what it
// wrote, so a scan's summary can be compared with the truth. The expected
// verdicts are computed here from the kinds and times the generator chose,
// not from the tokens' bytes; time is judged by the one time rule
// (verdict.Times.Class) that verify and the scanner use, so a change to that
// rule changes the truth and the scan alike.
package loggen

import (
	"bufio"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mwoauth/mwoauth/jwtutil"
	"github.com/mwoauth/mwoauth/verdict"
)

// Kind is how a generated token should be judged.
type Kind int

// Token kinds.
const (
	Valid     Kind = iota // valid for the whole log and at its end
	Expiring              // valid at the start, expires during the log
	Expired               // expired before the log starts
	Future                // nbf/iat after the log's end
	Forged                // signed with the forger's key
	Revoked               // oaat_revoked = 1 in the database
	NoRow                 // no oauth2_access_tokens row
	Disabled              // its consumer is disabled in the database
	Malformed             // not a JWT at all, or a broken one
	numKinds
)

var kindNames = [...]string{"valid", "expiring", "expired", "future", "forged", "revoked", "no-row", "disabled", "malformed"}

func (k Kind) String() string { return kindNames[k] }

// DefaultMix is the share of each kind among distinct tokens (per mille).
var DefaultMix = [numKinds]int{Valid: 500, Expiring: 150, Expired: 110, Future: 20, Forged: 80, Revoked: 60, NoRow: 20, Disabled: 30, Malformed: 30}

// Config says what to write.
type Config struct {
	Lines int    // lines to write
	Seed  uint64 // everything derives from it
	// Tokens is the number of distinct tokens; 0 means TokenLines/Repeat.
	Tokens int
	// Repeat is the average number of uses per token when Tokens is 0 (default 100).
	Repeat int
	// Start is the first line's time; the log spans Duration (default 2h).
	Start    time.Time
	Duration time.Duration
	// TokenShare is the per-mille of lines carrying tokens (default 700).
	TokenShare int
	// JSONShare is the per-mille of lines written as JSON (default 300).
	JSONShare int
	// Binary and TooLong are how many binary lines and over-long lines
	// (over 1 MiB, a token inside) to mix in.
	Binary, TooLong int
	// Mix overrides DefaultMix when any entry is set.
	Mix [numKinds]int
	// Unique makes every token line use a new token (as long as there are
	// unused ones): the "every token once" benchmark.
	Unique bool
	// Key signs real tokens (the wiki's $wgOAuth2PrivateKey); Forger signs forged ones.
	Key, Forger *rsa.PrivateKey
	// Issuer is the iss claim (default http://127.0.0.1:8089, the fixture wiki).
	Issuer string
}

// TimeRegex matches the time of every line the generator writes: the
// bracketed common-log time and the JSON "time" member.
const TimeRegex = `(?:\[|"time":")([^\]"]+)`

// DefaultStart is when generated logs begin: the day the fixture wiki's
// tokens were issued.
var DefaultStart = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

// Consumer is a generated OAuth 2 client.
type Consumer struct {
	ID       int64
	Key      string
	Name     string
	Disabled bool
}

// Token is one generated distinct token.
type Token struct {
	Kind     Kind
	Text     string
	JTI      string
	Consumer int // index into Consumers
	IAT, NBF time.Time
	EXP      time.Time
	Uses     int
}

// Counts is what a scan should report in one mode.
type Counts struct {
	TokensByVerdict map[string]int   `json:"tokens_by_verdict"`
	UsesByVerdict   map[string]int64 `json:"uses_by_verdict"`
}

// Expect is the truth about a generated log, written as JSON next to it.
type Expect struct {
	Seed            uint64 `json:"seed"`
	Lines           int64  `json:"lines"`
	Bytes           int64  `json:"bytes"`
	LinesWithTokens int64  `json:"lines_with_tokens"`
	SkippedBinary   int64  `json:"skipped_binary"`
	SkippedTooLong  int64  `json:"skipped_too_long"`
	Occurrences     int64  `json:"occurrences"`
	UniqueTokens    int    `json:"unique_tokens"`
	// JudgedAt is the --at to scan with: Start+Duration, just after the last line.
	JudgedAt  string `json:"judged_at"`
	TimeRegex string `json:"time_regex"`
	TimeField string `json:"time_field_json_lines"`
	// Modes: "at" (every use at JudgedAt), "per-line" (--time-regex), each
	// without and with the generated database ("+db").
	Modes map[string]*Counts `json:"modes"`
	// Kinds counts distinct tokens by how they were made.
	Kinds map[string]int `json:"kinds"`
}

// Generated is everything a run made: the expectation plus the consumers
// and tokens, so a database can be written for them.
type Generated struct {
	Expect    *Expect
	Consumers []Consumer
	Tokens    []*Token
}

// Verdict classes are jwtutil's, in its order of fundamentality.
const (
	cOK          = int(jwtutil.ClassOK)
	cMalformed   = int(jwtutil.ClassMalformed)
	cSignature   = int(jwtutil.ClassSignature)
	cExpired     = int(jwtutil.ClassExpired)
	cNotYetValid = int(jwtutil.ClassNotYetValid)
	cWikiState   = int(jwtutil.ClassWikiState)
	nClass       = int(jwtutil.ClassWikiState) + 1
)

var classNames = func() (n [nClass]string) {
	for c := range n {
		n[c] = jwtutil.Class(c).String()
	}
	return n
}()

// Generate writes the log to w.
func Generate(w io.Writer, cfg Config) (*Generated, error) {
	if cfg.Lines <= 0 {
		return nil, fmt.Errorf("lines must be positive")
	}
	if cfg.Key == nil || cfg.Forger == nil {
		return nil, fmt.Errorf("a signing key and a forger key are required")
	}
	if cfg.Start.IsZero() {
		cfg.Start = DefaultStart
	}
	if cfg.Duration <= 0 {
		cfg.Duration = 2 * time.Hour
	}
	if cfg.TokenShare <= 0 {
		cfg.TokenShare = 700
	}
	if cfg.JSONShare < 0 {
		cfg.JSONShare = 0
	} else if cfg.JSONShare == 0 {
		cfg.JSONShare = 300
	}
	if cfg.Repeat <= 0 {
		cfg.Repeat = 100
	}
	if cfg.Issuer == "" {
		cfg.Issuer = "http://127.0.0.1:8089"
	}
	mix := cfg.Mix
	if mix == ([numKinds]int{}) {
		mix = DefaultMix
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))

	// Plan which lines carry tokens, so the token count can follow from it.
	special := cfg.Binary + cfg.TooLong
	if special > cfg.Lines {
		return nil, fmt.Errorf("more binary/over-long lines than lines")
	}
	g := &gen{cfg: cfg, rng: rng}
	g.plan(mix, special)
	g.makeConsumers()
	g.makeTokens(mix)
	if err := g.signAll(); err != nil {
		return nil, err
	}
	if err := g.write(w); err != nil {
		return nil, err
	}
	return &Generated{Expect: g.expect(), Consumers: g.consumers, Tokens: g.used()}, nil
}

type gen struct {
	cfg       Config
	rng       *rand.Rand
	nTokens   int
	consumers []Consumer
	tokens    []*Token
	end       time.Time // Start+Duration: when the log is judged in "at" mode

	lines, bytes, withTokens, binary, tooLong, occurrences int64
	// uses[mode][class]; tokens judged per mode at the end.
	perLineUses [2][nClass]int64 // [db][class]
	perToken    []*[2][nClass]int64
}

func (g *gen) plan(mix [numKinds]int, special int) {
	tokenLines := (g.cfg.Lines - special) * g.cfg.TokenShare / 1000
	n := g.cfg.Tokens
	if n <= 0 {
		n = max(1, tokenLines/g.cfg.Repeat)
	}
	g.nTokens = n
	g.end = g.cfg.Start.Add(g.cfg.Duration)
}

// lineTime is line i's (0-based) time: lines are spread evenly over
// [Start, Start+Duration), and the log is judged at Start+Duration.
func (g *gen) lineTime(i int) time.Time {
	d, n, k := int64(g.cfg.Duration), int64(g.cfg.Lines), int64(i)
	return g.cfg.Start.Add(time.Duration(d/n*k + d%n*k/n)) // no overflow at 10 M lines
}

func (g *gen) makeConsumers() {
	n := 6
	for i := 0; i < n; i++ {
		g.consumers = append(g.consumers, Consumer{
			ID:       int64(100 + i),
			Key:      g.hex(16),
			Name:     fmt.Sprintf("Loggen App %d", i+1),
			Disabled: i == n-1, // the last one was disabled after a leak
		})
	}
}

func (g *gen) hex(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(g.rng.Uint32())
	}
	return hex.EncodeToString(b)
}

func (g *gen) makeTokens(mix [numKinds]int) {
	total := 0
	for _, m := range mix {
		total += m
	}
	start, end := g.cfg.Start, g.end
	span := end.Sub(start)
	for i := 0; i < g.nTokens; i++ {
		// Deterministic kind quotas: the i-th token's kind by cumulative share.
		k := Kind(0)
		acc, pick := 0, (i*total+total/2)/g.nTokens
		for kk, m := range mix {
			acc += m
			if pick < acc {
				k = Kind(kk)
				break
			}
		}
		if g.nTokens < int(numKinds) && mix == DefaultMix { // tiny logs: still show variety
			k = Kind(i % int(numKinds))
		}
		t := &Token{Kind: k, JTI: g.hex(40), Consumer: g.rng.IntN(len(g.consumers) - 1)}
		life := 4 * time.Hour // WMF's $wgOAuth2GrantExpirationInterval
		var iat time.Time
		switch k {
		case Valid, Forged, Revoked, NoRow, Disabled, Malformed:
			// Issued before the log starts, expires after it ends.
			if life-span-time.Minute <= 0 { // logs longer than a token's life
				life = span + 2*time.Hour
			}
			iat = start.Add(-time.Duration(g.rng.Int64N(int64(life - span - time.Minute))))
		case Expiring:
			exp := start.Add(time.Minute + time.Duration(g.rng.Int64N(int64(span-2*time.Minute))))
			iat = exp.Add(-life)
		case Expired:
			iat = start.Add(-life - time.Minute - time.Duration(g.rng.Int64N(int64(3*time.Hour))))
		case Future:
			iat = end.Add(time.Hour + time.Duration(g.rng.Int64N(int64(time.Hour))))
		}
		if k == Disabled {
			t.Consumer = len(g.consumers) - 1
		}
		iat = iat.Truncate(time.Microsecond).Add(time.Duration(g.rng.IntN(999999)+1) * time.Microsecond)
		t.IAT, t.NBF, t.EXP = iat, iat.Add(2*time.Microsecond), iat.Add(life).Add(-1700*time.Microsecond)
		g.tokens = append(g.tokens, t)
	}
	g.perToken = make([]*[2][nClass]int64, len(g.tokens))
	for i := range g.perToken {
		g.perToken[i] = &[2][nClass]int64{}
	}
}

// payload writes MediaWiki's claim order with PHP's float times.
func (g *gen) payload(t *Token) []byte {
	c := g.consumers[t.Consumer]
	sub := "mw:CentralAuth::" + strconv.FormatInt(SubjectID(t), 10)
	b := make([]byte, 0, 400)
	b = append(b, `{"aud":"`...)
	b = append(b, c.Key...)
	b = append(b, `","jti":"`...)
	b = append(b, t.JTI...)
	b = append(b, `","iat":`...)
	b = append(b, phpTime(t.IAT)...)
	b = append(b, `,"nbf":`...)
	b = append(b, phpTime(t.NBF)...)
	b = append(b, `,"exp":`...)
	b = append(b, phpTime(t.EXP)...)
	b = append(b, `,"sub":"`...)
	b = append(b, sub...)
	b = append(b, `","iss":"`...)
	b = append(b, g.cfg.Issuer...)
	b = append(b, `","scopes":["basic","highvolume","editpage"]}`...)
	return b
}

// SubjectID is the central user id a token's sub names (one of 97 users,
// 1000..1096, whom the generated database holds).
func SubjectID(t *Token) int64 { return 1000 + int64(t.JTI[0])%97 }

// phpTime renders seconds with microseconds, trailing zeros dropped, as
// PHP's json_encode prints MediaWiki's float NumericDates.
func phpTime(t time.Time) string {
	s := strconv.FormatInt(t.Unix(), 10)
	us := t.Nanosecond() / 1000
	if us == 0 {
		return s
	}
	frac := fmt.Sprintf("%06d", us)
	for frac[len(frac)-1] == '0' {
		frac = frac[:len(frac)-1]
	}
	return s + "." + frac
}

const header = `{"typ":"JWT","alg":"RS256"}`

// signAll signs every token, in parallel (RSA signing dominates generation).
func (g *gen) signAll() error {
	b64 := base64.RawURLEncoding
	h := b64.EncodeToString([]byte(header))
	type job struct {
		t    *Token
		body string
		key  *rsa.PrivateKey
	}
	jobs := make(chan job)
	var wg sync.WaitGroup
	var firstErr error
	var mu sync.Mutex
	for i := 0; i < runtime.GOMAXPROCS(0); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				sum := sha256.Sum256([]byte(j.body))
				sig, err := rsa.SignPKCS1v15(nil, j.key, crypto.SHA256, sum[:])
				if err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					continue
				}
				j.t.Text = j.body + "." + b64.EncodeToString(sig)
			}
		}()
	}
	for i, t := range g.tokens {
		if t.Kind == Malformed {
			t.Text = g.malformed(i, h, t)
			continue
		}
		body := h + "." + b64.EncodeToString(g.payload(t))
		key := g.cfg.Key
		if t.Kind == Forged {
			key = g.cfg.Forger
		}
		jobs <- job{t, body, key}
	}
	close(jobs)
	wg.Wait()
	return firstErr
}

// malformed makes broken candidates of several shapes. Each is found by
// the scanner's extractor (as a bare JWT shape or after "Bearer ") and
// refused by the parser.
func (g *gen) malformed(i int, h string, t *Token) string {
	b64 := base64.RawURLEncoding
	switch i % 4 {
	case 0: // payload is not JSON
		return h + "." + b64.EncodeToString([]byte("not json "+t.JTI)) + ".c2ln"
	case 1: // header is not JSON (a truncated header)
		return "eyJ0eXAiOiJKV1QiLCJhbGci." + b64.EncodeToString(g.payload(t)) + ".c2ln"
	case 2: // opaque garbage after Bearer (MediaWiki tokens are always JWTs)
		return "not-a-jwt-" + t.JTI[:24]
	default: // two segments only
		return h + "." + b64.EncodeToString(g.payload(t))
	}
}

// bareShape reports whether a malformed token is only found after
// "Bearer " (not a bare JWT shape), so it must be written in that context.
func bareShape(t *Token) bool {
	dots := 0
	for i := 0; i < len(t.Text); i++ {
		if t.Text[i] == '.' {
			dots++
		}
	}
	return dots == 2
}

// useClass is the verdict of one use at time now, with or without the
// wiki's database.
func useClass(t *Token, c Consumer, now time.Time, withDB bool) int {
	switch t.Kind {
	case Malformed:
		return cMalformed
	case Forged:
		return cSignature
	}
	// The one time rule (verdict.Times.Class) on the times the generator
	// chose, at zero leeway.
	times := verdict.Times{IAT: jwtutil.Date(t.IAT), NBF: jwtutil.Date(t.NBF), EXP: jwtutil.Date(t.EXP), HasIAT: true, HasNBF: true, HasEXP: true}
	switch times.Class(jwtutil.Date(now), 0) {
	case jwtutil.ClassExpired:
		return cExpired
	case jwtutil.ClassNotYetValid:
		return cNotYetValid
	}
	if withDB && (t.Kind == Revoked || t.Kind == NoRow || c.Disabled) {
		return cWikiState
	}
	return cOK
}

var (
	methods = []string{"GET", "GET", "GET", "POST"}
	paths   = []string{"/w/api.php?action=query&meta=userinfo&format=json", "/w/rest.php/oauth2/resource/profile",
		"/w/api.php?action=edit&format=json", "/w/rest.php/v1/page/Main_Page", "/wiki/Special:Random"}
	agents = []string{"curl/8.5.0", "python-requests/2.31.0", "Pywikibot/9.2 (Loggen)", "Mozilla/5.0 (X11; Linux x86_64)"}
)

func (g *gen) write(out io.Writer) error {
	bw := bufio.NewWriterSize(out, 1<<20)
	cw := &countWriter{w: bw}
	n := g.cfg.Lines
	// Place binary and over-long lines at fixed, seed-chosen positions.
	special := map[int]byte{}
	for len(special) < g.cfg.Binary {
		special[g.rng.IntN(n)] = 'b'
	}
	for c := 0; c < g.cfg.TooLong; {
		i := g.rng.IntN(n)
		if _, taken := special[i]; !taken {
			special[i] = 'l'
			c++
		}
	}
	// Every token is used at least once, the rest of the token lines pick
	// tokens at random; token lines are spread at random over the log.
	pending := make([]int, len(g.tokens))
	for i := range pending {
		pending[i] = i
	}
	g.rng.Shuffle(len(pending), func(i, j int) { pending[i], pending[j] = pending[j], pending[i] })
	line := make([]byte, 0, 4096)
	for i := 0; i < n; i++ {
		now := g.lineTime(i)
		line = line[:0]
		switch special[i] {
		case 'b':
			line = g.binaryLine(line)
			g.binary++
		case 'l':
			line = g.longLine(line, now)
			g.tooLong++
		default:
			hasToken := g.rng.IntN(1000) < g.cfg.TokenShare || len(pending) >= n-i
			if !hasToken {
				line = g.noiseLine(line, now)
				break
			}
			var ti []int
			pick := func() int {
				if len(pending) > 0 && (g.cfg.Unique || g.rng.IntN(4) == 0 || len(pending) >= n-i) {
					k := pending[len(pending)-1]
					pending = pending[:len(pending)-1]
					return k
				}
				return g.rng.IntN(len(g.tokens))
			}
			ti = append(ti, pick())
			if !g.cfg.Unique && g.rng.IntN(50) == 0 { // a second token on the same line
				ti = append(ti, pick())
			}
			jsonLine := g.rng.IntN(1000) < g.cfg.JSONShare
			var written time.Time
			line, written = g.tokenLine(line, now, ti, jsonLine)
			g.withTokens++
			for _, k := range ti {
				t := g.tokens[k]
				t.Uses++
				g.occurrences++
				for db := 0; db < 2; db++ {
					c := useClass(t, g.consumers[t.Consumer], written, db == 1)
					g.perToken[k][db][c]++
					g.perLineUses[db][c]++
				}
			}
		}
		line = append(line, '\n')
		if _, err := cw.Write(line); err != nil {
			return err
		}
		g.lines++
	}
	g.bytes = cw.n
	return bw.Flush()
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func (g *gen) ip(b []byte) []byte {
	// Documentation addresses (RFC 5737): never a real host.
	b = append(b, "192.0.2."...)
	return strconv.AppendInt(b, int64(g.rng.IntN(254)+1), 10)
}

// clf is a time as nginx's $time_local prints it (whole seconds).
func clf(b []byte, t time.Time) []byte { return t.AppendFormat(b, "02/Jan/2006:15:04:05 -0700") }

func (g *gen) noiseLine(b []byte, now time.Time) []byte {
	b = g.ip(b)
	b = append(b, " - - ["...)
	b = clf(b, now)
	b = append(b, `] "`...)
	b = append(b, methods[g.rng.IntN(len(methods))]...)
	b = append(b, ' ')
	b = append(b, paths[g.rng.IntN(len(paths))]...)
	b = g.responseTail(b)
	b = append(b, `-"`...)
	return b
}

// responseTail writes what follows the request in a combined-log line: the
// protocol, status, size, referrer and user agent, up to the opening quote
// of the last field (the Authorization header, or "-").
func (g *gen) responseTail(b []byte) []byte {
	b = append(b, ` HTTP/1.1" 200 `...)
	b = strconv.AppendInt(b, int64(200+g.rng.IntN(20000)), 10)
	b = append(b, ` "-" "`...)
	b = append(b, agents[g.rng.IntN(len(agents))]...)
	return append(b, `" "`...)
}

// tokenLine writes one line carrying the given tokens and returns the
// line's time as written (whole seconds in access-log lines, milliseconds
// in JSON lines): that is the time a scan reads back.
func (g *gen) tokenLine(b []byte, now time.Time, ti []int, jsonLine bool) ([]byte, time.Time) {
	if jsonLine {
		written := now.Truncate(time.Millisecond)
		b = append(b, `{"time":"`...)
		b = written.AppendFormat(b, "2006-01-02T15:04:05.000Z07:00")
		b = append(b, `","level":"info","channel":"oauth","msg":"bearer request","client_ip":"`...)
		b = g.ip(b)
		b = append(b, `","authorization":"Bearer `...)
		b = append(b, g.tokens[ti[0]].Text...)
		b = append(b, '"')
		for _, k := range ti[1:] {
			b = append(b, `,"access_token":"`...)
			b = append(b, g.tokens[k].Text...)
			b = append(b, '"')
		}
		b = append(b, `,"status":200}`...)
		return b, written
	}
	written := now.Truncate(time.Second)
	b = g.ip(b)
	b = append(b, " - - ["...)
	b = clf(b, written)
	b = append(b, `] "`...)
	first := g.tokens[ti[0]]
	inQuery := g.rng.IntN(3) == 0 && bareShape(first)
	if inQuery {
		b = append(b, `GET /w/api.php?action=query&format=json&access_token=`...)
		b = append(b, first.Text...)
	} else {
		b = append(b, methods[g.rng.IntN(len(methods))]...)
		b = append(b, ' ')
		b = append(b, paths[g.rng.IntN(len(paths))]...)
	}
	b = g.responseTail(b)
	if !inQuery {
		// nginx log_format with $http_authorization
		b = append(b, "Bearer "...)
		b = append(b, first.Text...)
	} else {
		b = append(b, '-')
	}
	b = append(b, '"')
	for _, k := range ti[1:] {
		b = append(b, ` "Bearer `...)
		b = append(b, g.tokens[k].Text...)
		b = append(b, '"')
	}
	return b, written
}

// binaryLine is random bytes with a NUL and a token inside: the scanner
// must skip it whole.
func (g *gen) binaryLine(b []byte) []byte {
	for i := 0; i < 40+g.rng.IntN(80); i++ {
		c := byte(g.rng.Uint32())
		if c == '\n' {
			c = 0
		}
		b = append(b, c)
	}
	b = append(b, 0, ' ')
	b = append(b, g.tokens[g.rng.IntN(len(g.tokens))].Text...)
	return b
}

// longLine is an access-log line with a token and over 1 MiB of junk query
// string: the scanner counts and skips it.
func (g *gen) longLine(b []byte, now time.Time) []byte {
	b = g.noiseLine(b, now)
	b = append(b, ` "Bearer `...)
	b = append(b, g.tokens[g.rng.IntN(len(g.tokens))].Text...)
	b = append(b, `" `...)
	for i := 0; i < (1<<20)+1000; i++ {
		b = append(b, 'a'+byte(i%26))
	}
	return b
}

// used returns the tokens that made it into the log.
func (g *gen) used() []*Token {
	var out []*Token
	for _, t := range g.tokens {
		if t.Uses > 0 {
			out = append(out, t)
		}
	}
	return out
}

func (g *gen) expect() *Expect {
	e := &Expect{
		Seed: g.cfg.Seed, Lines: g.lines, Bytes: g.bytes, LinesWithTokens: g.withTokens,
		SkippedBinary: g.binary, SkippedTooLong: g.tooLong, Occurrences: g.occurrences,
		JudgedAt:  g.end.UTC().Format(time.RFC3339Nano),
		TimeRegex: TimeRegex, TimeField: "time",
		Modes: map[string]*Counts{}, Kinds: map[string]int{},
	}
	for db := 0; db < 2; db++ {
		suffix := []string{"", "+db"}[db]
		at := newCounts()
		per := newCounts()
		for i, t := range g.tokens {
			if t.Uses == 0 {
				continue
			}
			c := useClass(t, g.consumers[t.Consumer], g.end, db == 1)
			at.TokensByVerdict[classNames[c]]++
			at.UsesByVerdict[classNames[c]] += int64(t.Uses)
			// Per line: the most fundamental failure among the token's uses.
			worst := cOK
			for cl := 1; cl < nClass; cl++ {
				if g.perToken[i][db][cl] > 0 {
					worst = cl
					break
				}
			}
			per.TokensByVerdict[classNames[worst]]++
		}
		for c := 0; c < nClass; c++ {
			per.UsesByVerdict[classNames[c]] = g.perLineUses[db][c]
		}
		e.Modes["at"+suffix] = at
		e.Modes["per-line"+suffix] = per
	}
	for _, t := range g.tokens {
		if t.Uses > 0 {
			e.UniqueTokens++
			e.Kinds[t.Kind.String()]++
		}
	}
	return e
}

func newCounts() *Counts {
	c := &Counts{TokensByVerdict: map[string]int{}, UsesByVerdict: map[string]int64{}}
	for _, n := range classNames {
		c.TokensByVerdict[n] = 0
		c.UsesByVerdict[n] = 0
	}
	return c
}

// ParseMix reads "valid=900,forged=100" (per mille; kinds not named get 0).
func ParseMix(spec string) ([numKinds]int, error) {
	var mix [numKinds]int
	for _, part := range strings.Split(spec, ",") {
		name, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		n, err := strconv.Atoi(val)
		if !ok || err != nil || n < 0 {
			return mix, fmt.Errorf("mix %q: want kind=permille, comma-separated", part)
		}
		found := false
		for k, kn := range kindNames {
			if kn == name {
				mix[k], found = n, true
			}
		}
		if !found {
			return mix, fmt.Errorf("mix: unknown kind %q (have %s)", name, strings.Join(kindNames[:], ", "))
		}
	}
	return mix, nil
}
