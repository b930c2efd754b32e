package rs256

import (
	"bytes"
	"encoding/binary"
	"math/big"
	"math/bits"
)

// Where the CPU has AVX-512 IFMA (52-bit multiply-adds, eight lanes an
// instruction: Ice Lake and later Xeons, AMD Zen 4), a 2048-bit key's
// exponentiation is done here instead of by bigmod: the numbers are held
// as forty 52-bit limbs, five vector registers, and a Montgomery product
// is forty steps of twenty multiply-adds each (mont52_amd64.s), against
// bigmod's 32×32 scalar 64-bit multiplies and their carry chains.
//
// Only the public operation is done this way: nothing here is secret, so
// nothing needs constant time. FuzzVerify and TestAgreesWithCryptoRSA hold
// the result to crypto/rsa's, and TestMont52 each product to math/big's.

const (
	limbBits = 52
	nLimbs   = 40 // 40×52 = 2080 bits: R = 2^2080 > 4N for N < 2^2048
	mask52   = 1<<limbBits - 1
)

// limbs is a number below 2^2080, least significant limb first, each
// limb below 2^52 (the vector code reads only a limb's low 52 bits).
type limbs [nLimbs]uint64

// mont52 is a modulus prepared for the vector code.
type mont52 struct {
	n limbs
	// fix is R^(f+1) mod N, f the power of R⁻¹ that exp's products leave
	// on s^e: one product with it both undoes them and leaves Montgomery
	// form (rPowerOf).
	fix    limbs
	k0     uint64 // -N⁻¹ mod 2^52
	nBytes []byte // N, big-endian, the signature's length: s < N is a byte compare
	e      uint
}

// newMont52 prepares n (a modulus of 2041 to 2048 bits, odd) for the
// vector code, or returns nil where the CPU has none.
func newMont52(n *big.Int, e uint) *mont52 {
	if !haveIFMA || n.BitLen() <= 2040 || n.BitLen() > 2048 || n.Bit(0) == 0 {
		return nil
	}
	m := &mont52{e: e, nBytes: n.FillBytes(make([]byte, 256))}
	m.n = toLimbs(m.nBytes)
	r := new(big.Int).Lsh(big.NewInt(1), limbBits*nLimbs)
	f := new(big.Int).SetUint64(rPowerOf(e) + 1)
	m.fix = toLimbs(new(big.Int).Exp(r, f, n).FillBytes(make([]byte, 256)))
	// The inverse of N mod 2^64 by Newton's iteration (each step doubles
	// the correct low bits; N·N ≡ 1 mod 8 for odd N gives the first 3).
	inv := m.n[0]
	for range 5 {
		inv *= 2 - m.n[0]*inv
	}
	m.k0 = -inv & mask52
	return m
}

// mul sets out to a·b·R⁻¹ mod N, below 2N, for a and b below 2N, its
// limbs carried into 52 bits (by the vector code: a loop here, a carry
// through forty limbs in turn, was a tenth of a verification). out may be
// a or b.
func (m *mont52) mul(out, a, b *limbs) { amm52(out, a, b, &m.n, m.k0) }

// exp returns s^e mod N, fully reduced. s must be below N.
//
// s is not brought into Montgomery form (s·R, a product with R² mod N)
// first: each product of the chain adds a factor R⁻¹, so that it ends at
// s^e·R⁻ᶠ (f from rPowerOf), and one product with R^(f+1) mod N (fix)
// gives s^e. That product also takes the result out of the form, which
// took a product with 1 of its own: 18 products for e = 65537, not 19.
func (m *mont52) exp(s *limbs) limbs {
	y := *s
	for i := bits.Len(m.e) - 2; i >= 0; i-- {
		m.mul(&y, &y, &y)
		if m.e>>uint(i)&1 == 1 {
			m.mul(&y, &y, s)
		}
	}
	m.mul(&y, &y, &m.fix) // below 2N
	if !less(&y, &m.n) {
		sub(&y, &m.n)
	}
	return y
}

// rPowerOf is f such that exp's chain of products for e, squarings and
// products with s from e's top bit down, turns s into s^e·R⁻ᶠ: a square
// of x·R⁻ᵍ is x²·R^-(2g+1), a product with s adds one more. 65535 + 1 for
// e = 65537 (sixteen squarings, one product). f < 2e: New takes e below
// 2^31.
func rPowerOf(e uint) uint64 {
	var f uint64
	for i := bits.Len(e) - 2; i >= 0; i-- {
		f = 2*f + 1
		if e>>uint(i)&1 == 1 {
			f++
		}
	}
	return f
}

// verify is Key.Verify for a key prepared here: sig has the modulus's
// length; it must be below N, and its e-th power must be head || digest.
func (m *mont52) verify(head, digest, sig []byte) bool {
	if len(sig) != len(m.nBytes) || bytes.Compare(sig, m.nBytes) >= 0 {
		return false
	}
	s := toLimbs(sig)
	y := m.exp(&s)
	var em [256]byte
	fromLimbs(&y, em[:])
	return bytes.Equal(em[:len(head)], head) && bytes.Equal(em[len(head):], digest)
}

// toLimbs reads b (big-endian, at most 260 bytes) as limbs, a 64-bit
// load each: limb j is bits 52j to 52j+51, which lie in the eight bytes
// from bit 52j's (52j is a multiple of 4). A byte at a time, the two
// conversions of a verification (this one and fromLimbs) were a fifth of
// the exponentiation's time outside the vector code.
func toLimbs(b []byte) (l limbs) {
	var buf [272]byte // b at its end: bytes past b's top are zero
	copy(buf[len(buf)-len(b):], b)
	for j := range l {
		bit := 52 * j
		q := bit / 8 // the byte holding bit 52j, counted from the end
		w := binary.BigEndian.Uint64(buf[len(buf)-q-8 : len(buf)-q])
		l[j] = w >> (bit % 8) & mask52
	}
	return l
}

// fromLimbs writes l into b, big-endian, b's length in bytes (the bits of
// l above them are dropped), a 64-bit word at a time: word w, bits 64w to
// 64w+63, is made of the limbs that hold them. The limbs must be below
// 2^52 (carried).
func fromLimbs(l *limbs, b []byte) {
	var wide [nLimbs + 2]uint64 // l and two zero limbs, for the last words' reads
	copy(wide[:], l[:])
	var buf [272]byte
	for w := 0; w < len(buf)/8; w++ {
		bit := 64 * w
		j, s := bit/limbBits, uint(bit%limbBits)
		if j >= nLimbs {
			break
		}
		// Shifts of 64 or more give 0: a limb that does not reach the
		// word adds nothing.
		word := wide[j]>>s | wide[j+1]<<(limbBits-s) | wide[j+2]<<(2*limbBits-s)
		binary.BigEndian.PutUint64(buf[len(buf)-8*w-8:], word)
	}
	copy(b, buf[len(buf)-len(b):])
}

// less reports whether a < b.
func less(a, b *limbs) bool {
	for j := nLimbs - 1; j >= 0; j-- {
		if a[j] != b[j] {
			return a[j] < b[j]
		}
	}
	return false
}

// sub sets a to a - b, for a >= b.
func sub(a, b *limbs) {
	var borrow uint64
	for j := range a {
		v := a[j] - b[j] - borrow
		a[j] = v & mask52
		borrow = v >> 63
	}
}
