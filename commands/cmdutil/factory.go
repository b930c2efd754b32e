package cmdutil

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mwoauth/mwoauth/jwtutil"
)

// Factory carries what commands may need. Costly or fallible dependencies
// are funcs, so a command that never reads the config never opens it.
type Factory struct {
	IO *IOStreams
	// Now is the clock tokens are judged at: MWOAUTH_NOW when it is set
	// (tests, reproducible docs), else the real time.
	Now func() time.Time
	// WallNow is the real clock, whatever MWOAUTH_NOW says: what a write
	// to a wiki stamps (log_timestamp, oarc_stage_timestamp). A pinned
	// clock never stamps a write.
	WallNow func() time.Time
	// ClockPinned: MWOAUTH_NOW is set (a write may say it ignores it).
	ClockPinned bool

	// ConfigPath, Profile and NoProfile are set from the root's
	// persistent flags (--config, --profile, --no-profile).
	ConfigPath string
	Profile    string
	NoProfile  bool
	// ConfigExplicit: ConfigPath was given with --config, so a file that
	// does not exist is a mistake, not an empty configuration.
	ConfigExplicit bool

	// Getenv reads the environment (os.Getenv when nil); tests of the
	// settings resolver replace it.
	Getenv func(string) string

	// CompleteTimeout bounds a shell completion's database reads
	// (CompleteTimeout when zero).
	CompleteTimeout time.Duration

	// ClockErr is set when MWOAUTH_NOW is set but unreadable: the root
	// refuses to run rather than silently judge at the real time.
	ClockErr error

	once   sync.Once
	config *Config
	cfgErr error

	warned map[string]bool
}

// NewFactory builds the factory for a real process. MWOAUTH_NOW (RFC 3339 or
// unix seconds) pins the clock: tests and reproducible docs use it.
func NewFactory(ios *IOStreams) *Factory {
	now, err := ClockFromEnv()
	return &Factory{IO: ios, Now: now, WallNow: time.Now, ClockPinned: os.Getenv("MWOAUTH_NOW") != "", ClockErr: err}
}

// ClockFromEnv returns time.Now, or a fixed instant from MWOAUTH_NOW. An
// unreadable MWOAUTH_NOW is an error (with time.Now as the clock).
func ClockFromEnv() (func() time.Time, error) {
	v := os.Getenv("MWOAUTH_NOW")
	if v == "" {
		return time.Now, nil
	}
	t, err := ParseTime(v)
	if err != nil {
		return time.Now, fmt.Errorf("MWOAUTH_NOW: %w", err)
	}
	return func() time.Time { return t }, nil
}

// Config loads the configuration once.
func (f *Factory) Config() (*Config, error) {
	f.once.Do(func() {
		f.config, f.cfgErr = LoadConfig(ConfigPath(f.ConfigPath), f.Profile, f.NoProfile, f.getenv)
		if f.cfgErr == nil && f.ConfigExplicit && !f.config.Exists {
			f.config, f.cfgErr = nil, FlagErrorf("--config %s: no such file (mwoauth config set KEY VALUE --profile NAME --config FILE creates one)", f.ConfigPath)
		}
	})
	return f.config, f.cfgErr
}

// Env reads one environment variable through the factory (Getenv).
func (f *Factory) Env(name string) string { return f.getenv(name) }

// LookupEnv is os.LookupEnv through the factory: with Getenv replaced
// (tests), a variable is set when it is not empty.
func (f *Factory) LookupEnv(name string) (string, bool) {
	if f.Getenv != nil {
		v := f.Getenv(name)
		return v, v != ""
	}
	return os.LookupEnv(name)
}

func (f *Factory) getenv(name string) string {
	if f.Getenv != nil {
		return f.Getenv(name)
	}
	return os.Getenv(name)
}

// WarnOnce prints a warning on stderr the first time id is seen in this run.
func (f *Factory) WarnOnce(id, msg string) {
	if f.warned[id] {
		return
	}
	if f.warned == nil {
		f.warned = map[string]bool{}
	}
	f.warned[id] = true
	fmt.Fprintln(f.IO.ErrOut, f.IO.Styles().Warn.Render(msg))
}

// ParseTime accepts RFC 3339 (with or without fractional seconds), a date
// alone (UTC midnight), or unix seconds (fractions allowed).
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	// Digits (unix seconds) go through the claim parser, which keeps
	// microseconds exactly (float64 would make ...525625 ...525624990).
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		t, err := jwtutil.ParseNumericDate(s)
		if err != nil {
			return time.Time{}, fmt.Errorf("invalid time %q: %w", s, err)
		}
		return t, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid time %q (want RFC 3339 like 2026-11-22T10:00:00Z, or unix seconds)", s)
}

// Pick is cli/cli's runF seam written once: a command's RunE ends with
// Pick(runF, xRun)(opts), which runs the test's runF when one was given
// (to check what the flags parsed into) and the command's own run
// function otherwise.
func Pick[T any](runF, run func(T) error) func(T) error {
	if runF != nil {
		return runF
	}
	return run
}
