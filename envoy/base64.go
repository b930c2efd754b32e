package envoy

// decodeBase64URL is absl::WebSafeBase64Unescape (absl/strings/escaping.cc,
// Base64UnescapeInternal with kUnWebSafeBase64), which jwt_verify_lib uses
// for every token segment and every JWK member. It is more forgiving than
// RFC 4648 and than MediaWiki's parser, in these ways:
//
//   - ASCII whitespace (space, \t, \n, \v, \f, \r) anywhere before the
//     padding is skipped;
//   - padding is optional; when present it must be exactly the right number
//     of '=' (or '.', an Abseil extension), only whitespace may follow or
//     separate them, and a complete final quantum takes no padding at all;
//   - the bits left over in the last character are not checked, so
//     "QQ", "QR" … "QX" all decode to "A";
//   - only the URL-safe alphabet: '+' and '/' are rejected.
//
// A length of 1 mod 4 data characters (6 stray bits) is rejected.
func decodeBase64URL(s string) ([]byte, bool) {
	out := make([]byte, 0, len(s)/4*3+3)
	var acc uint32
	n := 0 // data characters in the current quantum
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		v := webSafeValue(c)
		if v >= 0 {
			acc = acc<<6 | uint32(v)
			n++
			if n == 4 {
				out = append(out, byte(acc>>16), byte(acc>>8), byte(acc))
				acc, n = 0, 0
			}
			continue
		}
		if isASCIISpace(c) {
			continue
		}
		if c == '=' || c == '.' {
			break
		}
		return nil, false
	}
	want := 0
	switch n {
	case 1:
		return nil, false
	case 2:
		out = append(out, byte(acc>>4))
		want = 2
	case 3:
		out = append(out, byte(acc>>10), byte(acc>>2))
		want = 1
	}
	pads := 0
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c == '=' || c == '.':
			pads++
		case isASCIISpace(c):
		default:
			return nil, false
		}
	}
	if pads != 0 && pads != want {
		return nil, false
	}
	return out, true
}

func webSafeValue(c byte) int {
	switch {
	case c >= 'A' && c <= 'Z':
		return int(c - 'A')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 26
	case c >= '0' && c <= '9':
		return int(c-'0') + 52
	case c == '-':
		return 62
	case c == '_':
		return 63
	}
	return -1
}

// isASCIISpace is absl::ascii_isspace.
func isASCIISpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}
