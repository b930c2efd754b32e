package logscan

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/fips140"
	"crypto/rand"
	"crypto/sha256"
)

// tokenKey names a distinct token in the scan's maps instead of its text.
//
// Why not the text: a scan holds every distinct token until the report,
// and ~800 bytes of text per token was most of the scan's memory. Freshly
// touched memory is what a log of distinct tokens pays for besides RSA (on
// a VM a first touch costs the host's page fault too): keys instead of
// text halve the peak memory of such a scan and cut its time by a tenth.
//
// Why a universal hash: two different tokens must never share a key, or a
// forged token would be reported under a valid one's verdict, and the
// log's author may be the attacker. GHASH's polynomial, evaluated at a
// secret random point, is a universal hash: for any two different inputs
// of up to L 16-byte blocks, written without knowledge of the point, the
// chance that their 128-bit values are equal is at most L/2^128, whatever
// the inputs are. A non-cryptographic hash such as hash/maphash gives no
// such bound against chosen inputs; SHA-256 does but costs three times as
// much per use on the hot path of a log where tokens repeat. Where the CPU
// multiplies carry-less, the polynomial is summed by polyhash.go, many
// blocks to a reduction; elsewhere (and in FIPS 140 mode) the key is GMAC, the
// same sum plus an AES block, from crypto/cipher. The point is drawn per
// scan and the keys never leave the process (reports name tokens by
// sha256), so GMAC's one nonce for every tag gives an observer nothing:
// this is a keyed hash, nothing is encrypted.
type tokenKey [16]byte

const nShards = 64

// keyer computes tokenKeys. Each worker has its own (same key), so no
// cipher state is shared between goroutines.
type keyer struct {
	poly  *polyKey    // GHASH's sum alone, where the CPU has PCLMULQDQ (polyhash.go)
	gmac  cipher.AEAD // else GMAC; nil: sha256 (GCM refused, e.g. GODEBUG=fips140=only)
	nonce [12]byte
	buf   []byte
}

// newKeyer returns a keyer under secret (16 random bytes from newSecret).
// In FIPS 140 mode the key is an approved algorithm's (GMAC or SHA-256).
func newKeyer(secret []byte) *keyer {
	k := &keyer{buf: make([]byte, 0, sha256.Size)}
	if havePCLMUL && !fips140.Enabled() {
		k.poly = newPolyKey(secret)
	}
	if b, err := aes.NewCipher(secret); err == nil {
		if g, err := cipher.NewGCM(b); err == nil {
			k.gmac = g
		}
	}
	return k
}

func newSecret() []byte {
	s := make([]byte, 16)
	rand.Read(s) // never fails (crypto/rand crashes the program instead)
	return s
}

// keyInto sets *dst to b's key. Where the vector code sums the whole
// token, it writes the key in place: returned by value, the key went
// through three 16-byte copies on the stack, each waiting for the store
// before it (keyer.key and polyKey.sum took a fifth of the key's perf
// samples of a repeated-token scan, after the vector code returned).
func (k *keyer) keyInto(dst *tokenKey, b []byte) {
	if k.poly != nil {
		*dst = tokenKey{}
		if polyToken(dst.words(), k.poly, b) {
			return
		}
	}
	*dst = k.key(b)
}

func (k *keyer) key(b []byte) (t tokenKey) {
	if k.poly != nil {
		return k.poly.sum(b)
	}
	if k.gmac == nil {
		sum := sha256.Sum256(b)
		copy(t[:], sum[:])
		return t
	}
	// Seal with no plaintext returns the tag alone: GMAC of b.
	k.buf = k.gmac.Seal(k.buf[:0], k.nonce[:], nil, b)
	copy(t[:], k.buf)
	return t
}

// shard picks a shard map; the tag's bytes are as good as random.
func (t *tokenKey) shard() int { return int(t[0]) % nShards }
