package jwtutil

import (
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestRemintPreservesBytes(t *testing.T) {
	priv := privateKey(t, "oauth2-private.pem")
	pub := publicKey(t, "oauth2-public.pem")
	orig := parseFixture(t, "tokens/15-tokenA-cc.jwt")
	newExp := time.Date(2026, 11, 22, 9, 30, 30, 0, time.UTC)
	tests := []struct {
		name string
		opts RemintOptions
		want string // expected payload
	}{
		{"exp only, whole second", RemintOptions{Exp: &newExp},
			strings.Replace(string(orig.PayloadJSON), `"exp":1795342075.525625`, `"exp":1795339830`, 1)},
		{"exp with microseconds", RemintOptions{Exp: ptr(newExp.Add(123456 * time.Microsecond))},
			strings.Replace(string(orig.PayloadJSON), `"exp":1795342075.525625`, `"exp":1795339830.123456`, 1)},
		{"iat and nbf too", RemintOptions{Exp: &newExp, IAT: ptr(newExp.Add(-time.Hour)), NBF: ptr(newExp.Add(-time.Hour).Add(20 * time.Microsecond))},
			strings.NewReplacer(`"exp":1795342075.525625`, `"exp":1795339830`, `"iat":1795338475.52743`, `"iat":1795336230`, `"nbf":1795338475.527432`, `"nbf":1795336230.00002`).Replace(string(orig.PayloadJSON))},
		{"set existing, set new, unset", RemintOptions{Exp: &newExp, Set: []ClaimEdit{{"scopes", []byte(`[ "basic" ]`)}, {"grant_type", []byte(`"client_credentials"`)}}, Unset: []string{"iss"}},
			`{"aud":"5096568cc6652b5ad36358427f1bd60c","jti":"c0214717c4d1b4f8ef6c757787bf3822f6f07486d05e367b026d0f00cb88dc00b102a92f20036c98","iat":1795338475.52743,"nbf":1795338475.527432,"exp":1795339830,"sub":"","scopes":["basic"],"grant_type":"client_credentials"}`},
		{"unset the last and the first", RemintOptions{Unset: []string{"scopes", "aud"}},
			`{"jti":"c0214717c4d1b4f8ef6c757787bf3822f6f07486d05e367b026d0f00cb88dc00b102a92f20036c98","iat":1795338475.52743,"nbf":1795338475.527432,"exp":1795342075.525625,"sub":"","iss":"http://127.0.0.1:8089"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := Remint(orig, priv, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.SplitN(out, ".", 2)[0]; got != orig.HeaderB64 {
				t.Errorf("header segment changed: %s", got)
			}
			if got := decodePayload(t, out); got != tt.want {
				t.Errorf("payload\n got %s\nwant %s", got, tt.want)
			}
			nt, err := Parse(out)
			if err != nil {
				t.Fatal(err)
			}
			if err := jwt.SigningMethodRS256.Verify(nt.HeaderB64+"."+nt.PayloadB64, nt.Signature, pub); err != nil {
				t.Errorf("re-minted token does not verify: %v", err)
			}
		})
	}
}

func TestRemintIntStaysInt(t *testing.T) {
	priv := privateKey(t, "oauth2-private.pem")
	tok, _ := Parse(craft(t, `{"typ":"JWT","alg":"RS256"}`, `{"iss":"https://meta.wikimedia.org","sub":"mw:anon","iat":1795338475,"jti":"x","sxp":1795342075}`, priv))
	at := time.Unix(1795339830, 750000000)
	out, notes, err := Remint(tok, priv, RemintOptions{IAT: &at})
	if err != nil {
		t.Fatal(err)
	}
	if got := decodePayload(t, out); got != `{"iss":"https://meta.wikimedia.org","sub":"mw:anon","iat":1795339830,"jti":"x","sxp":1795342075}` {
		t.Errorf("payload %s", got)
	}
	if len(notes) != 1 || !strings.Contains(string(notes[0]), "sub-second") {
		t.Errorf("notes %v", notes)
	}
	out, notes, err = Remint(tok, priv, RemintOptions{Exp: &at})
	if err != nil || !strings.HasSuffix(decodePayload(t, out), `"sxp":1795342075,"exp":1795339830}`) || len(notes) != 2 {
		t.Errorf("added exp: %s %v %v", decodePayload(t, out), notes, err)
	}
}

func TestRemintRefusals(t *testing.T) {
	priv := privateKey(t, "oauth2-private.pem")
	none := parseFixture(t, "tokens/crafted/alg-none.jwt")
	if _, _, err := Remint(none, priv, RemintOptions{}); err == nil || !strings.Contains(err.Error(), "RS256") {
		t.Errorf("alg none remint: %v", err)
	}
	a := parseFixture(t, "tokens/15-tokenA-cc.jwt")
	if _, _, err := Remint(a, priv, RemintOptions{Set: []ClaimEdit{{"x", []byte(`{bad`)}}}); err == nil {
		t.Error("invalid JSON accepted")
	}
	if _, _, err := Remint(a, priv, RemintOptions{Set: []ClaimEdit{{"x", []byte(`1`)}}, Unset: []string{"x"}}); err == nil {
		t.Error("set and unset accepted")
	}
}

func ptr[T any](v T) *T { return &v }
