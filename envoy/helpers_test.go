package envoy

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mwoauth/mwoauth/internal/fixtures"
)

// b64 is the canonical JWT segment encoding (no padding).
func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func b64b(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// unsigned builds header.payload.sig from raw JSON texts; the signature is
// the given text, encoded.
func unsigned(header, payload, sig string) string {
	return b64(header) + "." + b64(payload) + "." + b64(sig)
}

// sharedFacts reads ../shared/facts/<name> next to the checkout. Under
// CI=true its absence is a failure, never a skip.
func sharedFacts(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "shared", "facts", name))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("../shared missing under CI: %v", err)
		}
		t.Skipf("../shared not present: %v", err)
	}
	return string(b)
}

// readFixture is a file of internal/fixtures: the real 1.43 wiki's keys
// and tokens, and openssl-made forms of the same key.
func readFixture(_ testing.TB, rel string) string { return fixtures.File(rel) }

var (
	rsaOnce         sync.Once
	rsaA, rsaB      *rsa.PrivateKey
	ecOnce          sync.Once
	ec256, ec384    *ecdsa.PrivateKey
	ec521, ec256b   *ecdsa.PrivateKey
	edOnce          sync.Once
	edPriv, edPriv2 ed25519.PrivateKey
)

// rsaKeys are two 2048-bit keys made once per test binary.
func rsaKeys(t testing.TB) (*rsa.PrivateKey, *rsa.PrivateKey) {
	t.Helper()
	rsaOnce.Do(func() {
		var err error
		if rsaA, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if rsaB, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return rsaA, rsaB
}

func ecKeys(t testing.TB) (p256, p384, p521, other256 *ecdsa.PrivateKey) {
	t.Helper()
	ecOnce.Do(func() {
		gen := func(c elliptic.Curve) *ecdsa.PrivateKey {
			k, err := ecdsa.GenerateKey(c, rand.Reader)
			if err != nil {
				panic(err)
			}
			return k
		}
		ec256, ec384, ec521, ec256b = gen(elliptic.P256()), gen(elliptic.P384()), gen(elliptic.P521()), gen(elliptic.P256())
	})
	return ec256, ec384, ec521, ec256b
}

func edKeys(t testing.TB) (ed25519.PrivateKey, ed25519.PrivateKey) {
	t.Helper()
	edOnce.Do(func() {
		_, edPriv, _ = ed25519.GenerateKey(rand.Reader)
		_, edPriv2, _ = ed25519.GenerateKey(rand.Reader)
	})
	return edPriv, edPriv2
}

// signToken signs header.payload with alg and a private key (or HMAC
// secret), producing what a conforming issuer would send.
func signToken(t testing.TB, alg string, key any, header, payload string) string {
	t.Helper()
	input := b64(header) + "." + b64(payload)
	return input + "." + b64b(signRaw(t, alg, key, input))
}

func signRaw(t testing.TB, alg string, key any, input string) []byte {
	t.Helper()
	var h crypto.Hash
	switch alg[2:] {
	case "256":
		h = crypto.SHA256
	case "384":
		h = crypto.SHA384
	case "512":
		h = crypto.SHA512
	}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		d := digest(h, input)
		var sig []byte
		var err error
		if strings.HasPrefix(alg, "PS") {
			sig, err = rsa.SignPSS(rand.Reader, k, h, d, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
		} else {
			sig, err = rsa.SignPKCS1v15(rand.Reader, k, h, d)
		}
		if err != nil {
			t.Fatal(err)
		}
		return sig
	case *ecdsa.PrivateKey:
		r, s, err := ecdsa.Sign(rand.Reader, k, digest(h, input))
		if err != nil {
			t.Fatal(err)
		}
		size := (k.Curve.Params().BitSize + 7) / 8
		sig := make([]byte, 2*size)
		r.FillBytes(sig[:size])
		s.FillBytes(sig[size:])
		return sig
	case ed25519.PrivateKey:
		return ed25519.Sign(k, []byte(input))
	case []byte:
		m := hmac.New(h.New, k)
		m.Write([]byte(input))
		return m.Sum(nil)
	}
	t.Fatalf("no signer for %T", key)
	return nil
}

// jwk renders a public key as a JWK object (a map, so a test can drop or
// change members before marshalling).
func jwk(t testing.TB, key any, kid, alg string) map[string]any {
	t.Helper()
	m := map[string]any{}
	switch k := key.(type) {
	case *rsa.PublicKey:
		m["kty"], m["n"], m["e"] = "RSA", b64b(k.N.Bytes()), b64b(big.NewInt(int64(k.E)).Bytes())
	case *ecdsa.PublicKey:
		size := (k.Curve.Params().BitSize + 7) / 8
		raw, err := k.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		m["kty"], m["crv"] = "EC", k.Curve.Params().Name
		m["x"], m["y"] = b64b(raw[1:1+size]), b64b(raw[1+size:])
	case ed25519.PublicKey:
		m["kty"], m["crv"], m["x"] = "OKP", "Ed25519", b64b(k)
	case []byte:
		m["kty"], m["k"] = "oct", b64b(k)
	default:
		t.Fatalf("no JWK for %T", key)
	}
	if kid != "" {
		m["kid"] = kid
	}
	if alg != "" {
		m["alg"] = alg
	}
	return m
}

func jwksOf(t testing.TB, keys ...map[string]any) *JWKS {
	t.Helper()
	b, err := json.Marshal(map[string]any{"keys": keys})
	if err != nil {
		t.Fatal(err)
	}
	set, st := ParseJWKS(b)
	if st != OK {
		t.Fatalf("ParseJWKS(%s) = %v", b, st)
	}
	return set
}

func pemPublic(t testing.TB, pub any) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

func pemSet(t testing.TB, pub any) *JWKS {
	t.Helper()
	set, st := ParsePEM(pemPublic(t, pub))
	if st != OK {
		t.Fatalf("ParsePEM = %v", st)
	}
	return set
}

// signatureMutations is test_common.h fuzzJwtSignatureBits and
// fuzzJwtSignatureLength: one-bit changes and shorter prefixes of the
// signature. Signatures up to 32 bytes (HS256) get every one; longer ones,
// whose checks are slow under -race, get every bit of the first and last
// four bytes and of every eighth (beyond 96 bytes every 32nd) byte, and
// every such length.
func signatureMutations(sig []byte) (flips, cuts [][]byte) {
	stride := 8
	if len(sig) > 96 { // P-521 and RSA: the slowest checks under -race
		stride = 32
	}
	keep := func(i int) bool { return len(sig) <= 32 || i < 4 || i >= len(sig)-4 || i%stride == 0 }
	for i := range sig {
		if !keep(i) {
			continue
		}
		for bit := 0; bit < 8; bit++ {
			m := append([]byte(nil), sig...)
			m[i] ^= 1 << bit
			flips = append(flips, m)
		}
	}
	for n := 1; n < len(sig); n++ {
		if !keep(n) {
			continue
		}
		cuts = append(cuts, append([]byte(nil), sig[:n]...))
	}
	return flips, cuts
}
