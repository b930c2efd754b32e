package db

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/mwoauth/mwoauth/mediawiki"
	"github.com/mwoauth/mwoauth/review"
)

// realFinal is the real 1.43 wiki after its last consumer action: C
// (OAuth 1), A (client_credentials), B (owner-only, with its 1000-year
// token) approved, D proposed, E disabled and suppressed, all Admin's.
const realFinal = "testdata/40-41-E-dsuppress.after.sql"

// expectedActivity computes from the dump's own rows what ConsumerActivity
// must say: acceptances per consumer and the token rows reachable through
// them.
func expectedActivity(t *testing.T) map[int64]ConsumerActivity {
	rows := parseDumpTyped(t, realFinal)
	want := map[int64]ConsumerActivity{}
	consumerOf := map[int64]int64{}
	for _, r := range rows["oauth_accepted_consumer"] {
		id, consumer, accepted := r[0].(int64), r[3].(int64), r[7].(string)
		consumerOf[id] = consumer
		a := want[consumer]
		a.Acceptances++
		a.LatestAcceptance = max(a.LatestAcceptance, accepted)
		want[consumer] = a
	}
	for _, r := range rows["oauth2_access_tokens"] {
		consumer, ok := consumerOf[r[3].(int64)]
		if !ok {
			continue // acceptance id 0: client_credentials of a normal client
		}
		a := want[consumer]
		a.Tokens++
		a.LatestTokenExpiry = max(a.LatestTokenExpiry, r[2].(string))
		want[consumer] = a
	}
	return want
}

func TestConsumerActivityOnRealDump(t *testing.T) {
	want := expectedActivity(t)
	if len(want) == 0 {
		t.Fatal("the dump has no acceptances: wrong fixture")
	}
	for _, e := range engines(t) {
		t.Run(e.name, func(t *testing.T) {
			s := e.load(t, realFinal, "")
			var ids []int64
			err := s.ForEachConsumer(context.Background(), func(c *Consumer) error {
				ids = append(ids, c.ID)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids, []int64{1, 2, 3, 4, 5}) {
				t.Fatalf("ForEachConsumer gave %v: every consumer, the suppressed one too, in id order", ids)
			}
			got, err := s.ConsumerActivity(context.Background(), append(ids, ids...))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Errorf("activity for %d consumers, want %d: %v", len(got), len(want), got)
			}
			for id, w := range want {
				if got[id] != w {
					t.Errorf("consumer %d: %+v, want %+v", id, got[id], w)
				}
			}
		})
	}
}

// The review and the audit read a real wiki's rows through the store as
// the commands do.
func TestReviewAndAuditOnRealDump(t *testing.T) {
	rows := parseDumpTyped(t, realFinal)
	suppressed := map[int64]bool{}
	for _, r := range rows["oauth_registered_consumer"] {
		if r[20].(int64) == 1 { // oarc_deleted
			suppressed[r[0].(int64)] = true
		}
	}
	at := time.Date(2027, 6, 10, 12, 0, 0, 0, time.UTC) // 200 days after the run
	for _, e := range engines(t) {
		t.Run(e.name, func(t *testing.T) {
			s := e.load(t, realFinal, "")
			p := review.DefaultPolicy(at)
			queue, err := review.Queue(context.Background(), s, p)
			if err != nil {
				t.Fatal(err)
			}
			if len(queue) != 1 || queue[0].Consumer.Key != "2e33175180a0c30649b032b29fd807a5" {
				t.Fatalf("queue %v: want D alone", queue)
			}
			d := queue[0]
			if !d.AutoExpired {
				t.Error("D, proposed 200 days before, is not auto-expired")
			}
			others := 0
			for _, n := range d.Owner.OtherCounts() {
				others += n
			}
			if d.Owner.State == nil || d.Owner.State.Name != "Admin" || others != 4 {
				t.Fatalf("D's owner %+v", d.Owner)
			}
			var hasSuppressed bool
			for _, r := range d.Reasons {
				hasSuppressed = hasSuppressed || r.Code == review.CodeOwnerSuppressed
			}
			if len(suppressed) != 1 || !hasSuppressed || d.Risk != mediawiki.RiskSecurity {
				t.Errorf("D: risk %s, reasons %+v; the dump suppresses %v", d.Risk, d.Reasons, suppressed)
			}

			p.Dormant = 30 * 24 * time.Hour
			audit, audited, err := review.Audit(context.Background(), s, p)
			if err != nil {
				t.Fatal(err)
			}
			codes := map[string][]string{}
			for _, a := range audit {
				for _, r := range a.Reasons {
					codes[a.Consumer.Key] = append(codes[a.Consumer.Key], r.Code)
				}
			}
			want := map[string][]string{
				"579da31d946a983966ad1646c1cc3858": {review.CodeDormant},         // C: OAuth 1, never authorised
				"5096568cc6652b5ad36358427f1bd60c": {review.CodeActivityUnknown}, // A: client_credentials only
				// B: its owner-only token runs to 3026: in use.
			}
			if audited != 3 || len(audit) != len(want) || len(codes) != len(want) {
				t.Errorf("audit of %d approved consumers, findings %v", audited, codes)
			}
			for key, w := range want {
				if !slices.Equal(codes[key], w) {
					t.Errorf("%s: %v, want %v", key, codes[key], w)
				}
			}
		})
	}
}

// BenchmarkReviewAudit judges a large wiki farm's table (100k consumers,
// 1000 owners) with a realistic queue of 100 proposals: the queue compares
// each proposal's name with every consumer's; the audit judges every
// approved consumer and reads their activity.
func BenchmarkReviewAudit(b *testing.B) {
	st := newBenchSQLite(b)
	fillConsumers(b, st, benchConsumers)
	if _, err := st.db.Exec("UPDATE oauth_registered_consumer SET oarc_stage = CASE WHEN oarc_id % 1000 = 0 THEN 0 ELSE 1 END"); err != nil {
		b.Fatal(err)
	}
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	b.Run("queue", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			q, err := review.Queue(context.Background(), st, review.DefaultPolicy(at))
			if err != nil || len(q) != benchConsumers/1000 {
				b.Fatalf("%d proposals, %v", len(q), err)
			}
		}
	})
	b.Run("audit-dormant", func(b *testing.B) {
		b.ReportAllocs()
		p := review.DefaultPolicy(at)
		p.Dormant = 180 * 24 * time.Hour
		for b.Loop() {
			_, audited, err := review.Audit(context.Background(), st, p)
			if err != nil || audited < benchConsumers/2 {
				b.Fatalf("%d approved, %v", audited, err)
			}
		}
	})
}
