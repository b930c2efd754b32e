// Package mariadbtest starts real, throw-away MariaDB servers for tests:
// each with its own data directory under one temporary root, a unix socket,
// no TCP. A test package's shared server starts lazily, on the first
// Require, so a package (or a -run selection) that needs none starts none;
// each test gets its own database.
//
// No orphans: the server dies with the test binary (Pdeathsig on Linux),
// Main stops it, and every start first sweeps the servers and directories
// that binaries killed before they could stop theirs left behind.
//
// When no server binary is installed, tests using it are skipped, except
// under CI=true, where a missing server is a failure.
package mariadbtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/mwoauth/mwoauth/internal/procgroup"
)

// Server is a running mariadbd.
type Server struct {
	Dir    string // temporary directory holding data, socket and log
	Socket string
	cmd    *exec.Cmd
	root   *sql.DB
	seq    atomic.Int64
	done   chan struct{}
	once   sync.Once
}

// ErrNoServer means no mariadbd/mysqld binary was found.
var ErrNoServer = errors.New("mariadbd not installed")

func findBinary(names ...string) string {
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
		for _, dir := range []string{"/usr/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/mysql/bin"} {
			p := filepath.Join(dir, n)
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return p
			}
		}
	}
	return ""
}

// rootDir holds every server's directory, so a later start can find and
// sweep the ones a killed test binary left. A short path: unix socket paths
// are limited to about 107 bytes.
func rootDir() string { return filepath.Join(os.TempDir(), "mwoauth-mdb") }

// ownerFile names the test binary that owns a server directory.
const ownerFile = "owner.pid"

// Sweep stops the servers whose owning test binary is gone and removes
// their directories. It returns how many it swept.
func Sweep() int {
	entries, err := os.ReadDir(rootDir())
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range entries {
		dir := filepath.Join(rootDir(), e.Name())
		owner := readPID(filepath.Join(dir, ownerFile))
		if owner > 0 && alive(owner) {
			continue
		}
		if info, err := e.Info(); owner == 0 && err == nil && time.Since(info.ModTime()) < time.Minute {
			continue // being created right now by another binary
		}
		if pid := readPID(filepath.Join(dir, "pid")); pid > 0 && alive(pid) && ownsDir(pid, dir) {
			procgroup.KillPID(pid) //nolint:errcheck
		}
		os.RemoveAll(dir)
		n++
	}
	return n
}

func readPID(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid
}

func alive(pid int) bool { return procgroup.Alive(pid) }

// ownsDir: the process is a server started on dir (never kill a stranger
// that reused the pid).
func ownsDir(pid int, dir string) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return true // no /proc: the pid file in our own directory is the evidence
	}
	return strings.Contains(string(b), dir)
}

// Start sweeps stale servers, installs a fresh data directory (retrying
// mariadb-install-db once: a cold run under load has failed) and starts
// the server. It waits until the server answers.
func Start() (*Server, error) {
	server := os.Getenv("MARIADBD")
	if server == "" {
		server = findBinary("mariadbd", "mysqld")
	}
	install := findBinary("mariadb-install-db", "mysql_install_db")
	if server == "" || install == "" {
		return nil, ErrNoServer
	}
	Sweep()
	if err := os.MkdirAll(rootDir(), 0o700); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(rootDir(), "s")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s := &Server{Dir: dir, Socket: filepath.Join(dir, "s.sock"), done: make(chan struct{})}
	data := filepath.Join(dir, "data")
	args := []string{"--no-defaults", "--datadir=" + data, "--auth-root-authentication-method=normal",
		"--skip-test-db", "--skip-name-resolve"}
	if os.Geteuid() == 0 {
		args = append(args, "--user=root")
	}
	var out []byte
	for attempt := 0; attempt < 2; attempt++ {
		os.RemoveAll(data)
		if out, err = exec.Command(install, args...).CombinedOutput(); err == nil {
			break
		}
	}
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("%s (tried twice): %v\n%s", install, err, lastLines(string(out), 20))
	}
	srvArgs := []string{"--no-defaults", "--datadir=" + data, "--socket=" + s.Socket, "--skip-networking",
		"--pid-file=" + filepath.Join(dir, "pid"), "--log-error=" + filepath.Join(dir, "error.log"),
		"--innodb-buffer-pool-size=64M", "--innodb-flush-log-at-trx-commit=2", "--innodb-doublewrite=0",
		"--skip-log-bin", "--max-connections=200", "--innodb-lock-wait-timeout=30"}
	if os.Geteuid() == 0 {
		srvArgs = append(srvArgs, "--user=root")
	}
	s.cmd = exec.Command(server, srvArgs...)
	procgroup.Own(s.cmd)
	if err := s.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	go func() { s.cmd.Wait(); close(s.done) }() //nolint:errcheck // exit status is in error.log

	deadline := time.Now().Add(60 * time.Second)
	for {
		db, err := sql.Open("mysql", s.DSN("", "root", ""))
		if err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			err = db.PingContext(ctx)
			cancel()
			if err == nil {
				s.root = db
				break
			}
			db.Close()
		}
		select {
		case <-s.done:
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			os.RemoveAll(dir)
			return nil, fmt.Errorf("mariadbd exited during start-up:\n%s", lastLines(string(log), 20))
		default:
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			s.Stop()
			return nil, fmt.Errorf("mariadbd did not answer within 60s: %v\n%s", err, lastLines(string(log), 20))
		}
		time.Sleep(100 * time.Millisecond)
	}
	return s, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// Stop shuts the server down and removes its directory.
func (s *Server) Stop() {
	s.once.Do(func() {
		if s.root != nil {
			s.root.Close()
		}
		if s.cmd != nil && s.cmd.Process != nil {
			s.cmd.Process.Signal(syscall.SIGTERM) //nolint:errcheck
			select {
			case <-s.done:
			case <-time.After(30 * time.Second):
				procgroup.Kill(s.cmd) //nolint:errcheck
				<-s.done
			}
		}
		os.RemoveAll(s.Dir)
	})
}

// Config is the driver's configuration for database name as user/password
// over the server's socket; options are set here, never appended to a
// formatted DSN.
func (s *Server) Config(name, user, password string) *mysql.Config {
	cfg := mysql.NewConfig()
	cfg.User, cfg.Passwd = user, password
	cfg.Net, cfg.Addr = "unix", s.Socket
	cfg.DBName = name
	return cfg
}

// DSN is a go-sql-driver DSN for database name as user/password.
func (s *Server) DSN(name, user, password string) string {
	return s.Config(name, user, password).FormatDSN()
}

// Root is a root connection without a default database.
func (s *Server) Root() *sql.DB { return s.root }

// NewDatabase creates an empty database for the test, dropped when the test
// ends, and returns its name.
func (s *Server) NewDatabase(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("t%d_%d", os.Getpid(), s.seq.Add(1))
	if _, err := s.root.Exec("CREATE DATABASE " + name + " DEFAULT CHARACTER SET binary"); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() { s.root.Exec("DROP DATABASE IF EXISTS " + name) }) //nolint:errcheck
	return name
}

// Open connects as root to database name with multi-statement support (for
// loading dumps).
func (s *Server) Open(t testing.TB, name string) *sql.DB {
	t.Helper()
	cfg := s.Config(name, "root", "")
	cfg.MultiStatements = true
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(conn)
	t.Cleanup(func() { db.Close() })
	return db
}

// Exec runs a SQL script (one or many statements, e.g. a mariadb-dump file)
// in database name.
func (s *Server) Exec(t testing.TB, name, script string) {
	t.Helper()
	db := s.Open(t, name)
	if _, err := db.Exec(script); err != nil {
		t.Fatalf("run SQL script: %v", err)
	}
}

// The package's shared server, started by the first Require.
var shared struct {
	once sync.Once
	srv  *Server
	err  error
}

// Main runs the tests and stops the shared server if one was started. Use
// from TestMain: os.Exit(mariadbtest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	if shared.srv != nil {
		shared.srv.Stop()
	}
	return code
}

// Shared returns the package's server if one is running (nil otherwise).
func Shared() *Server { return shared.srv }

// Require returns the shared server, starting it on first use, or skips
// the test when none can be started (fails instead under CI=true, or when a
// server is installed but would not start).
func Require(t testing.TB) *Server {
	t.Helper()
	shared.once.Do(func() { shared.srv, shared.err = Start() })
	if shared.srv != nil {
		return shared.srv
	}
	return fail(t, shared.err)
}

// RequireAnother starts a second, separate server for one test (two
// database servers), stopped when the test ends.
func RequireAnother(t testing.TB) *Server {
	t.Helper()
	s, err := Start()
	if err != nil {
		return fail(t, err)
	}
	t.Cleanup(s.Stop)
	return s
}

func fail(t testing.TB, err error) *Server {
	t.Helper()
	if os.Getenv("CI") == "true" || !errors.Is(err, ErrNoServer) {
		t.Fatalf("MariaDB test server unavailable: %v", err)
	}
	t.Skipf("MariaDB test server unavailable (%v); set CI=true to make this a failure", err)
	return nil
}
