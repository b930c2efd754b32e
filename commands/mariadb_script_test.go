package commands

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/mwoauth/mwoauth/db"
	"github.com/mwoauth/mwoauth/internal/mariadbtest"
)

// realDump is the real 1.43 wiki's rows before consumer A was disabled
// (a copy of ../shared/fixtures/real-mediawiki-1.43/dumps).
const realDump = "../db/testdata/30-31-A-disable.before.sql"

// The wiki's own rows the dump leaves out: Admin's user row and the groups
// the real wiki gave Admin (responses/26-rest-profile-tokenB-reg.http).
const realUsers = `INSERT INTO user (user_id, user_name, user_password, user_newpassword, user_email, user_touched, user_registration, user_editcount)
 VALUES (1, 'Admin', '', '', '', '20261122090000', '20261122090000', 3);
INSERT INTO user_groups (ug_user, ug_group, ug_expiry) VALUES (1, 'bureaucrat', NULL), (1, 'interface-admin', NULL), (1, 'sysop', NULL);`

// centralAuthSchema is CentralAuth's globaluser and global_user_groups as
// its schema/mysql/tables-generated.sql defines them, less the indexes
// nothing here reads by.
const centralAuthSchema = `CREATE TABLE globaluser (
 gu_id INT AUTO_INCREMENT NOT NULL, gu_name VARBINARY(255) DEFAULT NULL, gu_home_db VARBINARY(255) DEFAULT NULL,
 gu_email VARBINARY(255) DEFAULT NULL, gu_email_authenticated BINARY(14) DEFAULT NULL, gu_salt VARBINARY(16) DEFAULT NULL,
 gu_password TINYBLOB DEFAULT NULL, gu_locked TINYINT(1) DEFAULT 0 NOT NULL, gu_hidden VARBINARY(255) DEFAULT '' NOT NULL,
 gu_hidden_level INT DEFAULT 0 NOT NULL, gu_registration BINARY(14) DEFAULT NULL, gu_password_reset_key TINYBLOB DEFAULT NULL,
 gu_password_reset_expiration BINARY(14) DEFAULT NULL, gu_auth_token VARBINARY(32) DEFAULT NULL,
 gu_cas_token INT UNSIGNED DEFAULT 1 NOT NULL, UNIQUE INDEX gu_name (gu_name), PRIMARY KEY(gu_id));
CREATE TABLE global_user_groups (
 gug_user INT NOT NULL, gug_group VARCHAR(255) NOT NULL, gug_expiry VARBINARY(14) DEFAULT NULL,
 INDEX gug_expiry (gug_expiry), PRIMARY KEY(gug_user, gug_group));
INSERT INTO globaluser (gu_id, gu_name, gu_home_db, gu_locked, gu_registration) VALUES (1, 'Admin', 'wikidb', 0, '20261122090000');
INSERT INTO global_user_groups (gug_user, gug_group) VALUES (1, 'steward');`

// TestMariaDBScripts runs testdata/mariadb/*.txtar as users run the
// commands, against a real MariaDB server of its own (internal/mariadbtest:
// throwaway, stopped when the test ends; under CI=true a missing server is
// a failure). Each script gets two fresh databases on it: the real wiki's
// rows (WIKI_DSN) and a CentralAuth database (CA_DSN), and the command
// "mdb wiki|ca SQL [WANT]" to change them or read one value back.
func TestMariaDBScripts(t *testing.T) {
	srv := mariadbtest.RequireAnother(t)
	dump, err := os.ReadFile(realDump)
	if err != nil {
		t.Fatal(err)
	}
	wikiSQL := strings.Join(db.SchemaSQL(db.MySQL, ""), ";\n") + ";\n" + string(dump) + "\n" + realUsers
	var seq atomic.Int64
	testscript.Run(t, testscript.Params{
		Dir: "testdata/mariadb",
		Setup: func(env *testscript.Env) error {
			if err := setupScriptEnv(env); err != nil {
				return err
			}
			for _, d := range []struct{ role, script string }{{"wiki", wikiSQL}, {"ca", centralAuthSchema}} {
				name := fmt.Sprintf("s%d_%d_%s", os.Getpid(), seq.Add(1), d.role)
				if _, err := srv.Root().Exec("CREATE DATABASE " + name + " DEFAULT CHARACTER SET binary"); err != nil {
					return err
				}
				env.Defer(func() { srv.Root().Exec("DROP DATABASE IF EXISTS " + name) }) //nolint:errcheck
				if err := execScript(srv, name, d.script); err != nil {
					return fmt.Errorf("load %s: %w", d.role, err)
				}
				env.Setenv(strings.ToUpper(d.role)+"_DSN", "mysql:"+srv.DSN(name, "root", ""))
				env.Setenv(strings.ToUpper(d.role)+"_DBNAME", name)
			}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exitcode": cmdExitCode,
			"mdb": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) < 2 || len(args) > 3 {
					ts.Fatalf("usage: mdb wiki|ca SQL [WANT]")
				}
				name := ts.Getenv(strings.ToUpper(args[0]) + "_DBNAME")
				if name == "" {
					ts.Fatalf("mdb: no database %q", args[0])
				}
				if len(args) == 2 {
					ts.Check(execScript(srv, name, args[1]))
					return
				}
				c, err := mysql.NewConnector(srv.Config(name, "root", ""))
				ts.Check(err)
				conn := sql.OpenDB(c)
				defer conn.Close()
				var got string
				ts.Check(conn.QueryRow(args[1]).Scan(&got))
				if got != args[2] {
					ts.Fatalf("%s: %q, want %q", args[1], got, args[2])
				}
			},
		},
	})
}

// setupScriptEnv is what every script runs in: no colour, a home and a
// configuration directory of its own, and the shared fixtures (the real
// wiki's keys and tokens) in $WORK/fixtures.
func setupScriptEnv(env *testscript.Env) error {
	env.Setenv("NO_COLOR", "")
	env.Setenv("XDG_CONFIG_HOME", filepath.Join(env.WorkDir, ".config"))
	env.Setenv("HOME", env.WorkDir)
	return copyTree("testdata/fixtures", filepath.Join(env.WorkDir, "fixtures"))
}

func execScript(srv *mariadbtest.Server, name, script string) error {
	cfg := srv.Config(name, "root", "")
	cfg.MultiStatements = true
	c, err := mysql.NewConnector(cfg)
	if err != nil {
		return err
	}
	conn := sql.OpenDB(c)
	defer conn.Close()
	_, err = conn.Exec(script)
	return err
}
