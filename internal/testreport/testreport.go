// Package testreport reads `go test -json` and prints what `go test` prints
// without -v (a line per package, the output of failing tests only), and
// lists every skipped test. With FailOnSkip (CI), a skip that the allow-list
// does not name fails the run: under CI=true a missing server, tool or
// ../shared must be a failure, and a test that skips for such a reason would
// otherwise pass unseen.
package testreport

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Elapsed float64
	Output  string
}

// Allowed is one allow-list entry: a package, a test name (a trailing "*"
// matches any suffix, so "FuzzX/*" allows the fuzz inputs of FuzzX) and why
// the skip is acceptable even in CI.
type Allowed struct {
	Package, Test, Reason string
}

func (a Allowed) matches(pkg, test string) bool {
	if a.Package != pkg {
		return false
	}
	if prefix, ok := strings.CutSuffix(a.Test, "*"); ok {
		return strings.HasPrefix(test, prefix)
	}
	return a.Test == test
}

// ParseAllowList reads "PACKAGE TEST  # reason" lines; blank lines and lines
// starting with # are comments. Every entry needs a reason.
func ParseAllowList(r io.Reader) ([]Allowed, error) {
	var out []Allowed
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		spec, reason, _ := strings.Cut(line, "#")
		f := strings.Fields(spec)
		reason = strings.TrimSpace(reason)
		if len(f) != 2 || reason == "" {
			return nil, fmt.Errorf("line %d: want \"PACKAGE TEST  # reason\", got %q", n, line)
		}
		out = append(out, Allowed{Package: f[0], Test: f[1], Reason: reason})
	}
	return out, sc.Err()
}

// Skip is a skipped test and the reason it printed.
type Skip struct {
	Package, Test, Reason string
	Allowed               *Allowed // nil when no allow-list entry names it
}

// Result sums up a run.
type Result struct {
	Failed     []string // "pkg" or "pkg Test"
	Skips      []Skip
	Unexpected []Skip // skips the allow-list does not name
}

// OK reports whether the run passed (with failOnSkip: and skipped nothing
// unexpected).
func (r *Result) OK(failOnSkip bool) bool {
	return len(r.Failed) == 0 && (!failOnSkip || len(r.Unexpected) == 0)
}

// Report reads events from in and writes the go-test-like summary to out as
// packages finish. Lines that are not JSON (build errors go test prints
// as text) are copied through.
func Report(in io.Reader, out io.Writer, allow []Allowed) (*Result, error) {
	res := &Result{}
	type key struct{ pkg, test string }
	output := map[key][]string{}
	var order []key
	start := time.Now()
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Bytes()
		var ev event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &ev) != nil {
			fmt.Fprintf(out, "%s\n", line)
			continue
		}
		k := key{ev.Package, ev.Test}
		switch ev.Action {
		case "output":
			if _, seen := output[k]; !seen {
				order = append(order, k)
			}
			output[k] = append(output[k], ev.Output)
		case "skip":
			if ev.Test == "" { // a package without test files: its "?" line
				for _, l := range output[k] {
					fmt.Fprint(out, l)
				}
				delete(output, k)
				continue
			}
			s := Skip{Package: ev.Package, Test: ev.Test, Reason: skipReason(output[k])}
			for i := range allow {
				if allow[i].matches(ev.Package, ev.Test) {
					s.Allowed = &allow[i]
					break
				}
			}
			res.Skips = append(res.Skips, s)
			if s.Allowed == nil {
				res.Unexpected = append(res.Unexpected, s)
			}
		case "fail":
			if ev.Test != "" {
				res.Failed = append(res.Failed, ev.Package+" "+ev.Test)
				for _, l := range output[k] {
					if !strings.HasPrefix(l, "=== ") {
						fmt.Fprint(out, l)
					}
				}
				continue
			}
			res.Failed = append(res.Failed, ev.Package)
			fallthrough
		case "pass":
			if ev.Test != "" {
				continue
			}
			// The package's own output: go test's "ok"/"FAIL" summary line
			// and, for a failing package, what it printed outside tests.
			for _, l := range output[key{ev.Package, ""}] {
				if ev.Action == "fail" || strings.HasPrefix(l, "ok ") || strings.HasPrefix(l, "?") {
					fmt.Fprint(out, l)
				}
			}
			for _, kk := range order {
				if kk.pkg == ev.Package {
					delete(output, kk)
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		return res, err
	}
	sort.Slice(res.Skips, func(i, j int) bool {
		return res.Skips[i].Package+" "+res.Skips[i].Test < res.Skips[j].Package+" "+res.Skips[j].Test
	})
	fmt.Fprintf(out, "tests: %d failed, %d skipped (%d not on the allow-list) in %v\n",
		len(res.Failed), len(res.Skips), len(res.Unexpected), time.Since(start).Round(time.Second))
	return res, nil
}

// skipReason is the last line a test logged before it was skipped
// ("    foo_test.go:12: no sqlite3"), or "" when it said nothing.
func skipReason(lines []string) string {
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if l == "" || strings.HasPrefix(l, "=== ") || strings.HasPrefix(l, "--- SKIP") {
			continue
		}
		return l
	}
	return ""
}
