package doctest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
)

// The documents whose shell blocks run. Every guide is included by the glob;
// a new guide is tested the day it is added.
func documents(t *testing.T, root string) []string {
	t.Helper()
	guides, err := filepath.Glob(filepath.Join(root, "docs", "guides", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	return append([]string{filepath.Join(root, "README.md")}, guides...)
}

// TestDocs runs every fenced sh block of README.md and docs/guides/*.md as a
// reader pastes them (conventions: docs/README.md, "Docs are tested"):
//
//   - each document in one bash shell, blocks in order, in a fresh copy of
//     the repository (what a reader has after cloning) as the working
//     directory, with a fresh HOME (and XDG_CONFIG_HOME under it), an empty
//     stdin and a clean environment: no MWOAUTH_* variable, no CI;
//   - README.md starts with no mwoauth on PATH (its install step puts one
//     there, into a throwaway GOPATH); a guide starts with mwoauth built from
//     this tree on PATH, as its reader has installed it;
//   - every command exits 0 unless its line ends in "# exit N";
//   - a block after <!-- doc-test: skip: REASON --> does not run; the
//     reasons are listed in the test log.
//
// The Go build and module caches are the caller's (they are caches, not
// configuration), so the README's go install takes seconds, not minutes.
func TestDocs(t *testing.T) {
	root := repoRoot(t)
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatalf("bash is needed to run the documents' shell blocks: %v", err)
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go is needed for the README's install step: %v", err)
	}
	for _, doc := range documents(t, root) {
		rel, _ := filepath.Rel(root, doc)
		t.Run(rel, func(t *testing.T) {
			t.Parallel()
			md, err := os.ReadFile(doc)
			if err != nil {
				t.Fatal(err)
			}
			blocks, err := Parse(md)
			if err != nil {
				t.Fatalf("%s: %v", rel, err)
			}
			runs := 0
			for _, b := range blocks {
				if b.Skip != "" {
					t.Logf("%s:%d not run: %s", rel, b.Line, b.Skip)
				}
				if b.Runs() {
					runs++
				}
			}
			if runs == 0 {
				return
			}
			tmp := t.TempDir()
			work := filepath.Join(tmp, "work")
			if err := copyRepo(root, work); err != nil {
				t.Fatal(err)
			}
			var extraPath []string
			if rel != "README.md" {
				extraPath = append(extraPath, filepath.Dir(mwoauthBinary(t, root)))
			}
			env := docEnv(t, tmp, goBin, bash, extraPath)
			ctx, cancel := context.WithTimeout(context.Background(), docTimeout(t))
			defer cancel()
			start := time.Now()
			fails, out, err := Run(ctx, blocks, work, env)
			if err != nil {
				t.Fatalf("%s: %v\n--- output ---\n%s", rel, err, tail(out, 60))
			}
			t.Logf("%s: %d blocks ran in %v", rel, runs, time.Since(start).Round(time.Millisecond))
			shown := map[string]bool{}
			for _, f := range fails {
				if shown[f.Output] {
					t.Errorf("%s:%d: %s (output above)", rel, f.Line, f.What)
					continue
				}
				shown[f.Output] = true
				t.Errorf("%s:%s", rel, f)
			}
		})
	}
}

// docEnv is the whole environment a document's shell gets.
func docEnv(t *testing.T, tmp, goBin, bash string, extraPath []string) []string {
	t.Helper()
	home := filepath.Join(tmp, "home")
	gopath := filepath.Join(tmp, "gopath")
	tmpdir := filepath.Join(tmp, "tmp")
	for _, d := range []string{home, gopath, tmpdir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	path := append(extraPath, filepath.Join(gopath, "bin"), filepath.Dir(goBin), filepath.Dir(bash))
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if dir == "" || !filepath.IsAbs(dir) {
			continue
		}
		if other := filepath.Join(dir, "mwoauth"); isExecutable(other) {
			if strings.HasPrefix(dir, "/usr/") || strings.HasPrefix(dir, "/bin") || strings.HasPrefix(dir, "/sbin") {
				t.Fatalf("an installed %s would stand in for the mwoauth under test; remove it (dpkg -r mwoauth)", other)
			}
			continue // e.g. ~/go/bin with an older build
		}
		path = append(path, dir)
	}
	env := []string{
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"PATH=" + strings.Join(path, string(filepath.ListSeparator)),
		"TMPDIR=" + tmpdir,
		"LANG=C.UTF-8",
		"TERM=dumb",
		"GOPATH=" + gopath,
		"GOTOOLCHAIN=local",
	}
	for _, k := range []string{"GOCACHE", "GOMODCACHE"} {
		env = append(env, k+"="+goEnv(t, k))
	}
	for _, k := range []string{"USER", "LOGNAME", "GOPROXY", "GOSUMDB", "GONOSUMDB", "GOPRIVATE", "GONOPROXY", "GOINSECURE", "GOFLAGS"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

func docTimeout(t *testing.T) time.Duration {
	d := 8 * time.Minute
	if dl, ok := t.Deadline(); ok && time.Until(dl)-30*time.Second < d {
		d = time.Until(dl) - 30*time.Second
	}
	return d
}

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
	buildOut  []byte
	binDir    string
)

func TestMain(m *testing.M) {
	var err error
	binDir, err = os.MkdirTemp("", "doctest-bin-")
	if err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(binDir)
	os.Exit(code)
}

// mwoauthBinary builds cmd/mwoauth from this tree once, the way a reader's
// go install does: the real entry point, no race detector, no test hooks.
func mwoauthBinary(t *testing.T, root string) string {
	t.Helper()
	buildOnce.Do(func() {
		builtBin = filepath.Join(binDir, "mwoauth")
		cmd := exec.Command("go", "build", "-o", builtBin, "./cmd/mwoauth")
		cmd.Dir = root
		buildOut, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("go build ./cmd/mwoauth: %v\n%s", buildErr, buildOut)
	}
	return builtBin
}

func goEnv(t *testing.T, key string) string {
	t.Helper()
	out, err := exec.Command("go", "env", key).Output()
	if err != nil {
		t.Fatalf("go env %s: %v", key, err)
	}
	return strings.TrimSpace(string(out))
}

func repoRoot(t *testing.T) string {
	t.Helper()
	mod := goEnv(t, "GOMOD")
	if mod == "" || mod == os.DevNull {
		t.Fatal("not inside the mwoauth module")
	}
	return filepath.Dir(mod)
}

// copyRepo copies what a clone holds (tracked files, plus new files not yet
// committed, never ignored ones such as mwoauth-sandbox/ or dist/) to dst.
func copyRepo(root, dst string) error {
	cmd := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return err
	}
	for _, rel := range strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00") {
		if rel == "" {
			continue
		}
		src := filepath.Join(root, rel)
		fi, err := os.Lstat(src)
		if os.IsNotExist(err) {
			continue // deleted in the worktree, not yet committed
		}
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if fi.Mode()&os.ModeSymlink != 0 {
			link, err := os.Readlink(src)
			if err != nil {
				return err
			}
			if err := os.Symlink(link, target); err != nil {
				return err
			}
			continue
		}
		if !fi.Mode().IsRegular() {
			continue
		}
		b, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		if err := os.WriteFile(target, b, fi.Mode().Perm()); err != nil {
			return err
		}
	}
	return nil
}

func tail(b []byte, n int) string {
	lines := bytes.Split(bytes.TrimRight(b, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}

// TestReadmeExitCodes: the README's exit-code table lists exactly the codes
// of the one table (cmdutil.ExitCodeTable), so a new code cannot be added
// without the README saying what it means.
func TestReadmeExitCodes(t *testing.T) {
	md, err := os.ReadFile(filepath.Join(repoRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(md), "\n## Exit codes\n")
	if !ok {
		t.Fatal("README.md has no \"## Exit codes\" section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var got []int
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 3 {
			continue
		}
		if n, err := strconv.Atoi(strings.TrimSpace(cells[1])); err == nil {
			got = append(got, n)
		}
	}
	var want []int
	for _, e := range cmdutil.ExitCodeTable {
		want = append(want, e.Code)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("README.md exit codes %v, cmdutil.ExitCodeTable has %v", got, want)
	}
}
