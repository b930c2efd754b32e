package envoy

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"math/big"
	"testing"
)

// TestRSAManualAgreesWithGo is the differential test of the two RSA paths:
// the big.Int verifier (used for keys Go refuses) and crypto/rsa must give
// the same answer on keys both accept, for good signatures and mutated ones.
func TestRSAManualAgreesWithGo(t *testing.T) {
	ra, _ := rsaKeys(t)
	k1024, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	for _, priv := range []*rsa.PrivateKey{ra, k1024} {
		viaGo, ok := newRSAKey(priv.N, big.NewInt(int64(priv.E)))
		if !ok || viaGo.gopub == nil {
			t.Fatal("key refused")
		}
		manual := &rsaKey{n: viaGo.n, e: viaGo.e}
		for _, alg := range []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"} {
			if priv.N.BitLen() == 1024 && alg == "PS512" {
				continue // emLen 128 < 64 + 64 + 2: no PSS-SHA512 signature fits
			}
			input := b64(hdr(alg, "")) + "." + b64(claims)
			h := hashFor(alg, "RS", "PS")
			d := digest(h, input)
			good := signRaw(t, alg, priv, input)
			flips, cuts := signatureMutations(good)
			for _, sig := range append(append([][]byte{good}, flips...), cuts...) {
				var a, b bool
				if alg[:2] == "RS" {
					a, b = viaGo.verifyPKCS1(h, d, sig), manual.verifyPKCS1(h, d, sig)
				} else {
					a, b = viaGo.verifyPSS(h, d, sig), manual.verifyPSS(h, d, sig)
				}
				if a != b {
					t.Fatalf("%d-bit %s: crypto/rsa says %v, big.Int says %v", priv.N.BitLen(), alg, a, b)
				}
			}
			if alg[:2] == "RS" && !manual.verifyPKCS1(h, d, good) || alg[:2] == "PS" && !manual.verifyPSS(h, d, good) {
				t.Fatalf("%d-bit %s: good signature refused", priv.N.BitLen(), alg)
			}
		}
		// Salt lengths other than the hash size are recovered (salt length
		// -2 in BoringSSL, PSSSaltLengthAuto in Go).
		for _, salt := range []int{0, 5, rsa.PSSSaltLengthAuto} {
			d := digest(crypto.SHA256, "x")
			sig, err := rsa.SignPSS(rand.Reader, priv, crypto.SHA256, d, &rsa.PSSOptions{SaltLength: salt})
			if err != nil {
				t.Fatal(err)
			}
			if !viaGo.verifyPSS(crypto.SHA256, d, sig) || !manual.verifyPSS(crypto.SHA256, d, sig) {
				t.Errorf("salt %d refused", salt)
			}
		}
	}
}

// TestRSABoringSSLKeyRules: BoringSSL (rsa_check_public_key) takes keys
// that crypto/rsa refuses, and Envoy's answer must follow BoringSSL. A
// 512-bit key and a 2^32+15 exponent verify; even or tiny moduli and bad
// exponents do not parse.
func TestRSABoringSSLKeyRules(t *testing.T) {
	var small *manualRSA
	for small == nil { // until 65537 is invertible modulo λ(n)
		p, err := rand.Prime(rand.Reader, 256)
		if err != nil {
			t.Fatal(err)
		}
		q, err := rand.Prime(rand.Reader, 256)
		if err != nil {
			t.Fatal(err)
		}
		small = manualKey(p, q, big.NewInt(65537))
	}
	ra, _ := rsaKeys(t)
	bigE := manualKey(ra.Primes[0], ra.Primes[1], big.NewInt(1<<32+15)) // a prime: invertible unless it divides λ(n)
	if bigE == nil {
		t.Fatal("2^32+15 not invertible")
	}
	for name, mk := range map[string]*manualRSA{"512-bit modulus": small, "33-bit exponent": bigE} {
		k, ok := newRSAKey(mk.n, mk.e)
		if !ok {
			t.Fatalf("%s refused", name)
		}
		if k.gopub != nil {
			t.Fatalf("%s: expected the big.Int path", name)
		}
		d := digest(crypto.SHA256, "signed")
		sig := mk.signPKCS1(t, crypto.SHA256, d)
		if !k.verifyPKCS1(crypto.SHA256, d, sig) {
			t.Errorf("%s: good signature refused", name)
		}
		sig[len(sig)-1] ^= 1
		if k.verifyPKCS1(crypto.SHA256, d, sig) {
			t.Errorf("%s: bad signature accepted", name)
		}
		if k.verifyPKCS1(crypto.SHA256, d, sig[1:]) {
			t.Errorf("%s: short signature accepted", name)
		}
	}
	// The same rules reach a token through a JWKS (e = 65537 only).
	set := jwksOf(t, map[string]any{"kty": "RSA", "n": b64b(small.n.Bytes()), "e": "AQAB"})
	input := b64(hdr("RS256", "")) + "." + b64(claims)
	tok := input + "." + b64b(small.signPKCS1(t, crypto.SHA256, digest(crypto.SHA256, input)))
	if got := VerifySignature(mustParse(t, tok), set); got != OK {
		t.Errorf("512-bit JWK: %s", got.Name())
	}

	one := big.NewInt(1)
	for name, ne := range map[string][2]*big.Int{
		"even modulus":     {new(big.Int).Lsh(one, 1000), big.NewInt(65537)},
		"33-bit modulus":   {big.NewInt(1<<32 + 1), big.NewInt(3)},
		"16385-bit":        {new(big.Int).Add(new(big.Int).Lsh(one, 16384), one), big.NewInt(3)},
		"e = 1":            {ra.N, one},
		"even e":           {ra.N, big.NewInt(65536)},
		"34-bit e":         {ra.N, big.NewInt(1<<33 + 1)},
		"zero modulus":     {new(big.Int), big.NewInt(3)},
		"zero exponent":    {ra.N, new(big.Int)},
		"negative modulus": {new(big.Int).Neg(ra.N), big.NewInt(3)},
	} {
		if _, ok := newRSAKey(ne[0], ne[1]); ok {
			t.Errorf("%s accepted", name)
		}
	}
	if _, ok := newRSAKey(new(big.Int).Add(new(big.Int).Lsh(one, 16383), one), big.NewInt(3)); !ok {
		t.Error("16384-bit modulus refused")
	}
}

type manualRSA struct{ n, e, d *big.Int }

// manualKey is a key from two primes, nil when e has no inverse.
func manualKey(p, q, e *big.Int) *manualRSA {
	one := big.NewInt(1)
	p1, q1 := new(big.Int).Sub(p, one), new(big.Int).Sub(q, one)
	g := new(big.Int).GCD(nil, nil, p1, q1)
	lambda := new(big.Int).Div(new(big.Int).Mul(p1, q1), g)
	d := new(big.Int).ModInverse(e, lambda)
	if d == nil || p.Cmp(q) == 0 {
		return nil
	}
	return &manualRSA{n: new(big.Int).Mul(p, q), e: e, d: d}
}

// signPKCS1 builds EMSA-PKCS1-v1_5 by the RFC and raises it to d.
func (k *manualRSA) signPKCS1(t *testing.T, h crypto.Hash, d []byte) []byte {
	t.Helper()
	size := (k.n.BitLen() + 7) / 8
	tt := append(append([]byte(nil), digestInfoPrefix[h]...), d...)
	em := []byte{0, 1}
	for len(em) < size-len(tt)-1 {
		em = append(em, 0xff)
	}
	em = append(append(em, 0), tt...)
	return new(big.Int).Exp(new(big.Int).SetBytes(em), k.d, k.n).FillBytes(make([]byte, size))
}
