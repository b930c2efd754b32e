// Package consumer holds the "mwoauth consumer" commands.
package consumer

import (
	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
)

// NewCmdConsumer builds the "consumer" group.
func NewCmdConsumer(f *cmdutil.Factory) *cobra.Command {
	return cmdutil.Group(&cobra.Command{
		Use:   "consumer <command>",
		Short: "Find, inspect, disable, re-enable and reject OAuth consumers",
	})
}
