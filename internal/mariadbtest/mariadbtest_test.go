package mariadbtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mwoauth/mwoauth/internal/procgroup"
)

func TestMain(m *testing.M) {
	if os.Getenv("MARIADBTEST_CHILD") == "1" {
		// A test binary that starts a server and is then killed (below).
		s, err := Start()
		if err != nil {
			os.Stderr.WriteString(err.Error())
			os.Exit(3)
		}
		os.Stdout.WriteString(s.Dir + "\n")
		time.Sleep(time.Hour)
	}
	os.Exit(Main(m))
}

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
	if Shared() != s {
		t.Errorf("Shared() is not the started server")
	}
}

// TestNoOrphans: SIGKILL a test binary that started a server; the server
// dies with it (Pdeathsig) and the next start sweeps its directory.
func TestNoOrphans(t *testing.T) {
	Require(t) // skips (or fails under CI) without a server
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "MARIADBTEST_CHILD=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 512)
	n, err := out.Read(buf)
	if err != nil {
		cmd.Process.Kill() //nolint:errcheck
		t.Fatalf("child: %v", err)
	}
	dir := strings.TrimSpace(string(buf[:n]))
	pid := readPID(filepath.Join(dir, "pid"))
	if pid <= 0 || !alive(pid) {
		t.Fatalf("child's server (dir %s) has no live pid", dir)
	}
	cmd.Process.Signal(syscall.SIGKILL) //nolint:errcheck
	cmd.Wait()                          //nolint:errcheck
	deadline := time.Now().Add(10 * time.Second)
	for alive(pid) && !zombie(pid) {
		if time.Now().After(deadline) {
			procgroup.KillPID(pid) //nolint:errcheck
			t.Fatalf("mariadbd %d outlived its killed test binary", pid)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("the killed binary's directory is already gone? %v", err)
	}
	if Sweep() < 1 {
		t.Errorf("sweep found nothing")
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("%s left behind after the sweep", dir)
	}
}

func zombie(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	f := strings.Fields(string(b))
	return len(f) > 2 && f[2] == "Z"
}
