package probe_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mwoauth/mwoauth/probe"
	"github.com/mwoauth/mwoauth/probe/probetest"
)

func classifyWire(t *testing.T, wire []byte, ep probe.Endpoint) *probe.Answer {
	t.Helper()
	resp, err := probe.ParseResponse(wire)
	if err != nil {
		t.Fatal(err)
	}
	return probe.Classify(resp, ep)
}

func request() *http.Request { return httptest.NewRequest("GET", "http://127.0.0.1:1/w/api.php", nil) }

var (
	mwInvalid = probe.MediaWikiPrediction{Accepted: false, Reason: "The token is expired", Status: 200, Code: "mwoauth-invalid-authorization"}
	mwUser    = probe.MediaWikiPrediction{Accepted: true, Reason: "accepted", RunsAs: probe.RunsAsUser, Status: 200}
	mwAnon    = probe.MediaWikiPrediction{Accepted: true, Reason: "accepted", RunsAs: probe.RunsAsAnonymous, Status: 200}
	gwExpired = probe.GatewayPrediction{Status: 401, Reason: "Jwt is expired", SkewSeconds: 60}
	gwPasses  = probe.GatewayPrediction{Passes: true, Status: 200, Reason: "OK", SkewSeconds: 60}
)

const (
	invalidBody = `{"error":{"code":"mwoauth-invalid-authorization","info":"The authorization headers in your request are not valid: Invalid access token"}}`
	userBody    = `{"batchcomplete":"","query":{"userinfo":{"id":1,"name":"Admin"}}}`
	anonBody    = `{"batchcomplete":"","query":{"userinfo":{"id":0,"name":"127.0.0.1","anon":""}}}`
	leagueBody  = `{"error":"access_denied","error_description":"The resource owner or authorization server denied the request.","hint":"Access token could not be verified"}`
)

func TestCompare(t *testing.T) {
	mwErr := probetest.Raw("200 OK", []string{"MediaWiki-API-Error: mwoauth-invalid-authorization", "Content-Type: application/json"}, invalidBody)
	viaEnvoy := probetest.Raw("200 OK", []string{"Content-Type: application/json", "server: envoy"}, userBody)
	cases := []struct {
		name    string
		wire    []byte
		ep      probe.Endpoint
		mw      probe.MediaWikiPrediction
		gw      probe.GatewayPrediction
		match   bool
		mwSeen  *bool
		gwSeen  *bool
		differs string
	}{
		{"gateway as predicted", probetest.Gateway("Jwt is expired")(request()), probe.EndpointAction, mwInvalid, gwExpired, true, nil, ptr(true), ""},
		{"gateway refuses what should pass", probetest.Gateway("Jwt is expired")(request()), probe.EndpointAction, mwInvalid, gwPasses, false, nil, ptr(false), "predicted to pass"},
		{"gateway other reason", probetest.Gateway("Jwt verification fails")(request()), probe.EndpointAction, mwInvalid, gwExpired, false, nil, ptr(false), `predicted "Jwt is expired"`},
		{"mediawiki refuses, no gateway", mwErr, probe.EndpointAction, mwInvalid, gwExpired, true, ptr(true), nil, ""},
		{"mediawiki refuses what it should accept", mwErr, probe.EndpointAction, mwUser, gwPasses, false, ptr(false), nil, "predicted to accept"},
		{"mediawiki accepts what it should refuse", probetest.Raw("200 OK", nil, userBody), probe.EndpointAction, mwInvalid, gwPasses, false, ptr(false), nil, "predicted to refuse"},
		{"token ignored: anonymous", probetest.Raw("200 OK", nil, anonBody), probe.EndpointAction, mwUser, gwPasses, false, ptr(false), nil, "ran anonymously"},
		{"client credentials: anonymous as predicted", probetest.Raw("200 OK", nil, anonBody), probe.EndpointAction, mwAnon, gwPasses, true, ptr(true), nil, ""},
		{"through envoy as predicted", viaEnvoy, probe.EndpointAction, mwUser, gwPasses, true, ptr(true), ptr(true), ""},
		{"through envoy that should refuse", viaEnvoy, probe.EndpointAction, mwUser, gwExpired, false, ptr(true), ptr(false), "passed through Envoy"},
		{"league hint as predicted", probetest.Raw("401 Unauthorized", []string{"Content-type: application/json"}, leagueBody), probe.EndpointRESTProfile,
			probe.MediaWikiPrediction{Status: 401, Code: "access_denied", Hint: "Access token could not be verified"}, gwPasses, true, ptr(true), nil, ""},
		{"league other hint", probetest.Raw("401 Unauthorized", []string{"Content-type: application/json"}, leagueBody), probe.EndpointRESTProfile,
			probe.MediaWikiPrediction{Status: 401, Code: "access_denied", Hint: "Access token has been revoked"}, gwPasses, false, ptr(false), nil, "hint"},
		{"html page", probetest.HTML502(request()), probe.EndpointAction, mwUser, gwPasses, false, nil, nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := classifyWire(t, c.wire, c.ep)
			p := &probe.Prediction{MediaWiki: c.mw, Gateway: c.gw}
			got := probe.Compare(a, p)
			if got != c.match || !sameBool(p.MediaWiki.Matches, c.mwSeen) || !sameBool(p.Gateway.Matches, c.gwSeen) {
				t.Errorf("match %v (mw %v, gw %v), want %v (%v, %v); differences %q; answer %s %q",
					got, str(p.MediaWiki.Matches), str(p.Gateway.Matches), c.match, str(c.mwSeen), str(c.gwSeen), p.Differences(), a.AnsweredBy, a.Evidence)
			}
			if d := strings.Join(p.Differences(), "; "); !strings.Contains(d, c.differs) || (c.match && d != "") {
				t.Errorf("differences %q, want %q", d, c.differs)
			}
		})
	}
}

func ptr(b bool) *bool { return &b }

func sameBool(a, b *bool) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func str(b *bool) string {
	if b == nil {
		return "null"
	}
	if *b {
		return "true"
	}
	return "false"
}

func TestExpiryPlan(t *testing.T) {
	start := time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)
	exp := start.Add(5*time.Second + 250*time.Millisecond)
	plan := probe.ExpiryPlan(exp, start, 60*time.Second)
	want := []time.Time{exp.Add(-time.Second), exp.Add(time.Second), start.Add(5*time.Second + 61*time.Second + time.Second)}
	if len(plan) != 3 {
		t.Fatalf("%d instants", len(plan))
	}
	for i, in := range plan {
		if !in.At.Equal(want[i]) {
			t.Errorf("%s at %s, want %s", in.Label, in.At.Format(time.RFC3339Nano), want[i].Format(time.RFC3339Nano))
		}
	}
	// An exp less than a margin away: the first probe goes at once.
	if p := probe.ExpiryPlan(start.Add(300*time.Millisecond), start, 0); !p[0].At.Equal(start) {
		t.Errorf("first probe at %s", p[0].At)
	}
}

// TestPredictionJSON pins the prediction's JSON (token probe -o json): each
// layer's Match members follow its prediction's own, in this order.
func TestPredictionJSON(t *testing.T) {
	p := probe.Prediction{MediaWiki: mwAnon, Gateway: gwExpired}
	p.MediaWiki.Hint, p.MediaWiki.Assumptions = "h", []string{"no database"}
	p.Gateway.WWWAuthenticate, p.Gateway.Assumptions = `Bearer error="invalid_token"`, []string{"no key"}
	probe.Compare(classifyWire(t, probetest.Raw("200 OK", []string{"Content-Type: application/json"}, userBody), probe.EndpointAction), &p)
	b, err := json.Marshal(&p)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"mediawiki":{"accepted":true,"reason":"accepted","runs_as":"anonymous","status":200,"hint":"h","assumptions":["no database"],` +
		`"matches":false,"difference":"the request ran as Admin; predicted to run anonymously"},` +
		`"gateway":{"passes":false,"status":401,"reason":"Jwt is expired","www_authenticate":"Bearer error=\"invalid_token\"","skew_seconds":60,"assumptions":["no key"],` +
		`"matches":null,"note":"no gateway seen in the answer (no server: envoy); a gateway would refuse the token (Jwt is expired)"}}`
	if string(b) != want {
		t.Errorf("JSON:\n got %s\nwant %s", b, want)
	}
}
