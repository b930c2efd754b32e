package commands

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
)

// shellWords splits a shell line into words, honouring quotes, and stops at
// a comment. Good enough for the command lines in our Markdown.
func shellWords(line string) []string {
	var words []string
	var cur strings.Builder
	in, quote := false, byte(0)
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				cur.WriteByte(c)
			}
		case c == '\'' || c == '"':
			quote, in = c, true
		case c == '#' && !in:
			return words
		case c == ' ' || c == '\t':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		words = append(words, cur.String())
	}
	return words
}

// TestDocsMentionRealCommands: every "mwoauth ..." command line in the README
// and the guides names a command that exists and flags it accepts, so the
// prose cannot promise what the binary does not do.
func TestDocsMentionRealCommands(t *testing.T) {
	files, _ := filepath.Glob("../docs/guides/*.md")
	files = append(files, "../README.md")
	ios, _, _, _ := cmdutil.Test()
	root := NewCmdRoot(cmdutil.NewFactory(ios))
	root.InitDefaultHelpCmd()
	checked := 0
	for _, file := range files {
		fh, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		inCode, n := false, 0
		for sc.Scan() {
			n++
			line := sc.Text()
			if strings.HasPrefix(strings.TrimSpace(line), "```") {
				inCode = !inCode
				continue
			}
			if !inCode {
				continue
			}
			for _, seg := range strings.Split(line, "|") {
				words := shellWords(seg)
				for len(words) > 0 && words[0] != "mwoauth" {
					words = words[1:] // env assignments, xargs, go run ./cmd/...
				}
				if len(words) < 2 {
					continue
				}
				checkDocLine(t, root, file, n, words[1:])
				checked++
			}
		}
		fh.Close()
	}
	if checked < 20 {
		t.Fatalf("only %d command lines found in the docs", checked)
	}
}

func checkDocLine(t *testing.T, root *cobra.Command, file string, line int, args []string) {
	t.Helper()
	var path []string
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			break
		}
		path = append(path, a)
	}
	cmd, rest, err := root.Find(path)
	if err != nil || cmd == nil {
		t.Errorf("%s:%d: mwoauth %s: no such command (%v)", file, line, strings.Join(path, " "), err)
		return
	}
	// A group takes no arguments; a command that also has subcommands
	// (token scan, with merge) takes its own.
	if cmd.HasSubCommands() && !cmd.Runnable() && len(rest) > 0 {
		t.Errorf("%s:%d: mwoauth %s: no subcommand %q", file, line, cmd.CommandPath(), rest[0])
		return
	}
	for _, a := range args {
		if !strings.HasPrefix(a, "--") || a == "--" {
			continue
		}
		name, _, _ := strings.Cut(a[2:], "=")
		if cmd.Flags().Lookup(name) == nil && cmd.InheritedFlags().Lookup(name) == nil && root.PersistentFlags().Lookup(name) == nil {
			t.Errorf("%s:%d: %s has no flag --%s", file, line, cmd.CommandPath(), name)
		}
	}
}
