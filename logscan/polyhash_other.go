//go:build !amd64 || purego

package logscan

import "encoding/binary"

var havePCLMUL = false

var haveVPCLMUL = false

var haveVPCLMUL512 = false

func polyBlocks(acc *[2]uint64, k *polyKey, blocks []byte) {
	polyBlocksGeneric(acc, &k.powers, blocks)
}

func polySum(acc *[2]uint64, k *polyKey, blocks, tail []byte) {
	polyBlocks(acc, k, blocks)
	polyBlocks(acc, k, tail)
}

// accKey is acc as a tokenKey, its halves little-endian, low first (on
// amd64, acc's memory as it is).
func accKey(acc *[2]uint64) (t tokenKey) {
	binary.LittleEndian.PutUint64(t[:8], acc[0])
	binary.LittleEndian.PutUint64(t[8:], acc[1])
	return t
}

func polyToken(*[2]uint64, *polyKey, []byte) bool { return false }

// words is never called where polyToken is false; the accumulator then
// is a copy (accKey's byte order is the key's).
func (t *tokenKey) words() *[2]uint64 { return new([2]uint64) }
