package logscan

import "bytes"

// A JWT segment has more than one base64url spelling: '=' padding, and
// non-zero bits in the last character beyond the bytes it encodes (the
// last of 2 characters carries 2 bits of the byte, of 3 characters 4 bits).
// Every spelling decodes to the same token, and MediaWiki's encoder writes
// only the canonical one (no padding, zero trailing bits); its parser
// (sodium's strict base64url decoding) refuses the others. The scanner
// keys every spelling as the one token it is, and counts each use of
// another spelling as malformed.

// b64urlValue is the base64url value of a character, -1 for others.
var b64urlValue = func() (v [256]int8) {
	for i := range v {
		v[i] = -1
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for i := 0; i < len(alphabet); i++ {
		v[alphabet[i]] = int8(i)
	}
	return v
}()

const b64urlAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// trailingMask keeps the bits of a segment's last character that encode
// data, by the segment's length mod 4 (2 and 3 leave spare bits).
var trailingMask = [4]int8{0, 0, 0x30, 0x3c}

// canonicalSpelling returns cand in its canonical spelling, appending to
// buf when it has to change it (respelled true); otherwise it returns cand.
// Nothing is allocated when cand is canonical, the common case.
func canonicalSpelling(cand, buf []byte) (out []byte, respelled bool) {
	if !needsRespelling(cand) {
		return cand, false
	}
	out = buf[:0]
	for i, seg := range bytes.Split(cand, []byte{'.'}) {
		if i > 0 {
			out = append(out, '.')
		}
		seg = bytes.TrimRight(seg, "=")
		start := len(out)
		out = append(out, seg...)
		if n := len(seg) % 4; trailingMask[n] != 0 {
			last := &out[start+len(seg)-1]
			if v := b64urlValue[*last]; v >= 0 {
				*last = b64urlAlphabet[v&trailingMask[n]]
			}
		}
	}
	return out, true
}

// needsRespelling reports whether a segment of cand has padding or spare
// bits set in its last character.
func needsRespelling(cand []byte) bool {
	for len(cand) > 0 {
		seg := cand
		if i := bytes.IndexByte(cand, '.'); i >= 0 {
			seg, cand = cand[:i], cand[i+1:]
		} else {
			cand = nil
		}
		if len(seg) > 0 && (seg[len(seg)-1] == '=' || spareBits(seg)) {
			return true
		}
	}
	return false
}

// spanNeedsRespelling is needsRespelling for a candidate the extractor
// found: a bare JWT's dots are known (and it has no '=', which is not a
// token character), so only its three segments' last characters are read.
func spanNeedsRespelling(cand []byte, sp Span) bool {
	d1, d2 := int(sp.dot1), int(sp.dot2)
	if d1 == 0 {
		return needsRespelling(cand)
	}
	return spareBits(cand[:d1]) || spareBits(cand[d1+1:d2]) || spareBits(cand[d2+1:])
}

// spareBits reports whether a non-padded segment's last character has bits
// set beyond the bytes it encodes.
func spareBits(seg []byte) bool {
	if n := len(seg) % 4; n > 0 && trailingMask[n] != 0 {
		if v := b64urlValue[seg[len(seg)-1]]; v >= 0 && v&^trailingMask[n] != 0 {
			return true
		}
	}
	return false
}
