package mediawiki

import (
	"strings"
	"testing"
	"time"

	"github.com/mwoauth/mwoauth/jwtutil"
)

func TestMintShape(t *testing.T) {
	priv := privateKey(t, "oauth2-private.pem")
	now := time.Date(2026, 11, 22, 9, 7, 55, 527430000, time.UTC)
	tests := []struct {
		name string
		opts MintOptions
		want string
	}{
		{"client credentials", MintOptions{ClientID: "5096568cc6652b5ad36358427f1bd60c", JTI: "j1", ClientCredentials: true, Scopes: []string{"basic", "highvolume", "editpage"}, Issuer: "http://127.0.0.1:8089", Now: now},
			`{"aud":"5096568cc6652b5ad36358427f1bd60c","jti":"j1","iat":1795338475.52743,"nbf":1795338475.52743,"exp":1795342075.52743,"sub":"","iss":"http://127.0.0.1:8089","scopes":["basic","highvolume","editpage"]}`},
		{"owner-only", MintOptions{ClientID: "42653efaec3897c4b8f6f93d2a4dd405", JTI: "j2", UserID: 1, OwnerOnly: true, SubFormat: "centralauth", GrantType: "client_credentials", Scopes: []string{"basic", "editpage"}, Issuer: "http://127.0.0.1:8089", Now: now},
			`{"aud":"42653efaec3897c4b8f6f93d2a4dd405","jti":"j2","iat":1795338475.52743,"nbf":1795338475.52743,"exp":33352247275.52743,"sub":"1","iss":"http://127.0.0.1:8089","scopes":["basic","editpage"]}`},
		{"local sub, grant type, 4h", MintOptions{ClientID: "k", JTI: "j3", UserID: 12, SubFormat: "local:my_wiki", GrantType: "authorization_code", ExpiresIn: 4 * time.Hour, Now: now.Truncate(time.Second)},
			`{"aud":"k","jti":"j3","iat":1795338475,"nbf":1795338475,"exp":1795352875,"sub":"mw:local:my_wiki:12","grant_type":"authorization_code","scopes":["basic"]}`},
		{"centralauth", MintOptions{ClientID: "k", JTI: "j4", UserID: 7, SubFormat: "centralauth", Now: now.Truncate(time.Second)},
			`{"aud":"k","jti":"j4","iat":1795338475,"nbf":1795338475,"exp":1795342075,"sub":"mw:CentralAuth::7","scopes":["basic"]}`},
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
			tok, _ := jwtutil.Parse(out)
			e := Explain(tok, now)
			if tt.opts.OwnerOnly && e.Kind != KindOwnerOnly {
				t.Errorf("owner-only token explained as %s", e.Kind)
			}
		})
	}
	out, err := Mint(priv, MintOptions{ClientID: "k", UserID: 1, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := jwtutil.Parse(out)
	if jti, _ := tok.StringClaim("jti"); !isHexJTI(jti) {
		t.Errorf("random jti %q is not 80 lowercase hex", jti)
	}
	if _, err := Mint(priv, MintOptions{ClientID: "k", SubFormat: "global", Now: now}); err == nil {
		t.Error("unknown sub format accepted")
	}
}
