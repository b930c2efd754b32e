package db

import (
	"path/filepath"
	"strings"

	"github.com/go-sql-driver/mysql"
)

// DatabaseName is the database a DSN names, as MediaWiki's $wgDBname would
// be: the MySQL schema, or a SQLite file's base name without its extension
// (MediaWiki's SQLite installer stores $wgDBname.sqlite). "" when the DSN
// does not parse.
func DatabaseName(dsn string) string {
	scheme, rest, ok := strings.Cut(dsn, ":")
	if !ok {
		return ""
	}
	switch scheme {
	case "mysql", "mariadb":
		cfg, err := mysql.ParseDSN(rest)
		if err != nil {
			return ""
		}
		return cfg.DBName
	case "sqlite", "sqlite3", "file":
		path := strings.TrimPrefix(rest, "//")
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		base := filepath.Base(path)
		return strings.TrimSuffix(base, filepath.Ext(base))
	}
	return ""
}
