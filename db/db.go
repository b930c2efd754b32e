// Package db reads and writes Extension:OAuth's tables (and the core tables
// its audit trail lives in: logging, log_search, comment, actor) directly, the
// way MediaWiki's own code does. It knows nothing about the command line.
//
// Two engines are supported: MySQL/MariaDB (the production wikis) through
// go-sql-driver/mysql, and SQLite (small wikis and the sandbox) through
// github.com/ncruces/go-sqlite3, SQLite compiled to pure Go (no cgo, so
// release builds stay static). It replaced modernc.org/sqlite, whose
// package initialisation cost every mwoauth process about 0.4 ms, a sixth
// of "token verify" (see docs/performance.md). Values are written exactly
// as MediaWiki writes them:
// TS_MW timestamps (UTC YYYYMMDDHHMMSS), PHP-serialized log parameters,
// CommentStore hashes.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/go-sql-driver/mysql"
	_ "github.com/ncruces/go-sqlite3/driver" // registers the "sqlite3" driver

	"github.com/mwoauth/mwoauth/mediawiki"
)

// ErrNotFound is returned when a consumer, token, user or row does not exist.
var ErrNotFound = mediawiki.ErrNotFound

// ErrBadDSN marks a DSN that cannot be parsed (a usage mistake, not a
// connection failure).
var ErrBadDSN = errors.New("bad database DSN")

// SchemaError names a table or column the command needs but the database
// lacks (an old or foreign schema, or a wrong --table-prefix).
type SchemaError struct {
	Table  string // with prefix
	Column string // "" when the whole table is missing
}

func (e *SchemaError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("database has no table %s (wrong --table-prefix, or not the wiki's OAuth database?)", e.Table)
	}
	return fmt.Sprintf("table %s has no column %s (schema older or newer than MediaWiki 1.43..master?)", e.Table, e.Column)
}

// Options tune Open.
type Options struct {
	// TablePrefix is $wgDBprefix; it is put in front of every table name.
	TablePrefix string
	// Password is used when the mysql DSN carries none (it comes from
	// MWOAUTH_DB_PASSWORD or ~/.my.cnf, never from argv).
	Password string
	// CentralAuthDSN, when set, names owners from CentralAuth's globaluser
	// table (oarc_user_id is then a global user id).
	CentralAuthDSN string
	// CentralAuthPassword is used when CentralAuthDSN carries none.
	CentralAuthPassword string
	// Admin asks Open to also check the tables consumer actions write:
	// logging, log_search, comment, actor.
	Admin bool
	// Now is the clock that decides which group memberships and blocks are
	// in force (ug_expiry, gug_expiry, bl_expiry). Judging a token passes
	// its judging instant; nil is the real clock.
	Now func() time.Time
}

// Dialect is the SQL engine behind a Store.
type Dialect string

const (
	MySQL  Dialect = "mysql"
	SQLite Dialect = "sqlite"
)

// Store is an open wiki database.
type Store struct {
	DB      *sql.DB
	Dialect Dialect
	prefix  string

	central *sql.DB // CentralAuth database, or nil

	hasUser, hasPage, hasChangeTagDef, hasLogging bool
	hasUserGroups, hasBlock                       bool
	centralHasGroups                              bool            // global_user_groups in the CentralAuth database
	centralCols                                   map[string]bool // globaluser's columns

	now func() time.Time

	// testHook, when set, runs between the statements of a consumer action
	// (tests kill the connection there).
	testHook func(ctx context.Context, step string, q querier) error
}

func init() {
	// The driver logs dropped connections to stderr by itself; the error is
	// returned to us anyway, and stderr belongs to the command.
	mysql.SetLogger(log.New(io.Discard, "", 0)) //nolint:errcheck
}

var prefixRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_]*$`) })

// Open connects to dsn ("mysql:<go-sql-driver DSN>" or "sqlite:<path>"),
// pings it and checks that the tables and columns the tool uses exist.
func Open(ctx context.Context, dsn string, o Options) (*Store, error) {
	if !prefixRE().MatchString(o.TablePrefix) {
		return nil, fmt.Errorf("%w: table prefix %q may hold only letters, digits and _", ErrBadDSN, o.TablePrefix)
	}
	sdb, dialect, err := openRaw(ctx, dsn, o.Password)
	if err != nil {
		return nil, err
	}
	s := &Store{DB: sdb, Dialect: dialect, prefix: o.TablePrefix, now: o.Now}
	if err := s.checkSchema(ctx, o.Admin); err != nil {
		sdb.Close()
		return nil, err
	}
	if o.CentralAuthDSN != "" {
		cdb, _, err := openRaw(ctx, o.CentralAuthDSN, o.CentralAuthPassword)
		if err != nil {
			sdb.Close()
			return nil, fmt.Errorf("centralauth: %w", err)
		}
		s.central = cdb
		have, err := columnsOf(ctx, cdb, "globaluser")
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("centralauth: %w", err)
		}
		for _, c := range []string{"gu_id", "gu_name"} {
			if !have[c] {
				s.Close()
				return nil, fmt.Errorf("centralauth: %w", &SchemaError{Table: "globaluser", Column: c})
			}
		}
		s.centralCols = have
		if g, err := columnsOf(ctx, cdb, "global_user_groups"); err == nil {
			s.centralHasGroups = g["gug_user"] && g["gug_group"] && g["gug_expiry"]
		}
	}
	return s, nil
}

// openRaw parses the DSN and connects without any schema check.
func openRaw(ctx context.Context, dsn, password string) (*sql.DB, Dialect, error) {
	scheme, rest, ok := strings.Cut(dsn, ":")
	if !ok || rest == "" {
		return nil, "", fmt.Errorf("%w: want mysql:<user>@unix(/path/sock)/<db> or sqlite:<path>", ErrBadDSN)
	}
	switch scheme {
	case "mysql", "mariadb":
		cfg, err := mysql.ParseDSN(rest)
		if err != nil {
			// The driver's message names the problem, never the password.
			return nil, "", fmt.Errorf("%w: %v", ErrBadDSN, err)
		}
		if cfg.DBName == "" {
			return nil, "", fmt.Errorf("%w: no database name (mysql:user@tcp(host:3306)/dbname)", ErrBadDSN)
		}
		if cfg.Passwd == "" {
			cfg.Passwd = password
		}
		// Binary columns must come back as bytes, times as TS_MW strings; no
		// driver-side conversion.
		cfg.ParseTime = false
		// The driver's default connection charset is utf8mb4: text we send
		// is stored byte for byte in MediaWiki's binary columns.
		conn, err := mysql.NewConnector(cfg)
		if err != nil {
			return nil, "", fmt.Errorf("%w: %v", ErrBadDSN, err)
		}
		db := sql.OpenDB(conn)
		if err := db.PingContext(ctx); err != nil {
			db.Close()
			return nil, "", fmt.Errorf("connect to %s: %s", describeMySQL(cfg), oneLine(err))
		}
		return db, MySQL, nil
	case "sqlite", "sqlite3", "file":
		path := strings.TrimPrefix(rest, "//")
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		if path == "" {
			return nil, "", fmt.Errorf("%w: sqlite: needs a file path", ErrBadDSN)
		}
		if _, err := os.Stat(path); err != nil {
			// Never create an empty database by accident. The cause stays
			// wrapped: a missing file is "not found" to the command.
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return nil, "", fmt.Errorf("open %s: %w", path, err)
		}
		db, err := sql.Open("sqlite3", sqliteURI(path))
		if err != nil {
			return nil, "", fmt.Errorf("open %s: %s", path, oneLine(err))
		}
		// Opening does not read the file; the schema version does, so
		// a file that is not a database fails here, named as such.
		var version int64
		if err := db.QueryRowContext(ctx, "PRAGMA schema_version").Scan(&version); err != nil {
			db.Close()
			return nil, "", fmt.Errorf("open %s: %s", path, strings.TrimPrefix(oneLine(err), "sqlite3: "))
		}
		return db, SQLite, nil
	}
	return nil, "", fmt.Errorf("%w: unknown scheme %q (want mysql: or sqlite:)", ErrBadDSN, scheme)
}

// sqliteURI opens an existing file read-write. Writes take the database lock
// at BEGIN (immediate), so a consumer row cannot change between our read and
// our write; a busy database is waited for, not failed at once.
func sqliteURI(path string) string {
	q := url.Values{}
	q.Set("mode", "rw")
	q.Set("_txlock", "immediate")
	q.Add("_pragma", "busy_timeout(10000)")
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// CreateSQLite creates a new SQLite database file (the sandbox).
func CreateSQLite(ctx context.Context, path string) (*Store, error) {
	q := url.Values{}
	q.Set("mode", "rwc")
	q.Set("_txlock", "immediate")
	q.Add("_pragma", "busy_timeout(10000)")
	db, err := sql.Open("sqlite3", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return &Store{DB: db, Dialect: SQLite}, nil
}

func describeMySQL(cfg *mysql.Config) string {
	addr := cfg.Addr
	if cfg.Net == "unix" {
		addr = "unix(" + addr + ")"
	}
	return fmt.Sprintf("%s@%s/%s", cfg.User, addr, cfg.DBName)
}

func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// Close closes the connections.
func (s *Store) Close() error {
	if s.central != nil {
		s.central.Close()
	}
	return s.DB.Close()
}

// T returns the quoted, prefixed name of a table.
func (s *Store) T(name string) string {
	if s.Dialect == MySQL {
		return "`" + s.prefix + name + "`"
	}
	return `"` + s.prefix + name + `"`
}

// Prefix returns the table prefix.
func (s *Store) Prefix() string { return s.prefix }

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
)

func (s *Store) checkSchema(ctx context.Context, admin bool) error {
	required := []struct {
		table string
		cols  []string
	}{
		{"oauth_registered_consumer", consumerColumns},
		{"oauth_accepted_consumer", acceptanceColumns},
		{"oauth2_access_tokens", tokenColumns},
		{"actor", actorColumns},
	}
	if admin {
		required = append(required,
			struct {
				table string
				cols  []string
			}{"logging", loggingColumns},
			struct {
				table string
				cols  []string
			}{"log_search", logSearchColumns},
			struct {
				table string
				cols  []string
			}{"comment", commentColumns})
	}
	for _, r := range required {
		have, err := columnsOf(ctx, s.DB, s.T(r.table))
		if err != nil {
			var se *SchemaError
			if errors.As(err, &se) {
				se.Table = s.prefix + r.table
			}
			return err
		}
		for _, c := range r.cols {
			if !have[c] {
				return &SchemaError{Table: s.prefix + r.table, Column: c}
			}
		}
	}
	s.hasUser = s.tableExists(ctx, "user", "user_id", "user_name")
	s.hasPage = s.tableExists(ctx, "page", "page_id", "page_namespace", "page_title")
	s.hasChangeTagDef = s.tableExists(ctx, "change_tag_def", "ctd_name", "ctd_count")
	s.hasUserGroups = s.tableExists(ctx, "user_groups", "ug_user", "ug_group", "ug_expiry")
	s.hasBlock = s.tableExists(ctx, "block", "bl_target", "bl_expiry", "bl_sitewide") &&
		s.tableExists(ctx, "block_target", "bt_id", "bt_user")
	s.hasLogging = s.tableExists(ctx, "logging", loggingColumns...) &&
		s.tableExists(ctx, "log_search", logSearchColumns...) &&
		s.tableExists(ctx, "comment", commentColumns...)
	return nil
}

func (s *Store) tableExists(ctx context.Context, table string, cols ...string) bool {
	have, err := columnsOf(ctx, s.DB, s.T(table))
	if err != nil {
		return false
	}
	for _, c := range cols {
		if !have[c] {
			return false
		}
	}
	return true
}

// columnsOf lists a table's columns with a query both engines answer the
// same way. A missing table is a *SchemaError; anything else is returned.
func columnsOf(ctx context.Context, db *sql.DB, quoted string) (map[string]bool, error) {
	rows, err := db.QueryContext(ctx, "SELECT * FROM "+quoted+" WHERE 1=0")
	if err != nil {
		if isNoSuchTable(err) {
			return nil, &SchemaError{Table: strings.Trim(quoted, "`\"")}
		}
		return nil, fmt.Errorf("read schema: %s", oneLine(err))
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	m := make(map[string]bool, len(cols))
	for _, c := range cols {
		m[strings.ToLower(c)] = true
	}
	return m, rows.Err()
}

func isNoSuchTable(err error) bool {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return me.Number == 1146
	}
	return strings.Contains(err.Error(), "no such table")
}

// TimestampFormat is MediaWiki's TS_MW.
const TimestampFormat = mediawiki.TimestampFormat

// FormatTimestamp and ParseTimestamp are mediawiki's TS_MW conversions.
var (
	FormatTimestamp = mediawiki.FormatTimestamp
	ParseTimestamp  = mediawiki.ParseTimestamp
)

// querier is what *sql.DB, *sql.Tx and *sql.Conn share.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}
