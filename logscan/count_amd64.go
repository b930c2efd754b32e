//go:build !purego

package logscan

import (
	"bytes"

	"golang.org/x/sys/cpu"
)

// haveAVX512BW: countNL's vector loop needs byte compares into mask
// registers (AVX-512BW), POPCNT and BZHI.
var haveAVX512BW = cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasPOPCNT && cpu.X86.HasBMI2

// countNL counts b's newlines: every chunk's, by the worker that takes it
// (lines.go), the first pass over it. bytes.Count's loop is AVX2, 32 bytes
// a step; this one is 64 (countbody was 3.5 to 4.5 % of a repeated-token
// scan's CPU in perf).
func countNL(b []byte) int {
	if haveAVX512BW {
		return countNLAVX512(b)
	}
	return bytes.Count(b, []byte{'\n'})
}

//go:noescape
func countNLAVX512(b []byte) int
