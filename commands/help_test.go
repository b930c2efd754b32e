package commands

import (
	"fmt"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
)

// TestEveryCommandDocumented: every command a user can run, the generated
// ones (help, completion) included, has Short, Long and an Example, and
// every command that prints data has an --output flag.
func TestEveryCommandDocumented(t *testing.T) {
	ios, _, _, _ := cmdutil.Test()
	root := NewCmdRoot(cmdutil.NewFactory(ios))
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	// Commands whose output is a script or help text, not data.
	noOutputFlag := map[string]bool{
		"mwoauth help": true, "mwoauth completion bash": true, "mwoauth completion zsh": true,
		"mwoauth completion fish": true, "mwoauth completion powershell": true,
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		path := c.CommandPath()
		topic := !c.Runnable() && !c.HasSubCommands() // help topics (exit-codes, environment)
		if !topic {
			if c.Short == "" || c.Long == "" || c.Example == "" {
				t.Errorf("%s: Short %q, Long %d bytes, Example %d bytes: all three are required", path, c.Short, len(c.Long), len(c.Example))
			}
			if c.Runnable() && !c.HasSubCommands() && !noOutputFlag[path] && c.Flags().Lookup("output") == nil {
				t.Errorf("%s prints data but has no --output flag", path)
			}
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
}

// TestPartialTreeActsLikeWholeTree: Main builds only the noun a command
// line names (newCmdRootFor). For every command under a noun, its help, an
// unknown flag and an unknown subcommand give the same output, error and
// exit code as with the whole tree.
func TestPartialTreeActsLikeWholeTree(t *testing.T) {
	run := func(build func(*cmdutil.Factory, []string) *cobra.Command, args []string) string {
		ios, _, out, errOut := cmdutil.Test()
		root := build(cmdutil.NewFactory(ios), args)
		root.SetArgs(args)
		err := root.Execute()
		return fmt.Sprintf("out:\n%s\nerr:\n%s\nerror: %v\ncode: %d", out, errOut, err, cmdutil.ExitCode(err))
	}
	whole := func(f *cmdutil.Factory, _ []string) *cobra.Command { return NewCmdRoot(f) }
	// Nothing here should touch the user's files; if it did, not theirs.
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	t.Chdir(t.TempDir())
	ios, _, _, _ := cmdutil.Test()
	checked := 0
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		path := strings.Fields(c.CommandPath())[1:]
		if len(path) > 0 {
			extras := [][]string{{"--help"}, {"--no-such-flag"}}
			if c.HasSubCommands() && !c.Runnable() {
				// Only where it cannot run anything: a runnable command
				// would take it as an argument (sandbox would create a
				// directory).
				extras = append(extras, []string{"no-such-command"})
			}
			for _, extra := range extras {
				args := append(append([]string{}, path...), extra...)
				if len(args) < 2 {
					continue // a noun alone gets the whole tree anyway
				}
				if got, want := run(newCmdRootFor, args), run(whole, args); got != want {
					t.Errorf("mwoauth %s:\npartial tree:\n%s\nwhole tree:\n%s", strings.Join(args, " "), got, want)
				}
				checked++
			}
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	for _, c := range NewCmdRoot(cmdutil.NewFactory(ios)).Commands() {
		for _, tc := range topCommands {
			if c.Name() == tc.name {
				walk(c)
			}
		}
	}
	if checked < 30 {
		t.Fatalf("only %d command lines checked", checked)
	}
	// And the partial tree is partial.
	if n := len(newCmdRootFor(cmdutil.NewFactory(ios), []string{"token", "verify"}).Commands()); n != 1 {
		t.Errorf("partial tree for token verify has %d top-level commands, want token alone", n)
	}
}
