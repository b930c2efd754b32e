package logscan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// smallRanges makes every file read in ranges of size bytes, so that a
// test log is cut into many, lines across them.
func smallRanges(t *testing.T, size int64) {
	t.Helper()
	oldSize, oldMin, oldRestat := rangeSize, minRanged, rangeRestat
	rangeSize, minRanged, rangeRestat = size, 0, 16*size
	t.Cleanup(func() { rangeSize, minRanged, rangeRestat = oldSize, oldMin, oldRestat })
}

// rangedInput is the shared test log with what is hard for ranges: a line
// longer than MaxLine by far (across many ranges), one just over it, lines
// around them, gzip-looking bytes inside a line and no newline at the very
// end.
func rangedInput(t *testing.T) []byte {
	t.Helper()
	g := testLog(t)
	tok := fixtureToken(t, "15-tokenA-cc.jwt")
	var in bytes.Buffer
	in.Write(firstLines(g.log, 9000))
	in.WriteString("Bearer " + tok + " " + strings.Repeat("x", 3*MaxLine) + "\n")
	in.WriteString("Bearer " + tok + "\n")
	in.WriteString("Bearer " + tok + " " + strings.Repeat("y", MaxLine) + "\n")
	in.WriteString("\x1f\x8b Bearer " + tok + "\n")
	in.Write(g.log[len(firstLines(g.log, 9000)):])
	in.WriteString("Bearer " + tok) // no newline
	return in.Bytes()
}

// writeFile writes b to a file of that name in a temporary directory.
func writeFile(t *testing.T, name string, b []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// scanFile scans the file at path as the command does (an *os.File), from
// offset at, and returns the report and how many ranges were queued.
func scanFile(t *testing.T, o Options, path string, at int64) (*collected, int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Seek(at, 0); err != nil {
		t.Fatal(err)
	}
	s := New(o)
	if err := s.Feed(context.Background(), filepath.Base(path), f); err != nil {
		t.Fatal(err)
	}
	rep, err := s.Finish()
	if err != nil {
		t.Fatal(err)
	}
	// A worker reads a line only as far as it searches one (MaxLine), however
	// long the line is: its buffer is a range, an alignment's worth and that.
	// And it reads a range, the alignment's bytes before it and rangeTail
	// after it, more only for a long last line: what one long line made the
	// buffer grow to is not read for every range after it.
	var copied int64
	for _, w := range s.workers {
		if limit := int(rangeSize) + rangeAlign + rangeTail + MaxLine + 2; len(w.rbuf) > limit {
			t.Errorf("a worker's read buffer grew to %d bytes, over %d", len(w.rbuf), limit)
		}
		copied += w.copied
	}
	if st, err := f.Stat(); err == nil {
		limit := st.Size() - at + int64(s.ranges)*(rangeAlign+rangeTail) + 4*(MaxLine+2)
		if copied > limit {
			t.Errorf("the workers read %d bytes of a %d-byte file in %d ranges, over %d", copied, st.Size(), s.ranges, limit)
		}
	}
	return collect(t, rep), s.ranges
}

// TestRangedMatchesRead: a file read in ranges by the workers gives the
// report a read of the same bytes gives, in every scan mode, with ranges
// smaller than its lines and larger.
func TestRangedMatchesRead(t *testing.T) {
	input := rangedInput(t)
	path := writeFile(t, "access.log", input)
	for _, size := range []int64{4096, 333_333} {
		smallRanges(t, size)
		for name, o := range scanModes(t) {
			t.Run(fmt.Sprintf("%s/%d", name, size), func(t *testing.T) {
				read := runScan(t, o, map[string][]byte{"access.log": input}, "access.log")
				ranged, ranges := scanFile(t, o, path, 0)
				if want := (int64(len(input)) + size - 1) / size; int64(ranges) != want {
					t.Errorf("%d ranges queued, want %d", ranges, want)
				}
				if a, b := reportJSON(t, read), reportJSON(t, ranged); !bytes.Equal(a, b) {
					t.Errorf("ranged report differs:\nread   %s\nranged %s", a, b)
				}
				// The generator's too-long lines, and the two added here.
				if want := testLog(t).g.Expect.SkippedTooLong + 2; ranged.Summary.SkippedTooLong != want {
					t.Errorf("skipped as too long: %d, want %d", ranged.Summary.SkippedTooLong, want)
				}
			})
		}
	}
}

// TestRangedTinyRanges: every way a few short lines fall across ranges of
// one byte and up (empty lines, a CRLF, tokens, no newline at the end, a
// newline at the end) gives the read path's report, from the file's start
// and from an offset in the middle of a line (which starts the first line,
// as a read from there would).
func TestRangedTinyRanges(t *testing.T) {
	tok := fixtureToken(t, "15-tokenA-cc.jwt")
	o := scanModes(t)["tokens"]
	for _, input := range []string{
		"a\n\nBearer " + tok + "\r\n\n\nx Bearer " + tok + "\nlast",
		"Bearer " + tok + "\n",
		"\n\n\n",
		"b\nBearer " + tok,
	} {
		path := writeFile(t, "tiny.log", []byte(input))
		for _, at := range []int64{0, 1, 3} {
			want := runScan(t, o, map[string][]byte{"tiny.log": []byte(input[at:])}, "tiny.log")
			for _, size := range []int64{1, 2, 3, 5, 7, 64, 1000} {
				smallRanges(t, size)
				got, _ := scanFile(t, o, path, at)
				if a, b := reportJSON(t, want), reportJSON(t, got); !bytes.Equal(a, b) {
					t.Fatalf("%q from %d in ranges of %d:\nread   %s\nranged %s", input, at, size, a, b)
				}
			}
		}
	}
}

// TestRangedGzipIsRead: a gzip file is not read in ranges (the read path
// decompresses it), even when it is large enough.
func TestRangedGzipIsRead(t *testing.T) {
	smallRanges(t, 4096)
	g := testLog(t)
	path := writeFile(t, "access.log.gz", gzipped(t, g.log))
	o := scanModes(t)["summary"]
	got, ranges := scanFile(t, o, path, 0)
	if ranges != 0 {
		t.Errorf("%d ranges of a gzip file", ranges)
	}
	want := runScan(t, o, map[string][]byte{"access.log.gz": g.log}, "access.log.gz")
	if a, b := reportJSON(t, want), reportJSON(t, got); !bytes.Equal(a, b) {
		t.Errorf("gzip report differs:\nplain %s\ngzip  %s", a, b)
	}
}

// TestRangedReadsWhatGrew: a log that grows while it is scanned is read as
// far as it has grown when the reader next looks at its size.
func TestRangedReadsWhatGrew(t *testing.T) {
	smallRanges(t, 4096)
	g := testLog(t)
	head, tail := firstLines(g.log, 2000), g.log[len(firstLines(g.log, 2000)):]
	path := writeFile(t, "access.log", head)
	grown := false
	rangeHook = func() {
		if !grown {
			grown = true
			f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Error(err)
				return
			}
			if _, err := f.Write(tail); err != nil {
				t.Error(err)
			}
			f.Close()
		}
	}
	t.Cleanup(func() { rangeHook = nil })
	o := scanModes(t)["tokens"]
	got, _ := scanFile(t, o, path, 0)
	want := runScan(t, o, map[string][]byte{"access.log": g.log}, "access.log")
	if a, b := reportJSON(t, want), reportJSON(t, got); !bytes.Equal(a, b) {
		t.Errorf("the grown log's report differs:\nwhole  %s\nranged %s", a, b)
	}
}

// truncatedScan scans a copy of the test log that is truncated to nothing
// when hook says so. Feed's and Finish's errors must each be ErrTruncated,
// naming the file: a short read is an error, and nothing waits for ever
// (the test would time out).
func truncatedScan(t *testing.T, workers int, hook func(s *Scanner, truncate func()) bool) {
	t.Helper()
	smallRanges(t, 4096)
	path := writeFile(t, "access.log", rangedInput(t))
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	o := scanModes(t)["tokens"]
	o.Workers = workers
	s := New(o)
	done := false
	rangeHook = func() {
		if !done {
			done = hook(s, func() {
				if err := os.Truncate(path, 0); err != nil {
					t.Error(err)
				}
			})
		}
	}
	t.Cleanup(func() { rangeHook = nil })
	feedErr := s.Feed(context.Background(), "access.log", f)
	_, finishErr := s.Finish()
	for _, err := range []error{feedErr, finishErr} {
		if !errors.Is(err, ErrTruncated) || !strings.HasPrefix(err.Error(), "access.log: ") {
			t.Errorf("Feed: %v; Finish: %v; want access.log: ErrTruncated", feedErr, finishErr)
			break
		}
	}
}

// TestRangedTruncatedUnderTheReader: copytruncate while the reader cuts
// the file into ranges: it sees the file shorter than what it queued.
func TestRangedTruncatedUnderTheReader(t *testing.T) {
	truncatedScan(t, 2, func(s *Scanner, truncate func()) bool {
		if s.ranges < 2 {
			return false
		}
		truncate()
		return true
	})
}

// TestRangedTruncatedUnderAWorker: the truncation comes after a range is
// queued, just before the worker reads it. The reader waits in its hook
// until the scan has failed, so only that worker's short read can have
// failed it (the reader would see the truncation only after the hook).
func TestRangedTruncatedUnderAWorker(t *testing.T) {
	var workerFailed atomic.Bool
	truncates := make(chan func(), 1)
	var once sync.Once
	fillHook = func() {
		once.Do(func() {
			select {
			case truncate := <-truncates:
				truncate()
			case <-time.After(10 * time.Second):
				t.Error("the reader queued no range")
			}
		})
	}
	t.Cleanup(func() { fillHook = nil })
	truncatedScan(t, 1, func(s *Scanner, truncate func()) bool {
		truncates <- truncate
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			if s.failed.Load() {
				workerFailed.Store(true)
				break
			}
		}
		return true
	})
	if !workerFailed.Load() {
		t.Error("the worker did not fail the scan on a truncated range")
	}
}

// TestRangedCloseAfterFeed: Feed returns once the file's ranges are read,
// so that the caller may close it then, as after a read to its end; the
// workers still searching them read nothing more from it.
func TestRangedCloseAfterFeed(t *testing.T) {
	smallRanges(t, 4096)
	g := testLog(t)
	path := writeFile(t, "access.log", g.log)
	o := scanModes(t)["tokens"]
	want := runScan(t, o, map[string][]byte{"access.log": g.log}, "access.log")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s := New(o)
	if err := s.Feed(context.Background(), "access.log", f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	rep, err := s.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if a, b := reportJSON(t, want), reportJSON(t, collect(t, rep)); !bytes.Equal(a, b) {
		t.Errorf("the report differs when the file is closed after Feed:\nread   %s\nranged %s", a, b)
	}
}
