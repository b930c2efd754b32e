package db

import "testing"

// One reading of a DSN's scheme serves opening, naming and the settings'
// file checks: each form means the same file or schema to all three.
func TestSplitDSN(t *testing.T) {
	for _, c := range []struct {
		dsn, file, name string
		dialect         Dialect
	}{
		{"sqlite:wiki.sqlite", "wiki.sqlite", "wiki", SQLite},
		{"sqlite3:///var/lib/mw/my_wiki.sqlite?mode=ro", "/var/lib/mw/my_wiki.sqlite", "my_wiki", SQLite},
		{"file:data/w.db", "data/w.db", "w", SQLite},
		{"mysql:wikiuser:p@ss@unix(/run/mysqld/mysqld.sock)/wikidb", "", "wikidb", MySQL},
		{"mariadb:root@tcp(127.0.0.1:3306)/metawiki?charset=binary", "", "metawiki", MySQL},
		{"postgres:host=x dbname=y", "", "", ""},
		{"wiki.sqlite", "", "", ""},
	} {
		_, d, _ := SplitDSN(c.dsn)
		if d != c.dialect || SQLiteFile(c.dsn) != c.file || DatabaseName(c.dsn) != c.name {
			t.Errorf("%s: dialect %q, file %q, name %q; want %q, %q, %q", c.dsn, d, SQLiteFile(c.dsn), DatabaseName(c.dsn), c.dialect, c.file, c.name)
		}
		p, err := parseDSN(c.dsn, "", ClientDefaults{})
		if (err == nil) != (c.dialect != "") || err == nil && (p.dialect != c.dialect || c.dialect == SQLite && p.path != c.file) {
			t.Errorf("%s: parseDSN %+v, %v", c.dsn, p, err)
		}
	}
}
