package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// withUmask runs f under umask m: the modes below must not depend on it.
func withUmask(t *testing.T, m int, f func()) {
	t.Helper()
	old := syscall.Umask(m)
	defer syscall.Umask(old)
	f()
}

func onlyEntries(t *testing.T, dir string, want ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if len(got) != len(want) {
		t.Fatalf("%s holds %q, want %q", dir, got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s holds %q, want %q", dir, got, want)
		}
	}
}

func mustRead(t *testing.T, path, want string, mode fs.FileMode) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != want {
		t.Errorf("%s holds %q, want %q", path, b, want)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != mode {
		t.Errorf("%s has mode %04o, want %04o", path, st.Mode().Perm(), mode)
	}
}

func TestModeIsExactWhateverTheUmask(t *testing.T) {
	for _, umask := range []int{0o000, 0o022, 0o077, 0o777} {
		dir := t.TempDir()
		withUmask(t, umask, func() {
			if err := Create(filepath.Join(dir, "pub"), []byte("PUB"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := Replace(filepath.Join(dir, "priv"), []byte("PRIV"), 0o600); err != nil {
				t.Fatal(err)
			}
		})
		mustRead(t, filepath.Join(dir, "pub"), "PUB", 0o644)
		mustRead(t, filepath.Join(dir, "priv"), "PRIV", 0o600)
		onlyEntries(t, dir, "priv", "pub")
	}
}

func TestCreateRefusesAnExistingName(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "key")
	if err := os.WriteFile(path, []byte("someone else's"), 0o640); err != nil {
		t.Fatal(err)
	}
	err := Create(path, []byte("ours"), 0o600)
	if !errors.Is(err, ErrExist) || !errors.Is(err, fs.ErrExist) {
		t.Fatalf("err = %v, want one wrapping ErrExist", err)
	}
	mustRead(t, path, "someone else's", 0o640)
	onlyEntries(t, dir, "key")
}

func TestReplaceReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config")
	if err := os.WriteFile(path, []byte("old, and longer than the new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Replace(path, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The mode is the one asked for, not the old file's: a configuration
	// that now holds a password must not stay world-readable.
	mustRead(t, path, "new", 0o600)
	onlyEntries(t, dir, "config")
}

// An error leaves no temporary file and the old contents in place.
func TestErrorsLeaveNothing(t *testing.T) {
	dir := t.TempDir()
	if _, err := Temp(filepath.Join(dir, "missing"), "x*", []byte("x"), 0o600); err == nil {
		t.Error("Temp in a missing directory succeeded")
	}
	if err := Create(filepath.Join(dir, "missing", "f"), []byte("x"), 0o600); err == nil {
		t.Error("Create in a missing directory succeeded")
	}
	// Replacing a directory fails at the rename, after the temporary file
	// was written: it must be gone and the directory untouched.
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sub, "inside"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Replace(sub, []byte("x"), 0o600); err == nil {
		t.Error("Replace over a non-empty directory succeeded")
	}
	onlyEntries(t, dir, "sub")
	onlyEntries(t, sub, "inside")
}

// LinkNew leaves the temporary file for its caller, who may still need it
// (keys generate links two and removes both at the end).
func TestLinkNewKeepsTheTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	tmp, err := Temp(dir, ".t*", []byte("data"), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(tmp) != dir {
		t.Fatalf("temporary file %s is not in %s", tmp, dir)
	}
	final := filepath.Join(dir, "final")
	if err := LinkNew(tmp, final); err != nil {
		t.Fatal(err)
	}
	mustRead(t, final, "data", 0o600)
	if err := LinkNew(tmp, final); !errors.Is(err, ErrExist) {
		t.Fatalf("second LinkNew: err = %v, want ErrExist", err)
	}
	mustRead(t, tmp, "data", 0o600)
}
