package doctest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mwoauth/mwoauth/internal/procgroup"
)

// Failure is one way a document and the tool disagreed.
type Failure struct {
	Line   int    // Markdown line of the command (or of its block)
	What   string // "exit status 5, want 0", …
	Output string // what the block printed (stdout and stderr, interleaved)
}

func (f Failure) String() string {
	return fmt.Sprintf("%d: %s\n--- output of its block ---\n%s", f.Line, f.What, f.Output)
}

// Run executes s with bash in dir with exactly env (nothing inherited), its
// stdin empty, and returns the disagreements. When the shell ends, its whole
// process group is killed, so a server a document starts in the background
// does not outlive it. A non-nil error means the harness itself failed.
func Run(ctx context.Context, blocks []Block, dir string, env []string) ([]Failure, []byte, error) {
	tmp, err := os.MkdirTemp("", "doctest-")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(tmp)
	var nonce [8]byte
	_, _ = rand.Read(nonce[:])
	marker := "@@doc-test-block-" + hex.EncodeToString(nonce[:])
	status := filepath.Join(tmp, "status")
	s, err := Build(blocks, status, marker)
	if err != nil {
		return nil, nil, err
	}
	scriptPath := filepath.Join(tmp, "doc.sh")
	if err := os.WriteFile(scriptPath, []byte(s.Text), 0o600); err != nil {
		return nil, nil, err
	}
	// Output goes to a file, not a pipe: a process left in the background
	// keeps a pipe open, and Wait would wait for it.
	outFile, err := os.Create(filepath.Join(tmp, "output"))
	if err != nil {
		return nil, nil, err
	}
	defer outFile.Close()
	cmd := exec.CommandContext(ctx, "bash", "--noprofile", "--norc", scriptPath)
	cmd.Dir, cmd.Env = dir, env
	cmd.Stdout, cmd.Stderr = outFile, outFile // one file: output stays in order
	procgroup.Own(cmd)
	cmd.Cancel = func() error { return procgroup.Kill(cmd) }
	runErr := cmd.Run()
	_ = procgroup.Kill(cmd) // background leftovers
	outBytes, err := os.ReadFile(outFile.Name())
	if err != nil {
		return nil, nil, err
	}
	out := bytes.NewBuffer(outBytes)
	if ctx.Err() != nil {
		return nil, out.Bytes(), fmt.Errorf("the document's shell did not finish: %w", ctx.Err())
	}
	var ee *exec.ExitError
	if runErr != nil && !errors.As(runErr, &ee) {
		return nil, out.Bytes(), runErr
	}
	events, err := os.ReadFile(status)
	if err != nil && !os.IsNotExist(err) {
		return nil, out.Bytes(), err
	}
	outputs := splitOutput(out.Bytes(), marker, len(s.Blocks))
	blockOf := func(md int) int {
		k := -1
		for i, b := range s.Blocks {
			if b.Line <= md {
				k = i
			}
		}
		return k
	}
	var fails []Failure
	add := func(md int, what string) {
		f := Failure{Line: md, What: what}
		if k := blockOf(md); k >= 0 {
			f.Output = outputs[k]
		}
		fails = append(fails, f)
	}
	done := false
	for _, ev := range strings.Split(strings.TrimSpace(string(events)), "\n") {
		fields := strings.Fields(ev)
		switch {
		case len(fields) == 1 && fields[0] == "done":
			done = true
		case len(fields) == 3 && fields[0] == "fail":
			line, _ := strconv.Atoi(fields[1])
			md := s.MarkdownLine(line)
			add(md, fmt.Sprintf("exit status %s, want 0 (write \"# exit %s\" after the command if the text promises it): %s",
				fields[2], fields[2], commandAt(s.Blocks, md)))
		case len(fields) == 4 && fields[0] == "exit":
			md, _ := strconv.Atoi(fields[1])
			add(md, fmt.Sprintf("exit status %s, want %s: %s", fields[2], fields[3], commandAt(s.Blocks, md)))
		}
	}
	if !done {
		last := s.Blocks[len(s.Blocks)-1].Line
		if k := lastStarted(out.Bytes(), marker); k >= 0 {
			last = s.Blocks[k].Line
		}
		add(last, fmt.Sprintf("the shell stopped before the end of the document (%v): an unset variable (bash runs with -u), or an exit", runErr))
	}
	return fails, out.Bytes(), nil
}

// commandAt returns the Markdown text of line md, for the report.
func commandAt(blocks []Block, md int) string {
	for _, b := range blocks {
		if j := md - b.Line - 1; j >= 0 && j < len(b.Body) {
			return strings.TrimSpace(b.Body[j])
		}
	}
	return "?"
}

func splitOutput(out []byte, marker string, n int) []string {
	res := make([]string, n)
	k := -1
	for _, line := range strings.SplitAfter(string(out), "\n") {
		if rest, ok := strings.CutPrefix(line, marker+" "); ok {
			if i, err := strconv.Atoi(strings.TrimSpace(rest)); err == nil && i >= 0 && i < n {
				k = i
				continue
			}
		}
		if k >= 0 {
			res[k] += line
		}
	}
	for i := range res {
		res[i] = strings.TrimSuffix(res[i], "\n")
	}
	return res
}

func lastStarted(out []byte, marker string) int {
	i := bytes.LastIndex(out, []byte(marker+" "))
	if i < 0 {
		return -1
	}
	rest := out[i+len(marker)+1:]
	if j := bytes.IndexByte(rest, '\n'); j >= 0 {
		rest = rest[:j]
	}
	k, err := strconv.Atoi(string(rest))
	if err != nil {
		return -1
	}
	return k
}
