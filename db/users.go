package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ownerName names a central user id (oarc_user_id, oaac_user_id). With a
// CentralAuth database it reads globaluser; otherwise the local user table
// (central ids equal local ids with LocalIdLookup), falling back to actor
// for databases whose user rows are absent (dumps, partial copies).
func (s *Store) ownerName(ctx context.Context, centralID int64) (string, error) {
	names, err := s.ownerNames(ctx, []int64{centralID})
	if err != nil {
		return "", err
	}
	if n, ok := names[centralID]; ok {
		return n, nil
	}
	return "", ErrNotFound
}

// ownerNames names many central ids at once (list pages).
func (s *Store) ownerNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	todo := uniqueIDs(ids)
	if len(todo) == 0 {
		return out, nil
	}
	if s.central != nil {
		err := namesFrom(ctx, s.central, "SELECT gu_id, gu_name FROM globaluser WHERE gu_id IN ", todo, out)
		return out, err
	}
	if s.hasUser {
		if err := namesFrom(ctx, s.wdb, "SELECT user_id, user_name FROM "+s.T("user")+" WHERE user_id IN ", todo, out); err != nil {
			return out, err
		}
	}
	var rest []int64
	for _, id := range todo {
		if _, ok := out[id]; !ok {
			rest = append(rest, id)
		}
	}
	if len(rest) > 0 {
		if err := namesFrom(ctx, s.wdb, "SELECT actor_user, actor_name FROM "+s.T("actor")+" WHERE actor_user IN ", rest, out); err != nil {
			return out, err
		}
	}
	return out, nil
}

func uniqueIDs(ids []int64) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, id := range ids {
		if id > 0 && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func namesFrom(ctx context.Context, q querier, prefix string, ids []int64, out map[int64]string) error {
	return inChunks(ids, func(in string, args []any) error {
		rows, err := q.QueryContext(ctx, prefix+in, args...)
		if err != nil {
			return fmt.Errorf("read user names: %s", oneLine(err))
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var name []byte
			if err := rows.Scan(&id, &name); err != nil {
				return err
			}
			out[id] = string(name)
		}
		return rows.Err()
	})
}

// inChunks calls fn for the ids 500 at a time (well under every engine's
// limit on bound parameters) with the "(?,?,...)" list and its arguments.
func inChunks(ids []int64, fn func(in string, args []any) error) error {
	for len(ids) > 0 {
		n := min(len(ids), 500)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		if err := fn("("+placeholders(n)+")", args); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// normalizeUserName turns a typed name into MediaWiki's canonical form:
// underscores become spaces, runs of spaces collapse, the first letter is
// upper-cased ($wgCapitalLinks, the default).
func normalizeUserName(name string) string {
	name = strings.Join(strings.Fields(strings.ReplaceAll(name, "_", " ")), " ")
	if name == "" {
		return ""
	}
	r, size := utf8.DecodeRuneInString(name)
	return string(unicode.ToUpper(r)) + name[size:]
}

// UserIDByName finds a central user id by name: globaluser with CentralAuth,
// else user, else actor.
func (s *Store) UserIDByName(ctx context.Context, name string) (int64, string, error) {
	for _, n := range nameCandidates(name) {
		var id int64
		var err error
		switch {
		case s.central != nil:
			err = s.central.QueryRowContext(ctx, "SELECT gu_id FROM globaluser WHERE gu_name = ?", n).Scan(&id)
		default:
			err = sql.ErrNoRows
			if s.hasUser {
				err = s.wdb.QueryRowContext(ctx, "SELECT user_id FROM "+s.T("user")+" WHERE user_name = ?", n).Scan(&id)
			}
			if errors.Is(err, sql.ErrNoRows) {
				var uid sql.NullInt64
				err = s.wdb.QueryRowContext(ctx, "SELECT actor_user FROM "+s.T("actor")+" WHERE actor_name = ?", n).Scan(&uid)
				if err == nil && (!uid.Valid || uid.Int64 == 0) {
					err = sql.ErrNoRows // an IP or imported actor: not a user
				}
				id = uid.Int64
			}
		}
		if err == nil {
			return id, n, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, "", fmt.Errorf("look up user %q: %s", n, oneLine(err))
		}
	}
	return 0, "", ErrNotFound
}

// nameCandidates tries the name as typed, then canonicalised.
func nameCandidates(name string) []string {
	typed := strings.TrimSpace(name)
	canon := normalizeUserName(name)
	if typed == canon || typed == "" {
		return []string{canon}
	}
	return []string{typed, canon}
}

// Performer is the admin a consumer action is logged under.
type Performer struct {
	Name    string `json:"name"`
	UserID  int64  `json:"user_id"`
	ActorID int64  `json:"actor_id"` // 0 when an actor row will be created
}

// findPerformer resolves the performer: the user must exist on the central
// wiki (user table, or an actor row with that name). The actor id is read;
// when the user has no actor row yet ActorID is 0 and the action creates
// it, as ActorStore::acquireActorId does.
func (s *Store) findPerformer(ctx context.Context, q querier, name string) (*Performer, error) {
	for _, n := range nameCandidates(name) {
		p := &Performer{Name: n}
		var uid sql.NullInt64
		err := q.QueryRowContext(ctx, "SELECT actor_id, actor_user FROM "+s.T("actor")+" WHERE actor_name = ?", n).Scan(&p.ActorID, &uid)
		switch {
		case err == nil:
			p.UserID = uid.Int64
			if !uid.Valid || uid.Int64 == 0 {
				// An anonymous (IP) or imported actor cannot perform admin actions.
				continue
			}
			return p, nil
		case !errors.Is(err, sql.ErrNoRows):
			return nil, fmt.Errorf("look up performer: %s", oneLine(err))
		}
		if !s.hasUser {
			continue
		}
		err = q.QueryRowContext(ctx, "SELECT user_id FROM "+s.T("user")+" WHERE user_name = ?", n).Scan(&p.UserID)
		switch {
		case err == nil:
			// Maybe the actor row exists under the user id with an older name.
			var aid int64
			e2 := q.QueryRowContext(ctx, "SELECT actor_id FROM "+s.T("actor")+" WHERE actor_user = ?", p.UserID).Scan(&aid)
			if e2 == nil {
				p.ActorID = aid
			}
			return p, nil
		case !errors.Is(err, sql.ErrNoRows):
			return nil, fmt.Errorf("look up performer: %s", oneLine(err))
		}
	}
	return nil, ErrNotFound
}
