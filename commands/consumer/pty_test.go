package consumer_test

import (
	"bytes"
	"database/sql"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/mwoauth/mwoauth/commands"
)

// The test binary doubles as mwoauth when this variable is set, so the pty
// test runs the real entry point (Main, its signal handling and printer) in
// a process of its own with a terminal.
const asMwoauth = "MWOAUTH_TEST_RUN_MAIN"

func init() {
	if os.Getenv(asMwoauth) == "1" {
		os.Exit(commands.Main())
	}
}

// ptyRun starts mwoauth on a new pseudo-terminal (its controlling terminal,
// so ^C typed there is SIGINT, as for a person at a keyboard).
type ptyRun struct {
	cmd  *exec.Cmd
	tty  *os.File
	mu   sync.Mutex
	out  bytes.Buffer
	done chan error
}

func startOnPTY(t *testing.T, env []string, args ...string) *ptyRun {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), append(env, asMwoauth+"=1")...)
	tty, err := pty.Start(cmd)
	if err != nil {
		t.Fatalf("start on a pty: %v", err)
	}
	r := &ptyRun{cmd: cmd, tty: tty, done: make(chan error, 1)}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := tty.Read(buf)
			r.mu.Lock()
			r.out.Write(buf[:n])
			r.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	go func() { r.done <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill() //nolint:errcheck
		}
		tty.Close()
	})
	return r
}

func (r *ptyRun) output() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.out.String()
}

// waitFor waits until the terminal shows s.
func (r *ptyRun) waitFor(t *testing.T, s string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(r.output(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("the terminal never showed %q:\n%s", s, r.output())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// exitCode waits for the process, at most within.
func (r *ptyRun) exitCode(t *testing.T, within time.Duration) int {
	t.Helper()
	select {
	case err := <-r.done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(within):
		t.Fatalf("still running %s after the keystroke:\n%s", within, r.output())
	}
	return -1
}

// TestCtrlCAtPrompt: Ctrl-C at the typed confirmation ends the command at
// once (exit 130) and writes nothing; before, it was echoed and ignored
// until Enter, and the next line was taken as the answer.
func TestCtrlCAtPrompt(t *testing.T) {
	home := isolate(t)
	sb := filepath.Join(home, "sb")
	if r := mwoauth(t, false, "", "2026-11-22T12:00:00Z", "sandbox", sb); r.code != 0 {
		t.Fatalf("sandbox: %s", r.stderr)
	}
	env := []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"), "NO_COLOR=1"}
	const leaky = "3c9e1d7a5f2b4086c1e3a5b7d9f0e2c4"
	for _, cmd := range [][]string{
		{"consumer", "disable", leaky, "--reason", "leak"},
		{"consumer", "revoke", "10", "--user", "Bob"},
	} {
		t.Run(cmd[1], func(t *testing.T) {
			r := startOnPTY(t, env, cmd...)
			r.waitFor(t, "Type the consumer's key or name")
			// Half an answer, then Ctrl-C: nothing of it may be taken.
			if _, err := io.WriteString(r.tty, leaky[:10]); err != nil {
				t.Fatal(err)
			}
			if _, err := r.tty.Write([]byte{3}); err != nil { // ^C
				t.Fatal(err)
			}
			if code := r.exitCode(t, 5*time.Second); code != 130 {
				t.Errorf("exit %d, want 130:\n%s", code, r.output())
			}
			r.waitFor(t, "error: interrupted at the prompt; nothing written")
		})
	}
	// Nothing was written: the consumer is approved, Bob's acceptance is there.
	conn, err := sql.Open("sqlite3", filepath.Join(sb, "wiki.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var stage, accs int
	if err := conn.QueryRow("SELECT oarc_stage FROM oauth_registered_consumer WHERE oarc_consumer_key = ?", leaky).Scan(&stage); err != nil || stage != 1 {
		t.Errorf("stage %d, %v; want 1 (nothing written)", stage, err)
	}
	if err := conn.QueryRow("SELECT COUNT(*) FROM oauth_accepted_consumer WHERE oaac_user_id = 5").Scan(&accs); err != nil || accs != 1 {
		t.Errorf("Bob's acceptances %d, %v; want 1", accs, err)
	}

	// The same prompt answered with the exact name goes ahead.
	r := startOnPTY(t, env, "consumer", "disable", leaky, "--reason", "leak")
	r.waitFor(t, "Type the consumer's key or name")
	io.WriteString(r.tty, "Leaky Client Credentials App\r") //nolint:errcheck
	if code := r.exitCode(t, 10*time.Second); code != 0 {
		t.Errorf("confirmed by name: exit %d:\n%s", code, r.output())
	}
}
