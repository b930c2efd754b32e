package verdict

import (
	"crypto/rsa"
	"testing"

	"github.com/mwoauth/mwoauth/jwtutil"
	"github.com/mwoauth/mwoauth/mediawiki"
)

func BenchmarkDecode(b *testing.B) {
	raw := readFixture(b, "tokens/15-tokenA-cc.jwt")
	text := "Authorization: Bearer " + raw
	b.ReportAllocs()
	for b.Loop() {
		s, err := jwtutil.Extract(text)
		if err != nil {
			b.Fatal(err)
		}
		tok, err := jwtutil.Parse(s)
		if err != nil {
			b.Fatal(err)
		}
		_ = mediawiki.Explain(tok, validAt, mediawiki.Master.Rules())
	}
}

func BenchmarkVerify(b *testing.B) {
	tok := parseFixture(b, "tokens/15-tokenA-cc.jwt")
	pub := publicKey(b, "oauth2-public.pem")
	b.ReportAllocs()
	for b.Loop() {
		if r := Verify(tok, Options{Keys: []*rsa.PublicKey{pub}, Now: validAt}); !r.Valid {
			b.Fatal("not valid")
		}
	}
}
