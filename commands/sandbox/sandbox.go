// Package sandbox holds "mwoauth sandbox", the embedded practice wiki.
package sandbox

import (
	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
)

// NewCmdSandbox builds the "sandbox" command.
func NewCmdSandbox(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "sandbox [DIR]",
		Short: "Create a practice wiki (SQLite) with consumers, tokens and keys",
		Args:  cmdutil.Args(cobra.MaximumNArgs(1)),
		RunE:  func(*cobra.Command, []string) error { return cmdutil.Exitf(cmdutil.ExitFailure, "not implemented yet") },
	}
}
