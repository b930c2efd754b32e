package db

import (
	"errors"
	"strings"
	"testing"
)

// TestClientDefaults: what a mysql DSN leaves out comes from the option
// files as the mysql client takes it; what it says stays.
func TestClientDefaults(t *testing.T) {
	sock := ClientDefaults{User: "cnfuser", Socket: "/run/cnf.sock"}
	for _, c := range []struct {
		dsn  string
		cd   ClientDefaults
		want string // Target
	}{
		{"mysql:wikiadmin@tcp(db1:3306)/metawiki", sock, "mysql wikiadmin@db1:3306/metawiki"},
		{"mysql:@tcp(db1:3306)/metawiki", sock, "mysql cnfuser@db1:3306/metawiki"},
		{"mysql:/metawiki", sock, "mysql cnfuser@unix(/run/cnf.sock)/metawiki"},
		{"mysql:wikiadmin@/metawiki", sock, "mysql wikiadmin@unix(/run/cnf.sock)/metawiki"},
		{"mysql:wikiadmin@/metawiki?charset=binary", ClientDefaults{Host: "db2", Port: "3307"}, "mysql wikiadmin@db2:3307/metawiki"},
		{"mysql:wikiadmin@/metawiki", ClientDefaults{Host: "db2"}, "mysql wikiadmin@db2:3306/metawiki"},
		{"mysql:wikiadmin@/metawiki", ClientDefaults{Host: "localhost"}, "mysql wikiadmin@unix(" + DefaultSocket + ")/metawiki"},
		{"mysql:wikiadmin@/metawiki", ClientDefaults{Host: "localhost", Port: "3307", Protocol: "TCP"}, "mysql wikiadmin@localhost:3307/metawiki"},
		{"mysql:wikiadmin@/metawiki", ClientDefaults{Host: "db2", Socket: "/s", Protocol: "socket"}, "mysql wikiadmin@unix(/s)/metawiki"},
		{"mysql:wikiadmin@/metawiki", ClientDefaults{Port: "3307"}, "mysql wikiadmin@127.0.0.1:3307/metawiki"},
		{"mysql:wikiadmin@unix/metawiki", ClientDefaults{}, "mysql wikiadmin@unix(" + DefaultSocket + ")/metawiki"},
		{"mysql:wikiadmin@tcp/metawiki", ClientDefaults{Host: "db3", Socket: "/s"}, "mysql wikiadmin@db3:3306/metawiki"},
		{"mysql:wikiadmin@unix(/x.sock)/metawiki", ClientDefaults{Host: "db3"}, "mysql wikiadmin@unix(/x.sock)/metawiki"},
		{"mysql:wikiadmin@/metawiki", ClientDefaults{}, "mysql wikiadmin@127.0.0.1:3306/metawiki"},
		{"mysql:a:p@ss@/metawiki", ClientDefaults{Host: "::1"}, "mysql a@[::1]:3306/metawiki"},
	} {
		p, err := parseDSN(c.dsn, "", c.cd)
		if err != nil {
			t.Errorf("%s: %v", c.dsn, err)
			continue
		}
		if got := p.target.String(); got != c.want {
			t.Errorf("%s with %+v: %s, want %s", c.dsn, c.cd, got, c.want)
		}
	}
	// The password: the DSN's, else the one given.
	if p, _ := parseDSN("mysql:u:indsn@/w", "given", sock); p.mysql.Passwd != "indsn" {
		t.Errorf("password %q", p.mysql.Passwd)
	}
	if p, _ := parseDSN("mysql:u@/w", "given", sock); p.mysql.Passwd != "given" {
		t.Errorf("password %q", p.mysql.Passwd)
	}
}

// TestURLDSN: a mysql:// URL is answered with the DSN it stands for, and
// its password is never repeated.
func TestURLDSN(t *testing.T) {
	for dsn, want := range map[string]string{
		"mysql://wikiadmin@localhost/metawiki":   "write mysql:wikiadmin@unix(" + DefaultSocket + ")/metawiki (the socket, as the mysql client takes localhost) or mysql:wikiadmin@tcp(localhost:3306)/metawiki",
		"mysql://wikiadmin:pw@db1:3307/metawiki": "write mysql:wikiadmin@tcp(db1:3307)/metawiki; the password goes in MWOAUTH_DB_PASSWORD or ~/.my.cnf",
		"mariadb://db1/metawiki":                 "write mariadb:@tcp(db1:3306)/metawiki",
		"mysql://":                               "write mysql:USER@tcp(HOST:3306)/DB or mysql:USER@unix(/path/to/mysqld.sock)/DB",
		"mysql:wikiadmin@localhost/metawiki":     "(want mysql:USER@tcp(HOST:3306)/DB or mysql:USER@unix(/path/to/mysqld.sock)/DB)",
	} {
		_, err := parseDSN(dsn, "", ClientDefaults{})
		if err == nil || !errors.Is(err, ErrBadDSN) || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "pw@") {
			t.Errorf("%s: %v", dsn, err)
		}
	}
}
