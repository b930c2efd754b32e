package token

import (
	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
)

// newCmdScan is a placeholder until the scan command lands.
func newCmdScan(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:    "scan [FILE...]",
		Short:  "Find and verify every token in access or application logs",
		Hidden: true,
		RunE:   func(*cobra.Command, []string) error { return cmdutil.Exitf(cmdutil.ExitFailure, "not implemented yet") },
	}
}
