package logscan

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unsafe"
)

// TestTallyFirstLine: what a use of a token reads and writes (the key,
// verdict, entry, count and last sighting) is a slot of 64 bytes, one
// cache line, so that the batch's one read of a slot brings in all of it
// and the table is as small as it can be (worker.go).
func TestTallyFirstLine(t *testing.T) {
	var tl tally
	if n := unsafe.Sizeof(tl); n != 64 {
		t.Errorf("a slot is %d bytes, not one cache line", n)
	}
	base := uintptr(unsafe.Pointer(&tl))
	for name, end := range map[string]uintptr{
		"key":   uintptr(unsafe.Pointer(&tl.key)) + unsafe.Sizeof(tl.key),
		"class": uintptr(unsafe.Pointer(&tl.class)) + unsafe.Sizeof(tl.class),
		"entry": uintptr(unsafe.Pointer(&tl.e)) + unsafe.Sizeof(tl.e),
		"count": uintptr(unsafe.Pointer(&tl.count)) + unsafe.Sizeof(tl.count),
		"last":  uintptr(unsafe.Pointer(&tl.last)) + unsafe.Sizeof(tl.last),
	} {
		if end-base > 64 {
			t.Errorf("%s ends at byte %d of the slot, past its first cache line", name, end-base)
		}
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
