package envoy

import (
	"bytes"
	"encoding/base64"
	"runtime"
	"strings"
	"testing"
	"time"
)

// The fuzz targets hold the promises callers rely on: Envoy always answers
// (a known status with its exact text and a consistent HTTP answer), nothing
// panics, and memory stays proportional to the input. Seed corpora of
// malformed shapes live in testdata/fuzz/<target>; plain "go test" replays
// them.

func fuzzProvider(t testing.TB) Provider {
	ra, _ := rsaKeys(t)
	p256, _, _, _ := ecKeys(t)
	ed, _ := edKeys(t)
	return Provider{
		Issuer:    "http://127.0.0.1:8089",
		Audiences: []string{"5096568cc6652b5ad36358427f1bd60c"},
		JWKS: jwksOf(t, jwk(t, &ra.PublicKey, "", ""), jwk(t, &p256.PublicKey, "ec", ""),
			jwk(t, []byte("secret"), "oct", "HS256"), jwk(t, ed.Public(), "ed", "EdDSA")),
		RequestURI: "http://127.0.0.1:8089/w/api.php",
	}
}

func FuzzVerify(f *testing.F) {
	ra, _ := rsaKeys(f)
	good := signToken(f, "RS256", ra, rs256, `{"iss":"http://127.0.0.1:8089","aud":"5096568cc6652b5ad36358427f1bd60c","exp":1795342075.525625}`)
	f.Add(good)
	f.Add(good + ".")
	f.Add(strings.Replace(good, ".", "..", 1))
	p := fuzzProvider(f)
	now := time.Unix(1795338475, 0)
	f.Fuzz(func(t *testing.T, token string) {
		v := Verify(token, p, now)
		if !v.Status.Valid() || v.Reason == "" || v.Reason != v.Status.String() || v.Code != v.Status.Code() {
			t.Fatalf("unknown answer %+v", v)
		}
		switch {
		case v.Status == OK:
			if v.HTTPStatus != 200 || v.Body != "" || v.Step != "passed" {
				t.Fatalf("pass with %+v", v)
			}
		case v.Status == JwtAudienceNotAllowed:
			if v.HTTPStatus != 403 {
				t.Fatalf("audience with %d", v.HTTPStatus)
			}
		default:
			if v.HTTPStatus != 401 || v.Body != v.Reason || !strings.HasSuffix(v.WWWAuthenticate, `, error="invalid_token"`) {
				t.Fatalf("failure with %+v", v)
			}
		}
		j, st := Parse(token)
		if (st == OK) != (v.Step != "parse") || (st != OK && st != v.Status) || (j == nil) != (v.JWT == nil) {
			t.Fatalf("Parse says %s, Verify %s at %s", st.Name(), v.Status.Name(), v.Step)
		}
		if st == OK && (j.Iss != v.JWT.Iss || j.Exp != v.JWT.Exp) {
			t.Fatal("Parse and Verify read different claims")
		}
	})
}

func FuzzParseJWKS(f *testing.F) {
	f.Add(`{"keys":[{"kty":"RSA","n":"xQ","e":"AQAB"}]}`)
	f.Add(`{"k":"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"}`)
	f.Fuzz(func(t *testing.T, text string) {
		set, st := ParseJWKS([]byte(text))
		if set == nil || set.Status() != st || !st.Valid() || (st != OK && !st.IsJWKS()) {
			t.Fatalf("status %d", st)
		}
		if (st == OK) != (len(set.Keys) > 0) {
			t.Fatalf("%s with %d keys", st.Name(), len(set.Keys))
		}
		if pem, st := ParsePEM([]byte(text)); st != OK && (pem.Status() != st || !st.IsJWKS()) {
			t.Fatalf("ParsePEM status %s", st.Name())
		}
	})
}

// FuzzDecodeBase64URL: whatever the emulated Abseil decoder accepts decodes
// to bytes whose canonical encoding it also accepts, and the canonical
// encoding of the input's data characters gives the same bytes.
func FuzzDecodeBase64URL(f *testing.F) {
	for _, s := range []string{"", "QQ", "QQ==", "QR", "Q Q", "QQ=", "+/", "QUJD\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := decodeBase64URL(s)
		if !ok {
			return
		}
		again, ok := decodeBase64URL(base64.RawURLEncoding.EncodeToString(got))
		if !ok || !bytes.Equal(again, got) {
			t.Fatalf("canonical re-encoding of %q differs", s)
		}
		if len(got) > len(s) {
			t.Fatalf("%d bytes out of %d characters", len(got), len(s))
		}
	})
}

// TestVerifyMemoryBounded feeds hostile shapes of 1 MiB and holds the
// allocation to a small multiple of the input.
func TestVerifyMemoryBounded(t *testing.T) {
	p := fuzzProvider(t)
	const n = 1 << 20
	h := b64(rs256)
	for name, tok := range map[string]string{
		"dots":             strings.Repeat(".", n),
		"dots and letters": strings.Repeat("a.", n/2),
		"deep nesting":     h + "." + b64(`{"a":`+strings.Repeat("[", n)) + ".c2ln",
		"many keys":        h + "." + b64("{"+manyKeys(n/16)+"}") + ".c2ln",
		"long string":      h + "." + b64(`{"sub":"`+strings.Repeat("\\u00e9", n/6)+`"}`) + ".c2ln",
		"long number":      h + "." + b64(`{"exp":1`+strings.Repeat("0", n)+`}`) + ".c2ln",
		"whitespace":       h + "." + strings.Repeat(" ", n) + ".c2ln",
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		v := Verify(tok, p, time.Unix(0, 0))
		runtime.ReadMemStats(&after)
		if used := after.TotalAlloc - before.TotalAlloc; used > 32*uint64(len(tok))+1<<20 {
			t.Errorf("%s: %d bytes allocated for %d bytes of input (%s)", name, used, len(tok), v.Status.Name())
		}
	}
}

func manyKeys(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(`"`)
		b.WriteString(strings.Repeat("k", 1+i%7))
		b.WriteString(base64.RawURLEncoding.EncodeToString([]byte{byte(i), byte(i >> 8), byte(i >> 16)}))
		b.WriteString(`":0,`)
	}
	b.WriteString(`"end":0`)
	return b.String()
}
