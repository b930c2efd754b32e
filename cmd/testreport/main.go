// Command testreport reads `go test -json` on stdin, prints what go test
// prints without -v, lists the skipped tests, and with -fail-on-skip (CI)
// exits 1 when a test skipped that the allow-list does not name.
// scripts/test.sh runs it; the allow-list is .ci/allowed-skips.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/mwoauth/mwoauth/internal/testreport"
)

func main() {
	allowPath := flag.String("allow", "", "allow-list of skips: PACKAGE TEST  # reason")
	failOnSkip := flag.Bool("fail-on-skip", false, "fail when a test not on the allow-list skipped")
	flag.Parse()
	var allow []testreport.Allowed
	if *allowPath != "" {
		f, err := os.Open(*allowPath)
		if err != nil {
			fmt.Fprintln(os.Stderr, "testreport:", err)
			os.Exit(2)
		}
		allow, err = testreport.ParseAllowList(f)
		f.Close()
		if err != nil {
			fmt.Fprintf(os.Stderr, "testreport: %s: %v\n", *allowPath, err)
			os.Exit(2)
		}
	}
	res, err := testreport.Report(os.Stdin, os.Stdout, allow)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testreport:", err)
		os.Exit(1)
	}
	for _, s := range res.Skips {
		why := "NOT ALLOWED"
		if s.Allowed != nil {
			why = "allowed: " + s.Allowed.Reason
		}
		fmt.Printf("skipped: %s %s: %s (%s)\n", s.Package, s.Test, s.Reason, why)
	}
	if len(res.Unexpected) > 0 && *failOnSkip {
		fmt.Printf("FAIL: %d test(s) skipped under CI=true; a missing tool, server or ../shared must fail, not skip (or add a justified entry to %s)\n", len(res.Unexpected), *allowPath)
	}
	if !res.OK(*failOnSkip) {
		os.Exit(1)
	}
}
