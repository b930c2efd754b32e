package token

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mwoauth/mwoauth/commands/sandbox"
	"github.com/mwoauth/mwoauth/db"
)

// TestProductionLooking: a token row goes without confirmation only to a
// database on this machine that its profile marks as a test wiki, or to a
// sandbox's own file.
func TestProductionLooking(t *testing.T) {
	dir := t.TempDir()
	sb := filepath.Join(dir, "sb")
	if err := os.Mkdir(sb, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sb, sandbox.Marker), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	mysql := func(addr string) db.Targets {
		return db.Targets{OAuth: db.Target{Engine: db.MySQL, Address: addr, Database: "testwiki"}}
	}
	sqlite := func(p string) db.Targets { return db.Targets{OAuth: db.Target{Engine: db.SQLite, Path: p}} }
	for _, c := range []struct {
		t        db.Targets
		kind     string
		prod     string // "" or a word of the reason
		confirms string
	}{
		{mysql("unix(/run/mysqld/mysqld.sock)"), "test", "", "testwiki"},
		{mysql("localhost:3306"), "test", "", "testwiki"},
		{mysql("127.0.0.1:3307"), "sandbox", "", "testwiki"},
		{mysql("[::1]:3306"), "test", "", "testwiki"},
		{mysql("db1:3306"), "test", "not this machine", "testwiki"},
		{mysql("10.64.0.5:3306"), "test", "not this machine", "testwiki"},
		{mysql("unix(/run/mysqld/mysqld.sock)"), "", "nothing marks it", "testwiki"},
		{mysql("unix(/run/mysqld/mysqld.sock)"), "production", "nothing marks it", "testwiki"},
		{sqlite(filepath.Join(sb, "wiki.sqlite")), "", "", "wiki.sqlite"},
		{sqlite(filepath.Join(sb, "wiki.sqlite")), "production", "nothing marks it", "wiki.sqlite"},
		{sqlite(filepath.Join(dir, "other.sqlite")), "", "nothing marks it", "other.sqlite"},
		{sqlite(filepath.Join(dir, "other.sqlite")), "test", "", "other.sqlite"},
	} {
		why, confirm := productionLooking(c.t, c.kind)
		if (why == "") != (c.prod == "") || !strings.Contains(why, c.prod) || confirm != c.confirms {
			t.Errorf("%+v kind %q: %q, confirm %q", c.t.OAuth, c.kind, why, confirm)
		}
	}
}
