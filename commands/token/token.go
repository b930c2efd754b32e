// Package token holds the "mwoauth token" commands.
package token

import (
	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
)

// NewCmdToken builds the "token" group.
func NewCmdToken(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.Group(&cobra.Command{
		Use:   "token <command>",
		Short: "Decode, verify, re-mint, mint and scan OAuth 2 access tokens",
	})
	cmd.AddCommand(newCmdScan(f))
	return cmd
}
