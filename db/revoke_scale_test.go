package db

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mwoauth/mwoauth/internal/mariadbtest"
	"github.com/mwoauth/mwoauth/mediawiki"
)

// fillTokens writes acceptances and token rows in bulk with MariaDB's
// sequence engine: consumer 2 gets 5 acceptances with 10 tokens each; the
// rest of the rows belong to other consumers' acceptances.
func fillTokens(t testing.TB, srv *mariadbtest.Server, name string, acceptances, tokens int) {
	t.Helper()
	srv.Exec(t, name, fmt.Sprintf(`
INSERT INTO oauth_accepted_consumer (oaac_id, oaac_wiki, oaac_user_id, oaac_consumer_id, oaac_access_token, oaac_access_secret, oaac_grants, oaac_accepted, oaac_oauth_version)
  SELECT seq + 100, '*', seq + 100, IF(seq <= 5, 2, 1000 + seq %% 5000), LPAD(HEX(seq), 32, '0'), LPAD(HEX(seq), 32, '1'), '["useoauth"]', '20261122000000', 2
  FROM seq_1_to_%d;
INSERT INTO oauth2_access_tokens (oaat_identifier, oaat_expires, oaat_acceptance_id, oaat_revoked)
  SELECT LPAD(HEX(seq), 80, '0'), '20261122100000', IF(seq <= 50, 101 + (seq - 1) %% 5, 106 + seq %% %d), 0
  FROM seq_1_to_%d;
ANALYZE TABLE oauth_accepted_consumer, oauth2_access_tokens;`, acceptances, acceptances-5, tokens))
}

// revokeSQL is the DELETE Apply runs for consumer 2's revocation.
func revokeSQL(s *Store) statement {
	b := &script{s: s, gated: true}
	s.revokeStatements(b, "a.oaac_consumer_id = ?", int64(2))
	return b.stmts[len(b.stmts)-1]
}

// TestRevokeUsesAcceptanceIndex: the revocation DELETE reaches the token
// rows through the acceptance index on both engines, never by scanning the
// token table (issue: the old UPDATE … IN (subquery) grew with the whole
// table).
func TestRevokeUsesAcceptanceIndex(t *testing.T) {
	t.Run("mariadb", func(t *testing.T) {
		srv := mariadbtest.Require(t)
		s := loadMariaDB(t, srv, dumpA1, "")
		var name string
		if err := s.db.QueryRow("SELECT DATABASE()").Scan(&name); err != nil {
			t.Fatal(err)
		}
		fillTokens(t, srv, name, 20_000, 200_000)
		st := revokeSQL(s)
		conn, err := s.db.Conn(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(context.Background(), "SET @mwoauth_ok = 1"); err != nil {
			t.Fatal(err)
		}
		rows, err := conn.QueryContext(context.Background(), "EXPLAIN "+st.SQL, st.Args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		plan := map[string]map[string]string{}
		for rows.Next() {
			vals := make([]sql.NullString, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			row := map[string]string{}
			for i, c := range cols {
				row[c] = vals[i].String
			}
			plan[row["table"]] = row
		}
		if a := plan["a"]; a["type"] != "ref" || a["key"] != "oaac_consumer_user" {
			t.Errorf("acceptances: %v; want ref on oaac_consumer_user", a)
		}
		if tk := plan["t"]; tk["type"] != "ref" || tk["key"] != "oaat_acceptance_id" {
			t.Errorf("tokens: %v; want ref on oaat_acceptance_id", tk)
		}
	})
	t.Run("sqlite", func(t *testing.T) {
		s := loadSQLite(t, dumpA1, "")
		st := revokeSQL(s)
		q := strings.ReplaceAll(st.SQL, (&script{s: s}).ref("ok"), "1")
		rows, err := s.db.Query("EXPLAIN QUERY PLAN "+q, st.Args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		all := strings.Join(plan, "\n")
		if !regexp.MustCompile(`SEARCH oauth2_access_tokens USING (COVERING )?INDEX oaat_acceptance_id \(oaat_acceptance_id=\?\)`).MatchString(all) ||
			!regexp.MustCompile(`SEARCH a USING (COVERING )?INDEX oaac_consumer_user \(oaac_consumer_id=\?\)`).MatchString(all) {
			t.Errorf("plan:\n%s", all)
		}
	})
}

// BenchmarkRevoke3M: revoking a consumer with five acceptances (50 token
// rows) on a wiki with 3 M token rows, the whole Apply (lock, update, log
// entry, list and delete the rows) in one transaction. Target: <= 50 ms.
// Filling takes a minute, so it runs only with -bench.
func BenchmarkRevoke3M(b *testing.B) {
	srv := mariadbtest.Require(b)
	var total time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s := loadMariaDB(b, srv, dumpA1, "")
		var name string
		if err := s.db.QueryRow("SELECT DATABASE()").Scan(&name); err != nil {
			b.Fatal(err)
		}
		fillTokens(b, srv, name, 100_000, 3_000_000)
		ctx := context.Background()
		c, err := s.ConsumerByKey(ctx, keyA)
		if err != nil {
			b.Fatal(err)
		}
		p, err := s.PlanAction(ctx, c, Request{Action: mediawiki.ActionDisable, RevokeTokens: true, Reason: "leak", Performer: "Admin", Now: time.Now()})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		res, err := s.Apply(ctx, p)
		total += time.Since(start)
		b.StopTimer()
		if err != nil || len(res.RevokedTokens) != 50 {
			b.Fatalf("revoked %v, %v", res, err)
		}
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/revoke")
}
