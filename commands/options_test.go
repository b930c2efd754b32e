package commands

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
)

// Flag parsing and settings are tested apart from the work: runF receives
// the options the run function would, and the configuration file the
// runs would read or write is never touched.

func testFactory(t *testing.T) *cmdutil.Factory {
	t.Helper()
	for _, k := range []string{"MWOAUTH_PROFILE", "MWOAUTH_DB", "MWOAUTH_ISSUER", "MWOAUTH_CONFIG", "MWOAUTH_NOW"} {
		t.Setenv(k, "")
	}
	ios, _, _, _ := cmdutil.Test()
	f := cmdutil.NewFactory(ios)
	f.ConfigPath = filepath.Join(t.TempDir(), "config")
	return f
}

func parseArgs(cmd *cobra.Command, args ...string) error {
	cmd.SetArgs(args)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	return cmd.Execute()
}

func TestConfigOptions(t *testing.T) {
	f := testFactory(t)
	t.Setenv("MWOAUTH_ISSUER", "https://env.example")

	var show *ConfigShowOptions
	if err := parseArgs(NewCmdConfigShow(f, func(o *ConfigShowOptions) error { show = o; return nil }), "-o", "json"); err != nil {
		t.Fatal(err)
	}
	issuer := ""
	for _, v := range show.Values {
		if v.Key == "issuer" {
			issuer = v.Value + " " + string(v.Source)
		}
	}
	if show.Format != "json" || show.Config == nil || show.Config.Exists || issuer != "https://env.example env" || show.Notes == nil {
		t.Errorf("show: %+v (issuer %q)", show, issuer)
	}

	var get *ConfigGetOptions
	if err := parseArgs(NewCmdConfigGet(f, func(o *ConfigGetOptions) error { get = o; return nil }), "issuer"); err != nil {
		t.Fatal(err)
	}
	if get.Value.Value != "https://env.example" || get.Value.Source != cmdutil.SourceEnv || get.Format != "text" {
		t.Errorf("get: %+v", get)
	}

	var set *ConfigSetOptions
	f.Profile = "wiki1"
	if err := parseArgs(NewCmdConfigSet(f, func(o *ConfigSetOptions) error { set = o; return nil }), "table_prefix", "mw_"); err != nil {
		t.Fatal(err)
	}
	if set.Key != "table-prefix" || set.Value != "mw_" || set.Spec.Key != "table-prefix" || set.Profile.Flag != "wiki1" || set.Path != f.ConfigPath {
		t.Errorf("set: %+v", set)
	}

	var unset *ConfigUnsetOptions
	if err := parseArgs(NewCmdConfigUnset(f, func(o *ConfigUnsetOptions) error { unset = o; return nil }), "public_key", "-o", "json"); err != nil {
		t.Fatal(err)
	}
	if unset.Key != "public-key" || unset.Format != "json" || unset.Profile.Flag != "wiki1" {
		t.Errorf("unset: %+v", unset)
	}

	var use *ConfigUseOptions
	if err := parseArgs(NewCmdConfigUse(f, func(o *ConfigUseOptions) error { use = o; return nil }), "wiki1"); err != nil {
		t.Fatal(err)
	}
	var list *ConfigListOptions
	if err := parseArgs(NewCmdConfigList(f, func(o *ConfigListOptions) error { list = o; return nil })); err != nil {
		t.Fatal(err)
	}
	if use.Name != "wiki1" || use.Path != f.ConfigPath || list.Path != f.ConfigPath {
		t.Errorf("use %+v, list %+v", use, list)
	}

	// Usage errors come before anything is read or written.
	ran := func(string) error { t.Error("ran"); return nil }
	for _, c := range []struct {
		cmd  *cobra.Command
		args []string
	}{
		{NewCmdConfigSet(f, func(o *ConfigSetOptions) error { return ran(o.Key) }), []string{"pubkey", "x"}},
		{NewCmdConfigSet(f, func(o *ConfigSetOptions) error { return ran(o.Key) }), []string{"mediawiki", "1.2"}},
		{NewCmdConfigSet(f, func(o *ConfigSetOptions) error { return ran(o.Key) }), []string{"issuer", "a\nb"}},
		{NewCmdConfigGet(f, func(o *ConfigGetOptions) error { return ran(o.Value.Key) }), []string{"isuer"}},
		{NewCmdConfigUnset(f, func(o *ConfigUnsetOptions) error { return ran(o.Key) }), []string{"nope"}},
		{NewCmdConfigShow(f, func(o *ConfigShowOptions) error { return ran(o.Format) }), []string{"-o", "yaml"}},
		{NewCmdConfigUse(f, func(o *ConfigUseOptions) error { return ran(o.Name) }), nil},
	} {
		if err := parseArgs(c.cmd, c.args...); cmdutil.ExitCode(err) != cmdutil.ExitUsage {
			t.Errorf("config %s %q: %v, want a usage error", c.cmd.Name(), c.args, err)
		}
	}
	if _, err := os.Stat(f.ConfigPath); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the configuration file was touched: %v", err)
	}
}

func TestVersionOptions(t *testing.T) {
	f := testFactory(t)
	var got *VersionOptions
	if err := parseArgs(NewCmdVersion(f, func(o *VersionOptions) error { got = o; return nil }), "--output", "json"); err != nil {
		t.Fatal(err)
	}
	ver, rev, when := buildInfo()
	if got.Format != "json" || got.Version != ver || got.Commit != rev || got.Built != when || got.IO != f.IO {
		t.Errorf("version: %+v", got)
	}
	if err := parseArgs(NewCmdVersion(f, func(*VersionOptions) error { t.Error("ran"); return nil }), "extra"); cmdutil.ExitCode(err) != cmdutil.ExitUsage {
		t.Errorf("version extra: %v", err)
	}
}

// The root's persistent flags land on the factory before any command's
// run function; a bad --color or MWOAUTH_NOW stops the run first.
func TestRootOptions(t *testing.T) {
	root := func(f *cmdutil.Factory, ran *bool) *cobra.Command {
		r := newCmdRootOnly(f)
		r.AddCommand(NewCmdVersion(f, func(*VersionOptions) error { *ran = true; return nil }))
		return r
	}
	f := testFactory(t)
	ran := false
	if err := parseArgs(root(f, &ran), "--config", "/etc/mwoauth.conf", "--profile", "wiki1", "--no-profile", "--color", "never", "version"); err != nil || !ran {
		t.Fatalf("%v, ran %v", err, ran)
	}
	if f.ConfigPath != "/etc/mwoauth.conf" || !f.ConfigExplicit || f.Profile != "wiki1" || !f.NoProfile || f.IO.ColorMode != "never" {
		t.Errorf("factory: %+v", f)
	}

	ran = false
	if err := parseArgs(root(testFactory(t), &ran), "--color", "sometimes", "version"); cmdutil.ExitCode(err) != cmdutil.ExitUsage || ran {
		t.Errorf("--color sometimes: %v, ran %v", err, ran)
	}
	f = testFactory(t)
	f.ClockErr = errors.New("MWOAUTH_NOW: invalid time")
	if err := parseArgs(root(f, &ran), "version"); cmdutil.ExitCode(err) != cmdutil.ExitUsage || ran {
		t.Errorf("bad clock: %v, ran %v", err, ran)
	}
	if f := testFactory(t); f.WallNow == nil || time.Since(f.WallNow()) > time.Minute {
		t.Error("writes have no real clock")
	}
}
