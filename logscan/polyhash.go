package logscan

import "encoding/binary"

// polyHash is the per-use key where the CPU multiplies carry-less
// (PCLMULQDQ): GHASH's polynomial without AES around it. A token, cut into
// 16-byte blocks b1…bn (the last zero-padded, then one block holding the
// length), is the polynomial b1·H^n + … + bn·H over GF(2^128) (modulo
// x^128 + x^7 + x^2 + x + 1, blocks read as little-endian 128-bit
// numbers), evaluated at a secret random point H. For two different tokens
// of up to n blocks the two values are the values at H of two different
// polynomials of degree at most n, and they are equal only when H is a
// root of their non-zero difference: at most n roots of 2^128 points.
// That is the bound key.go asks of GMAC, whose tag is this sum (in
// GHASH's bit order) plus an AES block, here not needed: keys never leave
// the process. (H has its lowest bit set, so that it is never 0: the
// bound is n/2^127.) Where the CPU has 256-bit carry-less multiplies,
// each block is multiplied by its own power of H from a table of 64, two
// blocks an instruction and three multiplies a block (Karatsuba), and the
// products are added before one reduction per 64 blocks: no product waits
// for another (polyhash_amd64.s). With 128-bit multiplies alone, eight
// blocks a reduction. 80 to 95 ns for 800 bytes, against 117 to 135 with
// eight-block groups and GMAC's 205 to 210 in the same minutes
// (BenchmarkKey).

// polyWide is how many blocks the 256-bit code multiplies with one
// reduction: each block by its own power of H, from a table of H^polyWide
// down to H, so that the products of a whole token (up to 1 KiB) are
// independent of each other and of the reduction, which is done once.
const polyWide = 64

// polyKey holds H^1…H^8 (powers[i] is H^(i+1)), each as two 64-bit
// halves, low first, and H^polyWide down to H^1 (wide[i] is
// H^(polyWide-i)), which the 256-bit code loads two at a time. The
// assembly knows this layout.
type polyKey struct {
	powers [8][2]uint64
	wide   [polyWide][2]uint64
	// wideMid is, for each power in wide, its two halves added (low
	// lane) for Karatsuba's middle product: (a1+a0)(h1+h0) - a1h1 - a0h0
	// is a1h0 + a0h1, three multiplies a block instead of four.
	wideMid [polyWide][2]uint64
}

func newPolyKey(secret []byte) *polyKey {
	h := [2]uint64{binary.LittleEndian.Uint64(secret[:8]), binary.LittleEndian.Uint64(secret[8:16])}
	h[0] |= 1 // never the point 0, where every token's value is 0
	k := &polyKey{}
	p := h
	for i := range k.wide {
		if i < len(k.powers) {
			k.powers[i] = p
		}
		k.wide[len(k.wide)-1-i] = p
		k.wideMid[len(k.wide)-1-i] = [2]uint64{p[0] ^ p[1], 0}
		p = gfMul(p, h)
	}
	return k
}

// sum is the polynomial's value for b, as a tokenKey.
func (k *polyKey) sum(b []byte) tokenKey {
	var acc [2]uint64
	if polyToken(&acc, k, b) {
		return accKey(&acc)
	}
	n := len(b) &^ 15
	var tail [2 * 16]byte // the last bytes, zero-padded, and the length
	r := copy(tail[:], b[n:])
	nb := (r + 15) / 16
	binary.LittleEndian.PutUint64(tail[nb*16:], uint64(len(b)))
	polySum(&acc, k, b[:n], tail[:(nb+1)*16])
	return accKey(&acc)
}

// polyBlocksGeneric adds blocks to acc one block at a time, by Horner's
// rule: acc = (acc + b)·H for each 16-byte block b of blocks.
func polyBlocksGeneric(acc *[2]uint64, powers *[8][2]uint64, blocks []byte) {
	for len(blocks) > 0 {
		acc[0] ^= binary.LittleEndian.Uint64(blocks[:8])
		acc[1] ^= binary.LittleEndian.Uint64(blocks[8:16])
		*acc = gfMul(*acc, powers[0])
		blocks = blocks[16:]
	}
}

// gfMul multiplies a and b in GF(2^128) modulo x^128 + x^7 + x^2 + x + 1,
// a bit at a time: the definition the vector code is tested against, and
// how the powers of H are made.
func gfMul(a, b [2]uint64) [2]uint64 {
	var r [2]uint64
	for i := 0; i < 128; i++ {
		if b[i/64]>>(i%64)&1 == 1 {
			r[0] ^= a[0]
			r[1] ^= a[1]
		}
		// a = a·x, reduced
		carry := a[1] >> 63
		a[1] = a[1]<<1 | a[0]>>63
		a[0] <<= 1
		if carry == 1 {
			a[0] ^= 0x87
		}
	}
	return r
}
