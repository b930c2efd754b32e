package db

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/mwoauth/mwoauth/mediawiki"
)

// Options tune Open.
type Options struct {
	// TablePrefix is $wgDBprefix; it is put in front of every table name.
	TablePrefix string
	// Password is used when the mysql DSN carries none (it comes from
	// MWOAUTH_DB_PASSWORD or ~/.my.cnf, never from argv).
	Password string
	// Client holds what the mysql client would read from its option files
	// (~/.my.cnf): a mysql DSN that leaves the user or the address out
	// takes them from here, as the client would.
	Client ClientDefaults
	// WikiDSN is the central wiki's database (logging, log_search, comment,
	// actor, user, page, user_groups, block), when it is not the database
	// holding the OAuth tables (master's virtual-oauth domain may map
	// elsewhere). "" means the same database.
	WikiDSN string
	// CentralAuthDSN, when set, names owners from CentralAuth's globaluser
	// table (oarc_user_id is then a global user id).
	CentralAuthDSN string
	// CentralAuthPassword is used when CentralAuthDSN carries none.
	CentralAuthPassword string
	// Admin asks Open to also check the tables consumer actions write:
	// logging, log_search, comment, actor.
	Admin bool
	// ReadOnly opens the databases for reading only: SQLite files with
	// mode=ro (a file the user may only read, a replica's copy), MySQL
	// sessions with read-only transactions (a replica refuses nothing).
	ReadOnly bool
	// Now is the clock that decides which group memberships and blocks are
	// in force (ug_expiry, gug_expiry, bl_expiry). Judging a token passes
	// its judging instant; nil is the real clock.
	Now func() time.Time
	// WallNow is the real clock writes are stamped with (the command's
	// Factory.WallNow, never a pinned judging clock); nil is time.Now.
	WallNow func() time.Time
}

// Dialect is the SQL engine behind a Store.
type Dialect string

const (
	MySQL  Dialect = "mysql"
	SQLite Dialect = "sqlite"
)

// Store is an open wiki: the database holding the OAuth tables and the
// central wiki's database, which may be the same.
type Store struct {
	db      *sql.DB // the OAuth tables (virtual-oauth)
	wdb     *sql.DB // the central wiki's tables; DB itself unless on another connection
	Dialect Dialect
	prefix  string

	// wikiSchema qualifies the central wiki's tables when they are another
	// schema on the same MySQL server: one connection and one transaction
	// span both.
	wikiSchema string

	target, wikiTarget Target

	central *sql.DB // CentralAuth database, or nil

	hasUser, hasPage, hasChangeTagDef, hasLogging bool
	hasUserGroups, hasBlock                       bool
	centralHasGroups                              bool            // global_user_groups in the CentralAuth database
	centralCols                                   map[string]bool // globaluser's columns

	now      func() time.Time
	writeNow func() time.Time // the real clock for stamps: see writeClock

	// testHook, when set, runs between the statements of a consumer action
	// (tests kill the connection there).
	testHook func(ctx context.Context, step string, q querier) error
}

// Target names a database for people: never a password.
type Target struct {
	Engine   Dialect `json:"engine"`
	Address  string  `json:"address,omitempty"`  // MySQL host:port or unix(socket)
	Database string  `json:"database,omitempty"` // MySQL schema
	Path     string  `json:"path,omitempty"`     // SQLite file
	User     string  `json:"user,omitempty"`     // MySQL user
}

func (t Target) String() string {
	if t.Engine == SQLite {
		return "sqlite " + t.Path
	}
	return fmt.Sprintf("mysql %s@%s/%s", t.User, t.Address, t.Database)
}

// Targets describes where a store reads and writes.
type Targets struct {
	OAuth  Target  `json:"oauth"`          // the OAuth tables
	Wiki   *Target `json:"wiki,omitempty"` // the central wiki's tables, when elsewhere
	Prefix string  `json:"table_prefix"`
	// SameTransaction: one transaction spans every table an action writes
	// (one database, or two schemas on one server).
	SameTransaction bool `json:"same_transaction"`
}

// Target names the database(s) the store touches.
func (s *Store) Target() Targets {
	t := Targets{OAuth: s.target, Prefix: s.prefix, SameTransaction: s.wdb == s.db}
	if s.wikiSchema != "" || s.wdb != s.db {
		w := s.wikiTarget
		t.Wiki = &w
	}
	return t
}

// Close closes the connections.
func (s *Store) Close() error {
	if s.central != nil {
		s.central.Close()
	}
	if s.wdb != nil && s.wdb != s.db {
		s.wdb.Close()
	}
	return s.db.Close()
}

// oauthTables live in the virtual-oauth domain; every other table the tool
// touches is the central wiki's.
var oauthTables = map[string]bool{"oauth_registered_consumer": true, "oauth_accepted_consumer": true, "oauth2_access_tokens": true}

// T returns the quoted, prefixed name of a table, qualified with the wiki's
// schema when the wiki's tables are another schema on the same server.
func (s *Store) T(name string) string {
	if s.Dialect == MySQL {
		t := "`" + s.prefix + name + "`"
		if s.wikiSchema != "" && !oauthTables[name] {
			t = "`" + strings.ReplaceAll(s.wikiSchema, "`", "``") + "`." + t
		}
		return t
	}
	return `"` + s.prefix + name + `"`
}

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
