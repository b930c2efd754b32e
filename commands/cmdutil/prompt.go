package cmdutil

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrPromptInterrupted is Ctrl-C at a prompt: the command stops at once,
// exit 130, and nothing is written. It is a context.Canceled, so Main keeps
// this message rather than a generic one.
var ErrPromptInterrupted error = promptInterrupted{}

type promptInterrupted struct{}

func (promptInterrupted) Error() string        { return "interrupted at the prompt; nothing written" }
func (promptInterrupted) Is(target error) bool { return target == context.Canceled }

// Prompt asks question on stderr and returns the line typed on stdin,
// without its line ending. ctx is the command's context from
// CatchInterrupt: Ctrl-C cancels it, and Prompt returns at once with
// ErrPromptInterrupted (exit 130) instead of waiting for Enter and taking the
// next line as the answer. End of input (Ctrl-D) is io.EOF.
func Prompt(ctx context.Context, ios *IOStreams, question string) (string, error) {
	fmt.Fprint(ios.ErrOut, question)
	type answer struct {
		line string
		err  error
	}
	ch := make(chan answer, 1)
	go func() {
		// One line, bounded: a paste of megabytes is not an answer.
		line, err := bufio.NewReaderSize(io.LimitReader(ios.In, 64<<10), 4096).ReadString('\n')
		ch <- answer{line, err}
	}()
	select {
	case <-ctx.Done():
		fmt.Fprintln(ios.ErrOut)
		return "", Exit(ExitInterrupted, ErrPromptInterrupted)
	case a := <-ch:
		if a.err != nil && a.line == "" {
			fmt.Fprintln(ios.ErrOut)
			return "", io.EOF
		}
		return strings.TrimRight(a.line, "\r\n"), nil
	}
}

// ConfirmTyped asks the user to type one of accept (a consumer's key or its
// exact name, or a count) to go ahead. A wrong answer, or end of input, is
// exit 10 with nothing written; Ctrl-C is exit 130.
func ConfirmTyped(ctx context.Context, ios *IOStreams, question string, accept ...string) error {
	line, err := Prompt(ctx, ios, question)
	if errors.Is(err, io.EOF) {
		return Exitf(ExitRefused, "not confirmed; nothing written")
	}
	if err != nil {
		return err
	}
	typed := strings.TrimSpace(line)
	for _, a := range accept {
		if a != "" && typed == a {
			return nil
		}
	}
	return Exitf(ExitRefused, "answer did not match; nothing written")
}
