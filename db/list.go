package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/mwoauth/mwoauth/mediawiki"
)

// ListFilter selects consumers. Zero values mean "any".
type ListFilter struct {
	Stages            []int
	OwnerID           int64 // central id; 0 = any
	OwnerOnly         *bool
	OAuthVersion      int // 1 or 2; 0 = any
	Grant             string
	Search            string // substring of name or key
	RegisteredSince   string // TS_MW, inclusive
	RegisteredBefore  string // TS_MW, exclusive
	IncludeSuppressed bool
	// OnlySuppressed selects the suppressed consumers alone (what a
	// listing without IncludeSuppressed hides: CountConsumers).
	OnlySuppressed bool
	AfterID        int64 // keyset paging: oarc_id > AfterID
	Limit          int   // 0 = no limit (stream everything)
	// Brief reads only what a listing prints (id, key, name, version,
	// owner, stage, stage timestamp, OAuth version, owner-only,
	// registration, suppression): no grants, callbacks, restrictions or
	// descriptions are read or decoded.
	Brief bool
	// ExpiredBefore is the auto-expiry cutoff (TS_MW): a proposal whose
	// stage timestamp is older counts as expired for the Stages filter, as
	// the wiki's auto-maintenance would make it. "" turns that off.
	ExpiredBefore string
}

// pageSize bounds one query while streaming; memory stays flat however many
// consumers there are.
const pageSize = 1000

// ListConsumers calls fn for each matching consumer in oarc_id order,
// reading pages of pageSize by keyset (never OFFSET). Owners are named.
func (s *Store) ListConsumers(ctx context.Context, f ListFilter, fn func(*Consumer) error) error {
	where, args := s.listWhere(f)
	after := f.AfterID
	remaining := f.Limit
	owners := map[int64]string{} // names already read, for the pages after
	for {
		n := pageSize
		if f.Limit > 0 && remaining < n {
			n = remaining
		}
		if n <= 0 {
			return nil
		}
		cols := consumerSelect
		if f.Brief {
			cols = briefSelect
		}
		q := "SELECT " + cols + " FROM " + s.T("oauth_registered_consumer") + " WHERE oarc_id > ?"
		if where != "" {
			q += " AND " + where
		}
		q += " ORDER BY oarc_id LIMIT " + strconv.Itoa(n)
		page, err := s.queryConsumers(ctx, f.Brief, q, append([]any{after}, args...)...)
		if err != nil {
			return err
		}
		if err := s.nameOwners(ctx, page, owners); err != nil {
			return err
		}
		for _, c := range page {
			if err := fn(c); err != nil {
				return err
			}
		}
		if len(page) < n {
			return nil
		}
		after = page[len(page)-1].ID
		remaining -= len(page)
	}
}

// CountConsumers counts the consumers f matches, on every page (AfterID and
// Limit are not applied): a listing says how many suppressed ones it hid.
func (s *Store) CountConsumers(ctx context.Context, f ListFilter) (int64, error) {
	f.AfterID, f.Limit = 0, 0
	where, args := s.listWhere(f)
	q := "SELECT COUNT(*) FROM " + s.T("oauth_registered_consumer")
	if where != "" {
		q += " WHERE " + where
	}
	var n int64
	if err := s.db.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count consumers: %s", oneLine(err))
	}
	return n, nil
}

// briefSelect is what a listing prints.
const briefSelect = `oarc_id, oarc_consumer_key, oarc_name, oarc_user_id, oarc_version, oarc_owner_only, oarc_registration,
 oarc_stage, oarc_stage_timestamp, oarc_deleted, oarc_oauth_version`

func scanBrief(r rowScanner, c *Consumer) error {
	var key, name, version, reg, stageTS []byte
	var ownerOnly, del int64
	if err := r.Scan(&c.ID, &key, &name, &c.OwnerID, &version, &ownerOnly, &reg, &c.Stage, &stageTS, &del, &c.OAuthVersion); err != nil {
		return err
	}
	c.Key, c.Name, c.Version, c.Registration, c.StageTimestamp = string(key), string(name), string(version), string(reg), string(stageTS)
	c.OwnerOnly, c.Deleted = ownerOnly != 0, del != 0
	return nil
}

func (s *Store) queryConsumers(ctx context.Context, brief bool, q string, args ...any) ([]*Consumer, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list consumers: %s", oneLine(err))
	}
	defer rows.Close()
	var out []*Consumer
	for rows.Next() {
		if brief {
			c := &Consumer{}
			if err := scanBrief(rows, c); err != nil {
				return nil, fmt.Errorf("list consumers: %s", oneLine(err))
			}
			out = append(out, c)
			continue
		}
		c, err := scanConsumer(rows)
		if err != nil {
			return nil, fmt.Errorf("list consumers: %s", oneLine(err))
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// nameOwners sets the owners' names of a page of consumers. known holds
// the names read for the pages before (an owner not found is there as "",
// as shown): only owners new to the listing are read, so a listing of
// every consumer reads each owner's name once, not once a page.
func (s *Store) nameOwners(ctx context.Context, cs []*Consumer, known map[int64]string) error {
	var ids []int64
	for _, c := range cs {
		if _, ok := known[c.OwnerID]; !ok {
			ids = append(ids, c.OwnerID)
		}
	}
	names, err := s.ownerNames(ctx, ids)
	if err != nil {
		return err
	}
	for _, id := range ids {
		known[id] = names[id]
	}
	for _, c := range cs {
		c.OwnerName = known[c.OwnerID]
	}
	return nil
}

func (s *Store) listWhere(f ListFilter) (string, []any) {
	var conds []string
	var args []any
	if len(f.Stages) > 0 {
		var ors []string
		var plain []any
		for _, st := range f.Stages {
			switch {
			case f.ExpiredBefore != "" && st == mediawiki.StageProposed:
				ors = append(ors, "(oarc_stage = 0 AND oarc_stage_timestamp >= ?)")
				args = append(args, f.ExpiredBefore)
			case f.ExpiredBefore != "" && st == mediawiki.StageExpired:
				ors = append(ors, "(oarc_stage = 0 AND oarc_stage_timestamp < ?)")
				args = append(args, f.ExpiredBefore)
				plain = append(plain, st)
			default:
				plain = append(plain, st)
			}
		}
		if len(plain) > 0 {
			ors = append(ors, "oarc_stage IN ("+placeholders(len(plain))+")")
			args = append(args, plain...)
		}
		conds = append(conds, "("+strings.Join(ors, " OR ")+")")
	}
	if f.OwnerID > 0 {
		conds = append(conds, "oarc_user_id = ?")
		args = append(args, f.OwnerID)
	}
	if f.OwnerOnly != nil {
		conds = append(conds, "oarc_owner_only = ?")
		args = append(args, boolInt(*f.OwnerOnly))
	}
	if f.OAuthVersion != 0 {
		conds = append(conds, "oarc_oauth_version = ?")
		args = append(args, f.OAuthVersion)
	}
	if f.Grant != "" {
		// Grants are a JSON list of quoted names (stored under their
		// back-compat names), so a quoted match is exact.
		conds = append(conds, "oarc_grants LIKE ? ESCAPE '!'")
		args = append(args, "%"+likeEscape(`"`+storedGrantName(f.Grant)+`"`)+"%")
	}
	if f.Search != "" {
		pat := "%" + likeEscape(strings.ToLower(f.Search)) + "%"
		if s.Dialect == MySQL {
			conds = append(conds, "(LOWER(CONVERT(oarc_name USING utf8mb4)) LIKE ? ESCAPE '!' OR oarc_consumer_key LIKE ? ESCAPE '!')")
		} else {
			conds = append(conds, "(LOWER(CAST(oarc_name AS TEXT)) LIKE ? ESCAPE '!' OR CAST(oarc_consumer_key AS TEXT) LIKE ? ESCAPE '!')")
		}
		args = append(args, pat, pat)
	}
	if f.RegisteredSince != "" {
		conds = append(conds, "oarc_registration >= ?")
		args = append(args, f.RegisteredSince)
	}
	if f.RegisteredBefore != "" {
		conds = append(conds, "oarc_registration < ?")
		args = append(args, f.RegisteredBefore)
	}
	switch {
	case f.OnlySuppressed:
		conds = append(conds, "oarc_deleted = 1")
	case !f.IncludeSuppressed:
		conds = append(conds, "oarc_deleted = 0")
	}
	return strings.Join(conds, " AND "), args
}

func likeEscape(s string) string {
	r := strings.NewReplacer("!", "!!", "%", "!%", "_", "!_")
	return r.Replace(s)
}

// TaggedEdits returns the use count of the change tag "OAuth CID: <id>" in
// this database's change_tag_def; ok is false when the table is absent or
// the tag was never applied here.
func (s *Store) TaggedEdits(ctx context.Context, consumerID int64) (count int64, ok bool, err error) {
	if !s.hasChangeTagDef {
		return 0, false, nil
	}
	err = s.wdb.QueryRowContext(ctx, "SELECT ctd_count FROM "+s.T("change_tag_def")+" WHERE ctd_name = ?",
		fmt.Sprintf("OAuth CID: %d", consumerID)).Scan(&count)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, true, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("read change tags: %s", oneLine(err))
	}
	return count, true, nil
}

// LogEntry is one row of a consumer's log history.
type LogEntry struct {
	ID        int64  `json:"id"`
	Action    string `json:"action"`
	Timestamp string `json:"timestamp"`
	Performer string `json:"performer"`
	Title     string `json:"title"`
	Comment   string `json:"reason"`
	Deleted   int    `json:"deleted"`
}

// LogHistory lists the consumer's log entries (log_search OAuthConsumer),
// oldest first, with performer names and reasons.
func (s *Store) LogHistory(ctx context.Context, key string) ([]LogEntry, error) {
	out := []LogEntry{}
	if !s.hasLogging {
		return out, nil
	}
	rows, err := s.wdb.QueryContext(ctx, "SELECT l.log_id, l.log_action, l.log_timestamp, a.actor_name, l.log_title, c.comment_text, l.log_deleted FROM "+
		s.T("log_search")+" ls JOIN "+s.T("logging")+" l ON l.log_id = ls.ls_log_id LEFT JOIN "+s.T("actor")+
		" a ON a.actor_id = l.log_actor LEFT JOIN "+s.T("comment")+" c ON c.comment_id = l.log_comment_id"+
		" WHERE ls.ls_field = 'OAuthConsumer' AND ls.ls_value = ? AND l.log_type = 'mwoauthconsumer' ORDER BY l.log_timestamp, l.log_id", key)
	if err != nil {
		return nil, fmt.Errorf("read log: %s", oneLine(err))
	}
	defer rows.Close()
	for rows.Next() {
		var e LogEntry
		var action, ts, actor, title, comment []byte
		if err := rows.Scan(&e.ID, &action, &ts, &actor, &title, &comment, &e.Deleted); err != nil {
			return nil, err
		}
		e.Action, e.Timestamp, e.Performer, e.Title, e.Comment = string(action), string(ts), string(actor), string(title), string(comment)
		out = append(out, e)
	}
	return out, rows.Err()
}
