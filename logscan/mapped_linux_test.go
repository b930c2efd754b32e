package logscan

import (
	"bytes"
	"context"
	"errors"
	"os"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// truncatedScan scans a copy of the test log that is truncated to nothing
// when hook says so, and returns Feed's and Finish's errors. Each must be
// ErrTruncated: the fault is an error, not a crash, and nothing waits for
// ever (the test would time out).
func truncatedScan(t *testing.T, workers int, hook func(s *Scanner, stage string, truncate func()) bool) (feedErr, finishErr error) {
	t.Helper()
	smallWindows(t)
	path := writeFile(t, "access.log", mappedInput(t))
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	o := scanModes(t)["tokens"]
	o.Workers = workers
	s := New(o)
	done := false
	mapHook = func(stage string) {
		if !done {
			done = hook(s, stage, func() {
				if err := os.Truncate(path, 0); err != nil {
					t.Error(err)
				}
			})
		}
	}
	t.Cleanup(func() { mapHook = nil })
	feedErr = s.Feed(context.Background(), "access.log", f)
	_, finishErr = s.Finish()
	return feedErr, finishErr
}

// TestMappedTruncatedUnderTheReader: copytruncate while the reader cuts a
// window into chunks.
func TestMappedTruncatedUnderTheReader(t *testing.T) {
	feedErr, finishErr := truncatedScan(t, 2, func(s *Scanner, stage string, truncate func()) bool {
		if stage != "mapped" || s.mappedWindows < 2 {
			return false
		}
		truncate()
		return true
	})
	if !errors.Is(feedErr, ErrTruncated) || !errors.Is(finishErr, ErrTruncated) {
		t.Fatalf("Feed: %v; Finish: %v; want ErrTruncated", feedErr, finishErr)
	}
}

// TestMappedTruncatedUnderAWorker: the truncation comes after a chunk is
// queued; the reader waits until the scan has failed, which only the
// worker that faulted on the chunk can have made it.
func TestMappedTruncatedUnderAWorker(t *testing.T) {
	var workerFailed atomic.Bool
	feedErr, finishErr := truncatedScan(t, 1, func(s *Scanner, stage string, truncate func()) bool {
		if stage != "queued" {
			return false
		}
		truncate()
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			if s.failed.Load() {
				workerFailed.Store(true)
				break
			}
		}
		return true
	})
	if !workerFailed.Load() {
		t.Error("the worker did not fail the scan on a truncated chunk")
	}
	if !errors.Is(feedErr, ErrTruncated) || !errors.Is(finishErr, ErrTruncated) {
		t.Fatalf("Feed: %v; Finish: %v; want ErrTruncated", feedErr, finishErr)
	}
}

// TestMappedFaultWhileJudging: a fault while a token is judged (its bytes
// gone under the judge) still releases the workers waiting for that
// token's verdict.
func TestMappedFaultWhileJudging(t *testing.T) {
	tok := fixtureToken(t, "15-tokenA-cc.jwt")
	path := writeFile(t, "token", []byte(tok))
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mem, err := unix.Mmap(int(f.Fd()), 0, len(tok), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = unix.Munmap(mem) }()
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	s := New(scanModes(t)["tokens"])
	w := newWorker(s)
	var k tokenKey
	faulted := make(chan any, 1)
	go func() {
		defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
		defer func() { faulted <- recover() }()
		s.lookup(k, mem, false, w)
	}()
	if r := <-faulted; !isFault(r) {
		t.Fatalf("recovered %v, want a memory fault", r)
	}
	e := s.shards[k.shard()].m[k]
	waited := make(chan struct{})
	go func() { e.judged.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(10 * time.Second):
		t.Fatal("a worker waiting for the faulted token's verdict waits for ever")
	}
}

// TestFetchAheadFaultNamesItsFile: the chunk ahead can be another file's
// than the one being searched; when that file shrinks under its mapping,
// the fault in fetching it fails the scan with that file's name, and the
// worker goes on (the chunk it searches is intact).
func TestFetchAheadFaultNamesItsFile(t *testing.T) {
	size := 4 * faultAround
	path := writeFile(t, "next.log", make([]byte, size))
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mem, err := unix.Mmap(int(f.Fd()), 0, size, unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = unix.Munmap(mem) }()
	// The file now ends where the mapping's second 64 KiB block starts
	// (a mapping is page-aligned, not block-aligned).
	end := 1 + blockStart(mem[1:])
	if err := os.Truncate(path, int64(end)); err != nil {
		t.Fatal(err)
	}
	s := New(scanModes(t)["tokens"])
	w := newWorker(s)
	ahead := chunk{data: mem, win: &window{mem: mem, name: "next.log", s: s}}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	w.ahead, w.aheadOff = &ahead, 0
	for w.aheadOff+aheadStep <= end { // what is still in the file
		w.fetchAhead()
	}
	if s.failed.Load() {
		t.Fatalf("failed on the file's own pages: %v", s.err)
	}
	for w.aheadOff < len(ahead.data) {
		w.fetchAhead()
	}
	if !s.failed.Load() || !errors.Is(s.err, ErrTruncated) || !strings.HasPrefix(s.err.Error(), "next.log: ") {
		t.Fatalf("failed %v with %v, want next.log: ErrTruncated", s.failed.Load(), s.err)
	}
}

// TestCountNLStopsAtTheEnd: the vector count's last bytes are a masked
// load, which must not touch the page after them (here, none is mapped).
func TestCountNLStopsAtTheEnd(t *testing.T) {
	mem := pageBeforeHole(t)
	page := len(mem)
	for i := range page {
		mem[i] = "ab\n"[i%3]
	}
	for n := range 200 {
		b := mem[page-n : page]
		if got, want := countNL(b), bytes.Count(b, []byte{'\n'}); got != want {
			t.Fatalf("countNL(last %d bytes of a page) = %d, want %d", n, got, want)
		}
	}
}

// TestPolyKeyStopsAtTheEnd: the key's last block is a masked load too, of
// a token that may end where its mapped log ends.
func TestPolyKeyStopsAtTheEnd(t *testing.T) {
	mem := pageBeforeHole(t)
	page := len(mem)
	for i := range page {
		mem[i] = byte(i*7 + 3)
	}
	k := newPolyKey(bytes.Repeat([]byte{9}, 16))
	for n := range 200 {
		b := mem[page-n : page]
		if got, want := k.sum(b), referencePoly(k.powers[0], b); got != want {
			t.Fatalf("key of the last %d bytes of a page: %x, want %x", n, got, want)
		}
	}
}

// pageBeforeHole is a writable page with no page mapped after it (a read
// past its end faults), unmapped when the test ends.
func pageBeforeHole(t *testing.T) []byte {
	t.Helper()
	page := os.Getpagesize()
	mem, err := unix.Mmap(-1, 0, 2*page, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = unix.Munmap(mem) })
	if err := unix.Mprotect(mem[page:], unix.PROT_NONE); err != nil {
		t.Fatal(err)
	}
	return mem[:page]
}
