package logscan

import (
	"bytes"
	"encoding/binary"
)

// Span is a token candidate's position in a line: line[Start:End].
type Span struct {
	Start, End int
	// dot1 and dot2 are a bare JWT's two dots, relative to Start (0 for
	// other candidates): the extractor found them, the spelling check
	// reads them. Two fields, not an array: a struct with an array of two
	// is passed and copied through memory, and its copies' 16-byte loads
	// of fields just stored one by one waited for the stores (half of
	// jwtCandidate's perf samples and a third of queue's); four scalars
	// travel in registers.
	dot1, dot2 int32
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
// once (the token is most of a typical line). A line ends at its first
// newline; what follows is not searched.
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
	dst, _, _ = scanLine(line, dst)
	return dst
}

// scanLine is Extract over the first line of data, which the worker hands
// it unsplit: the pass that looks for where JWTs and keywords start also
// finds the newline, so a line is read once, its JWTs by tokenRun and the
// rest by gapNext. It returns the line's length (where its newline is, or
// len(data)) and whether every byte it looked at (all but the JWT runs,
// which are base64url) was ASCII other than NUL: then the line is text
// (textOutside) without another pass. A trailing '\r' is not searched.
func scanLine(data []byte, dst []Span) (_ []Span, n int, plain bool) {
	first := len(dst)
	plain = true
	from, i := 0, 0      // the gap (the text before the next JWT) starts at from
	kw := [2]int{-1, -1} // the gap's first Bearer and access_token ('_'), as firstB and firstU
	for {
		// One pass from left to right over the gap: the next JWT start
		// ("eyJ", found by its rare 'J'), the keywords' rare bytes ('B' of
		// Bearer, '_' of access_token) and the line's end. Token bytes are
		// never searched for keywords (base64 is full of 'B' and '_').
		k := gapNext(data, i, from, &kw)
		firstB, firstU := kw[0], kw[1]
		if k == len(data) || data[k] == '\n' {
			// The line ends at k: the contexts in its last gap.
			line := data[:k]
			if m := len(line); m > 0 && line[m-1] == '\r' {
				line = line[:m-1]
			}
			if firstB >= 0 || firstU >= 0 { // else no keyword is in the gap
				dst, _ = contextCandidates(line, from, len(line), dst, firstB, firstU)
			}
			return dst, k, plain
		}
		i = k + 1
		switch data[k] {
		case 'J':
			if k-2 < from || data[k-1] != 'y' || data[k-2] != 'e' {
				continue
			}
		case 'B':
			// The keywords are looked for where they are: a 'B' or '_'
			// that starts no keyword (Main_Page, x86_64) sends no
			// search through the gap (contextCandidates).
			if firstB < 0 && wordAt(data, k, from, bearerWord) {
				kw[0] = k
			}
			continue
		case '_':
			if firstU < 0 && wordAt(data, k-len("access"), from, accessToken) {
				kw[1] = k
			}
			continue
		default: // NUL or not ASCII
			plain = false
			continue
		}
		// A JWT starts at j; first the contexts in the gap before it. What
		// they and the JWT's run read stops at the line's end ('\r' and
		// '\n' are in neither alphabet and match no separator).
		j := k - 2
		var ctxJWT bool
		if firstB >= 0 || firstU >= 0 {
			dst, ctxJWT = contextCandidates(data, from, j, dst, firstB, firstU)
		}
		kw = [2]int{-1, -1}
		var dots runDots
		end := tokenRun(data, j+len(jwtPrefix), &dots)
		dst, from = jwtCandidate(data, j, end, &dots, ctxJWT, dst, first)
		i = from
	}
}

// jwtCandidate is what the run of token bytes from a JWT prefix at j to
// end (with dots) adds to dst, ctxJWT when a context's value starts at j;
// first is where this line's spans start in dst. It returns dst and where
// the search goes on.
func jwtCandidate(line []byte, j, end int, dots *runDots, ctxJWT bool, dst []Span, first int) ([]Span, int) {
	if covered(dst[first:], j) {
		return dst, end
	}
	if !ctxJWT && j > 0 && tokenChar[line[j-1]] && !afterPercentEscape(line, j) {
		return dst, end // inside a longer base64 blob: not a token boundary
	}
	if ctxJWT {
		if full := b64tokenEnd(line, end); full > end {
			// "Bearer eyJ…~junk": the whole credential, which will not parse.
			return append(dst, Span{Start: j, End: full}), full
		}
	}
	e, ok := bareJWT(end, dots)
	if ok {
		dst = append(dst, Span{Start: j, End: e, dot1: int32(dots.at[0] - j), dot2: int32(dots.at[1] - j)})
	} else if ctxJWT {
		// A mis-shaped JWT in a credential position is a malformed
		// token, not noise; elsewhere it is ignored.
		dst = append(dst, Span{Start: j, End: e})
	}
	return dst, end
}

// gapBytes are the ASCII bytes the text between JWTs is searched for
// (scanLine): the JWT prefix's rare 'J', the keywords' rare bytes, the
// newline, and NUL. Bytes over 0x7f stop the search too (they make a line
// binary when they are not UTF-8).
var gapBytes = [...]byte{'J', 'B', '_', '\n', 0}

// gapTables is gapBytes as the vector loop compares with them, each 32
// times; it takes the bytes over 0x7f by their top bit.
var gapTables = func() (t [len(gapBytes)][32]byte) {
	for i, c := range gapBytes {
		for j := range t[i] {
			t[i][j] = c
		}
	}
	return t
}()

// gapStop is the same set as the table loop looks it up, made from
// gapTables so that both loops stop at the bytes the vector loop loads.
var gapStop = func() (t [256]bool) {
	for _, row := range gapTables {
		t[row[0]] = true
	}
	for c := 0x80; c < 0x100; c++ {
		t[c] = true
	}
	return t
}()

// gapNext returns the first position at or after i of a gapStop byte, or
// len(line). Where the vector loop runs, a 'B' or '_' that starts a
// keyword (wordAt, in the gap from from) is noted in kw (firstB, firstU)
// there instead, if kw has none, and not returned: a JSON log's
// "client_ip" and the "Bearer" before each token were a return to
// scanLine each.
func gapNext(line []byte, i, from int, kw *[2]int) int {
	if haveAVX2 && len(line)-i >= 32 {
		// The vector loop stops at a stop byte, or where fewer than 32
		// bytes are left: with 32 or more left, i is a stop, and reading
		// its byte again (a load waiting on the loop's result, then one
		// on that byte) was a third of gapNext's perf samples.
		if i = gapNextVector(line, i, from, kw); len(line)-i >= 32 {
			return i
		}
	}
	for i < len(line) && !gapStop[line[i]] {
		i++
	}
	return i
}

// wordAt reports whether word is in b at at, in the gap that starts at
// from. The first such 'B' or '_' of a gap is where contextCandidates
// starts looking: no keyword starts before it, every byte of a gap having
// passed gapNext.
func wordAt(b []byte, at, from int, word []byte) bool {
	return at >= from && len(b)-at >= len(word) && isWord(b[at:], word)
}

// isWord reports whether b starts with word, Bearer or access_token, by
// two loads each: a compare of a slice of either length is a call
// (memeqbody was 3 % of the extractor's time).
func isWord(b, word []byte) bool {
	if len(b) < len(word) {
		return false
	}
	if len(word) == len(bearerWord) {
		return binary.LittleEndian.Uint32(b) == bearerLo && binary.LittleEndian.Uint16(b[4:]) == bearerHi
	}
	return binary.LittleEndian.Uint64(b) == accessLo && binary.LittleEndian.Uint32(b[8:]) == accessHi
}

var (
	bearerLo, bearerHi = binary.LittleEndian.Uint32(bearerWord), binary.LittleEndian.Uint16(bearerWord[4:])
	accessLo, accessHi = binary.LittleEndian.Uint64(accessToken), binary.LittleEndian.Uint32(accessToken[8:])
)

// indexWord finds word at or after i, searching for its rarest byte
// ('B' of Bearer, '_' of access_token) first.
func indexWord(line []byte, i int, word []byte) int {
	// Mostly the search starts where scanLine saw the word, or has no
	// room left for it (after "Bearer ", where the JWT starts).
	if len(line)-i < len(word) {
		return -1
	}
	if isWord(line[i:], word) {
		return i
	}
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
		if start := j - anchor; start >= i && isWord(line[start:], word) {
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
// the returned bool, the caller handles the JWT. firstB and firstU are
// where the gap's first 'B' and '_' are (-1: there is none): a keyword
// cannot start before its rare byte, so its search starts there, or not
// at all.
func contextCandidates(line []byte, from, to int, dst []Span, firstB, firstU int) ([]Span, bool) {
	// Most gaps end "Bearer " before their JWT, that Bearer the gap's
	// only keyword: then the JWT is the credential, and nothing else is
	// (what the loop below finds, without its searches).
	if at := firstB; firstU < 0 && at >= from && at+len("Bearer ") == to && line[to-1] == ' ' &&
		isWord(line[at:], bearerWord) && (at == 0 || !isWordChar(line[at-1])) {
		return dst, to < len(line)
	}
	// The same for "access_token=" before the JWT, the gap's only keyword
	// (a query string's; a quarter of the repeated-token log's tokens).
	if at := firstU - len("access"); firstB < 0 && firstU >= 0 && at >= from && at+len("access_token=") == to &&
		line[to-1] == '=' && isWord(line[at:], accessToken) && (at == 0 || !isWordChar(line[at-1])) {
		return dst, to < len(line)
	}
	atJWT := false
	for _, word := range [...][]byte{bearerWord, accessToken} {
		i := max(from, firstB)
		if word[0] != 'B' {
			i = max(from, firstU-len("access"))
			if firstU < 0 {
				continue
			}
		} else if firstB < 0 {
			continue
		}
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
