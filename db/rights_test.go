package db

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mwoauth/mwoauth/internal/mariadbtest"
	"github.com/mwoauth/mwoauth/mediawiki"
)

// TestRightsMatrix on the real wiki's rows, both engines: MediaWiki writes
// nothing for a performer without mwoauthmanageconsumer, for a suppress
// without mwoauthsuppress, or for a blocked performer; and neither does
// the tool. Admin (sysop, as on the real wiki) may.
func TestRightsMatrix(t *testing.T) {
	for _, e := range engines(t) {
		t.Run(e.name, func(t *testing.T) {
			s := e.load(t, dumpA1, "")
			exec(t, s, "INSERT INTO "+s.T("actor")+" VALUES (3, 3, 'Dev User')")
			exec(t, s, "INSERT INTO "+s.T("actor")+" VALUES (4, 4, 'Olive')")
			exec(t, s, "INSERT INTO "+s.T("user_groups")+" (ug_user, ug_group) VALUES (4, 'oauthadmin')")
			exec(t, s, "INSERT INTO "+s.T("user_groups")+" (ug_user, ug_group, ug_expiry) VALUES (3, 'sysop', '20200101000000')")
			onlySuppress := mediawiki.GroupRights{Manager: mediawiki.DefaultManagerGroups, Suppressor: []string{"suppress"}}
			now := ts(t, "20261122100000")
			refused := func(name string, req Request, want string) {
				t.Helper()
				logs, stage := count(t, s, "logging", ""), count(t, s, "oauth_registered_consumer", "oarc_stage = 1")
				_, _, err := act(t, s, keyA, req)
				var pe *PermissionError
				var re *RefusedError
				if !errors.As(err, &pe) || !errors.As(err, &re) || !strings.Contains(err.Error(), want) ||
					!strings.HasPrefix(err.Error(), mediawiki.BadAccessText) {
					t.Errorf("%s: %v; want badaccess-group0 and %q", name, err, want)
				}
				if count(t, s, "logging", "") != logs || count(t, s, "oauth_registered_consumer", "oarc_stage = 1") != stage {
					t.Errorf("%s: something was written", name)
				}
			}
			refused("no group", Request{Action: mediawiki.ActionDisable, Reason: "x", Performer: "Dev User", Now: now}, "Dev User lacks mwoauthmanageconsumer")
			refused("suppress without the right", Request{Action: mediawiki.ActionDisable, Suppress: true, Reason: "x", Performer: "Olive", Now: now, Rights: onlySuppress},
				"Olive lacks mwoauthsuppress")
			exec(t, s, "INSERT INTO "+s.T("block_target")+" (bt_id, bt_user, bt_user_text, bt_count) VALUES (7, 1, 'Admin', 1)")
			exec(t, s, "INSERT INTO "+s.T("block")+" (bl_id, bl_target, bl_by_actor, bl_reason_id, bl_timestamp, bl_expiry, bl_sitewide) VALUES (7, 7, 2, 1, '20261122000000', 'infinity', 1)")
			refused("blocked", Request{Action: mediawiki.ActionDisable, Reason: "x", Performer: "Admin", Now: now}, "Admin is blocked sitewide")
			exec(t, s, "DELETE FROM "+s.T("block"))
			// The manager may: disable, then (with the suppress right) suppress.
			res := mustAct(t, s, keyA, Request{Action: mediawiki.ActionDisable, Reason: "E2E disable test", Performer: "Olive", Now: now, Rights: onlySuppress})
			if got := readLog(t, s, res.LogID); got.Actor != 4 {
				t.Errorf("log actor %d, want Olive's 4", got.Actor)
			}
			mustAct(t, s, keyA, Request{Action: mediawiki.ActionDisable, Suppress: true, Reason: "hide", Performer: "Admin", Now: now})
			// A suppressed consumer needs the suppress right for any action.
			logs := count(t, s, "logging", "")
			_, _, err := act(t, s, keyA, Request{Action: mediawiki.ActionReenable, Reason: "x", Performer: "Olive", Now: now, Rights: onlySuppress})
			if !errors.As(err, new(*PermissionError)) || count(t, s, "logging", "") != logs {
				t.Errorf("re-enable a suppressed consumer without mwoauthsuppress: %v", err)
			}
		})
	}
}

// TestLockedPerformerCentralAuth: with a CentralAuth database, a locked
// global account is refused, as is a performer with no global account; a
// steward by global group may act. On MariaDB the CentralAuth database is
// another schema on the same server, on SQLite another file.
func TestLockedPerformerCentralAuth(t *testing.T) {
	for _, e := range engines(t) {
		t.Run(e.name, func(t *testing.T) {
			wiki := e.load(t, dumpA1, "")
			exec(t, wiki, "DELETE FROM "+wiki.T("user_groups")) // rights come from global groups only
			exec(t, wiki, "INSERT INTO "+wiki.T("actor")+" VALUES (3, 3, 'Dev User')")
			exec(t, wiki, "INSERT INTO "+wiki.T("actor")+" VALUES (4, 4, 'Nolocal')")
			inserts := []string{"INSERT INTO globaluser (gu_id, gu_name, gu_locked) VALUES (1, 'Admin', 0), (3, 'Dev User', 1)",
				"INSERT INTO global_user_groups (gug_user, gug_group) VALUES (1, 'steward'), (3, 'steward')"}
			var caDSN string
			if e.name == "sqlite" {
				ca := filepath.Join(t.TempDir(), "centralauth.sqlite")
				createCentralAuth(t, ca, inserts...)
				caDSN = "sqlite:" + ca
			} else {
				srv := mariadbtest.Require(t)
				name := srv.NewDatabase(t)
				srv.Exec(t, name, `CREATE TABLE globaluser (gu_id INT AUTO_INCREMENT NOT NULL, gu_name VARBINARY(255) DEFAULT NULL,
 gu_locked TINYINT(1) DEFAULT 0 NOT NULL, gu_registration BINARY(14) DEFAULT NULL, UNIQUE INDEX gu_name (gu_name), PRIMARY KEY(gu_id));
CREATE TABLE global_user_groups (gug_user INT NOT NULL, gug_group VARCHAR(255) NOT NULL, gug_expiry VARBINARY(14) DEFAULT NULL,
 PRIMARY KEY(gug_user, gug_group));`+strings.Join(inserts, ";")+";")
				caDSN = "mysql:" + srv.DSN(name, "root", "")
			}
			s, err := Open(context.Background(), dsnOf(t, wiki), Options{CentralAuthDSN: caDSN, Admin: true})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			now := ts(t, "20261122100000")
			for _, tc := range []struct{ performer, want string }{
				{"Dev User", "Dev User is locked"},
				{"Nolocal", "Nolocal has no global (CentralAuth) account"},
			} {
				_, _, err := act(t, s, keyA, Request{Action: mediawiki.ActionDisable, Reason: "x", Performer: tc.performer, Now: now})
				if !errors.As(err, new(*PermissionError)) || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("%s: %v", tc.performer, err)
				}
			}
			if n := count(t, s, "logging", ""); n != 9 {
				t.Errorf("%d log rows after refusals, want 9", n)
			}
			mustAct(t, s, keyA, Request{Action: mediawiki.ActionDisable, Reason: "E2E disable test", Performer: "Admin", Now: now})
		})
	}
}

// TestApproveShape: approving the real wiki's proposal D writes the same
// tables as its disable of A did (facts delta §4: consumer row, comment,
// logging, log_search; nothing else), shaped as MediaWiki shapes them.
func TestApproveShape(t *testing.T) {
	for _, e := range engines(t) {
		t.Run(e.name, func(t *testing.T) {
			s := e.load(t, dumpA1, "")
			before := map[string][]string{}
			tables := append(compared, "user", "page", "user_groups", "block", "block_target")
			for _, tb := range tables {
				before[tb] = canon(tableRows(t, s, tb))
			}
			res := mustAct(t, s, keyD, Request{Action: mediawiki.ActionApprove, Reason: "E2E approve D", Performer: "Admin", Now: ts(t, "20261122091500")})
			var changed []string
			for _, tb := range tables {
				if strings.Join(canon(tableRows(t, s, tb)), "\n") != strings.Join(before[tb], "\n") {
					changed = append(changed, tb)
				}
			}
			if got := strings.Join(changed, ","); got != "oauth_registered_consumer,logging,log_search,comment" {
				t.Errorf("approve changed %s; the real wiki's actions change oauth_registered_consumer, logging, log_search, comment", got)
			}
			want := logRow{Action: "approve", TS: "20261122091500", Title: "Admin", Actor: 1, NS: 2, Page: 0, Comment: 10,
				Params: `a:1:{s:10:"4:consumer";s:32:"` + keyD + `";}`}
			if got := readLog(t, s, res.LogID); got != want || res.LogID != 10 {
				t.Errorf("log row %d = %+v\nwant %+v", res.LogID, got, want)
			}
			var stage, deleted int
			var stageTS []byte
			if err := s.db.QueryRow("SELECT oarc_stage, oarc_deleted, oarc_stage_timestamp FROM "+s.T("oauth_registered_consumer")+
				" WHERE oarc_id = 4").Scan(&stage, &deleted, &stageTS); err != nil || stage != 1 || deleted != 0 || string(stageTS) != "20261122091500" {
				t.Errorf("consumer D = %d %d %s, %v", stage, deleted, stageTS, err)
			}
			if n := count(t, s, "log_search", "ls_field = 'OAuthConsumer' AND ls_value = ? AND ls_log_id = 10", keyD); n != 1 {
				t.Errorf("log_search rows for the approve: %d", n)
			}
		})
	}
}
