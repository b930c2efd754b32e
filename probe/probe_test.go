package probe_test

import (
	"context"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mwoauth/mwoauth/probe"
	"github.com/mwoauth/mwoauth/probe/probetest"
)

// responses returns the real wiki's recorded answers (../shared). Under
// CI=true their absence fails the test.
func responses(t *testing.T) []probetest.Recorded {
	return probetest.Recordings(t, ".", os.Getenv("CI") == "true")
}

func serve(t *testing.T, a probetest.Answerer) *probetest.Server { return probetest.Serve(t, a) }

func send(t *testing.T, rawURL, token string) *probe.Response {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := probe.Send(context.Background(), probe.Request{URL: u, Token: token, ConnectTimeout: 5 * time.Second, ReadTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// recordedToken is the token the recorded request carried.
func recordedToken(rec probetest.Recorded) string {
	auth := rec.Request.Get("Authorization")
	_, tok, _ := strings.Cut(auth, " ")
	return tok
}

func recordedTarget(rec probetest.Recorded) string {
	f := strings.Fields(rec.Request.Line)
	return f[1]
}

type want struct {
	layer  probe.Layer
	status int
	authed bool
	user   string // "" none, "anonymous", or a name
	code   string
	advice probe.Advice
}

// The real wiki's answers, classified by the rules (e2e-findings §6-7).
var recorded = map[string]want{
	"22-api-userinfo-tokenA":                  {probe.LayerActionAPI, 200, false, "anonymous", "", probe.AdviceNone},
	"23-api-userinfo-tokenB-cc":               {probe.LayerActionAPI, 200, true, "Admin", "", probe.AdviceNone},
	"26-rest-profile-tokenB-reg":              {probe.LayerOAuth2Resource, 200, true, "Admin", "", probe.AdviceNone},
	"50-api-userinfo-expired-resigned":        {probe.LayerActionAPI, 200, false, "", "mwoauth-invalid-authorization", probe.AdviceRefresh},
	"54-api-userinfo-alg-none":                {probe.LayerActionAPI, 200, false, "", "mwoauth-invalid-authorization", probe.AdviceRefresh},
	"60-rest-profile-expired-resigned":        {probe.LayerOAuth2Resource, 401, false, "", "access_denied", probe.AdviceRefresh},
	"65-api-userinfo-lowercase-bearer-tokenB": {probe.LayerActionAPI, 200, false, "anonymous", "", probe.AdviceNone},
}

// The server writes the recorded answer itself: same bytes on the wire as
// in the file, header name case and order included (only line ends become
// CRLF, as HTTP has them).
func TestReplayIsByteForByte(t *testing.T) {
	for _, rec := range responses(t) {
		srv := serve(t, probetest.Replay([]probetest.Recorded{rec}))
		c, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		req := rec.Request.Line + "\r\nHost: x\r\nAuthorization: " + rec.Request.Get("Authorization") + "\r\n\r\n"
		if _, err := c.Write([]byte(req)); err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(c)
		c.Close()
		if err != nil {
			t.Fatal(err)
		}
		file, err := os.ReadFile(filepath.Join(probetest.FindResponses("."), rec.Name+".http"))
		if err != nil {
			t.Fatal(err)
		}
		_, section, _ := strings.Cut(string(file), "# ---- response ----\n")
		if want := strings.Replace(section, "\n\n", "\r\n\r\n", 1); strings.Replace(string(got), "\r\n", "\n", -1) != strings.Replace(want, "\r\n", "\n", -1) || !strings.HasPrefix(string(got), strings.SplitN(section, "\n", 2)[0]+"\r\n") {
			t.Errorf("%s: served %q\nrecorded %q", rec.Name, got, section)
		}
	}
}

// TestRecordedAnswers serves each recorded answer byte for byte on a
// loopback server, probes it with the recorded token and path, and checks
// who answered, as whom, the error and the advice.
func TestRecordedAnswers(t *testing.T) {
	for _, rec := range responses(t) {
		t.Run(rec.Name, func(t *testing.T) {
			srv := serve(t, probetest.Fixed(rec.Wire()))
			target := recordedTarget(rec)
			resp := send(t, srv.URL+target, recordedToken(rec))
			// Byte for byte: the body as recorded, every recorded header.
			if string(resp.Body) != string(rec.Body) {
				t.Errorf("body %q, recorded %q", resp.Body, rec.Body)
			}
			for _, f := range rec.Response.Fields {
				if strings.EqualFold(f.Name, "Connection") {
					continue // hop-by-hop: net/http consumes it (resp.Close)
				}
				if got := resp.Header.Get(f.Name); got != f.Value {
					t.Errorf("header %s: %q, recorded %q", f.Name, got, f.Value)
				}
			}
			seen := srv.Requests()
			if len(seen) != 1 || seen[0].Authorization != "Bearer "+recordedToken(rec) || seen[0].Target != target {
				t.Fatalf("server saw %+v", seen)
			}
			ep := probe.EndpointAction
			if strings.Contains(target, "/oauth2/resource/") {
				ep = probe.EndpointRESTProfile
			}
			a := probe.Classify(resp, ep)
			w, ok := recorded[rec.Name]
			if !ok {
				// A recording added later: the rules must still place it.
				if !a.AnsweredBy.IsMediaWiki() {
					t.Errorf("answered by %s (evidence %q); every recorded answer is MediaWiki's", a.AnsweredBy, a.Evidence)
				}
				return
			}
			checkAnswer(t, a, w)
		})
	}
}

func checkAnswer(t *testing.T, a *probe.Answer, w want) {
	t.Helper()
	if a.AnsweredBy != w.layer || a.Status != w.status || a.Authenticated != w.authed || a.Advice != w.advice {
		t.Errorf("got %s %d authenticated=%v advice=%s (%s), want %s %d %v %s; evidence %q",
			a.AnsweredBy, a.Status, a.Authenticated, a.Advice, a.AdviceReason, w.layer, w.status, w.authed, w.advice, a.Evidence)
	}
	switch {
	case w.user == "" && a.User != nil:
		t.Errorf("user %+v, want none", a.User)
	case w.user == "anonymous" && (a.User == nil || !a.User.Anonymous):
		t.Errorf("user %+v, want anonymous", a.User)
	case w.user != "" && w.user != "anonymous" && (a.User == nil || a.User.Name != w.user || a.User.Anonymous):
		t.Errorf("user %+v, want %s", a.User, w.user)
	}
	switch {
	case w.code == "" && a.Error != nil:
		t.Errorf("error %+v, want none", a.Error)
	case w.code != "" && (a.Error == nil || a.Error.Code != w.code || a.Error.Message == ""):
		t.Errorf("error %+v, want code %s with a message", a.Error, w.code)
	}
	if len(a.Evidence) == 0 || a.AdviceReason == "" {
		t.Errorf("no evidence (%q) or no advice reason (%q)", a.Evidence, a.AdviceReason)
	}
}

// The answers that are not in the recordings, built from the rules'
// texts: the gateway of the seed report, MediaWiki's other refusals, and
// what else can stand between a client and the wiki.
func TestSyntheticAnswers(t *testing.T) {
	const notApproved = `{"error":{"code":"mwoauth-invalid-authorization-not-approved","info":"The app that you are trying to connect seems to be set up incorrectly. Contact the author of \"E2E Client Credentials App\" for help.","*":"See api.php."}}`
	cases := []struct {
		name   string
		answer probetest.Answerer
		ep     probe.Endpoint
		want   want
	}{
		{"gateway-expired", probetest.Gateway("Jwt is expired"), probe.EndpointAction,
			want{probe.LayerGateway, 401, false, "", "invalid_token", probe.AdviceRefresh}},
		{"gateway-issuer", probetest.Gateway("Jwt issuer is not configured"), probe.EndpointAction,
			want{probe.LayerGateway, 401, false, "", "invalid_token", probe.AdviceReauthorize}},
		{"gateway-audience", probetest.Gateway("Audiences in Jwt are not allowed"), probe.EndpointAction,
			want{probe.LayerGateway, 403, false, "", "invalid_token", probe.AdviceReauthorize}},
		{"gateway-plain-body", probetest.Fixed(probetest.Raw("401 Unauthorized", []string{"www-authenticate: Bearer realm=\"x\", error=\"invalid_token\"", "content-length: 22"}, "Jwt verification fails")), probe.EndpointAction,
			want{probe.LayerGateway, 401, false, "", "invalid_token", probe.AdviceRefresh}},
		{"gateway-stripped", probetest.Fixed(probetest.Raw("401 Unauthorized", []string{"server: envoy", "content-length: 0"}, "")), probe.EndpointAction,
			want{probe.LayerGateway, 401, false, "", "jwt_authn_access_denied", probe.AdviceRefresh}},
		{"html-502", probetest.HTML502, probe.EndpointAction,
			want{probe.LayerOther, 502, false, "", "http-502", probe.AdviceUnknown}},
		{"rate-limited", probetest.RateLimited(30), probe.EndpointAction,
			want{probe.LayerOther, 429, false, "", "http-429", probe.AdviceRetryAfter}},
		{"not-approved", probetest.Fixed(probetest.Raw("200 OK", []string{"MediaWiki-API-Error: mwoauth-invalid-authorization-not-approved", "Content-Type: application/json; charset=utf-8"}, notApproved)), probe.EndpointAction,
			want{probe.LayerActionAPI, 200, false, "", "mwoauth-invalid-authorization-not-approved", probe.AdviceReauthorize}},
		{"errors-list-wrong-wiki", probetest.Fixed(probetest.Raw("200 OK", []string{"Content-Type: application/json"}, `{"errors":[{"code":"mwoauth-invalid-authorization-wrong-wiki","text":"The authorization headers in your request are not valid for enwiki"}]}`)), probe.EndpointAction,
			want{probe.LayerActionAPI, 200, false, "", "mwoauth-invalid-authorization-wrong-wiki", probe.AdviceReauthorize}},
		{"core-rest-translations", probetest.Fixed(probetest.Raw("403 Forbidden", []string{"Content-Type: application/json"}, `{"messageTranslations":{"en":"The authorization headers in your request are not valid: Invalid access token"},"httpCode":403,"httpReason":"Forbidden"}`)), probe.EndpointREST,
			want{probe.LayerREST, 403, false, "", "http-403", probe.AdviceRefresh}},
		{"core-rest-read-denied", probetest.Fixed(probetest.Raw("403 Forbidden", []string{"Content-Type: application/json"}, `{"error":"rest-read-denied","httpCode":403,"httpReason":"Forbidden"}`)), probe.EndpointREST,
			want{probe.LayerREST, 403, false, "", "rest-read-denied", probe.AdviceRefresh}},
		{"league-revoked", probetest.Fixed(probetest.Raw("401 Unauthorized", []string{"Content-type: application/json"}, `{"error":"access_denied","error_description":"The resource owner or authorization server denied the request.","hint":"Access token has been revoked","message":"The resource owner or authorization server denied the request."}`)), probe.EndpointRESTProfile,
			want{probe.LayerOAuth2Resource, 401, false, "", "access_denied", probe.AdviceRefresh}},
		{"maxlag", probetest.Fixed(probetest.Raw("200 OK", []string{"MediaWiki-API-Error: maxlag", "Retry-After: 5", "Content-Type: application/json"}, `{"error":{"code":"maxlag","info":"Waiting for 10.0.0.1: 7 seconds lagged."}}`)), probe.EndpointAction,
			want{probe.LayerActionAPI, 200, false, "", "maxlag", probe.AdviceRetryAfter}},
		{"captive-portal", probetest.Fixed(probetest.Raw("200 OK", []string{"Content-Type: text/html"}, "<html><title>Hotel WiFi login</title></html>")), probe.EndpointAction,
			want{probe.LayerOther, 200, false, "", "unexpected-answer", probe.AdviceUnknown}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := serve(t, c.answer)
			resp := send(t, srv.URL+"/w/api.php?action=query&meta=userinfo&format=json", "a.b.c")
			checkAnswer(t, probe.Classify(resp, c.ep), c.want)
		})
	}
}

// The seed report's gateway answer: who answered and the evidence that
// says so, which MediaWiki's answers never carry.
func TestGatewayEvidence(t *testing.T) {
	srv := serve(t, probetest.Gateway("Jwt is expired"))
	a := probe.Classify(send(t, srv.URL+"/w/api.php?action=query", "a.b.c"), probe.EndpointAction)
	ev := strings.Join(a.Evidence, "\n")
	for _, s := range []string{"server: envoy", `jwt_verify_lib status: "Jwt is expired"`, `error="invalid_token"`} {
		if !strings.Contains(ev, s) {
			t.Errorf("evidence lacks %q:\n%s", s, ev)
		}
	}
	if a.GatewayStatus != "Jwt is expired" || !a.ThroughGateway || a.Headers["www-authenticate"] == "" || a.Headers["access-control-allow-origin"] != "" {
		t.Errorf("answer %+v", a)
	}
	if !strings.Contains(a.Headers["www-authenticate"], `realm="`+srv.URL+`/w/api.php?action=query"`) {
		t.Errorf("realm is not the request URL: %s", a.Headers["www-authenticate"])
	}
}

// A redirect is reported, never followed: the other origin sees nothing,
// and neither does the same origin's target.
func TestRedirectsNotFollowed(t *testing.T) {
	other := serve(t, probetest.NotFound)
	for _, c := range []struct {
		name, loc  string
		sameOrigin bool
	}{
		{"other-origin", other.URL + "/w/api.php", false},
		{"same-origin", "/w/api.php?redirected=1", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := serve(t, probetest.Redirect(c.loc))
			resp := send(t, srv.URL+"/api.php", "a.b.c")
			if resp.Redirect == nil || resp.Redirect.SameOrigin != c.sameOrigin {
				t.Fatalf("redirect %+v", resp.Redirect)
			}
			if n := len(srv.Requests()); n != 1 {
				t.Errorf("%d requests to the first server", n)
			}
			a := probe.Classify(resp, probe.EndpointAction)
			if a.AnsweredBy != probe.LayerOther || a.Advice != probe.AdviceFixRequest || !strings.Contains(strings.Join(a.Evidence, " "), "not followed") {
				t.Errorf("answer %s %s %q", a.AnsweredBy, a.Advice, a.Evidence)
			}
		})
	}
	if n := len(other.Requests()); n != 0 {
		t.Errorf("the other origin received %d requests", n)
	}
}

// Timeouts bound the wait; a refused connection is a connect error.
func TestNetworkErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	hold := make(chan struct{})
	defer close(hold)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { <-hold; c.Close() }()
		}
	}()
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	closedAddr := closed.Addr().String()
	closed.Close()
	for _, c := range []struct{ name, addr, op string }{
		{"silent server", ln.Addr().String(), "timeout"},
		{"closed port", closedAddr, "connect"},
	} {
		u, _ := url.Parse("http://" + c.addr + "/api.php")
		_, err := probe.Send(context.Background(), probe.Request{URL: u, Token: "a.b.c", ConnectTimeout: time.Second, ReadTimeout: 100 * time.Millisecond})
		ne, ok := err.(*probe.NetError)
		if !ok || ne.Op != c.op || strings.Contains(err.Error(), "a.b.c") {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

// At most MaxBody bytes of an answer are read.
func TestBodyCap(t *testing.T) {
	big := strings.Repeat("x", probe.MaxBody+4096)
	srv := serve(t, probetest.Fixed(probetest.Raw("200 OK", []string{"Content-Type: text/plain"}, big)))
	resp := send(t, srv.URL+"/api.php", "a.b.c")
	if !resp.Truncated || len(resp.Body) != probe.MaxBody {
		t.Fatalf("truncated=%v len=%d", resp.Truncated, len(resp.Body))
	}
	a := probe.Classify(resp, probe.EndpointAction)
	if !a.Truncated || a.AnsweredBy != probe.LayerOther {
		t.Errorf("%+v", a)
	}
}

func TestResolveTarget(t *testing.T) {
	cases := []struct {
		in   string
		ep   probe.Endpoint
		want string
		kind probe.Endpoint
		err  string
	}{
		{"https://wiki.example/", "", "https://wiki.example/w/api.php?action=query&meta=userinfo&format=json", probe.EndpointAction, ""},
		{"https://wiki.example", "", "https://wiki.example/w/api.php?action=query&meta=userinfo&format=json", probe.EndpointAction, ""},
		{"https://wiki.example/w/", "", "https://wiki.example/w/api.php?action=query&meta=userinfo&format=json", probe.EndpointAction, ""},
		{"https://wiki.example/w", "rest-profile", "https://wiki.example/w/rest.php/oauth2/resource/profile", probe.EndpointRESTProfile, ""},
		{"https://wiki.example/w/api.php", "", "https://wiki.example/w/api.php?action=query&meta=userinfo&format=json", probe.EndpointAction, ""},
		{"https://wiki.example/w/rest.php", "", "https://wiki.example/w/api.php?action=query&meta=userinfo&format=json", probe.EndpointAction, ""},
		{"https://wiki.example/w/rest.php", "rest", "https://wiki.example/w/rest.php/v1/page/Main_Page/bare", probe.EndpointREST, ""},
		{"http://127.0.0.1:8089/api.php", "", "http://127.0.0.1:8089/api.php?action=query&meta=userinfo&format=json", probe.EndpointAction, ""},
		{"https://wiki.example/mediawiki/", "rest-profile", "https://wiki.example/mediawiki/rest.php/oauth2/resource/profile", probe.EndpointRESTProfile, ""},
		{"https://wiki.example/w/api.php?action=query&meta=tokens", "", "https://wiki.example/w/api.php?action=query&meta=tokens", probe.EndpointAction, ""},
		{"https://wiki.example/w/rest.php/oauth2/resource/scopes", "", "https://wiki.example/w/rest.php/oauth2/resource/scopes", probe.EndpointRESTProfile, ""},
		{"https://wiki.example/w/rest.php/v1/page/Foo", "", "https://wiki.example/w/rest.php/v1/page/Foo", probe.EndpointREST, ""},
		{"https://wiki.example/w/rest.php/v1/page/Foo", "action", "", "", "already names an endpoint"},
		{"https://wiki.example/wiki/Main_Page", "", "", "", "cannot tell the wiki's script path"},
		{"wiki.example/w/", "", "", "", "no scheme"},
		{"ftp://wiki.example/", "", "", "", "not supported"},
		{"https://user:pw@wiki.example/", "", "", "", "user name or password"},
		{"https:///w/", "", "", "", "no host"},
		{"https://wiki.example/w/?x=1", "", "", "", "query string"},
	}
	for _, c := range cases {
		got, err := probe.ResolveTarget(c.in, c.ep)
		switch {
		case c.err != "":
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: err %v, want %q", c.in, err, c.err)
			}
		case err != nil:
			t.Errorf("%s: %v", c.in, err)
		case got.URL.String() != c.want || got.Endpoint != c.kind:
			t.Errorf("%s %s: %s %s, want %s %s", c.in, c.ep, got.URL, got.Endpoint, c.want, c.kind)
		}
	}
}

func TestOrigins(t *testing.T) {
	u, _ := url.Parse("HTTPS://Meta.Wikimedia.org:443/w/api.php")
	if o := probe.Origin(u); o != "https://meta.wikimedia.org" {
		t.Errorf("origin %s", o)
	}
	if o, ok := probe.IssuerOrigin("https://meta.wikimedia.org"); !ok || o != "https://meta.wikimedia.org" {
		t.Errorf("issuer origin %s %v", o, ok)
	}
	if _, ok := probe.IssuerOrigin("metawiki"); ok {
		t.Error("a bare name has no origin")
	}
	for in, want := range map[string]bool{"http://127.0.0.1:8/": true, "http://localhost/": true, "http://[::1]/": true, "http://10.0.0.1/": false, "https://wiki.example/": false} {
		u, _ := url.Parse(in)
		if probe.IsLoopback(u) != want {
			t.Errorf("IsLoopback(%s) = %v", in, !want)
		}
	}
}
