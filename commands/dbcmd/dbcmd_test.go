package dbcmd

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/db"
)

// The database settings resolve as every setting does (flag, environment,
// default profile), the opener opens exactly what they name, and Where
// names where it came from.
func TestOpenerOpensWhatTheSettingsName(t *testing.T) {
	dir := t.TempDir()
	mk := func(name string) string {
		path := filepath.Join(dir, name)
		st, err := db.CreateSQLite(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if err := st.CreateSchema(context.Background()); err != nil {
			t.Fatal(err)
		}
		return path
	}
	profileDB, flagDB := mk("profile.sqlite"), mk("flag.sqlite")
	cfg := filepath.Join(dir, "config")
	if err := os.WriteFile(cfg, []byte("default = sb\n\n[profile sb]\ndb = sqlite:"+profileDB+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		args       []string
		env        map[string]string
		path, from string
	}{
		{nil, nil, profileDB, "profile sb"},
		{[]string{"--db", "sqlite:" + flagDB}, nil, flagDB, "from --db"},
		{nil, map[string]string{"MWOAUTH_DB": "sqlite:" + flagDB}, flagDB, "from MWOAUTH_DB"},
	} {
		ios, _, _, _ := cmdutil.Test()
		f := cmdutil.NewFactory(ios)
		f.ConfigPath = cfg
		f.Getenv = func(k string) string { return tc.env[k] }
		var o *Opener
		cmd := &cobra.Command{Use: "x", RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			o, err = NewOpener(cmd, f)
			return err
		}}
		AddFlags(cmd)
		cmd.SetArgs(tc.args)
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		if err := o.Require(); err != nil || !o.Configured() {
			t.Errorf("%v: a database is configured, yet %v", tc.args, err)
		}
		st, err := o.Open(context.Background())
		if err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		where := o.Where(st)
		st.Close()
		if st.Target().OAuth.Path != tc.path || !strings.Contains(where, tc.from) {
			t.Errorf("%v: opened %s, %q; want %s, from %q", tc.args, st.Target().OAuth.Path, where, tc.path, tc.from)
		}
	}

	// Nothing configured: optional opens give nothing, the others one
	// usage error that says where to configure a database.
	ios, _, _, _ := cmdutil.Test()
	f := cmdutil.NewFactory(ios)
	f.ConfigPath = filepath.Join(dir, "none")
	f.Getenv = func(string) string { return "" }
	o := OpenerFor(f, Settings{})
	if st, err := o.OpenOptional(context.Background()); st != nil || err != nil {
		t.Errorf("OpenOptional with no database: %v, %v", st, err)
	}
	for _, err := range []error{o.Require(), func() error { _, err := o.Open(context.Background()); return err }()} {
		if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), "no database configured: pass --db") {
			t.Errorf("no database: %v", err)
		}
	}
}
