package logscan

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/mwoauth/mwoauth/jwtutil"
)

// TestTallyHalfLine: what a use of a token reads and writes (key,
// verdict, count and last sighting) is a slot of 32 bytes, and a table's
// slots start on a cache line, so that two slots fill a line and none
// straddles two (worker.go).
func TestTallyHalfLine(t *testing.T) {
	if n := unsafe.Sizeof(tally{}); n != 32 {
		t.Errorf("a slot is %d bytes, not half a cache line", n)
	}
	var tt tallies
	tt.add(tokenKey{1}, &entry{})
	if p := uintptr(unsafe.Pointer(&tt.slots[0])); p%64 != 0 {
		t.Errorf("the table starts at byte %d of a cache line", p%64)
	}
}

// TestPackPos: a packed position unpacks to itself, and packed
// positions are in pos.less's order, up to the last input and line a
// scan takes.
func TestPackPos(t *testing.T) {
	edge := []pos{{0, 0}, {0, 1}, {0, maxLine - 1}, {0, maxLine}, {1, 0}, {1, 1}, {1, maxLine},
		{maxFiles - 2, maxLine}, {maxFiles - 1, 0}, {maxFiles - 1, 1}, {maxFiles - 1, maxLine}}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		edge = append(edge, pos{r.Int32N(maxFiles), r.Int64N(maxLine + 1)})
	}
	for i, p := range edge {
		if u := unpackPos(packPos(p)); u != p {
			t.Fatalf("%v packs and unpacks to %v", p, u)
		}
		q := edge[(i*7+3)%len(edge)]
		if (packPos(p) < packPos(q)) != p.less(q) {
			t.Fatalf("%v and %v: packed order %v, pos.less %v", p, q, packPos(p) < packPos(q), p.less(q))
		}
	}
}

// TestTallyCountCarries: a slot holds its count in countBits bits beside
// the verdict; the uses past that are carried into its cold counts, the
// verdict stays, and the slot's first sighting is not taken for a new
// one when its count starts again from 1.
func TestTallyCountCarries(t *testing.T) {
	w := &worker{totals: newTotals()}
	e := &entry{}
	e.info.atClass = jwtutil.ClassExpired
	k := tokenKey{7}
	tl, cold := w.local.add(k, e)
	w.observeFound(nil, k, tl, cold, pos{0, 10}, noTime, false, false)
	tl.cc = tl.cc&^countMask | (countMask - 1) // countMask-1 uses so far
	for line := int64(11); line <= 13; line++ {
		tl, cold = w.local.find(&k)
		w.observeFound(nil, k, tl, cold, pos{0, line}, noTime, false, false)
	}
	if got := jwtutil.Class(tl.cc >> countBits); got != jwtutil.ClassExpired {
		t.Errorf("the slot's verdict is %v after the carry, want expired", got)
	}
	var c counts
	w.local.eachPart(0, 1, func(got *entry, cs *counts) {
		if got != e {
			t.Errorf("the tally's entry is not the token's")
		}
		c = *cs
	})
	if want := int64(countMask) + 2; c.count != want {
		t.Errorf("count %d, want %d", c.count, want)
	}
	if c.first != (pos{0, 10}) || c.last != (pos{0, 13}) {
		t.Errorf("first %v, last %v: want line 10 and line 13", c.first, c.last)
	}
}

// TestTooManyLines: a scan fails when an input's lines pass maxLine,
// the last line a tally's position holds, rather than number them wrong.
func TestTooManyLines(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		fail bool
	}{{3, false}, {4, true}} {
		s := &Scanner{}
		c := &chunk{start: &lineMark{line: maxLine - 2}, end: &lineMark{done: make(chan struct{})}, n: tc.n}
		s.setFirstLine(c)
		if failed := errors.Is(s.err, errTooManyLines); failed != tc.fail {
			t.Errorf("lines %d to %d: failed %v (%v), want %v", c.firstLine, c.end.line-1, failed, s.err, tc.fail)
		}
	}
}

// TestTooManyFiles: a scan takes at most maxFiles inputs, as many as a
// tally's position holds.
func TestTooManyFiles(t *testing.T) {
	s := &Scanner{files: make([]string, maxFiles-1, maxFiles)}
	if i, err := s.addFile("last.log"); err != nil || i != maxFiles-1 {
		t.Fatalf("the last input: index %d, error %v", i, err)
	}
	if _, err := s.addFile("one-more.log"); err == nil || !strings.Contains(err.Error(), "one-more.log: more than 16777216 inputs") {
		t.Fatalf("one input too many: error %v", err)
	}
}

// TestBatchAfterGrow: a use that adds its token's slot can grow the table
// in the middle of a batch (flush), after the batch's slots were found;
// the uses after it must find theirs in the new table, or their counts go
// to the old one. One worker and one chunk, so that the batches fall
// where the log puts them: 768 tokens take a slot each (their second
// use), a table's fill before it grows from 1024 slots; the batch of uses
// 1536-1551 is the 769th token's first and second use, the second growing
// the table, then token 0 fourteen times.
func TestBatchAfterGrow(t *testing.T) {
	if useBatch != 16 {
		t.Skip("the log is laid out for batches of 16")
	}
	tok := func(i int) string { return fmt.Sprintf("eyJ%05d.a.b", i) }
	var log strings.Builder
	for i := range 768 {
		fmt.Fprintf(&log, "%s\n%s\n", tok(i), tok(i))
	}
	fmt.Fprintf(&log, "%s\n%s\n", tok(768), tok(768))
	for range 14 {
		fmt.Fprintf(&log, "%s\n", tok(0))
	}
	if log.Len() >= readTarget {
		t.Fatalf("the log (%d bytes) is more than one chunk", log.Len())
	}
	o := Options{Workers: 1, KeepTokens: true, Output: OutputTokens, At: time.Unix(1_800_000_000, 0)}
	rep := scanReport(t, o, map[string][]byte{"a.log": []byte(log.String())}, "a.log")
	defer rep.Close()
	counts := map[string]int64{}
	if err := rep.EachToken(func(tr *TokenReport) error { counts[tr.Token] = tr.Count; return nil }); err != nil {
		t.Fatal(err)
	}
	if len(counts) != 769 || counts[tok(0)] != 16 || counts[tok(768)] != 2 || counts[tok(1)] != 2 {
		t.Fatalf("%d tokens; %s counted %d times (want 16), %s %d (want 2), %s %d (want 2)",
			len(counts), tok(0), counts[tok(0)], tok(768), counts[tok(768)], tok(1), counts[tok(1)])
	}
}
