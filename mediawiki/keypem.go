package mediawiki

import "bytes"

// MediaWiki REL1_43's bundled league CryptKey decides "PEM text or file
// path?" with
//
//	/^(-----BEGIN (RSA )?(PUBLIC|PRIVATE) KEY-----)\R.*(-----END (RSA )?(PUBLIC|PRIVATE) KEY-----)\R?$/s
//
// Anything that does not match is taken as a path, and a PEM taken as a path
// ends in an exception whose message (shown in an HTTP 500 body) carries the
// whole value. The matcher below reproduces that PCRE exactly, including
// PCRE's "$ also matches before a final \n" and \R's set of line breaks,
// which Go's regexp cannot express on raw bytes.

var mwBeginMarkers = [][]byte{
	[]byte("-----BEGIN RSA PUBLIC KEY-----"),
	[]byte("-----BEGIN RSA PRIVATE KEY-----"),
	[]byte("-----BEGIN PUBLIC KEY-----"),
	[]byte("-----BEGIN PRIVATE KEY-----"),
}

var mwEndMarkers = [][]byte{
	[]byte("-----END RSA PUBLIC KEY-----"),
	[]byte("-----END RSA PRIVATE KEY-----"),
	[]byte("-----END PUBLIC KEY-----"),
	[]byte("-----END PRIVATE KEY-----"),
}

// MatchesMediaWikiPEM reports whether REL1_43 treats a $wgOAuth2PrivateKey /
// $wgOAuth2PublicKey string as PEM content (true) or as a file path (false).
func MatchesMediaWikiPEM(v []byte) bool {
	begin := mwBeginLen(v)
	if begin == nil || lineBreakLen(v[len(begin):]) == 0 {
		return false
	}
	// .* may be empty, but \R after BEGIN takes at least one byte.
	minEnd := len(begin) + 1
	// "$" (no /m, no /D) matches at the very end or before a final "\n".
	dollars := []int{len(v)}
	if bytes.HasSuffix(v, []byte("\n")) {
		dollars = append(dollars, len(v)-1)
	}
	for _, p := range dollars {
		// "\R?" right before $: nothing, one single-byte break, or \r\n.
		ends := []int{p}
		if p >= 1 && isLineBreakByte(v[p-1]) {
			ends = append(ends, p-1)
		}
		if p >= 2 && v[p-2] == '\r' && v[p-1] == '\n' {
			ends = append(ends, p-2)
		}
		for _, e := range ends {
			for _, m := range mwEndMarkers {
				if e-len(m) >= minEnd && bytes.Equal(v[e-len(m):e], m) {
					return true
				}
			}
		}
	}
	return false
}

// mwBeginLen returns the BEGIN marker v starts with, or nil.
func mwBeginLen(v []byte) []byte {
	for _, m := range mwBeginMarkers {
		if bytes.HasPrefix(v, m) {
			return m
		}
	}
	return nil
}

// isLineBreakByte is PCRE's \R in non-UTF mode, one-byte forms.
func isLineBreakByte(c byte) bool {
	return c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == 0x85
}

// lineBreakLen is the length of the \R at the start of v (0 if none).
func lineBreakLen(v []byte) int {
	switch {
	case bytes.HasPrefix(v, []byte("\r\n")):
		return 2
	case len(v) > 0 && isLineBreakByte(v[0]):
		return 1
	}
	return 0
}
