package db

import (
	"path/filepath"
	"strings"

	"github.com/go-sql-driver/mysql"
)

// SplitDSN is the one reading of a DSN's scheme: mysql: (or mariadb:)
// followed by a go-sql-driver DSN, or sqlite: (sqlite3:, file:) followed
// by a file path, which SQLiteFile extracts. The dialect is "" for any
// other scheme, or when there is none.
func SplitDSN(dsn string) (scheme string, d Dialect, rest string) {
	scheme, rest, ok := strings.Cut(dsn, ":")
	if !ok {
		return "", "", dsn
	}
	switch scheme {
	case "mysql", "mariadb":
		return scheme, MySQL, rest
	case "sqlite", "sqlite3", "file":
		return scheme, SQLite, rest
	}
	return scheme, "", rest
}

// SQLiteFile is the file a sqlite: DSN names ("" for other DSNs): the
// path, without a leading // or ?options.
func SQLiteFile(dsn string) string {
	if _, d, rest := SplitDSN(dsn); d == SQLite {
		return sqlitePath(rest)
	}
	return ""
}

func sqlitePath(rest string) string {
	path := strings.TrimPrefix(rest, "//")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	return path
}

// DatabaseName is the database a DSN names, as MediaWiki's $wgDBname would
// be: the MySQL schema, or a SQLite file's base name without its extension
// (MediaWiki's SQLite installer stores $wgDBname.sqlite). "" when the DSN
// does not parse.
func DatabaseName(dsn string) string {
	switch _, d, rest := SplitDSN(dsn); d {
	case MySQL:
		cfg, err := mysql.ParseDSN(rest)
		if err != nil {
			return ""
		}
		return cfg.DBName
	case SQLite:
		base := filepath.Base(sqlitePath(rest))
		return strings.TrimSuffix(base, filepath.Ext(base))
	}
	return ""
}
