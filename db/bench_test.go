package db

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mwoauth/mwoauth/internal/mariadbtest"
	"github.com/mwoauth/mwoauth/mediawiki"
)

const benchConsumers = 100_000

// fillConsumers writes n generated consumers (owners spread over 1000
// actors, every stage, some suppressed) in multi-row INSERTs.
func fillConsumers(b *testing.B, s *Store, n int) {
	b.Helper()
	ctx := context.Background()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	for i := 1; i <= 1000; i++ {
		if _, err := tx.Exec("INSERT INTO "+s.T("actor")+" (actor_id, actor_user, actor_name) VALUES (?, ?, ?)", i, i, fmt.Sprintf("User %d", i)); err != nil {
			b.Fatal(err)
		}
	}
	const batch = 500
	for start := 1; start <= n; start += batch {
		var sb strings.Builder
		var args []any
		sb.WriteString("INSERT INTO " + s.T("oauth_registered_consumer") + ` (oarc_id, oarc_consumer_key, oarc_name, oarc_user_id,
 oarc_version, oarc_callback_url, oarc_callback_is_prefix, oarc_description, oarc_email, oarc_developer_agreement,
 oarc_owner_only, oarc_wiki, oarc_grants, oarc_registration, oarc_secret_key, oarc_rsa_key, oarc_restrictions, oarc_stage,
 oarc_stage_timestamp, oarc_deleted, oarc_oauth_version, oarc_oauth2_allowed_grants, oarc_oauth2_is_confidential) VALUES `)
		for i := start; i < start+batch && i <= n; i++ {
			if i > start {
				sb.WriteString(",")
			}
			sb.WriteString("(?, ?, ?, ?, '1.0', 'https://x.test/cb', '0', 'generated', 'x@test', 1, ?, '*', ?, ?, 'secret', '', '{}', ?, ?, ?, ?, '[\"client_credentials\"]', 1)")
			ts := fmt.Sprintf("2026%02d%02d120000", 1+i%12, 1+i%28)
			args = append(args, i, fmt.Sprintf("%032x", i*7919), fmt.Sprintf("Generated app %d", i), 1+i%1000,
				i%17 == 0, `["useoauth","editpage"]`, ts, i%5, ts, boolInt(i%50 == 0), 1+i%2)
		}
		if _, err := tx.Exec(sb.String(), args...); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// newBenchSQLite is an empty wiki in a new SQLite file, closed when b ends.
func newBenchSQLite(b *testing.B) *Store {
	b.Helper()
	st, err := CreateSQLite(context.Background(), filepath.Join(b.TempDir(), "bench.sqlite"))
	if err != nil {
		b.Fatal(err)
	}
	if err := st.CreateSchema(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

func benchList(b *testing.B, s *Store) {
	fillConsumers(b, s, benchConsumers)
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		f    ListFilter
	}{
		{"all", ListFilter{IncludeSuppressed: true}},
		{"page100", ListFilter{Limit: 100, AfterID: 50_000}},
		{"approved-search", ListFilter{Stages: []int{mediawiki.StageApproved}, Search: "app 99"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				n := 0
				err := s.ListConsumers(ctx, bc.f, func(c *Consumer) error {
					if c.OwnerName == "" {
						return fmt.Errorf("consumer %d has no owner name", c.ID)
					}
					n++
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
				if n == 0 {
					b.Fatal("nothing listed")
				}
			}
		})
	}
}

// BenchmarkList lists 100k consumers (the size of a large wiki farm's
// table) on SQLite and MariaDB.
func BenchmarkList(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		benchList(b, newBenchSQLite(b))
	})
	b.Run("mariadb", func(b *testing.B) {
		srv := mariadbtest.Require(b)
		name := srv.NewDatabase(b)
		st := &Store{db: srv.Open(b, name), Dialect: MySQL}
		if err := st.CreateSchema(context.Background()); err != nil {
			b.Fatal(err)
		}
		s, err := Open(context.Background(), "mysql:"+srv.DSN(name, "root", ""), Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		benchList(b, s)
	})
}
