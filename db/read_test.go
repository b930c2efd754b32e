package db

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mwoauth/mwoauth/internal/mariadbtest"
	"github.com/mwoauth/mwoauth/mediawiki"
)

// onRealRows runs fn on every engine against the real wiki's rows
// (dumpE2) and consumer F.
func onRealRows(t *testing.T, fn func(t *testing.T, s *Store)) {
	t.Helper()
	for _, eng := range engines(t) {
		t.Run(eng.name, func(t *testing.T) {
			s := eng.load(t, dumpE2, "")
			addConsumerF(t, s)
			fn(t, s)
		})
	}
}

func keys(t *testing.T, s *Store, f ListFilter) []string {
	t.Helper()
	var out []string
	if err := s.ListConsumers(context.Background(), f, func(c *Consumer) error {
		out = append(out, c.Key)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestReadRealRows decodes the real wiki's rows: grants as array and as
// object, back-compat names, owners named from actor (the dumps have no
// user rows), tokens and acceptances, log history.
func TestReadRealRows(t *testing.T) {
	onRealRows(t, func(t *testing.T, s *Store) {
		ctx := context.Background()

		c, err := s.ConsumerByKey(ctx, keyC)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(c.Grants, ",") != "basic,editpage" || !c.GrantsStoredAsObject || c.OwnerName != "Admin" ||
			c.OAuthVersion != 1 || !c.CallbackIsPrefix || !c.HasSecret || c.HasRSAKey || c.Registration != "20261122090649" {
			t.Errorf("consumer C = %+v", c)
		}
		ce, _ := s.consumerByID(ctx, 5)
		if ce.Key != keyE || ce.Stage != mediawiki.StageDisabled || !ce.Deleted || strings.Join(ce.OAuth2AllowedGrants, ",") != "client_credentials" ||
			string(ce.Restrictions) != `{"IPAddresses":["0.0.0.0/0","::/0"]}` {
			t.Errorf("consumer E = %+v", ce)
		}
		f, _ := s.ConsumerByKey(ctx, keyF)
		if f.OwnerName != "Dev User" {
			t.Errorf("F owner = %q", f.OwnerName)
		}

		// Every consumer, suppressed hidden by default.
		if got := keys(t, s, ListFilter{}); strings.Join(got, ",") != strings.Join([]string{keyC, keyA, keyB, keyD, keyF}, ",") {
			t.Errorf("list = %v", got)
		}
		if got := keys(t, s, ListFilter{IncludeSuppressed: true, Stages: []int{mediawiki.StageDisabled}}); strings.Join(got, ",") != keyE {
			t.Errorf("disabled = %v", got)
		}
		if got := keys(t, s, ListFilter{Grant: "basic", OAuthVersion: 1}); strings.Join(got, ",") != keyC {
			t.Errorf("basic oauth1 = %v", got)
		}
		if got := keys(t, s, ListFilter{Grant: "highvolume"}); strings.Join(got, ",") != keyA {
			t.Errorf("highvolume = %v", got)
		}
		yes := true
		if got := keys(t, s, ListFilter{OwnerOnly: &yes}); strings.Join(got, ",") != keyB {
			t.Errorf("owner-only = %v", got)
		}
		if got := keys(t, s, ListFilter{OwnerID: 3}); strings.Join(got, ",") != keyF {
			t.Errorf("owner 3 = %v", got)
		}
		if got := keys(t, s, ListFilter{Search: "suppress", IncludeSuppressed: true}); strings.Join(got, ",") != keyE {
			t.Errorf("search = %v", got)
		}
		if got := keys(t, s, ListFilter{Search: "42653E"}); strings.Join(got, ",") != keyB {
			t.Errorf("key search = %v", got)
		}
		if got := keys(t, s, ListFilter{RegisteredSince: "20261122090729", RegisteredBefore: "20261122090737"}); strings.Join(got, ",") != keyB+","+keyD {
			t.Errorf("registered window = %v", got)
		}
		if got := keys(t, s, ListFilter{AfterID: 2, Limit: 2}); strings.Join(got, ",") != keyB+","+keyD {
			t.Errorf("page = %v", got)
		}
		if id, name, err := s.UserIDByName(ctx, "dev_User"); err != nil || id != 3 || name != "Dev User" {
			t.Errorf("UserIDByName = %d %q %v", id, name, err)
		}
		if _, _, err := s.UserIDByName(ctx, "MediaWiki default "); err != nil {
			t.Errorf("UserIDByName(MediaWiki default): %v", err)
		}

		// Token rows and acceptances.
		tok, err := s.AccessTokenByJTI(ctx, "f356730fe4cab73257f2c1d06545cdc9cc2c9f6af99855da3c9947bfb7815de9f4f7ce3597a369bc")
		if err != nil || tok.Expires != "30261122090729" || tok.AcceptanceID != 1 || tok.Revoked {
			t.Fatalf("token = %+v, %v", tok, err)
		}
		if _, err := s.AccessTokenByJTI(ctx, "nope"); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown jti: %v", err)
		}
		a, err := s.AcceptanceByID(ctx, 1)
		if err != nil || a.ConsumerID != 3 || a.UserName != "Admin" || strings.Join(a.Grants, ",") != "basic,editpage" || a.Wiki != "*" {
			t.Errorf("acceptance = %+v, %v", a, err)
		}
		acc, _ := s.AcceptancesByWiki(ctx, 3)
		if len(acc) != 1 || acc[0] != (AcceptanceCount{Wiki: "*", Count: 1}) {
			t.Errorf("acceptances = %+v", acc)
		}

		hist, err := s.LogHistory(ctx, keyE)
		if err != nil || len(hist) != 3 || hist[2].Action != "disable" || hist[2].Comment != "E2E disable and suppress test" || hist[2].Performer != "Admin" {
			t.Errorf("history = %+v, %v", hist, err)
		}
		if n, ok, err := s.TaggedEdits(ctx, 2); err != nil || (s.Dialect == SQLite) != ok || n != 0 {
			t.Errorf("tagged edits: %d %v %v", n, ok, err)
		}
	})
}

// TestUsableBy follows Consumer::isUsableBy.
func TestUsableBy(t *testing.T) {
	for _, tc := range []struct {
		stage     int
		ownerOnly bool
		user      int64
		want      bool
	}{
		{mediawiki.StageApproved, false, 9, true}, {mediawiki.StageApproved, true, 9, false}, {mediawiki.StageApproved, true, 1, true},
		{mediawiki.StageProposed, false, 1, true}, {mediawiki.StageProposed, false, 9, false}, {mediawiki.StageDisabled, false, 1, false},
		{mediawiki.StageRejected, false, 1, false}, {mediawiki.StageExpired, false, 1, false}, {mediawiki.StageConfigurationBased, false, 1, false},
	} {
		c := &Consumer{Stage: tc.stage, OwnerOnly: tc.ownerOnly, OwnerID: 1}
		if got := c.UsableBy(tc.user); got != tc.want {
			t.Errorf("%+v: UsableBy = %v", tc, got)
		}
	}
}

// TestCentralAuthOwners names owners from globaluser, whose ids differ from
// the local user ids.
func TestCentralAuthOwners(t *testing.T) {
	dir := t.TempDir()
	wiki := loadSQLite(t, dumpA1, "")
	ca := filepath.Join(dir, "centralauth.sqlite")
	// Global id 1 is the owner; the performer Admin is global user 2, a steward.
	createCentralAuth(t, ca, "INSERT INTO globaluser (gu_id, gu_name) VALUES (1, 'Global Admin'), (2, 'Admin')",
		"INSERT INTO global_user_groups (gug_user, gug_group) VALUES (2, 'steward')")
	s, err := Open(context.Background(), dsnOf(t, wiki), Options{CentralAuthDSN: "sqlite:" + ca, Admin: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	res := mustAct(t, s, keyA, Request{Action: mediawiki.ActionDisable, Reason: "x", Performer: "Admin", Now: ts(t, "20261122100000")})
	if got := readLog(t, s, res.LogID); got.Title != "Global_Admin" {
		t.Errorf("title = %q", got.Title)
	}
	if _, err := Open(context.Background(), dsnOf(t, wiki), Options{CentralAuthDSN: "sqlite:" + filepath.Join(dir, "missing.sqlite")}); err == nil {
		t.Errorf("missing CentralAuth database accepted")
	}
}

// TestOpenErrors: bad DSNs are ErrBadDSN; connection and schema problems
// are not; none of them prints a password.
func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	for _, dsn := range []string{"", "postgres://x", "mysql:", "mysql:user:pw@tcp(host", "mysql:u@tcp(h:1)/", "sqlite:"} {
		if _, err := Open(ctx, dsn, Options{}); !errors.Is(err, ErrBadDSN) {
			t.Errorf("Open(%q) = %v; want ErrBadDSN", dsn, err)
		}
	}
	if _, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "none.sqlite"), Options{}); err == nil || errors.Is(err, ErrBadDSN) {
		t.Errorf("missing sqlite file: %v", err)
	}
	if _, err := Open(ctx, "sqlite:x", Options{TablePrefix: "a-b"}); !errors.Is(err, ErrBadDSN) {
		t.Errorf("bad prefix: %v", err)
	}
	// A database without the OAuth tables: the first missing one is named.
	empty := filepath.Join(t.TempDir(), "empty.sqlite")
	st, err := CreateSQLite(ctx, empty)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	_, err = Open(ctx, "sqlite:"+empty, Options{})
	var se *SchemaError
	if !errors.As(err, &se) || se.Table != "oauth_registered_consumer" {
		t.Errorf("empty database: %v", err)
	}
	// A missing column is named.
	s := loadSQLite(t, dumpA1, "")
	if _, err := s.db.Exec(`ALTER TABLE oauth2_access_tokens DROP COLUMN oaat_revoked`); err != nil {
		t.Fatal(err)
	}
	_, err = Open(ctx, dsnOf(t, s), Options{})
	if !errors.As(err, &se) || se.Column != "oaat_revoked" || !strings.Contains(err.Error(), "oauth2_access_tokens has no column oaat_revoked") {
		t.Errorf("missing column: %v", err)
	}
	// Admin commands also need the audit tables.
	if _, err := s.db.Exec(`DROP TABLE log_search`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`ALTER TABLE oauth2_access_tokens ADD COLUMN oaat_revoked SMALLINT DEFAULT 0 NOT NULL`); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, dsnOf(t, s), Options{}); err != nil {
		t.Errorf("read-only open needs log_search: %v", err)
	}
	if _, err := Open(ctx, dsnOf(t, s), Options{Admin: true}); !errors.As(err, &se) || se.Table != "log_search" {
		t.Errorf("admin open without log_search: %v", err)
	}

	srv := mariadbtest.Require(t)
	name := srv.NewDatabase(t)
	if _, err := srv.Root().Exec("CREATE USER IF NOT EXISTS 'dbtest'@'localhost' IDENTIFIED BY 'right-pw'"); err != nil {
		t.Fatal(err)
	}
	_, err = Open(ctx, "mysql:dbtest:wrong-pw@unix("+srv.Socket+")/"+name, Options{})
	if err == nil || errors.Is(err, ErrBadDSN) || strings.Contains(err.Error(), "wrong-pw") || !strings.Contains(err.Error(), "Access denied") {
		t.Errorf("wrong password: %v", err)
	}
	_, err = Open(ctx, "mysql:dbtest@unix("+srv.Socket+")/"+name, Options{Password: "wrong-pw"})
	if err == nil || strings.Contains(err.Error(), "wrong-pw") {
		t.Errorf("wrong password option: %v", err)
	}
	_, err = Open(ctx, "mysql:root@unix("+srv.Socket+")/"+name, Options{})
	if !errors.As(err, &se) || se.Table != "oauth_registered_consumer" {
		t.Errorf("empty MariaDB database: %v", err)
	}
}

// TestSchemaMatchesUpstream compares the embedded schema, column by column
// (name and type), with MediaWiki's generated files when they are present
// next to the checkout (../shared/mediawiki-schema).
func TestSchemaMatchesUpstream(t *testing.T) {
	root := filepath.Join("..", "..", "shared", "mediawiki-schema")
	if _, err := os.Stat(root); err != nil {
		// CI has ../shared next to its clone: there a missing copy is a
		// broken setup, not a reason to stop comparing.
		if os.Getenv("CI") == "true" {
			t.Fatalf("upstream schema not present (%s): CI must have ../shared", root)
		}
		t.Skip("upstream schema not present (../shared/mediawiki-schema); set CI=true to make this a failure")
	}
	for _, d := range []struct {
		dialect Dialect
		dir     string
	}{{MySQL, "mysql"}, {SQLite, "sqlite"}} {
		embedded := columnsByTable(strings.Join(SchemaSQL(d.dialect, ""), ";\n"))
		var upstream string
		for _, f := range []string{"oauth/" + d.dir + "/tables-generated.sql", "core/" + d.dir + "/tables-subset.sql"} {
			b, err := os.ReadFile(filepath.Join(root, f))
			if err != nil {
				t.Fatal(err)
			}
			upstream += strings.NewReplacer("/*_*/", "", "/*$wgDBTableOptions*/", mysqlTableOptions).Replace(string(b)) + "\n"
		}
		want := columnsByTable(upstream)
		if len(want) < 9 {
			t.Fatalf("%s: parsed only %d upstream tables", d.dir, len(want))
		}
		for table, cols := range want {
			got := embedded[table]
			if strings.Join(got, "\n") != strings.Join(cols, "\n") {
				t.Errorf("%s %s:\n embedded %v\n upstream %v", d.dir, table, got, cols)
			}
		}
	}
}

var createRE = regexp.MustCompile(`(?s)CREATE TABLE (\w+) \((.*?)\n\)`)

// columnsByTable extracts "name TYPE" per column from CREATE TABLE text.
func columnsByTable(sqlText string) map[string][]string {
	out := map[string][]string{}
	for _, m := range createRE.FindAllStringSubmatch(sqlText, -1) {
		var cols []string
		// Split on commas outside parentheses.
		depth, start := 0, 0
		body := m[2]
		var parts []string
		for i, r := range body {
			switch r {
			case '(':
				depth++
			case ')':
				depth--
			case ',':
				if depth == 0 {
					parts = append(parts, body[start:i])
					start = i + 1
				}
			}
		}
		parts = append(parts, body[start:])
		for _, p := range parts {
			fields := strings.Fields(p)
			if len(fields) < 2 {
				continue
			}
			switch strings.ToUpper(fields[0]) {
			case "PRIMARY", "UNIQUE", "INDEX", "KEY", "CONSTRAINT":
				continue
			}
			cols = append(cols, fmt.Sprintf("%s %s", fields[0], strings.ToUpper(fields[1])))
		}
		out[m[1]] = cols
	}
	return out
}

// TestCountConsumersAgreesWithList: CountConsumers counts what
// ListConsumers lists, for the same filters, on every page; OnlySuppressed
// is what a listing without IncludeSuppressed hides.
func TestCountConsumersAgreesWithList(t *testing.T) {
	onRealRows(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		yes := true
		for _, f := range []ListFilter{{}, {IncludeSuppressed: true}, {OnlySuppressed: true}, {Stages: []int{mediawiki.StageDisabled}, OnlySuppressed: true},
			{Grant: "basic", OnlySuppressed: true}, {Grant: "basic"}, {OwnerOnly: &yes, IncludeSuppressed: true}, {Search: "suppress", OnlySuppressed: true},
			{AfterID: 3, Limit: 1, OnlySuppressed: true}} {
			n, err := s.CountConsumers(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			all := f
			all.AfterID, all.Limit = 0, 0
			listed := keys(t, s, all)
			if int(n) != len(listed) {
				t.Errorf("%+v: count %d, list %v", f, n, listed)
			}
			if f.OnlySuppressed {
				hidden := len(keys(t, s, ListFilter{Stages: f.Stages, Grant: f.Grant, Search: f.Search, IncludeSuppressed: true})) -
					len(keys(t, s, ListFilter{Stages: f.Stages, Grant: f.Grant, Search: f.Search}))
				if int(n) != hidden {
					t.Errorf("%+v: %d suppressed, but the listing hides %d", f, n, hidden)
				}
			}
		}
	})
}

// TestListNamesOwnersOnEveryPage: a listing longer than a page names each
// consumer's owner on every page, the owners read on an earlier page (and
// one that has no name) included.
func TestListNamesOwnersOnEveryPage(t *testing.T) {
	onRealRows(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		c, err := s.ConsumerByKey(ctx, keyC)
		if err != nil {
			t.Fatal(err)
		}
		want := map[int64]string{3: "Dev User", c.OwnerID: "Admin", 424242: ""}
		owners := []int64{3, c.OwnerID, 424242}
		const n = 2*pageSize + 50
		for from := 0; from < n; from += 100 {
			var rows []string
			for i := from; i < min(from+100, n); i++ {
				rows = append(rows, fmt.Sprintf(`(%d,'%032x','Paged App %d',%d,'1.0','https://tool.example.org/cb','0','d','dev@example.org',NULL,1,0,'*','["useoauth"]','20261122090820','','','{}',1,'20261122090825',0,2,'["client_credentials"]',1)`,
					100+i, 100+i, i, owners[i%len(owners)]))
			}
			exec(t, s, "INSERT INTO "+s.T("oauth_registered_consumer")+" VALUES "+strings.Join(rows, ","))
		}
		paged := 0
		if err := s.ListConsumers(ctx, ListFilter{IncludeSuppressed: true, Brief: true}, func(c *Consumer) error {
			if !strings.HasPrefix(c.Name, "Paged App ") {
				return nil
			}
			paged++
			if name, ok := want[c.OwnerID]; !ok || c.OwnerName != name {
				t.Errorf("consumer %d, owner %d: named %q, want %q", c.ID, c.OwnerID, c.OwnerName, name)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if paged != n {
			t.Errorf("listed %d of the %d paged consumers", paged, n)
		}
	})
}
