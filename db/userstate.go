package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/mwoauth/mwoauth/mediawiki"
)

// UserState is mediawiki's view of a central user.
type UserState = mediawiki.UserState

// clock is the instant that decides which expiring rows are in force.
func (s *Store) clock() time.Time {
	if s.now != nil {
		return s.now()
	}
	return time.Now()
}

// UserByCentralID reads what MediaWiki's checks know about a central user
// (wikistate.Source): name, explicit groups in force (user_groups on the
// central wiki, plus global_user_groups with CentralAuth), a block in force
// (block + block_target, the 1.43+ schema), the CentralAuth lock, the
// registration and the edit count. mediawiki.ErrNotFound when no such user.
//
// Central ids are globaluser.gu_id with CentralAuth, else local user ids
// (core's LocalIdLookup). With CentralAuth the central wiki's local account
// is found by name, as CentralAuth attaches accounts by name.
func (s *Store) UserByCentralID(ctx context.Context, id int64) (*UserState, error) {
	if id <= 0 {
		return nil, ErrNotFound
	}
	now := FormatTimestamp(s.clock())
	u := &UserState{CentralID: id, Groups: []string{}}
	var localID int64
	if s.central != nil {
		if err := s.readGlobalUser(ctx, id, now, u); err != nil {
			return nil, err
		}
		if lid, ok, err := s.localUserByName(ctx, u.Name, u); err != nil {
			return nil, err
		} else if ok {
			localID = lid
		}
	} else {
		ok, err := s.localUserByID(ctx, id, u)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, ErrNotFound
		}
		localID = id
	}
	if localID > 0 {
		if err := s.localGroupsAndBlock(ctx, localID, now, u); err != nil {
			return nil, err
		}
	}
	u.Groups = sortedUnique(u.Groups)
	return u, nil
}

// readGlobalUser fills u from globaluser and global_user_groups.
func (s *Store) readGlobalUser(ctx context.Context, id int64, now string, u *UserState) error {
	cols := "gu_name"
	for _, c := range []string{"gu_locked", "gu_registration"} {
		if s.centralCols[c] {
			cols += ", " + c
		} else {
			cols += ", NULL"
		}
	}
	var name []byte
	var locked sql.NullInt64
	var reg sql.NullString
	err := s.central.QueryRowContext(ctx, "SELECT "+cols+" FROM globaluser WHERE gu_id = ?", id).Scan(&name, &locked, &reg)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("read global user: %s", oneLine(err))
	}
	u.Name = string(name)
	u.LockKnown = s.centralCols["gu_locked"]
	u.Locked = locked.Int64 != 0
	u.Registration = trimTS(reg.String)
	if s.centralHasGroups {
		groups, err := stringColumn(ctx, s.central, "SELECT gug_group FROM global_user_groups WHERE gug_user = ?"+
			" AND (gug_expiry IS NULL OR gug_expiry > ?)", id, now)
		if err != nil {
			return fmt.Errorf("read global groups: %s", oneLine(err))
		}
		u.Groups = append(u.Groups, groups...)
	}
	return nil
}

// localUserRow is the central wiki's user row.
type localUserRow struct {
	id           int64
	name         string
	registration string
	edits        int64
}

// localUser reads the central wiki's user row whose column col (user_id or
// user_name) is v; false when there is none.
func (s *Store) localUser(ctx context.Context, col string, v any) (localUserRow, bool, error) {
	var r localUserRow
	var name []byte
	var reg sql.NullString
	var edits sql.NullInt64
	err := s.wdb.QueryRowContext(ctx, "SELECT user_id, user_name, user_registration, user_editcount FROM "+s.T("user")+
		" WHERE "+col+" = ?", v).Scan(&r.id, &name, &reg, &edits)
	switch {
	case err == nil:
		r.name, r.registration, r.edits = string(name), trimTS(reg.String), edits.Int64
		return r, true, nil
	case errors.Is(err, sql.ErrNoRows):
		return r, false, nil
	}
	return r, false, fmt.Errorf("read user: %s", oneLine(err))
}

// localUserByID reads the central wiki's user row; databases without a user
// table (partial copies) fall back to actor for the name.
func (s *Store) localUserByID(ctx context.Context, id int64, u *UserState) (bool, error) {
	if s.hasUser {
		r, ok, err := s.localUser(ctx, "user_id", id)
		if err != nil {
			return false, err
		}
		if ok {
			u.Name, u.Registration, u.EditCount = r.name, r.registration, r.edits
			return true, nil
		}
	}
	var name []byte
	err := s.wdb.QueryRowContext(ctx, "SELECT actor_name FROM "+s.T("actor")+" WHERE actor_user = ?", id).Scan(&name)
	switch {
	case err == nil:
		u.Name = string(name)
		return true, nil
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	}
	return false, fmt.Errorf("read user: %s", oneLine(err))
}

// localUserByName finds the central wiki's local account of a global user.
func (s *Store) localUserByName(ctx context.Context, name string, u *UserState) (int64, bool, error) {
	if !s.hasUser {
		return 0, false, nil
	}
	r, ok, err := s.localUser(ctx, "user_name", name)
	if !ok || err != nil {
		return 0, false, err
	}
	if u.Registration == "" {
		u.Registration = r.registration
	}
	u.EditCount = r.edits
	return r.id, true, nil
}

// localGroupsAndBlock adds the unexpired user_groups rows and the blocks in
// force on the central wiki (bl_expiry is TS_MW or "infinity").
func (s *Store) localGroupsAndBlock(ctx context.Context, localID int64, now string, u *UserState) error {
	if s.hasUserGroups {
		groups, err := stringColumn(ctx, s.wdb, "SELECT ug_group FROM "+s.T("user_groups")+" WHERE ug_user = ?"+
			" AND (ug_expiry IS NULL OR ug_expiry > ?)", localID, now)
		if err != nil {
			return fmt.Errorf("read groups: %s", oneLine(err))
		}
		u.Groups = append(u.Groups, groups...)
	}
	if s.hasBlock {
		rows, err := s.wdb.QueryContext(ctx, "SELECT b.bl_sitewide FROM "+s.T("block")+" b JOIN "+s.T("block_target")+
			" t ON t.bt_id = b.bl_target WHERE t.bt_user = ? AND (b.bl_expiry = 'infinity' OR b.bl_expiry > ?)", localID, now)
		if err != nil {
			return fmt.Errorf("read blocks: %s", oneLine(err))
		}
		defer rows.Close()
		for rows.Next() {
			var sitewide int64
			if err := rows.Scan(&sitewide); err != nil {
				return err
			}
			u.Blocked = true
			u.BlockSitewide = u.BlockSitewide || sitewide != 0
		}
		return rows.Err()
	}
	return nil
}

func stringColumn(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v []byte
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, string(v))
	}
	return out, rows.Err()
}

func sortedUnique(in []string) []string {
	sort.Strings(in)
	out := in[:0]
	for i, v := range in {
		if i == 0 || v != in[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// trimTS drops the NUL padding MySQL's BINARY(14) may carry.
func trimTS(ts string) string {
	for len(ts) > 0 && (ts[len(ts)-1] == 0 || ts[len(ts)-1] == ' ') {
		ts = ts[:len(ts)-1]
	}
	return ts
}
