package probetest

import (
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/mwoauth/mwoauth/probe"
)

// ResponsesDir is where the real wiki's recorded answers are, relative to
// the project root's parent: ../shared next to the checkout, as CI has it.
const ResponsesDir = "shared/fixtures/real-mediawiki-1.43/responses"

// FindResponses looks for ResponsesDir in the parents of dir (a package
// directory under the checkout) and returns its path, or "" when absent.
func FindResponses(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for d := abs; ; d = filepath.Dir(d) {
		p := filepath.Join(filepath.Dir(d), ResponsesDir)
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// Recordings loads the real wiki's recorded answers found from dir (see
// FindResponses). When they are absent the test is skipped, or fails when
// ci is set: in CI a missing ../shared is a failure, never a skip.
func Recordings(tb testing.TB, dir string, ci bool) []Recorded {
	tb.Helper()
	found := FindResponses(dir)
	switch {
	case found == "" && ci:
		tb.Fatalf("%s not found next to the checkout", ResponsesDir)
	case found == "":
		tb.Skipf("%s not found next to the checkout", ResponsesDir)
	}
	recs, err := LoadRecordings(found)
	if err != nil {
		tb.Fatal(err)
	}
	if len(recs) == 0 {
		tb.Fatalf("no recordings in %s", found)
	}
	return recs
}

// Recorded is one .http file.
type Recorded struct {
	Name string // file name without .http
	*probe.Recording
}

// LoadRecordings parses every *.http file in dir, in name order.
func LoadRecordings(dir string) ([]Recorded, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.http"))
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	var out []Recorded
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		rec, err := probe.ParseRecording(b)
		if err != nil {
			return nil, &os.PathError{Op: "parse", Path: p, Err: err}
		}
		name := filepath.Base(p)
		out = append(out, Recorded{Name: name[:len(name)-len(".http")], Recording: rec})
	}
	return out, nil
}

// Replay answers each request with the recorded answer to the same request
// (method, target and Authorization header), as the real wiki answered it;
// anything else gets NotFound.
func Replay(recs []Recorded) Answerer {
	return func(r *http.Request) []byte {
		line := r.Method + " " + r.RequestURI + " "
		for _, rec := range recs {
			req := rec.Request
			if len(req.Line) >= len(line) && req.Line[:len(line)] == line && req.Get("Authorization") == r.Header.Get("Authorization") {
				return rec.Wire()
			}
		}
		return NotFound(r)
	}
}
