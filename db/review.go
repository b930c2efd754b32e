package db

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/mwoauth/mwoauth/mediawiki"
)

// ConsumerActivity is mediawiki's record of a consumer's use.
type ConsumerActivity = mediawiki.ConsumerActivity

// ForEachConsumer streams every consumer (every stage, suppressed ones
// too) in oarc_id order with owners named (review.Source).
func (s *Store) ForEachConsumer(ctx context.Context, fn func(*Consumer) error) error {
	return s.ListConsumers(ctx, ListFilter{IncludeSuppressed: true}, fn)
}

// ConsumerActivity reads, for each consumer id, its acceptances (count and
// latest oaac_accepted) and its attributable access-token rows (count and
// latest oaat_expires, where "infinity" sorts above every timestamp, as
// MAX over the strings has it). Consumers with neither are absent. Ids are
// read in chunks, each a grouped query on the oaac_consumer_user and
// oaat_acceptance_id indexes.
func (s *Store) ConsumerActivity(ctx context.Context, ids []int64) (map[int64]ConsumerActivity, error) {
	out := map[int64]ConsumerActivity{}
	acc, tok := s.T("oauth_accepted_consumer"), s.T("oauth2_access_tokens")
	err := inChunks(uniqueIDs(ids), func(in string, args []any) error {
		err := activityRows(ctx, s.db, "SELECT oaac_consumer_id, COUNT(*), MAX(oaac_accepted) FROM "+acc+
			" WHERE oaac_consumer_id IN "+in+" GROUP BY oaac_consumer_id", args, func(id int64, count int, latest string) {
			a := out[id]
			a.Acceptances, a.LatestAcceptance = count, latest
			out[id] = a
		})
		if err != nil {
			return fmt.Errorf("read acceptances: %s", oneLine(err))
		}
		err = activityRows(ctx, s.db, "SELECT a.oaac_consumer_id, COUNT(*), MAX(t.oaat_expires) FROM "+tok+" t JOIN "+acc+
			" a ON a.oaac_id = t.oaat_acceptance_id WHERE a.oaac_consumer_id IN "+in+" GROUP BY a.oaac_consumer_id", args,
			func(id int64, count int, latest string) {
				a := out[id]
				a.Tokens, a.LatestTokenExpiry = count, latest
				out[id] = a
			})
		if err != nil {
			return fmt.Errorf("read access tokens: %s", oneLine(err))
		}
		return nil
	})
	return out, err
}

func activityRows(ctx context.Context, q querier, query string, args []any, fn func(id int64, count int, latest string)) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var count int
		var latest sql.RawBytes
		if err := rows.Scan(&id, &count, &latest); err != nil {
			return err
		}
		fn(id, count, trimTS(string(latest)))
	}
	return rows.Err()
}
