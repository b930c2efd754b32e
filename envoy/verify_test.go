package envoy

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestVerifyOrder follows authenticator.cc startVerify: parse, issuer, time,
// audience, key set, signature. Each case breaks one later check too, to
// show that the earlier one answers.
func TestVerifyOrder(t *testing.T) {
	ra, rb := rsaKeys(t)
	set := jwksOf(t, jwk(t, &ra.PublicKey, "", ""))
	now := time.Unix(1_800_000_000, 0)
	p := Provider{Issuer: "https://wiki.example", Audiences: []string{"client"}, JWKS: set, RequestURI: "https://api.example/w/rest.php"}
	good := `{"iss":"https://wiki.example","aud":"client","nbf":1799999990,"exp":1800003600}`
	tok := func(key any, payload string) string { return signToken(t, "RS256", key, rs256, payload) }
	expired := `{"iss":"https://wiki.example","aud":"other","exp":1799999000}`
	for _, tc := range []struct {
		name  string
		token string
		p     Provider
		want  Status
		step  string
	}{
		{"passes", tok(ra, good), p, OK, "passed"},
		{"parse before all", "a.b", p, JwtBadFormat, "parse"},
		{"issuer before time", tok(rb, `{"iss":"https://other","exp":1}`), p, JwtUnknownIssuer, "issuer"},
		{"missing iss is unknown", tok(ra, `{"aud":"client"}`), p, JwtUnknownIssuer, "issuer"},
		{"any issuer when none configured", tok(ra, `{"iss":"x","aud":"client"}`), Provider{Audiences: []string{"client"}, JWKS: set}, OK, "passed"},
		{"expired before audience and signature", tok(rb, expired), p, JwtExpired, "time"},
		{"not yet valid", tok(ra, `{"iss":"https://wiki.example","aud":"client","nbf":1800000061}`), p, JwtNotYetValid, "time"},
		{"nbf within skew", tok(ra, `{"iss":"https://wiki.example","aud":"client","nbf":1800000060}`), p, OK, "passed"},
		{"audience before signature", tok(rb, `{"iss":"https://wiki.example","aud":"other"}`), p, JwtAudienceNotAllowed, "audience"},
		{"audience spelling", tok(ra, `{"iss":"https://wiki.example","aud":"https://client/"}`), p, OK, "passed"},
		{"signature last", tok(rb, good), p, JwtVerificationFail, "signature"},
		{"no key set", tok(ra, good), Provider{Issuer: p.Issuer, Audiences: p.Audiences}, JwksNoValidKeys, "jwks"},
		{"remote key set unusable", tok(ra, good), Provider{Issuer: p.Issuer, Audiences: p.Audiences, RemoteJWKS: true}, JwksFetchFail, "jwks"},
		{"kid mismatch", signToken(t, "RS256", ra, hdr("RS256", "k2"), good), Provider{Issuer: p.Issuer, JWKS: jwksOf(t, jwk(t, &ra.PublicKey, "k1", ""))}, JwksKidAlgMismatch, "signature"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := Verify(tc.token, tc.p, now)
			if v.Status != tc.want || v.Step != tc.step {
				t.Fatalf("Verify = %s at %s, want %s at %s", v.Status.Name(), v.Step, tc.want.Name(), tc.step)
			}
			if v.Reason != tc.want.String() || v.Code != tc.want.Code() || v.Passed() != (tc.want == OK) {
				t.Fatalf("verdict %+v", v)
			}
			if (v.JWT == nil) != (tc.step == "parse") {
				t.Fatalf("JWT present = %v at step %s", v.JWT != nil, v.Step)
			}
		})
	}
}

// TestVerifyResponse is filter.cc onComplete: 401, or 403 for the audience;
// the status text as body; WWW-Authenticate with error="invalid_token"
// except for JwtMissed; details with spaces as '_'.
func TestVerifyResponse(t *testing.T) {
	p := Provider{RequestURI: "https://api.example/w/api.php?action=query"}
	v := Verify("garbage", p, time.Unix(0, 0))
	want := Verdict{Status: JwtBadFormat, Code: 4, Reason: JwtBadFormat.String(), Step: "parse", HTTPStatus: 401,
		Body:                JwtBadFormat.String(),
		WWWAuthenticate:     `Bearer realm="https://api.example/w/api.php?action=query", error="invalid_token"`,
		ResponseCodeDetails: "jwt_authn_access_denied{Jwt_is_not_in_the_form_of_Header.Payload.Signature_with_two_dots_and_3_sections}",
		SkewSeconds:         60}
	if v != want {
		t.Fatalf("got  %+v\nwant %+v", v, want)
	}

	aud := Verify(unsigned(rs256, `{"aud":"x"}`, "s"), Provider{Audiences: []string{"y"}}, time.Unix(0, 0))
	if aud.HTTPStatus != 403 || aud.Body != "Audiences in Jwt are not allowed" || aud.WWWAuthenticate != `Bearer realm="<request uri>", error="invalid_token"` {
		t.Errorf("audience: %+v", aud)
	}

	missed := Respond(JwtMissed, p)
	if missed.HTTPStatus != 401 || missed.WWWAuthenticate != `Bearer realm="https://api.example/w/api.php?action=query"` || missed.Step != "extract" || missed.ResponseCodeDetails != "jwt_authn_access_denied{Jwt_is_missing}" {
		t.Errorf("missed: %+v", missed)
	}
	if ok := Respond(OK, p); ok.HTTPStatus != 200 || ok.Body != "" || ok.WWWAuthenticate != "" || ok.ResponseCodeDetails != "" {
		t.Errorf("ok: %+v", ok)
	}

	strip := Verify("x", Provider{StripFailureResponse: true, RequestURI: p.RequestURI}, time.Unix(0, 0))
	if strip.HTTPStatus != 401 || strip.Body != "" || strip.WWWAuthenticate != "" || strip.ResponseCodeDetails == "" {
		t.Errorf("strip_failure_response: %+v", strip)
	}

	// The realm keeps scheme://host and 256 bytes of path.
	long := "https://h.example/" + strings.Repeat("p", 300)
	r := Verify("x", Provider{RequestURI: long}, time.Unix(0, 0)).WWWAuthenticate
	if want := `Bearer realm="https://h.example/` + strings.Repeat("p", 255) + `", error="invalid_token"`; r != want {
		t.Errorf("realm %q", r)
	}
	if got := realm("https://h.example"); got != "https://h.example" {
		t.Errorf("realm without path %q", got)
	}

	// JSON: the status as its enumerator name, the JWT's fields.
	b, err := json.Marshal(Verify(unsigned(rs256, `{"exp":1.5}`, "s"), Provider{}, time.Unix(100, 0)))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m["status"] != "JwtExpired" || m["code"] != float64(3) || m["reason"] != "Jwt is expired" || m["jwks_status"] != "Ok" ||
		m["jwt"].(map[string]any)["exp"] != float64(1) || m["http_status"] != float64(401) {
		t.Errorf("JSON %s", b)
	}
}

// TestVerifySkew: the default skew is 60 s and 0 cannot turn it off.
func TestVerifySkew(t *testing.T) {
	tok := unsigned(rs256, `{"exp":1000}`, "s")
	for _, tc := range []struct {
		skew time.Duration
		now  int64
		want Status
	}{
		{0, 1060, JwksNoValidKeys}, // passes the time check, then has no keys
		{0, 1061, JwtExpired},
		{10 * time.Second, 1010, JwksNoValidKeys},
		{10 * time.Second, 1011, JwtExpired},
	} {
		v := Verify(tok, Provider{ClockSkew: tc.skew}, time.Unix(tc.now, 0))
		if v.Status != tc.want {
			t.Errorf("skew %v at %d: %s, want %s", tc.skew, tc.now, v.Status.Name(), tc.want.Name())
		}
	}
}

// TestVerifyJWKSStatus: an unusable set surfaces as JwksNoValidKeys, with
// the set's own status beside it.
func TestVerifyJWKSStatus(t *testing.T) {
	set, st := ParseJWKS([]byte(`{"keys":[{"kty":"EC","alg":"RS256"}]}`))
	if st != JwksECKeyBadAlg {
		t.Fatal(st.Name())
	}
	v := Verify(unsigned(rs256, `{}`, "s"), Provider{JWKS: set}, time.Unix(0, 0))
	if v.Status != JwksNoValidKeys || v.JWKSStatus != JwksECKeyBadAlg {
		t.Errorf("%+v", v)
	}
}

// TestExtractBearer is the default extractor on one Authorization value.
func TestExtractBearer(t *testing.T) {
	for in, want := range map[string]string{
		"Bearer a.b.c":        "a.b.c",
		"Bearer   a.b.c":      "a.b.c",
		"Bearer a.b.c, x":     "a.b.c, x",  // the rest of the value comes along
		"Token, Bearer a.b.c": "a.b.c",     // the prefix may be anywhere
		"Bearer !!":           "Bearer !!", // nothing token-like: the whole value
		"Bearer .b.c":         ".b.c",
		"xBearer a":           "a",
	} {
		if got, ok := ExtractBearer(in); !ok || got != want {
			t.Errorf("ExtractBearer(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"bearer a.b.c", "Bearer", "BEARER a.b.c", "Basic abc", ""} {
		if got, ok := ExtractBearer(in); ok {
			t.Errorf("ExtractBearer(%q) = %q, want no token", in, got)
		}
	}
}
