package token

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/logscan"
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

// Flag parsing and settings through runF: the options scanRun would get,
// with no log read and no database opened (a --db that names nothing is
// only a setting until scanRun opens it).
func TestScanOptions(t *testing.T) {
	t.Setenv("MWOAUTH_CONFIG", filepath.Join(t.TempDir(), "none"))
	t.Setenv("MWOAUTH_PUBLIC_KEY", "/etc/env-public.pem")
	t.Setenv("MWOAUTH_ISSUER", "https://env.example")
	t.Setenv("MWOAUTH_AUDIENCE", "profile-audience-is-ignored")
	ios, _, _, _ := cmdutil.Test()
	f := cmdutil.NewFactory(ios)
	exec := func(args ...string) (*ScanOptions, error) {
		var got *ScanOptions
		cmd := NewCmdScan(f, func(o *ScanOptions) error { got = o; return nil })
		cmd.SetArgs(args)
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		return got, cmd.Execute()
	}
	o, err := exec("a.log", "b.log.gz", "--at", "2026-11-22T12:00:00Z", "--time-field", "ts", "--jobs", "3",
		"--static-app", "k1", "--wiki", "metawiki", "--db", "sqlite:/nonexistent/wiki.sqlite", "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(o.Inputs, " ") != "a.log b.log.gz" || o.At != "2026-11-22T12:00:00Z" || o.TimeField != "ts" || o.Jobs != 3 || o.Format != "json" {
		t.Errorf("flags: %+v", o)
	}
	if o.Keys.PublicKey != "/etc/env-public.pem" || o.Keys.Issuer != "https://env.example" || o.Audience != "" || strings.Join(o.Keys.Algs, ",") != "RS256" {
		t.Errorf("settings: keys %+v audience %q", o.Keys, o.Audience)
	}
	if o.Wiki.WikiID != "metawiki" || strings.Join(o.Wiki.StaticApps, ",") != "k1" || o.Wiki.Version.String() != "master" {
		t.Errorf("wiki settings: %+v", o.Wiki)
	}
	if o.OpenWiki == nil || o.Context == nil || o.Now == nil || o.IO != ios {
		t.Errorf("run-time fields missing: %+v", o)
	}
	if o, err = exec("--public-key", "flag.pem", "--audience", "ck", "--alg", "RS256,PS256"); err != nil || o.Keys.PublicKey != "flag.pem" || o.Audience != "ck" || len(o.Keys.Algs) != 2 || o.Format != "text" {
		t.Errorf("flag over environment: %+v %v", o, err)
	}
	if _, err := exec("-o", "yaml"); cmdutil.ExitCode(err) != cmdutil.ExitUsage {
		t.Errorf("-o yaml: %v", err)
	}
	if o.MemoryLimit != defaultMemoryLimit() || o.TempDir != "" || o.IDKeyFile != "" {
		t.Errorf("scale defaults: %d %q %q", o.MemoryLimit, o.TempDir, o.IDKeyFile)
	}
	if o, err = exec("--memory-limit", "256MiB", "--temp-dir", "/var/tmp", "--id-key-file", "id.key", "-o", "partial", "--label", "web1:"); err != nil ||
		o.MemoryLimit != 256<<20 || o.TempDir != "/var/tmp" || o.IDKeyFile != "id.key" || o.Format != "partial" || o.Label != "web1:" {
		t.Errorf("scale flags: %+v %v", o, err)
	}
	t.Setenv("MWOAUTH_MEMORY_LIMIT", "2G")
	if o, err = exec(); err != nil || o.MemoryLimit != 2<<30 {
		t.Errorf("MWOAUTH_MEMORY_LIMIT: %+v %v", o, err)
	}
	for _, bad := range []string{"12 parsecs", "1MiB"} {
		if _, err := exec("--memory-limit", bad); cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.HasPrefix(err.Error(), "--memory-limit "+bad+": ") {
			t.Errorf("--memory-limit %s: %v", bad, err)
		}
	}

	var m *ScanMergeOptions
	merge := NewCmdScanMerge(f, func(o *ScanMergeOptions) error { m = o; return nil })
	merge.SetArgs([]string{"a.partial", "-", "--memory-limit", "64MiB", "-o", "json"})
	merge.SilenceErrors, merge.SilenceUsage = true, true
	if err := merge.Execute(); err != nil || strings.Join(m.Inputs, " ") != "a.partial -" || m.MemoryLimit != 64<<20 || m.Format != "json" || m.Context == nil {
		t.Errorf("merge: %+v %v", m, err)
	}
}

// A log file large enough to be mapped gives the report the same bytes
// piped in give (only the file's name differs).
func TestScanMappedFileMatchesStdin(t *testing.T) {
	pub := filepath.Join(fixtures, "keys", "oauth2-public.pem")
	log := strings.Repeat(scanLog(t), 1200) // over 1 MiB: mapped
	if len(log) < 1<<20 {
		t.Fatalf("log of %d bytes is not mapped", len(log))
	}
	path := filepath.Join(t.TempDir(), "access.log")
	if err := os.WriteFile(path, []byte(log), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"--public-key", pub, "--at", "2026-11-22T09:30:00Z", "-o", "json"}
	file := run(t, false, "", append([]string{"scan", path}, args...)...)
	piped := run(t, false, log, append([]string{"scan", "-"}, args...)...)
	if file.code != 11 || piped.code != 11 || file.stderr != "" || piped.stderr != "" {
		t.Fatalf("exit %d / %d, stderr %q / %q", file.code, piped.code, file.stderr, piped.stderr)
	}
	if got := strings.ReplaceAll(file.stdout, path, "(stdin)"); got != piped.stdout {
		t.Errorf("mapped file:\n%s\npiped:\n%s", got, piped.stdout)
	}
	if !strings.Contains(piped.stdout, `"count":2400`) {
		t.Errorf("token A's 2,400 uses not counted:\n%s", piped.stdout)
	}
}

// A mapped log that shrinks under the scan: exit 1, and the hint the
// library leaves to the command.
func TestScanTruncatedError(t *testing.T) {
	err := scanError(context.Background(), fmt.Errorf("access.log: %w", logscan.ErrTruncated))
	if cmdutil.ExitCode(err) != cmdutil.ExitFailure || !strings.Contains(err.Error(), "access.log: the file shrank") ||
		!strings.HasSuffix(err.Error(), "or pipe the log in (cat LOG | mwoauth token scan -)") {
		t.Errorf("exit %d: %v", cmdutil.ExitCode(err), err)
	}
}
