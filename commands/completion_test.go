package commands

import (
	"database/sql"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
)

// freshHome makes a new empty directory the working directory and HOME,
// with no configuration file and no pinned clock.
func freshHome(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, ".config"))
	t.Setenv("MWOAUTH_CONFIG", "")
	t.Setenv("MWOAUTH_NOW", "")
	return dir
}

// TestCompletionNeverHangs: a database that accepts connections and never
// answers (a server stuck, a firewall that swallows packets after the
// handshake) costs a TAB the completion deadline, then nothing is offered.
func TestCompletionNeverHangs(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("MWOAUTH_DB_PASSWORD", "")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var mu sync.Mutex
	var held []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c) // never a greeting
			mu.Unlock()
		}
	}()
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range held {
			c.Close()
		}
	}()
	dsn := "mysql:wikiadmin@tcp(" + ln.Addr().String() + ")/metawiki"
	for _, args := range [][]string{
		{"__complete", "consumer", "show", "--db", dsn, ""},
		{"__complete", "consumer", "disable", "--db", dsn, "3c9"},
	} {
		ios, _, out, _ := cmdutil.Test()
		f := cmdutil.NewFactory(ios)
		f.CompleteTimeout = 200 * time.Millisecond
		done := make(chan int, 1)
		go func() { done <- Execute(f, args) }()
		select {
		case code := <-done:
			if code != 0 || strings.TrimSpace(out.String()) != ":4" {
				t.Errorf("%v: exit %d, completions %q", args, code, out.String())
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("%v: still waiting for the database after 30 s, with a 200 ms completion deadline", args)
		}
	}
}

// TestCompletionHostileKeys: a consumer key a terminal would act on is
// never offered for the command line; its row's id still is, described
// safely.
func TestCompletionHostileKeys(t *testing.T) {
	dir := freshHome(t)
	run := func(args ...string) (int, string) {
		ios, _, out, _ := cmdutil.Test()
		return Run(ios, args), out.String()
	}
	if code, _ := run("sandbox"); code != 0 {
		t.Fatal("sandbox failed")
	}
	wiki, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, "mwoauth-sandbox", "wiki.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wiki.Exec(`UPDATE oauth_registered_consumer SET oarc_consumer_key = ?, oarc_name = ? WHERE oarc_id = 2`,
		"3c9e\x1b[2J\tkey", "Leaky\tApp\x1b]0;x\a"); err != nil {
		t.Fatal(err)
	}
	wiki.Close()
	_, out := run("__complete", "consumer", "show", "")
	checkTerminalSafe(t, "completions", out, false)
	if strings.Contains(out, "3c9e") {
		t.Errorf("the hostile key is offered:\n%s", out)
	}
	if _, out = run("__complete", "consumer", "show", "2"); !strings.HasPrefix(out, "2\tLeaky\\x09App\\x1b]0;x\\x07 (approved)\n") {
		t.Errorf("id 2:\n%q", out)
	}
}
