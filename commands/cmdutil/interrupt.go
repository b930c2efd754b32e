package cmdutil

import (
	"context"
	"os"
	"os/signal"
	"sync"

	"github.com/spf13/cobra"
)

// Ctrl-C is caught only by commands that can run long or write: those that
// open a database, scan logs or create a sandbox. Catching it costs a
// thread (os/signal's receiver blocks in the kernel), a tenth of a
// millisecond of start-up, while verifying or decoding one token takes a
// few milliseconds in all: there, SIGINT's default (the process ends at
// once, status 130 to the shell) is what catching it would do anyway.
var interrupt struct {
	once sync.Once
	ctx  context.Context // cancelled by the first Ctrl-C
}

// CatchInterrupt makes Ctrl-C cancel cmd's context from now on and returns
// that context: the command then stops what it started (a transaction
// rolls back, a scan stops reading) and Main exits 130 ("interrupted").
// Call it before taking cmd.Context() for long work.
func CatchInterrupt(cmd *cobra.Command) context.Context {
	interrupt.once.Do(func() {
		interrupt.ctx, _ = signal.NotifyContext(context.Background(), os.Interrupt)
	})
	parent := cmd.Context()
	if parent == nil {
		parent = context.Background()
	}
	if parent.Value(caught{}) != nil {
		return parent // already called for this command
	}
	ctx, cancel := context.WithCancel(context.WithValue(parent, caught{}, true))
	context.AfterFunc(interrupt.ctx, cancel)
	cmd.SetContext(ctx)
	return ctx
}

type caught struct{}

// Interrupted reports whether Ctrl-C was caught.
func Interrupted() bool {
	return interrupt.ctx != nil && interrupt.ctx.Err() != nil
}
