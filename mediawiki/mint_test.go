package mediawiki

import (
	"strings"
	"testing"
	"time"

	"github.com/mwoauth/mwoauth/jwtutil"
)

// Golden payloads, per version, minted with the fixture key: the claims in
// the order the version writes them, compared byte for byte.
func TestMintShapePerVersion(t *testing.T) {
	priv := privateKey(t, "oauth2-private.pem")
	now := time.Date(2026, 11, 22, 9, 7, 55, 527430000, time.UTC)
	const iss = "http://127.0.0.1:8089"
	rlc := []jwtutil.RawMember{{Name: "rlc", JSON: []byte(`"authed-user"`)}, {Name: "ratelimit", JSON: []byte(`{"requests_per_unit":5000,"unit":"HOUR"}`)}}
	tests := []struct {
		name string
		opts MintOptions
		want string
	}{
		// REL1_43: the real token 15's payload (its exp was computed a few µs before iat; ours is exact).
		{"1.43 client credentials", MintOptions{MediaWiki: V1_43, ClientID: "5096568cc6652b5ad36358427f1bd60c", JTI: "j1", ClientCredentials: true, Scopes: []string{"basic", "highvolume", "editpage"}, Issuer: iss, Now: now},
			`{"aud":"5096568cc6652b5ad36358427f1bd60c","jti":"j1","iat":1795338475.52743,"nbf":1795338475.52743,"exp":1795342075.52743,"sub":"","iss":"http://127.0.0.1:8089","scopes":["basic","highvolume","editpage"]}`},
		{"1.43 owner-only registration token", MintOptions{MediaWiki: V1_43, ClientID: "42653efaec3897c4b8f6f93d2a4dd405", JTI: "j2", UserID: 1, OwnerOnly: true, Scopes: []string{"basic", "editpage"}, Issuer: iss, Now: now},
			`{"aud":"42653efaec3897c4b8f6f93d2a4dd405","jti":"j2","iat":1795338475.52743,"nbf":1795338475.52743,"exp":33352247275.52743,"sub":"1","iss":"http://127.0.0.1:8089","scopes":["basic","editpage"]}`},
		{"1.43 user token with a hook claim", MintOptions{MediaWiki: V1_43, ClientID: "k", JTI: "j3", UserID: 3, HookClaims: rlc[1:], Issuer: iss, Now: now.Truncate(time.Second)},
			`{"aud":"k","jti":"j3","iat":1795338475,"nbf":1795338475,"exp":1795342075,"sub":"3","iss":"http://127.0.0.1:8089","ratelimit":{"requests_per_unit":5000,"unit":"HOUR"},"scopes":["basic"]}`},
		// master: mw: sub, grant_type, hook claims before scopes.
		{"master authorization code", MintOptions{ClientID: "k", JTI: "j4", UserID: 7, HookClaims: rlc, ExpiresIn: 4 * time.Hour, Issuer: "https://meta.wikimedia.org", Now: now.Truncate(time.Second)},
			`{"aud":"k","jti":"j4","iat":1795338475,"nbf":1795338475,"exp":1795352875,"sub":"mw:CentralAuth::7","iss":"https://meta.wikimedia.org","grant_type":"authorization_code","rlc":"authed-user","ratelimit":{"requests_per_unit":5000,"unit":"HOUR"},"scopes":["basic"]}`},
		{"master client credentials carry the owner", MintOptions{ClientID: "k", JTI: "j5", UserID: 1, ClientCredentials: true, SubjectScope: LocalScope(WikiID("metawiki", "")), Issuer: iss, Now: now.Truncate(time.Second)},
			`{"aud":"k","jti":"j5","iat":1795338475,"nbf":1795338475,"exp":1795342075,"sub":"mw:local:metawiki:1","iss":"http://127.0.0.1:8089","grant_type":"client_credentials","scopes":["basic"]}`},
		{"master refresh token, local scope with a prefix", MintOptions{ClientID: "k", JTI: "j6", UserID: 12, GrantType: GrantRefreshToken, SubjectScope: LocalScope(WikiID("my:wiki", "mw_")), Issuer: iss, Now: now.Truncate(time.Second)},
			`{"aud":"k","jti":"j6","iat":1795338475,"nbf":1795338475,"exp":1795342075,"sub":"mw:local:my-wiki-mw_:12","iss":"http://127.0.0.1:8089","grant_type":"refresh_token","scopes":["basic"]}`},
		{"master owner-only client credentials token lasts its interval", MintOptions{ClientID: "k", JTI: "j7", UserID: 1, OwnerOnly: true, ExpiresIn: time.Hour, Issuer: iss, Now: now.Truncate(time.Second)},
			`{"aud":"k","jti":"j7","iat":1795338475,"nbf":1795338475,"exp":1795342075,"sub":"1","iss":"http://127.0.0.1:8089","scopes":["basic"]}`},
		{"a hook's grant_type replaces the value in place", MintOptions{ClientID: "k", JTI: "j8", UserID: 1, HookClaims: []jwtutil.RawMember{{Name: "grant_type", JSON: []byte(`"x"`)}}, Issuer: iss, Now: now.Truncate(time.Second)},
			`{"aud":"k","jti":"j8","iat":1795338475,"nbf":1795338475,"exp":1795342075,"sub":"mw:CentralAuth::1","iss":"http://127.0.0.1:8089","grant_type":"x","scopes":["basic"]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Mint(priv, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(out, MediaWikiHeaderB64+".") {
				t.Errorf("header %s", out[:40])
			}
			if got := decodePayload(t, out); got != tt.want {
				t.Errorf("payload\n got %s\nwant %s", got, tt.want)
			}
			tok, err := jwtutil.Parse(out)
			if err != nil || len(tok.Deviations) != 0 {
				t.Fatalf("minted token: %v %v", err, tok.Deviations)
			}
			if o := ParseLikeLcobucci(out, tt.opts.MediaWiki.Rules().LcobucciMajor); o.Token == nil {
				t.Errorf("MediaWiki's parser refuses the minted token: %s", o.Reason)
			}
			if e := Explain(tok, now, tt.opts.MediaWiki.Rules()); tt.opts.OwnerOnly && tt.opts.ExpiresIn == 0 && e.Kind != KindOwnerOnly {
				t.Errorf("owner-only token explained as %s", e.Kind)
			}
		})
	}
	out, err := Mint(priv, MintOptions{ClientID: "k", UserID: 1, Issuer: iss, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := jwtutil.Parse(out)
	if jti, _ := tok.StringClaim("jti"); !isHexJTI(jti) {
		t.Errorf("random jti %q is not 80 lowercase hex", jti)
	}
	for name, o := range map[string]MintOptions{
		"no issuer":              {ClientID: "k", UserID: 1, Now: now},
		"registered hook claim":  {ClientID: "k", UserID: 1, Issuer: iss, HookClaims: []jwtutil.RawMember{{Name: "sub", JSON: []byte(`"1"`)}}, Now: now},
		"scopes as a hook claim": {ClientID: "k", UserID: 1, Issuer: iss, HookClaims: []jwtutil.RawMember{{Name: "scopes", JSON: []byte(`[]`)}}, Now: now},
		"bad hook JSON":          {ClientID: "k", UserID: 1, Issuer: iss, HookClaims: []jwtutil.RawMember{{Name: "x", JSON: []byte(`{`)}}, Now: now},
		"both kinds of client":   {ClientID: "k", UserID: 1, Issuer: iss, OwnerOnly: true, ClientCredentials: true, Now: now},
	} {
		if _, err := Mint(priv, o); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
