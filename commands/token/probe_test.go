package token

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/probe"
	"github.com/mwoauth/mwoauth/probe/probetest"
)

// testClock is the --expiry seam: Sleep moves Now, so the three instants
// around exp are reached at once, and the server judges by the same clock.
type testClock struct {
	mu    sync.Mutex
	t     time.Time
	slept time.Duration
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	c.slept += d
	return ctx.Err()
}

// runProbe runs "token probe <args>" as a user would, with the judging
// clock pinned at now and, for --expiry, the test clock.
func runProbe(t *testing.T, tty bool, stdin string, clock probe.Clock, now time.Time, args ...string) result {
	t.Helper()
	unsetEnv(t)
	ios, in, out, errOut := cmdutil.Test()
	in.WriteString(stdin)
	if tty {
		ios.SetTTY(true, true, true)
	}
	f := &cmdutil.Factory{IO: ios, Now: func() time.Time { return now }, ConfigPath: filepath.Join(t.TempDir(), "none")}
	cmd := NewCmdProbe(f, func(o *ProbeOptions) error {
		if clock != nil {
			o.Clock = clock
		}
		return probeRun(o)
	})
	return execute(cmd, out, errOut, args)
}

func startServer(t *testing.T, a probetest.Answerer) *probetest.Server { return probetest.Serve(t, a) }

func fixture(parts ...string) string { return filepath.Join(append([]string{fixtures}, parts...)...) }

// recordings are the real wiki's answers from ../shared (a failure under
// CI=true when absent, as every ground-truth test).
func recordings(t *testing.T) []probetest.Recorded {
	return probetest.Recordings(t, ".", os.Getenv("CI") == "true")
}

type expiryOut struct {
	TokenID string `json:"token_id"`
	Exp     string `json:"exp"`
	Matches bool   `json:"matches_prediction"`
	Probes  []struct {
		Instant string    `json:"instant"`
		At      string    `json:"at"`
		Answer  probeJSON `json:"answer"`
	} `json:"probes"`
}

// The --expiry walk against a wiki behind Envoy that judges by exp and the
// request time: MediaWiki accepts, then refuses from exp, then the gateway
// refuses from exp + skew; all three as predicted, in 67 s of test clock.
func TestProbeExpiry(t *testing.T) {
	start := time.Date(2026, 11, 22, 9, 30, 0, 400e6, time.UTC)
	for _, c := range []struct {
		name     string
		gateway  bool
		wantLast probe.Layer
	}{
		{"behind-gateway", true, probe.LayerGateway},
		{"no-gateway", false, probe.LayerActionAPI},
	} {
		t.Run(c.name, func(t *testing.T) {
			clock := &testClock{t: start}
			srv := startServer(t, (&probetest.Wiki{Now: clock.Now, Gateway: c.gateway, Skew: 60 * time.Second}).Answer)
			r := runProbe(t, false, "", clock, start, srv.URL+"/w/", "@"+fixture("tokens", "16-tokenB-cc.jwt"),
				"--expiry", "--private-key", fixture("keys", "oauth2-private.pem"), "--yes", "-o", "json")
			if r.code != 0 {
				t.Fatalf("exit %d\n%s\n%s", r.code, r.stderr, r.stdout)
			}
			var out expiryOut
			if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
				t.Fatal(err)
			}
			if !out.Matches || out.Exp != "2026-11-22T09:30:05Z" || len(out.Probes) != 3 || len(out.TokenID) != 12 {
				t.Fatalf("%+v", out)
			}
			want := []struct {
				at     string
				layer  probe.Layer
				advice probe.Advice
			}{
				{"2026-11-22T09:30:04Z", probe.LayerActionAPI, probe.AdviceNone},
				{"2026-11-22T09:30:06Z", probe.LayerActionAPI, probe.AdviceRefresh},
				{"2026-11-22T09:31:07Z", c.wantLast, probe.AdviceRefresh},
			}
			for i, p := range out.Probes {
				a := p.Answer
				if p.At != want[i].at || a.AnsweredBy != want[i].layer || a.Advice != want[i].advice || !a.MatchesPrediction {
					t.Errorf("%s: at %s by %s advice %s matches %v; want %+v", p.Instant, p.At, a.AnsweredBy, a.Advice, a.MatchesPrediction, want[i])
				}
			}
			if first := out.Probes[0].Answer; !first.Authenticated || first.User == nil || first.User.Name != "User 1" {
				t.Errorf("before exp: %+v", first.User)
			}
			if len(srv.Requests()) != 3 || clock.slept != 67*time.Second-400*time.Millisecond {
				t.Errorf("%d requests, slept %s", len(srv.Requests()), clock.slept)
			}
			if !strings.Contains(r.stderr, "to expire at 2026-11-22T09:30:05Z") {
				t.Errorf("stderr %q", r.stderr)
			}
		})
	}
}

// A gateway configured with another clock skew than the prediction's
// answers earlier than predicted: the walk shows where (exit 12).
func TestProbeExpiryMismatch(t *testing.T) {
	start := time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)
	clock := &testClock{t: start}
	srv := startServer(t, (&probetest.Wiki{Now: clock.Now, Gateway: true, Skew: 0}).Answer)
	r := runProbe(t, false, "", clock, start, srv.URL+"/w/", "@"+fixture("tokens", "16-tokenB-cc.jwt"),
		"--expiry", "--private-key", fixture("keys", "oauth2-private.pem"), "--yes")
	if r.code != cmdutil.ExitMismatch {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "MISMATCH  at after exp (2026-11-22T09:30:06Z): gateway: the gateway refused the token (HTTP 401, \"Jwt is expired\"); predicted to pass it\n") {
		t.Errorf("mismatch not shown first:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "error: answer after exp does not match the prediction: gateway: the gateway refused the token") {
		t.Errorf("stderr %q", r.stderr)
	}
}

// The text view of an expiry walk (test clock, port normalised).
func TestProbeExpiryGolden(t *testing.T) {
	start := time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)
	clock := &testClock{t: start}
	srv := startServer(t, (&probetest.Wiki{Now: clock.Now, Gateway: true, Skew: 60 * time.Second}).Answer)
	r := runProbe(t, false, "", clock, start, srv.URL+"/w/", "@"+fixture("tokens", "15-tokenA-cc.jwt"),
		"--expiry", "--private-key", fixture("keys", "oauth2-private.pem"), "--yes")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	golden(t, "probe-expiry", strings.ReplaceAll(r.stdout, srv.URL, "http://127.0.0.1:PORT"))
}

// Every recorded answer of the real wiki, probed with the token it was
// recorded for at the instant it was recorded: the prediction matches.
// The recordings are the REL1_43 wiki's, so its rules predict them.
func TestProbeRecordedAnswers(t *testing.T) {
	t.Setenv("MWOAUTH_MEDIAWIKI", "1.43")
	recs := recordings(t)
	tokens := map[string]string{
		"22-api-userinfo-tokenA":           "15-tokenA-cc",
		"23-api-userinfo-tokenB-cc":        "16-tokenB-cc",
		"26-rest-profile-tokenB-reg":       "07-tokenB-owner-only-registration",
		"50-api-userinfo-expired-resigned": "crafted/expired-resigned",
		"54-api-userinfo-alg-none":         "crafted/alg-none",
		"60-rest-profile-expired-resigned": "crafted/expired-resigned",
	}
	srv := startServer(t, probetest.Replay(recs))
	tried := 0
	for _, rec := range recs {
		tok, ok := tokens[rec.Name]
		if !ok {
			continue // 65: sent as "bearer", which the probe never does
		}
		tried++
		t.Run(rec.Name, func(t *testing.T) {
			at, err := time.Parse(time.RFC1123, rec.Response.Get("Date"))
			if err != nil {
				t.Fatal(err)
			}
			target := strings.Fields(rec.Request.Line)[1]
			r := runProbe(t, false, "", nil, at.UTC(), srv.URL+target, "@"+fixture("tokens", tok+".jwt"),
				"--public-key", fixture("keys", "oauth2-public.pem"), "--yes", "-o", "json")
			if r.code != 0 {
				t.Fatalf("exit %d: %s\n%s", r.code, r.stderr, r.stdout)
			}
			var out probeJSON
			if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
				t.Fatal(err)
			}
			if !out.MatchesPrediction || !out.AnsweredBy.IsMediaWiki() || out.Predicted.MediaWiki.Matches == nil || !*out.Predicted.MediaWiki.Matches {
				t.Errorf("%+v", out)
			}
		})
	}
	if tried != len(tokens) {
		t.Errorf("only %d of %d recordings found", tried, len(tokens))
	}
}

// The JSON object has exactly the keys.
func TestProbeJSONSchema(t *testing.T) {
	srv := startServer(t, probetest.Gateway("Jwt is expired"))
	at := time.Date(2026, 11, 22, 11, 0, 0, 0, time.UTC) // tokenA's exp + 60 s has passed
	r := runProbe(t, false, "", nil, at, srv.URL+"/w/", "@"+fixture("tokens", "15-tokenA-cc.jwt"), "--yes", "-o", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	want := []string{"advice", "answered_by", "authenticated", "error", "evidence", "headers", "matches_prediction", "predicted", "status", "url", "user"}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("keys %v, want %v", keys, want)
	}
	var pred map[string]json.RawMessage
	_ = json.Unmarshal(m["predicted"], &pred)
	if len(pred) != 2 || pred["mediawiki"] == nil || pred["gateway"] == nil {
		t.Errorf("predicted %s", m["predicted"])
	}
	if string(m["user"]) != "null" || string(m["answered_by"]) != `"gateway"` || string(m["advice"]) != `"refresh"` {
		t.Errorf("user %s answered_by %s advice %s", m["user"], m["answered_by"], m["advice"])
	}
	var e probe.Error
	if err := json.Unmarshal(m["error"], &e); err != nil || e.Code != "invalid_token" || e.Message != "Jwt is expired" {
		t.Errorf("error %s", m["error"])
	}
	if strings.Contains(r.stdout, strings.TrimSpace(readFixture(t, "tokens", "15-tokenA-cc.jwt"))) || strings.Contains(r.stderr, "eyJ") {
		t.Error("the token was printed")
	}
}

func readFixture(t *testing.T, parts ...string) string {
	b, err := os.ReadFile(fixture(parts...))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// An answer is attacker-controlled: no control or bidi character of it
// reaches the terminal; JSON keeps it exactly.
func TestProbeHostileAnswer(t *testing.T) {
	body := `{"batchcomplete":"","query":{"userinfo":{"id":7,"name":"Ev\u001b]8;;http://x\u0007il\u202eUser"}}}`
	srv := startServer(t, probetest.Fixed(probetest.Raw("200 OK", []string{"Content-Type: application/json", "Server: \u202eevil"}, body)))
	at := time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)
	r := runProbe(t, true, "", nil, at, srv.URL+"/w/", "@"+fixture("tokens", "16-tokenB-cc.jwt"), "--yes")
	sgr := regexp.MustCompile("\x1b\\[[0-9;]*m") // the styles' own colours
	for _, s := range []string{r.stdout, r.stderr} {
		for _, c := range sgr.ReplaceAllString(s, "") {
			if (c < 0x20 && c != '\n') || c == 0x7f || c == '\u202e' {
				t.Fatalf("control %U reached the terminal:\n%q", c, s)
			}
		}
	}
	if !strings.Contains(r.stdout, `Ev\x1b]8;;http://x\x07il\u202eUser, id 7`) || !strings.Contains(r.stdout, `server: \u202eevil`) {
		t.Errorf("name not shown escaped:\n%s\n%s", r.stdout, r.stderr)
	}
	r = runProbe(t, false, "", nil, at, srv.URL+"/w/", "@"+fixture("tokens", "16-tokenB-cc.jwt"), "--yes", "-o", "json")
	var out probeJSON
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || out.User == nil || out.User.Name != "Ev\x1b]8;;http://x\ail\u202eUser" {
		t.Errorf("JSON changed the name: %v %+v", err, out.User)
	}
}

// A token issued by another origin: a question on a terminal (no means
// nothing is sent), --yes off one.
func TestProbeIssuerPrompt(t *testing.T) {
	srv := startServer(t, probetest.HTML502)
	at := time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)
	tok := "@" + fixture("tokens", "15-tokenA-cc.jwt")
	r := runProbe(t, true, "n\n", nil, at, srv.URL+"/w/", tok)
	if r.code != cmdutil.ExitRefused || len(srv.Requests()) != 0 || !strings.Contains(r.stderr, "Send the token to "+srv.URL+" anyway? [y/N]") || r.stdout != "" {
		t.Fatalf("no: exit %d, %d requests, stderr %q", r.code, len(srv.Requests()), r.stderr)
	}
	r = runProbe(t, false, "", nil, at, srv.URL+"/w/", tok)
	if r.code != cmdutil.ExitUsage || len(srv.Requests()) != 0 || !strings.Contains(r.stderr, "pass --yes") {
		t.Fatalf("script: exit %d, %d requests, stderr %q", r.code, len(srv.Requests()), r.stderr)
	}
	r = runProbe(t, true, "y\n", nil, at, srv.URL+"/w/", tok)
	if r.code != cmdutil.ExitMismatch || len(srv.Requests()) != 1 {
		t.Fatalf("yes: exit %d, %d requests, stderr %q", r.code, len(srv.Requests()), r.stderr)
	}
	if got := srv.Requests()[0]; got.Authorization != "Bearer "+strings.TrimSpace(readFixture(t, "tokens", "15-tokenA-cc.jwt")) || got.Target != "/w/api.php?action=query&meta=userinfo&format=json" {
		t.Errorf("sent %+v", got)
	}
}

// The real wiki's refusal of an expired token, as a person reads it.
func TestProbeGolden(t *testing.T) {
	recs := recordings(t)
	srv := startServer(t, probetest.Replay(recs))
	at := time.Date(2026, 11, 22, 9, 8, 41, 0, time.UTC)
	r := runProbe(t, false, "", nil, at, srv.URL+"/api.php", "@"+fixture("tokens", "crafted", "expired-resigned.jwt"),
		"--public-key", fixture("keys", "oauth2-public.pem"), "--yes")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	golden(t, "probe-expired", strings.ReplaceAll(r.stdout, srv.URL, "http://127.0.0.1:PORT"))
}
