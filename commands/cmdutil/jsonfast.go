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
