package db

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/mwoauth/mwoauth/internal/mariadbtest"
)

// The real dumps (testdata/, copied from the MediaWiki 1.43 run) are the
// ground truth: tests load a "before" dump, run an action through the same
// code the command uses, and compare every row with the "after" dump.

// dumpRow is one row as text for comparison: nil is SQL NULL.
type dumpRow []*string

// typedRow is one parsed INSERT tuple: string (quoted), int64 or string
// (bare number), nil (NULL).
type typedRow []any

func (r typedRow) text() dumpRow {
	out := make(dumpRow, len(r))
	for i, v := range r {
		if v != nil {
			s := fmt.Sprint(v)
			out[i] = &s
		}
	}
	return out
}

// parseDump reads the `INSERT INTO `t` VALUES (...);` lines of a
// mariadb-dump --skip-extended-insert file.
func parseDump(t testing.TB, path string) map[string][]dumpRow {
	t.Helper()
	out := map[string][]dumpRow{}
	for table, rows := range parseDumpTyped(t, path) {
		for _, r := range rows {
			out[table] = append(out[table], r.text())
		}
	}
	return out
}

func parseDumpTyped(t testing.TB, path string) map[string][]typedRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]typedRow{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := strings.TrimPrefix(strings.TrimPrefix(sc.Text(), "+ "), "- ")
		rest, ok := strings.CutPrefix(line, "INSERT INTO `")
		if !ok {
			continue
		}
		table, vals, ok := strings.Cut(rest, "` VALUES (")
		if !ok {
			t.Fatalf("%s: cannot parse %q", path, line)
		}
		row, err := parseTuple(strings.TrimSuffix(vals, ");"))
		if err != nil {
			t.Fatalf("%s: %v in %q", path, err, line)
		}
		out[table] = append(out[table], row)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func parseTuple(s string) (typedRow, error) {
	var row typedRow
	for i := 0; i <= len(s); {
		if i == len(s) {
			break
		}
		if s[i] == '\'' {
			var b strings.Builder
			j := i + 1
			for ; j < len(s) && s[j] != '\''; j++ {
				if s[j] == '\\' && j+1 < len(s) {
					j++
					switch s[j] {
					case 'n':
						b.WriteByte('\n')
					case 'r':
						b.WriteByte('\r')
					case 't':
						b.WriteByte('\t')
					case '0':
						b.WriteByte(0)
					case 'Z':
						b.WriteByte(26)
					default:
						b.WriteByte(s[j])
					}
					continue
				}
				b.WriteByte(s[j])
			}
			if j >= len(s) {
				return nil, fmt.Errorf("unterminated string")
			}
			row = append(row, b.String())
			i = j + 1
		} else {
			j := strings.IndexByte(s[i:], ',')
			if j < 0 {
				j = len(s) - i
			}
			tok := strings.TrimSpace(s[i : i+j])
			if tok == "NULL" {
				row = append(row, nil)
			} else if n, err := strconv.ParseInt(tok, 10, 64); err == nil {
				row = append(row, n)
			} else {
				row = append(row, tok)
			}
			i += j
		}
		if i < len(s) {
			if s[i] != ',' {
				return nil, fmt.Errorf("expected , at %d", i)
			}
			i++
		}
	}
	return row, nil
}

// compared are the tables the dumps hold.
var compared = []string{"oauth_registered_consumer", "oauth_accepted_consumer", "oauth2_access_tokens",
	"logging", "log_search", "comment", "actor"}

// canon renders rows as sorted JSON lines for comparison and diffs.
func canon(rows []dumpRow) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		b, _ := json.Marshal(r)
		out[i] = string(b)
	}
	sort.Strings(out)
	return out
}

// tableRows reads every row of a table as text (bytes and numbers alike).
func tableRows(t testing.TB, s *Store, table string) []dumpRow {
	t.Helper()
	return tableRowsOn(t, s.handle(table), s.T(table))
}

// handle is the connection that holds table.
func (s *Store) handle(table string) *sql.DB {
	if !oauthTables[table] && s.wdb != nil {
		return s.wdb
	}
	return s.db
}

func readFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func tableRowsOn(t testing.TB, db *sql.DB, quoted string) []dumpRow {
	t.Helper()
	rows, err := db.Query("SELECT * FROM " + quoted)
	if err != nil {
		t.Fatalf("read %s: %v", quoted, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []dumpRow
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make(dumpRow, len(cols))
		for i, v := range vals {
			var str string
			switch x := v.(type) {
			case nil:
				continue
			case []byte:
				str = string(x)
			case string:
				str = x
			case int64:
				str = strconv.FormatInt(x, 10)
			case float64:
				str = strconv.FormatFloat(x, 'f', -1, 64)
			default:
				str = fmt.Sprint(x)
			}
			row[i] = &str
		}
		out = append(out, row)
	}
	return out
}

// assertMatchesDump compares the store's tables with a dump, row for row.
func assertMatchesDump(t testing.TB, s *Store, path string) {
	t.Helper()
	want := parseDump(t, path)
	for _, table := range compared {
		got, exp := canon(tableRows(t, s, table)), canon(want[table])
		if strings.Join(got, "\n") != strings.Join(exp, "\n") {
			t.Errorf("table %s differs from %s\n got:\n  %s\nwant:\n  %s", table, filepath.Base(path),
				strings.Join(got, "\n  "), strings.Join(exp, "\n  "))
		}
	}
}

// engine builds stores loaded with dumps on one database engine.
type engine struct {
	name string
	// load returns a store holding the dump's rows, tables prefixed.
	load func(t *testing.T, dump, prefix string) *Store
}

func engines(t *testing.T) []engine {
	es := []engine{{name: "sqlite", load: loadSQLite}}
	if srv := mariadbtest.Require(t); srv != nil {
		es = append(es, engine{name: "mariadb", load: func(t *testing.T, dump, prefix string) *Store {
			return loadMariaDB(t, srv, dump, prefix)
		}})
	}
	return es
}

// loadSQLite creates the embedded schema in a new file and inserts the
// dump's rows with bound parameters (strings as text, numbers as integers,
// as PHP's PDO binds them).
func loadSQLite(t *testing.T, dump, prefix string) *Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "wiki.sqlite")
	st, err := CreateSQLite(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	st.setPrefix(prefix) //nolint:errcheck // a test prefix
	if err := st.CreateSchema(context.Background()); err != nil {
		t.Fatal(err)
	}
	insertDumpRows(t, st, dump)
	seedRealGroups(t, st)
	st.Close()
	s, err := Open(context.Background(), "sqlite:"+path, Options{TablePrefix: prefix, Admin: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func insertDumpRows(t testing.TB, st *Store, dump string) {
	t.Helper()
	if dump == "" {
		return
	}
	for table, rows := range parseDumpTyped(t, dump) {
		for _, r := range rows {
			args := []any(r)
			q := "INSERT INTO " + st.T(table) + " VALUES (" + placeholders(len(r)) + ")"
			if _, err := st.db.Exec(q, args...); err != nil {
				t.Fatalf("insert into %s: %v", table, err)
			}
		}
	}
}

// loadMariaDB loads the wiki's real CREATE TABLEs (schema.sql) and the dump
// itself through the server, then resets AUTO_INCREMENT to what the dump's
// moment had (schema.sql was taken at the end of the run).
func loadMariaDB(t testing.TB, srv *mariadbtest.Server, dump, prefix string) *Store {
	t.Helper()
	name := srv.NewDatabase(t)
	if prefix == "" {
		schema, err := os.ReadFile("testdata/schema.sql")
		if err != nil {
			t.Fatal(err)
		}
		srv.Exec(t, name, string(schema))
		// The dumps have no page, user_groups or block tables; MediaWiki
		// has them.
		srv.Exec(t, name, strings.Join(embeddedTables(MySQL, "", "page", "user_groups", "block", "block_target"), ";\n"))
		if dump != "" {
			b, err := os.ReadFile(dump)
			if err != nil {
				t.Fatal(err)
			}
			srv.Exec(t, name, string(b))
		}
		seedRealGroups(t, &Store{db: srv.Open(t, name), Dialect: MySQL})
		for _, tb := range []string{"oauth_registered_consumer", "oauth_accepted_consumer", "oauth2_access_tokens", "logging", "comment", "actor", "user"} {
			srv.Exec(t, name, "ALTER TABLE `"+tb+"` AUTO_INCREMENT = 1")
		}
	} else {
		st := &Store{db: srv.Open(t, name), Dialect: MySQL, prefix: prefix}
		if err := st.CreateSchema(context.Background()); err != nil {
			t.Fatal(err)
		}
		insertDumpRows(t, st, dump)
		seedRealGroups(t, st)
	}
	s, err := Open(context.Background(), "mysql:"+srv.DSN(name, "root", ""), Options{TablePrefix: prefix, Admin: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// seedRealGroups gives Admin (user 1) the groups the real wiki gave it
// (responses/26-rest-profile-tokenB-reg.http: bureaucrat, interface-admin,
// sysop; the dumps hold no user_groups rows). sysop held every OAuth right
// there (LocalSettings-excerpt.php).
func seedRealGroups(t testing.TB, st *Store) {
	t.Helper()
	for _, g := range []string{"bureaucrat", "interface-admin", "sysop"} {
		if _, err := st.db.Exec("INSERT INTO "+st.T("user_groups")+" (ug_user, ug_group, ug_expiry) VALUES (1, ?, NULL)", g); err != nil {
			t.Fatalf("seed groups: %v", err)
		}
	}
}

// embeddedTables returns the embedded schema's statements for tables.
func embeddedTables(d Dialect, prefix string, tables ...string) []string {
	var out []string
	for _, st := range SchemaSQL(d, prefix) {
		for _, tb := range tables {
			if strings.Contains(st, "TABLE "+prefix+tb+" ") || strings.Contains(st, " ON "+prefix+tb+" ") {
				out = append(out, st)
			}
		}
	}
	return out
}
