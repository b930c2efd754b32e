package verdict

import (
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/mwoauth/mwoauth/envoy"
	"github.com/mwoauth/mwoauth/jwtutil"
	"github.com/mwoauth/mwoauth/mediawiki"
)

func hs256(header, payload string, secret []byte) string {
	input := b64(header) + "." + b64(payload)
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(input))
	return input + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func TestVerify(t *testing.T) {
	wikiPub := publicKey(t, "oauth2-public.pem")
	otherPub := publicKey(t, "other-public.pem")
	wikiPriv := privateKey(t, "oauth2-private.pem")
	pubPEM := []byte(readFixture(t, "keys/oauth2-public.pem"))
	realA := readFixture(t, "tokens/15-tokenA-cc.jwt")
	const hdr = `{"typ":"JWT","alg":"RS256"}`
	const body = `{"aud":"5096568cc6652b5ad36358427f1bd60c","jti":"j","iat":1795338475.52743,"nbf":1795338475.527432,"exp":1795342075.525625,"sub":"","iss":"http://127.0.0.1:8089","scopes":["basic"]}`

	tests := []struct {
		name   string
		token  string
		opts   Options
		class  jwtutil.Class
		failed []string // names of failing checks
	}{
		{"real token while valid", realA, Options{Keys: []*rsa.PublicKey{wikiPub}, Now: validAt}, jwtutil.ClassOK, nil},
		{"real token one µs before exp", realA, Options{Keys: []*rsa.PublicKey{wikiPub}, Now: expA.Add(-time.Microsecond)}, jwtutil.ClassOK, nil},
		{"real token at exp (zero leeway)", realA, Options{Keys: []*rsa.PublicKey{wikiPub}, Now: expA}, jwtutil.ClassExpired, []string{"exp"}},
		{"real token after exp", realA, Options{Keys: []*rsa.PublicKey{wikiPub}, Now: afterExp}, jwtutil.ClassExpired, []string{"exp"}},
		{"after exp within leeway", realA, Options{Keys: []*rsa.PublicKey{wikiPub}, Now: afterExp, Leeway: 5 * time.Minute}, jwtutil.ClassOK, nil},
		{"before iat", realA, Options{Keys: []*rsa.PublicKey{wikiPub}, Now: issuedA.Add(-time.Second)}, jwtutil.ClassNotYetValid, []string{"iat", "nbf"}},
		{"wrong key", realA, Options{Keys: []*rsa.PublicKey{otherPub}, Now: validAt}, jwtutil.ClassSignature, []string{"signature"}},
		{"one of two keys", realA, Options{Keys: []*rsa.PublicKey{otherPub, wikiPub}, Now: validAt}, jwtutil.ClassOK, nil},
		{"bit flip", readFixture(t, "tokens/crafted/bad-signature-bitflip.jwt"), Options{Keys: []*rsa.PublicKey{wikiPub}, Now: validAt}, jwtutil.ClassSignature, []string{"signature"}},
		{"bit flip and expired: signature wins", readFixture(t, "tokens/crafted/bad-signature-bitflip.jwt"), Options{Keys: []*rsa.PublicKey{wikiPub}, Now: afterExp}, jwtutil.ClassSignature, []string{"signature", "exp"}},
		{"alg none", readFixture(t, "tokens/crafted/alg-none.jwt"), Options{Keys: []*rsa.PublicKey{wikiPub}, Now: validAt}, jwtutil.ClassSignature, []string{"signature"}},
		{"expired re-signed", readFixture(t, "tokens/crafted/expired-resigned.jwt"), Options{Keys: []*rsa.PublicKey{wikiPub}, Now: validAt}, jwtutil.ClassExpired, []string{"exp"}},
		{"HS256 with the public PEM as secret, RS256 pinned", hs256(`{"typ":"JWT","alg":"HS256"}`, body, pubPEM), Options{Keys: []*rsa.PublicKey{wikiPub}, Now: validAt}, jwtutil.ClassSignature, []string{"signature"}},
		{"HS256 with the public PEM as secret file", hs256(`{"typ":"JWT","alg":"HS256"}`, body, pubPEM), Options{Algs: []string{"HS256"}, Secret: pubPEM, Now: validAt}, jwtutil.ClassSignature, []string{"signature"}},
		{"HS256 with the right secret", hs256(`{"typ":"JWT","alg":"HS256"}`, body, []byte("s3cret")), Options{Algs: []string{"HS256"}, Secret: []byte("s3cret"), Now: validAt}, jwtutil.ClassOK, nil},
		{"HS256 with a wrong secret", hs256(`{"typ":"JWT","alg":"HS256"}`, body, []byte("s3cret")), Options{Algs: []string{"HS256"}, Secret: []byte("other"), Now: validAt}, jwtutil.ClassSignature, []string{"signature"}},
		{"unknown alg", craft(t, `{"alg":"XY999"}`, body, wikiPriv), Options{Keys: []*rsa.PublicKey{wikiPub}, Now: validAt}, jwtutil.ClassSignature, []string{"signature"}},
		{"crit header", craft(t, `{"alg":"RS256","crit":["b64"],"b64":false}`, body, wikiPriv), Options{Keys: []*rsa.PublicKey{wikiPub}, Now: validAt}, jwtutil.ClassSignature, []string{"signature"}},
		{"RS512 not pinned", craft(t, `{"alg":"RS512"}`, body, wikiPriv), Options{Keys: []*rsa.PublicKey{wikiPub}, Now: validAt}, jwtutil.ClassSignature, []string{"signature"}},
		{"issuer and audience ok", realA, Options{Keys: []*rsa.PublicKey{wikiPub}, Now: validAt, Issuer: "http://127.0.0.1:8089", Audience: "5096568cc6652b5ad36358427f1bd60c"}, jwtutil.ClassOK, nil},
		{"issuer and audience wrong", realA, Options{Keys: []*rsa.PublicKey{wikiPub}, Now: validAt, Issuer: "https://meta.wikimedia.org", Audience: "x"}, jwtutil.ClassClaims, []string{"issuer", "audience"}},
		{"expired beats claims", realA, Options{Keys: []*rsa.PublicKey{wikiPub}, Now: afterExp, Issuer: "x"}, jwtutil.ClassExpired, []string{"exp", "issuer"}},
		{"non-numeric exp is malformed", craft(t, hdr, `{"aud":"a","exp":"soon"}`, wikiPriv), Options{Keys: []*rsa.PublicKey{wikiPub}, Now: validAt}, jwtutil.ClassMalformed, []string{"exp"}},
		{"jti row missing", realA, Options{Keys: []*rsa.PublicKey{wikiPub}, Now: validAt, WikiState: &mediawiki.WikiState{ConsumerFound: true, ConsumerUsable: true, OAuthVersion: 2}}, jwtutil.ClassWikiState, []string{"token-row"}},
		{"consumer disabled", realA, Options{Keys: []*rsa.PublicKey{wikiPub}, Now: validAt, WikiState: &mediawiki.WikiState{TokenRowFound: true, ConsumerFound: true, ConsumerName: "App", ConsumerStage: 4, StageName: "disabled", OAuthVersion: 2}}, jwtutil.ClassWikiState, []string{"consumer"}},
		{"wiki state all good", realA, Options{Keys: []*rsa.PublicKey{wikiPub}, Now: validAt, WikiState: &mediawiki.WikiState{TokenRowFound: true, ConsumerFound: true, ConsumerUsable: true, ConsumerStage: 1, OAuthVersion: 2}}, jwtutil.ClassOK, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := jwtutil.Parse(tt.token)
			if err != nil {
				t.Fatal(err)
			}
			r := Verify(tok, tt.opts)
			var failed []string
			for _, c := range r.Checks {
				if !c.OK {
					failed = append(failed, c.Name)
				}
			}
			if r.Class != tt.class || r.Valid != (tt.class == jwtutil.ClassOK) || strings.Join(failed, ",") != strings.Join(tt.failed, ",") {
				t.Errorf("class %s valid %v failed %v; want %s %v\n%+v", r.Class, r.Valid, failed, tt.class, tt.failed, r.Checks)
			}
			if CheckTimes(tok, tt.opts.Now, tt.opts.Leeway) == jwtutil.ClassOK && (tt.class == jwtutil.ClassExpired || tt.class == jwtutil.ClassNotYetValid) {
				t.Errorf("CheckTimes disagrees with Verify")
			}
		})
	}
}

func TestVerdicts(t *testing.T) {
	wikiPub := publicKey(t, "oauth2-public.pem")
	realA := parseFixture(t, "tokens/15-tokenA-cc.jwt")
	expSec := time.Unix(1795342075, 0)
	tests := []struct {
		name        string
		tok         *jwtutil.Token
		opts        Options
		mwAccepted  bool
		mwCode      string
		restHint    string
		envoyStatus int
		envoyReason string
	}{
		{"valid", realA, Options{Keys: []*rsa.PublicKey{wikiPub}, Now: validAt}, true, "", "", 200, envoy.OK.String()},
		{"expired for MediaWiki, inside Envoy skew", realA, Options{Keys: []*rsa.PublicKey{wikiPub}, Now: expSec.Add(60 * time.Second)},
			false, mediawiki.MWInvalidAuthorization, mediawiki.HintNotVerified, 200, envoy.OK.String()},
		{"Envoy last accepted second", realA, Options{Keys: []*rsa.PublicKey{wikiPub}, Now: expSec.Add(60*time.Second + 999*time.Millisecond)},
			false, mediawiki.MWInvalidAuthorization, mediawiki.HintNotVerified, 200, envoy.OK.String()},
		{"Envoy rejects after exp+skew", realA, Options{Keys: []*rsa.PublicKey{wikiPub}, Now: expSec.Add(61 * time.Second)},
			false, mediawiki.MWInvalidAuthorization, mediawiki.HintNotVerified, 401, envoy.JwtExpired.String()},
		// clock_skew_seconds: 0 is Envoy's default, not zero skew.
		{"Envoy skew 0 is 60 s", realA, Options{Keys: []*rsa.PublicKey{wikiPub}, Now: expSec.Add(time.Second), EnvoySkew: -1},
			false, mediawiki.MWInvalidAuthorization, mediawiki.HintNotVerified, 200, envoy.OK.String()},
		{"bad signature", parseFixture(t, "tokens/crafted/bad-signature-bitflip.jwt"), Options{Keys: []*rsa.PublicKey{wikiPub}, Now: validAt},
			false, mediawiki.MWInvalidAuthorization, mediawiki.HintNotVerified, 401, envoy.JwtVerificationFail.String()},
		{"expired and bad signature: Envoy says expired", parseFixture(t, "tokens/crafted/bad-signature-bitflip.jwt"), Options{Keys: []*rsa.PublicKey{wikiPub}, Now: afterExp},
			false, mediawiki.MWInvalidAuthorization, mediawiki.HintNotVerified, 401, envoy.JwtExpired.String()},
		// "h.p.": the empty signature leaves two sections after Envoy's split.
		{"alg none", parseFixture(t, "tokens/crafted/alg-none.jwt"), Options{Keys: []*rsa.PublicKey{wikiPub}, Now: validAt},
			false, mediawiki.MWInvalidAuthorization, mediawiki.HintNotVerified, 401, envoy.JwtBadFormat.String()},
		{"wrong audience: 403", realA, Options{Keys: []*rsa.PublicKey{wikiPub}, Now: validAt, Audience: "x"},
			true, "", "", 403, envoy.JwtAudienceNotAllowed.String()},
		{"wrong issuer", realA, Options{Keys: []*rsa.PublicKey{wikiPub}, Now: validAt, Issuer: "x"},
			true, "", "", 401, envoy.JwtUnknownIssuer.String()},
		{"revoked", realA, Options{Keys: []*rsa.PublicKey{wikiPub}, Now: validAt, WikiState: &mediawiki.WikiState{TokenRowFound: true, Revoked: true, ConsumerFound: true, ConsumerUsable: true}},
			false, mediawiki.MWInvalidAuthorization, mediawiki.HintRevoked, 200, envoy.OK.String()},
		{"disabled consumer", realA, Options{Keys: []*rsa.PublicKey{wikiPub}, Now: validAt, WikiState: &mediawiki.WikiState{TokenRowFound: true, ConsumerFound: true, ConsumerName: "E2E Client Credentials App", ConsumerStage: 4, OAuthVersion: 2}},
			false, mediawiki.MWNotApproved, "", 200, envoy.OK.String()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Verify(tt.tok, tt.opts)
			mw := r.MediaWiki
			if mw.Accepted != tt.mwAccepted {
				t.Errorf("mediawiki accepted = %v (%s)", mw.Accepted, mw.Reason)
			}
			if tt.mwCode != "" && (mw.ActionAPI == nil || mw.ActionAPI.Code != tt.mwCode || mw.ActionAPI.Status != 200) {
				t.Errorf("action api = %+v, want %s", mw.ActionAPI, tt.mwCode)
			}
			if tt.restHint != "" && (mw.RESTProfile == nil || mw.RESTProfile.Hint != tt.restHint || mw.RESTProfile.Status != 401) {
				t.Errorf("rest = %+v, want hint %s", mw.RESTProfile, tt.restHint)
			}
			if r.Envoy.Status != tt.envoyStatus || r.Envoy.Reason != tt.envoyReason {
				t.Errorf("envoy = %+v, want %d %s", r.Envoy, tt.envoyStatus, tt.envoyReason)
			}
			if tt.envoyStatus != 200 && r.Envoy.WWWAuthenticate != `Bearer realm="<request uri>", error="invalid_token"` {
				t.Errorf("www-authenticate = %q", r.Envoy.WWWAuthenticate)
			}
		})
	}
	r := Verify(realA, Options{Keys: []*rsa.PublicKey{wikiPub}, Now: validAt, WikiState: &mediawiki.WikiState{TokenRowFound: true, ConsumerFound: true, ConsumerName: "E2E Client Credentials App", ConsumerStage: 4, OAuthVersion: 2}})
	if want := `The app that you are trying to connect seems to be set up incorrectly. Contact the author of "E2E Client Credentials App" for help.`; r.MediaWiki.ActionAPI.Message != want {
		t.Errorf("not-approved text = %q", r.MediaWiki.ActionAPI.Message)
	}
}

func TestTimeline(t *testing.T) {
	r := Verify(parseFixture(t, "tokens/15-tokenA-cc.jwt"), Options{Keys: []*rsa.PublicKey{publicKey(t, "oauth2-public.pem")}, Now: validAt})
	var got []string
	for _, e := range r.Timeline {
		got = append(got, e.UTC+" "+strings.SplitN(e.Event, " ", 2)[0])
	}
	want := []string{
		"2026-11-22T09:06:55Z gateway",
		"2026-11-22T09:07:55.527430Z issued",
		"2026-11-22T09:07:55.527432Z MediaWiki",
		"2026-11-22T09:30:00Z now",
		"2026-11-22T10:07:55.525625Z MediaWiki",
		"2026-11-22T10:08:56Z gateway",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("timeline:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCheckAlgs(t *testing.T) {
	tests := []struct {
		algs   []string
		secret bool
		want   string
	}{
		{[]string{"RS256"}, false, ""},
		{[]string{"none"}, false, "never accepted"},
		{[]string{"HS256"}, false, "shared secret"},
		{[]string{"HS256"}, true, ""},
		{[]string{"ES256"}, false, "unsupported"},
	}
	for _, tt := range tests {
		err := CheckAlgs(tt.algs, tt.secret)
		if (tt.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tt.want) {
			t.Errorf("CheckAlgs(%v) = %v, want %q", tt.algs, err, tt.want)
		}
	}
}
