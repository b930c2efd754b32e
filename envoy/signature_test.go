package envoy

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"encoding/json"
	"testing"
)

const claims = `{"iss":"https://example.com","sub":"test@example.com","exp":1501281058}`

func hdr(alg, kid string) string {
	if kid == "" {
		return `{"alg":"` + alg + `","typ":"JWT"}`
	}
	return `{"alg":"` + alg + `","typ":"JWT","kid":"` + kid + `"}`
}

// mustParse parses a token that is well formed by construction.
func mustParse(t testing.TB, tok string) *JWT {
	t.Helper()
	j, st := Parse(tok)
	if st != OK {
		t.Fatalf("Parse: %s", st.Name())
	}
	return j
}

// checkSignatureFuzz is test_common.h fuzzJwtSignature applied as the
// upstream verify tests apply it: every bit flip fails with flipWant, every
// truncation with cutWant.
func checkSignatureFuzz(t *testing.T, j *JWT, set *JWKS, flipWant, cutWant Status) {
	t.Helper()
	flips, cuts := signatureMutations(j.Signature)
	for _, sig := range flips {
		m := *j
		m.Signature = sig
		if got := VerifySignature(&m, set); got != flipWant {
			t.Fatalf("bit flip: %s, want %s", got.Name(), flipWant.Name())
		}
	}
	for _, sig := range cuts {
		m := *j
		m.Signature = sig
		if got := VerifySignature(&m, set); got != cutWant {
			t.Fatalf("truncated to %d: %s, want %s", len(sig), got.Name(), cutWant.Name())
		}
	}
}

// TestVerifyJwkRSA is test/verify_jwk_rsa_test.cc (VerifyJwkRsaTest) and
// verify_jwk_rsa_pss_test.cc (VerifyJwkRsaPssTest, VerifyKidMatchingTest).
func TestVerifyJwkRSA(t *testing.T) {
	ra, rb := rsaKeys(t)
	const kid1, kid2 = "62a93512c9ee4c7f8067b5a216dade2763d32a47", "b3319a147514df7ee5e4bcdee51350cc890cc89e"
	set := jwksOf(t, jwk(t, &rb.PublicKey, kid1, "RS256"), jwk(t, &ra.PublicKey, kid2, "RS256"))
	long := `{"iss":"https://example.com","sub":"x","aud":"example_service","exp":2001001001,"long":"` + repeat("xyz", 2700) + `"}`
	for _, tc := range []struct {
		name  string
		token string
		want  Status
		fuzz  bool
	}{
		{"NoKidOK", signToken(t, "RS256", ra, hdr("RS256", ""), claims), OK, true},
		{"NoKidLongExpOK", signToken(t, "RS256", ra, hdr("RS256", ""), `{"iss":"https://example.com","sub":"test@example.com","aud":"example_service","exp":2001001001}`), OK, true},
		{"CorrectKidOK", signToken(t, "RS256", ra, hdr("RS256", kid2), claims), OK, true},
		{"NonExistKidFail", signToken(t, "RS256", ra, hdr("RS256", "blahblahblah"), claims), JwksKidAlgMismatch, false},
		{"LongClaimsWithCorrectKidOk", signToken(t, "RS256", ra, hdr("RS256", kid2), long), OK, true},
		// A kid that exists but names the other key.
		{"existing but wrong kid", signToken(t, "RS256", ra, hdr("RS256", kid1), claims), JwtVerificationFail, false},
		// The token's alg must equal the JWK's alg.
		{"alg mismatch", signToken(t, "RS384", ra, hdr("RS384", ""), claims), JwksKidAlgMismatch, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := mustParse(t, tc.token)
			if got := VerifySignature(j, set); got != tc.want {
				t.Fatalf("VerifySignature = %s, want %s", got.Name(), tc.want.Name())
			}
			if tc.fuzz {
				checkSignatureFuzz(t, j, set, JwtVerificationFail, JwtVerificationFail)
			}
		})
	}

	// OkPublicKeyNotAlg / OkPublicKeyNotKid: a JWK without alg or kid is a
	// candidate for every token.
	for name, k := range map[string]map[string]any{"OkPublicKeyNotAlg": jwk(t, &ra.PublicKey, kid2, ""), "OkPublicKeyNotKid": jwk(t, &ra.PublicKey, "", "RS256")} {
		if got := VerifySignature(mustParse(t, signToken(t, "RS256", ra, hdr("RS256", ""), claims)), jwksOf(t, k)); got != OK {
			t.Errorf("%s: %s", name, got.Name())
		}
	}

	// VerifyJwkRsaPssTest: PS256/384/512 against JWKs with alg.
	pss := jwksOf(t, jwk(t, &ra.PublicKey, "ps256", "PS256"), jwk(t, &ra.PublicKey, "ps384", "PS384"), jwk(t, &ra.PublicKey, "ps512", "PS512"))
	for _, alg := range []string{"PS256", "PS384", "PS512"} {
		j := mustParse(t, signToken(t, alg, ra, hdr(alg, "ps"+alg[2:]), claims))
		if got := VerifySignature(j, pss); got != OK {
			t.Errorf("%sCorrectKidOK: %s", alg, got.Name())
		}
		checkSignatureFuzz(t, j, pss, JwtVerificationFail, JwtVerificationFail)
	}

	// VerifyKidMatchingTest: no kid tries every key; an unknown kid matches
	// none.
	wrong := jwksOf(t, jwk(t, &rb.PublicKey, "a", "PS256"))
	right := jwksOf(t, jwk(t, &rb.PublicKey, "a", "PS256"), jwk(t, &ra.PublicKey, "b", "PS256"))
	noKid := mustParse(t, signToken(t, "PS256", ra, hdr("PS256", ""), claims))
	if VerifySignature(noKid, wrong) != JwtVerificationFail || VerifySignature(noKid, right) != OK {
		t.Error("JwtTextWithNoKid")
	}
	if got := VerifySignature(mustParse(t, signToken(t, "PS256", ra, hdr("PS256", "c"), claims)), right); got != JwksKidAlgMismatch {
		t.Errorf("JwtTextWithNonExistentKid: %s", got.Name())
	}
}

func repeat(s string, n int) string {
	b := make([]byte, 0, len(s)*n)
	for range n {
		b = append(b, s...)
	}
	return string(b)
}

// TestVerifyJwkEC is test/verify_jwk_ec_test.cc (VerifyJwkECTest).
func TestVerifyJwkEC(t *testing.T) {
	p256, p384, p521, other := ecKeys(t)
	set := jwksOf(t, jwk(t, &other.PublicKey, "xyz", "ES256"), jwk(t, &p256.PublicKey, "abc", "ES256"),
		jwk(t, &p384.PublicKey, "es384", "ES384"), jwk(t, &p521.PublicKey, "es512", "ES512"))
	for _, tc := range []struct {
		name, alg, kid string
		key            *ecdsa.PrivateKey
		want           Status
	}{
		{"KidOK", "ES256", "abc", p256, OK},
		{"KidES384OK", "ES384", "es384", p384, OK},
		{"KidES512OK", "ES512", "es512", p521, OK},
		{"NoKidOK", "ES256", "", p256, OK},
		{"NonExistKidFail", "ES256", "abcdef", p256, JwksKidAlgMismatch},
	} {
		j := mustParse(t, signToken(t, tc.alg, tc.key, hdr(tc.alg, tc.kid), claims))
		if got := VerifySignature(j, set); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got.Name(), tc.want.Name())
		}
		if tc.want == OK {
			checkSignatureFuzz(t, j, set, JwtVerificationFail, JwtVerificationFail)
		}
	}
	// PubkeyNoAlgOK / PubkeyNoKidOK.
	j := mustParse(t, signToken(t, "ES256", p256, hdr("ES256", "abc"), claims))
	for name, k := range map[string]map[string]any{"PubkeyNoAlgOK": jwk(t, &p256.PublicKey, "abc", ""), "PubkeyNoKidOK": jwk(t, &p256.PublicKey, "", "ES256")} {
		if got := VerifySignature(j, jwksOf(t, k)); got != OK {
			t.Errorf("%s: %s", name, got.Name())
		}
	}
}

// TestVerifyJwkHMAC is test/verify_jwk_hmac_test.cc (VerifyJwkHmacTest).
func TestVerifyJwkHMAC(t *testing.T) {
	secret := []byte("a shared secret of more than thirty-two bytes!")
	other := []byte("another secret")
	set := jwksOf(t, jwk(t, other, "62a93512c9ee4c7f8067b5a216dade2763d32a47", "HS256"),
		jwk(t, secret, "b3319a147514df7ee5e4bcdee51350cc890cc89e", "HS256"),
		jwk(t, secret, "cda01077a6aa4b0088a6e959044977ef9e51c28b", "HS384"),
		jwk(t, secret, "f6a7bd9ffd784388924f126280a746964ba61268", "HS512"))
	for _, tc := range []struct {
		name, alg, kid string
		want           Status
	}{
		{"NoKidOK", "HS256", "", OK},
		{"CorrectKidHS256OK", "HS256", "b3319a147514df7ee5e4bcdee51350cc890cc89e", OK},
		{"CorrectKidHS384OK", "HS384", "cda01077a6aa4b0088a6e959044977ef9e51c28b", OK},
		{"CorrectKidHS512OK", "HS512", "f6a7bd9ffd784388924f126280a746964ba61268", OK},
		{"existing but incorrect kid", "HS256", "62a93512c9ee4c7f8067b5a216dade2763d32a47", JwtVerificationFail},
		{"NonExistKidFail", "HS256", "blahblahblah", JwksKidAlgMismatch},
	} {
		j := mustParse(t, signToken(t, tc.alg, secret, hdr(tc.alg, tc.kid), claims))
		if got := VerifySignature(j, set); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got.Name(), tc.want.Name())
		}
		if tc.want == OK {
			checkSignatureFuzz(t, j, set, JwtVerificationFail, JwtVerificationFail)
		}
	}
	j := mustParse(t, signToken(t, "HS256", secret, hdr("HS256", ""), claims))
	for name, k := range map[string]map[string]any{"OkSymmetricKeyNotAlg": jwk(t, secret, "b3319a147514df7ee5e4bcdee51350cc890cc89e", ""), "OkSymmetricKeyNotKid": jwk(t, secret, "", "HS256")} {
		if got := VerifySignature(j, jwksOf(t, k)); got != OK {
			t.Errorf("%s: %s", name, got.Name())
		}
	}
}

// TestVerifyJwkOKP is test/verify_jwk_okp_test.cc (VerifyJwkOKPTest):
// truncated Ed25519 signatures are JwtEd25519SignatureWrongLength.
func TestVerifyJwkOKP(t *testing.T) {
	ed, ed2 := edKeys(t)
	set := jwksOf(t, jwk(t, ed.Public(), "abc", "EdDSA"))
	for _, tc := range []struct {
		name, kid string
		key       ed25519.PrivateKey
		want      Status
	}{
		{"KidOK", "abc", ed, OK},
		{"NoKidOK", "", ed, OK},
		{"NonExistKidFail", "abcdef", ed, JwksKidAlgMismatch},
		{"WrongSignatureFail", "abc", ed2, JwtVerificationFail},
	} {
		j := mustParse(t, signToken(t, "EdDSA", tc.key, hdr("EdDSA", tc.kid), `{"iss":"https://example.com", "sub":"test@example.com"}`))
		if got := VerifySignature(j, set); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got.Name(), tc.want.Name())
		}
		if tc.want == OK {
			checkSignatureFuzz(t, j, set, JwtVerificationFail, JwtEd25519SignatureWrongLength)
		}
	}
	j := mustParse(t, signToken(t, "EdDSA", ed, hdr("EdDSA", "abc"), claims))
	for name, k := range map[string]map[string]any{"PubkeyNoAlgOK": jwk(t, ed.Public(), "abc", ""), "PubkeyNoKidOK": jwk(t, ed.Public(), "", "EdDSA")} {
		if got := VerifySignature(j, jwksOf(t, k)); got != OK {
			t.Errorf("%s: %s", name, got.Name())
		}
	}
}

// TestVerifyPEM is test/verify_pem_{rsa,ec,okp}_test.cc: keys from PEM
// carry no alg, so the token's alg picks the hash and the key type the
// scheme.
func TestVerifyPEM(t *testing.T) {
	ra, _ := rsaKeys(t)
	p256, p384, p521, _ := ecKeys(t)
	ed, ed2 := edKeys(t)
	rsaSet := pemSet(t, &ra.PublicKey)
	for _, alg := range []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"} {
		j := mustParse(t, signToken(t, alg, ra, hdr(alg, ""), claims))
		if got := VerifySignature(j, rsaSet); got != OK {
			t.Errorf("VerifyPKCSTest%s OKPem: %s", alg, got.Name())
		}
		if alg[:2] == "RS" {
			checkSignatureFuzz(t, j, rsaSet, JwtVerificationFail, JwtVerificationFail)
		}
	}
	for _, tc := range []struct {
		alg string
		key *ecdsa.PrivateKey
	}{{"ES256", p256}, {"ES384", p384}, {"ES512", p521}} {
		set := pemSet(t, &tc.key.PublicKey)
		j := mustParse(t, signToken(t, tc.alg, tc.key, `{ "alg": "`+tc.alg+`", "typ": "JWT" }`, `{"iss":"https://example.com","sub":"test@example.com" }`))
		if got := VerifySignature(j, set); got != OK {
			t.Errorf("%s OKPem: %s", tc.alg, got.Name())
		}
		checkSignatureFuzz(t, j, set, JwtVerificationFail, JwtVerificationFail)
	}
	// jwksAlgUnspecifiedDoesNotMatchJwtFail: an ES256 token against a P-384
	// key is a candidate, and fails.
	es256 := mustParse(t, signToken(t, "ES256", p256, hdr("ES256", ""), claims))
	if got := VerifySignature(es256, pemSet(t, &p384.PublicKey)); got != JwtVerificationFail {
		t.Errorf("jwksAlgUnspecifiedDoesNotMatchJwtFail: %s", got.Name())
	}
	// jwksIncorrectAlgSpecifiedFail: once the key has another alg, nothing
	// matches, whatever the signature.
	set := pemSet(t, &p256.PublicKey)
	set.Keys[0].Alg = "ES512"
	if got := VerifySignature(es256, set); got != JwksKidAlgMismatch {
		t.Errorf("jwksIncorrectAlgSpecifiedFail: %s", got.Name())
	}
	checkSignatureFuzz(t, es256, set, JwksKidAlgMismatch, JwksKidAlgMismatch)

	// verify_pem_okp_test.cc.
	edSet := pemSet(t, ed.Public())
	j := mustParse(t, signToken(t, "EdDSA", ed, `{"alg": "EdDSA", "typ": "JWT"}`, `{"iss":"https://example.com", "sub":"test@example.com"}`))
	if got := VerifySignature(j, edSet); got != OK {
		t.Errorf("VerifyPEMTestOKP VerifyOK: %s", got.Name())
	}
	checkSignatureFuzz(t, j, edSet, JwtVerificationFail, JwtEd25519SignatureWrongLength)
	if got := VerifySignature(mustParse(t, signToken(t, "EdDSA", ed2, hdr("EdDSA", ""), claims)), edSet); got != JwtVerificationFail {
		t.Errorf("WrongSignatureFail: %s", got.Name())
	}
	edSet.Keys[0].Alg = "ES256"
	if got := VerifySignature(j, edSet); got != JwksKidAlgMismatch {
		t.Errorf("jwksIncorrectAlgSpecifiedFail: %s", got.Name())
	}
}

// TestVerifyX509 is test/verify_x509_test.cc: certificate keys carry the map
// name as kid and no alg.
func TestVerifyX509(t *testing.T) {
	ra, rb := rsaKeys(t)
	m := map[string]string{"kid-a": selfSigned(t, ra, &ra.PublicKey), "kid-b": selfSigned(t, rb, &rb.PublicKey)}
	b, _ := json.Marshal(m)
	set, st := ParseJWKS(b)
	if st != OK {
		t.Fatal(st.Name())
	}
	for _, kid := range []string{"", "kid-a"} { // NoKidToken, RealToken
		j := mustParse(t, signToken(t, "RS256", ra, hdr("RS256", kid), claims))
		if got := VerifySignature(j, set); got != OK {
			t.Errorf("kid %q: %s", kid, got.Name())
		}
		checkSignatureFuzz(t, j, set, JwtVerificationFail, JwtVerificationFail)
	}
	if got := VerifySignature(mustParse(t, signToken(t, "RS256", ra, hdr("RS256", "kid-b"), claims)), set); got != JwtVerificationFail {
		t.Errorf("the other certificate's kid: %s", got.Name())
	}
}

// TestVerifyKeyTypeWithoutAlg: a JWK without alg is tried for any token
// alg and checked by its own type (verify.cc verifyJwtWithoutTimeChecking).
func TestVerifyKeyTypeWithoutAlg(t *testing.T) {
	ra, _ := rsaKeys(t)
	p256, _, _, _ := ecKeys(t)
	ed, _ := edKeys(t)
	secret := []byte("0123456789abcdef0123456789abcdef")
	rsaSet := jwksOf(t, jwk(t, &ra.PublicKey, "", ""))
	ecSet := jwksOf(t, jwk(t, &p256.PublicKey, "", ""))
	octSet := jwksOf(t, jwk(t, secret, "", ""))
	edSet := jwksOf(t, jwk(t, ed.Public(), "", ""))
	// An "RS256" token whose signature is really HMAC-SHA256 passes an oct
	// key: the key type, not the header, decides the scheme.
	rsLabelledHMAC := b64(hdr("RS256", "")) + "." + b64(claims)
	rsLabelledHMAC += "." + b64b(signRaw(t, "HS256", secret, rsLabelledHMAC))
	// ES512 with a P-256 key: the hash follows the alg, the curve the key.
	es512OnP256 := b64(hdr("ES512", "")) + "." + b64(claims)
	es512OnP256 += "." + b64b(signRaw(t, "ES512", p256, es512OnP256))
	for _, tc := range []struct {
		name  string
		token string
		set   *JWKS
		want  Status
	}{
		{"RS256 on RSA", signToken(t, "RS256", ra, hdr("RS256", ""), claims), rsaSet, OK},
		{"PS384 on RSA", signToken(t, "PS384", ra, hdr("PS384", ""), claims), rsaSet, OK},
		{"HS256 on RSA", signToken(t, "HS256", secret, hdr("HS256", ""), claims), rsaSet, JwtVerificationFail},
		{"ES256 on RSA", signToken(t, "ES256", p256, hdr("ES256", ""), claims), rsaSet, JwtVerificationFail},
		{"EdDSA on RSA", signToken(t, "EdDSA", ed, hdr("EdDSA", ""), claims), rsaSet, JwtVerificationFail},
		{"RS256 on EC", signToken(t, "RS256", ra, hdr("RS256", ""), claims), ecSet, JwtVerificationFail},
		{"ES512 hash on a P-256 key", es512OnP256, ecSet, OK},
		{"RS256-labelled HMAC on oct", rsLabelledHMAC, octSet, OK},
		{"HS512 on oct", signToken(t, "HS512", secret, hdr("HS512", ""), claims), octSet, OK},
		{"EdDSA on oct", signToken(t, "EdDSA", ed, hdr("EdDSA", ""), claims), octSet, JwtVerificationFail},
		{"EdDSA on OKP", signToken(t, "EdDSA", ed, hdr("EdDSA", ""), claims), edSet, OK},
		// 256-byte RSA signature against an Ed25519 key: wrong length, and
		// the search stops there.
		{"RS256 on OKP", signToken(t, "RS256", ra, hdr("RS256", ""), claims), edSet, JwtEd25519SignatureWrongLength},
		// A 64-byte ES256 signature has Ed25519's length: a plain failure.
		{"ES256 on OKP", signToken(t, "ES256", p256, hdr("ES256", ""), claims), edSet, JwtVerificationFail},
	} {
		if got := VerifySignature(mustParse(t, tc.token), tc.set); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got.Name(), tc.want.Name())
		}
	}

	// The search stops at an OKP key when the length is wrong, even with a
	// good RSA key after it; with the RSA key first it passes.
	rs := mustParse(t, signToken(t, "RS256", ra, hdr("RS256", ""), claims))
	if got := VerifySignature(rs, jwksOf(t, jwk(t, ed.Public(), "", ""), jwk(t, &ra.PublicKey, "", ""))); got != JwtEd25519SignatureWrongLength {
		t.Errorf("OKP first: %s", got.Name())
	}
	if got := VerifySignature(rs, jwksOf(t, jwk(t, &ra.PublicKey, "", ""), jwk(t, ed.Public(), "", ""))); got != OK {
		t.Errorf("RSA first: %s", got.Name())
	}
	if got := VerifySignature(rs, nil); got != JwksKidAlgMismatch {
		t.Errorf("nil set: %s", got.Name())
	}
}

// TestVerifyECSignatureHalves: r and s are the two halves of whatever
// length arrives; an odd last byte is ignored.
func TestVerifyECSignatureHalves(t *testing.T) {
	p256, _, _, _ := ecKeys(t)
	set := jwksOf(t, jwk(t, &p256.PublicKey, "", ""))
	input := b64(hdr("ES256", "")) + "." + b64(claims)
	sig := signRaw(t, "ES256", p256, input)
	odd := append(append([]byte(nil), sig...), 0x7f) // 65 bytes: halves of 32, the last byte unread
	// Leading zero bytes on both halves keep the integers.
	padded := append(append(append([]byte{0}, sig[:32]...), 0), sig[32:]...)
	if got := VerifySignature(mustParse(t, input+"."+b64b(padded)), set); got != OK {
		t.Errorf("zero-padded halves: %s", got.Name())
	}
	if got := VerifySignature(mustParse(t, input+"."+b64b(odd)), set); got != OK {
		t.Errorf("odd trailing byte: %s", got.Name())
	}
	// Halves longer than the curve's order are refused, not reduced.
	if got := VerifySignature(mustParse(t, input+"."+b64b(append(sig, sig...))), set); got != JwtVerificationFail {
		t.Errorf("doubled signature: %s", got.Name())
	}
}
