package jwtutil

import (
	"encoding/json"
	"unicode/utf8"
)

// MaxJSONDepth is the deepest nesting PHP's json_decode accepts with its
// default depth (512), which lcobucci/jwt uses: a 513th nested array or
// object is "Maximum stack depth exceeded" and the token does not parse.
const MaxJSONDepth = 512

// ValueKind is the JSON type of a value.
type ValueKind byte

// JSON value kinds.
const (
	KindInvalid ValueKind = iota
	KindString
	KindNumber
	KindObject
	KindArray
	KindTrue
	KindFalse
	KindNull
)

// JSONProblem is why a document is not JSON that PHP's json_decode accepts.
type JSONProblem byte

// Problems, in the order the scanner meets them. JSONSyntax covers
// everything RFC 8259 refuses; the others are PHP's own refusals that Go's
// encoding/json tolerates (it replaces bad bytes with U+FFFD).
const (
	JSONOK          JSONProblem = iota
	JSONSyntax                  // not RFC 8259 JSON
	JSONUTF8                    // invalid UTF-8 (PHP: JSON_ERROR_UTF8)
	JSONSurrogate               // \uD800-\uDFFF escape without its pair (PHP: JSON_ERROR_UTF16)
	JSONDepth                   // nested deeper than MaxJSONDepth (PHP: JSON_ERROR_DEPTH)
	JSONNotAnObject             // valid JSON, but not an object where one is required
)

var problemText = [...]string{"", "not valid JSON", "invalid UTF-8", "an unpaired UTF-16 surrogate escape", "nested deeper than 512 levels", "not a JSON object"}

func (p JSONProblem) String() string {
	if int(p) < len(problemText) {
		return problemText[p]
	}
	return "invalid"
}

// Member is one top-level "key": value pair of an object, as offsets into
// the document: b[Start] is the key's opening quote, b[ValStart:End] is the
// value's text exactly as written.
type Member struct {
	Start, ValStart, End int
	keyFrom, keyTo       int // the key's text between its quotes
	KeyEscaped           bool
	Kind                 ValueKind
	Escaped              bool // a string value holds backslash escapes
}

// RawKey is the key's text between the quotes, escapes not decoded; it
// aliases the document.
func (m *Member) RawKey(b []byte) []byte { return b[m.keyFrom:m.keyTo] }

// Key is the key decoded: "\u0061" and "a" are the same key, as PHP and Go
// both read them.
func (m *Member) Key(b []byte) string {
	if !m.KeyEscaped && utf8.Valid(b[m.keyFrom:m.keyTo]) {
		return string(b[m.keyFrom:m.keyTo])
	}
	// Escapes, or bytes that are not UTF-8 (a tolerant scan lets those
	// through): the key as encoding/json spells it, each bad byte a U+FFFD,
	// so the key names the same member in the decoded map.
	var s string
	if json.Unmarshal(b[m.keyFrom-1:m.keyTo+1], &s) != nil {
		return string(b[m.keyFrom:m.keyTo]) // unreachable for a validated document
	}
	return s
}

// Value is the member's value text exactly as written.
func (m *Member) Value(b []byte) []byte { return b[m.ValStart:m.End] }

// StringValue returns a string member's content when it has no escapes;
// ok is false for other kinds or escaped strings (decode those instead).
func (m *Member) StringValue(b []byte) ([]byte, bool) {
	if m.Kind != KindString || m.Escaped {
		return nil, false
	}
	return b[m.ValStart+1 : m.End-1], true
}

// ObjectScanner walks the top-level members of one JSON object while
// validating the whole document the way PHP's json_decode does: RFC 8259
// grammar, valid UTF-8, paired surrogate escapes, nesting up to
// MaxJSONDepth, nothing but whitespace after the object. It allocates
// nothing for ordinary documents, so the log scanner's fast path can read
// claims with it.
//
// This is mwoauth's one hand-written JSON reader: token parsing, the fast
// path, re-minting and the emulation of MediaWiki's parser all use it.
//
//	s := ScanObject(b)
//	var m Member
//	for s.Next(&m) { ... }
//	if s.Problem() != JSONOK { ... }
//
// A tolerant scanner (ScanObjectTolerant) reads on past what PHP refuses
// but Go's encoding/json accepts (invalid UTF-8, unpaired surrogates,
// nesting up to Go's 10000 levels), noting the first such problem in
// Noted: decode can still show such a token, and verify can still say
// exactly why MediaWiki refuses it.
type ObjectScanner struct {
	v       validator
	b       []byte
	i       int
	started bool
	done    bool
	problem JSONProblem
	at      int
}

// ScanObject starts a strict scan of b, which must hold one JSON object.
func ScanObject(b []byte) ObjectScanner { return ObjectScanner{b: b} }

// ScanObjectTolerant starts a scan that notes PHP-only problems instead of
// stopping at them.
func ScanObjectTolerant(b []byte) ObjectScanner {
	return ObjectScanner{b: b, v: validator{tolerant: true}}
}

// Problem is JSONOK after a complete scan of a valid object.
func (s *ObjectScanner) Problem() JSONProblem { return s.problem }

// Offset is where the problem was found.
func (s *ObjectScanner) Offset() int { return s.at }

// Noted is the first problem a tolerant scan read past (JSONOK if none).
func (s *ObjectScanner) Noted() JSONProblem { return s.v.noted }

func (s *ObjectScanner) fail(p JSONProblem, at int) bool {
	s.problem, s.at, s.done = p, at, true
	return false
}

// Next reads the next member into m. It returns false at the end of the
// object or on the first problem (then Problem says which).
func (s *ObjectScanner) Next(m *Member) bool {
	if s.done {
		return false
	}
	b := s.b
	i := skipWS(b, s.i)
	if !s.started {
		s.started = true
		if i >= len(b) {
			return s.fail(JSONSyntax, i)
		}
		if b[i] != '{' {
			_, end, p := s.v.value(b, i, 0)
			switch {
			case p != JSONOK:
				return s.fail(p, end)
			case skipWS(b, end) != len(b):
				return s.fail(JSONSyntax, end)
			}
			return s.fail(JSONNotAnObject, i)
		}
		i = skipWS(b, i+1)
		if i < len(b) && b[i] == '}' {
			return s.finish(i + 1)
		}
	} else {
		// After a member: ',' then the next, or '}'.
		switch {
		case i >= len(b):
			return s.fail(JSONSyntax, i)
		case b[i] == '}':
			return s.finish(i + 1)
		case b[i] != ',':
			return s.fail(JSONSyntax, i)
		}
		i = skipWS(b, i+1)
	}
	if i >= len(b) || b[i] != '"' {
		return s.fail(JSONSyntax, i)
	}
	kEnd, esc, p := s.v.str(b, i)
	if p != JSONOK {
		return s.fail(p, kEnd)
	}
	*m = Member{Start: i, keyFrom: i + 1, keyTo: kEnd - 1, KeyEscaped: esc}
	i = skipWS(b, kEnd)
	if i >= len(b) || b[i] != ':' {
		return s.fail(JSONSyntax, i)
	}
	i = skipWS(b, i+1)
	m.ValStart = i
	kind, end, p := s.v.value(b, i, 1)
	if p != JSONOK {
		return s.fail(p, end)
	}
	m.Kind, m.End = kind, end
	if kind == KindString {
		m.Escaped = containsByte(b[i:end], '\\')
	}
	s.i = end
	return true
}

func (s *ObjectScanner) finish(end int) bool {
	if skipWS(s.b, end) != len(s.b) {
		return s.fail(JSONSyntax, end)
	}
	s.done = true
	return false
}

// ValidateJSON checks a whole document as PHP's json_decode would and
// returns the kind of its top-level value.
func ValidateJSON(b []byte) (ValueKind, JSONProblem) {
	var v validator
	i := skipWS(b, 0)
	k, end, p := v.value(b, i, 0)
	if p != JSONOK {
		return KindInvalid, p
	}
	if skipWS(b, end) != len(b) {
		return KindInvalid, JSONSyntax
	}
	return k, JSONOK
}

func containsByte(b []byte, c byte) bool {
	for _, x := range b {
		if x == c {
			return true
		}
	}
	return false
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// goMaxDepth is encoding/json's nesting limit, where a tolerant scan stops.
const goMaxDepth = 10000

// validator checks values; tolerant ones note PHP-only problems and go on.
type validator struct {
	tolerant bool
	noted    JSONProblem
}

// php handles a problem PHP refuses and Go accepts: fatal unless tolerant.
func (v *validator) php(p JSONProblem) bool {
	if !v.tolerant {
		return true
	}
	if v.noted == JSONOK {
		v.noted = p
	}
	return false
}

// value checks the value at b[i] (depth is the nesting of the container it
// sits in) and returns its kind and end.
func (v *validator) value(b []byte, i, depth int) (ValueKind, int, JSONProblem) {
	if i >= len(b) {
		return KindInvalid, i, JSONSyntax
	}
	switch c := b[i]; {
	case c == '"':
		end, _, p := v.str(b, i)
		return KindString, end, p
	case c == '{' || c == '[':
		return v.container(b, i, depth+1)
	case c == '-' || c >= '0' && c <= '9':
		end, ok := scanNumber(b, i)
		if !ok {
			return KindInvalid, end, JSONSyntax
		}
		return KindNumber, end, JSONOK
	case c == 't':
		return literal(b, i, "true", KindTrue)
	case c == 'f':
		return literal(b, i, "false", KindFalse)
	case c == 'n':
		return literal(b, i, "null", KindNull)
	}
	return KindInvalid, i, JSONSyntax
}

func literal(b []byte, i int, word string, k ValueKind) (ValueKind, int, JSONProblem) {
	if len(b)-i < len(word) || string(b[i:i+len(word)]) != word {
		return KindInvalid, i, JSONSyntax
	}
	return k, i + len(word), JSONOK
}

// container checks the object or array opened at b[i], which sits at
// nesting level depth. Nesting is followed with an explicit stack, not
// recursion, so hostile nesting costs no goroutine stack.
func (v *validator) container(b []byte, i, depth int) (ValueKind, int, JSONProblem) {
	kind := KindObject
	if b[i] == '[' {
		kind = KindArray
	}
	var small [64]bool // per open level: object (true) or array
	isObj := small[:]
	open := func(d int) (bool, JSONProblem) { // may the level d be opened?
		switch {
		case d > goMaxDepth:
			return false, JSONSyntax
		case d > MaxJSONDepth && v.php(JSONDepth):
			return false, JSONDepth
		}
		return true, JSONOK
	}
	if ok, p := open(depth); !ok {
		return KindInvalid, i, p
	}
	isObj[0] = kind == KindObject
	n := 1 // open levels
	i++
	afterValue := false
	for {
		i = skipWS(b, i)
		if i >= len(b) {
			return KindInvalid, i, JSONSyntax
		}
		obj := isObj[n-1]
		closer := byte(']')
		if obj {
			closer = '}'
		}
		if b[i] == closer { // after the opener or a value; after "," a member is read below
			i++
			n--
			if n == 0 {
				return kind, i, JSONOK
			}
			afterValue = true
			continue
		}
		if afterValue {
			if b[i] != ',' {
				return KindInvalid, i, JSONSyntax
			}
			i = skipWS(b, i+1)
			if i >= len(b) {
				return KindInvalid, i, JSONSyntax
			}
		}
		if obj {
			if b[i] != '"' {
				return KindInvalid, i, JSONSyntax
			}
			end, _, p := v.str(b, i)
			if p != JSONOK {
				return KindInvalid, end, p
			}
			i = skipWS(b, end)
			if i >= len(b) || b[i] != ':' {
				return KindInvalid, i, JSONSyntax
			}
			i = skipWS(b, i+1)
			if i >= len(b) {
				return KindInvalid, i, JSONSyntax
			}
		}
		if c := b[i]; c == '{' || c == '[' {
			if ok, p := open(depth + n); !ok {
				return KindInvalid, i, p
			}
			if n == len(isObj) {
				isObj = append(isObj, false)
			}
			isObj[n] = c == '{'
			n++
			i++
			afterValue = false
			continue
		}
		_, end, p := v.value(b, i, depth+n-1)
		if p != JSONOK {
			return KindInvalid, end, p
		}
		i = end
		afterValue = true
	}
}

// str checks the string opened at b[i] and returns the index after its
// closing quote and whether it holds escapes.
func (v *validator) str(b []byte, i int) (int, bool, JSONProblem) {
	esc := false
	j := i + 1
	for j < len(b) {
		c := b[j]
		switch {
		case c == '"':
			return j + 1, esc, JSONOK
		case c == '\\':
			esc = true
			if j+1 >= len(b) {
				return j, esc, JSONSyntax
			}
			switch b[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j += 2
			case 'u':
				r, ok := hex4(b, j+2)
				if !ok {
					return j, esc, JSONSyntax
				}
				j += 6
				switch {
				case r >= 0xD800 && r <= 0xDBFF:
					// A high surrogate needs a low one right after it.
					if j+1 < len(b) && b[j] == '\\' && b[j+1] == 'u' {
						if lo, ok := hex4(b, j+2); ok && lo >= 0xDC00 && lo <= 0xDFFF {
							j += 6
							continue
						}
					}
					if v.php(JSONSurrogate) {
						return j, esc, JSONSurrogate
					}
				case r >= 0xDC00 && r <= 0xDFFF:
					if v.php(JSONSurrogate) {
						return j, esc, JSONSurrogate
					}
				}
			default:
				return j, esc, JSONSyntax
			}
		case c < 0x20:
			return j, esc, JSONSyntax
		case c < 0x80:
			j++
		default:
			r, size := utf8.DecodeRune(b[j:])
			if r == utf8.RuneError && size <= 1 {
				if v.php(JSONUTF8) {
					return j, esc, JSONUTF8
				}
			}
			j += size
		}
	}
	return j, esc, JSONSyntax
}

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c-'a') + 10
		case c >= 'A' && c <= 'F':
			r |= rune(c-'A') + 10
		default:
			return 0, false
		}
	}
	return r, true
}

// scanNumber reads an RFC 8259 number at b[i].
func scanNumber(b []byte, i int) (int, bool) {
	j := i
	if b[j] == '-' {
		j++
	}
	start := j
	for j < len(b) && b[j] >= '0' && b[j] <= '9' {
		j++
	}
	if j == start || (b[start] == '0' && j-start > 1) {
		return j, false
	}
	if j < len(b) && b[j] == '.' {
		j++
		f := j
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		if j == f {
			return j, false
		}
	}
	return exponentEnd(b, j)
}

// exponentEnd reads the optional exponent at s[i] ("e", "E", a sign,
// digits), the same in JSON and in PHP's numeric strings; false when the
// "e" has no digits.
func exponentEnd[T string | []byte](s T, i int) (int, bool) {
	if i >= len(s) || (s[i] != 'e' && s[i] != 'E') {
		return i, true
	}
	i++
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	e := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i, i > e
}
