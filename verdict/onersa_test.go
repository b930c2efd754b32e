package verdict

import (
	"crypto/rsa"
	"encoding/json"
	"testing"

	"github.com/mwoauth/mwoauth/jwtutil/keys"
	"github.com/mwoauth/mwoauth/mediawiki"
)

// TestOneSignatureCheck: Verify checks an RS256 signature once and hands
// the outcome to MediaWiki's verdict (mediawiki.Input.Signature), which is
// then what mediawiki.Judge says when it checks the signature itself;
// Lean leaves out the Envoy verdict and the timeline only.
func TestOneSignatureCheck(t *testing.T) {
	pub, other := publicKey(t, "oauth2-public.pem"), publicKey(t, "other-public.pem")
	for _, name := range []string{"tokens/15-tokenA-cc.jwt", "tokens/16-tokenB-cc.jwt", "tokens/07-tokenB-owner-only-registration.jwt",
		"tokens/crafted/bad-signature-bitflip.jwt", "tokens/crafted/expired-resigned.jwt", "tokens/crafted/alg-none.jwt"} {
		tok := parseFixture(t, name)
		for _, o := range []Options{
			{Keys: []*rsa.PublicKey{pub}, Now: validAt},
			{Keys: []*rsa.PublicKey{other}, Now: afterExp},
			{Keys: []*rsa.PublicKey{other, pub}, Now: validAt, MediaWiki: mediawiki.V1_43},
			{JWKS: []keys.JWK{{Kid: "k", Key: pub}}, Now: validAt},
		} {
			r := Verify(tok, o)
			want := mediawiki.Judge(tok.Raw, mediawiki.DetectKind(tok), o.mwInput())
			a, _ := json.Marshal(r.MediaWiki)
			b, _ := json.Marshal(want)
			if string(a) != string(b) {
				t.Errorf("%s: MediaWiki's verdict through Verify %s, checking itself %s", name, a, b)
			}
			o.Lean = true
			lean := Verify(tok, o)
			lean.Envoy, lean.Timeline = r.Envoy, r.Timeline
			la, _ := json.Marshal(lean)
			ra, _ := json.Marshal(r)
			if string(la) != string(ra) {
				t.Errorf("%s: Lean changes more than Envoy and the timeline:\n%s\n%s", name, la, ra)
			}
		}
	}
	// The outcome handed over is the one used: a genuine token said not
	// to verify is refused for its signature.
	tok := parseFixture(t, "tokens/15-tokenA-cc.jwt")
	in := (&Options{Keys: []*rsa.PublicKey{pub}, Now: validAt}).mwInput()
	no := false
	in.Signature = &no
	if v := mediawiki.Judge(tok.Raw, mediawiki.KindAccessToken, in); v.Accepted == nil || *v.Accepted || v.Reason != mediawiki.LcobucciSigMismatch {
		t.Errorf("Input.Signature false: %+v", v)
	}
}
