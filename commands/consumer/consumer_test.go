package consumer_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mwoauth/mwoauth/commands"
	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/db"
	"github.com/mwoauth/mwoauth/internal/mariadbtest"
)

func TestMain(m *testing.M) { os.Exit(mariadbtest.Main(m)) }

const keyA = "5096568cc6652b5ad36358427f1bd60c"

type run struct {
	code   int
	stdout string
	stderr string
}

// mwoauth runs the real command tree in-process with the given streams.
func mwoauth(t *testing.T, tty bool, stdin string, now string, args ...string) run {
	t.Helper()
	ios, in, out, errOut := cmdutil.Test()
	in.WriteString(stdin)
	if tty {
		ios.SetTTY(true, true, true)
	}
	f := cmdutil.NewFactory(ios)
	tm, err := cmdutil.ParseTime(now)
	if err != nil {
		t.Fatal(err)
	}
	f.Now = func() time.Time { return tm }
	// commands.Execute prints errors as Main does (one line, cmdutil.ErrorLine).
	code := commands.Execute(f, append([]string{"--color=never"}, args...))
	return run{code: code, stdout: out.String(), stderr: errOut.String()}
}

// isolate keeps the user's real configuration and ~/.my.cnf out of tests.
func isolate(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	for _, v := range []string{"MWOAUTH_DB", "MWOAUTH_AS", "MWOAUTH_PROFILE", "MWOAUTH_CONFIG", "MWOAUTH_DB_PASSWORD", "MWOAUTH_TABLE_PREFIX", "MWOAUTH_NOW"} {
		os.Unsetenv(v)
	}
	return home
}

// loadRealWiki puts the real wiki's tables and A's before-dump into a new
// MariaDB database, as the acceptance harness does.
func loadRealWiki(t *testing.T, srv *mariadbtest.Server) string {
	t.Helper()
	name := srv.NewDatabase(t)
	for _, f := range []string{"schema.sql", "30-31-A-disable.before.sql"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "db", "testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		srv.Exec(t, name, string(b))
	}
	for _, tb := range []string{"logging", "comment", "actor"} {
		srv.Exec(t, name, "ALTER TABLE `"+tb+"` AUTO_INCREMENT = 1")
	}
	// The dumps hold no user_groups rows; the real wiki had Admin in
	// bureaucrat, interface-admin and sysop (responses/26), and sysop held
	// the OAuth rights (LocalSettings-excerpt.php).
	for _, st := range db.SchemaSQL(db.MySQL, "") {
		if strings.Contains(st, "TABLE user_groups ") {
			srv.Exec(t, name, st)
		}
	}
	srv.Exec(t, name, "INSERT INTO user_groups (ug_user, ug_group) VALUES (1, 'bureaucrat'), (1, 'interface-admin'), (1, 'sysop')")
	return name
}

// realTime checks that a TS_MW stamp lies in [from, to] (second precision).
func realTime(t *testing.T, what, stamp string, from, to time.Time) {
	t.Helper()
	got, err := db.ParseTimestamp(stamp)
	if err != nil {
		t.Fatalf("%s %q: %v", what, stamp, err)
	}
	if got.Before(from.Truncate(time.Second)) || got.After(to) {
		t.Errorf("%s = %s; want the real time of the write, between %s and %s", what, stamp, db.FormatTimestamp(from), db.FormatTimestamp(to))
	}
}

// TestRealCommandMariaDB runs the exact invocation the acceptance harness
// uses against a MariaDB copy of the real wiki and checks the rows written
// against what MediaWiki wrote for the same action.
func TestRealCommandMariaDB(t *testing.T) {
	srv := mariadbtest.Require(t)
	isolate(t)
	name := loadRealWiki(t, srv)
	dsn := fmt.Sprintf("mysql:root@unix(%s)/%s", srv.Socket, name)

	from := time.Now()
	r := mwoauth(t, false, "", "2026-11-22T09:08:09Z", "consumer", "disable", keyA, "--reason", "E2E disable test", "--as", "Admin", "--yes", "--db", dsn)
	to := time.Now()
	if r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "✓ disabled "+keyA+": approved → disabled; log id 10") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	db := srv.Open(t, name)
	// The rows of dumps/30-31-A-disable.diff.sql, stamped with the real
	// time of this write (MediaWiki stamped its own): the pinned judging
	// clock (09:08:09, as in the dump) never stamps.
	want := []string{
		`comment: 10|1114204044|E2E disable test|NULL`,
		`log_search: OAuthConsumer|` + keyA + `|10`,
		`logging: 10|mwoauthconsumer|disable|1|2|Admin|0|10|a:1:{s:10:"4:consumer";s:32:"` + keyA + `";}|0`,
		`oauth_registered_consumer: 2|4|0`,
	}
	got := []string{
		"comment: " + row(t, db, "SELECT comment_id, comment_hash, comment_text, comment_data FROM comment WHERE comment_id = 10"),
		"log_search: " + row(t, db, "SELECT ls_field, ls_value, ls_log_id FROM log_search WHERE ls_log_id = 10"),
		"logging: " + row(t, db, "SELECT log_id, log_type, log_action, log_actor, log_namespace, log_title, log_page, log_comment_id, log_params, log_deleted FROM logging WHERE log_id = 10"),
		"oauth_registered_consumer: " + row(t, db, "SELECT oarc_id, oarc_stage, oarc_deleted FROM oauth_registered_consumer WHERE oarc_id = 2"),
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	realTime(t, "log_timestamp", row(t, db, "SELECT log_timestamp FROM logging WHERE log_id = 10"), from, to)
	realTime(t, "oarc_stage_timestamp", row(t, db, "SELECT oarc_stage_timestamp FROM oauth_registered_consumer WHERE oarc_id = 2"), from, to)

	// Re-enable through MWOAUTH_DB, as MediaWiki did next.
	t.Setenv("MWOAUTH_DB", dsn)
	r = mwoauth(t, false, "", "2026-11-22T09:08:15Z", "consumer", "enable", keyA, "--reason", "E2E reenable test", "--as", "Admin", "--yes", "-o", "json")
	if r.code != 0 || !strings.Contains(r.stdout, `"log_id": 11`) {
		t.Fatalf("enable: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if got := row(t, db, "SELECT log_id, log_type, log_action, log_actor, log_namespace, log_title, log_page, log_comment_id, log_params, log_deleted FROM logging WHERE log_id = 11"); got != `11|mwoauthconsumer|reenable|1|2|Admin|0|11|a:1:{s:10:"4:consumer";s:32:"`+keyA+`";}|0` {
		t.Errorf("reenable log row = %s", got)
	}
	if got := row(t, db, "SELECT comment_hash, comment_text FROM comment WHERE comment_id = 11"); got != "1397783880|E2E reenable test" {
		t.Errorf("reenable comment = %s", got)
	}

	// Reject the proposed consumer D; its log names the owner.
	r = mwoauth(t, false, "", "2026-11-22T10:00:00Z", "consumer", "reject", "4", "--reason", "E2E reject test", "--as", "Admin", "--yes")
	if r.code != 0 {
		t.Fatalf("reject: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if got := row(t, db, "SELECT log_action, log_title FROM logging WHERE log_id = 12"); got != "reject|Admin" {
		t.Errorf("reject log = %s", got)
	}
}

func row(t *testing.T, db *sql.DB, q string) string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	if !rows.Next() {
		return "(no row)"
	}
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		t.Fatal(err)
	}
	parts := make([]string, len(cols))
	for i, v := range vals {
		parts[i] = v.String
		if !v.Valid {
			parts[i] = "NULL"
		}
	}
	return strings.Join(parts, "|")
}

// TestPasswordsAndConnectionErrors: the password comes from the environment
// or ~/.my.cnf, never argv; errors are one line, never show it, and map to
// the documented exit codes.
func TestPasswordsAndConnectionErrors(t *testing.T) {
	srv := mariadbtest.Require(t)
	home := isolate(t)
	name := loadRealWiki(t, srv)
	const pw = "s3cret-Pa55"
	if _, err := srv.Root().Exec("CREATE USER IF NOT EXISTS 'mwadmin'@'localhost' IDENTIFIED BY '" + pw + "'"); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Root().Exec("GRANT ALL ON " + name + ".* TO 'mwadmin'@'localhost'"); err != nil {
		t.Fatal(err)
	}
	dsn := fmt.Sprintf("mysql:mwadmin@unix(%s)/%s", srv.Socket, name)

	t.Setenv("MWOAUTH_DB_PASSWORD", pw)
	if r := mwoauth(t, false, "", "2026-11-22T12:00:00Z", "consumer", "list", "--db", dsn, "-o", "keys", "--all"); r.code != 0 || strings.Count(r.stdout, "\n") != 5 {
		t.Errorf("env password: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	os.Unsetenv("MWOAUTH_DB_PASSWORD")
	if err := os.WriteFile(filepath.Join(home, ".my.cnf"), []byte("[client]\nuser = someone\npassword = \""+pw+"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := mwoauth(t, false, "", "2026-11-22T12:00:00Z", "consumer", "show", keyA, "--db", dsn); r.code != 0 || !strings.Contains(r.stdout, "E2E Client Credentials App") {
		t.Errorf("~/.my.cnf password: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	t.Setenv("MWOAUTH_DB_PASSWORD", "wrong-"+pw)
	r := mwoauth(t, false, "", "2026-11-22T12:00:00Z", "consumer", "list", "--db", dsn)
	if r.code != cmdutil.ExitFailure || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, "Access denied") || strings.Contains(r.stderr, pw) {
		t.Errorf("wrong password: exit %d stderr %q", r.code, r.stderr)
	}
	r = mwoauth(t, false, "", "2026-11-22T12:00:00Z", "consumer", "list", "--db", "mysql:mwadmin:"+pw+"@unix(/nonexistent/sock)/x")
	// A password on the command line is warned about (one line), then the one error line.
	if r.code != cmdutil.ExitFailure || strings.Contains(r.stderr, pw) || strings.Count(r.stderr, "\n") != 2 || !strings.HasPrefix(r.stderr, "warning: --db holds a password") {
		t.Errorf("unreachable: exit %d stderr %q", r.code, r.stderr)
	}
	r = mwoauth(t, false, "", "2026-11-22T12:00:00Z", "consumer", "list", "--db", "mysql:mwadmin:"+pw+"@unix(/x")
	if r.code != cmdutil.ExitUsage || strings.Contains(r.stderr, pw) {
		t.Errorf("bad DSN: exit %d stderr %q", r.code, r.stderr)
	}

	// A missing table is named.
	if _, err := srv.Root().Exec("DROP TABLE " + name + ".oauth2_access_tokens"); err != nil {
		t.Fatal(err)
	}
	os.Unsetenv("MWOAUTH_DB_PASSWORD")
	os.Remove(filepath.Join(home, ".my.cnf"))
	r = mwoauth(t, false, "", "2026-11-22T12:00:00Z", "consumer", "list", "--db", "mysql:root@unix("+srv.Socket+")/"+name)
	if r.code != cmdutil.ExitFailure || !strings.Contains(r.stderr, "no table oauth2_access_tokens") {
		t.Errorf("missing table: exit %d stderr %q", r.code, r.stderr)
	}
}

// TestConfirmOnTerminal: on a terminal the admin types the key or the name;
// anything else declines (exit 10) and writes nothing.
func TestConfirmOnTerminal(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	if r := mwoauth(t, false, "", "2026-11-22T12:00:00Z", "sandbox", filepath.Join(dir, "sb")); r.code != 0 {
		t.Fatalf("sandbox: %s", r.stderr)
	}
	const leaky = "3c9e1d7a5f2b4086c1e3a5b7d9f0e2c4"
	r := mwoauth(t, true, "no thanks\n", "2026-11-22T12:00:00Z", "consumer", "disable", leaky, "--reason", "leak")
	if r.code != cmdutil.ExitRefused || !strings.Contains(r.stderr, "Type the consumer's key or name to disable it on sqlite "+filepath.Join(dir, "sb", "wiki.sqlite")+" (profile sandbox, table prefix none): ") || !strings.Contains(r.stderr, "nothing written") {
		t.Errorf("declined: exit %d\n%s", r.code, r.stderr)
	}
	r = mwoauth(t, true, "", "2026-11-22T12:00:00Z", "consumer", "disable", leaky, "--reason", "leak")
	if r.code != cmdutil.ExitRefused {
		t.Errorf("EOF at the prompt: exit %d", r.code)
	}
	r = mwoauth(t, true, "Leaky Client Credentials App\n", "2026-11-22T12:00:00Z", "consumer", "disable", leaky, "--reason", "leak")
	if r.code != 0 || !strings.Contains(r.stdout, "✓ disabled "+leaky) {
		t.Errorf("confirmed by name: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = mwoauth(t, true, leaky+"\n", "2026-11-22T12:00:00Z", "consumer", "enable", leaky, "--reason", "rotated")
	if r.code != 0 || !strings.Contains(r.stdout, "✓ re-enabled "+leaky) {
		t.Errorf("confirmed by key: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// Several consumers: type how many.
	r = mwoauth(t, true, "2\n", "2026-11-22T12:00:00Z", "consumer", "disable", "1", "2", "--reason", "batch")
	if r.code != 0 || strings.Count(r.stdout, "✓ disabled") != 2 {
		t.Errorf("batch: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// A newline in the reason is refused before anything else.
	r = mwoauth(t, true, "", "2026-11-22T12:00:00Z", "consumer", "enable", "1", "--reason", "two\nlines")
	if r.code != cmdutil.ExitUsage || !strings.Contains(r.stderr, "one line") {
		t.Errorf("newline reason: exit %d %s", r.code, r.stderr)
	}
	// On a terminal the list is an aligned table with a header.
	r = mwoauth(t, true, "", "2026-11-22T12:00:00Z", "consumer", "list", "--limit", "2")
	lines := strings.Split(strings.TrimRight(r.stdout, "\n"), "\n")
	if r.code != 0 || len(lines) != 3 || !strings.HasPrefix(lines[0], "ID  KEY") || strings.Index(lines[1], "Sandbox") != strings.Index(lines[0], "NAME") {
		t.Errorf("tty table:\n%s", r.stdout)
	}
}

// The wiki stamps a change when it writes it. An admin who reads the preview
// for a while before typing the name gets the time of the write on both the
// consumer row and the log entry; a pinned judging clock (MWOAUTH_NOW,
// Factory.Now) never stamps a write, and the command says so.
func TestConfirmStampsWriteTime(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	if r := mwoauth(t, false, "", "2026-11-22T12:00:00Z", "sandbox", filepath.Join(dir, "sb")); r.code != 0 {
		t.Fatalf("sandbox: %s", r.stderr)
	}
	const leaky = "3c9e1d7a5f2b4086c1e3a5b7d9f0e2c4"
	ios, in, out, errOut := cmdutil.Test()
	in.WriteString(leaky + "\n")
	ios.SetTTY(true, true, true)
	f := cmdutil.NewFactory(ios)
	f.Now = func() time.Time { return time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC) }
	f.ClockPinned = true
	root := commands.NewCmdRoot(f)
	root.SetArgs([]string{"--color=never", "consumer", "disable", leaky, "--reason", "slow reader"})
	from := time.Now()
	if err := root.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("disable: %v\n%s%s", err, out, errOut)
	}
	to := time.Now()
	if !strings.Contains(errOut.String(), "warning: MWOAUTH_NOW is set: it judges (token expiry, auto-expiry of proposals) but never stamps; this write is stamped with the real time") {
		t.Errorf("no MWOAUTH_NOW warning:\n%s", errOut)
	}
	conn, err := sql.Open("sqlite3", filepath.Join(dir, "sb", "wiki.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var logTS, stageTS string
	if err := conn.QueryRow(`SELECT log_timestamp FROM logging ORDER BY log_id DESC LIMIT 1`).Scan(&logTS); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(`SELECT oarc_stage_timestamp FROM oauth_registered_consumer WHERE oarc_consumer_key = ?`, leaky).Scan(&stageTS); err != nil {
		t.Fatal(err)
	}
	realTime(t, "log_timestamp", logTS, from, to)
	realTime(t, "oarc_stage_timestamp", stageTS, from, to)
}
