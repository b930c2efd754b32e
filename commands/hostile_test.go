package commands

import (
	"crypto/x509"
	"database/sql"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"
	_ "github.com/ncruces/go-sqlite3/driver"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
)

// hostile is what an attacker puts in a claim, a log line or a database
// row: a screen clear, a window-title OSC ended by BEL, a carriage return
// that overwrites the line, an OSC 8 hyperlink, a right-to-left override,
// a C1 control and a zero-width space.
const hostile = "evil\x1b[2J\x1b]0;owned\a\rfake\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\\u202etxt.exe\u0085\u200b"

// sgr matches the colour sequences the styles themselves emit.
var sgr = regexp.MustCompile("\x1b\\[[0-9;]*m")

// checkTerminalSafe fails when out holds a byte or rune a terminal would
// act on: any C0 control but \n and \t, DEL, C1, a format character (bidi,
// zero-width) or a line separator. With colour, the styles' own SGR
// sequences are allowed and nothing else.
func checkTerminalSafe(t *testing.T, what, out string, color bool) {
	t.Helper()
	if color {
		out = sgr.ReplaceAllString(out, "")
	}
	for i, r := range out {
		bad := r < 0x20 && r != '\n' && r != '\t' || r == 0x7f ||
			unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp) && r != '\n' && r != '\t' ||
			r == utf8.RuneError
		if bad {
			lo := max(0, i-40)
			t.Errorf("%s: %U at byte %d: ...%q...", what, r, i, out[lo:min(len(out), i+20)])
			return
		}
	}
}

// TestHostileStringsNeverReachTheTerminal feeds tokens, log lines, file
// names and database rows carrying terminal controls through every command
// that prints them, as a user runs it (Run), piped and with --color
// always, text and JSON, and checks that no control byte reaches stdout or
// stderr. CSV and the dry run's SQL are data formats written exactly, and
// are not part of this check.
func TestHostileStringsNeverReachTheTerminal(t *testing.T) {
	dir := freshHome(t)
	t.Setenv("NO_COLOR", "")
	run := func(args ...string) (int, string, string) {
		ios, _, out, errOut := cmdutil.Test()
		code := Run(ios, args)
		return code, out.String(), errOut.String()
	}
	if code, _, errOut := run("sandbox", "sb"); code != 0 {
		t.Fatalf("sandbox: %d %s", code, errOut)
	}

	// Database rows: consumer, user, actor and comment text.
	wiki, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, "sb", "wiki.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`UPDATE oauth_registered_consumer SET oarc_name = ? || oarc_id, oarc_version = ?, oarc_description = ?, oarc_callback_url = ?, oarc_email = ?`,
		`UPDATE user SET user_name = user_name || ? WHERE user_name NOT IN ('Admin')`,
		`UPDATE actor SET actor_name = actor_name || ? WHERE actor_name NOT IN ('Admin')`,
		`UPDATE comment SET comment_text = ?`,
	} {
		args := make([]any, strings.Count(q, "?"))
		for i := range args {
			args[i] = hostile
		}
		if _, err := wiki.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	wiki.Close()

	// Tokens: signed with the sandbox key, so every check runs, with
	// hostile claims, claim names and header members.
	keyPEM, err := os.ReadFile(filepath.Join(dir, "sb", "oauth2-private.pem"))
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(keyPEM)
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	sign := func(claims jwt.MapClaims) string {
		tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
		tok.Header[hostile] = hostile
		s, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	realAud := sign(jwt.MapClaims{"aud": "3c9e1d7a5f2b4086c1e3a5b7d9f0e2c4", "jti": hostile, "sub": hostile, "iss": hostile,
		"iat": 1795338475, "nbf": 1795338475, "exp": 1795342075, "scopes": []string{hostile, "basic"}, hostile: hostile})
	hostileAud := sign(jwt.MapClaims{"aud": hostile, "jti": "x", "sub": "mw:" + hostile + ":7", "iss": "https://meta.sandbox.test",
		"iat": 1795338475, "exp": 1795342075, "scopes": []string{"basic"}, "ratelimit": hostile, "rlc": hostile})
	for name, tok := range map[string]string{"real.jwt": realAud, "hostile.jwt": hostileAud} {
		if err := os.WriteFile(name, []byte(tok), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	logName := "access" + "\x1b[2J\u202e" + ".log"
	logText := fmt.Sprintf("1.2.3.4 - - [22/Nov/2026:09:31:00 +0000] \"GET /w/api.php?x=%s HTTP/1.1\" 200 5 \"-\" \"Authorization: Bearer %s\"\n"+
		"5.6.7.8 - - [22/Nov/2026:09:32:00 +0000] \"GET /w/api.php HTTP/1.1\" 403 5 \"-\" \"Bearer %s\"\n", hostile, realAud, hostileAud)
	if err := os.WriteFile(logName, []byte(logText), 0o600); err != nil {
		t.Fatal(err)
	}
	// A key file whose name is hostile, and a profile value.
	pubPEM, _ := os.ReadFile(filepath.Join(dir, "sb", "oauth2-public.pem"))
	fileSafe := strings.ReplaceAll(hostile, "/", "_") // a file name cannot hold /
	keyName := "key" + fileSafe + ".pem"
	if err := os.WriteFile(keyName, pubPEM, 0o600); err != nil {
		t.Fatal(err)
	}

	const at = "2026-11-22T09:30:00Z"
	commands := [][]string{
		{"token", "decode", "@real.jwt"},
		{"token", "decode", "@hostile.jwt"},
		{"token", "decode", "@hostile.jwt", "-o", "json"},
		{"token", "verify", "@real.jwt", "--at", at},
		{"token", "verify", "@hostile.jwt", "--at", at},
		{"token", "verify", "@real.jwt", "--at", at, "-o", "json"},
		{"token", "verify", "@real.jwt", "--public-key", keyName, "--at", at},
		{"token", "scan", logName, "--at", at},
		{"token", "scan", logName, "--at", at, "-o", "json"},
		{"token", "scan", logName, "--time-regex", `\[([^\]]+)\]`},
		{"consumer", "list"},
		{"consumer", "list", "-o", "table"},
		{"consumer", "list", "-o", "json", "--include-suppressed"},
		{"consumer", "show", "2"},
		{"consumer", "show", "3"},
		{"consumer", "show", "2", "-o", "json"},
		{"consumer", "show", hostile},
		{"consumer", "disable", "2", "--reason", "leak", "--as", "Admin", "--yes"},
		{"consumer", "enable", "2", "--reason", "rotated", "--as", "Admin", "--yes", "-o", "json"},
		{"consumer", "disable", hostile, "--reason", "x", "--as", "Admin", "--yes"},
		{"keys", "fingerprint", keyName},
		{"keys", "check", "--public", keyName},
		{"keys", "jwks", keyName, keyName},
		{"keys", "fingerprint", "nope" + fileSafe},
		{"__complete", "consumer", "show", ""},
		{"__complete", "consumer", "show", "1"},
		{"__complete", "consumer", "enable", ""},
		{"config", "set", "issuer", hostile, "--profile", "sandbox"},
		{"__complete", "--profile", ""},
		{"config", "show"},
		{"config", "get", "issuer"},
		{"sandbox", "sb" + fileSafe},
		{"token", "decode", hostile},
		{"no" + hostile},
		{"token", "verify", "@real.jwt", "--" + hostile},
	}
	for _, args := range commands {
		for _, color := range []bool{false, true} {
			argv := args
			if color {
				argv = append([]string{"--color", "always"}, args...)
			}
			code, out, errOut := run(argv...)
			what := fmt.Sprintf("%q (exit %d)", argv, code)
			checkTerminalSafe(t, what+" stdout", out, color)
			checkTerminalSafe(t, what+" stderr", errOut, color)
			if code == 1 {
				t.Errorf("%s: unexpected failure: %s", what, errOut)
			}
		}
	}
}

// TestErrorsEscapeOnce: an error's text is escaped once, where it is
// printed (cmdutil.ErrorLine). An error built with cmdutil.Safe would be
// escaped again there: an ESC in --at printed as "\\x1b", and a backslash
// the user typed shown doubled twice.
func TestErrorsEscapeOnce(t *testing.T) {
	freshHome(t)
	tok := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"token", "decode", tok, "--at", "\x1b[2J"}, `invalid time "\x1b[2J"`},
		{[]string{"config", "get", "a\x1b]0;t\a"}, `unknown setting "a\x1b]0;t\a"`},
		{[]string{"keys", "fingerprint", "/nonexistent/\x1b]0;t\a.pem"}, `/nonexistent/\x1b]0;t\x07.pem`},
	} {
		ios, _, _, errOut := cmdutil.Test()
		if code := Run(ios, tt.args); code == 0 {
			t.Errorf("%q: exit 0", tt.args)
		}
		got := errOut.String()
		checkTerminalSafe(t, strings.Join(tt.args, " "), got, false)
		if !strings.Contains(got, tt.want) || strings.Contains(got, `\\x`) {
			t.Errorf("%q: stderr %q, want %q escaped once", tt.args, got, tt.want)
		}
	}
}
