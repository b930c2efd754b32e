package docgen

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
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

// genTemp generates the man pages into a temporary directory.
func genTemp(t *testing.T) (dir string, pages map[string]string) {
	t.Helper()
	dir = t.TempDir()
	if err := GenDocs("", dir); err != nil {
		t.Fatal(err)
	}
	return dir, readDir(t, dir)
}

// sectionsOf lists the .SH headings of a page, in order, and their bodies.
func sectionsOf(page string) (names []string, body map[string]string) {
	body = map[string]string{}
	cur := ""
	for _, line := range strings.Split(page, "\n") {
		if name, ok := strings.CutPrefix(line, ".SH "); ok {
			cur = strings.Trim(name, `"`)
			names = append(names, cur)
			continue
		}
		if cur != "" {
			body[cur] += line + "\n"
		}
	}
	return names, body
}

// TestManPageSections: every command's page has the sections a man page
// reader expects, in order; EXIT STATUS is the one exit-code table;
// ENVIRONMENT names the variable of every setting the command has a flag
// for; SYNOPSIS names the command, never "mwoauth   [flags]"; the help
// topics have pages of their own.
func TestManPageSections(t *testing.T) {
	_, pages := genTemp(t)
	root := Root()
	want := map[string]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.IsAdditionalHelpTopicCommand() {
			want[pageName(c)+".7"] = true
			return
		}
		if c != root && !c.IsAvailableCommand() {
			return
		}
		want[pageName(c)+".1"] = true
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
	for _, name := range []string{"mwoauth.1", "mwoauth-token-verify.1", "mwoauth-exit-codes.7", "mwoauth-environment.7"} {
		if !want[name] {
			t.Errorf("no page %s in the command tree", name)
		}
	}
	for name := range want {
		if _, ok := pages[name]; !ok {
			t.Errorf("%s not generated", name)
		}
	}
	for name, page := range pages {
		if !want[name] {
			t.Errorf("%s generated for no command or topic", name)
			continue
		}
		names, body := sectionsOf(page)
		wantSections := CommandSections
		if strings.HasSuffix(name, ".7") {
			wantSections = TopicSections
		}
		if !isSubsequence(wantSections, names) {
			t.Errorf("%s: sections %q, want %q in this order", name, names, wantSections)
			continue
		}
		for _, s := range wantSections {
			if strings.TrimSpace(body[s]) == "" {
				t.Errorf("%s: section %s is empty", name, s)
			}
		}
		if strings.HasSuffix(name, ".7") {
			continue
		}
		syn := body["SYNOPSIS"]
		if !strings.Contains(syn, ".SY \"mwoauth") || strings.Contains(syn, "[flags]") || strings.Contains(syn, "  ") {
			t.Errorf("%s: SYNOPSIS %q", name, syn)
		}
		for _, e := range cmdutil.ExitCodeTable {
			if !strings.Contains(body["EXIT STATUS"], fmt.Sprintf("\\fB%d\\fR\n%s:", e.Code, roffText(e.Name))) {
				t.Errorf("%s: EXIT STATUS lacks code %d (%s)", name, e.Code, e.Name)
			}
		}
	}
	// The variable of every setting a command has a flag for.
	for name, c := range map[string]*cobra.Command{"mwoauth-consumer-list.1": find(t, root, "consumer", "list"), "mwoauth-token-verify.1": find(t, root, "token", "verify")} {
		_, body := sectionsOf(pages[name])
		for _, k := range cmdutil.Settings {
			// The whole name: MWOAUTH_WIKI is not MWOAUTH_WIKI_DB.
			has := regexp.MustCompile(regexp.QuoteMeta(roffText(cmdutil.EnvName(k.Key))) + `([^A-Z_\\]|\\[^_e(]|$)`).MatchString(body["ENVIRONMENT"])
			if flag := hasFlag(c, k.Key); flag != has {
				t.Errorf("%s: ENVIRONMENT names %s: %v, command has --%s: %v", name, cmdutil.EnvName(k.Key), has, k.Key, flag)
			}
		}
	}
}

func find(t *testing.T, root *cobra.Command, path ...string) *cobra.Command {
	t.Helper()
	c, rest, err := root.Find(path)
	if err != nil || len(rest) > 0 {
		t.Fatalf("no command %v", path)
	}
	return c
}

func isSubsequence(want, got []string) bool {
	i := 0
	for _, g := range got {
		if i < len(want) && g == want[i] {
			i++
		}
	}
	return i == len(want)
}

// TestManRenders: man-db formats every page without a warning from groff,
// and options come out as ASCII "--" a reader can paste back into a shell.
func TestManRenders(t *testing.T) {
	man, err := exec.LookPath("man")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("man (man-db) is needed to check the man pages: %v", err)
		}
		t.Skip("man (man-db) not installed; scripts/test.sh installs it")
	}
	dir, pages := genTemp(t)
	for name := range pages {
		cmd := exec.Command(man, "--warnings", "-E", "UTF-8", "-l", filepath.Join(dir, name))
		cmd.Env = append(os.Environ(), "LANG=C.UTF-8", "LC_ALL=C.UTF-8", "MANWIDTH=80", "MANPAGER=cat", "PAGER=cat")
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil || stderr.Len() > 0 {
			t.Errorf("man -l %s: %v\n%s", name, err, stderr.String())
			continue
		}
		title := strings.ToUpper(strings.TrimSuffix(strings.TrimSuffix(name, ".1"), ".7"))
		if !strings.HasPrefix(stdout.String(), title+"(") {
			t.Errorf("man -l %s: output starts %q", name, firstLine(stdout.String()))
		}
		if name == "mwoauth-token-verify.1" && !strings.Contains(stdout.String(), "--public-key") {
			t.Errorf("man -l %s: no ASCII --public-key in the rendered page", name)
		}
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}
