// Package rs256 verifies RS256 (RSASSA-PKCS1-v1_5 with SHA-256) signatures
// with each public key prepared once.
//
// crypto/rsa.VerifyPKCS1v15 rebuilds the key's Montgomery modulus on every
// call: it converts N to the constant-time representation and computes
// R² mod N, about a quarter of a 2048-bit verification. A log scan verifies
// tens of thousands of tokens against the same one or two keys, so Key does
// that work once, in New, and each Verify is the exponentiation alone.
//
// The arithmetic is filippo.io/bigmod, the standard library's own
// crypto/internal/fips140/bigmod published as a module by its author (with
// the same assembly), so the per-token work is crypto/rsa's; except that a
// 2048-bit key, on a CPU with AVX-512 IFMA, is exponentiated by mont52.go's
// vector code, three to four times as fast (BenchmarkVerify: 8.0 µs
// against 27.7 to 41 on an AMD EPYC Zen 4 VM). Verify
// accepts exactly what crypto/rsa.VerifyPKCS1v15 accepts (FuzzVerify holds
// the two side by side); keys crypto/rsa treats specially (under 1024 bits,
// an unusual exponent, FIPS 140-only mode) are not prepared, and their Key
// hands every signature to crypto/rsa.
package rs256

import (
	"bytes"
	"crypto"
	"crypto/fips140"
	"crypto/rsa"
	"crypto/sha256"

	"filippo.io/bigmod"
)

// digestInfo is the DER prefix of a SHA-256 DigestInfo (RFC 8017 §9.2 note 1).
var digestInfo = []byte{0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20}

// Key is a public key prepared for RS256 verification. It is safe for
// concurrent use.
type Key struct {
	pub *rsa.PublicKey
	n   *bigmod.Modulus // nil: crypto/rsa verifies
	m   *mont52         // non-nil: the vector code exponentiates (mont52.go)

	e    uint
	size int    // the modulus in bytes: a signature's only valid length
	head []byte // EM = 0x00 01 FF…FF 00 || DigestInfo, all but the digest
}

// New prepares pub. It leaves to crypto/rsa a key that crypto/rsa refuses
// or judges by rules of its own (a modulus under 1024 bits, which
// GODEBUG=rsa1024min=0 allows; an even modulus; an even or out-of-range
// exponent), and every key while the FIPS 140 module is enforced, so that
// its checks stay in force.
func New(pub *rsa.PublicKey) *Key {
	k := &Key{pub: pub}
	if pub == nil || pub.N == nil || fips140.Enabled() {
		return k
	}
	if pub.N.BitLen() < 1024 || pub.N.Bit(0) == 0 || pub.E < 3 || pub.E&1 == 0 || pub.E > 1<<31-1 {
		return k
	}
	n, err := bigmod.NewModulus(pub.N.Bytes())
	if err != nil {
		return k
	}
	size := n.Size()
	head := make([]byte, size-sha256.Size)
	head[1] = 1
	ps := size - sha256.Size - len(digestInfo) - 1
	for i := 2; i < ps; i++ {
		head[i] = 0xff
	}
	copy(head[ps+1:], digestInfo)
	k.n, k.e, k.size, k.head = n, uint(pub.E), size, head
	k.m = newMont52(pub.N, k.e)
	return k
}

// Prepared reports whether Verify does the exponentiation itself rather
// than through crypto/rsa.
func (k *Key) Prepared() bool { return k.n != nil }

// Verify reports whether sig is k's RS256 signature of a message whose
// SHA-256 digest is digest, as crypto/rsa.VerifyPKCS1v15(pub,
// crypto.SHA256, digest, sig) == nil would: a signature of the wrong
// length or not below N is refused, and the encoded message must match
// byte for byte.
func (k *Key) Verify(digest, sig []byte) bool {
	if k.n == nil {
		return k.pub != nil && rsa.VerifyPKCS1v15(k.pub, crypto.SHA256, digest, sig) == nil
	}
	if len(digest) != sha256.Size || len(sig) != k.size {
		return false
	}
	if k.m != nil {
		return k.m.verify(k.head, digest, sig)
	}
	s, err := bigmod.NewNat().SetBytes(sig, k.n)
	if err != nil {
		return false
	}
	em := bigmod.NewNat().ExpShortVarTime(s, k.e, k.n).Bytes(k.n)
	return bytes.Equal(em[:len(k.head)], k.head) && bytes.Equal(em[len(k.head):], digest)
}
