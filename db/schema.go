package db

import (
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"regexp"
	"sort"
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

// SchemaError names a table or column the command needs but the database
// lacks (an old or foreign schema, or a wrong --table-prefix).
type SchemaError struct {
	Table  string // with prefix
	Column string // "" when the whole table is missing
}

func (e *SchemaError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("database has no table %s (wrong table prefix, or not the wiki's database?)", e.Table)
	}
	return fmt.Sprintf("table %s has no column %s (schema older or newer than MediaWiki 1.43..master?)", e.Table, e.Column)
}

// columns each part of the tool reads or writes. Every one exists in
// MediaWiki 1.43 and in master.
var (
	consumerColumns = []string{"oarc_id", "oarc_consumer_key", "oarc_name", "oarc_user_id", "oarc_version",
		"oarc_callback_url", "oarc_callback_is_prefix", "oarc_description", "oarc_email", "oarc_email_authenticated",
		"oarc_developer_agreement", "oarc_owner_only", "oarc_wiki", "oarc_grants", "oarc_registration",
		"oarc_secret_key", "oarc_rsa_key", "oarc_restrictions", "oarc_stage", "oarc_stage_timestamp", "oarc_deleted",
		"oarc_oauth_version", "oarc_oauth2_allowed_grants", "oarc_oauth2_is_confidential"}
	acceptanceColumns = []string{"oaac_id", "oaac_wiki", "oaac_user_id", "oaac_consumer_id", "oaac_grants",
		"oaac_accepted", "oaac_oauth_version"}
	tokenColumns   = []string{"oaat_id", "oaat_identifier", "oaat_expires", "oaat_acceptance_id", "oaat_revoked"}
	loggingColumns = []string{"log_id", "log_type", "log_action", "log_timestamp", "log_actor", "log_namespace",
		"log_title", "log_page", "log_comment_id", "log_params", "log_deleted"}
	logSearchColumns = []string{"ls_field", "ls_value", "ls_log_id"}
	commentColumns   = []string{"comment_id", "comment_hash", "comment_text", "comment_data"}
	actorColumns     = []string{"actor_id", "actor_user", "actor_name"}

	// optional tables: used when present.
	optionalColumns = map[string][]string{
		"user":           {"user_id", "user_name"},
		"page":           {"page_id", "page_namespace", "page_title"},
		"change_tag_def": {"ctd_name", "ctd_count"},
		"user_groups":    {"ug_user", "ug_group", "ug_expiry"},
		"block":          {"bl_target", "bl_expiry", "bl_sitewide"},
		"block_target":   {"bt_id", "bt_user"},
	}
)

type tableCols struct {
	table string
	cols  []string
}

// checkSchema asks each database once for the columns of its own tables:
// the OAuth tables in the OAuth database, the audit and user tables in the
// central wiki's.
func (s *Store) checkSchema(ctx context.Context, admin bool) error {
	if s.wdb == nil {
		s.wdb = s.db
	}
	oauth := []tableCols{{"oauth_registered_consumer", consumerColumns}, {"oauth_accepted_consumer", acceptanceColumns},
		{"oauth2_access_tokens", tokenColumns}}
	wiki := []tableCols{{"actor", actorColumns}}
	if admin {
		wiki = append(wiki, tableCols{"logging", loggingColumns}, tableCols{"log_search", logSearchColumns},
			tableCols{"comment", commentColumns})
	}
	wikiNames := []string{"actor", "logging", "log_search", "comment"}
	for t := range optionalColumns {
		wikiNames = append(wikiNames, t)
	}
	sort.Strings(wikiNames)

	oauthHave, err := s.columnsIn(ctx, s.db, "", names(oauth))
	if err != nil {
		return err
	}
	wikiHave := oauthHave
	if s.wikiSchema != "" || s.wdb != s.db {
		wikiHave, err = s.columnsIn(ctx, s.wdb, s.wikiSchema, wikiNames)
	} else {
		wikiHave, err = s.columnsIn(ctx, s.db, "", append(names(oauth), wikiNames...))
	}
	if err != nil {
		return err
	}
	for _, r := range oauth {
		if err := requireColumns(s.prefix+r.table, oauthHave[r.table], r.cols); err != nil {
			return err
		}
	}
	for _, r := range wiki {
		if err := requireColumns(s.wikiTableName(r.table), wikiHave[r.table], r.cols); err != nil {
			return err
		}
	}
	has := func(table string, cols ...string) bool {
		return requireColumns(table, wikiHave[table], cols) == nil
	}
	s.hasUser = has("user", optionalColumns["user"]...)
	s.hasPage = has("page", optionalColumns["page"]...)
	s.hasChangeTagDef = has("change_tag_def", optionalColumns["change_tag_def"]...)
	s.hasUserGroups = has("user_groups", optionalColumns["user_groups"]...)
	s.hasBlock = has("block", optionalColumns["block"]...) && has("block_target", optionalColumns["block_target"]...)
	s.hasLogging = has("logging", loggingColumns...) && has("log_search", logSearchColumns...) && has("comment", commentColumns...)
	return nil
}

// wikiTableName names a wiki table in messages.
func (s *Store) wikiTableName(table string) string {
	if s.wikiSchema != "" {
		return s.wikiSchema + "." + s.prefix + table
	}
	return s.prefix + table
}

func names(ts []tableCols) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.table
	}
	return out
}

// columnsIn lists, in one query, the columns of the prefixed tables (keyed
// by their unprefixed names). schema "" is the connection's database.
func (s *Store) columnsIn(ctx context.Context, db *sql.DB, schema string, tables []string) (map[string]map[string]bool, error) {
	prefixed := make([]string, len(tables))
	for i, t := range tables {
		prefixed[i] = s.prefix + t
	}
	got, err := listColumns(ctx, db, s.Dialect, schema, prefixed)
	if err != nil {
		return nil, err
	}
	out := make(map[string]map[string]bool, len(got))
	for t, cols := range got {
		out[strings.TrimPrefix(t, s.prefix)] = cols
	}
	return out, nil
}

// listColumns asks the database once for the columns of tables: MySQL's
// information_schema, SQLite's pragma_table_info over sqlite_master.
func listColumns(ctx context.Context, db *sql.DB, d Dialect, schema string, tables []string) (map[string]map[string]bool, error) {
	args := make([]any, 0, len(tables)+1)
	var q string
	if d == MySQL {
		q = "SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = "
		if schema == "" {
			q += "DATABASE()"
		} else {
			q += "?"
			args = append(args, schema)
		}
		q += " AND TABLE_NAME IN (" + placeholders(len(tables)) + ")"
	} else {
		q = "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name IN (" +
			placeholders(len(tables)) + ")"
	}
	for _, t := range tables {
		args = append(args, t)
	}
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read schema: %s", oneLine(err))
	}
	defer rows.Close()
	out := map[string]map[string]bool{}
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			return nil, fmt.Errorf("read schema: %s", oneLine(err))
		}
		if out[table] == nil {
			out[table] = map[string]bool{}
		}
		out[table][strings.ToLower(col)] = true
	}
	return out, rows.Err()
}

// requireColumns is a *SchemaError naming the table or first missing column.
func requireColumns(table string, have map[string]bool, cols []string) error {
	if len(have) == 0 {
		return &SchemaError{Table: table}
	}
	for _, c := range cols {
		if !have[c] {
			return &SchemaError{Table: table, Column: c}
		}
	}
	return nil
}
