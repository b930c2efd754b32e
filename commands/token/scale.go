package token

import (
	"errors"
	"io/fs"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
)

// scaleSettings is how far a scan or a merge may grow before it spills,
// and where to: --memory-limit and --temp-dir, which token scan and token
// scan merge share, resolved, checked and applied here for both.
type scaleSettings struct {
	MemoryLimit int64  // bytes (setting memory-limit)
	TempDir     string // "" is $TMPDIR
}

func (s *scaleSettings) addFlags(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.String("memory-limit", "", "Memory bound, e.g. 256MiB, 1GiB, 512M (default: a quarter of the memory, at most 1 GiB); past it the state spills to --temp-dir")
	fl.StringVar(&s.TempDir, "temp-dir", "", "`Directory` for the state past --memory-limit (default $TMPDIR, else /tmp)")
}

// bind resolves memory-limit (flag, profile, environment; default
// min(1 GiB, RAM/4)).
func (s *scaleSettings) bind(cmd *cobra.Command, f *cmdutil.Factory) error {
	var v cmdutil.Value
	if err := f.Bind(cmd, cmdutil.ValueSetting("memory-limit", &v)); err != nil {
		return err
	}
	if v.Value == "" {
		s.MemoryLimit = defaultMemoryLimit()
		return nil
	}
	n, err := parseSize(v.Value)
	switch {
	case err != nil:
		return cmdutil.FlagErrorf("%s %s: %v", v.Origin(), v.Value, err)
	case n < minMemoryLimit:
		return cmdutil.FlagErrorf("%s %s: the smallest limit is %s", v.Origin(), v.Value, humanSize(minMemoryLimit))
	}
	s.MemoryLimit = n
	return nil
}

// check refuses a --temp-dir that is not a directory now, rather than
// when the scan first spills, maybe an hour in.
func (s *scaleSettings) check() error {
	if s.TempDir == "" {
		return nil
	}
	st, err := os.Stat(s.TempDir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return cmdutil.Exitf(cmdutil.ExitNotFound, "--temp-dir %s does not exist", s.TempDir)
	case err != nil:
		return cmdutil.Exitf(cmdutil.ExitFailure, "--temp-dir: %v", err)
	case !st.IsDir():
		return cmdutil.Exitf(cmdutil.ExitUsage, "--temp-dir %s is not a directory", s.TempDir)
	}
	return nil
}

// limitRuntime sets the Go runtime's memory limit to MemoryLimit
// (GOMEMLIMIT, when set, is the user's) and the collector's GOGC to 200
// (GOGC, when set, likewise); it returns the function that restores both.
//
// What a scan keeps grows slowly (one entry per distinct token); what it
// throws away is crypto/rsa's few KiB per verification. At GOGC 100 the
// collector then runs every few megabytes while the kept heap is small:
// about 2 % of a scan of distinct tokens. At 200 it runs half as often;
// the memory limit keeps the heap within --memory-limit all the same.
func (s *scaleSettings) limitRuntime() (restore func()) {
	oldGC, oldLimit := -2, int64(-1)
	if _, set := os.LookupEnv("GOGC"); !set { //nolint:forbidigo // the Go runtime's variable, not a setting
		oldGC = debug.SetGCPercent(200)
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set && s.MemoryLimit > 0 { //nolint:forbidigo // the Go runtime's variable, not a setting
		oldLimit = debug.SetMemoryLimit(s.MemoryLimit)
	}
	return func() {
		if oldGC != -2 {
			debug.SetGCPercent(oldGC)
		}
		if oldLimit >= 0 {
			debug.SetMemoryLimit(oldLimit)
		}
	}
}
