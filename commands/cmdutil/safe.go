package cmdutil

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Safe renders a string that came from a token, a log, a database row or a
// server's answer for a terminal: C0 and C1 control characters and DEL are
// shown as \xNN, bidi and other format characters (Unicode Cf, and the line
// and paragraph separators) as \uNNNN, invalid UTF-8 bytes as \xNN.
// Printable text, non-ASCII letters included, is unchanged. A backslash
// that would start such an escape is doubled, so two different inputs never
// render the same. JSON output does not use it: JSON escaping is exact.
func Safe(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c == '\\' || c >= 0x80 {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029':
			fmt.Fprintf(&b, `\u%04x`, r)
		case r == '\\' && i+1 < len(s) && (s[i+1] == 'x' || s[i+1] == 'u' || s[i+1] == '\\'):
			b.WriteString(`\\`)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
