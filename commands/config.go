package commands

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/mediawiki"
)

func newCmdConfig(f *cmdutil.Factory) *cobra.Command {
	return cmdutil.Noun("config", &cobra.Command{
		Short: "Show and change the configuration file and its profiles",
		Long: "Profiles hold per-wiki settings so commands need fewer flags; \"mwoauth\n" +
			"sandbox\" writes one named sandbox and makes it the default when no\n" +
			"default is set.\n\n" + ConfigText(),
		Example: `  mwoauth config show
  mwoauth config list
  mwoauth config set public-key /etc/mediawiki/oauth2-public.pem --profile metawiki
  mwoauth config use metawiki
  mwoauth --profile metawiki config show --output json`,
	},
		NewCmdConfigShow(f, nil),
		NewCmdConfigList(f, nil),
		NewCmdConfigGet(f, nil),
		NewCmdConfigSet(f, nil),
		NewCmdConfigUnset(f, nil),
		NewCmdConfigUse(f, nil),
	)
}

// configBase is what every config subcommand's options hold: where it
// prints, its -o format (text or json) and the configuration file's path.
type configBase struct {
	IO     *cmdutil.IOStreams
	Path   string
	Format string
}

func (b *configBase) base() *configBase { return b }

// configCommand wires one config subcommand around its help text: -o
// text|json and the file's path are resolved first, then parse (when not
// nil) reads the arguments into the options, so a usage error stops the
// command before the file is read or written; then run does the work, or
// runF, when not nil, sees what run would have been given.
func configCommand[T any, P interface {
	*T
	base() *configBase
}](f *cmdutil.Factory, cmd *cobra.Command, parse func(opts P, cmd *cobra.Command, args []string) error, runF, run func(P) error) *cobra.Command {
	opts := P(new(T))
	b := opts.base()
	b.IO = f.IO
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		var err error
		if b.Format, err = cmdutil.OutputFormat(cmd); err != nil {
			return err
		}
		b.Path = cmdutil.ConfigPath(f.ConfigPath)
		if parse != nil {
			if err := parse(opts, cmd, args); err != nil {
				return err
			}
		}
		return cmdutil.Pick(runF, run)(opts)
	}
	cmdutil.AddOutputFlag(cmd, "text", "json")
	return cmd
}

// settingJSON is one setting in config show/get --output json.
type settingJSON struct {
	Value   string  `json:"value"`
	Source  string  `json:"source"`
	Profile *string `json:"profile,omitempty"`
}

func settingOf(v cmdutil.Value) settingJSON {
	s := settingJSON{Value: v.Shown(), Source: string(v.Source)}
	if v.Source == cmdutil.SourceProfile {
		p := v.Profile
		s.Profile = &p
	}
	return s
}

// ConfigShowOptions is what "config show" prints: the configuration in
// use and every setting as commands resolve it.
type ConfigShowOptions struct {
	configBase
	Config *cmdutil.Config
	Values []cmdutil.Value
	Notes  []string // why the default profile's identity settings do not apply
}

// NewCmdConfigShow builds "config show"; runF, when not nil, replaces
// configShowRun.
func NewCmdConfigShow(f *cmdutil.Factory, runF func(*ConfigShowOptions) error) *cobra.Command {
	return configCommand(f, &cobra.Command{
		Use:   "show",
		Short: "Print every setting as commands resolve it, and where it came from",
		Long: `Show prints the configuration file in use, the selected profile (--profile,
MWOAUTH_PROFILE or the file's default) and every setting with its value and
its source: a flag, an MWOAUTH_* variable, a profile, or the built-in
default. When an MWOAUTH_* variable points at another wiki (its database,
keys or issuer), the default profile's identity settings are not used, and
show says so.
A password inside a mysql DSN is shown as ***.

--output json prints {"path", "profile", "profiles", "settings", "notes"}:
profile is the selected profile's name or null; settings maps every key to
{"value", "source"} with source one of flag, env, profile or default (and
"profile": NAME when it came from one); notes lists the same remarks as
the text.`,
		Example: "  mwoauth config show\n  mwoauth --profile sandbox config show --output json",
		Args:    cmdutil.Args(cobra.NoArgs),
	}, func(opts *ConfigShowOptions, cmd *cobra.Command, _ []string) error {
		var err error
		if opts.Config, err = f.Config(); err != nil {
			return err
		}
		if opts.Values, err = f.ResolveAll(cmd); err != nil {
			return err
		}
		opts.Notes = []string{}
		if n := f.UnusedDefaultProfile(cmd); n != "" {
			opts.Notes = append(opts.Notes, n)
		}
		return nil
	}, runF, configShowRun)
}

func configShowRun(opts *ConfigShowOptions) error {
	cfg, values, notes := opts.Config, opts.Values, opts.Notes
	if opts.Format == "json" {
		settings := map[string]settingJSON{}
		for _, v := range values {
			settings[v.Key] = settingOf(v)
		}
		var profile *string
		if cfg.ProfileName != "" {
			profile = &cfg.ProfileName
		}
		profiles := cfg.ProfileNames()
		if profiles == nil {
			profiles = []string{}
		}
		return cmdutil.WriteJSON(opts.IO.Out, map[string]any{
			"path": cfg.Path, "profile": profile, "profiles": profiles, "settings": settings, "notes": notes,
		})
	}
	w, st := opts.IO.Out, opts.IO.Styles()
	path := cfg.Path
	if !cfg.Exists {
		path += " (does not exist)"
	}
	fmt.Fprintf(w, "config   %s\n", cmdutil.Safe(path))
	profile := "(none)"
	if cfg.ProfileName != "" {
		profile = cmdutil.Safe(cfg.ProfileName) + " " + st.Dim.Render("("+cfg.ProfileFrom+")")
	}
	fmt.Fprintf(w, "profile  %s\n", profile)
	for _, v := range values {
		if v.Value == "" && v.Source == cmdutil.SourceDefault {
			continue
		}
		shown := cmdutil.Safe(v.Shown())
		if shown == "" {
			shown = `""`
		}
		fmt.Fprintf(w, "%-17s %s  %s\n", v.Key, shown, st.Dim.Render(v.Origin()))
	}
	for _, n := range notes {
		fmt.Fprintf(w, "%s %s\n", st.Warn.Render("note:"), cmdutil.Safe(n))
	}
	return nil
}

// ConfigListOptions is what "config list" reads: the configuration file.
type ConfigListOptions struct {
	configBase
}

// NewCmdConfigList builds "config list"; runF, when not nil, replaces
// configListRun.
func NewCmdConfigList(f *cmdutil.Factory, runF func(*ConfigListOptions) error) *cobra.Command {
	return configCommand(f, &cobra.Command{
		Use:   "list",
		Short: "List the profiles, the default one marked",
		Long: `List prints the profiles of the configuration file in file order; the
default one (default = NAME) is marked.

--output json prints {"path", "default", "profiles"}: default is a name or
null, profiles a list of {"name", "default"}.`,
		Example: "  mwoauth config list\n  mwoauth config list --output json",
		Args:    cmdutil.Args(cobra.NoArgs),
	}, nil, runF, configListRun)
}

func configListRun(opts *ConfigListOptions) error {
	cf, _, err := cmdutil.ReadConfigFile(opts.Path)
	if err != nil {
		return err
	}
	def := cf.Default()
	type profileJSON struct {
		Name    string `json:"name"`
		Default bool   `json:"default"`
	}
	list := []profileJSON{}
	for _, p := range cf.Profiles() {
		list = append(list, profileJSON{Name: p, Default: p == def})
	}
	if opts.Format == "json" {
		var d *string
		if def != "" {
			d = &def
		}
		return cmdutil.WriteJSON(opts.IO.Out, map[string]any{"path": opts.Path, "default": d, "profiles": list})
	}
	if len(list) == 0 {
		fmt.Fprintf(opts.IO.ErrOut, "No profiles in %s (mwoauth sandbox makes one; mwoauth config set KEY VALUE --profile NAME another).\n", cmdutil.Safe(opts.Path))
		return nil
	}
	st := opts.IO.Styles()
	for _, p := range list {
		if p.Default {
			fmt.Fprintf(opts.IO.Out, "%s %s\n", cmdutil.Safe(p.Name), st.OK.Render("(default)"))
		} else {
			fmt.Fprintln(opts.IO.Out, cmdutil.Safe(p.Name))
		}
	}
	if def != "" && !cf.HasProfile(def) {
		fmt.Fprintf(opts.IO.ErrOut, "warning: default = %s names no profile\n", cmdutil.Safe(def))
	}
	return nil
}

// checkKey returns the spec of a key typed by the user (table_prefix and
// table-prefix alike), or the usage error naming the nearest known key.
func checkKey(key *string) (cmdutil.SettingSpec, error) {
	*key = cmdutil.CanonicalKey(*key)
	spec, ok := cmdutil.LookupSetting(*key)
	if !ok {
		return spec, cmdutil.FlagErrorf("%s (mwoauth help config lists them)", cmdutil.UnknownSettingMessage(*key))
	}
	return spec, nil
}

// ConfigGetOptions is one setting, resolved as commands resolve it.
type ConfigGetOptions struct {
	configBase
	Value cmdutil.Value
}

// NewCmdConfigGet builds "config get"; runF, when not nil, replaces
// configGetRun.
func NewCmdConfigGet(f *cmdutil.Factory, runF func(*ConfigGetOptions) error) *cobra.Command {
	return configCommand(f, &cobra.Command{
		Use:   "get <key>",
		Short: "Print one setting's value as commands resolve it",
		Long: `Get prints the value of one setting exactly as a command would resolve it
now (flag, chosen profile, MWOAUTH_* variable, default profile, built-in
default), with a DSN's password as ***. A setting with no value at all
exits 9.

--output json prints {"key", "value", "source"} (and "profile" when it came
from one).`,
		Example: "  mwoauth config get db\n  mwoauth --profile metawiki config get issuer --output json",
		Args:    cmdutil.Args(cobra.ExactArgs(1), "a setting KEY"),
	}, func(opts *ConfigGetOptions, cmd *cobra.Command, args []string) error {
		key := args[0]
		if _, err := checkKey(&key); err != nil {
			return err
		}
		return f.Bind(cmd, cmdutil.ValueSetting(key, &opts.Value))
	}, runF, configGetRun)
}

func configGetRun(opts *ConfigGetOptions) error {
	v := opts.Value
	if v.Value == "" && v.Source == cmdutil.SourceDefault {
		return cmdutil.Exitf(cmdutil.ExitNotFound, "%s is not set (no --%s, %s or profile value)", v.Key, v.Key, cmdutil.EnvName(v.Key))
	}
	if opts.Format == "json" {
		return cmdutil.WriteJSON(opts.IO.Out, struct {
			Key string `json:"key"`
			settingJSON
		}{v.Key, settingOf(v)})
	}
	fmt.Fprintln(opts.IO.Out, cmdutil.Safe(v.Shown()))
	return nil
}

// profileChoice is how the user named the profile config set/unset
// change: --profile, MWOAUTH_PROFILE, --no-profile.
type profileChoice struct {
	Flag, Env string
	None      bool
}

func profileChoiceOf(f *cmdutil.Factory) profileChoice {
	return profileChoice{Flag: f.Profile, Env: f.Env("MWOAUTH_PROFILE"), None: f.NoProfile}
}

// open reads the configuration file at path (exists is false when there is
// none yet) and names the profile config set/unset change: --profile, else
// MWOAUTH_PROFILE, else the file's default.
func (c profileChoice) open(path string) (cf *cmdutil.ConfigFile, profile string, exists bool, err error) {
	if cf, exists, err = cmdutil.ReadConfigFile(path); err != nil {
		return nil, "", false, err
	}
	switch {
	case c.None:
		err = cmdutil.FlagErrorf("--no-profile: there is no profile to change")
	case c.Flag != "":
		profile = c.Flag
	case c.Env != "":
		profile = c.Env
	case cf.Default() != "":
		profile = cf.Default()
	default:
		err = cmdutil.FlagErrorf("no profile to change: give --profile NAME (it is created if missing)")
	}
	return cf, profile, exists, err
}

// profileKey is what config set and unset change: a setting's key in the
// profile the user named.
type profileKey struct {
	Profile profileChoice
	Key     string
}

// read takes the key as typed (checkKey) and the profile choice from f.
func (k *profileKey) read(f *cmdutil.Factory, key string) (cmdutil.SettingSpec, error) {
	k.Key, k.Profile = key, profileChoiceOf(f)
	return checkKey(&k.Key)
}

// edit is how config set and unset change a profile's key: the file is
// read and the profile named (open), change edits cf and returns the key's
// new value (nil once removed), whether the file changed and what was done
// for the "✓" line, and commit writes and reports it. A change that returns
// no done text has told the user itself; nothing is written or reported.
func (k *profileKey) edit(b *configBase, change func(cf *cmdutil.ConfigFile, profile string, exists bool) (value *string, changed bool, done string)) error {
	cf, profile, exists, err := k.Profile.open(b.Path)
	if err != nil {
		return err
	}
	value, changed, done := change(cf, profile, exists)
	if done == "" {
		return nil
	}
	return b.commit(cf, configChange{Profile: profile, Key: k.Key, Value: value, Changed: changed},
		fmt.Sprintf("profile %s in %s: %s %s", cmdutil.Safe(profile), cmdutil.Safe(b.Path), k.Key, done))
}

// ConfigSetOptions is one key = value to write into a profile.
type ConfigSetOptions struct {
	configBase
	profileKey
	Spec  cmdutil.SettingSpec
	Value string
}

// NewCmdConfigSet builds "config set"; runF, when not nil, replaces
// configSetRun.
func NewCmdConfigSet(f *cmdutil.Factory, runF func(*ConfigSetOptions) error) *cobra.Command {
	return configCommand(f, &cobra.Command{
		Use:   "set <key> <value> [--profile <name>]",
		Short: "Set a setting in a profile (creating the file or profile if needed)",
		Long: `Set writes key = value into the profile named by --profile (else
MWOAUTH_PROFILE, else the default profile), replacing the key's line if it
is there and adding it after the profile's last line if not. A missing
profile is added at the end of the file, a missing file is created (mode
0600). Every other line, comments included, stays as it was.

The key must be one of the settings ("mwoauth help config"); a mediawiki
value must be a known version. Private keys are never accepted as values:
name the file instead.`,
		Example: `  mwoauth config set public-key /etc/mediawiki/oauth2-public.pem --profile metawiki
  mwoauth config set mediawiki 1.43
  mwoauth --config ./test-config config set db sqlite:./wiki.sqlite --profile test`,
		Args: cmdutil.Args(cobra.ExactArgs(2), "a setting KEY and its VALUE"),
	}, func(opts *ConfigSetOptions, _ *cobra.Command, args []string) error {
		var err error
		if opts.Spec, err = opts.read(f, args[0]); err != nil {
			return err
		}
		opts.Value = args[1]
		if opts.Spec.Key == "mediawiki" {
			if _, err := mediawiki.ParseVersion(opts.Value); err != nil {
				return cmdutil.FlagErrorf("%v", err)
			}
		}
		if strings.ContainsAny(opts.Value, "\n\r") {
			return cmdutil.FlagErrorf("a setting is one line")
		}
		return nil
	}, runF, configSetRun)
}

func configSetRun(opts *ConfigSetOptions) error {
	return opts.edit(&opts.configBase, func(cf *cmdutil.ConfigFile, profile string, _ bool) (*string, bool, string) {
		if opts.Spec.Kind == cmdutil.KindDSN && cmdutil.DSNHasPassword(opts.Value) {
			fmt.Fprintln(opts.IO.ErrOut, opts.IO.Styles().Warn.Render("warning: the DSN holds a password, which ps and your shell history can show; the file keeps it (mode 0600), but MWOAUTH_DB_PASSWORD or ~/.my.cnf [client] keep it off the command line"))
		}
		cf.Set(profile, opts.Key, opts.Value)
		shown := cmdutil.Value{Key: opts.Key, Value: opts.Value}.Shown()
		return &shown, true, "= " + cmdutil.Safe(shown)
	})
}

// configChange is the --output json result of config set, unset and use.
type configChange struct {
	Path    string  `json:"path"`
	Profile string  `json:"profile"`
	Key     string  `json:"key"`
	Value   *string `json:"value"` // null after unset
	Changed bool    `json:"changed"`
}

// commit is how config set, unset and use end: the file is written when
// the change changed it, and the change is reported, as configChange with
// --output json, else as "✓ done".
func (b *configBase) commit(cf *cmdutil.ConfigFile, ch configChange, done string) error {
	if ch.Changed {
		if err := cf.Write(); err != nil {
			return fmt.Errorf("write %s: %w", b.Path, err)
		}
	}
	if b.Format == "json" {
		ch.Path = b.Path
		return cmdutil.WriteJSON(b.IO.Out, ch)
	}
	fmt.Fprintf(b.IO.Out, "%s %s\n", b.IO.Styles().OK.Render("✓"), done)
	return nil
}

// ConfigUnsetOptions is one key to remove from a profile.
type ConfigUnsetOptions struct {
	configBase
	profileKey
}

// NewCmdConfigUnset builds "config unset"; runF, when not nil, replaces
// configUnsetRun.
func NewCmdConfigUnset(f *cmdutil.Factory, runF func(*ConfigUnsetOptions) error) *cobra.Command {
	return configCommand(f, &cobra.Command{
		Use:   "unset <key> [--profile <name>]",
		Short: "Remove a setting from a profile",
		Long: `Unset removes key's line from the profile named by --profile (else
MWOAUTH_PROFILE, else the default profile); every other line stays. A key
that is not there is reported and nothing changes (exit 0).`,
		Example: "  mwoauth config unset public-key --profile sandbox\n  mwoauth config unset as",
		Args:    cmdutil.Args(cobra.ExactArgs(1), "a setting KEY"),
	}, func(opts *ConfigUnsetOptions, _ *cobra.Command, args []string) error {
		_, err := opts.read(f, args[0])
		return err
	}, runF, configUnsetRun)
}

func configUnsetRun(opts *ConfigUnsetOptions) error {
	return opts.edit(&opts.configBase, func(cf *cmdutil.ConfigFile, profile string, exists bool) (*string, bool, string) {
		changed := exists && cf.Unset(profile, opts.Key)
		if !changed && opts.Format != "json" {
			fmt.Fprintf(opts.IO.ErrOut, "%s is not set in profile %s; nothing changed\n", opts.Key, cmdutil.Safe(profile))
			return nil, false, ""
		}
		return nil, changed, "removed"
	})
}

// ConfigUseOptions is the profile to make the default.
type ConfigUseOptions struct {
	configBase
	Name string
}

// NewCmdConfigUse builds "config use"; runF, when not nil, replaces
// configUseRun.
func NewCmdConfigUse(f *cmdutil.Factory, runF func(*ConfigUseOptions) error) *cobra.Command {
	return configCommand(f, &cobra.Command{
		Use:   "use <profile>",
		Short: "Make a profile the default",
		Long: `Use sets default = NAME, the profile commands use when neither --profile nor
MWOAUTH_PROFILE names one. The profile must exist.`,
		Example: "  mwoauth config use metawiki\n  mwoauth config use sandbox",
		Args:    cmdutil.Args(cobra.ExactArgs(1), "a profile NAME"),
	}, func(opts *ConfigUseOptions, _ *cobra.Command, args []string) error {
		opts.Name = args[0]
		return nil
	}, runF, configUseRun)
}

func configUseRun(opts *ConfigUseOptions) error {
	name, path := opts.Name, opts.Path
	cf, _, err := cmdutil.ReadConfigFile(path)
	if err != nil {
		return err
	}
	if !cf.HasProfile(name) {
		return cmdutil.FlagErrorf("no profile %q in %s (%s)", name, path, cf.ProfilesHint())
	}
	changed := cf.Default() != name
	if changed {
		cf.Set("", "default", name)
	}
	return opts.commit(cf, configChange{Profile: name, Key: "default", Value: &name, Changed: changed},
		fmt.Sprintf("default profile is now %s (%s)", cmdutil.Safe(name), cmdutil.Safe(path)))
}
