package consumer_test

import (
	"database/sql"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/commands/sandbox"
	"github.com/mwoauth/mwoauth/internal/mariadbtest"
)

// A locked owner's three approved consumers are disabled in one run on a
// terminal. While the admin reads the combined preview, someone else
// disables the middle one: it is refused at write time (changed since the
// preview) and left exactly as the other admin wrote it; the first and the
// last are disabled, each in its own transaction with its own log entry;
// the run exits 10 with the refusal in the summary.
func TestBulkDisableRefusedInTheMiddle(t *testing.T) {
	home := isolate(t)
	sb := filepath.Join(home, "sb")
	if r := mwoauth(t, false, "", "2026-11-22T12:00:00Z", "sandbox", sb); r.code != 0 {
		t.Fatalf("sandbox: %s", r.stderr)
	}
	// Approve the owner's proposal too: three approved consumers, 15, 19, 24.
	if r := mwoauth(t, false, "", "2026-11-22T12:00:00Z", "consumer", "approve", sandbox.KeyWebEditer, "--reason", "looked fine then", "--yes"); r.code != 0 {
		t.Fatalf("approve: %d %s", r.code, r.stderr)
	}
	conn, err := sql.Open("sqlite3", filepath.Join(sb, "wiki.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	logs := func(key string) int {
		t.Helper()
		var n int
		if err := conn.QueryRow("SELECT COUNT(*) FROM log_search WHERE ls_field = 'OAuthConsumer' AND ls_value = ?", key).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := map[string]int{}
	for _, k := range []string{sandbox.KeyWebEditer, sandbox.KeyBlockedBot, sandbox.KeyUploader} {
		before[k] = logs(k)
	}

	env := []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"), "NO_COLOR=1"}
	r := startOnPTY(t, env, "consumer", "disable", "--owner", "Blocked Dev", "--reason", "owner locked (T9)")
	r.waitFor(t, "Type 3 to disable these 3 consumers")
	if !strings.Contains(r.output(), "disable 3 consumer(s) of Blocked Dev (central id 10)") {
		t.Fatalf("no combined preview:\n%s", r.output())
	}
	// Another admin disables the middle one meanwhile.
	if _, err := conn.Exec("UPDATE oauth_registered_consumer SET oarc_stage = 4, oarc_stage_timestamp = ? WHERE oarc_consumer_key = ?",
		time.Now().UTC().Format("20060102150405"), sandbox.KeyBlockedBot); err != nil {
		t.Fatal(err)
	}
	io.WriteString(r.tty, "3\r") //nolint:errcheck
	if code := r.exitCode(t, 10*time.Second); code != 10 {
		t.Errorf("exit %d, want 10:\n%s", code, r.output())
	}
	// The terminal may still be delivering the last lines after the exit.
	r.waitFor(t, "Summary: ")
	r.waitFor(t, "refused "+sandbox.KeyBlockedBot)
	out := r.output()
	for _, want := range []string{
		"✓ disabled " + sandbox.KeyWebEditer,
		"✓ disabled " + sandbox.KeyUploader,
		"Summary: 2 disabled, 0 already so, 1 refused",
		"refused " + sandbox.KeyBlockedBot,
		"changed since preview",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the terminal does not show %q:\n%s", want, out)
		}
	}
	// Each of the two has its log entry; the refused one has none from this
	// run and keeps the other admin's row.
	for k, want := range map[string]int{sandbox.KeyWebEditer: before[sandbox.KeyWebEditer] + 1, sandbox.KeyUploader: before[sandbox.KeyUploader] + 1,
		sandbox.KeyBlockedBot: before[sandbox.KeyBlockedBot]} {
		if got := logs(k); got != want {
			t.Errorf("%s: %d log entries, want %d", k, got, want)
		}
		var stage int
		if err := conn.QueryRow("SELECT oarc_stage FROM oauth_registered_consumer WHERE oarc_consumer_key = ?", k).Scan(&stage); err != nil || stage != 4 {
			t.Errorf("%s: stage %d, %v; want 4", k, stage, err)
		}
	}
}

// On a MariaDB copy of the real 1.43 wiki (before A's disable): Admin's
// four approved consumers disabled in one run, each written as MediaWiki writes a disable
// (the rows of dumps/30-31-A-disable, with this run's time and ids); then
// keys on stdin with a proposal in the middle: the proposal is refused and
// untouched, the others re-enabled.
func TestBulkOnRealWikiMariaDB(t *testing.T) {
	srv := mariadbtest.Require(t)
	isolate(t)
	name := loadRealWiki(t, srv)
	dsn := fmt.Sprintf("mysql:root@unix(%s)/%s", srv.Socket, name)
	db := srv.Open(t, name)
	count := func(q string) int {
		t.Helper()
		var n int
		if err := db.QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	logsBefore := count("SELECT COUNT(*) FROM logging")
	commentsBefore := count("SELECT COUNT(*) FROM comment")

	r := mwoauth(t, false, "", "2026-11-22T12:00:00Z", "consumer", "disable", "--owner", "Admin", "--reason", "owner account compromised (T1)",
		"--as", "Admin", "--yes", "--db", dsn)
	if r.code != 0 || !strings.Contains(r.stdout, "Summary: 4 disabled, 0 already so, 0 refused") ||
		!strings.Contains(r.stderr, "left alone (disable does not change them): 1 proposed") {
		t.Fatalf("disable --owner: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if got := count("SELECT COUNT(*) FROM oauth_registered_consumer WHERE oarc_stage = 4"); got != 4 {
		t.Errorf("%d disabled consumers, want 4", got)
	}
	// One log entry per consumer, shaped as the wiki's disable of A; one
	// comment row for the four (the same reason reuses it).
	if got := count("SELECT COUNT(*) FROM logging") - logsBefore; got != 4 {
		t.Errorf("%d log entries written, want 4", got)
	}
	if got := count("SELECT COUNT(*) FROM comment") - commentsBefore; got != 1 {
		t.Errorf("%d comment rows written, want 1", got)
	}
	for _, id := range []string{"1", "2", "3", "5"} {
		got := row(t, db, `SELECT l.log_type, l.log_action, l.log_actor, l.log_namespace, l.log_title, l.log_page, c.comment_text, l.log_params = CONCAT('a:1:{s:10:"4:consumer";s:32:"', r.oarc_consumer_key, '";}'), l.log_deleted, l.log_timestamp = r.oarc_stage_timestamp
			FROM oauth_registered_consumer r JOIN log_search s ON s.ls_field = 'OAuthConsumer' AND s.ls_value = r.oarc_consumer_key
			JOIN logging l ON l.log_id = s.ls_log_id JOIN comment c ON c.comment_id = l.log_comment_id
			WHERE r.oarc_id = `+id+` ORDER BY l.log_id DESC LIMIT 1`)
		if got != "mwoauthconsumer|disable|1|2|Admin|0|owner account compromised (T1)|1|0|1" {
			t.Errorf("consumer %s: log row %s", id, got)
		}
	}

	r = mwoauth(t, false, "2\n4\n3\n", "2026-11-22T12:00:00Z", "consumer", "enable", "-", "--reason", "secret rotated", "--as", "Admin", "--yes", "--db", dsn)
	if r.code != 10 || !strings.Contains(r.stdout, "Summary: 2 re-enabled, 0 already so, 1 refused") ||
		!strings.Contains(r.stdout, "refused 2e33175180a0c30649b032b29fd807a5") {
		t.Errorf("enable -: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if got := row(t, db, "SELECT GROUP_CONCAT(oarc_stage ORDER BY oarc_id) FROM oauth_registered_consumer"); got != "4,1,1,0,4" {
		t.Errorf("stages %s, want 4,1,1,0,4 (1 and 5 still disabled, 2 and 3 re-enabled, the proposal untouched)", got)
	}
}

// An unknown consumer is named the same way by every command that looks one
// up (findConsumer), escaped: the reference is the user's, but it may come
// from a pasted log line or stdin.
func TestUnknownConsumerNamedSafely(t *testing.T) {
	home := isolate(t)
	sb := filepath.Join(home, "sb")
	if r := mwoauth(t, false, "", "2026-11-22T12:00:00Z", "sandbox", sb); r.code != 0 {
		t.Fatalf("sandbox: %s", r.stderr)
	}
	const ref = "\x1b[2Jab\u202ecd"
	want := `no consumer "\x1b[2Jab\u202ecd" (give the 32-hex key or the numeric id)`
	for _, tt := range []struct {
		args  []string
		after string
	}{
		{[]string{"consumer", "show", ref}, ""},
		{[]string{"consumer", "revoke", ref, "--user", "Alice", "--yes"}, "; nothing written"},
		{[]string{"consumer", "disable", ref, "--reason", "leak", "--yes"}, "; nothing written"},
	} {
		r := mwoauth(t, false, "", "2026-11-22T12:00:00Z", tt.args...)
		if r.code != cmdutil.ExitNotFound || r.stdout != "" || r.stderr != "error: "+want+tt.after+"\n" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit %d and %q", tt.args[1], r.code, r.stdout, r.stderr, cmdutil.ExitNotFound, want+tt.after)
		}
	}
}
