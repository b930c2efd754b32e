package rs256

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"math/big"
	"sync"
	"testing"
)

// testKey is a key pair with any odd exponent: crypto/rsa only generates
// e = 65537, and the verifier must agree with it on every exponent it
// accepts. Signatures are made here with math/big, not by crypto/rsa, so
// the two verifiers are compared on inputs neither produced.
type testKey struct {
	pub *rsa.PublicKey
	d   *big.Int
}

func makeKey(t testing.TB, bits, e int) testKey {
	t.Helper()
	E := big.NewInt(int64(e))
	one := big.NewInt(1)
	for {
		p, err := rand.Prime(rand.Reader, bits/2)
		if err != nil {
			t.Fatal(err)
		}
		q, err := rand.Prime(rand.Reader, bits-bits/2)
		if err != nil {
			t.Fatal(err)
		}
		n := new(big.Int).Mul(p, q)
		if p.Cmp(q) == 0 || n.BitLen() != bits {
			continue
		}
		phi := new(big.Int).Mul(new(big.Int).Sub(p, one), new(big.Int).Sub(q, one))
		d := new(big.Int).ModInverse(E, phi)
		if d == nil {
			continue
		}
		return testKey{pub: &rsa.PublicKey{N: n, E: e}, d: d}
	}
}

// sign encodes digest as RSASSA-PKCS1-v1_5 with SHA-256 and signs it.
func (k testKey) sign(digest []byte) []byte {
	size := (k.pub.N.BitLen() + 7) / 8
	em := make([]byte, size)
	em[1] = 1
	ps := size - len(digest) - len(digestInfo) - 1
	for i := 2; i < ps; i++ {
		em[i] = 0xff
	}
	copy(em[ps+1:], digestInfo)
	copy(em[size-len(digest):], digest)
	s := new(big.Int).Exp(new(big.Int).SetBytes(em), k.d, k.pub.N)
	return s.FillBytes(make([]byte, size))
}

var (
	keysOnce sync.Once
	keys     []testKey
)

func testKeys(t testing.TB) []testKey {
	keysOnce.Do(func() {
		for _, c := range []struct{ bits, e int }{{1024, 65537}, {2048, 65537}, {2048, 3}, {2049, 65537}, {3072, 1<<31 - 1}, {4096, 65537}} {
			keys = append(keys, makeKey(t, c.bits, c.e))
		}
	})
	return keys
}

func stdVerify(pub *rsa.PublicKey, digest, sig []byte) bool {
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest, sig) == nil
}

// TestAgreesWithCryptoRSA: on valid signatures and on each way a signature
// can be wrong, Verify says what crypto/rsa says.
func TestAgreesWithCryptoRSA(t *testing.T) {
	for _, k := range testKeys(t) {
		key := New(k.pub)
		if !key.Prepared() {
			t.Fatalf("%d-bit key, e=%d: not prepared", k.pub.N.BitLen(), k.pub.E)
		}
		digest := sha256.Sum256([]byte("eyJhbGciOiJSUzI1NiJ9.eyJqdGkiOiIxIn0"))
		sig := k.sign(digest[:])
		size := len(sig)
		nBytes := k.pub.N.FillBytes(make([]byte, size))
		nMinus1 := new(big.Int).Sub(k.pub.N, big.NewInt(1)).FillBytes(make([]byte, size))
		other := sha256.Sum256([]byte("another message"))
		flipped := append([]byte(nil), sig...)
		flipped[size/2] ^= 0x10
		cases := []struct {
			name         string
			digest, sig  []byte
			wantAccepted bool
		}{
			{"valid", digest[:], sig, true},
			{"other digest", other[:], sig, false},
			{"flipped bit", digest[:], flipped, false},
			{"one byte short", digest[:], sig[1:], false},
			{"one byte long", digest[:], append([]byte{0}, sig...), false},
			{"empty", digest[:], nil, false},
			{"zero", digest[:], make([]byte, size), false},
			{"N itself", digest[:], nBytes, false},
			{"N-1", digest[:], nMinus1, false},
			{"all ones", digest[:], bytesOf(size, 0xff), false},
			{"short digest", digest[:31], sig, false},
		}
		for _, c := range cases {
			got, want := key.Verify(c.digest, c.sig), stdVerify(k.pub, c.digest, c.sig)
			if got != want || got != c.wantAccepted {
				t.Errorf("%d-bit e=%d %s: Verify %v, crypto/rsa %v, want %v", k.pub.N.BitLen(), k.pub.E, c.name, got, want, c.wantAccepted)
			}
		}
	}
}

func bytesOf(n int, b byte) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = b
	}
	return out
}

// TestNotPrepared: the keys crypto/rsa refuses or judges by rules of its
// own are left to it, and it gives the answer.
func TestNotPrepared(t *testing.T) {
	k := testKeys(t)[1].pub
	even := new(big.Int).Add(k.N, big.NewInt(1))
	small512 := makeKey(t, 512, 65537)
	small := small512.pub
	for _, c := range []struct {
		name string
		pub  *rsa.PublicKey
	}{
		{"nil", nil},
		{"no modulus", &rsa.PublicKey{E: 65537}},
		{"512 bits", small},
		{"even modulus", &rsa.PublicKey{N: even, E: 65537}},
		{"e=1", &rsa.PublicKey{N: k.N, E: 1}},
		{"even e", &rsa.PublicKey{N: k.N, E: 65536}},
		{"negative e", &rsa.PublicKey{N: k.N, E: -3}},
		{"e over 2^31-1", &rsa.PublicKey{N: k.N, E: 1 << 31}},
	} {
		key := New(c.pub)
		if key.Prepared() {
			t.Errorf("%s: prepared", c.name)
		}
		if c.pub != nil && c.pub.N != nil && c.pub.N.BitLen() == 512 {
			digest := sha256.Sum256([]byte("small"))
			sig := small512.sign(digest[:])
			if got, want := key.Verify(digest[:], sig), stdVerify(c.pub, digest[:], sig); got != want {
				t.Errorf("%s: Verify %v, crypto/rsa %v", c.name, got, want)
			}
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	k := testKeys(t)[1]
	key := New(k.pub)
	digest := sha256.Sum256([]byte("x"))
	sig := k.sign(digest[:])
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if !key.Verify(digest[:], sig) {
					t.Error("a valid signature refused")
					return
				}
			}
		}()
	}
	wg.Wait()
}

// FuzzVerify holds Verify to crypto/rsa on any signature and digest bytes,
// with every test key; a seed is a valid signature, so mutations explore
// the neighbourhood of acceptance, not only noise.
func FuzzVerify(f *testing.F) {
	ks := testKeys(f)
	digest := sha256.Sum256([]byte("seed"))
	for i, k := range ks {
		f.Add(uint8(i), digest[:], k.sign(digest[:]))
	}
	f.Add(uint8(0), digest[:], []byte{})
	prepared := make([]*Key, len(ks))
	for i, k := range ks {
		prepared[i] = New(k.pub)
	}
	f.Fuzz(func(t *testing.T, which uint8, digest, sig []byte) {
		i := int(which) % len(ks)
		if got, want := prepared[i].Verify(digest, sig), stdVerify(ks[i].pub, digest, sig); got != want {
			t.Fatalf("key %d: Verify %v, crypto/rsa %v", i, got, want)
		}
	})
}

func BenchmarkVerify(b *testing.B) {
	k := testKeys(b)[1]
	digest := sha256.Sum256([]byte("bench"))
	sig := k.sign(digest[:])
	b.Run("rs256", func(b *testing.B) {
		key := New(k.pub)
		for b.Loop() {
			if !key.Verify(digest[:], sig) {
				b.Fatal("refused")
			}
		}
	})
	b.Run("crypto-rsa", func(b *testing.B) {
		for b.Loop() {
			if !stdVerify(k.pub, digest[:], sig) {
				b.Fatal("refused")
			}
		}
	})
}
