package db

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// seedUserState adds to the real wiki's users (Admin already holds the
// groups the real wiki reported: seedRealGroups) an expired and an
// expiring membership, a group for user 2, and
// blocks on user 2: an expired sitewide one and a partial one in force.
func seedUserState(t *testing.T, s *Store) {
	t.Helper()
	for _, g := range []struct {
		user   int64
		group  string
		expiry any
	}{
		{1, "oauthadmin", "20200101000000"}, // expired: not in force
		{1, "suppress", "20991231000000"},   // temporary, still in force
		{2, "oauthadmin", nil},
	} {
		exec(t, s, "INSERT INTO "+s.T("user_groups")+" (ug_user, ug_group, ug_expiry) VALUES (?, ?, ?)", g.user, g.group, g.expiry)
	}
	exec(t, s, "INSERT INTO "+s.T("block_target")+" (bt_id, bt_user, bt_user_text, bt_count) VALUES (1, 2, 'MediaWiki default', 2)")
	for _, b := range []struct {
		id       int64
		expiry   string
		sitewide int
	}{{1, "20200101000000", 1}, {2, "infinity", 0}} {
		exec(t, s, "INSERT INTO "+s.T("block")+` (bl_id, bl_target, bl_by_actor, bl_reason_id, bl_timestamp, bl_expiry, bl_sitewide)
 VALUES (?, 1, 1, 1, '20261122000000', ?, ?)`, b.id, b.expiry, b.sitewide)
	}
}

func TestUserByCentralID(t *testing.T) {
	for _, e := range engines(t) {
		t.Run(e.name, func(t *testing.T) {
			s := e.load(t, dumpA1, "")
			seedUserState(t, s)
			s.now = func() time.Time { return ts(t, "20261122120000") }
			ctx := context.Background()

			admin, err := s.UserByCentralID(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			if admin.Name != "Admin" || strings.Join(admin.Groups, ",") != "bureaucrat,interface-admin,suppress,sysop" ||
				admin.Blocked || admin.Locked || admin.LockKnown {
				t.Errorf("Admin = %+v", admin)
			}
			def, err := s.UserByCentralID(ctx, 2)
			if err != nil {
				t.Fatal(err)
			}
			if !def.Blocked || def.BlockSitewide || strings.Join(def.Groups, ",") != "oauthadmin" {
				t.Errorf("user 2 = %+v (want a partial block in force, the sitewide one expired)", def)
			}
			// A sitewide block in force.
			exec(t, s, "UPDATE "+s.T("block")+" SET bl_expiry = '20270101000000' WHERE bl_id = 1")
			if def, _ = s.UserByCentralID(ctx, 2); !def.Blocked || !def.BlockSitewide {
				t.Errorf("user 2 after a sitewide block = %+v", def)
			}
			// The same rows judged after every expiry.
			s.now = func() time.Time { return ts(t, "21000101000000") }
			if admin, _ = s.UserByCentralID(ctx, 1); strings.Join(admin.Groups, ",") != "bureaucrat,interface-admin,sysop" {
				t.Errorf("Admin in 2100: %v", admin.Groups)
			}
			if def, _ = s.UserByCentralID(ctx, 2); !def.Blocked || def.BlockSitewide {
				t.Errorf("user 2 in 2100 = %+v (want only the infinite partial block)", def)
			}
			for _, id := range []int64{0, -1, 99} {
				if _, err := s.UserByCentralID(ctx, id); !errors.Is(err, ErrNotFound) {
					t.Errorf("UserByCentralID(%d) = %v; want ErrNotFound", id, err)
				}
			}
		})
	}
}

// TestUserByCentralIDCentralAuth: ids are globaluser ids; the lock and the
// global groups come from CentralAuth, local groups from the central wiki's
// account of the same name.
func TestUserByCentralIDCentralAuth(t *testing.T) {
	wiki := loadSQLite(t, dumpA1, "")
	seedUserState(t, wiki)
	exec(t, wiki, "INSERT INTO "+wiki.T("user")+" (user_id, user_name, user_password, user_newpassword, user_email, user_touched, user_registration, user_editcount)"+
		" VALUES (1, 'Admin', '', '', '', '20261122090546', '20261122090546', 42)")
	ca := filepath.Join(t.TempDir(), "centralauth.sqlite")
	createCentralAuth(t, ca,
		"INSERT INTO globaluser (gu_id, gu_name, gu_locked, gu_registration) VALUES (7, 'Admin', 0, '20200101000000'), (8, 'Locked Person', 1, NULL)",
		"INSERT INTO global_user_groups (gug_user, gug_group, gug_expiry) VALUES (7, 'steward', NULL), (7, 'global-temp', '20200101000000'), (8, 'steward', NULL)")
	s, err := Open(context.Background(), dsnOf(t, wiki), Options{CentralAuthDSN: "sqlite:" + ca,
		Now: func() time.Time { return ts(t, "20261122120000") }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	u, err := s.UserByCentralID(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	if u.Name != "Admin" || !u.LockKnown || u.Locked || u.Registration != "20200101000000" || u.EditCount != 42 ||
		strings.Join(u.Groups, ",") != "bureaucrat,interface-admin,steward,suppress,sysop" {
		t.Errorf("global Admin = %+v", u)
	}
	l, err := s.UserByCentralID(ctx, 8)
	if err != nil {
		t.Fatal(err)
	}
	if !l.Locked || strings.Join(l.Groups, ",") != "steward" {
		t.Errorf("locked user = %+v", l)
	}
	// Local id 1 is not a global id here.
	if _, err := s.UserByCentralID(ctx, 1); !errors.Is(err, ErrNotFound) {
		t.Errorf("local id as central id: %v", err)
	}
}

// createCentralAuth makes a CentralAuth database with globaluser and
// global_user_groups as CentralAuth's schema defines them (the columns the
// tool reads), then runs inserts.
func createCentralAuth(t *testing.T, path string, inserts ...string) {
	t.Helper()
	cdb, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer cdb.Close()
	for _, q := range append([]string{
		"CREATE TABLE globaluser (gu_id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, gu_name BLOB DEFAULT NULL," +
			" gu_home_db BLOB DEFAULT NULL, gu_locked SMALLINT DEFAULT 0 NOT NULL, gu_registration BLOB DEFAULT NULL)",
		"CREATE UNIQUE INDEX gu_name ON globaluser (gu_name)",
		"CREATE TABLE global_user_groups (gug_user INTEGER NOT NULL, gug_group VARCHAR(255) NOT NULL," +
			" gug_expiry BLOB DEFAULT NULL, PRIMARY KEY(gug_user, gug_group))",
	}, inserts...) {
		if _, err := cdb.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}
