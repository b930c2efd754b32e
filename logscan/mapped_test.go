package logscan

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// smallWindows makes every file mapped and its windows as small as they
// go (MaxLine and two pages), so that a test log is cut into many.
func smallWindows(t *testing.T) {
	t.Helper()
	oldW, oldMin := mapWindow, minMapped
	mapWindow, minMapped = 1, 0
	t.Cleanup(func() { mapWindow, minMapped = oldW, oldMin })
}

// mappedInput is the shared test log with what is hard for windows: a
// line longer than a window (the reader skips it), one over MaxLine that
// fits in one (a worker skips it), lines around them, gzip-looking bytes
// inside a line and no newline at the very end.
func mappedInput(t *testing.T) []byte {
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

// scanFile scans the file at path as the command does (an *os.File) and
// returns the report and how many windows were mapped.
func scanFile(t *testing.T, o Options, path string) (*collected, int) {
	t.Helper()
	rep, windows, _ := scanFileAhead(t, o, path)
	return rep, windows
}

// scanFileAhead is scanFile that also says how many chunks were numbered
// ahead of their search.
func scanFileAhead(t *testing.T, o Options, path string) (*collected, int, int64) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := New(o)
	if err := s.Feed(context.Background(), filepath.Base(path), f); err != nil {
		t.Fatal(err)
	}
	rep, err := s.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return collect(t, rep), s.mappedWindows, s.numberedAhead.Load()
}

// TestMappedMatchesRead: a file scanned through mapped windows gives the
// report a read of the same bytes gives, in every scan mode.
func TestMappedMatchesRead(t *testing.T) {
	smallWindows(t)
	input := mappedInput(t)
	path := writeFile(t, "access.log", input)
	var ahead int64
	t.Cleanup(func() {
		// Workers fetch their next chunk while they search one (ahead.go);
		// over every mode's scan, some chunk must have been numbered so.
		if runtime.GOOS == "linux" && runtime.NumCPU() > 1 && ahead == 0 && !t.Failed() {
			t.Error("no chunk was numbered ahead of its search")
		}
	})
	for name, o := range scanModes(t) {
		t.Run(name, func(t *testing.T) {
			read := runScan(t, o, map[string][]byte{"access.log": input}, "access.log")
			mapped, windows, numbered := scanFileAhead(t, o, path)
			ahead += numbered
			if runtime.GOOS == "linux" && windows < 10 {
				t.Errorf("%d windows mapped: the file was read", windows)
			}
			if a, b := reportJSON(t, read), reportJSON(t, mapped); !bytes.Equal(a, b) {
				t.Errorf("mapped report differs:\nread   %s\nmapped %s", a, b)
			}
			// The generator's too-long lines, and the two added here.
			if want := testLog(t).g.Expect.SkippedTooLong + 2; mapped.Summary.SkippedTooLong != want {
				t.Errorf("skipped as too long: %d, want %d", mapped.Summary.SkippedTooLong, want)
			}
		})
	}
}

// TestMappedGzipIsRead: a gzip file is not mapped (the read path
// decompresses it), even when it is large enough.
func TestMappedGzipIsRead(t *testing.T) {
	smallWindows(t)
	g := testLog(t)
	path := writeFile(t, "access.log.gz", gzipped(t, g.log))
	o := scanModes(t)["summary"]
	got, windows := scanFile(t, o, path)
	if windows != 0 {
		t.Errorf("%d windows of a gzip file mapped", windows)
	}
	want := runScan(t, o, map[string][]byte{"access.log.gz": g.log}, "access.log.gz")
	if a, b := reportJSON(t, want), reportJSON(t, got); !bytes.Equal(a, b) {
		t.Errorf("gzip report differs:\nplain %s\ngzip  %s", a, b)
	}
}
