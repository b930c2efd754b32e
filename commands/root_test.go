package commands

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
)

// Whatever a command returns after Ctrl-C cancelled its context, the one
// line is "error: interrupted" and the exit status 130; a command that
// said more with 130 keeps its words, and other errors are untouched.
func TestInterruptedError(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		line string
		code int
	}{
		{"bare context.Canceled", context.Canceled, "error: interrupted", 130},
		{"wrapped by a library", fmt.Errorf("read wiki state: %w", context.Canceled), "error: interrupted", 130},
		{"in an exit error of another code", cmdutil.Exit(cmdutil.ExitFailure, fmt.Errorf("query: %w", context.Canceled)), "error: interrupted", 130},
		{"130 with context.Canceled's words", cmdutil.Exit(cmdutil.ExitInterrupted, context.Canceled), "error: interrupted", 130},
		{"130 with the command's own words", cmdutil.Exit(cmdutil.ExitInterrupted, cmdutil.ErrPromptInterrupted), "error: interrupted at the prompt; nothing written", 130},
		{"not an interruption", errors.New("no such consumer"), "error: no such consumer", 1},
		{"usage error", cmdutil.FlagErrorf("--reason is required"), "error: --reason is required", 2},
	} {
		err := interruptedError(c.err)
		if got := cmdutil.ErrorLine(err); got != c.line || cmdutil.ExitCode(err) != c.code {
			t.Errorf("%s: %q exit %d, want %q exit %d", c.name, got, cmdutil.ExitCode(err), c.line, c.code)
		}
	}
}
