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

	"github.com/mwoauth/mwoauth/internal/atomicfile"
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
		where := from
		if from == "default" {
			where = "default = " + profile
		}
		return nil, Exitf(ExitUsage, "no profile %q in %s (%s; named by %s)", profile, path, cf.ProfilesHint(), where)
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

// ConfigFile is mwoauth's configuration file kept line by line, so that
// "config set/unset/use" change one line and leave every comment, blank
// line and the order of what is there as the user wrote it.
//
// The dialect is strict, because a typo must not silently become a
// setting nobody reads:
//
//	# comment (also ;), on a line of its own
//	default = NAME          only key before the first section
//	[profile NAME]          the only kind of section
//	key = value             a key from the settings table; "quotes" optional
//
// Everything else (key: value, a bare key, [client], !include, an unknown
// or repeated key, a repeated profile) is an error naming the line.
type ConfigFile struct {
	Path  string
	lines []cfgLine
}

type cfgLine struct {
	text    string // as read, without the line end
	section string // "" before the first section, else the profile name
	header  bool   // a [profile NAME] line
	key     string // canonical key of a key = value line ("" otherwise)
	value   string
}

// ParseConfigFile reads the configuration dialect from r; path names the
// file in errors.
func ParseConfigFile(path string, r io.Reader) (*ConfigFile, error) {
	cf := &ConfigFile{Path: path}
	sc := bufio.NewScanner(r)
	n := 0
	section := ""
	seenSection := map[string]int{}
	seenKey := map[[2]string]int{}
	fail := func(format string, a ...any) error {
		return Exitf(ExitUsage, "config %s: line %d: %s", path, n, fmt.Sprintf(format, a...))
	}
	for sc.Scan() {
		n++
		raw := strings.TrimSuffix(sc.Text(), "\r")
		ln := cfgLine{text: raw, section: section}
		t := strings.TrimSpace(raw)
		switch {
		case t == "" || t[0] == '#' || t[0] == ';':
		case t[0] == '[':
			end := strings.IndexByte(t, ']')
			if end < 0 {
				return nil, fail("unterminated section header")
			}
			if rest := strings.TrimSpace(t[end+1:]); rest != "" && rest[0] != '#' && rest[0] != ';' {
				return nil, fail("text after the section header")
			}
			f := strings.Fields(t[1:end])
			if len(f) != 2 || f[0] != "profile" {
				return nil, fail("section [%s] is not [profile NAME]", strings.Join(f, " "))
			}
			if first, dup := seenSection[f[1]]; dup {
				return nil, fail("[profile %s] appears twice (first on line %d)", f[1], first)
			}
			seenSection[f[1]] = n
			section = f[1]
			ln.section, ln.header = section, true
		case t[0] == '!':
			return nil, fail("%s is not supported here (this is not a my.cnf)", strings.Fields(t)[0])
		default:
			k, v, ok := strings.Cut(t, "=")
			if !ok {
				if kk, _, colon := strings.Cut(t, ":"); colon && !strings.ContainsAny(kk, " \t") {
					return nil, fail("%q: want key = value, not key: value", kk+":")
				}
				return nil, fail("%q has no value (want key = value)", t)
			}
			key := CanonicalKey(k)
			if section == "" {
				if key != "default" {
					return nil, fail("%q before any [profile NAME] section (only default = NAME belongs there)", key)
				}
			} else if _, known := LookupSetting(key); !known {
				return nil, fail("%s", UnknownSettingMessage(key))
			}
			if first, dup := seenKey[[2]string{section, key}]; dup {
				return nil, fail("%s is set twice (first on line %d)", key, first)
			}
			seenKey[[2]string{section, key}] = n
			ln.key, ln.value = key, unquote(strings.TrimSpace(v))
		}
		cf.lines = append(cf.lines, ln)
	}
	if errors.Is(sc.Err(), bufio.ErrTooLong) {
		return nil, Exitf(ExitUsage, "config %s: line %d is over %d KiB: not an INI file", path, n+1, bufio.MaxScanTokenSize/1024)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read config %s: %w", path, err)
	}
	return cf, nil
}

// ReadConfigFile reads path; a file that does not exist is an empty
// configuration (exists false).
func ReadConfigFile(path string) (cf *ConfigFile, exists bool, err error) {
	if path == "" {
		return &ConfigFile{}, false, nil
	}
	fh, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return &ConfigFile{Path: path}, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read config: %w", err)
	}
	defer fh.Close()
	if st, err := fh.Stat(); err == nil && st.IsDir() {
		return nil, true, Exitf(ExitUsage, "config %s is a directory, not a file", path)
	}
	cf, err = ParseConfigFile(path, fh)
	return cf, true, err
}

// CanonicalKey spells a setting key as the table does: table_prefix is
// table-prefix, as in my.cnf.
func CanonicalKey(k string) string {
	return strings.ReplaceAll(strings.TrimSpace(k), "_", "-")
}

func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}

// Default is the file's default profile ("" when none).
func (cf *ConfigFile) Default() string {
	for _, l := range cf.lines {
		if l.section == "" && l.key == "default" {
			return l.value
		}
	}
	return ""
}

// Profiles lists the profile names in file order.
func (cf *ConfigFile) Profiles() []string {
	var names []string
	for _, l := range cf.lines {
		if l.header {
			names = append(names, l.section)
		}
	}
	return names
}

// ProfilesHint is what an error naming a missing profile says the file
// has: "have: a, b" in file order, or "none defined".
func (cf *ConfigFile) ProfilesHint() string {
	if p := cf.Profiles(); len(p) > 0 {
		return "have: " + strings.Join(p, ", ")
	}
	return "none defined"
}

// HasProfile reports whether [profile name] exists.
func (cf *ConfigFile) HasProfile(name string) bool {
	for _, l := range cf.lines {
		if l.header && l.section == name {
			return true
		}
	}
	return false
}

// Profile returns the keys of [profile name]; nil when there is no such
// profile.
func (cf *ConfigFile) Profile(name string) map[string]string {
	if !cf.HasProfile(name) {
		return nil
	}
	m := map[string]string{}
	for _, l := range cf.lines {
		if l.section == name && l.key != "" {
			m[l.key] = l.value
		}
	}
	return m
}

// Set sets key in profile (created at the end of the file if missing),
// or the global default when profile is "". An existing line is replaced
// in place; a new key goes after the profile's last line that is not a
// blank.
func (cf *ConfigFile) Set(profile, key, value string) {
	line := key + " = " + quoteIfNeeded(value)
	last := -1
	for i, l := range cf.lines {
		if l.section != profile {
			continue
		}
		if l.key == key {
			cf.lines[i].text, cf.lines[i].value = line, value
			return
		}
		if l.header || strings.TrimSpace(l.text) != "" {
			last = i
		}
	}
	nl := cfgLine{text: line, section: profile, key: key, value: value}
	if profile == "" {
		cf.insert(cf.globalInsertAt(), nl)
		return
	}
	if last < 0 {
		if len(cf.lines) > 0 && strings.TrimSpace(cf.lines[len(cf.lines)-1].text) != "" {
			cf.lines = append(cf.lines, cfgLine{section: cf.lastSection()})
		}
		cf.lines = append(cf.lines, cfgLine{text: "[profile " + profile + "]", section: profile, header: true})
		cf.lines = append(cf.lines, nl)
		return
	}
	cf.insert(last+1, nl)
}

// Unset removes key from profile (the global default when profile is
// ""); it reports whether the key was there.
func (cf *ConfigFile) Unset(profile, key string) bool {
	for i, l := range cf.lines {
		if l.section == profile && l.key == key {
			cf.lines = append(cf.lines[:i], cf.lines[i+1:]...)
			return true
		}
	}
	return false
}

// ReplaceProfile makes [profile name] hold just values, in that order,
// under comment: the section is dropped wherever it stood and written again
// at the end of the file, after one blank line. Every other line stays as
// it was. It is how a tool that owns a profile (sandbox) rewrites it.
func (cf *ConfigFile) ReplaceProfile(name, comment string, values [][2]string) {
	kept := cf.lines[:0]
	for _, l := range cf.lines {
		if l.section != name {
			kept = append(kept, l)
		}
	}
	for len(kept) > 0 && strings.TrimSpace(kept[len(kept)-1].text) == "" {
		kept = kept[:len(kept)-1]
	}
	cf.lines = kept
	if len(cf.lines) > 0 {
		cf.lines = append(cf.lines, cfgLine{section: cf.lastSection()})
	}
	cf.lines = append(cf.lines, cfgLine{text: "[profile " + name + "]", section: name, header: true})
	if comment != "" {
		cf.lines = append(cf.lines, cfgLine{text: "# " + comment, section: name})
	}
	for _, kv := range values {
		key := CanonicalKey(kv[0])
		cf.lines = append(cf.lines, cfgLine{text: key + " = " + quoteIfNeeded(kv[1]), section: name, key: key, value: kv[1]})
	}
}

// globalInsertAt is where a new global key goes: after the last global
// key, else after the comment block that opens the file (up to its first
// blank line: comments right above a section belong to the section), else
// at the top.
func (cf *ConfigFile) globalInsertAt() int {
	at := -1
	for i, l := range cf.lines {
		if l.section != "" || l.header {
			break
		}
		if l.key != "" {
			at = i + 1
		}
	}
	if at >= 0 {
		return at
	}
	for i, l := range cf.lines {
		if l.section != "" || l.header {
			return 0
		}
		if strings.TrimSpace(l.text) == "" {
			return i
		}
	}
	return 0
}

func (cf *ConfigFile) insert(at int, l cfgLine) {
	cf.lines = append(cf.lines, cfgLine{})
	copy(cf.lines[at+1:], cf.lines[at:])
	cf.lines[at] = l
}

func (cf *ConfigFile) lastSection() string {
	if len(cf.lines) == 0 {
		return ""
	}
	return cf.lines[len(cf.lines)-1].section
}

func quoteIfNeeded(v string) string {
	if v == "" || v != strings.TrimSpace(v) || (len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0]) {
		return `"` + v + `"`
	}
	return v
}

// Bytes renders the file.
func (cf *ConfigFile) Bytes() []byte {
	var b strings.Builder
	for _, l := range cf.lines {
		b.WriteString(l.text)
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// Write replaces the file atomically (a temporary file renamed over it),
// mode 0600: a profile can hold a DSN with a password.
func (cf *ConfigFile) Write() error {
	if cf.Path == "" {
		return errors.New("no configuration file path (set XDG_CONFIG_HOME or HOME, or pass --config)")
	}
	if err := os.MkdirAll(filepath.Dir(cf.Path), 0o700); err != nil {
		return err
	}
	return atomicfile.Replace(cf.Path, cf.Bytes(), 0o600)
}
