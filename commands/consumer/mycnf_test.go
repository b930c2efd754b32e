package consumer_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/internal/mariadbtest"
)

// TestMyCnfAsTheMySQLClient: a DBA's ~/.my.cnf works as it does for the
// mysql client: user, password and socket from [client] and [mysql] (later
// lines winning), comments after values, includes; and a refused login says
// where the password came from, or where one was looked for.
func TestMyCnfAsTheMySQLClient(t *testing.T) {
	srv := mariadbtest.Require(t)
	home := isolate(t)
	name := loadRealWiki(t, srv)
	const pw = "s3cret#Pa55"
	if _, err := srv.Root().Exec("CREATE USER IF NOT EXISTS 'cnfadmin'@'localhost' IDENTIFIED BY '" + pw + "'"); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Root().Exec("GRANT ALL ON " + name + ".* TO 'cnfadmin'@'localhost'"); err != nil {
		t.Fatal(err)
	}
	cnf := filepath.Join(home, ".my.cnf")
	writeCnf := func(text string, mode os.FileMode) {
		t.Helper()
		if err := os.WriteFile(cnf, []byte(text), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(cnf, mode); err != nil {
			t.Fatal(err)
		}
	}
	list := func(dsn string) run {
		return mwoauth(t, false, "", "2026-11-22T12:00:00Z", "consumer", "list", "--db", dsn, "-o", "keys", "--all")
	}
	noAddr := "mysql:/" + name // no user, no password, no address: all from ~/.my.cnf

	// User and socket from the file, the password after it in [mysql]
	// with a comment behind it, a quoted # inside.
	writeCnf(fmt.Sprintf("# mine\n[client]\nuser = someone-else\nsocket = %s   # the local server\n[mysqld]\nuser = mysql\n[mysql]\nuser=cnfadmin\npassword = \"%s\"  # keep this file 0600\n", srv.Socket, pw), 0o600)
	if r := list(noAddr); r.code != 0 || strings.Count(r.stdout, "\n") != 5 {
		t.Errorf("from ~/.my.cnf: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// The preview names the database as completed.
	r := mwoauth(t, false, "", "2026-11-22T12:00:00Z", "consumer", "disable", keyA, "--reason", "x", "--as", "Admin", "--db", noAddr, "--dry-run")
	if !strings.Contains(r.stderr, fmt.Sprintf("mysql cnfadmin@unix(%s)/%s", srv.Socket, name)) {
		t.Errorf("preview does not name the completed database:\n%s", r.stderr)
	}

	// The password from an included file.
	inc := filepath.Join(home, "secret.cnf")
	if err := os.WriteFile(inc, []byte("[client]\npassword="+strings.ReplaceAll(pw, "#", "\\#")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	writeCnf(fmt.Sprintf("[client]\nuser=cnfadmin\nsocket=%s\n!include %s\n", srv.Socket, inc), 0o600)
	// "\#" is not an escape for the client: the password is "s3cret\", refused.
	if r := list(noAddr); r.code != cmdutil.ExitFailure || !strings.Contains(r.stderr, "(using password: YES); the password came from ~/secret.cnf line 2") {
		t.Errorf("included password: exit %d\n%s", r.code, r.stderr)
	}
	if err := os.WriteFile(inc, []byte("[client]\npassword='"+pw+"'\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := list(noAddr); r.code != 0 {
		t.Errorf("included password: exit %d\n%s", r.code, r.stderr)
	}
	// MWOAUTH_DB_PASSWORD wins over the file.
	t.Setenv("MWOAUTH_DB_PASSWORD", "wrong")
	if r := list(noAddr); r.code != cmdutil.ExitFailure || !strings.Contains(r.stderr, "the password came from MWOAUTH_DB_PASSWORD") {
		t.Errorf("env password: exit %d\n%s", r.code, r.stderr)
	}
	os.Unsetenv("MWOAUTH_DB_PASSWORD")

	// No password anywhere: the hint lists where one was looked for.
	dsn := fmt.Sprintf("mysql:cnfadmin@unix(%s)/%s", srv.Socket, name)
	os.Remove(cnf)
	r = list(dsn)
	if r.code != cmdutil.ExitFailure || strings.Count(r.stderr, "\n") != 1 ||
		!strings.Contains(r.stderr, "(using password: NO); no password was sent: the DSN has none, MWOAUTH_DB_PASSWORD is not set, there is no ~/.my.cnf (put it in MWOAUTH_DB_PASSWORD, or under [client] in ~/.my.cnf as password=...)") {
		t.Errorf("no password: exit %d\n%s", r.code, r.stderr)
	}
	writeCnf("[client]\nuser=cnfadmin\npassword\n", 0o600)
	if r := list(dsn); !strings.Contains(r.stderr, "~/.my.cnf line 3 says password without a value") {
		t.Errorf("password without value:\n%s", r.stderr)
	}
	writeCnf("[client]\npassword="+pw+"\n", 0o606)
	if r := list(dsn); r.code != cmdutil.ExitFailure || !strings.Contains(r.stderr, "warning: ~/.my.cnf is world-writable and ignored") ||
		!strings.Contains(r.stderr, "~/.my.cnf was not read") || strings.Contains(r.stderr, pw) {
		t.Errorf("world-writable: exit %d\n%s", r.code, r.stderr)
	}
	// A file the client refuses is refused, naming the line.
	writeCnf("password="+pw+"\n", 0o600)
	if r := list(dsn); r.code != cmdutil.ExitUsage || !strings.Contains(r.stderr, "error: ~/.my.cnf line 1: option before any [group] (the mysql client refuses this file too)") {
		t.Errorf("broken file: exit %d\n%s", r.code, r.stderr)
	}
	// A SQLite database never reads it.
	dir := t.TempDir()
	if r := mwoauth(t, false, "", "2026-11-22T12:00:00Z", "sandbox", filepath.Join(dir, "sb")); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := list("sqlite:" + filepath.Join(dir, "sb", "wiki.sqlite")); r.code != 0 {
		t.Errorf("sqlite with a broken ~/.my.cnf: exit %d\n%s", r.code, r.stderr)
	}
}
