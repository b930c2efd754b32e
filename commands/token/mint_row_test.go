package token_test

import (
	"database/sql"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/ncruces/go-sqlite3/driver"

	"github.com/mwoauth/mwoauth/commands"
	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/internal/mariadbtest"
)

func TestMain(m *testing.M) { os.Exit(mariadbtest.Main(m)) }

type result struct {
	code           int
	stdout, stderr string
}

// mwoauth runs the real command tree in-process; now pins the judging
// clock (MWOAUTH_NOW) when not empty, the wall clock stays real.
func mwoauth(t *testing.T, tty bool, stdin, now string, args ...string) result {
	t.Helper()
	ios, in, out, errOut := cmdutil.Test()
	in.WriteString(stdin)
	if tty {
		ios.SetTTY(true, true, true)
	}
	f := cmdutil.NewFactory(ios)
	if now != "" {
		tm, err := cmdutil.ParseTime(now)
		if err != nil {
			t.Fatal(err)
		}
		f.Now, f.ClockPinned = func() time.Time { return tm }, true
	}
	code := commands.Execute(f, append([]string{"--color=never"}, args...))
	return result{code, out.String(), errOut.String()}
}

func isolate(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, ".config"))
	for _, v := range []string{"MWOAUTH_DB", "MWOAUTH_PROFILE", "MWOAUTH_CONFIG", "MWOAUTH_NOW", "MWOAUTH_WIKI_KIND", "MWOAUTH_ISSUER", "MWOAUTH_PRIVATE_KEY"} {
		os.Unsetenv(v)
	}
	return dir
}

func rows(t *testing.T, path, jti string) int {
	t.Helper()
	d, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var n int
	if err := d.QueryRow("SELECT COUNT(*) FROM oauth2_access_tokens WHERE oaat_identifier = ?", jti).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

const webEditor = "6b0f3e2a9c8d7e6f5a4b3c2d1e0f9a8b"

// TestMintCreateRow: on the sandbox, a minted token with its row is
// accepted as the wiki would accept it; on a database nothing marks as a
// test wiki, the write waits for the typed name on a terminal and for
// --yes in a script; the dry run's SQL, run by sqlite3, makes the token
// valid too; a pinned clock never stamps the token or its row.
func TestMintCreateRow(t *testing.T) {
	dir := isolate(t)
	if r := mwoauth(t, false, "", "", "sandbox"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	wiki := filepath.Join(dir, "mwoauth-sandbox", "wiki.sqlite")

	// The sandbox: written at once, and named before and after.
	r := mwoauth(t, false, "", "2026-01-01T00:00:00Z", "token", "mint", "--client-id", webEditor, "--user", "4", "--scopes", "basic,editpage", "--create-row", "-o", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var out struct {
		Token  string `json:"token"`
		Claims struct {
			JTI string  `json:"jti"`
			IAT float64 `json:"iat"`
		} `json:"claims"`
		Row struct {
			Database     string `json:"database"`
			JTI          string `json:"jti"`
			Expires      string `json:"expires"`
			AcceptanceID int64  `json:"acceptance_id"`
			ID           int64  `json:"oaat_id"`
		} `json:"token_row"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err)
	}
	if out.Row.JTI != out.Claims.JTI || out.Row.AcceptanceID != 2 || out.Row.ID == 0 || !strings.Contains(out.Row.Database, wiki) || len(out.Row.Expires) != 14 {
		t.Errorf("token_row %+v", out.Row)
	}
	if !strings.Contains(r.stderr, "  database    sqlite "+wiki) || !strings.Contains(r.stderr, "token row oaat_id") ||
		!strings.Contains(r.stderr, "MWOAUTH_NOW is set: it judges but never stamps a write") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	// The real clock, not the pinned 2026-01-01.
	if iat := time.Unix(int64(out.Claims.IAT), 0); time.Since(iat) > time.Hour || time.Since(iat) < -time.Minute {
		t.Errorf("iat %v: the pinned clock stamped the token", iat)
	}
	if rows(t, wiki, out.Claims.JTI) != 1 {
		t.Errorf("no row for %s", out.Claims.JTI)
	}
	if err := os.WriteFile("alice.jwt", []byte(out.Token), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := mwoauth(t, false, "", "", "token", "verify", "@alice.jwt"); r.code != 0 {
		t.Errorf("verify: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// Another wiki's database, nothing marking it as a test wiki.
	other := filepath.Join(dir, "other.sqlite")
	b, _ := os.ReadFile(wiki)
	if err := os.WriteFile(other, b, 0o600); err != nil {
		t.Fatal(err)
	}
	flags := []string{"token", "mint", "--issuer", "https://meta.sandbox.test", "--private-key", filepath.Join(dir, "mwoauth-sandbox", "oauth2-private.pem"),
		"--client-id", webEditor, "--user", "4", "--create-row", "--db", "sqlite:" + other}
	r = mwoauth(t, false, "", "", flags...)
	if r.code != cmdutil.ExitUsage || r.stdout != "" || !strings.Contains(r.stderr, "looks like a production wiki's database: nothing marks it as a test wiki") ||
		!strings.Contains(r.stderr, "error: would write a token row to sqlite "+other) {
		t.Errorf("script without --yes: exit %d\n%s", r.code, r.stderr)
	}
	r = mwoauth(t, true, "wiki.sqlite\n", "", flags...)
	if r.code != cmdutil.ExitRefused || r.stdout != "" || !strings.Contains(r.stderr, "Type the database name (other.sqlite) to write the token row to it: ") {
		t.Errorf("wrong name typed: exit %d\n%s", r.code, r.stderr)
	}
	r = mwoauth(t, true, "other.sqlite\n", "", flags...)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "eyJ") || !strings.Contains(r.stderr, "written to sqlite "+other) {
		t.Errorf("name typed: exit %d\n%s", r.code, r.stderr)
	}
	if r = mwoauth(t, false, "", "", append(flags, "--yes")...); r.code != 0 {
		t.Errorf("--yes: exit %d\n%s", r.code, r.stderr)
	}
	if r = mwoauth(t, false, "", "", append(flags, "--wiki-kind", "test")...); r.code != 0 {
		t.Errorf("marked a test wiki: exit %d\n%s", r.code, r.stderr)
	}
	// A mark counts only where the database is named: not from the
	// environment for a --db, nor from a profile for a --db next to it.
	t.Setenv("MWOAUTH_WIKI_KIND", "test")
	if r = mwoauth(t, false, "", "", flags...); r.code != cmdutil.ExitUsage {
		t.Errorf("MWOAUTH_WIKI_KIND with --db: exit %d\n%s", r.code, r.stderr)
	}
	os.Unsetenv("MWOAUTH_WIKI_KIND")
	if r = mwoauth(t, false, "", "", "--profile", "sandbox", "token", "mint", "--client-id", webEditor, "--user", "4", "--create-row", "--db", "sqlite:"+other); r.code != cmdutil.ExitUsage {
		t.Errorf("the sandbox profile's mark with --db: exit %d\n%s", r.code, r.stderr)
	}
	if r = mwoauth(t, false, "", "", append(flags, "--wiki-kind", "staging")...); r.code != cmdutil.ExitUsage || !strings.Contains(r.stderr, `--wiki-kind: wiki-kind "staging": want production, test or sandbox`) {
		t.Errorf("bad kind: exit %d\n%s", r.code, r.stderr)
	}

	// The dry run writes nothing; its script, run by sqlite3, writes the row.
	r = mwoauth(t, false, "", "", append(flags, "--dry-run")...)
	if r.code != 0 || !strings.Contains(r.stdout, "\nINSERT INTO \"oauth2_access_tokens\"") {
		t.Fatalf("dry run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	var token string
	for _, l := range strings.Split(r.stdout, "\n") {
		if v, ok := strings.CutPrefix(l, "-- the token this row is for: "); ok {
			token = v
		}
	}
	if err := os.WriteFile("dry.jwt", []byte(token), 0o600); err != nil {
		t.Fatal(err)
	}
	verify := []string{"token", "verify", "@dry.jwt", "--db", "sqlite:" + other, "--public-key", filepath.Join(dir, "mwoauth-sandbox", "oauth2-public.pem"), "--issuer", "https://meta.sandbox.test"}
	if v := mwoauth(t, false, "", "", verify...); v.code != cmdutil.ExitWikiState {
		t.Errorf("before the script: verify exit %d\n%s", v.code, v.stderr)
	}
	sqlite, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Fatalf("sqlite3 runs the dry run's script: %v", err)
	}
	cmd := exec.Command(sqlite, other)
	cmd.Stdin = strings.NewReader(r.stdout)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sqlite3: %v\n%s", err, b)
	}
	if v := mwoauth(t, false, "", "", verify...); v.code != 0 {
		t.Errorf("after the script: verify exit %d\n%s", v.code, v.stderr)
	}

	// What is missing is said, and nothing is written.
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--client-id", webEditor, "--user", "3"}, cmdutil.ExitNotFound, "Dev User (central id 3) has not authorized consumer " + webEditor},
		{[]string{"--client-id", webEditor, "--user", "99"}, cmdutil.ExitNotFound, "no user with central id 99"},
		{[]string{"--client-id", webEditor, "--user", "4", "--scopes", "basic,highvolume"}, cmdutil.ExitUsage, "does not grant highvolume"},
		{[]string{"--client-id", "ffffffffffffffffffffffffffffffff", "--user", "4"}, cmdutil.ExitNotFound, "no consumer ffffffffffffffffffffffffffffffff in sqlite"},
		{[]string{"--client-id", "8a1f0c3e5b7d9f21436587a9cbedf013", "--user", "1"}, cmdutil.ExitUsage, "is an OAuth 1 consumer"},
		{[]string{"--client-id", "b4d6f8a0c2e4a6b8d0f2a4c6e8b0d2f4", "--user", "1", "--owner-only"}, cmdutil.ExitUsage, "its tokens are its owner's, central id 4"},
		{[]string{"--client-id", webEditor, "--user", "4", "--dry-run"}, cmdutil.ExitUsage, "--yes and --dry-run go with --create-row"},
	} {
		args := append([]string{"token", "mint"}, c.args...)
		if !strings.Contains(strings.Join(c.args, " "), "--dry-run") {
			args = append(args, "--create-row")
		}
		r := mwoauth(t, false, "", "", args...)
		if r.code != c.code || r.stdout != "" || !strings.Contains(r.stderr, c.msg) {
			t.Errorf("%v: exit %d\n%s", c.args, r.code, r.stderr)
		}
	}
}

// TestMintCreateRowMariaDB: the real 1.43 wiki's rows on MariaDB, its key:
// an owner-only token under the owner's registration acceptance and a
// client_credentials token under acceptance 0, both accepted as the wiki
// accepts them.
func TestMintCreateRowMariaDB(t *testing.T) {
	srv := mariadbtest.Require(t)
	testdata, _ := filepath.Abs(filepath.Join("..", "..", "db", "testdata"))
	keys, _ := filepath.Abs(filepath.Join("..", "testdata", "fixtures", "keys"))
	dir := isolate(t)
	name := srv.NewDatabase(t)
	for _, f := range []string{"schema.sql", "30-31-A-disable.before.sql"} {
		b, err := os.ReadFile(filepath.Join(testdata, f))
		if err != nil {
			t.Fatal(err)
		}
		srv.Exec(t, name, string(b))
	}
	dsn := "mysql:root@unix(" + srv.Socket + ")/" + name
	base := []string{"--mediawiki", "1.43", "--db", dsn, "--issuer", "http://127.0.0.1:8089"}
	mint := append([]string{"token", "mint", "--private-key", filepath.Join(keys, "oauth2-private.pem"), "--create-row"}, base...)
	verify := append([]string{"token", "verify", "--public-key", filepath.Join(keys, "oauth2-public.pem")}, base...)

	// On this machine's socket, but nothing marks it as a test wiki.
	if r := mwoauth(t, false, "", "", append(mint, "--client-id", "42653efaec3897c4b8f6f93d2a4dd405", "--user", "1", "--owner-only")...); r.code != cmdutil.ExitUsage ||
		!strings.Contains(r.stderr, "mysql root@unix("+srv.Socket+")/"+name) {
		t.Errorf("unmarked: exit %d\n%s", r.code, r.stderr)
	}
	mint = append(mint, "--wiki-kind", "test")
	for _, c := range []struct {
		file       string
		args       []string
		acceptance string
	}{
		{"owner-only.jwt", []string{"--client-id", "42653efaec3897c4b8f6f93d2a4dd405", "--user", "1", "--owner-only", "--scopes", "basic,editpage"}, "acceptance  1: central user 1 on *"},
		{"cc.jwt", []string{"--client-id", "5096568cc6652b5ad36358427f1bd60c", "--client-credentials"}, "acceptance  0"},
	} {
		r := mwoauth(t, false, "", "", append(mint, c.args...)...)
		if r.code != 0 || !strings.Contains(r.stderr, c.acceptance) {
			t.Fatalf("%s: exit %d\n%s", c.file, r.code, r.stderr)
		}
		p := filepath.Join(dir, c.file)
		if err := os.WriteFile(p, []byte(r.stdout), 0o600); err != nil {
			t.Fatal(err)
		}
		if v := mwoauth(t, false, "", "", append(verify, "@"+p)...); v.code != 0 {
			t.Errorf("%s: verify exit %d\n%s%s", c.file, v.code, v.stdout, v.stderr)
		}
	}
}
