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
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
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
		return fmt.Sprintf("database has no table %s (wrong table prefix, or not the wiki's database?)", e.Table)
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

func init() {
	// The driver logs dropped connections to stderr by itself; the error is
	// returned to us anyway, and stderr belongs to the command.
	mysql.SetLogger(log.New(io.Discard, "", 0)) //nolint:errcheck
}

var prefixRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_]*$`) })

// Open connects to dsn ("mysql:<go-sql-driver DSN>" or "sqlite:<path>"),
// and to o.WikiDSN when it names another database, pings them and checks,
// in one query per database, that the tables and columns the tool uses
// exist.
func Open(ctx context.Context, dsn string, o Options) (*Store, error) {
	if !prefixRE().MatchString(o.TablePrefix) {
		return nil, fmt.Errorf("%w: table prefix %q may hold only letters, digits and _", ErrBadDSN, o.TablePrefix)
	}
	main, err := parseDSN(dsn, o.Password, o.Client)
	if err != nil {
		return nil, err
	}
	s := &Store{Dialect: main.dialect, prefix: o.TablePrefix, now: o.Now, writeNow: o.WallNow, target: main.target}
	var wiki *parsedDSN
	if o.WikiDSN != "" && o.WikiDSN != dsn {
		if wiki, err = parseDSN(o.WikiDSN, o.Password, o.Client); err != nil {
			return nil, fmt.Errorf("wiki database: %w", err)
		}
		if wiki.dialect != main.dialect {
			return nil, fmt.Errorf("%w: the wiki database and the OAuth database must be the same engine (mysql or sqlite)", ErrBadDSN)
		}
		if wiki.target == main.target {
			wiki = nil // the same database spelled twice
		}
	}
	if s.db, err = main.open(ctx, o.ReadOnly); err != nil {
		return nil, err
	}
	s.wdb = s.db
	s.wikiTarget = s.target
	if wiki != nil {
		s.wikiTarget = wiki.target
		if main.sameServer(wiki) {
			s.wikiSchema = wiki.target.Database
		} else if s.wdb, err = wiki.open(ctx, o.ReadOnly); err != nil {
			s.db.Close()
			return nil, fmt.Errorf("wiki database: %w", err)
		}
	}
	if err := s.checkSchema(ctx, o.Admin); err != nil {
		s.Close()
		return nil, err
	}
	if o.CentralAuthDSN != "" {
		ca, err := parseDSN(o.CentralAuthDSN, o.CentralAuthPassword, o.Client)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("centralauth: %w", err)
		}
		if s.central, err = ca.open(ctx, true); err != nil {
			s.Close()
			return nil, fmt.Errorf("centralauth: %w", err)
		}
		cols, err := listColumns(ctx, s.central, ca.dialect, "", []string{"globaluser", "global_user_groups"})
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("centralauth: %w", err)
		}
		s.centralCols = cols["globaluser"]
		if err := requireColumns("globaluser", s.centralCols, []string{"gu_id", "gu_name"}); err != nil {
			s.Close()
			return nil, fmt.Errorf("centralauth: %w", err)
		}
		g := cols["global_user_groups"]
		s.centralHasGroups = g["gug_user"] && g["gug_group"] && g["gug_expiry"]
	}
	return s, nil
}

// ClientDefaults are the connection options of the mysql client's option
// files. Empty fields are unset.
type ClientDefaults struct {
	User     string // user; else the login name, as the client does
	Host     string // host: "localhost" (or none) means the socket
	Port     string // port, for TCP
	Socket   string // socket, for localhost
	Protocol string // protocol: tcp or socket
}

// DefaultSocket is where the mysql client looks for the server when a
// connection to localhost names no socket (Debian's MariaDB and MySQL).
const DefaultSocket = "/run/mysqld/mysqld.sock"

// applyDefaults fills what a DSN left out the way the mysql client fills
// it from its option files: the user; and, for a DSN with no address
// (user@/db) or only a network (user@tcp/db, user@unix/db), the host, port
// and socket: localhost (or no host) with a socket, or protocol=socket, is
// the socket (DefaultSocket when none is named); another host, or a port
// or protocol=tcp, is TCP (127.0.0.1 and 3306 filling in). A DSN with no
// address and option files that say nothing of one keeps the driver's
// 127.0.0.1:3306.
func applyDefaults(cfg *mysql.Config, rest string, cd ClientDefaults) {
	if cfg.User == "" {
		cfg.User = cd.User
	}
	head := rest
	if i := strings.IndexByte(head, '?'); i >= 0 {
		head = head[:i]
	}
	if i := strings.LastIndexByte(head, '/'); i >= 0 {
		head = head[:i]
	}
	netAddr := head[strings.LastIndexByte(head, '@')+1:]
	if strings.Contains(netAddr, "(") {
		return // the DSN names its address
	}
	proto := strings.ToLower(cd.Protocol)
	local := cd.Host == "" || cd.Host == "localhost"
	switch {
	case netAddr == "unix" || netAddr == "" && proto == "socket" || netAddr == "" && proto == "" && local && (cd.Socket != "" || cd.Host == "localhost"):
		cfg.Net, cfg.Addr = "unix", cd.Socket
		if cfg.Addr == "" {
			cfg.Addr = DefaultSocket
		}
	case netAddr == "tcp" || netAddr == "" && (cd.Host != "" || cd.Port != "" || proto == "tcp"):
		host, port := cd.Host, cd.Port
		if host == "" {
			host = "127.0.0.1"
		}
		if port == "" {
			port = "3306"
		}
		cfg.Net, cfg.Addr = "tcp", net.JoinHostPort(host, port)
	}
}

// parsedDSN is a DSN understood, not yet connected.
type parsedDSN struct {
	dialect Dialect
	mysql   *mysql.Config
	path    string
	target  Target
}

// parseDSN reads "mysql:<go-sql-driver DSN>" or "sqlite:<path>".
func parseDSN(dsn, password string, cd ClientDefaults) (*parsedDSN, error) {
	scheme, dialect, rest := SplitDSN(dsn)
	if scheme == "" || rest == "" {
		return nil, fmt.Errorf("%w: want mysql:<user>@unix(/path/sock)/<db> or sqlite:<path>", ErrBadDSN)
	}
	switch dialect {
	case MySQL:
		if strings.HasPrefix(rest, "//") {
			return nil, urlDSNError(scheme, rest)
		}
		cfg, err := mysql.ParseDSN(rest)
		if err != nil {
			// The driver's message names the problem, never the password.
			return nil, fmt.Errorf("%w: %v (want %s:USER@tcp(HOST:3306)/DB or %s:USER@unix(/path/to/mysqld.sock)/DB)", ErrBadDSN, err, scheme, scheme)
		}
		if cfg.DBName == "" {
			return nil, fmt.Errorf("%w: no database name (mysql:user@tcp(host:3306)/dbname)", ErrBadDSN)
		}
		applyDefaults(cfg, rest, cd)
		if cfg.Passwd == "" {
			cfg.Passwd = password
		}
		// Binary columns must come back as bytes, times as TS_MW strings; no
		// driver-side conversion.
		cfg.ParseTime = false
		addr := cfg.Addr
		if cfg.Net == "unix" {
			addr = "unix(" + addr + ")"
		}
		return &parsedDSN{dialect: MySQL, mysql: cfg, target: Target{Engine: MySQL, Address: addr, Database: cfg.DBName, User: cfg.User}}, nil
	case SQLite:
		path := sqlitePath(rest)
		if path == "" {
			return nil, fmt.Errorf("%w: sqlite: needs a file path", ErrBadDSN)
		}
		abs, err := filepath.Abs(path)
		if err != nil {
			abs = path
		}
		return &parsedDSN{dialect: SQLite, path: path, target: Target{Engine: SQLite, Path: abs}}, nil
	}
	return nil, fmt.Errorf("%w: unknown scheme %q (want mysql: or sqlite:)", ErrBadDSN, scheme)
}

// urlDSNError answers a URL-style DSN (mysql://user@host/db, as other
// tools take) with the go-sql-driver DSN it stands for. The password is
// never repeated.
func urlDSNError(scheme, rest string) error {
	u, err := url.Parse(scheme + ":" + rest)
	if err != nil || u.Host == "" || strings.Trim(u.Path, "/") == "" {
		return fmt.Errorf("%w: %s://… is a URL, not a go-sql-driver DSN: write %s:USER@tcp(HOST:3306)/DB or %s:USER@unix(/path/to/mysqld.sock)/DB", ErrBadDSN, scheme, scheme, scheme)
	}
	user := ""
	if u.User != nil {
		user = u.User.Username()
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "3306"
	}
	db := strings.Trim(u.Path, "/")
	want := fmt.Sprintf("%s:%s@tcp(%s)/%s", scheme, user, net.JoinHostPort(host, port), db)
	if host == "localhost" && u.Port() == "" {
		want = fmt.Sprintf("%s:%s@unix(%s)/%s (the socket, as the mysql client takes localhost) or %s", scheme, user, DefaultSocket, db, want)
	}
	note := ""
	if _, has := u.User.Password(); has {
		note = "; the password goes in MWOAUTH_DB_PASSWORD or ~/.my.cnf"
	}
	return fmt.Errorf("%w: %s://… is a URL, not a go-sql-driver DSN: write %s%s", ErrBadDSN, scheme, want, note)
}

// sameServer: both are schemas on one MySQL server reached the same way as
// the same user, so one connection can write both in one transaction.
func (p *parsedDSN) sameServer(o *parsedDSN) bool {
	return p.dialect == MySQL && o.dialect == MySQL && p.mysql.Net == o.mysql.Net && p.mysql.Addr == o.mysql.Addr &&
		p.mysql.User == o.mysql.User && p.mysql.Passwd == o.mysql.Passwd
}

// open connects and pings.
func (p *parsedDSN) open(ctx context.Context, readOnly bool) (*sql.DB, error) {
	if p.dialect == MySQL {
		return openMySQL(ctx, p.mysql, readOnly)
	}
	if _, err := os.Stat(p.path); err != nil {
		// Never create an empty database by accident. The cause stays
		// wrapped: a missing file is "not found" to the command.
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("open %s: %w", p.path, err)
	}
	db, err := sql.Open("sqlite3", sqliteURI(p.path, readOnly))
	if err != nil {
		return nil, fmt.Errorf("open %s: %s", p.path, oneLine(err))
	}
	// Opening does not read the file; the schema version does, so a file
	// that is not a database fails here, named as such.
	var version int64
	if err := db.QueryRowContext(ctx, "PRAGMA schema_version").Scan(&version); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %s", p.path, strings.TrimPrefix(oneLine(err), "sqlite3: "))
	}
	return db, nil
}

// openMySQL connects with the driver's config. A read-only session makes
// every transaction read-only (transaction_read_only; tx_read_only before
// MariaDB 11.1 and MySQL 8.0), so a write could not slip through a reading
// command and a replica that is read_only answers all the same.
func openMySQL(ctx context.Context, cfg *mysql.Config, readOnly bool) (*sql.DB, error) {
	try := func(param string) (*sql.DB, error) {
		c := cfg.Clone()
		if param != "" {
			if c.Params == nil {
				c.Params = map[string]string{}
			}
			c.Params[param] = "1"
		}
		conn, err := mysql.NewConnector(c)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadDSN, err)
		}
		db := sql.OpenDB(conn)
		if err := db.PingContext(ctx); err != nil {
			db.Close()
			return nil, err
		}
		return db, nil
	}
	var db *sql.DB
	var err error
	if readOnly {
		db, err = try("transaction_read_only")
		var me *mysql.MySQLError
		if errors.As(err, &me) && me.Number == 1193 { // unknown system variable
			db, err = try("tx_read_only")
		}
	} else {
		db, err = try("")
	}
	if err != nil {
		if errors.Is(err, ErrBadDSN) {
			return nil, err
		}
		return nil, fmt.Errorf("connect to %s: %s", describeMySQL(cfg), oneLine(err))
	}
	return db, nil
}

// sqliteURI opens an existing file read-write, or read-only. Writes take
// the database lock at BEGIN (immediate), so a consumer row cannot change
// between our read and our write; a busy database is waited for, not
// failed at once. Read-only opens never write the file or its directory, so
// a file the user may only read, in a folder they may not write, opens.
func sqliteURI(path string, readOnly bool) string {
	q := url.Values{}
	if readOnly {
		q.Set("mode", "ro")
	} else {
		q.Set("mode", "rw")
		q.Set("_txlock", "immediate")
	}
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
	abs, _ := filepath.Abs(path)
	t := Target{Engine: SQLite, Path: abs}
	return &Store{db: db, wdb: db, Dialect: SQLite, target: t, wikiTarget: t}, nil
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
