package procgroup

import (
	"bufio"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// gone: the process has exited (it is absent, or a zombie nobody reaped:
// in a container the init process may not reap orphans).
func gone(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && len(s) > i+2 && s[i+2] == 'Z'
}

func waitGone(t *testing.T, pids ...int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for _, pid := range pids {
		for !gone(pid) {
			if time.Now().After(deadline) {
				t.Fatalf("process %d still runs", pid)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// readPIDs reads n pids, one a line, that the shell prints.
func readPIDs(t *testing.T, sc *bufio.Scanner, n int) []int {
	t.Helper()
	var pids []int
	for len(pids) < n && sc.Scan() {
		pid, err := strconv.Atoi(strings.TrimSpace(sc.Text()))
		if err != nil {
			t.Fatalf("shell printed %q", sc.Text())
		}
		pids = append(pids, pid)
	}
	if len(pids) < n {
		t.Fatalf("shell printed %d pids, want %d", len(pids), n)
	}
	return pids
}

// Kill reaches the shell's background children, which killing the shell
// alone would leave running.
func TestKillReachesTheBackground(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	cmd := exec.Command("bash", "-c", "sleep 300 & echo $!; sleep 300 & echo $!; echo $$; wait")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	Own(cmd)
	if err := Kill(cmd); err != nil {
		t.Fatalf("Kill before Start: %v", err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pids := readPIDs(t, bufio.NewScanner(out), 3)
	if err := Kill(cmd); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	waitGone(t, pids...)
}

// A child started with Own dies with the process that started it, even when
// that process is killed and cleans nothing up.
func TestChildDiesWithItsParent(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Pdeathsig is Linux's")
	}
	if os.Getenv("PROCGROUP_PARENT") == "1" {
		cmd := exec.Command("sleep", "300")
		Own(cmd)
		if err := cmd.Start(); err != nil {
			os.Exit(3)
		}
		os.Stdout.WriteString(strconv.Itoa(cmd.Process.Pid) + "\n")
		time.Sleep(300 * time.Second) // until the test kills us
		os.Exit(4)
	}
	parent := exec.Command(os.Args[0], "-test.run=^TestChildDiesWithItsParent$")
	parent.Env = append(os.Environ(), "PROCGROUP_PARENT=1")
	out, err := parent.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := parent.Start(); err != nil {
		t.Fatal(err)
	}
	child := readPIDs(t, bufio.NewScanner(out), 1)[0]
	if gone(child) {
		t.Fatal("the child is not running before its parent dies")
	}
	_ = parent.Process.Kill() // SIGKILL: no deferred cleanup runs
	_ = parent.Wait()
	waitGone(t, child)
}
