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
	"strings"
	"sync"

	"github.com/go-sql-driver/mysql"
	_ "github.com/ncruces/go-sqlite3/driver" // registers the "sqlite3" driver

	"github.com/mwoauth/mwoauth/mediawiki"
)

// ErrNotFound is returned when a consumer, token, user or row does not exist.
var ErrNotFound = mediawiki.ErrNotFound

// ErrBadDSN marks a DSN that cannot be parsed (a usage mistake, not a
// connection failure).
var ErrBadDSN = errors.New("bad database DSN")

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
