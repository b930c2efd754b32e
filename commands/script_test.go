package commands

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/mwoauth/mwoauth/internal/loggen"
)

var updateScripts = flag.Bool("update", false, "rewrite the golden files of the .txtar scripts")

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
		// go test -run TestScripts -update rewrites the goldens that
		// "cmp stdout NAME" compares with, inside the .txtar files.
		UpdateScripts: *updateScripts,
		Setup:         setupScriptEnv,
		// [ci]: running under CI=true, where a missing tool must fail the
		// script rather than skip it; [recorded-answers]: probe_script_test.go.
		Condition: func(cond string) (bool, error) {
			if cond == "ci" {
				return os.Getenv("CI") == "true", nil
			}
			return recordedAnswersCondition(cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// exitcode N cmd args...: run mwoauth-style command and require exit status N.
			"exitcode": cmdExitCode,
			// probeserver VAR MODE [ARG]: a loopback server for token probe (probe_script_test.go).
			"probeserver": cmdProbeServer,
			// mwoauth-width-check N stdout: no line of the last stdout is wider
			// than N terminal columns (escape codes and  not counted).
			"mwoauth-width-check": cmdWidthCheck,
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

func cmdWidthCheck(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 || args[1] != "stdout" {
		ts.Fatalf("usage: mwoauth-width-check N stdout")
	}
	limit, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("%v", err)
	}
	for _, line := range strings.Split(ts.ReadFile("stdout"), "\n") {
		line = strings.TrimRight(line, "\r")
		if w := lipgloss.Width(line); w > limit {
			ts.Fatalf("line is %d columns wide, over %d: %q", w, limit, line)
		}
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
