package cmdutil

import "unicode/utf8"

// AppendJSONString appends s as a JSON string exactly as WriteJSON writes
// it (encoding/json with HTML escaping off, then escapeJSONControls):
// quotes and backslashes escaped; \b \f \n \r \t; other control characters,
// DEL, C1 controls, format characters (bidi, zero-width) and U+2028/2029 as
// \u escapes; invalid UTF-8 as \ufffd. It is for output paths that encode
// many small records by hand to avoid reflection (consumer list on 100 k
// consumers); TestAppendJSONStringMatchesWriteJSON and
// FuzzAppendJSONString hold it to WriteJSON byte for byte.
func AppendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if i+8 <= len(s) && plainASCII8(s[i:i+8]) {
			i += 8
			continue
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != 0x7f {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = appendU(b, rune(c))
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case needsEscape(r):
			b = append(b, s[start:i]...)
			b = appendEscapedRune(b, r)
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// AddEncoded writes one element already encoded as JSON indented as WriteJSON
// indents a slice element (two spaces deeper than the array's line, its
// closing brace at that depth).
func (a *JSONArray) AddEncoded(elem []byte) error {
	if err := a.sep(); err != nil {
		return err
	}
	_, err := a.w.Write(elem)
	return err
}

// plainASCII8 reports whether the eight bytes of s are all printable ASCII
// other than '"' and '\\', which AppendJSONString copies as they are: a
// word at a time, where most strings of a report (ids, hex jtis, names,
// times) have nothing to escape and the byte loop was 1 % of a
// repeated-token scan. A false answer sends the bytes to the byte loop,
// which decides each one: the tests here have no false positives (a
// word reported plain always is), only false negatives.
func plainASCII8(s string) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	_ = s[7]
	x := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56 // one load
	// A byte b of y is zero: (b-1) &^ b has its top bit set. A borrow from
	// a lower zero byte can set it above one that is not zero, never clear
	// it where one is.
	zero := func(y uint64) uint64 { return (y - ones) &^ y & highs }
	bad := x & highs                    // 0x80 and up: UTF-8, checked rune by rune
	bad |= (x - 0x20*ones) &^ x & highs // below 0x20 (for bytes under 0x80)
	bad |= zero(x ^ '"'*ones)
	bad |= zero(x ^ '\\'*ones)
	bad |= zero(x ^ 0x7f*ones)
	return bad == 0
}
