// Package logscan finds bearer tokens in logs and judges each distinct token
// once. It streams: memory grows with the number of distinct tokens, never
// with the size of the input. Lines are cut into chunks that worker
// goroutines (one per core) search for token candidates; a candidate seen
// for the first time is parsed and verified (signature once per distinct
// token, the expensive part), every later sighting is a map lookup plus, when
// lines carry their own times, a comparison with the token's iat/nbf/exp.
package logscan

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mwoauth/mwoauth/jwtutil"
	"github.com/mwoauth/mwoauth/jwtutil/rs256"
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
	// KeepTokens puts the token text in the report (--show-tokens). The
	// text never leaves memory: a scan that would spill fails instead.
	KeepTokens bool
	// Output is what the report is for. The text report is a summary:
	// a report line per distinct token is most of the report's cost when
	// tokens are many, and nothing per token is kept for it.
	Output Output
	// MemoryLimit bounds the memory of a scan (bytes; 0 is no bound). The
	// state grows with distinct tokens; past its share of the limit it is
	// written to sorted runs in TempDir (os.TempDir when "") and merged
	// at the end, so the report is the one an in-memory scan makes. The
	// caller sets the Go runtime's memory limit (debug.SetMemoryLimit):
	// this package does not change process-wide settings.
	MemoryLimit int64
	TempDir     string
	// IDKey, when set, names tokens by HMAC-SHA256 under it instead of
	// sha256: the same key on every host gives the same ids, and without
	// it nobody can tell whether a given token is in a partial.
	IDKey []byte
	// DatabaseConsulted and DatabaseText describe Wiki for the report
	// (Meta), as the command words it; never a password.
	DatabaseConsulted []byte
	DatabaseText      string
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
	// own is the creating worker's tally of the first sighting. A token
	// seen once (the common case when every token is distinct) then
	// costs no slot in a worker's table; a later sighting, by any worker,
	// is tallied in that worker's table, and fold adds those here.
	own     counts
	creator *worker
}

// tokenInfo is what the one-time judgement of a token leaves behind.
type tokenInfo struct {
	digest        [32]byte // the stable id (sha256 or keyed); only when the report names tokens
	jti, aud, sub string
	static        jwtutil.Class     // most fundamental failure that does not depend on time
	atClass       jwtutil.Class     // verdict at Options.At
	details       *[nClasses]string // first failing check's detail per class; nil for a valid token
	times         verdict.Times     // iat, nbf, exp: every use is judged by verdict's one time rule
	wiki          *mediawiki.WikiState
	mw            mwSummary // MediaWiki's verdict at Options.At
	oversize      bool
}

// counts are a token's uses, by verdict, and its first and last
// sightings (by position; the times are those lines'). Tallies, records
// and their combinations all add up this way.
//
// While a worker counts (an entry's own and its tallies), byClass leaves
// out the uses in the token's verdict at Options.At, which are most of
// them: count less the others (settled, when the entry becomes a record).
// A use then writes count and last alone (hotCounts): a tally keeps them
// beside its key, verdict and entry in one cache line, and the rest
// (coldCounts) in a table of their own (tallies).
type counts struct {
	hotCounts
	coldCounts
}

// hotCounts are what most uses of a token read and write.
type hotCounts struct {
	count int64
	last  pos
}

// coldCounts are what a use reads or writes only when it is the token's
// first in this worker, earlier than the last one counted (lines out of
// order, or files), or in another verdict than the token's at
// Options.At (a per-line time, or a respelled token).
type coldCounts struct {
	first         pos
	firstT, lastT jwtutil.NumericDate
	byClass       [nClasses]int64
}

// settled is c, counted against the verdict at Options.At (base), with
// byClass whole.
func (c counts) settled(base jwtutil.Class) counts {
	n := c.count
	for k, m := range c.byClass {
		if jwtutil.Class(k) != base {
			n -= m
		}
	}
	c.byClass[base] = n
	return c
}

// noCounts is counts before the first use.
var noCounts = counts{coldCounts: noCold}

var noCold = coldCounts{first: maxPos, firstT: noTime, lastT: noTime}

// add folds o into c.
func (c *counts) add(o *counts) {
	c.count += o.count
	if o.first.less(c.first) {
		c.first, c.firstT = o.first, o.firstT
	}
	if c.last.less(o.last) {
		c.last, c.lastT = o.last, o.lastT
	}
	for k := range o.byClass {
		c.byClass[k] += o.byClass[k]
	}
}

type chunk struct {
	buf  []byte     // the read buffer data is in, or nil
	rng  *fileRange // the range a worker reads data from (ranged.go), or nil
	data []byte
	file int32
	// The reader does not count lines (lines.go): start says where the
	// chunk before ends, skipped how many lines the reader dropped since,
	// and end is where this one's end goes. firstLine is set by number.
	start, end *lineMark
	skipped    int64
	firstLine  int64
	// counted: n is the chunk's line count; numbered: firstLine is set
	// and the end mark given (number, tryNumber).
	n                 int64
	counted, numbered bool
}

// Scanner runs one scan over any number of inputs.
type Scanner struct {
	o       Options
	workers []*worker
	chunks  chan chunk
	free    chan []byte
	// ranges counts the file ranges queued (the reader's; for tests).
	ranges  int
	wg      sync.WaitGroup
	started bool
	made    int // chunk buffers made so far
	files   []string
	carry   []byte

	shards [nShards]shard
	rules  mediawiki.Rules // the MediaWiki version's rules (Options.Verify.MediaWiki)
	secret []byte          // the workers' tokenKey secret
	fast   []*rs256.Key    // keys for the fast path; nil when it does not apply
	stable bool            // tokens get stable digests (the report names them)

	// gate lets a spill stop the workers between chunks: each holds it
	// shared while it works on a chunk, a spill holds it alone.
	gate  sync.RWMutex
	state *state
	held  atomic.Int64 // estimated bytes of entries and tallies in memory

	bytesRead atomic.Int64
	lines     atomic.Int64
	unique    atomic.Int64

	readerTooLong atomic.Int64 // lines so long the reader skipped them whole
	ctx           context.Context

	errOnce   sync.Once
	err       error
	failed    atomic.Bool
	aborted   atomic.Bool // Close: workers drop what is queued
	closeOnce sync.Once
	finished  bool
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
	s := &Scanner{o: o, rules: o.Verify.Rules(), fast: fastKeys(o), secret: newSecret(), stable: o.Output != OutputSummary}
	s.state = newState(metaOf(o), o.Output, stateBudget(o), o.TempDir)
	if o.KeepTokens {
		s.state.tokens.refuse = ErrKeepTokensOverLimit
	}
	s.resetShards()
	return s
}

// ErrKeepTokensOverLimit: a scan that keeps token texts (--show-tokens)
// reached its memory limit. Texts are never written to disk.
var ErrKeepTokensOverLimit = errors.New("the token texts this scan keeps for the report need more memory than the limit allows, and they are never written to disk")

func (s *Scanner) resetShards() {
	for i := range s.shards {
		s.shards[i].m = make(map[tokenKey]*entry, 256)
	}
}

// stateBudget is the share of the memory limit the token state may hold:
// what is left once the reader's buffers are counted, less half, which
// the Go collector needs as headroom (garbage from RSA and decoding).
func stateBudget(o Options) int64 { return stateBudgetOf(o.MemoryLimit, bufferBytes(o)) }

func stateBudgetOf(limit, buffers int64) int64 {
	if limit <= 0 {
		return 0
	}
	return max((limit-buffers)/2, 64<<10)
}

// queueLen is how many chunks wait for the workers; bufferBytes is what
// the chunk buffers may take at most.
func queueLen(o Options) int { return min(8*o.Workers, 64) }

func bufferBytes(o Options) int64 {
	n := int64(queueLen(o) + o.Workers + 4)
	return n*2*readTarget + int64(o.Workers)*(rangeSize+rangeAlign+rangeTail+MaxLine+2)
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
	q := queueLen(s.o)
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
			w.run()
		}()
	}
}

func (s *Scanner) fail(err error) {
	s.errOnce.Do(func() { s.err = err; s.failed.Store(true) })
}

// addFile names the next input: its index is the file of the input's
// positions.
func (s *Scanner) addFile(name string) (int32, error) {
	if len(s.files) >= maxFiles {
		return 0, fmt.Errorf("%s: more than %d inputs in one scan", name, maxFiles)
	}
	s.files = append(s.files, name)
	return int32(len(s.files) - 1), nil
}

// Feed reads one input to its end. Gzip input is recognised by its magic
// bytes and decompressed. name labels positions in the report.
func (s *Scanner) Feed(ctx context.Context, name string, r io.Reader) error {
	s.start(ctx)
	if f, ok := r.(*os.File); ok {
		if handled, err := s.feedRanged(ctx, name, f); handled {
			return err
		}
	}
	file, err := s.addFile(name)
	if err != nil {
		return err
	}

	// A small buffer, enough to sniff gzip's magic bytes: once it is
	// drained, a read as large as a chunk's goes straight into the chunk
	// (bufio skips its own buffer), so plain input is copied once, by the
	// kernel. Gzip's decompressor gets a buffer of its own.
	//
	// (Large regular files are read by the workers instead: ranged.go.)
	br := bufio.NewReaderSize(r, 16)
	var in io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(bufio.NewReaderSize(br, 64<<10))
		if err != nil {
			return fmt.Errorf("%s: %v", name, err)
		}
		defer zr.Close()
		in = zr
	}

	lines := newFileLines()
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
				lines.skip()
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
		c := chunk{buf: buf, data: body, file: file}
		lines.stamp(&c)
		select {
		case s.chunks <- c:
		case <-ctx.Done():
			s.putBuf(buf)
			return ctx.Err()
		}
	}
	if s.failed.Load() {
		return s.err
	}
	return nil
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
	s.closeOnce.Do(func() {
		s.start(context.Background())
		close(s.chunks)
		s.wg.Wait()
	})
}
