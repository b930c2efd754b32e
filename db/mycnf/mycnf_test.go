package mycnf

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func options(r *Result) string {
	var b strings.Builder
	for _, o := range r.Options {
		b.WriteString(o.String() + "\n")
	}
	return b.String()
}

// cases are option files and what the mariadb client reads from them
// (checked against my_print_defaults by TestAgainstMyPrintDefaults).
var cases = []struct {
	name, text, want string
	fails            bool
}{
	{"plain", "[client]\nuser=wikiadmin\npassword=s3cret\n", "--user=wikiadmin\n--password=s3cret\n", false},
	{"end comment", "[client]\npassword=x # comment\nuser = a#b\n", "--password=x\n--user=a\n", false},
	{"quoted hash", "[client]\npassword=\"p#w\" # real comment\nhost='h # x'\n", "--password=p#w\n--host=h # x\n", false},
	{"escapes", "[client]\npassword=a\\sb\\tc\\\\d\\qe\\\"f\n", "--password=a b\tc\\d\\qe\"f\n", false},
	{"quotes kept inside", "[client]\npassword=\"it's\"\nuser='\"'\n", "--password=it's\n--user=\"\n", false},
	{"escaped quote in quotes", "[client]\npassword=\"a\\\"#b\" # c\n", "--password=a\"#b\n", false},
	{"no value", "[client]\npassword\nskip-ssl # c\n", "--password\n--skip-ssl\n", false},
	{"empty value", "[client]\npassword=\nuser=  \n", "--password=\n--user=\n", false},
	{"blanks", "  [client]  \n\t user \t=\t bob \t\r\n\xa0host=h\n", "--user=bob\n--host=h\n", false},
	{"comments", "# top\n; top\n[client]\n  # indented\n;x=1\nport=3307\n", "--port=3307\n", false},
	{"groups", "[mysqld]\nuser=mysql\n[client]\nuser=a\n[mysql]\nuser=b\n[CLIENT]\nuser=c\n[ client]\nuser=d\n[client ] trailing\nuser=e\n",
		"--user=a\n--user=b\n--user=c\n--user=e\n", false},
	{"later wins", "[mysql]\nuser=first\n[client]\nuser=second\n", "--user=first\n--user=second\n", false},
	{"underscore and loose", "[client]\ndefault_character_set=utf8mb4\nloose-password=p\n", "--default_character_set=utf8mb4\n--loose-password=p\n", false},
	{"unknown directive", "[client]\n!bogus x\n!includex y\nuser=u\n", "--user=u\n", false},
	{"include missing", "[client]\n!include /nonexistent/x.cnf\nuser=u\n", "--user=u\n", false},
	{"include without file", "[client]\n!include \nuser=u\n", "", true},
	{"includedir missing", "[client]\n!includedir /nonexistent/dir\nuser=u\n", "", true},
	{"option before group", "user=u\n[client]\nuser=v\n", "", true},
	{"unterminated group", "[client\nuser=u\n", "", true},
	{"nul ends the line", "[client]\nuser=ab\x00cd\npassword=p\n", "--user=ab\n--password=p\n", false},
	{"no final newline", "[client]\nuser=u", "--user=u\n", false},
	{"crlf", "[client]\r\nuser=u\r\npassword = \"p\" \r\n", "--user=u\n--password=p\n", false},
	{"equals in value", "[client]\npassword=a=b\n", "--password=a=b\n", false},
	{"name with spaces", "[client]\nmy opt = v\n", "--my opt=v\n", false},
	{"lone quote", "[client]\npassword=\"\nuser='x\n", "--password=\"\n--user='x\n", false},
	{"trailing backslash", "[client]\npassword=ab\\\n", "--password=ab\\\n", false},
	{"long line", "[client]\nuser=" + strings.Repeat("u", 5000) + "\n", "--user=" + strings.Repeat("u", 4089) + "\n--" + strings.Repeat("u", 911) + "\n", false},
}

func TestRead(t *testing.T) {
	dir := t.TempDir()
	for _, c := range cases {
		r, err := Read(write(t, dir, "my.cnf", c.text), ClientGroups...)
		if (err != nil) != c.fails {
			t.Errorf("%s: error %v, want failure %v", c.name, err, c.fails)
			continue
		}
		var ce *Error
		if err != nil && !errors.As(err, &ce) {
			t.Errorf("%s: error %T %v, want *Error", c.name, err, err)
		}
		if !c.fails && options(r) != c.want {
			t.Errorf("%s:\ngot  %q\nwant %q", c.name, options(r), c.want)
		}
	}
}

func TestIncludes(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "conf.d")
	if err := os.Mkdir(conf, 0o700); err != nil {
		t.Fatal(err)
	}
	write(t, conf, "b.cnf", "[client]\nhost=from-b\n")
	write(t, conf, "a.cnf", "[client]\nhost=from-a\n")
	write(t, conf, "c.txt", "[client]\nhost=not-a-cnf\n")
	write(t, conf, "z.cnf", "user=no-group\n[client]\nhost=never\n")
	inc := write(t, dir, "inc.cnf", "[mysql]\nsocket=/run/x.sock\n")
	// The directive's last character is taken for its newline, even on
	// the last line of a file without one: "!include inc.cnf" there would
	// name inc.cn.
	write(t, dir, "self.cnf", "[client]\nport=1\n!include "+filepath.Join(dir, "self.cnf")+"\n")
	top := write(t, dir, "my.cnf", "[client]\nuser=top\n!include "+inc+"\n!includedir "+conf+"\npassword=after\n!include "+filepath.Join(dir, "self.cnf")+"\n!include "+inc)
	r, err := Read(top, ClientGroups...)
	if err != nil {
		t.Fatal(err)
	}
	want := "--user=top\n--socket=/run/x.sock\n--host=from-a\n--host=from-b\n--password=after\n" + strings.Repeat("--port=1\n", 10)
	if got := options(r); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if len(r.Warnings) != 2 || !strings.Contains(r.Warnings[0], "z.cnf line 1: option before any [group]") ||
		!strings.Contains(r.Warnings[1], "nested more than 10 deep") {
		t.Errorf("warnings %q", r.Warnings)
	}
	if o, ok := r.Last("host"); !ok || o.Value != "from-b" || o.Line != 2 || !strings.HasSuffix(o.File, "b.cnf") {
		t.Errorf("last host %+v", o)
	}
}

func TestWorldWritableIgnored(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "my.cnf", "[client]\npassword=x\n")
	if err := os.Chmod(p, 0o606); err != nil {
		t.Fatal(err)
	}
	r, err := Read(p, ClientGroups...)
	if err != nil || len(r.Options) != 0 || len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "world-writable") {
		t.Errorf("%+v %v", r, err)
	}
	if r, err := Read(filepath.Join(dir, "missing.cnf"), ClientGroups...); err != nil || len(r.Options)+len(r.Warnings)+len(r.Files) != 0 {
		t.Errorf("missing file: %+v %v", r, err)
	}
}

func TestKey(t *testing.T) {
	for name, want := range map[string]string{"password": "password", "loose-password": "password", "loose_socket": "socket",
		"default_character_set": "default-character-set"} {
		if got := (Option{Name: name}).Key(); got != want {
			t.Errorf("%s: %s", name, got)
		}
	}
}

// TestAgainstMyPrintDefaults: for every case above and every fuzz seed,
// this package reads what the MariaDB tools' own reader reads
// (my_print_defaults, from mariadb-client-core), and fails where it fails.
func TestAgainstMyPrintDefaults(t *testing.T) {
	tool, err := exec.LookPath("my_print_defaults")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("my_print_defaults (mariadb-client-core, installed with mariadb-server) is needed: %v", err)
		}
		t.Skip("my_print_defaults not installed")
	}
	texts := map[string]string{}
	for _, c := range cases {
		texts[c.name] = c.text
	}
	seeds, _ := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzParse", "*"))
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			t.Fatal(err)
		}
		text, ok := corpusString(b)
		if !ok {
			t.Fatalf("%s: not a one-string fuzz corpus file", s)
		}
		texts[filepath.Base(s)] = text
	}
	// And texts made of the pieces the rules are about, from a fixed seed
	// (20 000 of them agreed when this was written; 400 run each time).
	pieces := []string{"[", "]", "client", "mysql", "Client", "user", "password", "=", "#", ";", "'", "\"", "\\", " ", "\t",
		"\n", "\n", "\n", "\r", "x", "s", "n", "!include ", "!includedir ", "\xa0", "\x00"}
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := 0; len(texts) < len(cases)+len(seeds)+400; i++ {
		var b strings.Builder
		if rnd.IntN(3) > 0 {
			b.WriteString("[client]\n")
		}
		for j := rnd.IntN(30); j > 0; j-- {
			b.WriteString(pieces[rnd.IntN(len(pieces))])
		}
		if !unnamedAfterBlanks(b.String()) {
			texts[fmt.Sprintf("random %d", i)] = b.String()
		}
	}
	dir := t.TempDir()
	for name, text := range texts {
		p := write(t, dir, "case.cnf", text)
		cmd := exec.Command(tool, append([]string{"--defaults-file=" + p}, ClientGroups...)...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		theirErr := cmd.Run()
		r, ours := Read(p, ClientGroups...)
		if (theirErr != nil) != (ours != nil) {
			t.Errorf("%s: my_print_defaults %v (%s), mycnf %v", name, theirErr, strings.TrimSpace(stderr.String()), ours)
			continue
		}
		if theirErr == nil && stdout.String() != options(r) {
			t.Errorf("%s: %q\nmy_print_defaults:\n%q\nmycnf:\n%q", name, text, stdout.String(), options(r))
		}
	}
}

// unnamedAfterBlanks: a line "  =value" (blanks, then no option name) is
// where the C reader trims backwards past the start of the option, into
// the blanks and beyond its buffer: what it prints then is not a rule.
func unnamedAfterBlanks(text string) bool {
	for _, l := range strings.Split(text, "\n") {
		i := 0
		for i < len(l) && isSpace(l[i]) {
			i++
		}
		if i > 0 && strings.HasPrefix(l[i:], "=") {
			return true
		}
	}
	return false
}

// corpusString reads a "go test fuzz v1" file holding one string.
func corpusString(b []byte) (string, bool) {
	lines := strings.SplitN(string(b), "\n", 2)
	if len(lines) != 2 || lines[0] != "go test fuzz v1" {
		return "", false
	}
	body := strings.TrimSpace(lines[1])
	for _, p := range []string{"string(", "[]byte("} {
		if inner, ok := strings.CutPrefix(body, p); ok && strings.HasSuffix(inner, ")") {
			s, err := unquoteGo(strings.TrimSuffix(inner, ")"))
			return s, err == nil
		}
	}
	return "", false
}

// FuzzParse: any text is read without a panic, within bounds: every option
// names its line, no line is longer than the client's buffer, and reading
// the options back from their my_print_defaults form changes nothing.
func FuzzParse(f *testing.F) {
	for _, c := range cases {
		f.Add(c.text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		total := 0
		lines := 0
		var got []Option
		err := parse(strings.NewReader(text), "fuzz.cnf", func(ev event) error {
			if ev.kind == evOption {
				got = append(got, ev.opt)
			}
			lines = max(lines, ev.opt.Line)
			return nil
		}, &total)
		var ce *Error
		if err != nil && !errors.As(err, &ce) {
			t.Fatalf("error %T %v", err, err)
		}
		if total != len(text) && err == nil {
			t.Fatalf("read %d of %d bytes", total, len(text))
		}
		for _, o := range got {
			if o.Line < 1 || o.Line > len(text)+1 || len(o.Name)+len(o.Value) > maxChunk {
				t.Fatalf("option %+v", o)
			}
			if strings.ContainsRune(o.Name, 0) || strings.ContainsRune(o.Value, 0) {
				t.Fatalf("NUL in %+v", o)
			}
		}
	})
}
