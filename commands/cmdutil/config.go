package cmdutil

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Config is the configuration file and the profile selected for this run.
// The file's dialect is described at ConfigFile; settings are resolved by
// Factory.Resolve (flag > chosen profile > environment > default profile >
// built-in default).
type Config struct {
	Path   string      // the file read (may not exist)
	Exists bool        // the file exists
	File   *ConfigFile // the whole file

	ProfileName string            // "" when no profile is selected
	Profile     map[string]string // the selected profile's keys; nil when none
	// ProfileExplicit: chosen with --profile or MWOAUTH_PROFILE, rather
	// than the file's default. A chosen profile beats the environment;
	// the default one does not (see Resolve).
	ProfileExplicit bool
	// ProfileFrom says how the profile was selected: "--profile",
	// "MWOAUTH_PROFILE" or "default".
	ProfileFrom string
}

// ConfigPath returns the configuration file path: --config, $MWOAUTH_CONFIG,
// or $XDG_CONFIG_HOME/mwoauth/config (~/.config/mwoauth/config).
func ConfigPath(flagVal string) string {
	if flagVal != "" {
		return flagVal
	}
	if p := os.Getenv("MWOAUTH_CONFIG"); p != "" {
		return p
	}
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "mwoauth", "config")
}

// LoadConfig reads the file at path (a missing file is an empty config)
// and selects a profile: profile (the --profile flag), else
// MWOAUTH_PROFILE, else the file's default; none with noProfile. Naming a
// profile that does not exist is a usage error. getenv reads the
// environment (os.Getenv when nil).
func LoadConfig(path, profile string, noProfile bool, getenv func(string) string) (*Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	cf, exists, err := ReadConfigFile(path)
	if err != nil {
		return nil, err
	}
	c := &Config{Path: path, Exists: exists, File: cf}
	if noProfile {
		if profile != "" {
			return nil, FlagErrorf("--profile and --no-profile contradict each other")
		}
		return c, nil
	}
	from := "--profile"
	if profile == "" {
		profile, from = getenv("MWOAUTH_PROFILE"), "MWOAUTH_PROFILE"
	}
	if profile == "" {
		profile, from = cf.Default(), "default"
	}
	if profile == "" {
		return c, nil
	}
	if !cf.HasProfile(profile) {
		names := cf.Profiles()
		hint := "none defined"
		if len(names) > 0 {
			hint = "have: " + strings.Join(names, ", ")
		}
		where := from
		if from == "default" {
			where = "default = " + profile
		}
		return nil, Exitf(ExitUsage, "no profile %q in %s (%s; named by %s)", profile, path, hint, where)
	}
	c.ProfileName, c.Profile = profile, cf.Profile(profile)
	c.ProfileExplicit, c.ProfileFrom = from != "default", from
	return c, nil
}

// ProfileNames lists the profiles in the file, sorted.
func (c *Config) ProfileNames() []string {
	names := c.File.Profiles()
	sort.Strings(names)
	return names
}

// INI is a parsed INI file: keys before any section are Global.
type INI struct {
	Global   map[string]string
	Sections map[string]map[string]string
}

// ParseINI reads the lenient INI dialect of my.cnf (for ~/.my.cnf; the
// configuration file has its own strict reader, ParseConfigFile): [section], key = value, key
// alone (true), # and ; comments, optional quotes around values.
func ParseINI(r io.Reader) (*INI, error) {
	ini := &INI{Global: map[string]string{}, Sections: map[string]map[string]string{}}
	cur := ini.Global
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if line[0] == '[' {
			end := strings.IndexByte(line, ']')
			if end < 0 {
				return nil, fmt.Errorf("line %d: unterminated section header", n)
			}
			name := strings.Join(strings.Fields(line[1:end]), " ")
			if ini.Sections[name] == nil {
				ini.Sections[name] = map[string]string{}
			}
			cur = ini.Sections[name]
			continue
		}
		if line[0] == '!' { // my.cnf !include directives: not followed
			continue
		}
		k, v, found := strings.Cut(line, "=")
		k = strings.TrimSpace(k)
		v = strings.TrimSpace(v)
		if !found {
			v = "true"
		}
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		cur[strings.ReplaceAll(k, "_", "-")] = v
	}
	if errors.Is(sc.Err(), bufio.ErrTooLong) {
		return nil, fmt.Errorf("line %d is over %d KiB: not an INI file", n+1, bufio.MaxScanTokenSize/1024)
	}
	return ini, sc.Err()
}
