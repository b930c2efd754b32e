package envoy

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/subtle"
	"hash"
	"math/big"
)

// rsaKey is an RSA public key under BoringSSL's rules (rsa_check_public_key,
// reached through RSA_check_key in jwks.cc createRsaFromJwk): an odd modulus
// of 34 to 16384 bits, an odd exponent above 1 of at most 33 bits. A JWK
// must moreover use e = 3 or 65537.
//
// gopub is set when crypto/rsa accepts the key too (at least 1024 bits, e below
// 2^31); keys BoringSSL accepts and Go refuses are verified with big.Int
// arithmetic instead, so that Envoy's answer for a 512-bit key is "OK"
// rather than whatever Go's minimum would make of it.
type rsaKey struct {
	n, e  *big.Int
	gopub *rsa.PublicKey
}

func newRSAKey(n, e *big.Int) (*rsaKey, bool) {
	nb := n.BitLen()
	if n.Sign() <= 0 || n.Bit(0) == 0 || nb > 16*1024 || nb <= 33 {
		return nil, false
	}
	if e.Sign() <= 0 || e.Bit(0) == 0 || e.BitLen() < 2 || e.BitLen() > 33 {
		return nil, false
	}
	k := &rsaKey{n: n, e: e}
	if nb >= 1024 && e.IsInt64() && e.Int64() <= 1<<31-1 {
		k.gopub = &rsa.PublicKey{N: n, E: int(e.Int64())}
	}
	return k, true
}

// verifyPKCS1 is EVP_DigestVerify with RSA_PKCS1_PADDING.
func (k *rsaKey) verifyPKCS1(h crypto.Hash, digest, sig []byte) bool {
	if k.gopub != nil {
		return rsa.VerifyPKCS1v15(k.gopub, h, digest, sig) == nil
	}
	em, ok := k.open(sig)
	if !ok {
		return false
	}
	prefix := digestInfoPrefix[h]
	tLen := len(prefix) + len(digest)
	if len(em) < tLen+11 {
		return false
	}
	want := make([]byte, len(em))
	want[1] = 1
	for i := 2; i < len(em)-tLen-1; i++ {
		want[i] = 0xff
	}
	copy(want[len(em)-tLen:], prefix)
	copy(want[len(em)-len(digest):], digest)
	return subtle.ConstantTimeCompare(em, want) == 1
}

// verifyPSS is EVP_DigestVerify with RSA_PKCS1_PSS_PADDING, MGF1 over the
// same hash and BoringSSL's default salt length for verification (-2:
// recovered from the signature), which is Go's PSSSaltLengthAuto.
func (k *rsaKey) verifyPSS(h crypto.Hash, digest, sig []byte) bool {
	if k.gopub != nil {
		return rsa.VerifyPSS(k.gopub, h, digest, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto}) == nil
	}
	em, ok := k.open(sig)
	if !ok {
		return false
	}
	// RFC 8017 §9.1.2 with emBits = modBits − 1.
	emBits := k.n.BitLen() - 1
	emLen := (emBits + 7) / 8
	if len(em) > emLen {
		if em[0] != 0 {
			return false
		}
		em = em[1:]
	}
	hLen := h.Size()
	if emLen < hLen+2 || em[emLen-1] != 0xbc {
		return false
	}
	db := em[:emLen-hLen-1]
	hh := em[emLen-hLen-1 : emLen-1]
	top := uint(8*emLen - emBits) // bits of em[0] above emBits, 0…7
	if em[0]>>(8-top) != 0 {
		return false
	}
	mask := mgf1(h.New(), hh, len(db))
	for i := range db {
		db[i] ^= mask[i]
	}
	db[0] &= 0xff >> top
	i := 0
	for i < len(db) && db[i] == 0 {
		i++
	}
	if i == len(db) || db[i] != 1 {
		return false
	}
	salt := db[i+1:]
	m := h.New()
	m.Write(make([]byte, 8))
	m.Write(digest)
	m.Write(salt)
	return bytes.Equal(m.Sum(nil), hh)
}

// open computes sig^e mod n after the length check BoringSSL makes
// (RSA_R_DATA_LEN_NOT_EQUAL_TO_MOD_LEN, then signature < n).
func (k *rsaKey) open(sig []byte) ([]byte, bool) {
	size := (k.n.BitLen() + 7) / 8
	if len(sig) != size {
		return nil, false
	}
	s := new(big.Int).SetBytes(sig)
	if s.Cmp(k.n) >= 0 {
		return nil, false
	}
	return new(big.Int).Exp(s, k.e, k.n).FillBytes(make([]byte, size)), true
}

func mgf1(h hash.Hash, seed []byte, n int) []byte {
	out := make([]byte, 0, n+h.Size())
	var ctr [4]byte
	for len(out) < n {
		h.Reset()
		h.Write(seed)
		h.Write(ctr[:])
		out = h.Sum(out)
		for i := 3; i >= 0; i-- {
			ctr[i]++
			if ctr[i] != 0 {
				break
			}
		}
	}
	return out[:n]
}

// digestInfoPrefix is the DER DigestInfo header before the hash (RFC 8017
// §9.2 note 1).
var digestInfoPrefix = map[crypto.Hash][]byte{
	crypto.SHA256: {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20},
	crypto.SHA384: {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30},
	crypto.SHA512: {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40},
}
