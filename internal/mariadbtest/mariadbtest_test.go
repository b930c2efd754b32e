package mariadbtest

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

// TestServer checks the harness itself: a database per test, scripts run,
// and the server speaks over its socket.
func TestServer(t *testing.T) {
	s := Require(t)
	name := s.NewDatabase(t)
	s.Exec(t, name, "CREATE TABLE x (a INT); INSERT INTO x VALUES (1),(2);")
	var n int
	if err := s.Open(t, name).QueryRow("SELECT SUM(a) FROM x").Scan(&n); err != nil || n != 3 {
		t.Fatalf("sum = %d, %v; want 3", n, err)
	}
}
