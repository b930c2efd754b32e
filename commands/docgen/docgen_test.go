package docgen

import (
	"os"
	"path/filepath"
	"testing"
)

// TestDocsCurrent fails when docs/reference or docs/man differ from what the
// command tree generates: run "make docs" and commit the result.
func TestDocsCurrent(t *testing.T) {
	tmp := t.TempDir()
	md, man := filepath.Join(tmp, "reference"), filepath.Join(tmp, "man")
	if err := GenDocs(md, man); err != nil {
		t.Fatal(err)
	}
	for gen, committed := range map[string]string{md: "../../docs/reference", man: "../../docs/man"} {
		want := readDir(t, gen)
		got := readDir(t, committed)
		for name, body := range want {
			if got[name] != body {
				t.Errorf("%s/%s is stale or missing: run 'make docs'", committed, name)
			}
		}
		for name := range got {
			if _, ok := want[name]; !ok {
				t.Errorf("%s/%s is no longer generated: run 'make docs'", committed, name)
			}
		}
	}
}

func readDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(b)
	}
	return out
}
