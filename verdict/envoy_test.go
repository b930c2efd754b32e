package verdict

import (
	"crypto/rsa"
	"strings"
	"testing"
	"time"

	"github.com/mwoauth/mwoauth/envoy"
	"github.com/mwoauth/mwoauth/jwtutil/keys"
)

// TestEnvoyAnswersMalformedTokens: the Envoy verdict comes from the raw
// token, so tokens mwoauth's parser refuses still get Envoy's own answer
// (it was status 0 and no reason before).
func TestEnvoyAnswersMalformedTokens(t *testing.T) {
	wikiPub := publicKey(t, "oauth2-public.pem")
	parts := strings.Split(readFixture(t, "tokens/15-tokenA-cc.jwt"), ".")
	o := Options{Keys: []*rsa.PublicKey{wikiPub}, Now: validAt}
	for _, tc := range []struct {
		name, raw string
		want      envoy.Status
	}{
		{"garbage", "not-a-jwt", envoy.JwtBadFormat},
		{"empty", "", envoy.JwtBadFormat},
		// 256 signature bytes leave 2 characters over: "==" is exact padding,
		// "=" is not.
		{"padded signature", parts[0] + "." + parts[1] + "." + parts[2] + "==", envoy.OK},
		{"short padding", parts[0] + "." + parts[1] + "." + parts[2] + "=", envoy.JwtSignatureParseErrorBadBase64},
		{"header not JSON", b64("{") + "." + parts[1] + "." + parts[2], envoy.JwtHeaderParseErrorBadJSON},
		{"duplicate claim", parts[0] + "." + b64(`{"exp":1,"exp":2}`) + "." + parts[2], envoy.JwtPayloadParseErrorBadJSON},
		{"empty parts are skipped", parts[0] + ".." + parts[1] + "." + parts[2], envoy.OK},
	} {
		v := Envoy(tc.raw, o)
		if v.Name != tc.want.Name() || v.Reason != tc.want.String() || v.Reason == "" || v.Status == 0 {
			t.Errorf("%s: %+v, want %s", tc.name, v, tc.want.Name())
		}
	}
}

// TestEnvoyKeySet: the provider's JWKS is the given keys as `mwoauth keys
// jwks` writes them (alg RS256), unless the gateway's own set is given.
func TestEnvoyKeySet(t *testing.T) {
	wikiPub := publicKey(t, "oauth2-public.pem")
	other := publicKey(t, "other-public.pem")
	real := readFixture(t, "tokens/15-tokenA-cc.jwt")

	if v := Envoy(real, Options{Keys: []*rsa.PublicKey{other, wikiPub}, Now: validAt}); v.Status != 200 {
		t.Errorf("second key: %+v", v)
	}
	jwks, err := keys.ParseJWKS(mustJWKS(t, wikiPub))
	if err != nil {
		t.Fatal(err)
	}
	if v := Envoy(real, Options{JWKS: jwks, Now: validAt}); v.Status != 200 {
		t.Errorf("--jwks: %+v", v)
	}
	// No key: the checks before the signature still decide; after them the
	// failure is assumed and said so.
	if v := Envoy(real, Options{Now: afterExp}); v.Name != "JwtExpired" || v.Note != "" {
		t.Errorf("expired without key: %+v", v)
	}
	if v := Envoy(real, Options{Now: validAt}); v.Name != "JwtVerificationFail" || !v.KeyAssumed || !strings.Contains(v.Note, "assumed") || strings.Contains(v.Note, "--") {
		t.Errorf("no key: %+v", v)
	}
	// The gateway's own set wins, with its statuses.
	set, _ := envoy.ParseJWKS([]byte(`{"keys":[{"kty":"EC","alg":"RS256"}]}`))
	if v := Envoy(real, Options{Keys: []*rsa.PublicKey{wikiPub}, EnvoyJWKS: set, Now: validAt}); v.Name != "JwksNoValidKeys" || v.JWKSStatus != envoy.JwksECKeyBadAlg.String() {
		t.Errorf("EnvoyJWKS: %+v", v)
	}
	// clock_skew_seconds below a second is Envoy's default, 60 s.
	if v := Envoy(real, Options{Keys: []*rsa.PublicKey{wikiPub}, Now: expA.Add(30 * time.Second), EnvoySkew: 500 * time.Millisecond}); v.Status != 200 || v.SkewSeconds != 60 {
		t.Errorf("skew 0.5 s: %+v", v)
	}
}

func mustJWKS(t *testing.T, pub *rsa.PublicKey) []byte {
	t.Helper()
	doc, err := keys.JWKS(pub)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestEnvoyTimeline: the gateway's instants come from Envoy's reading of
// the token (truncated seconds, its skew).
func TestEnvoyTimeline(t *testing.T) {
	r := Verify(parseFixture(t, "tokens/15-tokenA-cc.jwt"), Options{Keys: []*rsa.PublicKey{publicKey(t, "oauth2-public.pem")}, Now: validAt})
	var accepts, rejects string
	for _, e := range r.Timeline {
		switch {
		case strings.HasPrefix(e.Event, "gateway (Envoy jwt_authn) accepts"):
			accepts = e.UTC
		case strings.HasPrefix(e.Event, "gateway (Envoy jwt_authn) rejects"):
			rejects = e.UTC
		}
	}
	// nbf 1795338475.527 → 1795338475 − 60; exp 1795342075.525 → +60 +1.
	if !strings.HasPrefix(accepts, "2026-11-22T09:06:55") || !strings.HasPrefix(rejects, "2026-11-22T10:08:56") {
		t.Errorf("accepts %q, rejects %q", accepts, rejects)
	}
}
