// Package keys holds the "mwoauth keys" commands.
package keys

import (
	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
)

// NewCmdKeys builds the "keys" group.
func NewCmdKeys(f *cmdutil.Factory) *cobra.Command {
	return cmdutil.Group(&cobra.Command{
		Use:   "keys <command>",
		Short: "Generate, inspect and convert the wiki's OAuth 2 RSA keys",
	})
}
