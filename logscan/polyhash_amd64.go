//go:build !purego

package logscan

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

var (
	havePCLMUL  = cpu.X86.HasPCLMULQDQ && cpu.X86.HasAVX
	haveVPCLMUL = havePCLMUL && cpu.X86.HasAVX2 && cpu.X86.HasAVX512VPCLMULQDQ
	// 512-bit carry-less multiplies (EVEX): AVX-512 Foundation as well.
	haveVPCLMUL512 = haveVPCLMUL && cpu.X86.HasAVX512F
)

// polyBlocksPCLMUL adds the 16-byte blocks of blocks to acc, as
// polyBlocksGeneric does, eight at a time.
//
//go:noescape
func polyBlocksPCLMUL(acc *[2]uint64, k *polyKey, blocks []byte)

// polyWideVPCLMUL is polyBlocksPCLMUL for whole pairs of blocks
// (len(blocks) a multiple of 32), with 256-bit carry-less multiplies (two
// blocks each) and one reduction per polyWide blocks.
//
//go:noescape
func polyWideVPCLMUL(acc *[2]uint64, k *polyKey, blocks []byte)

// polyWide512 is polyWideVPCLMUL with 512-bit multiplies (four blocks
// each), for a whole token: its blocks, the last one zero-padded, and its
// length block, read and made by the vector code (masked loads: AVX-512BW
// and BMI2's BZHI, as countNLAVX512). A token's sum is one call.
//
//go:noescape
func polyWide512(acc *[2]uint64, k *polyKey, b []byte)

// polySum adds blocks and then tail (whole blocks both) to acc. tail is
// a token's last bytes and its length block.
func polySum(acc *[2]uint64, k *polyKey, blocks, tail []byte) {
	polyBlocks(acc, k, blocks)
	polyBlocks(acc, k, tail)
}

// polyToken adds the whole token b to acc where the vector code can pad
// it itself, and reports whether it did.
func polyToken(acc *[2]uint64, k *polyKey, b []byte) bool {
	if haveVPCLMUL512 && haveAVX512BW {
		polyWide512(acc, k, b)
		return true
	}
	return false
}

func polyBlocks(acc *[2]uint64, k *polyKey, blocks []byte) {
	if haveVPCLMUL {
		n := len(blocks) &^ 31
		polyWideVPCLMUL(acc, k, blocks[:n])
		blocks = blocks[n:]
	}
	if havePCLMUL {
		polyBlocksPCLMUL(acc, k, blocks)
		return
	}
	polyBlocksGeneric(acc, &k.powers, blocks)
}

// accKey is acc as a tokenKey: its memory, which on amd64 is its halves
// little-endian, low first (polyhash_other.go's accKey), read in one
// 16-byte load. The vector code
// stores acc in one 16-byte store, and the key is copied on as 16 bytes:
// written as two 8-byte halves (as elsewhere), the next 16-byte load
// could not be forwarded from the stores and waited for them to reach the
// cache (58 % of keyer.key's perf samples were on that load).
func accKey(acc *[2]uint64) tokenKey { return *(*tokenKey)(unsafe.Pointer(acc)) }

// words is t as the vector code's accumulator: on amd64 its memory holds
// the accumulator's halves as accKey reads them.
func (t *tokenKey) words() *[2]uint64 { return (*[2]uint64)(unsafe.Pointer(t)) }
