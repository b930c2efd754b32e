//go:build !purego

package logscan

import "golang.org/x/sys/cpu"

var haveAVX2 = cpu.X86.HasAVX2

// tokenRunAVX2 advances i over whole 32-byte blocks of tokenChar bytes,
// recording dots in d, and stops at the first byte outside the set or
// where fewer than 32 bytes are left.
//
//go:noescape
func tokenRunAVX2(line []byte, i int, d *runDots) int

// tokenRunAVX512 is tokenRunAVX2 64 bytes a step, where fewer than 64
// bytes left stop it.
//
//go:noescape
func tokenRunAVX512(line []byte, i int, d *runDots) int

// tokenRunVector runs the widest vector loop the CPU has; the AVX2 one
// takes over from the AVX-512 one for a last 32 to 63 bytes. With
// AVX-512, BenchmarkTokenRun (800 bytes) took 51-57 ns against 68-70 for
// the AVX2 loop alone (the same run).
func tokenRunVector(line []byte, i int, d *runDots) int {
	if haveAVX512BW && useAVX512Run {
		i = tokenRunAVX512(line, i, d)
		if n := len(line) - i; n < 32 || n >= 64 {
			return i
		}
	}
	if !haveAVX2 {
		return i
	}
	return tokenRunAVX2(line, i, d)
}

// useAVX512Run lets the tests run the AVX2 loop where the CPU has both.
var useAVX512Run = true

// gapNextAVX2 advances i over whole 32-byte blocks without a gapStop
// byte other than a 'B' or '_', which it notes in kw when they start a
// keyword (tokenrun_amd64.s), and stops at the first other stop byte or
// where fewer than 32 bytes are left.
//
//go:noescape
func gapNextAVX2(line []byte, i, from int, kw *[2]int) int

func gapNextVector(line []byte, i, from int, kw *[2]int) int {
	if !haveAVX2 {
		return i
	}
	return gapNextAVX2(line, i, from, kw)
}
