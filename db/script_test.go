package db

import (
	"context"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mwoauth/mwoauth/internal/mariadbtest"
	"github.com/mwoauth/mwoauth/mediawiki"
)

// dryRunCases are actions on the real 1.43 wiki's rows whose printed
// script must do what Apply does.
var dryRunCases = []struct {
	name string
	ref  string
	req  Request
}{
	// The real wiki's own disable of A (dumps/30-31-A-disable).
	{"disable A", keyA, Request{Action: mediawiki.ActionDisable, Reason: "E2E disable test", Performer: "Admin"}},
	// Approve of the proposal D: the shape of the real wiki's approve of F
	// (consumer row, comment, logging, log_search; facts delta §4).
	{"approve D", keyD, Request{Action: mediawiki.ActionApprove, Reason: "E2E approve test", Performer: "Admin"}},
	// A reused comment (row 5 holds "E2E approve test"): no new comment row.
	{"reject+suppress D, reused comment", keyD, Request{Action: mediawiki.ActionReject, Suppress: true, Reason: "E2E approve test", Performer: "Admin"}},
	// Token rows deleted through the acceptance index.
	{"disable B revoking tokens", keyB, Request{Action: mediawiki.ActionDisable, RevokeTokens: true, Reason: "owner-only leak", Performer: "Admin"}},
	// A hostile reason: quotes, a backslash, an escape sequence, bidi.
	{"hostile reason", keyE, Request{Action: mediawiki.ActionDisable, Reason: "it's \\ leaked \x1b[2J \u202egnp.exe", Performer: "Admin"}},
}

// TestDryRunScriptEqualsApply runs each dry run's script with the
// database's own client (mariadb, sqlite3) on one copy of the real wiki and
// Apply on another, at the same instant, and requires every row of every
// table to be equal: ids, timestamps, comment reuse and all.
func TestDryRunScriptEqualsApply(t *testing.T) {
	at := ts(t, "20261122090809")
	for _, e := range engines(t) {
		client := map[string]string{"sqlite": "sqlite3", "mariadb": "mariadb"}[e.name]
		if _, err := osexec.LookPath(client); err != nil {
			t.Fatalf("%s client not installed: the dry-run script must be run by it (scripts/test.sh installs it)", client)
		}
		for _, tc := range dryRunCases {
			t.Run(e.name+"/"+tc.name, func(t *testing.T) {
				dry, real := e.load(t, dumpA1, ""), e.load(t, dumpA1, "")
				ctx := context.Background()
				req := tc.req
				req.Now = at
				c, err := dry.LookupConsumer(ctx, tc.ref)
				if err != nil {
					t.Fatal(err)
				}
				p, err := dry.PlanAction(ctx, c, req)
				if err != nil {
					t.Fatal(err)
				}
				dry.writeNow = func() time.Time { return at }
				script := strings.Join(dry.DryRun(p), "\n") + "\n"
				out := runClient(t, dry, script)
				if !strings.Contains(out, "changed") || strings.Contains(out, "NOT CHANGED") {
					t.Fatalf("script result:\n%s", out)
				}
				mustAct(t, real, tc.ref, req)
				for _, table := range append(compared, "user_groups") {
					got, want := canon(tableRows(t, dry, table)), canon(tableRows(t, real, table))
					if strings.Join(got, "\n") != strings.Join(want, "\n") {
						t.Errorf("%s: script\n  %s\nApply\n  %s", table, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
					}
				}
				if tc.name == "disable A" {
					assertMatchesDump(t, dry, dumpA2)
				}
			})
		}
	}
}

// TestDryRunScriptGuard: a script printed before someone else changed the
// consumer changes nothing when it runs, as Apply would refuse.
func TestDryRunScriptGuard(t *testing.T) {
	for _, e := range engines(t) {
		t.Run(e.name, func(t *testing.T) {
			s := e.load(t, dumpA1, "")
			p := plan(t, s, keyA, Request{Action: mediawiki.ActionDisable, Reason: "late", Performer: "Admin", Now: ts(t, "20261122100000")})
			script := strings.Join(s.DryRun(p), "\n") + "\n"
			exec(t, s, "UPDATE "+s.T("oauth_registered_consumer")+" SET oarc_stage_timestamp = '20261122095959' WHERE oarc_id = 2")
			out := runClient(t, s, script)
			if !strings.Contains(out, "NOT CHANGED") {
				t.Errorf("script result:\n%s", out)
			}
			if n := count(t, s, "logging", ""); n != 9 {
				t.Errorf("%d log rows after a guarded script, want 9", n)
			}
			if n := count(t, s, "oauth_registered_consumer", "oarc_stage = 4"); n != 0 {
				t.Errorf("consumer changed by a guarded script")
			}
		})
	}
}

// runClient runs a script with the engine's own command-line client.
func runClient(t *testing.T, s *Store, script string) string {
	t.Helper()
	var cmd *osexec.Cmd
	if s.Dialect == SQLite {
		cmd = osexec.Command("sqlite3", strings.TrimPrefix(dsnOf(t, s), "sqlite:"))
	} else {
		var name string
		if err := s.db.QueryRow("SELECT DATABASE()").Scan(&name); err != nil {
			t.Fatal(err)
		}
		cmd = osexec.Command("mariadb", "--no-defaults", "--socket="+mariadbtest.Shared().Socket, "--user=root", name)
	}
	cmd.Stdin = strings.NewReader(script)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s\nscript:\n%s", cmd.Path, err, out, script)
	}
	return string(out)
}

// moveWikiTables moves the central wiki's tables of database from into
// database to on the same server (RENAME TABLE works across schemas).
func moveWikiTables(t *testing.T, srv *mariadbtest.Server, from, to string) {
	t.Helper()
	for _, tb := range []string{"logging", "log_search", "comment", "actor", "user", "page", "user_groups", "block", "block_target"} {
		if _, err := srv.Root().Exec("RENAME TABLE `" + from + "`.`" + tb + "` TO `" + to + "`.`" + tb + "`"); err != nil {
			t.Fatalf("move %s: %v", tb, err)
		}
	}
}

// TestSplitSameServer: the OAuth tables in one schema, the wiki's in
// another on the same server: one connection, one transaction, and the
// rows MediaWiki wrote.
func TestSplitSameServer(t *testing.T) {
	srv := mariadbtest.Require(t)
	base := loadMariaDB(t, srv, dumpA1, "")
	var oauthDB string
	if err := base.db.QueryRow("SELECT DATABASE()").Scan(&oauthDB); err != nil {
		t.Fatal(err)
	}
	wikiDB := srv.NewDatabase(t)
	moveWikiTables(t, srv, oauthDB, wikiDB)
	s, err := Open(context.Background(), "mysql:"+srv.DSN(oauthDB, "root", ""), Options{WikiDSN: "mysql:" + srv.DSN(wikiDB, "root", ""), Admin: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tg := s.Target()
	if tg.Wiki == nil || tg.Wiki.Database != wikiDB || !tg.SameTransaction || s.wdb != s.db {
		t.Fatalf("target = %+v", tg)
	}
	if !strings.HasPrefix(s.T("logging"), "`"+wikiDB+"`.") || strings.Contains(s.T("oauth_registered_consumer"), wikiDB) {
		t.Errorf("table names: %s, %s", s.T("logging"), s.T("oauth_registered_consumer"))
	}
	mustAct(t, s, keyA, Request{Action: mediawiki.ActionDisable, Reason: "E2E disable test", Performer: "Admin", Now: ts(t, "20261122090809")})
	assertMatchesDump(t, s, dumpA2)
	// The dry run is one script for both schemas.
	c, _ := s.ConsumerByKey(context.Background(), keyA)
	p, err := s.PlanAction(context.Background(), c, Request{Action: mediawiki.ActionReenable, Reason: "E2E reenable test", Performer: "Admin", Now: ts(t, "20261122090815")})
	if err != nil {
		t.Fatal(err)
	}
	script := strings.Join(s.DryRun(p), "\n")
	if strings.Contains(script, "then, on the wiki database") || !strings.Contains(script, "`"+wikiDB+"`.`logging`") {
		t.Errorf("same-server dry run:\n%s", script)
	}
	// Killing the one connection before commit leaves nothing anywhere.
	s.testHook = killAt(t, srv, "before-commit")
	if _, err := s.Apply(context.Background(), p); err == nil {
		t.Fatal("apply on a killed connection succeeded")
	}
	s.testHook = nil
	assertMatchesDump(t, s, dumpA2)
}

// TestSplitTwoServers: the OAuth tables on one server, the wiki's on
// another. The consumer row commits first and the log second; a failure
// before the first commit leaves nothing; a failure between the commits is
// reported with exactly what landed and a script that writes the rest.
func TestSplitTwoServers(t *testing.T) {
	srv1 := mariadbtest.Require(t)
	srv2 := mariadbtest.RequireAnother(t)
	open := func(t *testing.T) (*Store, string) {
		oauth := loadMariaDB(t, srv1, dumpA1, "")
		var oauthDB string
		if err := oauth.db.QueryRow("SELECT DATABASE()").Scan(&oauthDB); err != nil {
			t.Fatal(err)
		}
		wikiDB := srv2.NewDatabase(t)
		for _, f := range []string{"testdata/schema.sql", dumpA1} {
			srv2.Exec(t, wikiDB, readFile(t, f))
		}
		srv2.Exec(t, wikiDB, strings.Join(embeddedTables(MySQL, "", "page", "user_groups", "block", "block_target"), ";\n"))
		seedRealGroups(t, &Store{db: srv2.Open(t, wikiDB), Dialect: MySQL})
		for _, tb := range []string{"logging", "comment", "actor"} {
			srv2.Exec(t, wikiDB, "ALTER TABLE `"+tb+"` AUTO_INCREMENT = 1")
		}
		// Each server holds only its own side.
		for _, tb := range []string{"logging", "log_search", "comment"} {
			srv1.Exec(t, oauthDB, "DROP TABLE `"+tb+"`")
		}
		for _, tb := range []string{"oauth_registered_consumer", "oauth_accepted_consumer", "oauth2_access_tokens"} {
			srv2.Exec(t, wikiDB, "DROP TABLE `"+tb+"`")
		}
		s, err := Open(context.Background(), "mysql:"+srv1.DSN(oauthDB, "root", ""), Options{WikiDSN: "mysql:" + srv2.DSN(wikiDB, "root", ""), Admin: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if s.Target().SameTransaction || s.wdb == s.db {
			t.Fatalf("two servers share a transaction: %+v", s.Target())
		}
		return s, wikiDB
	}
	// rows compares each side with the dump: the OAuth tables on server 1,
	// the wiki's on server 2.
	rows := func(t *testing.T, s *Store, dump string) {
		t.Helper()
		want := parseDump(t, dump)
		for _, table := range compared {
			var got []dumpRow
			if oauthTables[table] {
				got = tableRows(t, s, table)
			} else {
				got = tableRowsOn(t, s.wdb, s.T(table))
			}
			if strings.Join(canon(got), "\n") != strings.Join(canon(want[table]), "\n") {
				t.Errorf("%s differs from %s:\n  %s", table, filepath.Base(dump), strings.Join(canon(got), "\n  "))
			}
		}
	}

	t.Run("ok", func(t *testing.T) {
		s, _ := open(t)
		mustAct(t, s, keyA, Request{Action: mediawiki.ActionDisable, Reason: "E2E disable test", Performer: "Admin", Now: ts(t, "20261122090809")})
		rows(t, s, dumpA2)
	})
	t.Run("first commit fails", func(t *testing.T) {
		s, _ := open(t)
		s.testHook = killAt(t, srv1, "before-commit")
		if _, _, err := act(t, s, keyA, Request{Action: mediawiki.ActionDisable, Reason: "E2E disable test", Performer: "Admin", Now: ts(t, "20261122090809")}); err == nil {
			t.Fatal("no error")
		}
		s.testHook = nil
		rows(t, s, dumpA1) // nothing on either server: no log entry for a change that did not happen
	})
	t.Run("second commit fails", func(t *testing.T) {
		s, wikiDB := open(t)
		s.testHook = killAt(t, srv2, "between-commits")
		_, _, err := act(t, s, keyA, Request{Action: mediawiki.ActionDisable, Reason: "E2E disable test", Performer: "Admin", Now: ts(t, "20261122090809")})
		var te *TwoDatabaseError
		if !asTwo(err, &te) {
			t.Fatalf("err = %v; want *TwoDatabaseError", err)
		}
		s.testHook = nil
		if !strings.Contains(te.Committed, "the consumer row (approved → disabled, stamped 20261122090809)") ||
			!strings.Contains(te.RepairCommand, "--socket="+srv2.Socket) || !strings.Contains(te.RepairCommand, wikiDB) {
			t.Errorf("report: %v\ncommand: %s", te, te.RepairCommand)
		}
		// The state is exactly as reported: consumer changed, no log entry.
		if n := count(t, s, "oauth_registered_consumer", "oarc_id = 2 AND oarc_stage = 4"); n != 1 {
			t.Errorf("consumer row not committed")
		}
		if n := countOn(t, s.wdb, s.T("logging")); n != 9 {
			t.Errorf("%d log rows; want 9 (the second commit failed)", n)
		}
		// The repair script, run by the mariadb client, writes the rest: the
		// rows MediaWiki wrote, under the ids the server assigns now (InnoDB
		// does not hand back the ids the killed transaction took).
		cmd := osexec.Command("mariadb", "--no-defaults", "--socket="+srv2.Socket, "--user=root", wikiDB)
		cmd.Stdin = strings.NewReader(te.Repair)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("repair: %v\n%s\n%s", err, out, te.Repair)
		}
		var got string
		err = s.wdb.QueryRow("SELECT CONCAT_WS('|', l.log_action, l.log_timestamp, l.log_actor, l.log_title, l.log_page, c.comment_text, l.log_params, ls.ls_value)" +
			" FROM logging l JOIN comment c ON c.comment_id = l.log_comment_id JOIN log_search ls ON ls.ls_log_id = l.log_id" +
			" WHERE l.log_type = 'mwoauthconsumer' ORDER BY l.log_id DESC LIMIT 1").Scan(&got)
		want := "disable|20261122090809|1|Admin|0|E2E disable test|" + logParams(keyA) + "|" + keyA
		if err != nil || got != want {
			t.Errorf("repaired log entry = %q, %v\nwant %q", got, err, want)
		}
		if n := countOn(t, s.wdb, s.T("logging")); n != 10 {
			t.Errorf("%d log rows after the repair, want 10", n)
		}
	})
}
