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

func tokenRunVector(line []byte, i int, d *runDots) int {
	if !haveAVX2 {
		return i
	}
	return tokenRunAVX2(line, i, d)
}

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
