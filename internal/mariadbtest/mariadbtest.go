// Package mariadbtest starts a real, throw-away MariaDB server for tests: its
// own data directory under a temporary directory, a unix socket, no TCP. One
// server is shared by a test package (start it in TestMain); each test gets
// its own database.
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
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
)

// Server is a running mariadbd.
type Server struct {
	Dir    string // temporary directory holding data, socket and log
	Socket string
	cmd    *exec.Cmd
	root   *sql.DB
	seq    atomic.Int64
	done   chan struct{}
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

// Start installs a fresh data directory and starts the server. It waits until
// the server answers.
func Start() (*Server, error) {
	server := os.Getenv("MARIADBD")
	if server == "" {
		server = findBinary("mariadbd", "mysqld")
	}
	install := findBinary("mariadb-install-db", "mysql_install_db")
	if server == "" || install == "" {
		return nil, ErrNoServer
	}
	// A short path: unix socket paths are limited to ~107 bytes.
	dir, err := os.MkdirTemp("", "mdb")
	if err != nil {
		return nil, err
	}
	s := &Server{Dir: dir, Socket: filepath.Join(dir, "s.sock"), done: make(chan struct{})}
	data := filepath.Join(dir, "data")
	args := []string{"--no-defaults", "--datadir=" + data, "--auth-root-authentication-method=normal",
		"--skip-test-db", "--skip-name-resolve"}
	if os.Geteuid() == 0 {
		args = append(args, "--user=root")
	}
	if out, err := exec.Command(install, args...).CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("%s: %v\n%s", install, err, lastLines(string(out), 20))
	}
	srvArgs := []string{"--no-defaults", "--datadir=" + data, "--socket=" + s.Socket, "--skip-networking",
		"--pid-file=" + filepath.Join(dir, "pid"), "--log-error=" + filepath.Join(dir, "error.log"),
		"--innodb-buffer-pool-size=64M", "--innodb-flush-log-at-trx-commit=2", "--innodb-doublewrite=0",
		"--skip-log-bin", "--max-connections=200", "--innodb-lock-wait-timeout=30"}
	if os.Geteuid() == 0 {
		srvArgs = append(srvArgs, "--user=root")
	}
	s.cmd = exec.Command(server, srvArgs...)
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
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
	if s.root != nil {
		s.root.Close()
	}
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Signal(syscall.SIGTERM) //nolint:errcheck
		select {
		case <-s.done:
		case <-time.After(30 * time.Second):
			syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL) //nolint:errcheck
			<-s.done
		}
	}
	os.RemoveAll(s.Dir)
}

// DSN is a go-sql-driver DSN for database name as user/password.
func (s *Server) DSN(name, user, password string) string {
	cfg := mysql.NewConfig()
	cfg.User, cfg.Passwd = user, password
	cfg.Net, cfg.Addr = "unix", s.Socket
	cfg.DBName = name
	return cfg.FormatDSN()
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
	db, err := sql.Open("mysql", s.DSN(name, "root", "")+"?multiStatements=true")
	if err != nil {
		t.Fatal(err)
	}
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

// Shared is the package's server, set by Main.
var Shared *Server
var startErr error

// Main starts the shared server for a test package, runs the tests and
// stops it. Use from TestMain: os.Exit(mariadbtest.Main(m)).
func Main(m *testing.M) int {
	Shared, startErr = Start()
	code := m.Run()
	if Shared != nil {
		Shared.Stop()
	}
	return code
}

// Require returns the shared server, or skips the test when none could be
// started (fails instead under CI=true).
func Require(t testing.TB) *Server {
	t.Helper()
	if Shared != nil {
		return Shared
	}
	err := startErr
	if err == nil {
		err = errors.New("mariadbtest.Main was not called from TestMain")
	}
	if os.Getenv("CI") == "true" || !errors.Is(err, ErrNoServer) {
		t.Fatalf("MariaDB test server unavailable: %v", err)
	}
	t.Skipf("MariaDB test server unavailable (%v); set CI=true to make this a failure", err)
	return nil
}
