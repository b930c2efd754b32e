package doctest

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseBlocks(t *testing.T) {
	md := "# Title\n\n```sh\necho one\n```\n\ntext\n\n" +
		"<!-- doc-test: skip: needs network -->\n\n~~~bash\ncurl https://example.org\n~~~\n\n" +
		"```ini\n[profile x]\n```\n\n" +
		"- item\n\n   ```sh\n   echo indented\n     two\n   ```\n" +
		"````sh\n```\nnot a fence end\n````\n"
	blocks, err := Parse([]byte(md))
	if err != nil {
		t.Fatal(err)
	}
	want := []Block{
		{Line: 3, Lang: "sh", Body: []string{"echo one"}},
		{Line: 11, Lang: "bash", Body: []string{"curl https://example.org"}, Skip: "needs network"},
		{Line: 15, Lang: "ini", Body: []string{"[profile x]"}},
		{Line: 21, Lang: "sh", Body: []string{"echo indented", "  two"}},
		{Line: 25, Lang: "sh", Body: []string{"```", "not a fence end"}},
	}
	if !reflect.DeepEqual(blocks, want) {
		t.Fatalf("Parse:\n got %+v\nwant %+v", blocks, want)
	}
	var runs []int
	for _, b := range blocks {
		if b.Runs() {
			runs = append(runs, b.Line)
		}
	}
	if !reflect.DeepEqual(runs, []int{3, 21, 25}) {
		t.Errorf("blocks that run: %v", runs)
	}
}

// TestParseRefuses: every way a block could dodge the harness, or a
// directive could be lost, is an error naming the line.
func TestParseRefuses(t *testing.T) {
	for _, tc := range []struct{ md, err string }{
		{"```\necho hi\n```\n", "line 1: code block without a language"},
		{"```console\n$ mwoauth version\n```\n", "line 1: console block"},
		{"```sh\necho hi\n", "line 1: code block is never closed"},
		{"<!-- doc-test: skip: x -->\ntext\n```sh\n```\n", "line 1: doc-test directive is not followed by a code block"},
		{"<!-- doc-test: skip: x -->\n", "line 1: doc-test directive at the end of the file"},
		{"<!-- doc-test: skip: -->\n```sh\n```\n", "line 1: doc-test skip needs a reason"},
		{"<!-- doc-test: exit 5 -->\n```sh\n```\n", `line 1: unknown doc-test directive "exit 5"`},
		{"<!-- doc-test: skip: x\n-->\n```sh\n```\n", "line 1: doc-test directive must be one line"},
		{"<!-- doc-test: skip: x -->\n```json\n{}\n```\n", "line 2: doc-test skip on a json block"},
		{"<!-- doc-test: skip: a -->\n<!-- doc-test: skip: b -->\n```sh\n```\n", "line 2: doc-test directive of line 1 is not followed"},
	} {
		_, err := Parse([]byte(tc.md))
		if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
			t.Errorf("Parse(%q) = %v, want %q", tc.md, err, tc.err)
		}
	}
}

func TestBuildRefuses(t *testing.T) {
	for _, tc := range []struct{ body, err string }{
		{"# exit 5", `line 2: "# exit 5" on a line without a command`},
		{"false | # exit 1\ntrue", `line 2: "# exit 1" must end the command`},
		{"echo 'open", "line 1: the block ends inside a quote"},
		{"echo \\", "line 1: the block ends inside a quote"},
		{"cat <<EOF\nbody", "line 1: the block ends inside a quote, heredoc"},
		{"false # exit 256", "line 2: exit status 256 is over 255"},
		{"__doctest_st=1", "line 2: __doctest names are the harness's"},
	} {
		b := Block{Line: 1, Lang: "sh", Body: strings.Split(tc.body, "\n")}
		_, err := Build([]Block{b}, "/dev/null", "@@m")
		if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
			t.Errorf("Build(%q) = %v, want %q", tc.body, err, tc.err)
		}
	}
}

// TestRunChecksExitStatus runs real bash: an unannounced failure and a
// wrong announced status are reported at their Markdown lines; announced
// statuses, quotes, heredocs and continuations that only look like
// annotations are not.
func TestRunChecksExitStatus(t *testing.T) {
	md := strings.Join([]string{
		"# doc",                      // 1
		"",                           // 2
		"```sh",                      // 3
		"X=kept",                     // 4
		"sh -c 'exit 5'   # exit 5",  // 5  announced, met
		"sh -c 'exit 4'   # exit 5",  // 6  announced, not met
		"false",                      // 7  unannounced
		"echo '# exit 3'",            // 8  a quoted hash is no comment
		"sh -c 'exit 2' \\",          // 9  continued command ...
		"  && true   # exit 2",       // 10 ... announced on its last line
		"cat <<'EOF' > note.txt",     // 11
		"false # exit 9",             // 12 heredoc body: text, not a command
		"EOF",                        // 13
		"false | true",               // 14 pipefail
		"```",                        // 15
		"",                           // 16
		"<!-- doc-test: skip: x -->", // 17
		"```sh",                      // 18
		"false",                      // 19 skipped
		"```",                        // 20
		"```sh",                      // 21
		`test "$X" = kept`,           // 22 state carries over
		"grep -q 'false # exit 9' note.txt",
		"```",
	}, "\n")
	blocks, err := Parse([]byte(md))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	fails, out, err := Run(context.Background(), blocks, dir, []string{"PATH=" + os.Getenv("PATH")})
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var got []string
	for _, f := range fails {
		got = append(got, f.String()[:strings.Index(f.String(), "\n")])
	}
	want := []string{
		"6: exit status 4, want 5: sh -c 'exit 4'   # exit 5",
		`7: exit status 1, want 0 (write "# exit 1" after the command if the text promises it): false`,
		`14: exit status 1, want 0 (write "# exit 1" after the command if the text promises it): false | true`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("failures:\n got %q\nwant %q\noutput:\n%s", got, want, out)
	}
}

// TestRunStopsOnUnsetVariable: bash -u ends the shell; the harness says
// where, instead of passing because nothing after it ran.
func TestRunStopsOnUnsetVariable(t *testing.T) {
	md := "```sh\necho start\n```\n\n```sh\nmwoauth token decode \"$TOKEN\"\necho never\n```\n"
	blocks, err := Parse([]byte(md))
	if err != nil {
		t.Fatal(err)
	}
	fails, out, err := Run(context.Background(), blocks, t.TempDir(), []string{"PATH=" + os.Getenv("PATH")})
	if err != nil {
		t.Fatal(err)
	}
	if len(fails) != 1 || fails[0].Line != 5 || !strings.Contains(fails[0].What, "stopped before the end") ||
		!strings.Contains(fails[0].Output, "TOKEN: unbound variable") || strings.Contains(string(out), "never") {
		t.Fatalf("failures %+v\noutput:\n%s", fails, out)
	}
}

// TestRunKillsBackgroundProcesses: a server a document starts with & does
// not outlive its shell.
func TestRunKillsBackgroundProcesses(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "pid")
	md := "```sh\nsleep 300 &\necho $! > " + pidFile + "\n```\n"
	blocks, _ := Parse([]byte(md))
	fails, out, err := Run(context.Background(), blocks, dir, []string{"PATH=" + os.Getenv("PATH")})
	if err != nil || len(fails) > 0 {
		t.Fatalf("%v %+v\n%s", err, fails, out)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	proc := filepath.Join("/proc", strings.TrimSpace(string(b)))
	deadline := time.Now().Add(5 * time.Second)
	for {
		st, err := os.ReadFile(filepath.Join(proc, "stat"))
		// Gone, or a zombie waiting for init to reap it: not running.
		if err != nil || strings.Contains(string(st), ") Z ") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("background sleep %s still runs after the document's shell ended", proc)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// FuzzParse: no Markdown makes the parser or the script builder panic,
// every block lies inside the document, and the script maps each of its
// lines to a line of the document (or to none).
func FuzzParse(f *testing.F) {
	for _, p := range []string{"../../README.md", "../guides/expiry-testing.md", "../guides/leaked-consumer-runbook.md"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, md []byte) {
		blocks, err := Parse(md)
		if err != nil {
			return
		}
		n := strings.Count(string(md), "\n") + 1
		for _, b := range blocks {
			if b.Line < 1 || b.Line+len(b.Body) > n {
				t.Fatalf("block at %d with %d lines outside a %d-line document", b.Line, len(b.Body), n)
			}
		}
		s, err := Build(blocks, "/dev/null", "@@m")
		if err != nil {
			return
		}
		lines := strings.Count(s.Text, "\n")
		for i := 1; i <= lines; i++ {
			if md := s.MarkdownLine(i); md < 0 || md > n {
				t.Fatalf("script line %d maps to %d of %d", i, md, n)
			}
		}
	})
}
