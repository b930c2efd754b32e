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
	v, _, _ := buildInfo()
	return v
}

// buildInfo is what version reports: the ldflags of a release build, else
// what the Go toolchain stamped into the binary (the module version of a
// go install build; vcs.revision and vcs.time of a build in a checkout,
// "-dirty" when it had local changes).
func buildInfo() (ver, rev, when string) {
	bi, _ := debug.ReadBuildInfo()
	return buildInfoFrom(bi)
}

func buildInfoFrom(bi *debug.BuildInfo) (ver, rev, when string) {
	ver, rev, when = version, commit, date
	if bi == nil {
		if ver == "" {
			ver = "dev"
		}
		return ver, rev, when
	}
	if ver == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		ver = bi.Main.Version
	}
	if ver == "" {
		ver = "dev"
	}
	if rev == "" {
		modified := false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				if when == "" {
					when = s.Value
				}
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if rev != "" && modified {
			rev += "-dirty"
		}
	}
	return ver, rev, when
}

// VersionOptions is what "version" prints: the build's version, commit
// and date (buildInfo) and the runtime's.
type VersionOptions struct {
	IO                     *cmdutil.IOStreams
	Version, Commit, Built string
	Format                 string
}

// NewCmdVersion builds "version"; runF, when not nil, replaces versionRun.
func NewCmdVersion(f *cmdutil.Factory, runF func(*VersionOptions) error) *cobra.Command {
	opts := &VersionOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version of mwoauth",
		Long: `Version prints the release version (or the module version of a go install
build, or "dev"), the commit and its date (a release's, or the checkout's a
binary was built from, "-dirty" with local changes), the Go version and the
platform. --output json prints {"version", "commit", "date", "go",
"platform"}.`,
		Example: "  mwoauth version\n  mwoauth version --output json",
		Args:    cmdutil.Args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if opts.Format, err = cmdutil.OutputFormat(cmd); err != nil {
				return err
			}
			opts.Version, opts.Commit, opts.Built = buildInfo()
			return cmdutil.Pick(runF, versionRun)(opts)
		},
	}
	cmdutil.AddOutputFlag(cmd, "text", "json")
	return cmd
}

func versionRun(opts *VersionOptions) error {
	info := map[string]string{
		"version": opts.Version, "commit": opts.Commit, "date": opts.Built,
		"go": runtime.Version(), "platform": runtime.GOOS + "/" + runtime.GOARCH,
	}
	w := opts.IO.Out
	if opts.Format == "json" {
		return cmdutil.WriteJSON(w, info)
	}
	fmt.Fprintf(w, "mwoauth %s", opts.Version)
	if opts.Commit != "" {
		fmt.Fprintf(w, " (%s", opts.Commit)
		if opts.Built != "" {
			fmt.Fprintf(w, ", %s", opts.Built)
		}
		fmt.Fprint(w, ")")
	}
	fmt.Fprintf(w, " %s %s\n", info["go"], info["platform"])
	return nil
}
