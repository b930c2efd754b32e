package logscan

import (
	"bytes"
	"encoding/binary"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/mwoauth/mwoauth/jwtutil"
)

// worker holds one goroutine's tallies; they are merged at the end.
type worker struct {
	s        *Scanner
	local    tallies // this worker's tallies of tokens it saw again
	keyer    *keyer
	slab     []entry   // what is left of the newest slab
	slabs    [][]entry // every slab, for the report
	interned map[string]string
	spans    []Span
	spelling []byte // canonicalSpelling's buffer
	clock    *lineClock
	perLine  bool
	leeway   time.Duration

	// A chunk's uses are tallied a batch at a time: the batch's table
	// slots are found first, one after another, so that their cache (and
	// TLB) misses overlap instead of stalling each use in turn (flush);
	// the tallies then find their slots in cache. With tokens repeating
	// over a table larger than the cache, the miss was a quarter of a scan.
	batch [useBatch]pendingUse
	nb    int

	totals totals // lines with tokens, skipped lines, uses, first and last use by verdict

	rbuf   []byte // what the worker reads its ranges into (ranged.go)
	copied int64  // bytes read into it, for tests
}

func newWorker(s *Scanner) *worker {
	w := &worker{s: s, keyer: newKeyer(s.secret), interned: map[string]string{},
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
		// The line is found by the extractor's own pass (scanLine), which
		// looks no further than one byte past the longest line searched.
		var n int
		var plain bool
		w.spans, n, plain = scanLine(data[:min(len(data), MaxLine+1)], w.spans[:0])
		if n > MaxLine {
			w.totals.SkippedTooLong++
			if i := indexNL(data[n:]); i >= 0 {
				data = data[n+i+1:]
			} else {
				data = nil
			}
			continue
		}
		line := data[:n]
		if n < len(data) {
			data = data[n+1:]
		} else {
			data = nil
		}
		if m := len(line); m > 0 && line[m-1] == '\r' {
			line = line[:m-1]
		}
		if len(w.spans) == 0 {
			// Binary lines without candidates cost nothing to skip; only
			// lines that would contribute are checked.
			if !plain && hasNUL(line) {
				w.totals.SkippedBinary++
			}
			continue
		}
		// A plain line is text (scanLine saw no NUL and nothing over 0x7f
		// outside its JWTs); another is checked between its spans.
		if plain {
			sortSpans(w.spans)
		} else if !textOutside(line, w.spans) {
			w.totals.SkippedBinary++
			continue
		}
		w.totals.LinesWithTokens++
		at := pos{c.file, ln}
		t, timed := noTime, false
		if w.perLine {
			if tm, ok := w.clock.Time(line); ok {
				t, timed = tm, true
			} else {
				w.totals.LinesWithoutTime++
			}
		}
		for _, sp := range w.spans {
			w.queue(line[sp.Start:sp.End], sp, at, t, timed)
		}
	}
	w.flush()
}

// useBatch is how many uses are tallied together; more outstanding misses
// than a core tracks would gain nothing.
const useBatch = 16

// pendingUse is a use waiting in the batch. cand points into the chunk,
// which outlives the batch (flush runs before process returns).
type pendingUse struct {
	cand  []byte
	k     tokenKey
	at    pos
	t     jwtutil.NumericDate
	timed bool
	tl    *tally // its slot, found before the batch is tallied (flush)
	cold  *tallyCold
}

// queue tallies a use, in the next flush. A candidate that must be
// respelled is tallied at once: its spelling lives in w.spelling, which
// the next one would overwrite.
func (w *worker) queue(cand []byte, sp Span, at pos, t jwtutil.NumericDate, timed bool) {
	if spanNeedsRespelling(cand, sp) {
		w.flush()
		w.observe(cand, at, t, timed)
		return
	}
	p := &w.batch[w.nb]
	w.nb++
	p.cand, p.at, p.t, p.timed = cand, at, t, timed
	w.keyer.keyInto(&p.k, cand)
	if w.nb == len(w.batch) {
		w.flush()
	}
}

// flush tallies the batch: its slots are found first, then the uses
// tallied in order. The order is the order of the lines, as if each had
// been tallied when read.
//
// A quarter of the uses of a repeated-token log found their key past its
// first slot (linear probing: 1.57 slots read a use with the table up to
// three quarters full; about 1.2 at half, as it is now: tallies).
// The batch used to read the first slots alone before the uses were
// tallied, each finding its slot as it was: the reads past the first
// slot, a cache line each, waited in turn. Found in a loop of their own,
// all of a batch's slots are looked for side by side, their misses
// overlapping (the tallies' perf samples fell by a sixth, three rounds
// interleaved). A use that adds a slot may move the table (grow): the
// uses after it find theirs again.
func (w *worker) flush() {
	b := w.batch[:w.nb]
	w.nb = 0
	for i := range b {
		b[i].tl, b[i].cold = w.local.find(&b[i].k)
	}
	n := w.local.n
	for i := range b {
		p := &b[i]
		if w.local.n != n {
			p.tl, p.cold = w.local.find(&p.k)
		}
		w.observeFound(p.cand, p.k, p.tl, p.cold, p.at, p.t, p.timed, false)
	}
}

func (w *worker) observe(cand []byte, at pos, t jwtutil.NumericDate, timed bool) {
	cand, respelled := canonicalSpelling(cand, w.spelling)
	if respelled {
		w.spelling = cand[:0]
	}
	w.observeKey(cand, w.keyer.key(cand), at, t, timed, respelled)
}

func (w *worker) observeKey(cand []byte, k tokenKey, at pos, t jwtutil.NumericDate, timed, respelled bool) {
	tl, cold := w.local.find(&k)
	w.observeFound(cand, k, tl, cold, at, t, timed, respelled)
}

// observeFound tallies a use whose key's slot in the worker's table is
// tl (nil: none yet) with its cold counts.
func (w *worker) observeFound(cand []byte, k tokenKey, tl *tally, cold *tallyCold, at pos, t jwtutil.NumericDate, timed, respelled bool) {
	if tl == nil {
		e, created := w.s.lookup(k, cand, len(cand) > jwtutil.MaxTokenSize, w)
		if created {
			// The first sighting is tallied in the entry: a token seen
			// once (every token, in a flood) costs no slot in a table.
			w.observeFirst(e, at, t, timed, respelled)
			return
		}
		tl, cold = w.local.add(k, e)
		w.s.held.Add(tallyCost)
	}
	// cold is read only where it is needed: a slot's cold counts are
	// another cache line, missed, and even the address of one of their
	// fields reads them (Go's nil check).
	cc := tl.cc
	base := jwtutil.Class(cc >> countBits)
	class := base
	if timed {
		class = cold.e.info.classAt(t, w.leeway)
	}
	if respelled {
		class = jwtutil.ClassMalformed // MediaWiki's parser refuses this spelling
	}
	// Seen times are the times of the first and last lines (by position).
	w.totals.Occurrences++
	if cc&countMask == countMask {
		cold.carried += countMask
		cc &^= countMask
	}
	cc++
	tl.cc = cc
	if class != base {
		cold.byClass[class]++ // the verdict's own uses are count less these (counts.settled)
	}
	// Uses mostly come in the order of their lines, so a use is mostly a
	// new last sighting: first (in the cold counts) is read only when it
	// is not. first <= last once there is a use.
	switch a := packPos(at); {
	case tl.last < a:
		tl.last = a
		if w.perLine {
			cold.lastT = t // else every time is noTime, as noCold has it
		}
		if cc&countMask == 1 && cold.carried == 0 {
			cold.first, cold.firstT = at, t
		}
	case at.less(cold.first):
		cold.first, cold.firstT = at, t
	}
	w.totals.sighted(class, at, t)
}

// observeFirst tallies a token's first sighting, in the entry the use
// made: its first use, so its first and last sighting.
func (w *worker) observeFirst(e *entry, at pos, t jwtutil.NumericDate, timed, respelled bool) {
	base := e.info.atClass
	class := base
	if timed {
		class = e.info.classAt(t, w.leeway)
	}
	if respelled {
		class = jwtutil.ClassMalformed
	}
	w.totals.Occurrences++
	o := &e.own
	o.count, o.last, o.first, o.firstT = 1, at, at, t
	if w.perLine {
		o.lastT = t
	}
	if class != base {
		o.byClass[class]++
	}
	w.totals.sighted(class, at, t)
}

// sighted moves the first and last sightings of the verdict class to at
// where it is earlier or later.
func (tt *totals) sighted(class jwtutil.Class, at pos, t jwtutil.NumericDate) {
	if at.less(tt.vFirst[class]) {
		tt.vFirst[class], tt.vFirstT[class] = at, t
	}
	if tt.vLast[class].less(at) {
		tt.vLast[class], tt.vLastT[class] = at, t
	}
}

// A slot packs a use's verdict at Options.At with its count (cc), and
// its last sighting into one word (packPos), so that two slots fill a
// cache line. A count past countMask is carried into the cold counts.
const (
	countBits = 32 - 3 // the verdict: nClasses fits in the 3 bits above
	countMask = 1<<countBits - 1
)

var _ [1<<(32-countBits) - nClasses]struct{} // nClasses <= 8

// packPos is p as one word whose order is pos.less's: the input above
// the line. A scan reads at most maxFiles inputs and counts at most
// maxLine lines in each (Feed, setFirstLine).
func packPos(p pos) uint64 { return uint64(p.file)<<lineBits | uint64(p.line) }

func unpackPos(v uint64) pos { return pos{int32(v >> lineBits), int64(v & maxLine)} }

// tally is a worker's count of one token's uses: a slot of its table.
// The verdict at Options.At is copied in, so that a use (most uses, in a
// log where tokens repeat) touches this slot alone, not the entry.
//
// A slot is what a use reads and writes: key, verdict, count and last
// sighting, 32 bytes, two a cache line (make aligns a table to its
// pages). The rest of its counts, and its entry, are in a second table
// (tallies.cold, at ref-1). With the two in one slot (three cache
// lines) the table of 70,000 tokens was 25 MB a worker, which neither
// the TLB nor the cache held; with a slot of 64 bytes (its entry and an
// unpacked count and position), 16 MB a worker at most half full, and
// the two workers' tables were the L3 cache's 32 MB; at 32 bytes a
// repeated-token scan took a tenth less wall time (ten rounds in
// alternating order, median of the pairs' ratios 0.90).
type tally struct {
	key  tokenKey
	last uint64 // the last sighting (packPos)
	ref  uint32 // 1 + where the cold counts are in tallies.cold; 0: an empty slot
	cc   uint32 // the verdict at Options.At << countBits | the count, less cold.carried
}

// tallyCold is what a use of a tally reads or writes only now and then
// (coldCounts), the entry, and the uses carried out of the slot's count.
type tallyCold struct {
	e       *entry
	carried int64
	coldCounts
}

// tallies is an open-addressing table of tallies by key, probed
// linearly. The keys are GMAC tags, as good as random, so their first
// bytes index it. Against Go's map of pointers to tallies, a use costs
// one cache miss where it cost three or four: the map's group, the
// tally, the entry (about a quarter of a scan of repeated tokens).
//
// The table is at most half full. Each probe past a key's first slot
// read another cache line when a slot was one: three quarters full (and
// between three eighths and three quarters as it doubles), a use read
// 1.57 slots on the log of repeated tokens; at most half, about 1.2, and
// the tallies' perf samples fell by a sixth. The cold counts are apart, one after
// another in the order the slots were made: they are not the table's
// size (twice as many slots) but one a tally, and a table that grows does
// not move them.
type tallies struct {
	slots []tally
	cold  []tallyCold // the rest of each slot's counts, at its ref-1
	n     int
}

// slotsPerPage is a step through a table that lands on every 4 KiB page.
const slotsPerPage = 4096 / int(unsafe.Sizeof(tally{}))

// tallyCost is what a tally costs the memory budget: between two and four
// slots (the table is at most half full and grows by doubling) and its
// cold counts, in a slice that grows by a quarter (append).
var tallyCost = 3*int64(unsafe.Sizeof(tally{})) + 5*int64(unsafe.Sizeof(tallyCold{}))/4

func (t *tallies) find(k *tokenKey) (*tally, *tallyCold) {
	if t.n == 0 {
		return nil, nil
	}
	mask := len(t.slots) - 1
	for i := int(binary.LittleEndian.Uint64(k[:8])) & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.ref == 0 {
			return nil, nil
		}
		if s.key == *k {
			return s, &t.cold[s.ref-1]
		}
	}
}

// add makes the slot of a key not in the table.
func (t *tallies) add(k tokenKey, e *entry) (*tally, *tallyCold) {
	if (t.n+1)*2 > len(t.slots) {
		t.grow()
	}
	mask := len(t.slots) - 1
	i := int(binary.LittleEndian.Uint64(k[:8])) & mask
	for t.slots[i].ref != 0 {
		i = (i + 1) & mask
	}
	t.n++
	s := &t.slots[i]
	t.cold = append(t.cold, tallyCold{e: e, coldCounts: noCold}) // the batch's other pointers into it are found again (flush)
	*s = tally{key: k, cc: uint32(e.info.atClass) << countBits, ref: uint32(len(t.cold))}
	return s, &t.cold[s.ref-1]
}

func (t *tallies) grow() {
	old := t.slots
	t.slots = make([]tally, max(1024, 2*len(old)))
	// Every page of a new table is written once, now: the batch reads a
	// slot before a use writes it, and a read of a page never touched
	// maps the kernel's shared zero page, which the write then faults
	// again to copy (two faults and a page clear a page: 2.5 % of a
	// repeated-token scan in perf, under tallies.add).
	for i := 0; i < len(t.slots); i += slotsPerPage {
		t.slots[i].cc = 0
	}
	mask := len(t.slots) - 1
	for j := range old {
		if old[j].ref == 0 {
			continue
		}
		i := int(binary.LittleEndian.Uint64(old[j].key[:8])) & mask
		for t.slots[i].ref != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = old[j]
	}
}

// eachPart calls fn with the entry and counts of every tally whose key's
// last byte is part modulo parts: the tallies of the same tokens in every
// worker's table.
func (t *tallies) eachPart(part, parts int, fn func(*entry, *counts)) {
	for i := range t.slots {
		if s := &t.slots[i]; s.ref != 0 && int(s.key[len(s.key)-1])%parts == part {
			cd := &t.cold[s.ref-1]
			c := counts{hotCounts: hotCounts{count: cd.carried + int64(s.cc&countMask), last: unpackPos(s.last)}, coldCounts: cd.coldCounts}
			fn(cd.e, &c)
		}
	}
}

func indexNL(b []byte) int { return bytes.IndexByte(b, '\n') }
func lastNL(b []byte) int  { return bytes.LastIndexByte(b, '\n') }
func hasNUL(b []byte) bool { return bytes.IndexByte(b, 0) >= 0 }

// textOutside reports whether line is text, valid UTF-8 without a NUL
// byte, checking only the bytes between the spans: the extractor already
// saw that spans are ASCII token characters, which are neither (a token
// is most of a line). It sorts spans by position.
func textOutside(line []byte, spans []Span) bool {
	sortSpans(spans)
	text := func(b []byte) bool { return !hasNUL(b) && utf8.Valid(b) }
	at := 0
	for _, sp := range spans {
		if sp.Start > at && !text(line[at:sp.Start]) {
			return false
		}
		at = max(at, sp.End)
	}
	return text(line[at:])
}

// sortSpans orders a line's spans by position (an insertion sort: a line
// has one or two).
func sortSpans(spans []Span) {
	for i := 1; i < len(spans); i++ {
		for j := i; j > 0 && spans[j].Start < spans[j-1].Start; j-- {
			spans[j], spans[j-1] = spans[j-1], spans[j]
		}
	}
}

// forget drops what the worker holds of entries (a spill frees them).
func (w *worker) forget() { w.local = tallies{} }
