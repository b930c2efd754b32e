package logscan

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// referenceRun is the definition tokenRun must meet: the run of tokenChar
// bytes from i, and every dot in it.
func referenceRun(line []byte, i int) (int, []int) {
	var dots []int
	for ; i < len(line) && tokenChar[line[i]]; i++ {
		if line[i] == '.' {
			dots = append(dots, i)
		}
	}
	return i, dots
}

func checkRun(t *testing.T, name string, run func([]byte, int, *runDots) int, line []byte, i int) {
	t.Helper()
	wantEnd, wantDots := referenceRun(line, i)
	var d runDots
	end := run(line, i, &d)
	if end != wantEnd || d.n != len(wantDots) {
		t.Fatalf("%s(%q, %d) = end %d, %d dots; want %d, %d", name, line, i, end, d.n, wantEnd, len(wantDots))
	}
	for k := 0; k < min(d.n, len(d.at)); k++ {
		if d.at[k] != wantDots[k] {
			t.Fatalf("%s(%q, %d): dot %d at %d, want %d", name, line, i, k, d.at[k], wantDots[k])
		}
	}
}

// TestTokenRunAgrees runs the vector and table loops over lines of every
// byte value, at every start, against the definition.
func TestTokenRunAgrees(t *testing.T) {
	if !haveAVX2 {
		t.Log("no vector loop on this CPU: the table loop alone is checked")
	}
	const alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 3000; n++ {
		line := make([]byte, r.IntN(200))
		for k := range line {
			switch x := r.IntN(100); {
			case x < 3:
				line[k] = '.'
			case x < 5:
				line[k] = byte(r.IntN(256)) // any byte, the set's neighbours included
			default:
				line[k] = alpha[r.IntN(len(alpha))]
			}
		}
		for i := 0; i <= len(line); i++ {
			checkRun(t, "tokenRun", tokenRun, line, i)
			checkRun(t, "tokenRun (AVX2)", tokenRunAVX2Only, line, i)
			checkRun(t, "tokenRunTable", tokenRunTable, line, i)
		}
	}
	// Each byte value at each place of a block: the table lookups.
	for c := 0; c < 256; c++ {
		for at := 0; at < 40; at++ {
			line := []byte("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl")
			line[at] = byte(c)
			checkRun(t, "tokenRun", tokenRun, line, 0)
			checkRun(t, "tokenRun (AVX2)", tokenRunAVX2Only, line, 0)
			long := []byte(strings.Repeat(string(line), 3)) // 64-byte blocks
			long[64+at] = '!'
			checkRun(t, "tokenRun", tokenRun, long, 0)
			checkRun(t, "tokenRun", tokenRun, long, 64)
		}
	}
}

// TestTokenTables: the vector loop's tables say what tokenChar says, for
// every byte.
func TestTokenTables(t *testing.T) {
	for c := 0; c < 256; c++ {
		for lane := 0; lane < 32; lane += 16 {
			in := tokenTables[0][lane+c&15]&tokenTables[1][lane+c>>4] != 0
			if in != tokenChar[c] {
				t.Errorf("byte %#x: tables say %v, tokenChar %v", c, in, tokenChar[c])
			}
		}
	}
}

func FuzzTokenRun(f *testing.F) {
	f.Add([]byte("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl. x"), 0)
	f.Add([]byte("a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.0.1.2.3.4.5.6.7"), 3)
	f.Fuzz(func(t *testing.T, line []byte, i int) {
		if i < 0 || i > len(line) {
			return
		}
		checkRun(t, "tokenRun", tokenRun, line, i)
		checkRun(t, "tokenRun (AVX2)", tokenRunAVX2Only, line, i)
		checkRun(t, "tokenRunTable", tokenRunTable, line, i)
	})
}

// tokenRunAVX2Only is tokenRun without the AVX-512 loop.
func tokenRunAVX2Only(line []byte, i int, d *runDots) int {
	defer func(v bool) { useAVX512Run = v }(useAVX512Run)
	useAVX512Run = false
	return tokenRun(line, i, d)
}

func BenchmarkTokenRun(b *testing.B) {
	line := make([]byte, 800)
	const alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for k := range line {
		line[k] = alpha[k*7%len(alpha)]
	}
	line[36], line[400], line[799] = '.', '.', ' '
	for _, bc := range []struct {
		name string
		run  func([]byte, int, *runDots) int
	}{{"vector", tokenRun}, {"vector-avx2", tokenRunAVX2Only}, {"table", tokenRunTable}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(line)))
			for b.Loop() {
				var d runDots
				bc.run(line, 0, &d)
			}
		})
	}
}
