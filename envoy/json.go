package envoy

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// jwt_verify_lib turns the header, the payload and a JWKS into a
// google.protobuf.Struct with protobuf's JsonStringToMessage (protobuf ≥ 22,
// src/google/protobuf/json/internal/{lexer,parser}.cc) and default
// JsonParseOptions, whose allow_legacy_nonconformant_behavior is true. That
// parser is not encoding/json, and the differences decide statuses:
//
//   - a duplicate key in any object is an error (ParseMap's keys_seen), where
//     PHP and encoding/json keep the last value;
//   - the document must be an object, or the bare word null (an empty Struct);
//     anything after it but whitespace is an error;
//   - legacy syntax is accepted: 'single-quoted' strings, unquoted keys made
//     of [A-Za-z0-9_] not starting with a digit (and not null/true/false),
//     a trailing comma in objects and arrays, raw control characters inside
//     strings, and the escapes \' and \U;
//   - whitespace is only space, \t, \n and \r (no \f, \v or BOM);
//   - strings must be valid UTF-8 once unescaped; \u escapes must pair
//     surrogates (and, as Expect skips whitespace, the second \u of a pair
//     may follow blanks);
//   - numbers follow JSON's grammar, become doubles, and must be finite
//     (1e400 is an error; 1e-400 underflows to 0 and is fine);
//   - nesting deeper than 100 objects/arrays is an error.

type kind uint8

const (
	kindNull kind = iota
	kindNumber
	kindString
	kindBool
	kindStruct
	kindList
)

// value is google.protobuf.Value.
type value struct {
	kind kind
	num  float64
	str  string
	b    bool
	obj  *object
	list []*value
}

// object is google.protobuf.Struct. keys keeps the order of the text; the
// protobuf map has no order, and nothing here depends on one except which of
// several bad x509 certificates is reported, where upstream order is
// unspecified too.
type object struct {
	fields map[string]*value
	keys   []string
}

func (o *object) get(name string) (*value, bool) {
	if o == nil {
		return nil, false
	}
	v, ok := o.fields[name]
	return v, ok
}

const maxJSONDepth = 100 // ParseOptions::kDefaultDepth

type jsonParser struct {
	s     string
	i     int
	depth int
}

// parseStruct parses s as JsonStringToMessage parses into a Struct.
func parseStruct(s string) (*object, bool) {
	p := &jsonParser{s: s, depth: maxJSONDepth}
	p.skipWS()
	var obj *object
	if p.i < len(p.s) && p.s[p.i] == 'n' {
		// ParseMap: a top-level null leaves the Struct empty.
		if !p.literal("null") {
			return nil, false
		}
		obj = &object{fields: map[string]*value{}}
	} else {
		var ok bool
		if obj, ok = p.parseObject(); !ok {
			return nil, false
		}
	}
	p.skipWS()
	if p.i != len(p.s) {
		return nil, false // "extraneous characters after end of JSON object"
	}
	return obj, true
}

// skipWS is JsonLexer::SkipToToken.
func (p *jsonParser) skipWS() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// peek is JsonLexer::Peek(literal): skip whitespace, consume on match.
func (p *jsonParser) peek(c byte) bool {
	p.skipWS()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

// literal is JsonLexer::Expect for a keyword.
func (p *jsonParser) literal(word string) bool {
	p.skipWS()
	if len(p.s)-p.i < len(word) || p.s[p.i:p.i+len(word)] != word {
		return false
	}
	p.i += len(word)
	return true
}

func (p *jsonParser) push() bool {
	if p.depth == 0 {
		return false // "JSON content was too deeply nested"
	}
	p.depth--
	return true
}

// visit is VisitObject/VisitArray: the opener, a depth level, then items
// separated by commas until the closer; a comma before the closer is
// allowed (legacy), a missing one between items is not.
func (p *jsonParser) visit(open, close byte, item func() bool) bool {
	if !p.peek(open) || !p.push() {
		return false
	}
	if !p.peek(close) {
		for hasComma := true; ; {
			if !hasComma || !item() {
				return false // "expected ','", or the item's own error
			}
			hasComma = p.peek(',')
			if p.peek(close) {
				break
			}
		}
	}
	p.depth++
	return true
}

// parseObject is VisitObject driving ParseMap: keys are strings or bare
// words, and a key seen twice is an error.
func (p *jsonParser) parseObject() (*object, bool) {
	obj := &object{fields: map[string]*value{}}
	ok := p.visit('{', '}', func() bool {
		p.skipWS()
		if p.i >= len(p.s) {
			return false
		}
		var key string
		var ok bool
		if c := p.s[p.i]; c == '"' || c == '\'' {
			key, ok = p.parseString()
		} else {
			key, ok = p.parseBareWord()
		}
		if !ok || !p.peek(':') {
			return false
		}
		if _, dup := obj.fields[key]; dup {
			return false // "got unexpectedly-repeated repeated map key"
		}
		v, ok := p.parseValue()
		if ok {
			obj.fields[key] = v
			obj.keys = append(obj.keys, key)
		}
		return ok
	})
	return obj, ok
}

// parseList is ParseListValue: a google.protobuf.ListValue of Values.
func (p *jsonParser) parseList() ([]*value, bool) {
	list := []*value{}
	ok := p.visit('[', ']', func() bool {
		v, ok := p.parseValue()
		list = append(list, v)
		return ok
	})
	return list, ok
}

// parseValue is ParseValue: PeekKind picks the branch from one character.
func (p *jsonParser) parseValue() (*value, bool) {
	p.skipWS()
	if p.i >= len(p.s) {
		return nil, false
	}
	switch c := p.s[p.i]; {
	case c == '{':
		obj, ok := p.parseObject()
		return &value{kind: kindStruct, obj: obj}, ok
	case c == '[':
		list, ok := p.parseList()
		return &value{kind: kindList, list: list}, ok
	case c == '"' || c == '\'':
		s, ok := p.parseString()
		return &value{kind: kindString, str: s}, ok
	case c == '-' || (c >= '0' && c <= '9'):
		f, ok := p.parseNumber()
		return &value{kind: kindNumber, num: f}, ok
	case c == 't':
		return &value{kind: kindBool, b: true}, p.literal("true")
	case c == 'f':
		return &value{kind: kindBool}, p.literal("false")
	case c == 'n':
		return &value{kind: kindNull}, p.literal("null")
	}
	return nil, false
}

// parseBareWord is ParseBareWord, the legacy unquoted key.
func (p *jsonParser) parseBareWord() (string, bool) {
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			p.i++
			continue
		}
		break
	}
	w := p.s[start:p.i]
	if w == "" || (w[0] >= '0' && w[0] <= '9') || w == "null" || w == "true" || w == "false" {
		return "", false
	}
	return w, true
}

// parseNumber is ParseRawNumber + SimpleAtod: the scan below accepts the
// same characters as the upstream TakeWhile, then the text must be a
// complete, finite decimal.
func (p *jsonParser) parseNumber() (float64, bool) {
	const (
		stInt = iota
		stFraction
		stExponent
	)
	state := stInt
	start := p.i
	var prev byte
	for p.i < len(p.s) {
		c := p.s[p.i]
		lastDigit := prev >= '0' && prev <= '9'
		take := false
		switch {
		case c >= '0' && c <= '9':
			take = true
		case state == stInt && c == '-':
			take = !lastDigit
		case state == stInt && lastDigit && c == '.':
			state, take = stFraction, true
		case state != stExponent && lastDigit && (c == 'e' || c == 'E'):
			state, take = stExponent, true
		case (prev == 'e' || prev == 'E') && (c == '-' || c == '+'):
			take = true
		}
		if !take {
			break
		}
		prev = c
		p.i++
	}
	text := p.s[start:p.i]
	if text == "" || text == "-" {
		return 0, false
	}
	digits := text
	if digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) > 1 && digits[0] == '0' && digits[1] >= '0' && digits[1] <= '9' {
		return 0, false // "number cannot have extraneous leading zero"
	}
	if text[len(text)-1] == '.' {
		return 0, false
	}
	if !decimalSyntax(text) {
		return 0, false // SimpleAtod would not consume it all
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && !(f == 0 && !math.IsInf(f, 0)) {
		// Overflow: absl gives ±inf and the lexer refuses non-finite
		// values. Underflow gives ±0 and is accepted, as in absl.
		return 0, false
	}
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	// The next token must end the value.
	p.skipWS()
	if p.i < len(p.s) {
		switch p.s[p.i] {
		case ',', ']', '}':
		default:
			return 0, false
		}
	}
	return f, true
}

// decimalSyntax accepts -?digits(.digits)?([eE][+-]?digits)?, which is what
// absl::from_chars consumes entirely (the leading-zero and trailing-dot
// rules are checked by the caller, as upstream does).
func decimalSyntax(s string) bool {
	s = strings.TrimPrefix(s, "-")
	s, ok := cutDigits(s)
	if !ok {
		return false
	}
	if rest, found := strings.CutPrefix(s, "."); found {
		if s, ok = cutDigits(rest); !ok {
			return false
		}
	}
	if s != "" && (s[0] == 'e' || s[0] == 'E') {
		s = s[1:]
		if s != "" && (s[0] == '+' || s[0] == '-') {
			s = s[1:]
		}
		if s, ok = cutDigits(s); !ok {
			return false
		}
	}
	return s == ""
}

// cutDigits drops a non-empty run of leading digits.
func cutDigits(s string) (string, bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[i:], i > 0
}

// parseString is ParseUtf8 with legacy behaviour: either quote, raw control
// characters allowed, \' and \U accepted, UTF-8 checked at the end.
func (p *jsonParser) parseString() (string, bool) {
	p.skipWS()
	if p.i >= len(p.s) {
		return "", false
	}
	quote := p.s[p.i]
	p.i++
	start := p.i
	// Fast path: no escapes.
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == quote {
			str := p.s[start:p.i]
			p.i++
			return str, utf8.ValidString(str)
		}
		if c == '\\' {
			break
		}
		p.i++
	}
	buf := []byte(p.s[start:p.i])
	for p.i < len(p.s) {
		c := p.s[p.i]
		p.i++
		switch c {
		case quote:
			return string(buf), utf8.Valid(buf)
		case '\\':
			if p.i >= len(p.s) {
				return "", false
			}
			e := p.s[p.i]
			p.i++
			if e == 'u' || e == 'U' {
				r, ok := p.parseUnicodeEscape()
				if !ok {
					return "", false
				}
				buf = utf8.AppendRune(buf, r)
				continue
			}
			c, ok := simpleEscapes[e]
			if !ok {
				return "", false // "invalid escape char"
			}
			buf = append(buf, c)
		default:
			buf = append(buf, c)
		}
	}
	return "", false // EOF inside string
}

// simpleEscapes is ParseSimpleEscape with legacy behaviour (\' included).
var simpleEscapes = map[byte]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', '\'': '\''}

func (p *jsonParser) hex4() (rune, bool) {
	if len(p.s)-p.i < 4 {
		return 0, false
	}
	v, err := strconv.ParseUint(p.s[p.i:p.i+4], 16, 16)
	if err != nil {
		return 0, false
	}
	p.i += 4
	return rune(v), true
}

// parseUnicodeEscape follows \u or \U: a high surrogate needs "\u" and a low
// surrogate next, after optional whitespace (Expect("\\u") skips it).
func (p *jsonParser) parseUnicodeEscape() (rune, bool) {
	r, ok := p.hex4()
	if !ok {
		return 0, false
	}
	switch {
	case r >= 0xd800 && r <= 0xdbff:
		p.skipWS()
		if len(p.s)-p.i < 2 || p.s[p.i] != '\\' || p.s[p.i+1] != 'u' {
			return 0, false
		}
		p.i += 2
		lo, ok := p.hex4()
		if !ok || lo < 0xdc00 || lo > 0xdfff {
			return 0, false // "invalid low surrogate"
		}
		return 0x10000 + (r&0x3ff)<<10 | (lo & 0x3ff), true
	case r >= 0xdc00 && r <= 0xdfff:
		return 0, false // "unpaired low surrogate"
	}
	return r, true
}
