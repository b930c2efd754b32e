package testreport

import (
	"strings"
	"testing"
)

// A stream as `go test -json` writes it (cmd/test2json): a passing package
// with an allowed and an unexpected skip, a failing test, a package without
// test files and a build error printed as text.
const stream = `{"Action":"start","Package":"m/a"}
{"Action":"run","Package":"m/a","Test":"TestOK"}
{"Action":"output","Package":"m/a","Test":"TestOK","Output":"=== RUN   TestOK\n"}
{"Action":"pass","Package":"m/a","Test":"TestOK","Elapsed":0}
{"Action":"run","Package":"m/a","Test":"TestNeedsShared"}
{"Action":"output","Package":"m/a","Test":"TestNeedsShared","Output":"=== RUN   TestNeedsShared\n"}
{"Action":"output","Package":"m/a","Test":"TestNeedsShared","Output":"    a_test.go:12: upstream schema not present (../shared/mediawiki-schema)\n"}
{"Action":"output","Package":"m/a","Test":"TestNeedsShared","Output":"--- SKIP: TestNeedsShared (0.00s)\n"}
{"Action":"skip","Package":"m/a","Test":"TestNeedsShared","Elapsed":0}
{"Action":"output","Package":"m/a","Test":"FuzzX/seed#1","Output":"--- SKIP: FuzzX/seed#1 (0.00s)\n"}
{"Action":"skip","Package":"m/a","Test":"FuzzX/seed#1","Elapsed":0}
{"Action":"output","Package":"m/a","Output":"ok  \tm/a\t0.01s\n"}
{"Action":"pass","Package":"m/a","Elapsed":0.01}
{"Action":"run","Package":"m/b","Test":"TestBroken"}
{"Action":"output","Package":"m/b","Test":"TestBroken","Output":"=== RUN   TestBroken\n"}
{"Action":"output","Package":"m/b","Test":"TestBroken","Output":"    b_test.go:7: got 1, want 2\n"}
{"Action":"output","Package":"m/b","Test":"TestBroken","Output":"--- FAIL: TestBroken (0.00s)\n"}
{"Action":"fail","Package":"m/b","Test":"TestBroken","Elapsed":0}
{"Action":"output","Package":"m/b","Output":"FAIL\n"}
{"Action":"output","Package":"m/b","Output":"FAIL\tm/b\t0.02s\n"}
{"Action":"fail","Package":"m/b","Elapsed":0.02}
{"Action":"output","Package":"m/c","Output":"?   \tm/c\t[no test files]\n"}
{"Action":"skip","Package":"m/c","Elapsed":0}
# m/d
d/d.go:3:1: syntax error
`

func TestReport(t *testing.T) {
	allow, err := ParseAllowList(strings.NewReader("# fuzz inputs the target declines\nm/a FuzzX/*  # non-ASCII input\n"))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	res, err := Report(strings.NewReader(stream), &out, allow)
	if err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"ok  \tm/a\t0.01s\n",
		"    b_test.go:7: got 1, want 2\n--- FAIL: TestBroken (0.00s)\n",
		"FAIL\tm/b\t0.02s\n",
		"?   \tm/c\t[no test files]\n",
		"# m/d\nd/d.go:3:1: syntax error\n",
		"tests: 2 failed, 2 skipped (1 not on the allow-list)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "=== RUN") || strings.Contains(got, "TestOK") {
		t.Errorf("output of passing tests printed:\n%s", got)
	}
	if len(res.Failed) != 2 || res.Failed[0] != "m/b TestBroken" || res.Failed[1] != "m/b" {
		t.Errorf("Failed = %q", res.Failed)
	}
	if len(res.Unexpected) != 1 || res.Unexpected[0].Test != "TestNeedsShared" ||
		res.Unexpected[0].Reason != "a_test.go:12: upstream schema not present (../shared/mediawiki-schema)" {
		t.Errorf("Unexpected = %+v", res.Unexpected)
	}
	if len(res.Skips) != 2 || res.Skips[0].Allowed == nil || res.Skips[0].Test != "FuzzX/seed#1" {
		t.Errorf("Skips = %+v", res.Skips)
	}
	if res.OK(false) || res.OK(true) {
		t.Error("a run with a failing test passed")
	}
}

func TestOKFailsOnUnexpectedSkipOnlyInCI(t *testing.T) {
	r := &Result{Unexpected: []Skip{{Package: "m/a", Test: "TestX"}}}
	if !r.OK(false) || r.OK(true) {
		t.Errorf("OK(false)=%v OK(true)=%v, want true, false", r.OK(false), r.OK(true))
	}
}

func TestParseAllowListNeedsReason(t *testing.T) {
	for _, bad := range []string{"m/a TestX\n", "m/a  # why\n", "m/a TestX extra # why\n"} {
		if _, err := ParseAllowList(strings.NewReader(bad)); err == nil {
			t.Errorf("ParseAllowList(%q) accepted", bad)
		}
	}
}

// FuzzReport: no input stream or allow-list makes Report or
// ParseAllowList panic, and every skip is counted once.
func FuzzReport(f *testing.F) {
	f.Add([]byte(stream), []byte("m/a FuzzX/*  # non-ASCII input\n"))
	f.Fuzz(func(t *testing.T, in, allowList []byte) {
		allow, _ := ParseAllowList(strings.NewReader(string(allowList)))
		var out strings.Builder
		res, err := Report(strings.NewReader(string(in)), &out, allow)
		if err != nil {
			return
		}
		n := 0
		for _, s := range res.Skips {
			if s.Allowed == nil {
				n++
			}
		}
		if n != len(res.Unexpected) {
			t.Fatalf("%d skips without an entry, %d unexpected", n, len(res.Unexpected))
		}
	})
}
