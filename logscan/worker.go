package logscan

import (
	"bytes"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/mwoauth/mwoauth/jwtutil"
)

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

	totals totals // lines with tokens, skipped lines, uses, first and last use by verdict
}

func newWorker(s *Scanner) *worker {
	w := &worker{s: s, local: make(map[tokenKey]*use, 1024), keyer: newKeyer(s.secret), interned: map[string]string{},
		perLine: s.o.Times.Enabled(), leeway: s.o.Verify.Leeway, totals: newTotals()}
	if w.perLine {
		w.clock = newLineClock(s.o.Times)
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
	if w.s.failed.Load() || w.s.aborted.Load() {
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
			w.totals.TooLong++
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
				w.totals.Binary++
			}
			continue
		}
		if hasNUL(line) || !validOutside(line, w.spans) {
			w.totals.Binary++
			continue
		}
		w.totals.LinesWithTokens++
		at := pos{c.file, ln}
		t, timed := noTime, false
		if w.perLine {
			if tm, ok := w.clock.Time(line); ok {
				t, timed = tm, true
			} else {
				w.totals.Untimed++
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
			w.s.held.Add(useCost - int64(unsafe.Sizeof(use{})))
		default:
			u = &use{e: e, first: maxPos, firstT: noTime, lastT: noTime}
			w.local[k] = u
			w.s.held.Add(useCost)
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
	w.totals.Occurrences++
	u.count++
	u.byClass[class]++
	if at.less(u.first) {
		u.first, u.firstT = at, t
	}
	if u.last.less(at) {
		u.last, u.lastT = at, t
	}
	tt := &w.totals
	if at.less(tt.vFirst[class]) {
		tt.vFirst[class], tt.vFirstT[class] = at, t
	}
	if tt.vLast[class].less(at) {
		tt.vLast[class], tt.vLastT[class] = at, t
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

// forget drops what the worker remembers of entries (a spill frees them).
func (w *worker) forget() {}
