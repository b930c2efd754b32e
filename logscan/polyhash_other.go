//go:build !amd64 || purego

package logscan

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

func accKey(acc *[2]uint64) tokenKey { return accKeyPortable(acc) }

func polyToken(*[2]uint64, *polyKey, []byte) bool { return false }

// words is never called where polyToken is false; the accumulator then
// is a copy (accKeyPortable's byte order is the key's).
func (t *tokenKey) words() *[2]uint64 { return new([2]uint64) }
