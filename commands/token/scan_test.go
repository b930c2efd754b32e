package token

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// scanLog is a small log with the real wiki's tokens.
func scanLog(t *testing.T) string {
	t.Helper()
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(fixtures, "tokens", name))
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(b))
	}
	log := strings.Join([]string{
		`192.0.2.1 - - [22/Nov/2026:09:08:00 +0000] "GET /w/api.php HTTP/1.1" 200 512 "-" "curl/8.5.0" "Bearer ` + read("15-tokenA-cc.jwt") + `"`,
		`{"time":"2026-11-22T09:20:00Z","authorization":"Bearer ` + read("16-tokenB-cc.jwt") + `"}`,
		`{"time":"2026-11-22T09:21:00Z","authorization":"Bearer ` + read("crafted/bad-signature-bitflip.jwt") + `"}`,
		`192.0.2.1 - - [22/Nov/2026:09:25:00 +0000] "GET /w/api.php?access_token=` + read("15-tokenA-cc.jwt") + ` HTTP/1.1" 200 512`,
	}, "\n") + "\n"
	return log
}

// On a terminal: a progress line on stderr (cleared at the end) and the
// styled report on stdout.
func TestScanTTY(t *testing.T) {
	pub := filepath.Join(fixtures, "keys", "oauth2-public.pem")
	r := run(t, true, scanLog(t), "scan", "--public-key", pub)
	if r.code != 11 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "scanning: ") || !strings.HasSuffix(r.stderr, "\r") {
		t.Errorf("no progress line on a terminal, or not cleared: %q", r.stderr)
	}
	if strings.Contains(r.stderr, "\x1b") {
		t.Errorf("progress line uses escape sequences: %q", r.stderr)
	}
	if !strings.Contains(r.stdout, "\x1b[") {
		t.Error("no styling on a terminal with --color always")
	}
	golden(t, "scan-tty", r.stdout)
}

// Piped: no progress, no escape codes.
func TestScanPiped(t *testing.T) {
	pub := filepath.Join(fixtures, "keys", "oauth2-public.pem")
	r := run(t, false, scanLog(t), "scan", "-", "--public-key", pub, "-o", "json")
	if r.code != 11 || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if strings.Contains(r.stdout, "\x1b[") {
		t.Error("escape codes in piped output")
	}
	if n := strings.Count(r.stdout, "\n"); n != 4 { // 3 distinct tokens + summary
		t.Errorf("%d JSON lines:\n%s", n, r.stdout)
	}
}
