package mediawiki

import (
	"slices"
	"testing"

	"github.com/mwoauth/mwoauth/jwtutil"
)

func warningCodes(e *Explanation) []string {
	var out []string
	for _, w := range e.Warnings {
		out = append(out, w.Code)
	}
	return out
}

func TestExplainRealTokens(t *testing.T) {
	tests := []struct {
		file, kind, subFormat, consumer string
		centralID                       int64 // -1: none
		wantWarn, noWarn                []string
	}{
		{"tokens/15-tokenA-cc.jwt", KindAccessToken, SubEmpty, "5096568cc6652b5ad36358427f1bd60c", -1,
			[]string{"signature-unverified", "sub-empty"}, []string{"kid-present", "aud-list", "alg-none"}},
		{"tokens/16-tokenB-cc.jwt", KindAccessToken, SubLegacy, "42653efaec3897c4b8f6f93d2a4dd405", 1,
			[]string{"signature-unverified"}, []string{"sub-empty"}},
		{"tokens/07-tokenB-owner-only-registration.jwt", KindOwnerOnly, SubLegacy, "42653efaec3897c4b8f6f93d2a4dd405", 1,
			nil, []string{"owner-only-sub", "sub-empty"}},
		{"tokens/crafted/alg-none.jwt", KindAccessToken, SubEmpty, "5096568cc6652b5ad36358427f1bd60c", -1,
			[]string{"alg-none"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			e := Explain(parseFixture(t, tt.file), validAt, Master.Rules())
			if e.Kind != tt.kind || e.Subject.Format != tt.subFormat || e.ConsumerKey != tt.consumer {
				t.Errorf("kind %s sub %s consumer %s", e.Kind, e.Subject.Format, e.ConsumerKey)
			}
			if tt.centralID < 0 && e.Subject.CentralID != nil || tt.centralID >= 0 && (e.Subject.CentralID == nil || *e.Subject.CentralID != tt.centralID) {
				t.Errorf("central id = %v, want %d", e.Subject.CentralID, tt.centralID)
			}
			codes := warningCodes(e)
			for _, w := range tt.wantWarn {
				if !slices.Contains(codes, w) {
					t.Errorf("missing warning %s in %v", w, codes)
				}
			}
			for _, w := range tt.noWarn {
				if slices.Contains(codes, w) {
					t.Errorf("unexpected warning %s", w)
				}
			}
		})
	}
}

func TestExplainTimesAndScopes(t *testing.T) {
	e := Explain(parseFixture(t, "tokens/15-tokenA-cc.jwt"), validAt, Master.Rules())
	if !slices.Equal(e.Scopes, []string{"basic", "highvolume", "editpage"}) {
		t.Errorf("scopes %v", e.Scopes)
	}
	var rel []string
	for _, ti := range e.Times {
		rel = append(rel, ti.Claim+": "+ti.Relative)
	}
	want := []string{"iat: issued 22m ago", "nbf: valid since 22m ago", "exp: expires in 37m"}
	if !slices.Equal(rel, want) {
		t.Errorf("times = %q, want %q", rel, want)
	}
	e = Explain(parseFixture(t, "tokens/07-tokenB-owner-only-registration.jwt"), validAt, Master.Rules())
	if got := e.Times[2].Relative; got != "expires in 999y" {
		t.Errorf("owner-only exp relative = %q", got)
	}
}

func TestExplainCraftedWarnings(t *testing.T) {
	key := privateKey(t, "oauth2-private.pem")
	tests := []struct {
		name, header, payload string
		kind                  string
		want                  []string
	}{
		{"kid, list aud, string and millis times", `{"typ":"JWT","alg":"RS256","kid":"k1"}`,
			`{"aud":["a","b"],"jti":"x","iat":"1795338475","exp":1795342075000,"sub":"mw:CentralAuth::7","scopes":["basic"]}`,
			KindAccessToken, []string{"kid-present", "aud-list", "time-string", "time-millis", "jti-format"}},
		{"iat after exp", `{"typ":"JWT","alg":"RS256"}`, `{"aud":"a","jti":"x","iat":1795342075,"exp":1795338475,"sub":"1","scopes":[]}`,
			KindAccessToken, []string{"iat-after-exp"}},
		{"session jwt", `{"typ":"JWT","alg":"RS256"}`, `{"iss":"https://meta.wikimedia.org","sub":"mw:local:metawiki:12","iat":1795338475,"jti":"abc","sxp":1795342075,"rlc":"authed-user"}`,
			KindSessionJWT, []string{"soft-expiry"}},
		{"identify jwt", `{"typ":"JWT","alg":"HS256"}`, `{"iss":"http://w","aud":"k","exp":1795338575,"iat":1795338475,"sub":"3","username":"Dev User","nonce":"n"}`,
			KindIdentify, nil},
		{"crit and jku", `{"alg":"RS256","crit":["exp"],"jku":"https://evil"}`, `{"aud":"a","jti":"x","exp":1795342075,"sub":"x1","scopes":[]}`,
			KindAccessToken, []string{"crit-header", "header-key-material", "sub-invalid"}},
		{"no exp", `{"typ":"JWT","alg":"RS256"}`, `{"aud":"a","jti":"x","sub":"1","scopes":[]}`, KindAccessToken, []string{"exp-missing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := jwtutil.Parse(craft(t, tt.header, tt.payload, key))
			if err != nil {
				t.Fatal(err)
			}
			e := Explain(tok, validAt, Master.Rules())
			if e.Kind != tt.kind {
				t.Errorf("kind = %s, want %s", e.Kind, tt.kind)
			}
			codes := warningCodes(e)
			for _, w := range tt.want {
				if !slices.Contains(codes, w) {
					t.Errorf("missing warning %s in %v", w, codes)
				}
			}
		})
	}
}

func TestExplainRateLimitAndGrant(t *testing.T) {
	key := privateKey(t, "oauth2-private.pem")
	tok, _ := jwtutil.Parse(craft(t, `{"typ":"JWT","alg":"RS256"}`,
		`{"aud":"a","jti":"x","iat":1,"nbf":1,"exp":2,"sub":"mw:CentralAuth::42","iss":"https://meta.wikimedia.org","grant_type":"authorization_code","rlc":"established-user","ratelimit":{"requests_per_unit":5000,"unit":"HOUR"},"scopes":["basic"]}`, key))
	e := Explain(tok, validAt, Master.Rules())
	if e.RateLimit != "5000 requests/hour" || e.GrantType != "authorization_code" || e.RLC != "established-user" {
		t.Errorf("ratelimit %q grant %q rlc %q", e.RateLimit, e.GrantType, e.RLC)
	}
	if e.Subject.Format != SubCentralAuth || *e.Subject.CentralID != 42 {
		t.Errorf("subject %+v", e.Subject)
	}
}

func TestParseSubject(t *testing.T) {
	tests := []struct {
		sub, format, wiki string
		id                int64
	}{
		{"12345", SubLegacy, "", 12345},
		{"mw:CentralAuth::12345", SubCentralAuth, "", 12345},
		{"mw:local:my_wiki:12345", SubLocal, "my_wiki", 12345},
		{"mw:local:en-wiki_p:7", SubLocal, "en-wiki_p", 7},
		{"mw:other:inst:3", SubScoped, "inst", 3},
		{"mw:anon", SubAnon, "", -1},
		{"", SubEmpty, "", -1},
		{"mw:CentralAuth::abc", SubInvalid, "", -1},
		{"mw:12", SubInvalid, "", -1},
		{"user", SubInvalid, "", -1},
		{"mw:local::5", SubInvalid, "", -1},
	}
	for _, tt := range tests {
		s := ParseSubject(tt.sub, true)
		wiki := ""
		if s.Wiki != nil {
			wiki = *s.Wiki
		}
		id := int64(-1)
		if s.CentralID != nil {
			id = *s.CentralID
		}
		if s.Format != tt.format || wiki != tt.wiki || id != tt.id {
			t.Errorf("ParseSubject(%q) = %s %q %d, want %s %q %d", tt.sub, s.Format, wiki, id, tt.format, tt.wiki, tt.id)
		}
	}
	if s := ParseSubject(nil, false); s.Format != SubMissing {
		t.Errorf("missing sub = %s", s.Format)
	}
}
