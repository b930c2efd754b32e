// Package scan finds bearer tokens in logs and judges each distinct token
// once. It streams: memory grows with the number of distinct tokens, never
// with the size of the input. Lines are cut into chunks that worker
// goroutines (one per core) search for token candidates; a candidate seen
// for the first time is parsed and verified (signature once per distinct
// token, the expensive part), every later sighting is a map lookup plus, when
// lines carry their own times, a comparison with the token's iat/nbf/exp.
package scan

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/mwoauth/mwoauth/jwtutil"
	"github.com/mwoauth/mwoauth/mediawiki"
	"github.com/mwoauth/mwoauth/verdict"
	"github.com/mwoauth/mwoauth/wikistate"
)

const (
	// MaxLine is the longest line searched; longer lines are counted and skipped.
	MaxLine = 1 << 20
	// bufSize holds a chunk: whole lines up to MaxLine plus the read target.
	bufSize    = 2 * MaxLine
	readTarget = 64 << 10
	nClasses   = int(jwtutil.ClassWikiState) + 1
)

// noTime marks a use without a time of its own (and an absent time claim).
var noTime = jwtutil.NumericDate{Sec: math.MinInt64}

// Options configure a scan.
type Options struct {
	// Verify carries keys, allowed algorithms, issuer, audience and leeway.
	// Its Now and WikiState are set by the scanner.
	Verify verdict.Options
	// At is when tokens are judged (uses on lines without a time, or every
	// use when Times is not enabled).
	At time.Time
	// Times reads each line's own time, so each use is judged when it happened.
	Times TimeSource
	// Workers defaults to GOMAXPROCS.
	Workers int
	// Wiki, when set, adds the database's verdict (jti row, revocation,
	// consumer). It is read once per distinct well-formed token, never per
	// line, and each consumer once (wikistate.Cached).
	Wiki wikistate.Source
	// KeepTokens puts the token text in the report (--show-tokens).
	KeepTokens bool
	// SummaryOnly leaves Report.Tokens empty: the text report prints the
	// summary alone, and a report line per distinct token is most of the
	// report's cost when tokens are many.
	SummaryOnly bool
}

// pos is where a use was seen: file index and 1-based line number.
type pos struct {
	file int32
	line int64
}

func (p pos) less(q pos) bool { return p.file < q.file || p.file == q.file && p.line < q.line }

var maxPos = pos{math.MaxInt32, math.MaxInt64}

// entry is one distinct token, shared by all workers.
type entry struct {
	key  tokenKey
	text string // the token itself, only with Options.KeepTokens
	// judged is released once info is filled in; other workers that find
	// the entry first wait on it. A WaitGroup rather than a channel: no
	// allocation per distinct token, and an uncontended Wait is one load.
	judged sync.WaitGroup
	info   tokenInfo
	// own is the creating worker's tally. A token seen once (the common
	// case when every token is distinct) then costs no per-worker map
	// entry; the creator adds &own to its map on a second sighting.
	own     use
	creator *worker
}

// tokenInfo is what the one-time judgement of a token leaves behind.
type tokenInfo struct {
	id            string
	jti, aud, sub string
	static        jwtutil.Class     // most fundamental failure that does not depend on time
	atClass       jwtutil.Class     // verdict at Options.At
	details       *[nClasses]string // first failing check's detail per class; nil for a valid token
	times         verdict.Times     // iat, nbf, exp: every use is judged by verdict's one time rule
	wiki          *mediawiki.WikiState
	mw            mwSummary // MediaWiki's verdict at Options.At
	oversize      bool
}

// use is one worker's tally for one token.
type use struct {
	e             *entry
	count         int64
	first, last   pos
	firstT, lastT jwtutil.NumericDate
	byClass       [nClasses]int64
}

type chunk struct {
	buf       []byte
	data      []byte
	file      int32
	firstLine int64
}

// Scanner runs one scan over any number of inputs.
type Scanner struct {
	o       Options
	workers []*worker
	chunks  chan chunk
	free    chan []byte
	wg      sync.WaitGroup
	started bool
	made    int // chunk buffers made so far
	files   []string
	carry   []byte

	shards [nShards]shard
	rules  mediawiki.Rules  // the MediaWiki version's rules (Options.Verify.MediaWiki)
	secret []byte           // the workers' tokenKey secret
	fast   []*rsa.PublicKey // keys for the fast path; nil when it does not apply

	bytesRead atomic.Int64
	lines     atomic.Int64
	unique    atomic.Int64

	readerTooLong atomic.Int64 // lines so long the reader skipped them whole
	ctx           context.Context

	errOnce sync.Once
	err     error
	failed  atomic.Bool
}

type shard struct {
	mu sync.Mutex
	m  map[tokenKey]*entry
}

// New prepares a scan.
func New(o Options) *Scanner {
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if len(o.Verify.Algs) == 0 {
		o.Verify.Algs = []string{"RS256"}
	}
	if o.Wiki != nil {
		o.Wiki = wikistate.Cached(o.Wiki)
	}
	s := &Scanner{o: o, rules: o.Verify.Rules(), fast: fastKeys(o), secret: newSecret()}
	for i := range s.shards {
		s.shards[i].m = make(map[tokenKey]*entry, 256)
	}
	return s
}

// Progress returns bytes read (decompressed), lines read and distinct tokens so far.
func (s *Scanner) Progress() (bytes, lines, unique int64) {
	return s.bytesRead.Load(), s.lines.Load(), s.unique.Load()
}

func (s *Scanner) start(ctx context.Context) {
	if s.started {
		return
	}
	s.started = true
	// Judging a token may query the database: it runs under the first
	// Feed's context, so an interrupt cancels it.
	s.ctx = ctx
	n := s.o.Workers
	// The reader (the Feed caller) runs only when a worker blocks: busy
	// workers leave it waiting for a processor. A queue of eight chunks
	// per worker means a worker rarely finds it empty (with one, workers
	// stalled on the reader often enough to cost a few per cent of a
	// distinct-token scan); more than 64 adds only memory.
	q := min(8*n, 64)
	s.chunks = make(chan chunk, q)
	// Buffers are made on demand, at most cap(free) of them: a scan of a
	// small input never pays for megabytes of zeroed memory. Enough for a
	// full queue, one chunk in each worker's hands and a few being filled.
	s.free = make(chan []byte, q+n+4)
	for i := 0; i < n; i++ {
		w := newWorker(s)
		s.workers = append(s.workers, w)
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			for c := range s.chunks {
				w.process(c)
				s.putBuf(c.buf)
			}
		}()
	}
}

func (s *Scanner) fail(err error) {
	s.errOnce.Do(func() { s.err = err; s.failed.Store(true) })
}

// Feed reads one input to its end. Gzip input is recognised by its magic
// bytes and decompressed. name labels positions in the report.
func (s *Scanner) Feed(ctx context.Context, name string, r io.Reader) error {
	s.start(ctx)
	file := int32(len(s.files))
	s.files = append(s.files, name)

	br := bufio.NewReaderSize(r, 64<<10)
	var in io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("%s: %v", name, err)
		}
		defer zr.Close()
		in = zr
	}

	line := int64(1)
	skipping := false
	eof := false
	for !eof {
		if err := ctx.Err(); err != nil {
			return err
		}
		if s.failed.Load() {
			return s.err
		}
		buf := s.getBuf(len(s.carry) + readTarget)
		n := copy(buf, s.carry)
		s.carry = s.carry[:0]
		// Chunks stay small so that workers share the work evenly (a chunk
		// of distinct tokens is milliseconds of RSA); a long pending line
		// gets the whole buffer to find its end in.
		limit := readTarget
		if n >= readTarget/2 {
			if len(buf) < bufSize {
				// Replaces buf in the pool's count: the small one is dropped.
				big := make([]byte, bufSize)
				copy(big, buf[:n])
				buf = big
			}
			limit = len(buf)
		}
		for first := true; (first || n < readTarget) && n < limit && !eof; first = false {
			m, err := in.Read(buf[n:limit])
			n += m
			s.bytesRead.Add(int64(m))
			if errors.Is(err, io.EOF) {
				eof = true
			} else if err != nil {
				s.putBuf(buf)
				return fmt.Errorf("read %s: %v", name, err)
			}
		}
		data := buf[:n]
		if skipping {
			i := indexNL(data)
			if i < 0 {
				s.putBuf(buf)
				continue
			}
			data, skipping = data[i+1:], false
		}
		last := lastNL(data)
		if last < 0 && !eof {
			if n == len(buf) { // a buffer full of one line: far over MaxLine
				s.readerTooLong.Add(1)
				s.lines.Add(1)
				line++
				skipping = true
			} else {
				s.carry = append(s.carry, data...)
			}
			s.putBuf(buf)
			continue
		}
		body := data
		if !eof {
			body = data[:last+1]
			s.carry = append(s.carry, data[last+1:]...)
		}
		if len(body) == 0 {
			s.putBuf(buf)
			continue
		}
		nl := int64(countNL(body))
		if body[len(body)-1] != '\n' {
			nl++
		}
		select {
		case s.chunks <- chunk{buf: buf, data: body, file: file, firstLine: line}:
		case <-ctx.Done():
			s.putBuf(buf)
			return ctx.Err()
		}
		line += nl
		s.lines.Add(nl)
	}
	if s.failed.Load() {
		return s.err
	}
	return nil
}

// Finish waits for the workers and builds the report.
func (s *Scanner) Finish() (*Report, error) {
	s.close()
	if s.err != nil {
		return nil, s.err
	}
	return s.report(), nil
}

// getBuf returns a free chunk buffer, making one while fewer than
// cap(free) exist. Buffers are 2×readTarget, or bufSize when a long line
// needs the room.
func (s *Scanner) getBuf(need int) []byte {
	need = min(need, bufSize)
	var b []byte
	select {
	case b = <-s.free:
	default:
		if s.made < cap(s.free) {
			s.made++
			return make([]byte, max(2*readTarget, need))
		}
		b = <-s.free
	}
	if len(b) < need { // a long line is pending: this one replaces b
		b = make([]byte, bufSize)
	}
	return b
}

func (s *Scanner) putBuf(b []byte) { s.free <- b }

// close stops the workers once the queued chunks are done.
func (s *Scanner) close() {
	s.start(context.Background())
	close(s.chunks)
	s.wg.Wait()
}

// lookup returns the shared entry for a candidate, judging it first if
// nobody has seen it yet. Concurrent first sightings wait for one judgement.
func (s *Scanner) lookup(k tokenKey, cand []byte, oversize bool, w *worker) (*entry, bool) {
	sh := &s.shards[k.shard()]
	sh.mu.Lock()
	if e, ok := sh.m[k]; ok {
		sh.mu.Unlock()
		e.judged.Wait()
		return e, false
	}
	e := w.newEntry()
	e.key, e.creator = k, w
	e.judged.Add(1)
	e.own = use{e: e, first: maxPos, firstT: noTime, lastT: noTime}
	e.info.oversize = oversize
	if s.o.KeepTokens && !oversize {
		e.text = string(cand)
	}
	sh.m[k] = e
	sh.mu.Unlock()
	s.unique.Add(1)
	s.judge(s.ctx, e, cand, w)
	e.judged.Done()
	return e, true
}

// judge parses and verifies a token once: signature, claims and, with a
// database, the wiki's state, all at Options.At; the time claims are kept
// so that each use can be re-judged at its own time. raw is the token as
// it sits in the chunk: the fast path reads it without copying; anything
// kept from it must be copied, as the chunk's buffer is reused.
func (s *Scanner) judge(ctx context.Context, e *entry, raw []byte, w *worker) {
	in := &e.info
	if e.info.oversize {
		in.setID(raw, s.o.SummaryOnly)
		in.static, in.atClass = jwtutil.ClassMalformed, jwtutil.ClassMalformed
		in.setDetail(jwtutil.ClassMalformed, fmt.Sprintf("candidate is over %d bytes", jwtutil.MaxTokenSize))
		return
	}
	if s.fast != nil && s.fastJudge(e, raw, w) {
		return
	}
	if in.id == "" { // the fast path sets it when it got as far as hashing
		in.setID(raw, s.o.SummaryOnly)
	}
	t, err := jwtutil.Parse(string(raw))
	if err != nil {
		in.static, in.atClass = jwtutil.ClassMalformed, jwtutil.ClassMalformed
		in.setDetail(jwtutil.ClassMalformed, err.Error())
		return
	}
	in.jti, _ = t.StringClaim("jti")
	in.aud = mediawiki.ConsumerKey(t) // a list-valued aud names its consumer too
	in.sub, _ = t.StringClaim("sub")
	in.times, _ = verdict.TimesOf(t)
	o := s.o.Verify
	o.Now = s.o.At
	if s.o.Wiki != nil {
		ws, err := wikistate.Lookup(ctx, s.o.Wiki, t)
		if err != nil {
			s.fail(err)
		}
		o.WikiState = ws
		in.wiki = ws
	}
	r := verdict.Verify(t, o)
	in.atClass = r.Class
	in.mw = summarize(&r.MediaWiki)
	for _, c := range r.Checks {
		if c.OK {
			continue
		}
		if in.detail(c.Class) == "" {
			in.setDetail(c.Class, c.Detail)
		}
		if c.Class != jwtutil.ClassExpired && c.Class != jwtutil.ClassNotYetValid && jwtutil.MoreFundamental(c.Class, in.static) {
			in.static = c.Class
		}
	}
}

// setID sets the report's token id: the first 12 hex digits of sha256(token).
// Without per-token reports nothing shows it, and it is not computed.
func (in *tokenInfo) setID(token []byte, summaryOnly bool) {
	if summaryOnly {
		return
	}
	sum := sha256.Sum256(token)
	in.id = hex.EncodeToString(sum[:6])
}

func (in *tokenInfo) detail(c jwtutil.Class) string {
	if in.details == nil {
		return ""
	}
	return in.details[c]
}

func (in *tokenInfo) setDetail(c jwtutil.Class, d string) {
	if in.details == nil {
		in.details = new([nClasses]string)
	}
	in.details[c] = d
}

// classAt is the verdict of a use at time now: the time-independent failure
// if any, else verdict's time rule at now, the more fundamental of the two
// winning.
func (in *tokenInfo) classAt(now jwtutil.NumericDate, leeway time.Duration) jwtutil.Class {
	tc := in.times.Class(now, leeway)
	if jwtutil.MoreFundamental(in.static, tc) {
		return in.static
	}
	return tc
}

// worker holds one goroutine's tallies; they are merged at the end.
type worker struct {
	s        *Scanner
	local    map[tokenKey]*use
	keyer    *keyer
	slab     []entry   // what is left of the newest slab
	slabs    [][]entry // every slab, for the report
	interned map[string]string
	spans    []Span
	spelling []byte // canonicalSpelling's buffer
	clock    *lineClock
	perLine  bool
	leeway   time.Duration

	linesWithTokens, binary, tooLong, untimed, occurrences int64

	vFirst, vLast   [nClasses]pos
	vFirstT, vLastT [nClasses]jwtutil.NumericDate
}

func newWorker(s *Scanner) *worker {
	w := &worker{s: s, local: make(map[tokenKey]*use, 1024), keyer: newKeyer(s.secret), interned: map[string]string{}, perLine: s.o.Times.Enabled(), leeway: s.o.Verify.Leeway}
	if w.perLine {
		w.clock = newLineClock(s.o.Times)
	}
	for i := range w.vFirst {
		w.vFirst[i], w.vFirstT[i], w.vLastT[i] = maxPos, noTime, noTime
	}
	return w
}

// newEntry takes an entry from the worker's slab: one allocation per 64
// distinct tokens instead of one each. Entries live until the report, so
// a slab is never held by entries that could have been freed, and the
// report walks the slabs in memory order rather than the maps in hash
// order (a cache and TLB miss per token: 10 ms per 40,000 tokens).
func (w *worker) newEntry() *entry {
	if len(w.slab) == 0 {
		w.slab = make([]entry, 64)
		w.slabs = append(w.slabs, w.slab)
	}
	e := &w.slab[0]
	w.slab = w.slab[1:]
	return e
}

// intern returns b as a string, the same string for the same bytes while
// fewer than maxInterned are held (aud values: one per consumer).
func (w *worker) intern(b []byte) string {
	if v, ok := w.interned[string(b)]; ok {
		return v
	}
	v := string(b)
	if len(w.interned) < maxInterned {
		w.interned[v] = v
	}
	return v
}

const maxInterned = 4096

func (w *worker) process(c chunk) {
	if w.s.failed.Load() {
		return
	}
	data := c.data
	ln := c.firstLine - 1
	for len(data) > 0 {
		ln++
		var line []byte
		if i := indexNL(data); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		if len(line) > MaxLine {
			w.tooLong++
			continue
		}
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		w.spans = Extract(line, w.spans[:0])
		if len(w.spans) == 0 {
			// Binary lines without candidates cost nothing to skip; only
			// lines that would contribute are checked.
			if hasNUL(line) {
				w.binary++
			}
			continue
		}
		if hasNUL(line) || !validOutside(line, w.spans) {
			w.binary++
			continue
		}
		w.linesWithTokens++
		at := pos{c.file, ln}
		t, timed := noTime, false
		if w.perLine {
			if tm, ok := w.clock.Time(line); ok {
				t, timed = tm, true
			} else {
				w.untimed++
			}
		}
		for _, sp := range w.spans {
			w.observe(line[sp.Start:sp.End], at, t, timed)
		}
	}
}

func (w *worker) observe(cand []byte, at pos, t jwtutil.NumericDate, timed bool) {
	cand, respelled := canonicalSpelling(cand, w.spelling)
	if respelled {
		w.spelling = cand[:0]
	}
	k := w.keyer.key(cand)
	u := w.local[k]
	if u == nil {
		e, created := w.s.lookup(k, cand, len(cand) > jwtutil.MaxTokenSize, w)
		switch {
		case created:
			u = &e.own
		case e.creator == w:
			u = &e.own
			w.local[k] = u
		default:
			u = &use{e: e, first: maxPos, firstT: noTime, lastT: noTime}
			w.local[k] = u
		}
	}
	in := &u.e.info
	class := in.atClass
	if timed {
		class = in.classAt(t, w.leeway)
	}
	if respelled {
		class = jwtutil.ClassMalformed // MediaWiki's parser refuses this spelling
	}
	// Seen times are the times of the first and last lines (by position).
	w.occurrences++
	u.count++
	u.byClass[class]++
	if at.less(u.first) {
		u.first, u.firstT = at, t
	}
	if u.last.less(at) {
		u.last, u.lastT = at, t
	}
	if at.less(w.vFirst[class]) {
		w.vFirst[class], w.vFirstT[class] = at, t
	}
	if w.vLast[class].less(at) {
		w.vLast[class], w.vLastT[class] = at, t
	}
}

func indexNL(b []byte) int { return bytes.IndexByte(b, '\n') }
func lastNL(b []byte) int  { return bytes.LastIndexByte(b, '\n') }
func countNL(b []byte) int { return bytes.Count(b, []byte{'\n'}) }
func hasNUL(b []byte) bool { return bytes.IndexByte(b, 0) >= 0 }

// validOutside reports whether line is valid UTF-8, checking only the
// bytes between the spans: the extractor already saw that spans are ASCII.
// It sorts spans by position.
func validOutside(line []byte, spans []Span) bool {
	for i := 1; i < len(spans); i++ {
		for j := i; j > 0 && spans[j].Start < spans[j-1].Start; j-- {
			spans[j], spans[j-1] = spans[j-1], spans[j]
		}
	}
	at := 0
	for _, sp := range spans {
		if sp.Start > at && !utf8.Valid(line[at:sp.Start]) {
			return false
		}
		at = max(at, sp.End)
	}
	return utf8.Valid(line[at:])
}
