package probetest

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"
)

// Main is mwoauth-fakewiki: a stand-in wiki on a loopback port for trying
// "mwoauth token probe" without a wiki (the guides use it). It prints its
// URL on a line of its own, then serves until ctx is done.
//
//	mwoauth-fakewiki [--gateway] [--skew 60s] [--replay DIR]
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mwoauth-fakewiki", flag.ContinueOnError)
	fs.SetOutput(stderr)
	gateway := fs.Bool("gateway", false, "put an Envoy jwt_authn in front of the wiki")
	skew := fs.Duration("skew", 60*time.Second, "the gateway's clock_skew_seconds")
	replay := fs.String("replay", "", "serve the recorded answers in `dir` (*.http) instead, to the requests they were recorded for")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `usage: mwoauth-fakewiki [--gateway] [--skew 60s] [--replay DIR]

A stand-in wiki on 127.0.0.1 for "mwoauth token probe": its Action API and
rest.php/oauth2/resource/profile accept a bearer token while exp > now and
refuse it as MediaWiki does from exp on; with --gateway, an Envoy in front
refuses it once now > exp + skew, as jwt_authn does. Signatures are not
checked. It prints its URL, then serves until interrupted.`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	var a Answerer
	if *replay != "" {
		recs, err := LoadRecordings(*replay)
		if err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 1
		}
		if len(recs) == 0 {
			fmt.Fprintf(stderr, "error: no *.http recordings in %s\n", *replay)
			return 1
		}
		a = Replay(recs)
	} else {
		a = (&Wiki{Now: time.Now, Gateway: *gateway, Skew: *skew}).Answer
	}
	srv, err := Start(a)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	defer srv.Close()
	fmt.Fprintln(stdout, srv.URL)
	<-ctx.Done()
	return 0
}
