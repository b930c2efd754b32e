package logscan

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// referencePoly is the definition: Horner's rule a block at a time, with
// gfMul, over the zero-padded blocks and the length block.
func referencePoly(h [2]uint64, b []byte) tokenKey {
	var blocks []byte
	blocks = append(blocks, b...)
	for len(blocks)%16 != 0 {
		blocks = append(blocks, 0)
	}
	blocks = binary.LittleEndian.AppendUint64(blocks, uint64(len(b)))
	blocks = append(blocks, make([]byte, 8)...)
	var acc [2]uint64
	for ; len(blocks) > 0; blocks = blocks[16:] {
		acc[0] ^= binary.LittleEndian.Uint64(blocks[:8])
		acc[1] ^= binary.LittleEndian.Uint64(blocks[8:16])
		acc = gfMul(acc, h)
	}
	var t tokenKey
	binary.LittleEndian.PutUint64(t[:8], acc[0])
	binary.LittleEndian.PutUint64(t[8:], acc[1])
	return t
}

func TestGFMul(t *testing.T) {
	one := [2]uint64{1, 0}
	x := [2]uint64{2, 0}
	a := [2]uint64{0x0123456789abcdef, 0xfedcba9876543210}
	if gfMul(a, one) != a || gfMul(one, a) != a {
		t.Error("1 is not the unit")
	}
	// x^127 · x = x^128 = x^7 + x^2 + x + 1
	if got := gfMul([2]uint64{0, 1 << 63}, x); got != [2]uint64{0x87, 0} {
		t.Errorf("x^128 = %#x", got)
	}
	b, c := [2]uint64{7, 99}, [2]uint64{1 << 40, 3}
	if gfMul(a, b) != gfMul(b, a) || gfMul(gfMul(a, b), c) != gfMul(a, gfMul(b, c)) {
		t.Error("not commutative or not associative")
	}
	if s := [2]uint64{b[0] ^ c[0], b[1] ^ c[1]}; gfMul(a, s) != xor(gfMul(a, b), gfMul(a, c)) {
		t.Error("not distributive")
	}
}

func xor(a, b [2]uint64) [2]uint64 { return [2]uint64{a[0] ^ b[0], a[1] ^ b[1]} }

// TestPolyKeyAgrees: every path's sum is the definition's value, for every
// length around the block, pair, group and polyWide run sizes.
func TestPolyKeyAgrees(t *testing.T) {
	if !havePCLMUL {
		t.Log("no carry-less multiply on this CPU: the portable sum alone is checked")
	}
	r := rand.New(rand.NewPCG(3, 4))
	for n := 0; n < 600; n++ {
		secret := make([]byte, 16)
		for i := range secret {
			secret[i] = byte(r.IntN(256))
		}
		k := newPolyKey(secret)
		h := k.powers[0]
		b := make([]byte, r.IntN(3300))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		for _, l := range []int{len(b), len(b) / 2, 0, 1, 15, 16, 17, 31, 32, 33, 112, 113, 127, 128, 129, 255, 256, 257,
			1007, 1008, 1023, 1024, 1025, 1040, 1056, 2047, 2048, 2064, 3100} {
			if l > len(b) {
				continue
			}
			want := referencePoly(h, b[:l])
			for _, p := range polyPaths() {
				if got := p.sum(k, b[:l]); got != want {
					t.Fatalf("%s, %d bytes: %x, want %x", p.name, l, got, want)
				}
			}
		}
	}
}

// Zero bytes at the end, or a zero block, are still another token.
func TestPolyKeyLength(t *testing.T) {
	k := newPolyKey(bytes.Repeat([]byte{0x5a}, 16))
	seen := map[tokenKey]int{}
	for l := 0; l <= 300; l++ {
		key := k.sum(make([]byte, l))
		if prev, ok := seen[key]; ok {
			t.Fatalf("%d and %d zero bytes share a key", prev, l)
		}
		seen[key] = l
	}
}

func FuzzPolyKey(f *testing.F) {
	f.Add(bytes.Repeat([]byte{1}, 16), []byte("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"))
	f.Fuzz(func(t *testing.T, secret, b []byte) {
		if len(secret) < 16 {
			return
		}
		k := newPolyKey(secret)
		want := referencePoly(k.powers[0], b)
		for _, p := range polyPaths() {
			if got := p.sum(k, b); got != want {
				t.Fatalf("%s: %x, want %x", p.name, got, want)
			}
		}
	})
}

type polyPath struct {
	name string
	sum  func(*polyKey, []byte) tokenKey
}

// polyPaths are the ways this CPU can sum: each vector path it has, with
// those after it turned off, and the portable one.
func polyPaths() []polyPath {
	with := func(v512, vpclmul, pclmul bool) func(*polyKey, []byte) tokenKey {
		return func(k *polyKey, b []byte) tokenKey {
			z, v, p := haveVPCLMUL512, haveVPCLMUL, havePCLMUL
			haveVPCLMUL512, haveVPCLMUL, havePCLMUL = v512, vpclmul, pclmul
			defer func() { haveVPCLMUL512, haveVPCLMUL, havePCLMUL = z, v, p }()
			return k.sum(b)
		}
	}
	paths := []polyPath{{"portable", with(false, false, false)}}
	if havePCLMUL {
		paths = append(paths, polyPath{"pclmulqdq", with(false, false, true)})
	}
	if haveVPCLMUL {
		paths = append(paths, polyPath{"vpclmulqdq", with(false, true, true)})
	}
	if haveVPCLMUL512 {
		paths = append(paths, polyPath{"vpclmulqdq-512", with(true, true, true)})
	}
	return paths
}

func BenchmarkKey(b *testing.B) {
	tok := make([]byte, 800)
	for i := range tok {
		tok[i] = byte(i)
	}
	secret := bytes.Repeat([]byte{7}, 16)
	for _, p := range polyPaths() {
		b.Run("poly-"+p.name, func(b *testing.B) {
			k := newPolyKey(secret)
			b.SetBytes(int64(len(tok)))
			for b.Loop() {
				p.sum(k, tok)
			}
		})
	}
	b.Run("gmac", func(b *testing.B) {
		k := newKeyer(secret)
		k.poly = nil
		b.SetBytes(int64(len(tok)))
		for b.Loop() {
			k.key(tok)
		}
	})
}

// TestKeyInto: the key written in place is the key returned and the
// reference polynomial's, with each vector path this CPU has turned off in
// turn (the 512-bit code writes in place, the others are copied).
func TestKeyInto(t *testing.T) {
	secret := bytes.Repeat([]byte{3}, 16)
	b := make([]byte, 2100)
	for i := range b {
		b[i] = byte(i*31 + 7)
	}
	z, v, c := haveVPCLMUL512, haveVPCLMUL, havePCLMUL
	defer func() { haveVPCLMUL512, haveVPCLMUL, havePCLMUL = z, v, c }()
	for _, flags := range [][3]bool{{z, v, c}, {false, v, c}, {false, false, c}} {
		haveVPCLMUL512, haveVPCLMUL, havePCLMUL = flags[0], flags[1], flags[2]
		k := newKeyer(secret)
		if k.poly == nil {
			t.Skip("no carry-less multiplies: the key is GMAC's")
		}
		for _, l := range []int{0, 1, 15, 16, 17, 33, 700, 800, 1023, 1024, 1025, 2100} {
			want := referencePoly(k.poly.powers[0], b[:l])
			dst := tokenKey{0xff}
			k.keyInto(&dst, b[:l])
			if got := k.key(b[:l]); dst != want || got != want {
				t.Fatalf("paths %v, %d bytes: keyInto %x, key %x, want %x", flags, l, dst, got, want)
			}
		}
	}
}
