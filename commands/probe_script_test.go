package commands

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/mwoauth/mwoauth/probe/probetest"
)

// recordedAnswersCondition is the [recorded-answers] script condition: the
// real wiki's answers are next to the checkout. Under CI=true their absence
// fails the script instead of skipping it.
func recordedAnswersCondition(cond string) (bool, error) {
	if cond != "recorded-answers" {
		return false, fmt.Errorf("unknown condition %q", cond)
	}
	if probetest.FindResponses(".") != "" {
		return true, nil
	}
	if os.Getenv("CI") == "true" {
		return false, fmt.Errorf("%s not found next to the checkout", probetest.ResponsesDir)
	}
	return false, nil
}

// cmdProbeServer starts a loopback server for "token probe" scripts and
// sets VAR to its URL; it stops when the script ends.
//
//	probeserver VAR replay          the real wiki's recorded answers (../shared)
//	probeserver VAR gateway [STATUS] Envoy's refusal (default "Jwt is expired")
//	probeserver VAR html502         a proxy's 502 page
//	probeserver VAR ratelimit N     429 with Retry-After: N
//	probeserver VAR redirect URL    302 to URL
//	probeserver VAR wiki SKEW       a wiki behind Envoy with clock skew SKEW, judging exp by the real clock
//	probeserver VAR wiki-alone      the same wiki without a gateway
//	probeserver VAR closed          a port nothing listens on
func cmdProbeServer(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: probeserver VAR MODE [ARG]")
	}
	arg := ""
	if len(args) > 2 {
		arg = args[2]
	}
	var a probetest.Answerer
	switch args[1] {
	case "replay":
		dir := probetest.FindResponses(".")
		if dir == "" {
			ts.Fatalf("%s not found next to the checkout (guard the script with [recorded-answers])", probetest.ResponsesDir)
		}
		recs, err := probetest.LoadRecordings(dir)
		ts.Check(err)
		a = probetest.Replay(recs)
	case "gateway":
		if arg == "" {
			arg = "Jwt is expired"
		}
		a = probetest.Gateway(arg)
	case "html502":
		a = probetest.HTML502
	case "ratelimit":
		n, err := strconv.Atoi(arg)
		ts.Check(err)
		a = probetest.RateLimited(n)
	case "redirect":
		a = probetest.Redirect(arg)
	case "wiki", "wiki-alone":
		w := &probetest.Wiki{Now: time.Now, Gateway: args[1] == "wiki"}
		if w.Gateway {
			d, err := time.ParseDuration(arg)
			ts.Check(err)
			w.Skew = d
		}
		a = w.Answer
	case "closed":
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		ts.Check(err)
		addr := ln.Addr().String()
		ts.Check(ln.Close())
		ts.Setenv(args[0], "http://"+addr)
		return
	default:
		ts.Fatalf("probeserver: unknown mode %q", args[1])
	}
	srv, err := probetest.Start(a)
	ts.Check(err)
	ts.Defer(srv.Close)
	ts.Setenv(args[0], srv.URL)
}
