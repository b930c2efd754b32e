package sandbox

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
)

// Flag parsing and settings are tested apart from the work: runF receives
// the options the run function would, and nothing is created.
func TestSandboxOptions(t *testing.T) {
	newFactory := func(env map[string]string) *cmdutil.Factory {
		ios, _, _, _ := cmdutil.Test()
		f := cmdutil.NewFactory(ios)
		f.ConfigPath = filepath.Join(t.TempDir(), "config")
		f.Getenv = func(k string) string { return env[k] }
		return f
	}
	exec := func(f *cmdutil.Factory, create func(*createOptions) error, refresh func(*refreshOptions) error, args ...string) error {
		cmd := newCmdSandbox(f, create, refresh)
		cmd.SetArgs(args)
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		return cmd.Execute()
	}
	var got *createOptions
	create := func(o *createOptions) error { got = o; return nil }
	refuse := func(*refreshOptions) error { t.Error("refresh ran"); return nil }

	f := newFactory(map[string]string{"MWOAUTH_PROFILE": "staging"})
	if err := exec(f, create, refuse); err != nil {
		t.Fatal(err)
	}
	if got.Dir != DefaultDir || got.Force || got.Format != "text" || got.ConfigPath != f.ConfigPath || got.Chosen != "staging" ||
		got.CreateDB == nil || got.Ctx == nil || got.Now == nil {
		t.Errorf("sandbox: %+v", got)
	}
	f = newFactory(map[string]string{"MWOAUTH_PROFILE": "staging"})
	f.Profile = "sandbox" // --profile beats MWOAUTH_PROFILE
	if err := exec(f, create, refuse, "/tmp/practice", "--force", "-o", "json"); err != nil {
		t.Fatal(err)
	}
	if got.Dir != "/tmp/practice" || !got.Force || got.Format != "json" || got.Chosen != "sandbox" {
		t.Errorf("sandbox /tmp/practice --force: %+v", got)
	}
	// A folder spelled like a subcommand is taken for a typo.
	err := exec(newFactory(nil), func(*createOptions) error { t.Error("create ran"); return nil }, refuse, "refesh")
	if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), `did you mean "refresh"?`) {
		t.Errorf("sandbox refesh: %v", err)
	}

	var ref *refreshOptions
	capture := func(o *refreshOptions) error { ref = o; return nil }
	if err := exec(f, create, capture, "refresh"); err != nil {
		t.Fatal(err)
	}
	if ref.Dir != "" || ref.Format != "text" || ref.ConfigPath != f.ConfigPath || ref.OpenDB == nil || ref.Ctx == nil {
		t.Errorf("refresh: %+v", ref)
	}
	if err := exec(f, create, capture, "refresh", "/tmp/practice", "-o", "json"); err != nil || ref.Dir != "/tmp/practice" || ref.Format != "json" {
		t.Errorf("refresh /tmp/practice: %+v %v", ref, err)
	}
}
