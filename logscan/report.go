package logscan

import (
	"context"
	"encoding/json"
	"io"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/mwoauth/mwoauth/jwtutil"
	"github.com/mwoauth/mwoauth/mediawiki"
)

// Classes lists every verdict in order, for reports that show zeros too.
func Classes() []jwtutil.Class {
	out := make([]jwtutil.Class, nClasses)
	for i := range out {
		out[i] = jwtutil.Class(i)
	}
	return out
}

// Seen is where (and, with per-line times, when) a token was seen.
type Seen struct {
	File string `json:"file"`
	Line int64  `json:"line"`
	Time string `json:"time,omitempty"` // RFC 3339 UTC; only with --time-field/--time-regex
}

// ConsumerRef is the database's view of a token's consumer.
type ConsumerRef struct {
	Found     bool   `json:"found"`
	Name      string `json:"name,omitempty"`
	Stage     int    `json:"stage"`
	StageName string `json:"stage_name,omitempty"`
}

// TokenReport is one distinct token (one JSON line of --output json).
type TokenReport struct {
	ID        string           `json:"id"` // first 12 hex digits of the token's digest (sha256(token) by default)
	JTI       string           `json:"jti"`
	Aud       string           `json:"aud"`
	Sub       string           `json:"sub"`
	Verdict   jwtutil.Class    `json:"verdict"`
	ExitCode  int              `json:"exit_code"` // set by the command (cmdutil.ClassExitCode)
	Detail    string           `json:"detail,omitempty"`
	Count     int64            `json:"count"`
	FirstSeen Seen             `json:"first_seen"`
	LastSeen  Seen             `json:"last_seen"`
	Uses      map[string]int64 `json:"uses,omitempty"` // per verdict; only with per-line times
	WikiView
	Token string `json:"token,omitempty"` // only with --show-tokens
}

// WikiView is what the wiki makes of a token: MediaWiki's verdict and,
// when the scan consulted a database, the jti's row and the token's
// consumer. A token's record holds one, and its spill, partial and report
// forms carry the same three members.
type WikiView struct {
	MediaWiki *MediaWikiRef `json:"mediawiki,omitempty"`
	TokenRow  *TokenRowRef  `json:"token_row,omitempty"`
	Consumer  *ConsumerRef  `json:"consumer,omitempty"`
}

// size is about what the view takes in memory.
func (v *WikiView) size() int64 {
	var n int64
	if v.MediaWiki != nil {
		n += 64 + int64(len(v.MediaWiki.Reason))
		if v.MediaWiki.User != nil {
			n += 96
		}
	}
	if v.TokenRow != nil {
		n += 24
	}
	if v.Consumer != nil {
		n += 64 + int64(len(v.Consumer.Name))
	}
	return n
}

// TokenRowRef is the jti's oauth2_access_tokens row as the database has it.
type TokenRowRef struct {
	Found        bool  `json:"found"`
	Revoked      bool  `json:"revoked"`
	AcceptanceID int64 `json:"acceptance_id"`
}

// VerdictSummary is one line of the by-verdict table.
type VerdictSummary struct {
	Verdict   jwtutil.Class `json:"verdict"`
	ExitCode  int           `json:"exit_code"` // set by the command (cmdutil.ClassExitCode)
	Tokens    int           `json:"tokens"`
	Uses      int64         `json:"uses"`
	FirstSeen *Seen         `json:"first_seen"`
	LastSeen  *Seen         `json:"last_seen"`
}

// ConsumerSummary groups tokens by aud (the consumer key).
type ConsumerSummary struct {
	Aud             string           `json:"aud"`
	Consumer        *ConsumerRef     `json:"consumer,omitempty"`
	Tokens          int              `json:"tokens"`
	Uses            int64            `json:"uses"`
	TokensByVerdict map[string]int   `json:"tokens_by_verdict"`
	UsesByVerdict   map[string]int64 `json:"uses_by_verdict"`
	FirstSeen       Seen             `json:"first_seen"`
	LastSeen        Seen             `json:"last_seen"`
}

// Summary is the last JSON line ({"summary": …}) and the text report.
type Summary struct {
	Files []string `json:"files"`
	LineCounts
	UniqueTokens    int              `json:"unique_tokens"`
	Valid           bool             `json:"valid"`
	JudgedAt        string           `json:"judged_at"`
	TimeSource      string           `json:"time_source"`
	Database        bool             `json:"database"`
	TokensByVerdict map[string]int   `json:"tokens_by_verdict"`
	UsesByVerdict   map[string]int64 `json:"uses_by_verdict"`
	Verdicts        []VerdictSummary `json:"verdicts"`
	// Consumers is the by-consumer table, most uses first. A Report
	// streams it (EachConsumer) and leaves this nil: a log of forged
	// tokens may name as many consumers as tokens.
	Consumers []ConsumerSummary `json:"consumers"`
}

// MediaWikiRef is MediaWiki's verdict in a token's report line: the same
// accepted, reason and user as token verify's verdicts.mediawiki.
type MediaWikiRef struct {
	Accepted *bool                  `json:"accepted"`
	Reason   string                 `json:"reason"`
	User     *mediawiki.RequestUser `json:"user,omitempty"`
}

// Output says what a scan or merge is for: it decides what the state
// keeps per token (nothing but the tally and the consumer for a summary).
type Output int

const (
	// OutputSummary is the text report: totals, verdicts, consumers.
	OutputSummary Output = iota
	// OutputTokens adds a report line per distinct token (--output json).
	OutputTokens
	// OutputPartial is the state itself, for "token scan merge".
	OutputPartial
)

// Meta is how a report was made: the settings every partial of one merge
// must share (they judge alike), and what the summary says about them.
type Meta struct {
	JudgedAt   string     `json:"judged_at"`
	TimeSource string     `json:"time_source"`
	Database   bool       `json:"database"`
	MediaWiki  string     `json:"mediawiki_version"`
	IDs        string     `json:"ids"` // "sha256", or "hmac-sha256:" + a check of the key
	Verify     VerifyMeta `json:"verify"`
	// DatabaseConsulted and DatabaseText say which database was read, as
	// the command words it (JSON and text); never a password.
	DatabaseConsulted json.RawMessage `json:"database_consulted,omitempty"`
	DatabaseText      string          `json:"database_text,omitempty"`
}

// VerifyMeta is the verification settings, keys by fingerprint.
type VerifyMeta struct {
	Algs         []string `json:"algs"`
	Keys         []string `json:"keys"` // SHA-256 fingerprints of the public keys and JWKS keys
	Secret       bool     `json:"secret"`
	Issuer       string   `json:"issuer"`
	Audience     string   `json:"audience"`
	Leeway       string   `json:"leeway"`
	WikiID       string   `json:"wiki"`
	SubjectScope string   `json:"subject_scope"`
	StaticApps   []string `json:"static_apps"`
}

// LineCounts are the counts over the inputs' lines and uses: they add up
// across inputs, scans and hosts.
type LineCounts struct {
	Bytes            int64 `json:"bytes"`
	Lines            int64 `json:"lines"`
	LinesWithTokens  int64 `json:"lines_with_tokens"`
	SkippedBinary    int64 `json:"skipped_binary"`
	SkippedTooLong   int64 `json:"skipped_too_long"`
	LinesWithoutTime int64 `json:"lines_without_time"`
	Occurrences      int64 `json:"occurrences"`
}

func (c *LineCounts) add(o *LineCounts) {
	c.Bytes += o.Bytes
	c.Lines += o.Lines
	c.LinesWithTokens += o.LinesWithTokens
	c.SkippedBinary += o.SkippedBinary
	c.SkippedTooLong += o.SkippedTooLong
	c.LinesWithoutTime += o.LinesWithoutTime
	c.Occurrences += o.Occurrences
}

// totals are the line counts and each verdict's first and last use.
type totals struct {
	LineCounts

	vFirst, vLast   [nClasses]pos
	vFirstT, vLastT [nClasses]jwtutil.NumericDate
}

func newTotals() totals {
	var t totals
	for c := range t.vFirst {
		t.vFirst[c], t.vFirstT[c], t.vLastT[c] = maxPos, noTime, noTime
	}
	return t
}

// add folds o into t; o's file indices are shifted by offset.
func (t *totals) add(o *totals, offset int32) {
	t.LineCounts.add(&o.LineCounts)
	for c := 0; c < nClasses; c++ {
		if f := o.vFirst[c]; f != maxPos {
			f.file += offset
			if f.less(t.vFirst[c]) {
				t.vFirst[c], t.vFirstT[c] = f, o.vFirstT[c]
			}
		}
		if l := o.vLast[c]; l != (pos{}) {
			l.file += offset
			if t.vLast[c].less(l) {
				t.vLast[c], t.vLastT[c] = l, o.vLastT[c]
			}
		}
	}
}

// state is what a scan or a merge holds at its end, in memory and in
// runs: the records by ident, the totals, the settings. A Report is made
// from it; a partial is it written out.
type state struct {
	// ctx, when set, stops a long end of scan (runs to merge) on Ctrl-C.
	ctx     context.Context
	meta    Meta
	output  Output
	files   []string
	totals  totals
	tokens  *sorter[record]
	budget  *budget
	dir     *spillDir
	perLine bool
}

func newState(meta Meta, output Output, memory int64, tempDir string) *state {
	st := &state{meta: meta, output: output, totals: newTotals(), budget: &budget{limit: memory},
		dir: &spillDir{parent: tempDir}, perLine: meta.TimeSource != "at"}
	st.tokens = newSorter(byIdent, st.budget, st.dir)
	return st
}

// Report is a finished scan or merge: the summary, and the per-token
// lines and consumers, streamed in order (they may be on disk). Close it.
type Report struct {
	// Summary has every total and the by-verdict table; Consumers is
	// left nil (EachConsumer).
	Summary Summary
	Meta    Meta
	// NumConsumers is how many consumers EachConsumer gives.
	NumConsumers int

	st        *state
	ordered   *sorter[record]  // per-token lines, by first sighting (OutputTokens)
	consumers *sorter[consAcc] // most uses first
}

// consAcc accumulates one consumer's (aud's) figures.
type consAcc struct {
	Aud           string
	Consumer      *ConsumerRef
	Tokens        int
	Uses          int64
	TokensBy      [nClasses]int
	UsesBy        [nClasses]int64
	UsesByFound   [nClasses]bool
	first, last   pos
	firstT, lastT jwtutil.NumericDate
}

// addRecord counts one token, of verdict v, into the consumer.
func (a *consAcc) addRecord(r *record, v jwtutil.Class) {
	if a.Consumer == nil {
		a.Consumer = r.wiki.Consumer
	}
	a.Tokens++
	a.Uses += r.count
	a.TokensBy[v]++
	for c, n := range r.byClass {
		if n > 0 {
			a.UsesBy[c] += n
			a.UsesByFound[c] = true
		}
	}
	if r.first.less(a.first) {
		a.first, a.firstT = r.first, r.firstT
	}
	if a.last.less(r.last) {
		a.last, a.lastT = r.last, r.lastT
	}
}

func combineConsumers(dst, src *consAcc) {
	if dst.Consumer == nil {
		dst.Consumer = src.Consumer
	}
	dst.Tokens += src.Tokens
	dst.Uses += src.Uses
	for c := 0; c < nClasses; c++ {
		dst.TokensBy[c] += src.TokensBy[c]
		dst.UsesBy[c] += src.UsesBy[c]
		dst.UsesByFound[c] = dst.UsesByFound[c] || src.UsesByFound[c]
	}
	if src.first.less(dst.first) {
		dst.first, dst.firstT = src.first, src.firstT
	}
	if dst.last.less(src.last) {
		dst.last, dst.lastT = src.last, src.lastT
	}
}

var consAccSize = int64(unsafe.Sizeof(consAcc{}))

func (a *consAcc) size() int64 {
	n := consAccSize + int64(len(a.Aud))
	if a.Consumer != nil {
		n += 64 + int64(len(a.Consumer.Name))
	}
	return n
}

// consWire is consAcc's form in spill runs.
type consWire struct {
	Aud         string          `json:"aud"`
	Consumer    *ConsumerRef    `json:"consumer,omitempty"`
	Tokens      int             `json:"tokens"`
	Uses        int64           `json:"uses"`
	TokensBy    [nClasses]int   `json:"tokens_by"`
	UsesBy      [nClasses]int64 `json:"uses_by"`
	UsesByFound [nClasses]bool  `json:"uses_by_found"`
	wireSpan
}

func appendConsJSON(b []byte, a *consAcc) []byte {
	out, err := json.Marshal(consWire{Aud: a.Aud, Consumer: a.Consumer, Tokens: a.Tokens, Uses: a.Uses, TokensBy: a.TokensBy,
		UsesBy: a.UsesBy, UsesByFound: a.UsesByFound, wireSpan: toWireSpan(a.first, a.firstT, a.last, a.lastT)})
	if err != nil {
		panic(err)
	}
	return append(b, out...)
}

func decodeConsJSON(line []byte, a *consAcc) error {
	var w consWire
	if err := strictUnmarshal(line, &w); err != nil {
		return err
	}
	*a = consAcc{Aud: w.Aud, Consumer: w.Consumer, Tokens: w.Tokens, Uses: w.Uses, TokensBy: w.TokensBy, UsesBy: w.UsesBy, UsesByFound: w.UsesByFound}
	a.first, a.firstT, a.last, a.lastT = w.sightings()
	return nil
}

var consByAud = &codec[consAcc]{
	cmp:     func(a, b *consAcc) int { return strings.Compare(a.Aud, b.Aud) },
	combine: combineConsumers, key: func(a *consAcc) string { return a.Aud },
	size: (*consAcc).size, enc: appendConsJSON, dec: decodeConsJSON,
}

// consByUses is the report's order: most uses first; ties by key, so the
// output is stable.
var consByUses = &codec[consAcc]{
	cmp: func(a, b *consAcc) int {
		if a.Uses != b.Uses {
			if a.Uses > b.Uses {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Aud, b.Aud)
	},
	size: (*consAcc).size, enc: appendConsJSON, dec: decodeConsJSON,
}

// report reads the state once: the by-verdict and by-consumer tallies
// and, for per-token output, the lines in order of first sighting.
func (st *state) report() (*Report, error) { return st.reportFrom(nil) }

// reportFrom is report; direct, when set, gives the records instead of the
// state's sorter: a scan whose summary is all it reports and which never
// spilled passes its entries through one reused record, and holds no
// record at all (fresh memory is what a scan of distinct tokens pays for,
// besides RSA, on a VM).
func (st *state) reportFrom(direct func(func(*record) error) error) (*Report, error) {
	rep := &Report{Meta: st.meta, st: st}
	var tokensBy [nClasses]int
	var usesBy [nClasses]int64
	valid, unique := true, 0
	byAud := newSorter(consByAud, st.budget, st.dir)
	if st.output == OutputTokens {
		rep.ordered = newSorter(byFirstSeen, st.budget, st.dir)
		// The ordered lines take the records over: what the token
		// sorter holds is counted again as the lines are added.
		st.budget.held.Add(-st.tokens.held)
		st.tokens.held = 0
	}
	pass := func(r *record) error {
		if unique%4096 == 0 && st.ctx != nil && st.ctx.Err() != nil {
			return st.ctx.Err()
		}
		unique++
		v := r.verdict()
		if v != jwtutil.ClassOK {
			valid = false
		}
		tokensBy[v]++
		for c, n := range r.byClass {
			usesBy[c] += n
		}
		if acc := byAud.find(r.aud); acc != nil {
			acc.addRecord(r, v) // most tokens' consumer is known by now: no allocation
		} else {
			acc := &consAcc{Aud: r.aud, Consumer: r.wiki.Consumer, first: maxPos, firstT: noTime, lastT: noTime}
			acc.addRecord(r, v)
			if err := byAud.add(acc); err != nil {
				return err
			}
		}
		if rep.ordered != nil {
			return rep.ordered.add(r)
		}
		return nil
	}
	var err error
	switch {
	case direct != nil:
		err = direct(pass)
	case st.tokens.spilled() || st.output == OutputPartial:
		err = st.tokens.each(pass) // combines a token's records from the runs
	default:
		// All in memory, one record per token: the order does not matter
		// here, and sorting by digest would cost more than the pass.
		for _, r := range st.tokens.inMemory() {
			if err = pass(r); err != nil {
				break
			}
		}
	}
	if err != nil {
		return nil, err
	}
	if rep.ordered != nil {
		st.tokens.release()
	}
	rep.consumers = newSorter(consByUses, st.budget, st.dir)
	st.budget.held.Add(-byAud.held) // taken over by the ordered consumers
	byAud.held = 0
	if err := byAud.each(func(a *consAcc) error {
		rep.NumConsumers++
		return rep.consumers.add(a)
	}); err != nil {
		return nil, err
	}
	byAud.release()

	t := &st.totals
	sum := Summary{
		Files: append([]string{}, st.files...), LineCounts: t.LineCounts, UniqueTokens: unique, Valid: valid, JudgedAt: st.meta.JudgedAt, TimeSource: st.meta.TimeSource, Database: st.meta.Database,
		TokensByVerdict: map[string]int{}, UsesByVerdict: map[string]int64{}, Verdicts: []VerdictSummary{},
	}
	for c := 0; c < nClasses; c++ {
		name := jwtutil.Class(c).String()
		sum.TokensByVerdict[name] = tokensBy[c]
		sum.UsesByVerdict[name] = usesBy[c]
		if usesBy[c] == 0 && tokensBy[c] == 0 {
			continue
		}
		vs := VerdictSummary{Verdict: jwtutil.Class(c), Tokens: tokensBy[c], Uses: usesBy[c]}
		if usesBy[c] > 0 {
			f, l := st.seen(t.vFirst[c], t.vFirstT[c]), st.seen(t.vLast[c], t.vLastT[c])
			vs.FirstSeen, vs.LastSeen = &f, &l
		}
		sum.Verdicts = append(sum.Verdicts, vs)
	}
	rep.Summary = sum
	return rep, nil
}

// EachToken gives the per-token report lines in order of first sighting
// (ties by id); only for OutputTokens.
func (r *Report) EachToken(fn func(*TokenReport) error) error {
	if r.ordered == nil {
		return nil
	}
	var tr TokenReport
	n := 0
	return r.ordered.each(func(rec *record) error {
		if n++; n%4096 == 0 && r.st.ctx != nil && r.st.ctx.Err() != nil {
			return r.st.ctx.Err()
		}
		r.st.tokenReport(rec, &tr)
		return fn(&tr)
	})
}

// WriteTokens writes the per-token report lines in order, each made by
// encode (the command's JSON encoder, say). When the lines are all in
// memory, batches are encoded on every core and written in order: for an
// incident's log, a line per distinct token is tens of thousands of
// lines, and the workers' cores are idle by now. Each goroutine encodes
// into one buffer of its own, reused batch after batch, and writes it when
// its turn comes: the report is never held whole (27 MB for 40,000
// tokens; growing a fresh buffer per batch was most of the encoding's cost).
func (r *Report) WriteTokens(w io.Writer, encode func(dst []byte, tr *TokenReport) []byte) error {
	if r.ordered == nil {
		return nil
	}
	if r.ordered.spilled() {
		var line []byte
		return r.EachToken(func(tr *TokenReport) error {
			line = encode(line[:0], tr)
			_, err := w.Write(line)
			return err
		})
	}
	r.ordered.sortItems()
	items := r.ordered.inMemory()
	// A batch is a few hundred KB of lines: it stays in the core's cache
	// between its encoding and its write.
	const batch = 256
	n := (len(items) + batch - 1) / batch
	var (
		next    atomic.Int64
		mu      sync.Mutex
		turn    = sync.NewCond(&mu)
		written int // batches written so far, in order
		err     error
		failed  atomic.Bool // err is set: the batches left are not encoded
		wg      sync.WaitGroup
	)
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var tr TokenReport
			var buf []byte
			// Batches are taken in order and each one taken is written
			// (or skipped after an error) in its turn: the goroutine
			// holding the next batch to write never waits.
			for b := int(next.Add(1) - 1); b < n; b = int(next.Add(1) - 1) {
				buf = buf[:0]
				for _, rec := range items[b*batch : min((b+1)*batch, len(items))] {
					if failed.Load() {
						break
					}
					r.st.tokenReport(rec, &tr)
					buf = encode(buf, &tr)
				}
				mu.Lock()
				for written != b {
					turn.Wait()
				}
				if err == nil && r.st.ctx != nil {
					err = r.st.ctx.Err()
				}
				if err == nil {
					_, err = w.Write(buf)
				}
				if err != nil {
					failed.Store(true)
				}
				written++
				turn.Broadcast()
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return err
}

// EachConsumer gives the by-consumer table, most uses first.
func (r *Report) EachConsumer(fn func(*ConsumerSummary) error) error {
	var cs ConsumerSummary
	return r.consumers.each(func(a *consAcc) error {
		cs = ConsumerSummary{Aud: a.Aud, Consumer: a.Consumer, Tokens: a.Tokens, Uses: a.Uses,
			TokensByVerdict: map[string]int{}, UsesByVerdict: map[string]int64{},
			FirstSeen: r.st.seen(a.first, a.firstT), LastSeen: r.st.seen(a.last, a.lastT)}
		for c := 0; c < nClasses; c++ {
			if a.TokensBy[c] > 0 {
				cs.TokensByVerdict[jwtutil.Class(c).String()] = a.TokensBy[c]
			}
			if a.UsesByFound[c] {
				cs.UsesByVerdict[jwtutil.Class(c).String()] = a.UsesBy[c]
			}
		}
		return fn(&cs)
	})
}

// Close removes what the report keeps on disk.
func (r *Report) Close() error { return r.st.dir.remove() }

// tokenReport fills tr for one token.
func (st *state) tokenReport(r *record, tr *TokenReport) {
	v := r.verdict()
	*tr = TokenReport{
		ID: r.id(), JTI: r.jti, Aud: r.aud, Sub: r.sub, Verdict: v, Count: r.count,
		FirstSeen: st.seen(r.first, r.firstT), LastSeen: st.seen(r.last, r.lastT),
		WikiView: r.wiki, Token: r.text,
	}
	if v != jwtutil.ClassOK {
		tr.Detail = r.detail(v)
		if tr.Detail == "" {
			// Judged per line: the detail at Options.At may be about
			// another class (the token was fine then).
			tr.Detail = timeDetail(v)
		}
	}
	if m := r.byClass[jwtutil.ClassMalformed]; st.perLine || m > 0 && m < r.count {
		tr.Uses = map[string]int64{}
		for c, n := range r.byClass {
			if n > 0 {
				tr.Uses[jwtutil.Class(c).String()] = n
			}
		}
	}
}

func (st *state) seen(p pos, t jwtutil.NumericDate) Seen {
	if p == maxPos || p == (pos{}) {
		return Seen{}
	}
	sn := Seen{File: st.files[p.file], Line: p.line}
	if t != noTime {
		if tt, ok := t.Time(); ok {
			sn.Time = tt.Format(time.RFC3339Nano)
		} else {
			sn.Time = jwtutil.FormatDate(t)
		}
	}
	return sn
}

func consumerRef(ws *mediawiki.WikiState) *ConsumerRef {
	c := ws.Consumer
	if c == nil {
		return &ConsumerRef{}
	}
	return &ConsumerRef{Found: true, Name: c.Name, Stage: c.Stage, StageName: c.StageName()}
}

// respelledDetail explains a malformed use of a token that is otherwise
// not malformed: canonicalSpelling's case.
const respelledDetail = "used in another spelling ('=' padding or non-zero trailing bits in a segment's last character), which MediaWiki's parser refuses"

func timeDetail(c jwtutil.Class) string {
	switch c {
	case jwtutil.ClassMalformed:
		return respelledDetail
	case jwtutil.ClassExpired:
		return "used after exp"
	case jwtutil.ClassNotYetValid:
		return "used before nbf/iat"
	}
	return ""
}
