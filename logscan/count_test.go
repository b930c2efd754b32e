package logscan

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestCountNL holds countNL to bytes.Count at every length up to a few
// blocks and every alignment, with newlines dense, sparse and absent.
func TestCountNL(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, 1200)
	for _, density := range []int{0, 1, 7, 64, 256} {
		for i := range buf {
			buf[i] = byte('a' + r.IntN(26))
			if density > 0 && r.IntN(density) == 0 {
				buf[i] = '\n'
			}
		}
		for off := range 64 {
			for n := 0; off+n <= len(buf); n += 1 + n/16 {
				b := buf[off : off+n]
				want := bytes.Count(b, []byte{'\n'})
				for _, vector := range []bool{haveAVX512BW, false} {
					v := haveAVX512BW
					haveAVX512BW = vector
					got := countNL(b)
					haveAVX512BW = v
					if got != want {
						t.Fatalf("countNL(%d bytes at %d, density %d), vector %v: %d, want %d", n, off, density, vector, got, want)
					}
				}
			}
		}
	}
}

func FuzzCountNL(f *testing.F) {
	f.Add([]byte("a\nb\n\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := countNL(b), bytes.Count(b, []byte{'\n'}); got != want {
			t.Fatalf("countNL(%q) = %d, want %d", b, got, want)
		}
	})
}

// BenchmarkCountNL: a range's worth (256 KiB), in the cache.
func BenchmarkCountNL(b *testing.B) {
	data := bytes.Repeat([]byte(strings700()+"\n"), (256<<10)/701)
	b.SetBytes(int64(len(data)))
	for _, c := range []struct {
		name string
		fn   func([]byte) int
	}{{"countNL", countNL}, {"bytes.Count", func(b []byte) int { return bytes.Count(b, []byte{'\n'}) }}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				c.fn(data)
			}
		})
	}
}

func strings700() string { return string(bytes.Repeat([]byte("x"), 700)) }
