package logscan

import "bytes"

// Span is a token candidate's position in a line: line[Start:End].
type Span struct {
	Start, End int
	// dots are a bare JWT's two dots, relative to Start (0 for other
	// candidates): the extractor found them, the spelling check reads them.
	dots [2]int32
}

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
	tokenChar['-'], tokenChar['_'] = true, true
	plainTokenChar = tokenChar
	tokenChar['.'] = true
	tokenTables = makeTokenTables(&tokenChar)
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
	i := 0
	for {
		// One pass from left to right: the next JWT start, and the
		// contexts in the plain text before it. Token bytes are never
		// searched for keywords (base64 is full of 'B' and '_').
		j := indexJWTPrefix(line, i)
		if j < 0 {
			j = len(line)
		}
		var ctxJWT bool
		dst, ctxJWT = contextCandidates(line, i, j, dst)
		if j == len(line) {
			return dst
		}
		var dots runDots
		end := tokenRun(line, j+len(jwtPrefix), &dots)
		i = end
		if covered(dst[first:], j) {
			continue
		}
		if !ctxJWT && j > 0 && tokenChar[line[j-1]] && !afterPercentEscape(line, j) {
			continue // inside a longer base64 blob: not a token boundary
		}
		if ctxJWT {
			if full := b64tokenEnd(line, end); full > end {
				// "Bearer eyJ…~junk": the whole credential, which will not parse.
				dst = append(dst, Span{Start: j, End: full})
				i = full
				continue
			}
		}
		e, ok := bareJWT(end, &dots)
		if ok {
			dst = append(dst, Span{Start: j, End: e, dots: [2]int32{int32(dots.at[0] - j), int32(dots.at[1] - j)}})
		} else if ctxJWT {
			// A mis-shaped JWT in a credential position is a malformed
			// token, not noise; elsewhere it is ignored.
			dst = append(dst, Span{Start: j, End: e})
		}
	}
}

// indexJWTPrefix finds "eyJ" at or after i. It looks for the rare 'J'
// and checks the two bytes before it: bytes.Index would stop at every 'e'
// of the surrounding text.
func indexJWTPrefix(line []byte, i int) int {
	for j := i + 2; j < len(line); {
		k := bytes.IndexByte(line[j:], 'J')
		if k < 0 {
			return -1
		}
		j += k
		if line[j-1] == 'y' && line[j-2] == 'e' {
			return j - 2
		}
		j++
	}
	return -1
}

// indexWord finds word at or after i, searching for its rarest byte
// ('B' of Bearer, '_' of access_token) first.
func indexWord(line []byte, i int, word []byte) int {
	anchor := 0 // 'B'
	if word[0] == 'a' {
		anchor = len("access") // '_'
	}
	for j := i + anchor; j < len(line); {
		k := bytes.IndexByte(line[j:], word[anchor])
		if k < 0 {
			return -1
		}
		j += k
		if start := j - anchor; start >= i && bytes.HasPrefix(line[start:], word) {
			return start
		}
		j++
	}
	return -1
}

// bareJWT checks that a run of token characters ending at end, with dots
// d, has JWT shape: exactly two dots, neither at the run's start nor next
// to each other (non-empty header and payload). A third dot is tolerated
// as the run's last byte (the end of a sentence) and dropped.
func bareJWT(end int, d *runDots) (int, bool) {
	if d.n < 2 || d.n > 3 || d.at[1] == d.at[0]+1 {
		return end, false
	}
	if d.n == 3 {
		if d.at[2] != end-1 {
			return end, false
		}
		end--
	}
	return end, true
}

// contextCandidates reports the values after "Bearer " and access_token
// whose keyword lies in line[from:to]. Non-JWT values are appended to dst;
// a value starting exactly at to (where a JWT starts) is only reported by
// the returned bool, the caller handles the JWT.
func contextCandidates(line []byte, from, to int, dst []Span) ([]Span, bool) {
	atJWT := false
	for _, word := range [...][]byte{bearerWord, accessToken} {
		i := from
		for {
			at := indexWord(line[:to], i, word)
			if at < 0 {
				break
			}
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
			if start == to && to < len(line) {
				atJWT = true
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
			dst = append(dst, Span{Start: start, End: end})
			i = max(i, min(end, to))
		}
	}
	return dst, atJWT
}

// b64tokenEnd extends a run over RFC 6750 b64token characters and '=' padding.
func b64tokenEnd(line []byte, i int) int {
	i = runEnd(line, i, &b64tokenChar)
	for i < len(line) && line[i] == '=' {
		i++
	}
	return i
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

// runEnd extends a run over set from i: a credential's b64token after
// "Bearer " or access_token. A JWT's own run is tokenRun's (tokenrun.go),
// which also finds its dots.
func runEnd(line []byte, i int, set *[256]bool) int {
	// Eight bytes per step while they are all in the set.
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
