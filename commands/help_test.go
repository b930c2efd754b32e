package commands

import (
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
