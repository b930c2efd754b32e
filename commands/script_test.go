package commands

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/mwoauth/mwoauth/internal/loggen"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"mwoauth": func() { os.Exit(Main()) },
		// The log generator, so scan-*.txtar can check a scan against what was written.
		"mwoauth-loggen": func() { os.Exit(loggen.Main(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs testdata/script/*.txtar: each command as a user runs it,
// with args, stdin, exit codes, stdout and stderr checked. Shared fixtures
// (real MediaWiki keys and tokens) are copied into $WORK/fixtures.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("NO_COLOR", "")
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(env.WorkDir, ".config"))
			env.Setenv("HOME", env.WorkDir)
			return copyTree("testdata/fixtures", filepath.Join(env.WorkDir, "fixtures"))
		},
		Condition: recordedAnswersCondition,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// exitcode N cmd args...: run mwoauth-style command and require exit status N.
			"exitcode": cmdExitCode,
			// probeserver VAR MODE [ARG]: a loopback server for token probe (probe_script_test.go).
			"probeserver": cmdProbeServer,
		},
	})
}

func cmdExitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode N command [args...]")
	}
	err := ts.Exec(args[1], args[2:]...)
	got := "0"
	if err != nil {
		msg := err.Error()
		if i := strings.LastIndex(msg, "exit status "); i >= 0 {
			got = strings.TrimSpace(msg[i+len("exit status "):])
		} else {
			ts.Fatalf("%v", err)
		}
	}
	if got != args[0] {
		ts.Fatalf("exit status %s, want %s", got, args[0])
	}
}

func copyTree(src, dst string) error {
	return filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, info.Mode().Perm())
	})
}
