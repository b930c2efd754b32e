package scan

import "bytes"

// Span is a token candidate's position in a line: line[Start:End].
type Span struct{ Start, End int }

var (
	jwtPrefix     = []byte("eyJ") // base64url of `{"`: every JWT header starts with it
	bearerWord    = []byte("Bearer")
	accessToken   = []byte("access_token")
	authorization = []byte("uthorization") // matches Authorization and authorization
)

// tokenChar is the JWT alphabet: base64url plus the segment separator.
var tokenChar [256]bool

// b64tokenChar is RFC 6750's b64token alphabet (what may follow "Bearer ")
// without the trailing '=' padding, which is handled separately.
var b64tokenChar [256]bool

func init() {
	for c := 'A'; c <= 'Z'; c++ {
		tokenChar[c], tokenChar[c+'a'-'A'] = true, true
	}
	for c := '0'; c <= '9'; c++ {
		tokenChar[c] = true
	}
	tokenChar['-'], tokenChar['_'], tokenChar['.'] = true, true, true
	b64tokenChar = tokenChar
	b64tokenChar['~'], b64tokenChar['+'], b64tokenChar['/'] = true, true, true
}

// minOpaqueBearer is how long a "Bearer X" value outside an Authorization
// header must be before it counts as a (malformed) token: prose such as
// "missing Bearer authentication" must not.
const minOpaqueBearer = 20

// Extract appends the token candidates found in line to dst and returns it.
// It never allocates beyond growing dst and never uses regular expressions:
// it runs on every line of a log, and each byte of a token is looked at
// once (the token is most of a typical line).
//
// Candidates are
//   - bare JWTs: a run of base64url with exactly two dots whose header
//     starts "eyJ" (several per line are fine);
//   - whatever follows "Bearer " in an Authorization header, "access_token="
//     (query strings, form bodies) or an "access_token" JSON field, even when
//     it is not a JWT: those are malformed tokens a client really sent.
//
// A candidate found through a context and as a bare JWT is reported once.
func Extract(line []byte, dst []Span) []Span {
	first := len(dst)
	// JWT-looking values after "Bearer "/access_token are left to the bare
	// scan below (one pass over the token); their starts are remembered so
	// that a value with junk after the JWT is reported whole, as sent.
	var jwtCtx [4]int
	n := 0
	dst, n = contextCandidates(line, bearerWord, dst, &jwtCtx, n)
	dst, n = contextCandidates(line, accessToken, dst, &jwtCtx, n)
	ctx := dst[first:]
	i := 0
	for i < len(line) {
		k := bytes.Index(line[i:], jwtPrefix)
		if k < 0 {
			break
		}
		start := i + k
		end := runEnd(line, start+len(jwtPrefix), &tokenChar)
		i = end
		if start > 0 && tokenChar[line[start-1]] && !afterPercentEscape(line, start) {
			continue // inside a longer base64 blob: not a token boundary
		}
		if covered(ctx, start) {
			continue
		}
		if inList(jwtCtx[:min(n, len(jwtCtx))], start) {
			if full := b64tokenEnd(line, end); full > end {
				// "Bearer eyJ…~junk": the whole credential, which will not parse.
				dst = append(dst, Span{start, full})
				i = full
				continue
			}
		}
		end, ok := bareJWT(line, start, end)
		if !ok {
			if inList(jwtCtx[:min(n, len(jwtCtx))], start) {
				// A truncated or otherwise mis-shaped JWT in a credential
				// position is a malformed token, not noise.
				dst = append(dst, Span{start, end})
			}
			continue
		}
		dst = append(dst, Span{start, end})
	}
	return dst
}

// bareJWT checks that line[start:end] has JWT shape: exactly two dots and
// non-empty header and payload. A trailing sentence dot is dropped.
func bareJWT(line []byte, start, end int) (int, bool) {
	seg := line[start:end]
	d1 := bytes.IndexByte(seg, '.')
	if d1 <= 0 {
		return end, false
	}
	d2 := bytes.IndexByte(seg[d1+1:], '.')
	if d2 <= 0 {
		return end, false
	}
	d2 += d1 + 1
	if d3 := bytes.IndexByte(seg[d2+1:], '.'); d3 >= 0 {
		// Only a single trailing dot (end of a sentence) is tolerated.
		if d2+1+d3 != len(seg)-1 {
			return end, false
		}
		end--
	}
	return end, true
}

// contextCandidates finds the values after every occurrence of word.
// Values that start like a JWT are only noted in jwtCtx.
func contextCandidates(line, word []byte, dst []Span, jwtCtx *[4]int, n int) ([]Span, int) {
	i := 0
	for {
		k := bytes.Index(line[i:], word)
		if k < 0 {
			return dst, n
		}
		at := i + k
		i = at + len(word)
		var start int
		var ok bool
		if word[0] == 'B' {
			start, ok = afterBearer(line, i)
		} else {
			start, ok = afterKey(line, i)
		}
		if !ok {
			continue
		}
		if bytes.HasPrefix(line[start:], jwtPrefix) {
			if n < len(jwtCtx) {
				jwtCtx[n] = start
			}
			n++
			continue
		}
		end := b64tokenEnd(line, start)
		if end == start {
			continue
		}
		if word[0] == 'B' && end-start < minOpaqueBearer && !inAuthorizationHeader(line, at) {
			continue
		}
		if covered(dst, start) {
			continue
		}
		dst = append(dst, Span{start, end})
		i = end
	}
}

// b64tokenEnd extends a run over RFC 6750 b64token characters and '=' padding.
func b64tokenEnd(line []byte, i int) int {
	i = runEnd(line, i, &b64tokenChar)
	for i < len(line) && line[i] == '=' {
		i++
	}
	return i
}

func inList(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// afterBearer returns where the credential starts after "Bearer": one space,
// "%20" or "+" (URL-encoded), and the word must not be part of a longer one.
func afterBearer(line []byte, i int) (int, bool) {
	if at := i - len(bearerWord); at > 0 && isWordChar(line[at-1]) {
		return 0, false
	}
	switch {
	case i < len(line) && (line[i] == ' ' || line[i] == '+'):
		i++
	case i+3 <= len(line) && line[i] == '%' && line[i+1] == '2' && line[i+2] == '0':
		i += 3
	default:
		return 0, false
	}
	for i < len(line) && line[i] == ' ' {
		i++
	}
	return i, true
}

// afterKey returns where the value starts after "access_token": "=", or a
// JSON member separator (":", optionally quoted and escaped, with spaces).
func afterKey(line []byte, i int) (int, bool) {
	if at := i - len(accessToken); at > 0 && isWordChar(line[at-1]) {
		return 0, false
	}
	if i < len(line) && line[i] == '=' {
		return i + 1, true
	}
	// JSON: "access_token":"…" or \"access_token\": \"…\" (escaped inside a string).
	if i < len(line) && line[i] == '\\' {
		i++
	}
	if i < len(line) && line[i] == '"' {
		i++
	} else {
		return 0, false
	}
	for i < len(line) && line[i] == ' ' {
		i++
	}
	if i >= len(line) || line[i] != ':' {
		return 0, false
	}
	i++
	for i < len(line) && line[i] == ' ' {
		i++
	}
	if i < len(line) && line[i] == '\\' {
		i++
	}
	if i < len(line) && line[i] == '"' {
		return i + 1, true
	}
	return 0, false
}

// inAuthorizationHeader reports whether "Bearer" at at follows an
// Authorization header or field name closely ("Authorization: Bearer",
// "authorization":"Bearer", HTTP_AUTHORIZATION=Bearer).
func inAuthorizationHeader(line []byte, at int) bool {
	from := max(at-len(authorization)-6, 0)
	w := line[from:at]
	return bytes.Contains(w, authorization) || bytes.Contains(w, []byte("UTHORIZATION"))
}

func afterPercentEscape(line []byte, start int) bool {
	return start >= 3 && line[start-3] == '%'
}

func covered(spans []Span, pos int) bool {
	for _, s := range spans {
		if pos >= s.Start && pos < s.End {
			return true
		}
	}
	return false
}

func runEnd(line []byte, i int, set *[256]bool) int {
	// Eight bytes per step while they are all in the set: tokens are
	// hundreds of bytes long and this loop is the extractor's hot spot.
	for ; i+8 <= len(line); i += 8 {
		b := line[i : i+8 : i+8]
		if !(set[b[0]] && set[b[1]] && set[b[2]] && set[b[3]] && set[b[4]] && set[b[5]] && set[b[6]] && set[b[7]]) {
			break
		}
	}
	for i < len(line) && set[line[i]] {
		i++
	}
	return i
}

func isWordChar(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
