package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mwoauth/mwoauth/internal/mariadbtest"
	"github.com/mwoauth/mwoauth/mediawiki"
)

func TestMain(m *testing.M) { os.Exit(mariadbtest.Main(m)) }

const (
	keyA = "5096568cc6652b5ad36358427f1bd60c" // OAuth 2 client_credentials, approved
	keyB = "42653efaec3897c4b8f6f93d2a4dd405" // owner-only
	keyC = "579da31d946a983966ad1646c1cc3858" // OAuth 1, grants stored as an object
	keyD = "2e33175180a0c30649b032b29fd807a5" // proposed
	keyE = "9cf8a1508d11c194b7feec4bd18e8914" // approved, later disabled and suppressed
	keyF = "0ebe56a40221dd2903b9290c8ef75e0d" // owned by Dev User

	dumpA1 = "testdata/30-31-A-disable.before.sql"
	dumpA2 = "testdata/30-31-A-disable.after.sql"
	dumpE1 = "testdata/40-41-E-dsuppress.before.sql"
	dumpE2 = "testdata/40-41-E-dsuppress.after.sql"
)

func ts(t testing.TB, s string) time.Time {
	t.Helper()
	tm, err := ParseTimestamp(s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// act runs an action the way the command does: look up, plan, apply.
func act(t testing.TB, s *Store, ref string, req Request) (*Plan, *Result, error) {
	t.Helper()
	ctx := context.Background()
	c, err := s.LookupConsumer(ctx, ref)
	if err != nil {
		return nil, nil, err
	}
	// The dumps hold the real wiki's timestamps: the write is stamped with
	// the request's instant here, with the real clock everywhere else.
	now := req.Now
	s.writeNow = func() time.Time { return now }
	p, err := s.PlanAction(ctx, c, req)
	if err != nil {
		return p, nil, err
	}
	res, err := s.Apply(ctx, p)
	return p, res, err
}

// plan makes the preview of req on the consumer ref, as the command does.
func plan(t testing.TB, s *Store, ref string, req Request) *Plan {
	t.Helper()
	c, err := s.LookupConsumer(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.PlanAction(context.Background(), c, req)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mustAct(t testing.TB, s *Store, ref string, req Request) *Result {
	t.Helper()
	_, res, err := act(t, s, ref, req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Action, ref, err)
	}
	return res
}

// TestRealDumps replays what the admin did in the real wiki: disable A,
// re-enable A, disable and suppress E. After each step every row of the
// OAuth, logging, log_search, comment and actor tables must equal the dump
// MediaWiki left (ids included, since AUTO_INCREMENT is as it was then).
func TestRealDumps(t *testing.T) {
	for _, e := range engines(t) {
		t.Run(e.name, func(t *testing.T) {
			s := e.load(t, dumpA1, "")
			assertMatchesDump(t, s, dumpA1)

			res := mustAct(t, s, keyA, Request{Action: mediawiki.ActionDisable, Reason: "E2E disable test", Performer: "Admin", Now: ts(t, "20261122090809")})
			if !res.Changed || res.LogID != 10 || res.CommentID != 10 || res.CommentReused || res.ActorCreated {
				t.Errorf("disable A result = %+v", res)
			}
			assertMatchesDump(t, s, dumpA2)

			res = mustAct(t, s, keyA, Request{Action: mediawiki.ActionReenable, Reason: "E2E reenable test", Performer: "Admin", Now: ts(t, "20261122090815")})
			if res.LogID != 11 {
				t.Errorf("reenable log id = %d, want 11", res.LogID)
			}
			assertMatchesDump(t, s, dumpE1) // E's "before" is the state right after A's re-enable

			mustAct(t, s, "5", Request{Action: mediawiki.ActionDisable, Suppress: true, Reason: "E2E disable and suppress test", Performer: "Admin", Now: ts(t, "20261122090818")})
			assertMatchesDump(t, s, dumpE2)
		})
	}
}

// TestRealDumpE loads E's own before-dump and disables+suppresses it.
func TestRealDumpE(t *testing.T) {
	for _, e := range engines(t) {
		t.Run(e.name, func(t *testing.T) {
			s := e.load(t, dumpE1, "")
			mustAct(t, s, keyE, Request{Action: mediawiki.ActionDisable, Suppress: true, Reason: "  E2E disable and suppress test\t", Performer: "Admin", Now: ts(t, "20261122090818")})
			assertMatchesDump(t, s, dumpE2)
		})
	}
}

func TestTablePrefix(t *testing.T) {
	for _, e := range engines(t) {
		t.Run(e.name, func(t *testing.T) {
			s := e.load(t, dumpA1, "mw_")
			mustAct(t, s, keyA, Request{Action: mediawiki.ActionDisable, Reason: "E2E disable test", Performer: "Admin", Now: ts(t, "20261122090809")})
			assertMatchesDump(t, s, dumpA2)
			if _, err := Open(context.Background(), dsnOf(t, s), Options{}); err == nil {
				t.Errorf("opening a prefixed database without the prefix succeeded")
			} else if !strings.Contains(err.Error(), "oauth_registered_consumer") {
				t.Errorf("missing-table error does not name the table: %v", err)
			}
		})
	}
}

// dsnOf recovers a DSN for a store made by an engine (tests only).
func dsnOf(t *testing.T, s *Store) string {
	t.Helper()
	if s.Dialect == SQLite {
		var path string
		var seq int
		var name string
		if err := s.db.QueryRow("PRAGMA database_list").Scan(&seq, &name, &path); err != nil {
			t.Fatal(err)
		}
		return "sqlite:" + path
	}
	var db string
	if err := s.db.QueryRow("SELECT DATABASE()").Scan(&db); err != nil {
		t.Fatal(err)
	}
	return "mysql:" + mariadbtest.Shared().DSN(db, "root", "")
}

// addConsumerF adds Dev User (user 3) and a consumer of theirs, as in the
// real run (proposed by Dev User, approved by Admin).
func addConsumerF(t *testing.T, s *Store) {
	t.Helper()
	exec(t, s, "INSERT INTO "+s.T("actor")+" VALUES (3, 3, 'Dev User')")
	exec(t, s, "INSERT INTO "+s.T("oauth_registered_consumer")+` VALUES (6,'`+keyF+`','E2E Dev App',3,'1.0','https://tool.example.org/oauth2/f-callback','0','Dev User''s client','dev@example.org',NULL,1,0,'*','["useoauth","editpage"]','20261122090820','0123456789abcdef0123456789abcdef','','{"IPAddresses":["0.0.0.0/0","::/0"]}',1,'20261122090825',0,2,'["client_credentials"]',1)`)
}

func exec(t testing.TB, s *Store, q string, args ...any) {
	t.Helper()
	if _, err := s.db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func count(t testing.TB, s *Store, table, where string, args ...any) int {
	t.Helper()
	q := "SELECT COUNT(*) FROM " + s.T(table)
	if where != "" {
		q += " WHERE " + where
	}
	var n int
	if err := s.handle(table).QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func countOn(t testing.TB, db *sql.DB, quoted string) int {
	t.Helper()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM " + quoted).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func asTwo(err error, te **TwoDatabaseError) bool { return errors.As(err, te) }

// killAt is a test hook that kills, from srv's root connection, the
// connection an action is using when it reaches step.
func killAt(t testing.TB, srv *mariadbtest.Server, step string) func(context.Context, string, querier) error {
	return func(ctx context.Context, at string, q querier) error {
		if at != step {
			return nil
		}
		var id int64
		if err := q.QueryRowContext(ctx, "SELECT CONNECTION_ID()").Scan(&id); err != nil {
			return err
		}
		if _, err := srv.Root().Exec("KILL ?", id); err != nil {
			t.Errorf("kill: %v", err)
		}
		return nil
	}
}

type logRow struct {
	Action, TS, Title, Params string
	Actor, NS, Page, Comment  int64
	Deleted                   int
}

func readLog(t testing.TB, s *Store, id int64) logRow {
	t.Helper()
	var r logRow
	var action, ts, title, params []byte
	err := s.db.QueryRow("SELECT log_action, log_timestamp, log_title, log_params, log_actor, log_namespace, log_page, log_comment_id, log_deleted FROM "+
		s.T("logging")+" WHERE log_id = ? AND log_type = 'mwoauthconsumer'", id).Scan(&action, &ts, &title, &params, &r.Actor, &r.NS, &r.Page, &r.Comment, &r.Deleted)
	if err != nil {
		t.Fatalf("read log %d: %v", id, err)
	}
	r.Action, r.TS, r.Title, r.Params = string(action), string(ts), string(title), string(params)
	return r
}

// TestOtherOwnerAndCommentReuse: F belongs to Dev User; Admin disables it
// with a reason already used, so MediaWiki's comment row 10 is reused and
// the title names the owner, not the performer.
func TestOtherOwnerAndCommentReuse(t *testing.T) {
	for _, e := range engines(t) {
		t.Run(e.name, func(t *testing.T) {
			s := e.load(t, dumpA2, "")
			addConsumerF(t, s)
			comments := count(t, s, "comment", "")
			res := mustAct(t, s, keyF, Request{Action: mediawiki.ActionDisable, Reason: "E2E disable test", Performer: "Admin", Now: ts(t, "20261122090900")})
			if !res.CommentReused || res.CommentID != 10 {
				t.Errorf("comment not reused: %+v", res)
			}
			if n := count(t, s, "comment", ""); n != comments {
				t.Errorf("comment rows %d → %d; want reuse", comments, n)
			}
			got := readLog(t, s, res.LogID)
			want := logRow{Action: "disable", TS: "20261122090900", Title: "Dev_User", Actor: 1, NS: 2, Page: 0, Comment: 10,
				Params: `a:1:{s:10:"4:consumer";s:32:"` + keyF + `";}`}
			if got != want {
				t.Errorf("log row = %+v\nwant %+v", got, want)
			}
			// Dev User, in no group, may not re-enable their own consumer
			// (the audit-log hole): refused, nothing written.
			logs := count(t, s, "logging", "")
			_, _, err := act(t, s, keyF, Request{Action: mediawiki.ActionReenable, Reason: "Fixed", Performer: "dev_User", Now: ts(t, "20261122091000")})
			var pe *PermissionError
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), "Dev User lacks mwoauthmanageconsumer") {
				t.Errorf("re-enable by Dev User: %v", err)
			}
			if count(t, s, "logging", "") != logs {
				t.Errorf("refused performer was logged")
			}
			// With the check skipped the write goes through as Dev User: actor 3.
			res = mustAct(t, s, keyF, Request{Action: mediawiki.ActionReenable, Reason: "Fixed", Performer: "dev_User", SkipRightsCheck: true, Now: ts(t, "20261122091000")})
			if got := readLog(t, s, res.LogID); got.Actor != 3 || got.Action != "reenable" || got.Title != "Dev_User" {
				t.Errorf("reenable by Dev User: %+v", got)
			}
			c, _ := s.ConsumerByKey(context.Background(), keyF)
			if c.Stage != mediawiki.StageApproved || c.Deleted || c.StageTimestamp != "20261122091000" {
				t.Errorf("consumer after reenable: stage %d deleted %v ts %s", c.Stage, c.Deleted, c.StageTimestamp)
			}
		})
	}
}

// TestPerformerAndOwnerResolution covers a performer with a user row but no
// actor (the actor is created), an unknown performer (not found), an owner
// nobody can name (refused) and the owner's user page (log_page).
func TestPerformerAndOwnerResolution(t *testing.T) {
	for _, e := range engines(t) {
		t.Run(e.name, func(t *testing.T) {
			s := e.load(t, dumpA1, "")
			exec(t, s, "INSERT INTO "+s.T("user")+" (user_id, user_name, user_password, user_newpassword, user_email, user_touched) VALUES (7, 'New Admin', '', '', '', '20261122000000')")
			exec(t, s, "INSERT INTO "+s.T("page")+" (page_id, page_namespace, page_title, page_random, page_touched, page_latest, page_len) VALUES (42, 2, 'Admin', 0.5, '20261122000000', 1, 10)")
			exec(t, s, "INSERT INTO "+s.T("user_groups")+" (ug_user, ug_group) VALUES (7, 'steward')")

			res := mustAct(t, s, keyA, Request{Action: mediawiki.ActionDisable, Reason: "leak", Performer: "New_Admin", Now: ts(t, "20261122100000")})
			if !res.ActorCreated {
				t.Errorf("actor not created: %+v", res)
			}
			var aid int64
			if err := s.db.QueryRow("SELECT actor_id FROM " + s.T("actor") + " WHERE actor_user = 7 AND actor_name = 'New Admin'").Scan(&aid); err != nil {
				t.Fatalf("actor row: %v", err)
			}
			if got := readLog(t, s, res.LogID); got.Actor != aid || got.Page != 42 {
				t.Errorf("log actor %d page %d; want %d, 42", got.Actor, got.Page, aid)
			}

			_, _, err := act(t, s, keyE, Request{Action: mediawiki.ActionDisable, Reason: "x", Performer: "Nobody", Now: ts(t, "20261122100000")})
			var pnf *PerformerNotFoundError
			if !errors.As(err, &pnf) || !errors.Is(err, ErrNotFound) {
				t.Errorf("unknown performer: %v", err)
			}

			exec(t, s, "UPDATE "+s.T("oauth_registered_consumer")+" SET oarc_user_id = 99 WHERE oarc_id = 5")
			before := count(t, s, "logging", "")
			_, _, err = act(t, s, keyE, Request{Action: mediawiki.ActionDisable, Reason: "x", Performer: "Admin", Now: ts(t, "20261122100000")})
			var ref *RefusedError
			if !errors.As(err, &ref) || !strings.Contains(err.Error(), "cannot name the owner") {
				t.Errorf("unnamed owner: %v", err)
			}
			if count(t, s, "logging", "") != before {
				t.Errorf("something was logged")
			}
			if _, err := s.LookupConsumer(context.Background(), "ffffffffffffffffffffffffffffffff"); !errors.Is(err, ErrNotFound) {
				t.Errorf("unknown key: %v", err)
			}
			if _, err := s.LookupConsumer(context.Background(), "not-a-key"); !errors.Is(err, ErrNotFound) {
				t.Errorf("garbage ref: %v", err)
			}
		})
	}
}

// TestTransitions: every refused transition writes nothing; "already there"
// writes nothing and is not an error.
func TestTransitions(t *testing.T) {
	cases := []struct {
		stage    int
		deleted  bool
		action   Action
		suppress bool
		want     string // "ok", "noop", "refused"
	}{
		{1, false, mediawiki.ActionDisable, false, "ok"},
		{1, false, mediawiki.ActionDisable, true, "ok"},
		{4, false, mediawiki.ActionDisable, false, "noop"},
		{4, true, mediawiki.ActionDisable, true, "noop"},
		{4, false, mediawiki.ActionDisable, true, "ok"},
		{4, true, mediawiki.ActionDisable, false, "ok"},
		{0, false, mediawiki.ActionDisable, false, "refused"},
		{0, false, mediawiki.ActionDisable, true, "refused"},
		{2, false, mediawiki.ActionDisable, false, "refused"},
		{3, false, mediawiki.ActionDisable, false, "refused"},
		{5, false, mediawiki.ActionDisable, false, "refused"},
		{4, false, mediawiki.ActionReenable, false, "ok"},
		{4, true, mediawiki.ActionReenable, false, "ok"},
		{1, false, mediawiki.ActionReenable, false, "noop"},
		{1, true, mediawiki.ActionReenable, false, "refused"},
		{0, false, mediawiki.ActionReenable, false, "refused"},
		{2, false, mediawiki.ActionReenable, false, "refused"},
		{3, false, mediawiki.ActionReenable, false, "refused"},
		{5, false, mediawiki.ActionReenable, false, "refused"},
		{0, false, mediawiki.ActionReject, false, "ok"},
		{0, false, mediawiki.ActionReject, true, "ok"},
		{2, false, mediawiki.ActionReject, false, "noop"},
		{2, true, mediawiki.ActionReject, true, "noop"},
		{2, false, mediawiki.ActionReject, true, "refused"},
		{1, false, mediawiki.ActionReject, false, "refused"},
		{3, false, mediawiki.ActionReject, false, "refused"},
		{4, false, mediawiki.ActionReject, false, "refused"},
		{5, false, mediawiki.ActionReject, false, "refused"},
		{0, false, mediawiki.ActionApprove, false, "ok"},
		{2, false, mediawiki.ActionApprove, false, "ok"},
		{2, true, mediawiki.ActionApprove, false, "ok"},
		{3, false, mediawiki.ActionApprove, false, "ok"},
		{1, false, mediawiki.ActionApprove, false, "noop"},
		{1, true, mediawiki.ActionApprove, false, "refused"},
		{4, false, mediawiki.ActionApprove, false, "refused"},
		{4, true, mediawiki.ActionApprove, false, "refused"},
		{5, false, mediawiki.ActionApprove, false, "refused"},
	}
	for _, e := range engines(t) {
		t.Run(e.name, func(t *testing.T) {
			s := e.load(t, dumpA1, "")
			for _, tc := range cases {
				exec(t, s, "UPDATE "+s.T("oauth_registered_consumer")+" SET oarc_stage = ?, oarc_deleted = ?, oarc_stage_timestamp = '20261122000000' WHERE oarc_id = 2", tc.stage, boolInt(tc.deleted))
				logs := count(t, s, "logging", "")
				_, res, err := act(t, s, keyA, Request{Action: tc.action, Suppress: tc.suppress, Reason: "r", Performer: "Admin", Now: ts(t, "20261123000000")})
				c, _ := s.ConsumerByKey(context.Background(), keyA)
				var ref *RefusedError
				switch tc.want {
				case "ok":
					if err != nil || !res.Changed || count(t, s, "logging", "") != logs+1 {
						t.Errorf("%+v: err %v res %+v", tc, err, res)
					}
					wantStage, wantDel, _, _ := mediawiki.Transition(tc.action, tc.stage, tc.deleted, tc.suppress)
					if c.Stage != wantStage || c.Deleted != wantDel || c.StageTimestamp != "20261123000000" {
						t.Errorf("%+v: now stage %d deleted %v", tc, c.Stage, c.Deleted)
					}
				case "noop":
					if err != nil || res.Changed || count(t, s, "logging", "") != logs || c.StageTimestamp != "20261122000000" {
						t.Errorf("%+v: err %v res %+v", tc, err, res)
					}
				case "refused":
					if !errors.As(err, &ref) || count(t, s, "logging", "") != logs || c.Stage != tc.stage || c.StageTimestamp != "20261122000000" {
						t.Errorf("%+v: err %v, stage %d", tc, err, c.Stage)
					}
				}
			}
		})
	}
}

// TestConcurrentDisable: 20 admins disable A at once from the same preview;
// exactly one wins and writes one log entry, the others are refused.
func TestConcurrentDisable(t *testing.T) {
	for _, e := range engines(t) {
		t.Run(e.name, func(t *testing.T) {
			s := e.load(t, dumpA1, "")
			ctx := context.Background()
			c, err := s.ConsumerByKey(ctx, keyA)
			if err != nil {
				t.Fatal(err)
			}
			plan, err := s.PlanAction(ctx, c, Request{Action: mediawiki.ActionDisable, Reason: "race", Performer: "Admin", Now: ts(t, "20261122100000")})
			if err != nil {
				t.Fatal(err)
			}
			// Each goroutine gets its own connection pool, as separate
			// processes would.
			dsn := dsnOf(t, s)
			var wg sync.WaitGroup
			var mu sync.Mutex
			ok, refused := 0, 0
			var other []error
			for i := 0; i < 20; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					st, err := Open(ctx, dsn, Options{Admin: true})
					if err != nil {
						mu.Lock()
						other = append(other, err)
						mu.Unlock()
						return
					}
					defer st.Close()
					p := *plan
					_, err = st.Apply(ctx, &p)
					mu.Lock()
					defer mu.Unlock()
					var ref *RefusedError
					switch {
					case err == nil:
						ok++
					case errors.As(err, &ref) && strings.Contains(err.Error(), "changed since preview"):
						refused++
					default:
						other = append(other, err)
					}
				}()
			}
			wg.Wait()
			if ok != 1 || refused != 19 || len(other) > 0 {
				t.Fatalf("ok %d refused %d other %v", ok, refused, other)
			}
			if n := count(t, s, "logging", "log_action = 'disable'"); n != 1 {
				t.Errorf("%d disable log entries, want 1", n)
			}
			if n := count(t, s, "log_search", "ls_value = ?", keyA); n != 3 {
				t.Errorf("%d log_search rows for A, want 3", n)
			}
		})
	}
}

// TestKilledMidTransaction: the connection dies after the consumer row and
// the comment were written but before the log entry; nothing may remain.
func TestKilledMidTransaction(t *testing.T) {
	srv := mariadbtest.Require(t)
	for _, step := range []string{"locked", "updated", "comment", "logged", "before-commit"} {
		t.Run(step, func(t *testing.T) {
			s := loadMariaDB(t, srv, dumpA1, "")
			s.testHook = killAt(t, srv, step)
			_, _, err := act(t, s, keyA, Request{Action: mediawiki.ActionDisable, Reason: "E2E disable test", Performer: "Admin", Now: ts(t, "20261122090809")})
			if err == nil {
				t.Fatalf("action succeeded on a killed connection")
			}
			s.testHook = nil
			assertMatchesDump(t, s, dumpA1)
		})
	}
	t.Run("sqlite", func(t *testing.T) {
		s := loadSQLite(t, dumpA1, "")
		s.testHook = func(_ context.Context, at string, _ querier) error {
			if at == "logged" {
				return errors.New("simulated crash")
			}
			return nil
		}
		if _, _, err := act(t, s, keyA, Request{Action: mediawiki.ActionDisable, Reason: "E2E disable test", Performer: "Admin", Now: ts(t, "20261122090809")}); err == nil {
			t.Fatal("no error")
		}
		s.testHook = nil
		assertMatchesDump(t, s, dumpA1)
	})
}

// TestChangedSincePreview: a write between preview and apply is detected.
func TestChangedSincePreview(t *testing.T) {
	for _, e := range engines(t) {
		t.Run(e.name, func(t *testing.T) {
			s := e.load(t, dumpA1, "")
			ctx := context.Background()
			p := plan(t, s, keyA, Request{Action: mediawiki.ActionDisable, Reason: "r", Performer: "Admin", Now: ts(t, "20261122100000")})
			exec(t, s, "UPDATE "+s.T("oauth_registered_consumer")+" SET oarc_stage_timestamp = '20261122095959' WHERE oarc_id = 2")
			_, err := s.Apply(ctx, p)
			var ref *RefusedError
			if !errors.As(err, &ref) || !strings.Contains(err.Error(), "changed since preview") {
				t.Fatalf("err = %v", err)
			}
			if count(t, s, "logging", "") != 9 {
				t.Errorf("logged anyway")
			}
		})
	}
}

// TestHostileInput: SQL-looking reasons and names are data, stored verbatim.
func TestHostileInput(t *testing.T) {
	for _, e := range engines(t) {
		t.Run(e.name, func(t *testing.T) {
			s := e.load(t, dumpA1, "")
			evil := `x'); DROP TABLE logging; -- \' " ` + "`" + ` %_ ü`
			exec(t, s, "INSERT INTO "+s.T("actor")+" VALUES (9, NULL, ?)", "1.2.3.4") // an IP actor cannot perform
			exec(t, s, "INSERT INTO "+s.T("actor")+" VALUES (10, 10, ?)", `Ro'bert"); DROP TABLE actor;--`)
			exec(t, s, "INSERT INTO "+s.T("user_groups")+" (ug_user, ug_group) VALUES (10, 'oauthadmin')")
			res := mustAct(t, s, keyA, Request{Action: mediawiki.ActionDisable, Reason: evil, Performer: `Ro'bert"); DROP TABLE actor;--`, Now: ts(t, "20261122100000")})
			var text []byte
			if err := s.db.QueryRow("SELECT comment_text FROM "+s.T("comment")+" WHERE comment_id = ?", res.CommentID).Scan(&text); err != nil || string(text) != evil {
				t.Errorf("comment = %q, %v", text, err)
			}
			if got := readLog(t, s, res.LogID); got.Actor != 10 {
				t.Errorf("actor = %d", got.Actor)
			}
			if _, _, err := act(t, s, keyE, Request{Action: mediawiki.ActionDisable, Reason: "x", Performer: "1.2.3.4", Now: ts(t, "20261122100000")}); !errors.Is(err, ErrNotFound) {
				t.Errorf("IP performer: %v", err)
			}
			if _, err := s.LookupConsumer(context.Background(), "1 OR 1=1"); !errors.Is(err, ErrNotFound) {
				t.Errorf("injection ref: %v", err)
			}
		})
	}
}

// TestRevokeTokens: every token row attributable through an acceptance of
// the consumer is deleted (AccessTokenRepository::deleteForApprovalId), so
// refresh tokens die too; each deleted row is reported; acceptance-0 tokens
// cannot be attributed and stay.
func TestRevokeTokens(t *testing.T) {
	for _, e := range engines(t) {
		t.Run(e.name, func(t *testing.T) {
			s := e.load(t, dumpA1, "")
			now := ts(t, "20261122093000")
			// B (oarc_id 3) has acceptance 1 with tokens 1 (1000 years) and 3 (expires 10:07:55).
			sum, err := s.TokenSummary(context.Background(), 3, now)
			if err != nil || sum.Live != 2 || sum.LatestExpiry != "30261122090729" {
				t.Fatalf("summary = %+v, %v", sum, err)
			}
			exec(t, s, "INSERT INTO "+s.T("oauth2_access_tokens")+" VALUES (20, 'expiredjti', '20261122080000', 1, 0)")
			exec(t, s, "INSERT INTO "+s.T("oauth2_access_tokens")+" VALUES (21, 'infjti', 'infinity', 1, 1)")
			before := count(t, s, "oauth2_access_tokens", "")
			p, res, err := act(t, s, keyB, Request{Action: mediawiki.ActionDisable, Reason: "leak", Performer: "Admin", RevokeTokens: true, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			if p.RevokeRows != 4 {
				t.Errorf("preview counted %d rows, want 4", p.RevokeRows)
			}
			var got []string
			for _, r := range res.RevokedTokens {
				got = append(got, fmt.Sprintf("%s/%s/%d", r.JTI, r.Expires, r.AcceptanceID))
			}
			want := []string{
				"f356730fe4cab73257f2c1d06545cdc9cc2c9f6af99855da3c9947bfb7815de9f4f7ce3597a369bc/30261122090729/1",
				"bcaee5e9709108b33012dfada9524af5fe7d4bde0e951d96f253b25c80c9f2e2df72ea4ff110cccb/20261122100755/1",
				"expiredjti/20261122080000/1", "infjti/infinity/1"}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("revoked:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if n := count(t, s, "oauth2_access_tokens", ""); n != before-4 {
				t.Errorf("%d rows left, want %d", n, before-4)
			}
			if n := count(t, s, "oauth2_access_tokens", "oaat_acceptance_id = 0"); n != 3 {
				t.Errorf("acceptance-0 tokens touched: %d left", n)
			}
			if _, err := s.AccessTokenByJTI(context.Background(), "infjti"); !errors.Is(err, ErrNotFound) {
				t.Errorf("infjti still there: %v", err)
			}
			if count(t, s, "oauth_accepted_consumer", "") != 1 {
				t.Errorf("the acceptance was deleted; only its tokens go")
			}
			// Revoking again on the disabled consumer: no change, nothing to delete.
			_, res, err = act(t, s, keyB, Request{Action: mediawiki.ActionDisable, Reason: "again", Performer: "Admin", RevokeTokens: true, Now: now})
			if err != nil || res.Changed || len(res.RevokedTokens) != 0 {
				t.Errorf("second revoke: %+v, %v", res, err)
			}
			if _, _, err := act(t, s, keyD, Request{Action: mediawiki.ActionReject, Reason: "x", Performer: "Admin", RevokeTokens: true, Now: now}); !errors.Is(err, ErrRevokeNeedsDisable) {
				t.Errorf("revoking with reject: %v", err)
			}
		})
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	for _, e := range engines(t) {
		t.Run(e.name, func(t *testing.T) {
			s := e.load(t, dumpA1, "")
			p := plan(t, s, keyA, Request{Action: mediawiki.ActionDisable, Reason: "it's leaked", Performer: "Admin", Now: ts(t, "20261122090809")})
			s.writeNow = func() time.Time { return ts(t, "20261122090809") }
			all := strings.Join(s.DryRun(p), "\n")
			b := &script{s: s, gated: true}
			for _, want := range []string{
				"UPDATE " + s.T("oauth_registered_consumer") + " SET oarc_stage = 4, oarc_stage_timestamp = '20261122090809', oarc_deleted = 0 WHERE oarc_id = 2 AND " + b.gate() + ";",
				"SELECT 'mwoauthconsumer', 'disable', '20261122090809', " + b.ref("actor_id") + ", 2, 'Admin', " + b.ref("log_page") + ", " + b.ref("comment_id") +
					", 'a:1:{s:10:\"4:consumer\";s:32:\"" + keyA + "\";}', 0",
				"'it''s leaked'",
				"COMMIT;",
			} {
				if !strings.Contains(all, want) {
					t.Errorf("dry run lacks %q:\n%s", want, all)
				}
			}
			assertMatchesDump(t, s, dumpA1)
		})
	}
}

func TestCommentHashAndParams(t *testing.T) {
	for text, want := range map[string]int32{
		"E2E disable test": 1114204044,
		"OAuth 1.0a consumer created by createOAuthConsumer.php": -1126493906,
		"E2E reenable test":             1397783880,
		"E2E disable and suppress test": 494331346,
		"":                              0,
	} {
		if got := commentHash(text); got != want {
			t.Errorf("commentHash(%q) = %d, want %d", text, got, want)
		}
	}
	if got := logParams(keyA); got != `a:1:{s:10:"4:consumer";s:32:"5096568cc6652b5ad36358427f1bd60c";}` {
		t.Errorf("logParams = %s", got)
	}
}

func TestValidateReason(t *testing.T) {
	for in, want := range map[string]string{
		"  leaked secret \n":     "leaked secret",
		strings.Repeat("a", 255): strings.Repeat("a", 255),
		strings.Repeat("ü", 127): strings.Repeat("ü", 127), // 254 bytes
	} {
		got, err := ValidateReason(in)
		if err != nil || got != want {
			t.Errorf("ValidateReason(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "   ", "two\nlines", strings.Repeat("a", 256), strings.Repeat("ü", 128), "\xff\xfe"} {
		if _, err := ValidateReason(in); !errors.Is(err, ErrInvalidReason) {
			t.Errorf("ValidateReason(%q) accepted", in)
		}
	}
}
