package cmdutil

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
)

// Factory carries what commands may need. Costly or fallible dependencies
// are funcs, so a command that never reads the config never opens it.
type Factory struct {
	IO  *IOStreams
	Now func() time.Time

	// ConfigPath and Profile are set from the root's persistent flags.
	ConfigPath string
	Profile    string

	once   sync.Once
	config *Config
	cfgErr error
}

// NewFactory builds the factory for a real process. MWOAUTH_NOW (RFC 3339 or
// unix seconds) pins the clock: tests and reproducible docs use it.
func NewFactory(ios *IOStreams) *Factory {
	return &Factory{IO: ios, Now: ClockFromEnv()}
}

// ClockFromEnv returns time.Now, or a fixed instant from MWOAUTH_NOW.
func ClockFromEnv() func() time.Time {
	if v := os.Getenv("MWOAUTH_NOW"); v != "" {
		if t, err := ParseTime(v); err == nil {
			return func() time.Time { return t }
		}
	}
	return time.Now
}

// Config loads the configuration once.
func (f *Factory) Config() (*Config, error) {
	f.once.Do(func() {
		f.config, f.cfgErr = LoadConfig(ConfigPath(f.ConfigPath), f.Profile)
	})
	return f.config, f.cfgErr
}

// Setting resolves one setting for cmd: flag, env, profile, flag default.
func (f *Factory) Setting(cmd *cobra.Command, key string) (string, error) {
	cfg, err := f.Config()
	if err != nil {
		return "", err
	}
	return cfg.Value(cmd, key), nil
}

// ParseTime accepts RFC 3339 (with or without fractional seconds), a date
// alone (UTC midnight), or unix seconds (fractions allowed).
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if sec, frac, ok := strings.Cut(s, "."); isDigits(sec) && (!ok || isDigits(frac)) && len(sec) <= 18 {
		// Digit by digit, so 1795342075.525625 keeps its microseconds
		// exactly (float64 would make it ...525624990).
		n, _ := strconv.ParseInt(sec, 10, 64)
		frac = (frac + "000000000")[:9]
		ns, _ := strconv.ParseInt(frac, 10, 64)
		return time.Unix(n, ns).UTC(), nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		sec := int64(f)
		return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC(), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid time %q (want RFC 3339 like 2026-11-22T10:00:00Z, or unix seconds)", s)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
