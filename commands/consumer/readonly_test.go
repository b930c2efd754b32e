package consumer_test

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestReadOnlyWikiFile: a wiki file the user may only read (0444, in a
// folder they may not write) can be listed and shown; writing to it fails
// with one line, exit 1. As root, permission bits bind nobody, so the
// commands then run as the unprivileged user "nobody".
func TestReadOnlyWikiFile(t *testing.T) {
	home := isolate(t)
	sb := filepath.Join(home, "sb")
	if r := mwoauth(t, false, "", "2026-11-22T12:00:00Z", "sandbox", sb); r.code != 0 {
		t.Fatalf("sandbox: %s", r.stderr)
	}
	// A folder outside the test's own 0700 temp folders, so "nobody" can reach it.
	base, err := os.MkdirTemp("", "mwoauth-ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(filepath.Join(base, "ro"), 0o755); os.RemoveAll(base) }) //nolint:errcheck
	os.Chmod(base, 0o755)                                                                //nolint:errcheck
	dir := filepath.Join(base, "ro")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	wiki := filepath.Join(dir, "wiki.sqlite")
	copyFile(t, filepath.Join(sb, "wiki.sqlite"), wiki, 0o444)
	bin := filepath.Join(dir, "mwoauth.test")
	copyFile(t, os.Args[0], bin, 0o755)
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}

	run := func(args ...string) (int, string) {
		cmd := exec.Command(bin, args...)
		cmd.Env = []string{asMwoauth + "=1", "HOME=" + dir, "XDG_CONFIG_HOME=" + dir, "NO_COLOR=1", "MWOAUTH_NOW=2026-11-22T12:00:00Z"}
		if os.Geteuid() == 0 {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		}
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), string(out)
		}
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return 0, string(out)
	}
	if code, out := run("consumer", "list", "--db", "sqlite:"+wiki, "-o", "keys", "--all"); code != 0 || strings.Count(out, "\n") != 23 || !strings.Contains(out, "2 suppressed consumers match") {
		t.Errorf("list a read-only file: exit %d\n%s", code, out)
	}
	if code, out := run("consumer", "show", "2", "--db", "sqlite:"+wiki); code != 0 || !strings.Contains(out, "Leaky Client Credentials App") {
		t.Errorf("show a read-only file: exit %d\n%s", code, out)
	}
	code, out := run("consumer", "disable", "2", "--reason", "x", "--as", "Admin", "--yes", "--db", "sqlite:"+wiki)
	if code != 1 || strings.Count(strings.TrimSpace(out), "\nerror: ") != 0 && !strings.HasPrefix(out, "error: ") {
		t.Errorf("write to a read-only file: exit %d\n%s", code, out)
	}
	if !strings.Contains(out, "error: ") {
		t.Errorf("no error line:\n%s", out)
	}
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	os.Chmod(to, mode) //nolint:errcheck
}
