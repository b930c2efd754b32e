package db

import (
	"context"
	_ "embed"
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// The embedded schemas are MediaWiki's own generated SQL for the tables the
// tool touches, placeholders kept (see the files' headers).
var (
	//go:embed schema/mysql.sql
	mysqlSchema string
	//go:embed schema/sqlite.sql
	sqliteSchema string
)

// mysqlTableOptions replaces /*$wgDBTableOptions*/, as MediaWiki's installer
// default does.
const mysqlTableOptions = "ENGINE=InnoDB, DEFAULT CHARSET=binary"

// SchemaSQL returns the embedded schema for dialect with the placeholders
// substituted, split into statements.
func SchemaSQL(dialect Dialect, prefix string) []string {
	src := sqliteSchema
	if dialect == MySQL {
		src = mysqlSchema
	}
	src = strings.ReplaceAll(src, "/*$wgDBTableOptions*/", mysqlTableOptions)
	src = strings.ReplaceAll(src, "/*_*/", prefix)
	if dialect == SQLite && prefix != "" {
		// SQLite index names are database-wide: prefix them too so that two
		// prefixed wikis can share a file.
		src = sqliteIndexRE().ReplaceAllString(src, "${1}"+prefix+"${2} ON")
	}
	var out []string
	for _, stmt := range strings.Split(src, ";\n") {
		var lines []string
		for _, l := range strings.Split(stmt, "\n") {
			if !strings.HasPrefix(strings.TrimSpace(l), "--") {
				lines = append(lines, l)
			}
		}
		if s := strings.TrimSpace(strings.Join(lines, "\n")); s != "" {
			out = append(out, strings.TrimSuffix(s, ";"))
		}
	}
	return out
}

var sqliteIndexRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(CREATE (?:UNIQUE )?INDEX )(\w+) ON`) })

// CreateSchema creates the tables in an empty database (sandbox, tests).
func (s *Store) CreateSchema(ctx context.Context) error {
	for _, stmt := range SchemaSQL(s.Dialect, s.prefix) {
		if _, err := s.db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("create schema: %s", oneLine(err))
		}
	}
	return s.checkSchema(ctx, true)
}

// setPrefix sets the table prefix of a Store made by CreateSQLite.
func (s *Store) setPrefix(prefix string) error {
	if !prefixRE().MatchString(prefix) {
		return fmt.Errorf("%w: table prefix %q may hold only letters, digits and _", ErrBadDSN, prefix)
	}
	s.prefix = prefix
	return nil
}
