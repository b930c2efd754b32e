package envoy

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/mwoauth/mwoauth/internal/fixtures"
)

// wikiProvider is a gateway in front of the real 1.43 wiki, holding the
// wiki's $wgOAuth2PublicKey.
func wikiProvider(t testing.TB, keyFile string) Provider {
	t.Helper()
	set, st := ParsePEM([]byte(readFixture(t, keyFile)))
	if st != OK {
		t.Fatalf("%s: %s", keyFile, st.Name())
	}
	return Provider{Issuer: "http://127.0.0.1:8089", JWKS: set, RequestURI: "http://127.0.0.1:8089/w/api.php"}
}

// TestRealWikiTokens: the tokens a real MediaWiki 1.43 issued pass with the
// wiki's key at their issue time, are "Jwt is expired" an hour and 61 s
// later (exp truncated, plus the 60 s skew, plus one), and fail with another
// key.
func TestRealWikiTokens(t *testing.T) {
	p := wikiProvider(t, "keys/oauth2-public.pem")
	other := wikiProvider(t, "keys/other-public.pem")
	for _, tc := range []struct {
		file     string
		iat, exp uint64
	}{
		{"tokens/15-tokenA-cc.jwt", 1795338475, 1795342075},
		{"tokens/16-tokenB-cc.jwt", 1795338475, 1795342075},
		{"tokens/07-tokenB-owner-only-registration.jwt", 1795338449, 33352247249},
	} {
		tok := readFixture(t, tc.file)
		issued := time.Unix(int64(tc.iat), 0)
		v := Verify(tok, p, issued)
		if !v.Passed() || v.HTTPStatus != 200 {
			t.Fatalf("%s at issue time: %+v", tc.file, v)
		}
		if v.JWT.Iat != tc.iat || v.JWT.Exp != tc.exp || v.JWT.Alg != "RS256" || v.JWT.Kid != "" {
			t.Errorf("%s read as %+v", tc.file, v.JWT)
		}
		if tc.exp-tc.iat == 3600 {
			if v := Verify(tok, p, issued.Add(time.Hour+60*time.Second)); !v.Passed() {
				t.Errorf("%s an hour + 60 s later: %s", tc.file, v.Reason)
			}
			if v := Verify(tok, p, issued.Add(time.Hour+61*time.Second)); v.Status != JwtExpired || v.Reason != "Jwt is expired" {
				t.Errorf("%s an hour + 61 s later: %s", tc.file, v.Reason)
			}
		} else if v := Verify(tok, p, time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)); !v.Passed() {
			// The owner-only token's exp is 1000 years ahead.
			t.Errorf("owner-only token in 3000: %s", v.Reason)
		}
		if v := Verify(tok, other, issued); v.Status != JwtVerificationFail {
			t.Errorf("%s with another key: %s", tc.file, v.Status.Name())
		}
		// The same key as a JWKS without alg, as `mwoauth keys jwks` prints it.
		if v := Verify(tok, Provider{JWKS: jwksOf(t, jwk(t, p.JWKS.Keys[0].RSAPublicKey(), "", ""))}, issued); !v.Passed() {
			t.Errorf("%s with the key as a JWK: %s", tc.file, v.Reason)
		}
	}

	at := time.Unix(1795338475, 0)
	for file, want := range map[string]Status{
		"tokens/crafted/alg-none.jwt":              JwtBadFormat, // "h.p.": the empty signature leaves two parts
		"tokens/crafted/bad-signature-bitflip.jwt": JwtVerificationFail,
		"tokens/crafted/expired-resigned.jwt":      JwtExpired,
		"tokens/crafted/garbage.jwt":               JwtBadFormat,
	} {
		if v := Verify(readFixture(t, file), p, at); v.Status != want {
			t.Errorf("%s: %s, want %s", file, v.Status.Name(), want.Name())
		}
	}
	// The re-signed expired token is a good signature: with the clock
	// set back it passes.
	if v := Verify(readFixture(t, "tokens/crafted/expired-resigned.jwt"), p, time.Unix(1795331275, 0)); !v.Passed() {
		t.Errorf("expired-resigned before its exp: %s", v.Reason)
	}
	// The same key as an openssl certificate in the {kid: x509} form.
	cert, _ := json.Marshal(map[string]string{"wiki": readFixture(t, "keys/oauth2-cert.pem") + "\n"})
	set, st := ParseJWKS(cert)
	if st != OK || set.Form != "x509" {
		t.Fatalf("x509 map: %s", st.Name())
	}
	if v := Verify(readFixture(t, "tokens/15-tokenA-cc.jwt"), Provider{JWKS: set}, at); !v.Passed() {
		t.Errorf("real token with the certificate: %s", v.Reason)
	}
}

// TestPEMForms: the key forms openssl writes, as PEM_read_bio_PUBKEY takes
// them. Only "PUBLIC KEY" (SubjectPublicKeyInfo) blocks count.
func TestPEMForms(t *testing.T) {
	for file, want := range map[string]Status{
		"keys/oauth2-public.pem":            OK,
		"keys/ec-public.pem":                OK,
		"keys/oauth2-public-pkcs1.pem":      JwksPemBadBase64, // "RSA PUBLIC KEY"
		"keys/oauth2-private.pem":           JwksPemBadBase64,
		"keys/oauth2-private-pkcs1.pem":     JwksPemBadBase64,
		"keys/ed25519-private.pem":          JwksPemBadBase64,
		"keys/oauth2-cert.pem":              JwksPemBadBase64, // a certificate is not a PUBLIC KEY block
		"keys/oauth2-private-encrypted.pem": JwksPemBadBase64,
	} {
		if _, st := ParsePEM([]byte(readFixture(t, file))); st != want {
			t.Errorf("%s: %s, want %s", file, st.Name(), want.Name())
		}
	}
	// The DER file wrapped as PEM is the same key.
	der := []byte(fixtures.Key("oauth2-public.der"))
	set, st := ParsePEM(pemPublicBlock("PUBLIC KEY", der))
	if st != OK || set.Keys[0].Kty != "RSA" {
		t.Errorf("DER: %s", st.Name())
	}
}
