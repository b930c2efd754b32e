package rs256

import (
	"bytes"
	"crypto/sha256"
	"math/big"
	"math/rand/v2"
	"testing"
)

func limbsOf(x *big.Int) limbs { return toLimbs(x.FillBytes(make([]byte, 260))) }

func bigOf(l *limbs) *big.Int {
	b := make([]byte, 260)
	fromLimbs(l, b)
	return new(big.Int).SetBytes(b)
}

// randBelow is a random number below n, biased to the edges: a third of
// the time all ones, n-1 or near zero, where carries run furthest.
func randBelow(r *rand.Rand, n *big.Int) *big.Int {
	switch r.IntN(6) {
	case 0:
		return new(big.Int).Sub(n, big.NewInt(1+int64(r.IntN(3))))
	case 1:
		return big.NewInt(int64(r.IntN(3)))
	}
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return new(big.Int).Mod(new(big.Int).SetBytes(b), n)
}

// testModuli are odd moduli of every accepted bit length (Montgomery's
// product needs only an odd modulus): random ones, and N = 2^2048 - 1,
// whose limbs are all ones.
func testModuli(r *rand.Rand) []*big.Int {
	var ns []*big.Int
	for bits := 2041; bits <= 2048; bits++ {
		b := make([]byte, 256)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		n := new(big.Int).SetBytes(b)
		n.SetBit(n, bits-1, 1)
		for i := bits; i < 2048; i++ {
			n.SetBit(n, i, 0)
		}
		n.SetBit(n, 0, 1)
		ns = append(ns, n)
	}
	all := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 2048), big.NewInt(1))
	return append(ns, all)
}

func TestLimbsRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		b := make([]byte, 256)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		l := toLimbs(b)
		for j, v := range l {
			if v > mask52 {
				t.Fatalf("limb %d is %#x, over 52 bits", j, v)
			}
		}
		back := make([]byte, 256)
		fromLimbs(&l, back)
		if !bytes.Equal(back, b) {
			t.Fatalf("round trip of %x gave %x", b, back)
		}
	}
}

// TestMont52 holds each Montgomery product and each power to math/big's,
// on inputs up to 2N (what the exponentiation feeds back).
func TestMont52(t *testing.T) {
	if !haveIFMA {
		t.Skip("no AVX-512 IFMA on this CPU: the vector code is not used here")
	}
	r := rand.New(rand.NewPCG(3, 4))
	rInv := new(big.Int)
	for _, n := range testModuli(r) {
		m := newMont52(n, 65537)
		if m == nil {
			t.Fatalf("modulus of %d bits not prepared", n.BitLen())
		}
		R := new(big.Int).Lsh(big.NewInt(1), limbBits*nLimbs)
		rInv.ModInverse(R, n)
		twoN := new(big.Int).Lsh(n, 1)
		for i := range 300 {
			a, b := randBelow(r, n), randBelow(r, n)
			if i%3 == 0 { // up to 2N, as products are before reduction
				a.Add(a, n)
				b.Add(b, randBelow(r, n))
			}
			la, lb := limbsOf(a), limbsOf(b)
			var out limbs
			m.mul(&out, &la, &lb)
			got := bigOf(&out)
			if got.Cmp(twoN) >= 0 {
				t.Fatalf("N=%x: product %x not below 2N", n, got)
			}
			want := new(big.Int).Mul(a, b)
			want.Mul(want, rInv).Mod(want, n)
			if new(big.Int).Mod(got, n).Cmp(want) != 0 {
				t.Fatalf("N=%x\na=%x\nb=%x\ngot  %x\nwant %x", n, a, b, got, want)
			}
			// aliasing, as exp squares in place
			m.mul(&la, &la, &la)
			sq := new(big.Int).Mul(a, a)
			if sq.Mul(sq, rInv).Mod(sq, n).Cmp(new(big.Int).Mod(bigOf(&la), n)) != 0 {
				t.Fatalf("N=%x: in-place square of %x wrong", n, a)
			}
		}
		for _, e := range []uint{1, 3, 17, 65537, 1<<31 - 1} {
			m := newMont52(n, e)
			for range 20 {
				s := randBelow(r, n)
				ls := limbsOf(s)
				y := m.exp(&ls)
				if want := new(big.Int).Exp(s, big.NewInt(int64(e)), n); bigOf(&y).Cmp(want) != 0 {
					t.Fatalf("N=%x: %x^%d = %x, want %x", n, s, e, bigOf(&y), want)
				}
			}
		}
	}
}

// TestMont52Prepared checks which keys the vector code takes: 2048-bit
// ones alone, and that Verify then agrees with crypto/rsa on good and bad
// signatures (TestAgreesWithCryptoRSA and FuzzVerify do more).
func TestMont52Prepared(t *testing.T) {
	for _, k := range testKeys(t) {
		key := New(k.pub)
		if want := haveIFMA && k.pub.N.BitLen() == 2048; (key.m != nil) != want {
			t.Errorf("%d-bit key: vector code %v, want %v", k.pub.N.BitLen(), key.m != nil, want)
		}
		digest := sha256.Sum256([]byte("mont52"))
		sig := k.sign(digest[:])
		if !key.Verify(digest[:], sig) {
			t.Errorf("%d-bit key, e=%d: valid signature refused", k.pub.N.BitLen(), k.pub.E)
		}
		sig[len(sig)/2] ^= 1
		if key.Verify(digest[:], sig) {
			t.Errorf("%d-bit key, e=%d: altered signature accepted", k.pub.N.BitLen(), k.pub.E)
		}
		nb := k.pub.N.FillBytes(make([]byte, len(sig)))
		if key.Verify(digest[:], nb) {
			t.Errorf("%d-bit key: signature N accepted", k.pub.N.BitLen())
		}
	}
}

// toLimbsBytewise and fromLimbsBytewise are toLimbs and fromLimbs a byte
// at a time, as they were first written: the definition the word-wise
// ones are held to.
func toLimbsBytewise(b []byte) (l limbs) {
	var acc uint64
	var n uint // bits in acc
	j := 0
	for i := len(b) - 1; i >= 0; i-- {
		acc |= uint64(b[i]) << n
		n += 8
		if n >= limbBits {
			l[j] = acc & mask52
			j++
			acc >>= limbBits
			n -= limbBits
		}
	}
	if n > 0 {
		l[j] = acc
	}
	return l
}

func fromLimbsBytewise(l *limbs, b []byte) {
	var acc uint64
	var n uint
	j := 0
	for i := len(b) - 1; i >= 0; i-- {
		if n < 8 && j < nLimbs {
			acc |= l[j] << n
			j++
			n += limbBits
		}
		b[i] = byte(acc)
		acc >>= 8
		n -= min(n, 8)
	}
}

// TestLimbsAgainstBytewise: the word-at-a-time conversions give the
// byte-at-a-time ones' results, for the lengths used (a 2048-bit
// signature or result, 256 bytes; the tests' 260) and others, on random
// numbers and on all ones and zero, where every limb and word is full or
// empty.
func TestLimbsAgainstBytewise(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{256, 260, 255, 200, 8, 1, 0} {
		for k := range 300 {
			b := make([]byte, n)
			for i := range b {
				switch k {
				case 0:
					b[i] = 0xff
				case 1:
				default:
					b[i] = byte(r.Uint32())
				}
			}
			got, want := toLimbs(b), toLimbsBytewise(b)
			if got != want {
				t.Fatalf("toLimbs(%x) = %x, want %x", b, got, want)
			}
			gotB, wantB := make([]byte, n), make([]byte, n)
			fromLimbs(&got, gotB)
			fromLimbsBytewise(&want, wantB)
			if !bytes.Equal(gotB, wantB) || n <= 260 && !bytes.Equal(gotB, b) {
				t.Fatalf("fromLimbs of %x: %x, bytewise %x", b, gotB, wantB)
			}
		}
	}
}

// TestCarry52: the vector carry is the carry through the limbs in turn,
// on limbs up to 2^61 and on those that make it ripple: limbs of
// 2^52 - 1 above one that carries, as far as the top.
func TestCarry52(t *testing.T) {
	if !haveIFMA {
		t.Skip("no AVX-512 IFMA on this CPU: the vector code is not used here")
	}
	scalar := func(x limbs) limbs {
		var c uint64
		for j := range x {
			v := x[j] + c
			x[j] = v & mask52
			c = v >> limbBits
		}
		return x
	}
	r := rand.New(rand.NewPCG(7, 8))
	var cases []limbs
	for range 500 {
		var x limbs
		for j := range x {
			x[j] = r.Uint64() >> (3 + r.IntN(12)) // up to 2^61
		}
		cases = append(cases, x)
	}
	for from := range nLimbs {
		for _, to := range []int{from + 1, from + 8, from + 9, nLimbs} {
			var x limbs
			for j := range x {
				x[j] = r.Uint64() & mask52
			}
			x[from] = 1<<61 - 1 // carries 2^9 - 1
			for j := from + 1; j < min(to, nLimbs); j++ {
				x[j] = mask52 // each takes the carry and passes one on
			}
			cases = append(cases, x)
		}
	}
	for _, x := range cases {
		got := x
		carry52(&got)
		if want := scalar(x); got != want {
			t.Fatalf("carry of %x:\n got %x\nwant %x", x, got, want)
		}
	}
}
