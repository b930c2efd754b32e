package cmdutil

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Safe renders s, a string that came from a token, a log or a database, so
// that printing it cannot drive the terminal: control characters (C0, DEL,
// C1), Unicode format characters (bidi overrides and isolates, zero-width
// characters, U+FEFF and every other category Cf rune) and the line and
// paragraph separators are written as visible escapes, and bytes that are
// not UTF-8 as \xHH. Printable text, non-ASCII letters included, is
// returned unchanged.
//
// The escapes are:
//
//	\x00-\x1f, \x7f    C0 controls and DEL (one byte, one escape)
//	\x80-\xff          a byte that is not part of valid UTF-8
//	\u0080-\uffff      C1 controls and format characters (the rune)
//	\U00010000-...     format characters beyond the BMP (language tags)
//
// Different inputs stay distinguishable: a backslash is doubled when what
// follows it would otherwise read as one of these escapes (x, u, U, a
// backslash, or an escaped character), so "\x1b" typed as text and an ESC
// byte do not print alike.
//
// Safe is for human output only. JSON output keeps the exact string (JSON
// escaping already makes it inert); see WriteJSON.
func Safe(s string) string { return escape(s, true) }

// SafeError renders an error's text for a terminal. The text may already
// hold escapes (Go's %q quoting, or a string an error took from Safe), so
// backslashes are left as they are, and only what a terminal would act on
// is escaped: escaping twice would print an ESC as \\x1b.
func SafeError(err error) string { return escape(err.Error(), false) }

// escape is Safe; with distinguish false, backslashes are not doubled.
func escape(s string, distinguish bool) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			writeByteEscape(&b, s[i])
		case needsEscape(r):
			writeRuneEscape(&b, r)
		case r == '\\':
			b.WriteByte('\\')
			if distinguish && backslashNeedsDoubling(s[i+size:]) {
				b.WriteByte('\\')
			}
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// isPlain reports whether s is printable ASCII without a backslash: the
// common case, returned as it is without allocating.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '\\' {
			return false
		}
	}
	return true
}

// needsEscape reports whether r must not reach a terminal as itself.
func needsEscape(r rune) bool {
	if r < 0x20 || r == 0x7f {
		return true
	}
	if r < 0x80 {
		return false
	}
	return unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r) ||
		unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r)
}

// backslashNeedsDoubling reports whether a backslash followed by rest would
// be read as the start of an escape.
func backslashNeedsDoubling(rest string) bool {
	if rest == "" {
		return false
	}
	switch rest[0] {
	case 'x', 'u', 'U', '\\':
		return true
	}
	r, size := utf8.DecodeRuneInString(rest)
	return (r == utf8.RuneError && size <= 1) || needsEscape(r)
}

const hexDigits = "0123456789abcdef"

func writeByteEscape(b *strings.Builder, c byte) {
	b.WriteString(`\x`)
	b.WriteByte(hexDigits[c>>4])
	b.WriteByte(hexDigits[c&0xf])
}

func writeRuneEscape(b *strings.Builder, r rune) {
	switch {
	case r < 0x80:
		writeByteEscape(b, byte(r))
	case r <= 0xffff:
		b.WriteString(`\u`)
		writeHex(b, uint32(r), 4)
	default:
		b.WriteString(`\U`)
		writeHex(b, uint32(r), 8)
	}
}

func writeHex(b *strings.Builder, v uint32, digits int) {
	h := strconv.FormatUint(uint64(v), 16)
	for n := len(h); n < digits; n++ {
		b.WriteByte('0')
	}
	b.WriteString(h)
}

// SafeAll applies Safe to each string, for rows of table cells.
func SafeAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = Safe(s)
	}
	return out
}
