// Command mwoauth-fakewiki serves a stand-in wiki (optionally behind an
// Envoy gateway) on 127.0.0.1, for trying "mwoauth token probe" offline:
// the guides start it to show --expiry without a real wiki.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/mwoauth/mwoauth/probe/probetest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(probetest.Main(ctx, os.Args[1:], os.Stdout, os.Stderr))
}
