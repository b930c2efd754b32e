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
		{"alg none on 1.43", readFixture(t, "tokens/crafted/alg-none.jwt"), Options{MediaWiki: mediawiki.V1_43, Keys: []*rsa.PublicKey{wikiPub}, Now: validAt}, jwtutil.ClassSignature, []string{"signature"}},
		// lcobucci 5 (master) refuses the empty signature part before anyone looks at alg.
		{"alg none on master", readFixture(t, "tokens/crafted/alg-none.jwt"), Options{Keys: []*rsa.PublicKey{wikiPub}, Now: validAt}, jwtutil.ClassMalformed, []string{"format", "signature"}},
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
		{"jti row missing", realA, Options{Keys: []*rsa.PublicKey{wikiPub}, Now: validAt, WikiState: &mediawiki.WikiState{Consumer: approvedA()}}, jwtutil.ClassWikiState, []string{"token-row"}},
		{"consumer disabled", realA, Options{Keys: []*rsa.PublicKey{wikiPub}, Now: validAt, WikiState: &mediawiki.WikiState{TokenRow: rowA(), Consumer: func() *mediawiki.Consumer { c := approvedA(); c.Stage = mediawiki.StageDisabled; return c }()}}, jwtutil.ClassWikiState, []string{"consumer"}},
		{"wiki state all good", realA, Options{Keys: []*rsa.PublicKey{wikiPub}, Now: validAt, WikiState: &mediawiki.WikiState{TokenRow: rowA(), Consumer: approvedA()}}, jwtutil.ClassOK, nil},
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
		{"valid", realA, Options{MediaWiki: mediawiki.V1_43, Keys: []*rsa.PublicKey{wikiPub}, Now: validAt}, true, "", "", 200, envoy.OK.String()},
		{"expired for MediaWiki, inside Envoy skew", realA, Options{MediaWiki: mediawiki.V1_43, Keys: []*rsa.PublicKey{wikiPub}, Now: expSec.Add(60 * time.Second)},
			false, mediawiki.MWInvalidAuthorization, mediawiki.HintNotVerified, 200, envoy.OK.String()},
		{"Envoy last accepted second", realA, Options{MediaWiki: mediawiki.V1_43, Keys: []*rsa.PublicKey{wikiPub}, Now: expSec.Add(60*time.Second + 999*time.Millisecond)},
			false, mediawiki.MWInvalidAuthorization, mediawiki.HintNotVerified, 200, envoy.OK.String()},
		{"Envoy rejects after exp+skew", realA, Options{MediaWiki: mediawiki.V1_43, Keys: []*rsa.PublicKey{wikiPub}, Now: expSec.Add(61 * time.Second)},
			false, mediawiki.MWInvalidAuthorization, mediawiki.HintNotVerified, 401, envoy.JwtExpired.String()},
		// clock_skew_seconds: below a second is Envoy's default, not zero skew.
		{"Envoy skew 0.5 s is 60 s", realA, Options{MediaWiki: mediawiki.V1_43, Keys: []*rsa.PublicKey{wikiPub}, Now: expSec.Add(time.Second), EnvoySkew: 500 * time.Millisecond},
			false, mediawiki.MWInvalidAuthorization, mediawiki.HintNotVerified, 200, envoy.OK.String()},
		{"bad signature", parseFixture(t, "tokens/crafted/bad-signature-bitflip.jwt"), Options{MediaWiki: mediawiki.V1_43, Keys: []*rsa.PublicKey{wikiPub}, Now: validAt},
			false, mediawiki.MWInvalidAuthorization, mediawiki.HintNotVerified, 401, envoy.JwtVerificationFail.String()},
		{"expired and bad signature: Envoy says expired", parseFixture(t, "tokens/crafted/bad-signature-bitflip.jwt"), Options{MediaWiki: mediawiki.V1_43, Keys: []*rsa.PublicKey{wikiPub}, Now: afterExp},
			false, mediawiki.MWInvalidAuthorization, mediawiki.HintNotVerified, 401, envoy.JwtExpired.String()},
		// "h.p.": the empty signature leaves two sections after Envoy's split.
		{"alg none", parseFixture(t, "tokens/crafted/alg-none.jwt"), Options{MediaWiki: mediawiki.V1_43, Keys: []*rsa.PublicKey{wikiPub}, Now: validAt},
			false, mediawiki.MWInvalidAuthorization, mediawiki.HintNotVerified, 401, envoy.JwtBadFormat.String()},
		{"wrong audience: 403", realA, Options{MediaWiki: mediawiki.V1_43, Keys: []*rsa.PublicKey{wikiPub}, Now: validAt, Audience: "x"},
			true, "", "", 403, envoy.JwtAudienceNotAllowed.String()},
		{"wrong issuer", realA, Options{MediaWiki: mediawiki.V1_43, Keys: []*rsa.PublicKey{wikiPub}, Now: validAt, Issuer: "x"},
			true, "", "", 401, envoy.JwtUnknownIssuer.String()},
		{"revoked", realA, Options{MediaWiki: mediawiki.V1_43, Keys: []*rsa.PublicKey{wikiPub}, Now: validAt, WikiState: &mediawiki.WikiState{TokenRow: func() *mediawiki.AccessToken { r := rowA(); r.Revoked = true; return r }(), Consumer: approvedA()}},
			false, mediawiki.MWInvalidAuthorization, mediawiki.HintRevoked, 200, envoy.OK.String()},
		{"disabled consumer", realA, Options{MediaWiki: mediawiki.V1_43, Keys: []*rsa.PublicKey{wikiPub}, Now: validAt, WikiState: disabledA()},
			false, mediawiki.MWNotApproved, "", 200, envoy.OK.String()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Verify(tt.tok, tt.opts)
			mw := r.MediaWiki
			if mw.Accepted == nil || *mw.Accepted != tt.mwAccepted {
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
	r := Verify(realA, Options{MediaWiki: mediawiki.V1_43, Keys: []*rsa.PublicKey{wikiPub}, Now: validAt, WikiState: disabledA()})
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

// rowA and approvedA are the real token A's row (acceptance 0) and its
// consumer, approved.
func rowA() *mediawiki.AccessToken {
	return &mediawiki.AccessToken{Identifier: "c0214717c4d1b4f8ef6c757787bf3822f6f07486d05e367b026d0f00cb88dc00b102a92f20036c98"}
}

func approvedA() *mediawiki.Consumer {
	return &mediawiki.Consumer{ID: 2, Key: "5096568cc6652b5ad36358427f1bd60c", Name: "App", OwnerID: 1, Stage: mediawiki.StageApproved, Wiki: "*", OAuthVersion: 2}
}

func disabledA() *mediawiki.WikiState {
	c := approvedA()
	c.Name, c.Stage = "E2E Client Credentials App", mediawiki.StageDisabled
	return &mediawiki.WikiState{TokenRow: rowA(), Consumer: c}
}

// What MediaWiki's parser refuses, mwoauth calls malformed, with the
// parser's reason; decode's warnings name the same reason; crit is
// mwoauth's refusal only.
func TestHostileTokensAgree(t *testing.T) {
	key := privateKey(t, "oauth2-private.pem")
	pub := []*rsa.PublicKey{&key.PublicKey}
	hdr := `{"typ":"JWT","alg":"RS256"}`
	body := `{"aud":"5096568cc6652b5ad36358427f1bd60c","jti":"j","iat":1795338475,"nbf":1795338475,"exp":1795342075,"sub":"1","scopes":["basic"]}`
	good := craft(t, hdr, body, key)
	p := strings.Split(good, ".")
	tests := []struct {
		name      string
		raw       string
		v         mediawiki.Version
		class     jwtutil.Class
		mwAccepts bool
	}{
		{"canonical", good, mediawiki.Master, jwtutil.ClassOK, true},
		{"padding", p[0] + "=." + p[1] + "." + p[2], mediawiki.Master, jwtutil.ClassMalformed, false},
		{"padding on 1.43", p[0] + "=." + p[1] + "." + p[2], mediawiki.V1_43, jwtutil.ClassMalformed, false},
		{"invalid utf-8", craft(t, hdr, strings.Replace(body, `"sub":"1"`, "\"sub\":\"\xff\"", 1), key), mediawiki.Master, jwtutil.ClassMalformed, false},
		{"empty key on master", craft(t, hdr, strings.Replace(body, `{`, `{"":1,`, 1), key), mediawiki.Master, jwtutil.ClassMalformed, false},
		{"empty key on 1.43", craft(t, hdr, strings.Replace(body, `{`, `{"":1,`, 1), key), mediawiki.V1_43, jwtutil.ClassOK, true},
		{"enc", craft(t, `{"alg":"RS256","enc":"A128GCM"}`, body, key), mediawiki.Master, jwtutil.ClassMalformed, false},
		{"crit: mwoauth refuses, MediaWiki accepts", craft(t, `{"typ":"JWT","alg":"RS256","crit":["exp"]}`, body, key), mediawiki.Master, jwtutil.ClassSignature, true},
		{"exp 1e16", craft(t, hdr, strings.Replace(body, "1795342075", "1e16", 1), key), mediawiki.Master, jwtutil.ClassOK, true},
		{"exp 10000000000000000", craft(t, hdr, strings.Replace(body, "1795342075", "10000000000000000", 1), key), mediawiki.Master, jwtutil.ClassOK, true},
		{"exp 1.5e15", craft(t, hdr, strings.Replace(body, "1795342075", "1.5e15", 1), key), mediawiki.Master, jwtutil.ClassOK, true},
		{"exp a word", craft(t, hdr, strings.Replace(body, "1795342075", `"soon"`, 1), key), mediawiki.Master, jwtutil.ClassMalformed, false},
	}
	// A second spelling of the canonical token: the last character of the
	// signature with unused bits set decodes to the same bytes.
	last := p[2][len(p[2])-1]
	alphabet := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	if i := strings.IndexByte(alphabet, last); i%4 == 0 && len(p[2])%4 != 0 {
		tests = append(tests, struct {
			name      string
			raw       string
			v         mediawiki.Version
			class     jwtutil.Class
			mwAccepts bool
		}{"a second spelling", p[0] + "." + p[1] + "." + p[2][:len(p[2])-1] + string(alphabet[i+1]), mediawiki.Master, jwtutil.ClassMalformed, false})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := jwtutil.Parse(tt.raw)
			if err != nil {
				t.Fatal(err)
			}
			r := Verify(tok, Options{MediaWiki: tt.v, Keys: pub, Now: validAt})
			mw := r.MediaWiki
			if r.Class != tt.class || (*mw.Accepted) != tt.mwAccepts {
				t.Fatalf("class %s, MediaWiki accepted %v (%s); want %s, %v", r.Class, *mw.Accepted, mw.Reason, tt.class, tt.mwAccepts)
			}
			ex := mediawiki.Explain(tok, validAt, tt.v.Rules())
			var said bool
			for _, w := range ex.Warnings {
				said = said || (w.Code == "mediawiki-parse" && strings.Contains(w.Message, mw.Reason))
			}
			if (mw.Step == mediawiki.StepParse) != said {
				t.Errorf("decode's warnings %v disagree with verify's %s: %q", ex.Warnings, mw.Step, mw.Reason)
			}
		})
	}
}

// The format check names, after the parser's reason, each deviation of
// the bytes that the parser refuses; a duplicate member adds nothing.
func TestFormatDetailNamesDeviations(t *testing.T) {
	key := privateKey(t, "oauth2-private.pem")
	pub := []*rsa.PublicKey{&key.PublicKey}
	hdr := `{"typ":"JWT","alg":"RS256"}`
	body := `{"aud":"5096568cc6652b5ad36358427f1bd60c","jti":"j","iat":1795338475,"nbf":1795338475,"exp":1795342075,"sub":"1","scopes":["basic"]}`
	p := strings.Split(craft(t, hdr, body, key), ".")
	for _, tt := range []struct{ name, raw, note string }{
		{"padding", p[0] + "=." + p[1] + "." + p[2], " (the header carries '=' padding)"},
		{"invalid utf-8", craft(t, hdr, strings.Replace(body, `"sub":"1"`, "\"sub\":\"\xff\"", 1), key), " (the payload holds invalid UTF-8)"},
		{"empty key and duplicate", craft(t, hdr, strings.Replace(body, `{`, `{"":1,"jti":"k",`, 1), key), " (the payload has a member named \"\")"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := jwtutil.Parse(tt.raw)
			if err != nil {
				t.Fatal(err)
			}
			r := Verify(tok, Options{Keys: pub, Now: validAt})
			if d := r.Checks[0].Detail; r.Checks[0].Name != "format" || !strings.HasSuffix(d, tt.note) {
				t.Errorf("format check %q: %q; want it to end %q", r.Checks[0].Name, d, tt.note)
			}
		})
	}
}

// The real owner-only token's exp (year 3026) judged at many instants:
// no overflow anywhere.
func TestOwnerOnlyTokenAtAnyTime(t *testing.T) {
	tok := parseFixture(t, "tokens/07-tokenB-owner-only-registration.jwt")
	pub := []*rsa.PublicKey{publicKey(t, "oauth2-public.pem")}
	for _, at := range []time.Time{validAt, time.Date(2262, 4, 12, 0, 0, 0, 0, time.UTC), time.Date(2999, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(3026, 11, 22, 9, 7, 29, 0, time.UTC)} {
		if r := Verify(tok, Options{Keys: pub, Now: at}); !r.Valid {
			t.Errorf("at %v: %s %v", at, r.Class, r.Failure())
		}
	}
	if r := Verify(tok, Options{Keys: pub, Now: time.Date(3027, 1, 1, 0, 0, 0, 0, time.UTC)}); r.Class != jwtutil.ClassExpired {
		t.Errorf("in 3027: %s", r.Class)
	}
	ts, ok := TimesOf(tok)
	if !ok || ts.Class(jwtutil.Date(time.Date(2500, 1, 1, 0, 0, 0, 0, time.UTC)), 0) != jwtutil.ClassOK {
		t.Error("Times.Class calls the owner-only token expired in 2500")
	}
}

// Without a database, master's subject-scope check still applies.
func TestSubjectScopeWithoutDatabase(t *testing.T) {
	key := privateKey(t, "oauth2-private.pem")
	pub := []*rsa.PublicKey{&key.PublicKey}
	raw := craft(t, `{"typ":"JWT","alg":"RS256"}`, `{"aud":"a","jti":"j","iat":1795338475,"exp":1795342075,"sub":"mw:local:otherwiki:3","scopes":[]}`, key)
	tok, _ := jwtutil.Parse(raw)
	r := Verify(tok, Options{Keys: pub, Now: validAt, SubjectScope: "CentralAuth:"})
	if r.Class != jwtutil.ClassClaims || r.Failure().Name != "subject" || r.MediaWiki.Reason != mediawiki.HintInvalidScope {
		t.Fatalf("class %s %+v, MediaWiki %q", r.Class, r.Failure(), r.MediaWiki.Reason)
	}
	if r := Verify(tok, Options{MediaWiki: mediawiki.V1_43, Keys: pub, Now: validAt, SubjectScope: "CentralAuth:"}); !r.Valid {
		t.Errorf("1.43 has no scope check: %s", r.Class)
	}
}
