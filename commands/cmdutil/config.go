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

	"github.com/spf13/cobra"
)

// Config is the resolved configuration file and the selected profile.
//
// The file is a small INI dialect, the same one ~/.my.cnf uses, so one parser
// reads both:
//
//	default = metawiki        # profile used when --profile/MWOAUTH_PROFILE is unset
//	[profile metawiki]
//	db = mysql:wikiadmin@tcp(db1:3306)/metawiki
//	table-prefix =
//	public-key = /etc/mediawiki/oauth2-public.pem
//
// A value is looked up as: the command's flag, then MWOAUTH_<KEY> in the
// environment, then the profile.
type Config struct {
	Path        string            // the file read (may not exist)
	ProfileName string            // "" when no profile is selected
	Profile     map[string]string // the selected profile's keys; nil when none
	File        *INI              // the whole file
}

// SettingKeys lists the keys a profile may hold; `mwoauth config` documents them.
var SettingKeys = []struct{ Key, Help string }{
	{"db", "database DSN: mysql:<go-sql-driver DSN> or sqlite:<path>"},
	{"table-prefix", "$wgDBprefix of the wiki"},
	{"centralauth-db", "CentralAuth database DSN, to name owners from globaluser"},
	{"wiki-db", "the central wiki's database DSN (logging, actor, user, user_groups, block), when not the db holding the OAuth tables"},
	{"as", "performing admin's user name for consumer actions"},
	{"manager-groups", "groups holding mwoauthmanageconsumer, as $wgGroupPermissions says (default sysop,oauthadmin,steward)"},
	{"suppressor-groups", "groups holding mwoauthsuppress, as $wgGroupPermissions says (default sysop,oauthadmin,steward,suppress)"},
	{"request-expiration-age", "$wgMWOAuthRequestExpirationAge: proposals older than this are expired (default 30d; 0 turns it off)"},
	{"public-key", "$wgOAuth2PublicKey: PEM file used by token verify"},
	{"private-key", "$wgOAuth2PrivateKey: PEM file used by token remint/mint"},
	{"issuer", "expected iss (the central wiki's canonical server)"},
	{"audience", "expected aud (consumer key) for token verify"},
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

// LoadConfig reads the file at path (a missing file is an empty config) and
// selects profile (or the file's default). Naming a profile that does not
// exist is a usage error.
func LoadConfig(path, profile string) (*Config, error) {
	c := &Config{Path: path, File: &INI{}}
	if path != "" {
		f, err := os.Open(path)
		switch {
		case err == nil:
			defer f.Close()
			ini, perr := ParseINI(f)
			if perr != nil {
				return nil, Exitf(ExitUsage, "config %s: %v", path, perr)
			}
			c.File = ini
		case os.IsNotExist(err):
		default:
			return nil, fmt.Errorf("read config: %w", err)
		}
	}
	explicit := profile != ""
	if profile == "" {
		profile = os.Getenv("MWOAUTH_PROFILE")
		explicit = profile != ""
	}
	if profile == "" {
		profile = c.File.Global["default"]
	}
	if profile == "" {
		return c, nil
	}
	sec, ok := c.File.Sections["profile "+profile]
	if !ok {
		if explicit || c.File.Global["default"] != "" {
			names := c.ProfileNames()
			hint := "none defined"
			if len(names) > 0 {
				hint = "have: " + strings.Join(names, ", ")
			}
			return nil, Exitf(ExitUsage, "no profile %q in %s (%s)", profile, path, hint)
		}
		return c, nil
	}
	c.ProfileName, c.Profile = profile, sec
	return c, nil
}

// ProfileNames lists the profiles in the file, sorted.
func (c *Config) ProfileNames() []string {
	var names []string
	for name := range c.File.Sections {
		if p, ok := strings.CutPrefix(name, "profile "); ok {
			names = append(names, p)
		}
	}
	sort.Strings(names)
	return names
}

// EnvName is the environment variable for a setting key.
func EnvName(key string) string {
	return "MWOAUTH_" + strings.ToUpper(strings.ReplaceAll(key, "-", "_"))
}

// Value resolves key: flag (if set on cmd), environment, profile.
func (c *Config) Value(cmd *cobra.Command, key string) string {
	if cmd != nil {
		if fl := cmd.Flags().Lookup(key); fl != nil && fl.Changed {
			return fl.Value.String()
		}
	}
	// An empty variable counts as unset, so `MWOAUTH_DB= mwoauth ...` falls
	// back to the profile rather than to nothing.
	if v := os.Getenv(EnvName(key)); v != "" {
		return v
	}
	if c != nil && c.Profile != nil {
		return c.Profile[key]
	}
	if cmd != nil {
		if fl := cmd.Flags().Lookup(key); fl != nil {
			return fl.DefValue
		}
	}
	return ""
}

// INI is a parsed INI file: keys before any section are Global.
type INI struct {
	Global   map[string]string
	Sections map[string]map[string]string
}

// ParseINI reads the INI dialect of my.cnf: [section], key = value, key
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
