package commands

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
)

// Set at release time by -ldflags "-X github.com/mwoauth/mwoauth/commands.version=...".
var (
	version = ""
	commit  = ""
	date    = ""
)

// Version reports the release version, or the module version for go install
// builds, or "dev".
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

func newCmdVersion(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version of mwoauth",
		Long: `Version prints the release version (or the module version of a go install
build, or "dev"), the commit and date of a release build, the Go version
and the platform. --output json prints {"version", "commit", "date", "go",
"platform"}.`,
		Example: "  mwoauth version\n  mwoauth version --output json",
		Args:    cmdutil.Args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := cmdutil.OutputFormat(cmd, "text", "json")
			if err != nil {
				return err
			}
			info := map[string]string{
				"version": Version(), "commit": commit, "date": date,
				"go": runtime.Version(), "platform": runtime.GOOS + "/" + runtime.GOARCH,
			}
			if format == "json" {
				return cmdutil.WriteJSON(f.IO.Out, info)
			}
			fmt.Fprintf(f.IO.Out, "mwoauth %s", info["version"])
			if commit != "" {
				fmt.Fprintf(f.IO.Out, " (%s, %s)", commit, date)
			}
			fmt.Fprintf(f.IO.Out, " %s %s\n", info["go"], info["platform"])
			return nil
		},
	}
	cmdutil.AddOutputFlag(cmd, "text", "json")
	return cmd
}
