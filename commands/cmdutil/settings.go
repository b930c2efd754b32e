package cmdutil

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/db"
	"github.com/mwoauth/mwoauth/mediawiki"
)

// SettingKind says what a setting's value names, for the checks and the
// redaction the resolver applies.
type SettingKind int

const (
	KindText SettingKind = iota
	KindPath             // a file: missing is reported when a profile names it
	KindKey              // a key reference: path, file://path, -, env:NAME or PEM text
	KindDSN              // a database DSN: its password is never shown; sqlite: paths are files
)

// SettingSpec describes one setting. Identity settings say which wiki a
// command talks about; they come as a unit (see Resolve).
type SettingSpec struct {
	Key      string
	Help     string
	Identity bool
	// Names marks the identity settings that point at a wiki (its
	// database, keys, issuer): giving one by flag or environment means
	// another wiki than the default profile's, so none of the default
	// profile's identity settings apply. The others (version, wiki id,
	// subject scope, static apps, table prefix, audience) only describe a
	// wiki: giving one alone, e.g. --mediawiki 1.43, keeps the default
	// profile's wiki.
	Names   bool
	Kind    SettingKind
	Default string // the built-in default when the command has no flag for it
}

// Settings is the one table of settings: every key a profile may hold, its
// flag (--KEY) and its environment variable (MWOAUTH_KEY, dashes as
// underscores). Adding a setting is one line here; "mwoauth config set"
// knows it at once, and "mwoauth help config" and config show list it.
var Settings = []SettingSpec{
	{Key: "db", Help: "wiki database DSN: mysql:<go-sql-driver DSN> or sqlite:<path>", Identity: true, Names: true, Kind: KindDSN},
	{Key: "table-prefix", Help: "$wgDBprefix of the wiki", Identity: true},
	{Key: "centralauth-db", Help: "CentralAuth database DSN, to name owners from globaluser", Identity: true, Names: true, Kind: KindDSN},
	{Key: "wiki-db", Help: "the central wiki's own database when the OAuth tables live elsewhere (virtual-oauth, 1.45+)", Identity: true, Names: true, Kind: KindDSN},
	{Key: "issuer", Help: "expected or minted iss: the central wiki's $wgCanonicalServer", Identity: true, Names: true},
	{Key: "audience", Help: "expected aud (consumer key) for token verify", Identity: true},
	{Key: "public-key", Help: "$wgOAuth2PublicKey: PEM file the wiki verifies with", Identity: true, Names: true, Kind: KindKey},
	{Key: "private-key", Help: "$wgOAuth2PrivateKey: PEM file the wiki signs with (token mint/remint)", Identity: true, Names: true, Kind: KindKey},
	{Key: "jwks", Help: "JWKS file with the verification keys (as Envoy's local_jwks)", Identity: true, Names: true, Kind: KindPath},
	{Key: "subject-scope", Help: "CentralIdLookup scope of mw: subjects (the wiki's lookup provider)", Identity: true},
	{Key: "wiki", Help: "wiki id (e.g. metawiki) of the central wiki", Identity: true},
	{Key: "static-apps", Help: "consumer keys $wgOAuthStaticApps configures (comma-separated): their stage-5 rows count as approved", Identity: true},
	{Key: "wiki-kind", Help: "what the wiki is for: production (default), test or sandbox (token mint --create-row writes to a test wiki or a sandbox without --yes)", Identity: true},
	{Key: "mediawiki", Help: "MediaWiki version whose rules apply: " + strings.Join(mediawiki.Versions(), ", "), Identity: true, Default: mediawiki.DefaultVersion.String()},
	{Key: "as", Help: "performing admin's user name for consumer actions"},
	{Key: "manager-groups", Help: "groups holding mwoauthmanageconsumer, as $wgGroupPermissions says (comma-separated; default sysop,oauthadmin,steward)"},
	{Key: "suppressor-groups", Help: "groups holding mwoauthsuppress, as $wgGroupPermissions says (comma-separated; default sysop,oauthadmin,steward,suppress)"},
	{Key: "request-expiration-age", Help: "$wgMWOAuthRequestExpirationAge: proposals older than this are expired (seconds, 30d or 720h; default 30d; 0 = never)"},
	{Key: "grant-risk-groups", Help: "the wiki's $wgGrantRiskGroups changes: grant:group,... or a file of them (consumer review, audit)"},
	{Key: "grant-permissions", Help: "file with json_encode($wgGrantPermissions): the wiki's grant rights (consumer audit)", Kind: KindPath},
	{Key: "group-permissions", Help: "file with json_encode($wgGroupPermissions): the wiki's group rights (consumer audit)", Kind: KindPath},
	{Key: "passphrase-file", Help: "file holding $wgOAuth2Passphrase for an encrypted private key", Kind: KindPath},
	{Key: "memory-limit", Help: "memory bound for token scan (e.g. 2GiB)"},
	{Key: "id-key-file", Help: "key file token scan tags distinct tokens with", Kind: KindPath},
}

// LookupSetting returns the spec of key.
func LookupSetting(key string) (SettingSpec, bool) {
	for _, s := range Settings {
		if s.Key == key {
			return s, true
		}
	}
	return SettingSpec{}, false
}

// SettingKeys lists the keys in table order.
func SettingKeys() []string {
	keys := make([]string, len(Settings))
	for i, s := range Settings {
		keys[i] = s.Key
	}
	return keys
}

// UnknownSettingMessage words an unknown key, with the nearest known one.
func UnknownSettingMessage(key string) string {
	msg := fmt.Sprintf("unknown setting %q", key)
	if s := nearest(key, SettingKeys()); s != "" {
		return msg + fmt.Sprintf("; did you mean %s?", s)
	}
	return msg + " (known: " + strings.Join(SettingKeys(), ", ") + ")"
}

// EnvName is the environment variable for a setting key.
func EnvName(key string) string {
	return "MWOAUTH_" + strings.ToUpper(strings.ReplaceAll(key, "-", "_"))
}

// Source is where a setting's value came from.
type Source string

const (
	SourceFlag    Source = "flag"
	SourceEnv     Source = "env"
	SourceProfile Source = "profile"
	SourceDefault Source = "default"
)

// Value is one resolved setting.
type Value struct {
	Key    string
	Value  string
	Source Source
	// Profile names the profile the value came from (Source profile).
	Profile string
	// DefaultProfile: that profile is the file's default, not one chosen
	// with --profile or MWOAUTH_PROFILE.
	DefaultProfile bool
}

// Origin renders where the value came from for people: "--db",
// "MWOAUTH_DB", "profile sandbox", "default profile sandbox", "default".
func (v Value) Origin() string {
	switch v.Source {
	case SourceFlag:
		return "--" + v.Key
	case SourceEnv:
		return EnvName(v.Key)
	case SourceProfile:
		if v.DefaultProfile {
			return "default profile " + v.Profile
		}
		return "profile " + v.Profile
	}
	return "default"
}

// Shown is the value as it may be printed: a DSN's password is ***.
func (v Value) Shown() string {
	if spec, _ := LookupSetting(v.Key); spec.Kind == KindDSN {
		return RedactDSN(v.Value)
	}
	return v.Value
}

// Resolve returns the value of the setting key for cmd, in this order:
//
//  1. the command's flag --KEY, when given;
//  2. the explicitly chosen profile (--profile or MWOAUTH_PROFILE);
//  3. the environment variable MWOAUTH_KEY (an empty one counts as unset);
//  4. the default profile (the file's default = NAME);
//  5. the built-in default (the flag's default, or the table's).
//
// A profile is a unit: when an identity setting that points at a wiki
// (Names: its database, keys, issuer) is given by flag or environment, no
// identity setting comes from the default profile, because an explicit
// key or database names a different wiki than the default one. A setting
// that only describes a wiki (--mediawiki 1.43) keeps the default
// profile's wiki. An explicitly chosen profile still applies.
//
// A file (key, database, JWKS) that a profile names but that does not
// exist is an error naming the profile, the setting and what to run (exit
// 9); a value given by flag or environment is left to the command.
func (f *Factory) Resolve(cmd *cobra.Command, key string) (Value, error) {
	cfg, err := f.Config()
	if err != nil {
		return Value{}, err
	}
	spec, ok := LookupSetting(key)
	if !ok {
		// A programming error, but never a panic in front of a user.
		return Value{}, fmt.Errorf("internal: unknown setting %q", key)
	}
	v := f.resolve(cmd, cfg, spec)
	if v.Source == SourceProfile {
		if err := checkProfileFile(v, spec); err != nil {
			return Value{}, err
		}
	}
	if v.Source == SourceFlag && spec.Kind == KindDSN && DSNHasPassword(v.Value) {
		f.WarnOnce("dsn-password-"+key, fmt.Sprintf("warning: --%s holds a password, which ps and your shell history can show: put it in MWOAUTH_DB_PASSWORD or ~/.my.cnf [client] instead", key))
	}
	return v, nil
}

func (f *Factory) resolve(cmd *cobra.Command, cfg *Config, spec SettingSpec) Value {
	v := Value{Key: spec.Key}
	var fl interface {
		String() string
	}
	flagDefault, hasFlag := "", false
	if cmd != nil {
		if p := cmd.Flags().Lookup(spec.Key); p != nil {
			hasFlag, flagDefault, fl = true, p.DefValue, p.Value
			if p.Changed {
				v.Value, v.Source = fl.String(), SourceFlag
				return v
			}
		}
	}
	if cfg.Profile != nil && cfg.ProfileExplicit {
		if val, ok := cfg.Profile[spec.Key]; ok {
			v.Value, v.Source, v.Profile = val, SourceProfile, cfg.ProfileName
			return v
		}
	}
	if val := f.getenv(EnvName(spec.Key)); val != "" {
		v.Value, v.Source = val, SourceEnv
		return v
	}
	if cfg.Profile != nil && !cfg.ProfileExplicit {
		if val, ok := cfg.Profile[spec.Key]; ok && !(spec.Identity && f.explicitIdentity(cmd) != "") {
			v.Value, v.Source, v.Profile, v.DefaultProfile = val, SourceProfile, cfg.ProfileName, true
			return v
		}
	}
	v.Source = SourceDefault
	v.Value = spec.Default
	if hasFlag {
		v.Value = flagDefault
	}
	return v
}

// explicitIdentity names the first setting that names a wiki (Names) given
// by flag or environment for cmd ("--public-key", "MWOAUTH_DB"), or "".
func (f *Factory) explicitIdentity(cmd *cobra.Command) string {
	for _, s := range Settings {
		if !s.Names {
			continue
		}
		if cmd != nil {
			if p := cmd.Flags().Lookup(s.Key); p != nil && p.Changed {
				return "--" + s.Key + " given"
			}
		}
	}
	for _, s := range Settings {
		if s.Names && f.getenv(EnvName(s.Key)) != "" {
			return EnvName(s.Key) + " set"
		}
	}
	return ""
}

// UnusedDefaultProfile explains why the default profile's identity
// settings do not apply to cmd: "default profile sandbox not used for db,
// issuer, ...: --public-key given". It is "" when they apply (or there is
// no default profile).
func (f *Factory) UnusedDefaultProfile(cmd *cobra.Command) string {
	cfg, err := f.Config()
	if err != nil || cfg.Profile == nil || cfg.ProfileExplicit {
		return ""
	}
	why := f.explicitIdentity(cmd)
	if why == "" {
		return ""
	}
	var keys []string
	for _, s := range Settings {
		if _, in := cfg.Profile[s.Key]; in && s.Identity {
			keys = append(keys, s.Key)
		}
	}
	if len(keys) == 0 {
		return ""
	}
	return fmt.Sprintf("default profile %s not used for %s: %s", cfg.ProfileName, strings.Join(keys, ", "), why)
}

// checkProfileFile reports a file named by a profile that is not there.
func checkProfileFile(v Value, spec SettingSpec) error {
	path := ""
	switch spec.Kind {
	case KindPath:
		path = v.Value
	case KindKey:
		if v.Value == "-" || strings.HasPrefix(v.Value, "env:") || strings.Contains(v.Value, "-----BEGIN") {
			return nil
		}
		path = strings.TrimPrefix(strings.TrimSpace(v.Value), "file://")
	case KindDSN:
		path = SQLitePath(v.Value)
	}
	if path == "" {
		return nil
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	fix := fmt.Sprintf("run \"mwoauth config unset %s --profile %s\" or point it at the file", v.Key, v.Profile)
	if v.Profile == "sandbox" { // commands/sandbox.ProfileName; that package imports this one
		fix = fmt.Sprintf("run \"mwoauth sandbox\" to recreate the sandbox, or \"mwoauth config unset %s --profile sandbox\"", v.Key)
	}
	return Exitf(ExitNotFound, "profile %s: %s %s does not exist (%s)", v.Profile, v.Key, path, fix)
}

// SQLitePath returns the file of a sqlite: DSN ("" for other DSNs), as
// the db package reads it.
func SQLitePath(dsn string) string { return db.SQLiteFile(dsn) }

// Setting resolves one setting for cmd and returns its value alone (see
// Resolve). Commands that have moved to typed options use Bind.
func (f *Factory) Setting(cmd *cobra.Command, key string) (string, error) {
	v, err := f.Resolve(cmd, key)
	return v.Value, err
}

// Binding ties a setting to a typed option field; Bind fills it.
type Binding struct {
	key string
	set func(Value) error
}

// StringSetting binds key to *dst.
func StringSetting(key string, dst *string) Binding {
	return Binding{key: key, set: func(v Value) error { *dst = v.Value; return nil }}
}

// ValueSetting binds key to *dst with its source, for commands that say
// where a value came from.
func ValueSetting(key string, dst *Value) Binding {
	return Binding{key: key, set: func(v Value) error { *dst = v; return nil }}
}

// MediaWikiSetting binds the mediawiki setting to *dst; a value that is no
// known version is a usage error naming where it came from.
func MediaWikiSetting(dst *mediawiki.Version) Binding {
	return Binding{key: "mediawiki", set: func(v Value) error {
		ver, err := mediawiki.ParseVersion(v.Value)
		if err != nil {
			return FlagErrorf("%s: %v", v.Origin(), err)
		}
		*dst = ver
		return nil
	}}
}

// Bind resolves each binding's setting for cmd into its field: the one
// place commands turn flags, profiles and the environment into typed
// options, before their run function (which never sees cobra) starts.
func (f *Factory) Bind(cmd *cobra.Command, binds ...Binding) error {
	for _, b := range binds {
		v, err := f.Resolve(cmd, b.key)
		if err != nil {
			return err
		}
		if err := b.set(v); err != nil {
			return err
		}
	}
	return nil
}

// MediaWiki resolves the --mediawiki setting for cmd.
func (f *Factory) MediaWiki(cmd *cobra.Command) (mediawiki.Version, error) {
	var v mediawiki.Version
	err := f.Bind(cmd, MediaWikiSetting(&v))
	return v, err
}

// ResolveAll resolves every setting in the table for cmd (config show).
func (f *Factory) ResolveAll(cmd *cobra.Command) ([]Value, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	out := make([]Value, 0, len(Settings))
	for _, s := range Settings {
		out = append(out, f.resolve(cmd, cfg, s))
	}
	return out, nil
}

// nearest returns the best suggestion for s, or "".
func nearest(s string, candidates []string) string {
	if c := Suggest(s, candidates); len(c) > 0 {
		return c[0]
	}
	return ""
}

// Suggest returns the candidates close to s, nearest first: within edit
// distance 2, starting with s (3 letters or more), or holding s's letters
// in order (4 letters or more: pubkey for public-key).
func Suggest(s string, candidates []string) []string {
	type cand struct {
		name string
		d    int
	}
	var cs []cand
	for _, c := range candidates {
		d := editDistance(s, c)
		switch {
		case d <= 2:
		case len(s) >= 3 && strings.HasPrefix(c, s):
		case len(s) >= 4 && len(c) <= 2*len(s) && isSubsequence(s, c):
			d += 10 // after every near miss
		default:
			continue
		}
		cs = append(cs, cand{c, d})
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].d < cs[j].d })
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.name
	}
	return out
}

func isSubsequence(s, in string) bool {
	i := 0
	for j := 0; j < len(in) && i < len(s); j++ {
		if in[j] == s[i] {
			i++
		}
	}
	return i == len(s)
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
