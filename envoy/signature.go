package envoy

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"math/big"
	"strings"
)

// VerifySignature is verifyJwtWithoutTimeChecking (src/verify.cc): the keys
// are tried in order; a key is a candidate when its kid is empty, the
// token's kid is empty, or they are equal, and its alg is empty or equal to
// the token's. A JWK without alg is a candidate for every token alg, and is
// then used by its type: an RSA key verifies RS* as PKCS#1 v1.5 and PS* as
// PSS and fails anything else; an EC key verifies ECDSA with the hash the
// token's alg names (SHA-256 unless ES384/ES512), whatever its curve; an
// oct key verifies HMAC the same way (SHA-256 unless HS384/HS512, so even an
// "RS256" token is checked as HMAC-SHA256); an OKP key verifies Ed25519, and
// a signature that is not 64 bytes stops the search with
// JwtEd25519SignatureWrongLength. With no candidate the answer is
// JwksKidAlgMismatch, otherwise JwtVerificationFail.
func VerifySignature(j *JWT, set *JWKS) Status {
	if set == nil {
		return JwksKidAlgMismatch
	}
	signed := j.SignedInput()
	matched := false
	for _, k := range set.Keys {
		if j.Kid != "" && k.Kid != "" && k.Kid != j.Kid {
			continue
		}
		if k.Alg != "" && k.Alg != j.Alg {
			continue
		}
		matched = true
		switch k.Kty {
		case "EC":
			if verifyECDSA(k.ec, hashFor(j.Alg, "ES"), signed, j.Signature) {
				return OK
			}
		case "RSA":
			h := hashFor(j.Alg, "RS", "PS")
			d := digest(h, signed)
			switch {
			case strings.HasPrefix(j.Alg, "RS"):
				if k.rsa != nil && k.rsa.verifyPKCS1(h, d, j.Signature) {
					return OK
				}
			case strings.HasPrefix(j.Alg, "PS"):
				if k.rsa != nil && k.rsa.verifyPSS(h, d, j.Signature) {
					return OK
				}
			}
		case "oct":
			mac := hmac.New(hashFor(j.Alg, "HS").New, k.hmac)
			mac.Write([]byte(signed))
			if hmac.Equal(mac.Sum(nil), j.Signature) {
				return OK
			}
		case "OKP":
			if k.Crv != "Ed25519" {
				continue
			}
			if len(j.Signature) != ed25519.SignatureSize {
				return JwtEd25519SignatureWrongLength
			}
			if len(k.okp) == ed25519.PublicKeySize && ed25519.Verify(k.okp, []byte(signed), j.Signature) {
				return OK
			}
		}
	}
	if matched {
		return JwtVerificationFail
	}
	return JwksKidAlgMismatch
}

// hashFor is the digest verify.cc picks for a key family: SHA-384 or
// SHA-512 only for that family's own 384/512 algs, SHA-256 otherwise (so an
// EC key checks an "RS384" token over SHA-256).
func hashFor(alg string, families ...string) crypto.Hash {
	for _, f := range families {
		switch alg {
		case f + "384":
			return crypto.SHA384
		case f + "512":
			return crypto.SHA512
		}
	}
	return crypto.SHA256
}

func digest(h crypto.Hash, s string) []byte {
	switch h {
	case crypto.SHA384:
		d := sha512.Sum384([]byte(s))
		return d[:]
	case crypto.SHA512:
		d := sha512.Sum512([]byte(s))
		return d[:]
	}
	d := sha256.Sum256([]byte(s))
	return d[:]
}

// verifyECDSA is verifySignatureEC: r is the first half of the signature and
// s the next half (an odd last byte is ignored), whatever the curve's size;
// ECDSA_do_verify then wants both in [1, n−1] and truncates the digest to
// the curve's order, as Go does.
func verifyECDSA(pub *ecdsa.PublicKey, h crypto.Hash, signed string, sig []byte) bool {
	if pub == nil {
		return false
	}
	half := len(sig) / 2
	r := new(big.Int).SetBytes(sig[:half])
	s := new(big.Int).SetBytes(sig[half : 2*half])
	return ecdsa.Verify(pub, digest(h, signed), r, s)
}
