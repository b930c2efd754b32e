package envoy

import (
	"testing"
	"time"
)

// BenchmarkVerify is one request through the emulated filter with a real
// MediaWiki 1.43 token and the wiki's key: parse, checks, RS256 signature.
func BenchmarkVerify(b *testing.B) {
	p := wikiProvider(b, "keys/oauth2-public.pem")
	tok := readFixture(b, "tokens/15-tokenA-cc.jwt")
	now := time.Unix(1795338475, 0)
	if v := Verify(tok, p, now); !v.Passed() {
		b.Fatal(v.Reason)
	}
	b.ReportAllocs()
	for b.Loop() {
		Verify(tok, p, now)
	}
}

// BenchmarkParse is the parse alone (no signature), which is what a token
// Envoy refuses early costs.
func BenchmarkParse(b *testing.B) {
	tok := readFixture(b, "tokens/15-tokenA-cc.jwt")
	b.ReportAllocs()
	for b.Loop() {
		if _, st := Parse(tok); st != OK {
			b.Fatal(st)
		}
	}
}

// BenchmarkParseJWKS reads a one-key RSA set.
func BenchmarkParseJWKS(b *testing.B) {
	ra, _ := rsaKeys(b)
	text := []byte(`{"keys":[{"kty":"RSA","alg":"RS256","kid":"k","n":"` + b64b(ra.N.Bytes()) + `","e":"AQAB"}]}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, st := ParseJWKS(text); st != OK {
			b.Fatal(st)
		}
	}
}
