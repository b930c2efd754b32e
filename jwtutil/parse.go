package jwtutil

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Token is a parsed, unverified JWT. It keeps the raw segments so that
// Remint can preserve the header bytes, the claim order and the number
// format exactly as the issuer wrote them.
type Token struct {
	Raw                           string
	HeaderB64, PayloadB64, SigB64 string
	HeaderJSON, PayloadJSON       []byte
	Header                        map[string]any // decoded with UseNumber
	Claims                        map[string]any // decoded with UseNumber
	ClaimOrder                    []string       // top-level payload keys as written (duplicates once)
	Signature                     []byte

	// Duplicates lists claims written more than once. PHP's json_decode,
	// Go's and so MediaWiki and mwoauth all keep the last value.
	Duplicates []string
	// Deviations are the token's departures from a strict compact JWS that
	// Parse read past (see Deviation); empty for every token MediaWiki
	// issues.
	Deviations []Deviation
}

// Deviation is one way a token's bytes differ from what a strict parser
// (lcobucci/jwt, which MediaWiki parses with) accepts, that Parse read past
// so the token can still be shown. Whether a deviation is fatal is the
// verifier's call (package mediawiki, package verdict), not Parse's.
type Deviation struct {
	Code    string `json:"code"`    // one of the Dev* constants
	Segment string `json:"segment"` // header, payload or signature
}

// Deviation codes.
const (
	DevPadding      = "padding"       // '=' padding: base64url in JWS has none
	DevTrailingBits = "trailing-bits" // the last character has non-zero unused bits: a second spelling of the same bytes
	DevInvalidUTF8  = "invalid-utf8"  // JSON text that is not UTF-8
	DevSurrogate    = "surrogate"     // a \uD800-\uDFFF escape without its pair
	DevDepth        = "depth"         // JSON nested deeper than PHP's 512 levels
	DevEmptyKey     = "empty-key"     // a member named ""
	DevDuplicateKey = "duplicate-key" // a member written twice (the last wins)
)

// Has reports whether the token has deviation code in any segment.
func (t *Token) HasDeviation(code string) bool {
	for _, d := range t.Deviations {
		if d.Code == code {
			return true
		}
	}
	return false
}

func (t *Token) deviate(code, segment string) {
	for _, d := range t.Deviations {
		if d.Code == code && d.Segment == segment {
			return
		}
	}
	t.Deviations = append(t.Deviations, Deviation{Code: code, Segment: segment})
}

// Parse splits and decodes a compact JWS without checking the signature.
// It refuses what cannot be read at all (not three segments, characters
// outside base64url, JSON that even Go cannot decode, a header or payload
// that is not an object) with an *Error of Class ClassMalformed, and reads
// past, recording them in Deviations, the departures a lenient reader can
// still make sense of.
func Parse(raw string) (*Token, error) {
	if len(raw) > MaxTokenSize {
		return nil, malformedf("token is %d bytes; the limit is %d bytes (64 KiB)", len(raw), MaxTokenSize)
	}
	if raw == "" {
		return nil, malformedf("empty token")
	}
	parts := strings.Split(raw, ".")
	switch len(parts) {
	case 3:
	case 5:
		return nil, malformedf("token has 5 segments: an encrypted JWE, not a signed JWT (MediaWiki never issues JWEs)")
	default:
		return nil, malformedf("token has %d segment(s); a JWT has three: header.payload.signature", len(parts))
	}
	t := &Token{Raw: raw, HeaderB64: parts[0], PayloadB64: parts[1], SigB64: parts[2]}
	var err error
	if t.HeaderJSON, err = t.decodeSegment("header", parts[0]); err != nil {
		return nil, err
	}
	var hdup []string
	if t.Header, _, hdup, err = t.decodeObject("header", t.HeaderJSON); err != nil {
		return nil, err
	}
	if len(hdup) > 0 {
		t.deviate(DevDuplicateKey, "header")
	}
	if t.PayloadJSON, err = t.decodeSegment("payload", parts[1]); err != nil {
		return nil, err
	}
	if t.Claims, t.ClaimOrder, t.Duplicates, err = t.decodeObject("payload", t.PayloadJSON); err != nil {
		return nil, err
	}
	if len(t.Duplicates) > 0 {
		t.deviate(DevDuplicateKey, "payload")
	}
	if t.Signature, err = t.decodeSegment("signature", parts[2]); err != nil {
		return nil, err
	}
	return t, nil
}

// DecodeSegment decodes one base64url segment strictly, as libsodium's
// sodium_base642bin(…, SODIUM_BASE64_VARIANT_URLSAFE_NO_PADDING) does for
// lcobucci/jwt: the url-safe alphabet only, no '=' padding, no newline, and
// zero unused bits in the last character. ok is false for anything else.
func DecodeSegment(seg string) (b []byte, ok bool) {
	for i := 0; i < len(seg); i++ {
		if !isB64URL(seg[i]) {
			return nil, false
		}
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(seg)
	return b, err == nil
}

func isB64URL(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

func (t *Token) decodeSegment(name, seg string) ([]byte, error) {
	if name != "signature" && seg == "" {
		return nil, malformedf("%s segment is empty", name)
	}
	if b, ok := DecodeSegment(seg); ok {
		return b, nil
	}
	if strings.ContainsAny(seg, "+/") {
		return nil, malformedf("%s is standard base64 ('+' or '/'), not base64url", name)
	}
	body := strings.TrimRight(seg, "=")
	if body != seg {
		t.deviate(DevPadding, name)
	}
	for i := 0; i < len(body); i++ {
		if !isB64URL(body[i]) {
			return nil, malformedf("%s is not valid base64url: unexpected %q at offset %d", name, body[i], i)
		}
	}
	if len(body)%4 == 1 {
		return nil, malformedf("%s is not valid base64url: %d characters cannot encode whole bytes", name, len(body))
	}
	b, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil {
		return nil, malformedf("%s is not valid base64url: %v", name, err)
	}
	if _, err := base64.RawURLEncoding.Strict().DecodeString(body); err != nil {
		t.deviate(DevTrailingBits, name)
	}
	return b, nil
}

// decodeObject decodes a JSON object with UseNumber (so 1795342075.525625
// stays that text) and reports its keys in written order. PHP-only
// refusals (invalid UTF-8, unpaired surrogates, depth, empty keys) become
// deviations; what Go cannot decode is an error.
func (t *Token) decodeObject(name string, b []byte) (map[string]any, []string, []string, error) {
	s := ScanObjectTolerant(b)
	var order, dups []string
	seen := map[string]bool{}
	var m Member
	for s.Next(&m) {
		k := m.Key(b)
		if k == "" {
			t.deviate(DevEmptyKey, name)
		}
		if seen[k] {
			dups = append(dups, k)
			continue
		}
		seen[k] = true
		order = append(order, k)
	}
	switch s.Problem() {
	case JSONOK:
	case JSONNotAnObject:
		return nil, nil, nil, malformedf("%s is not a JSON object", name)
	default:
		return nil, nil, nil, malformedf("%s is not valid JSON: %s", name, jsonError(b))
	}
	switch s.Noted() {
	case JSONUTF8:
		t.deviate(DevInvalidUTF8, name)
	case JSONSurrogate:
		t.deviate(DevSurrogate, name)
	case JSONDepth:
		t.deviate(DevDepth, name)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	obj := map[string]any{}
	if err := dec.Decode(&obj); err != nil {
		return nil, nil, nil, malformedf("%s is not a JSON object: %v", name, err)
	}
	return obj, order, dups, nil
}

func jsonError(b []byte) string {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err.Error()
	}
	return "invalid"
}

// Alg is the header's alg, or "" when it is missing or not a string.
func (t *Token) Alg() string {
	s, _ := t.Header["alg"].(string)
	return s
}

// StringClaim returns a claim that is a JSON string.
func (t *Token) StringClaim(name string) (string, bool) {
	s, ok := t.Claims[name].(string)
	return s, ok
}

// Has reports whether the payload has the claim at all.
func (t *Token) Has(name string) bool {
	_, ok := t.Claims[name]
	return ok
}

// Time claim forms, as written.
const (
	TimeInt    = "int"     // a JSON integer literal
	TimeFloat  = "float"   // a JSON number with a fraction or exponent
	TimeString = "string"  // a JSON string: MediaWiki accepts a numeric one, Envoy never
	TimeOther  = "invalid" // true, false, null, an array or an object
)

// TimeClaim describes one NumericDate claim as MediaWiki's parser reads it.
type TimeClaim struct {
	Name    string
	Present bool
	Numeric bool        // PHP accepted it (is_numeric, then createFromFormat('U.u'))
	Form    string      // TimeInt, TimeFloat, TimeString or TimeOther
	Raw     string      // the value's JSON text as written (the string's content for strings)
	Date    NumericDate // the instant, when Numeric
	Status  DateStatus  // why not Numeric
	PHPText string      // the text lcobucci names when it refuses the value
	Millis  bool        // looks like milliseconds (a JavaScript Date.now() mistake)
}

// Time is the claim as a time.Time, when it is within years 1..9999.
func (tc TimeClaim) Time() (time.Time, bool) {
	if !tc.Numeric {
		return time.Time{}, false
	}
	return tc.Date.Time()
}

// TimeClaim reads the claim named name.
func (t *Token) TimeClaim(name string) TimeClaim {
	tc := TimeClaim{Name: name}
	raw, ok := t.RawClaim(name)
	if !ok {
		return tc
	}
	tc.Present = true
	kind, _ := ValidateJSON(raw)
	switch kind {
	case KindNumber:
		tc.Raw, tc.Form = string(raw), TimeInt
		if bytes.ContainsAny(raw, ".eE") {
			tc.Form = TimeFloat
		}
	case KindString:
		tc.Form = TimeString
		tc.Raw, _ = unquote(raw)
	default:
		tc.Raw, tc.Form = string(raw), TimeOther
		if kind == KindInvalid {
			// JSON PHP refuses (bad UTF-8 in a string): the whole token
			// does not parse, which the deviations say; Go's value stands.
			tc.Raw = CompactJSON(t.Claims[name])
			if _, isStr := t.Claims[name].(string); isStr {
				tc.Form, tc.Raw = TimeString, t.Claims[name].(string)
			}
		}
	}
	kindForPHP := kind
	if tc.Form == TimeString {
		kindForPHP = KindString
	}
	tc.Date, tc.Status, tc.PHPText = PHPDate(kindForPHP, raw)
	tc.Numeric = tc.Status == DateOK
	// 1e12 seconds is the year 33658; milliseconds since 2001 are above it.
	// The owner-only token's exp (year 3026) is 3.3e10, far below.
	tc.Millis = tc.Numeric && tc.Date.Sec >= 1e12
	return tc
}

// ParseNumericDate reads seconds since the epoch written as text (fractions
// and exponents allowed) by the same rule as claims, so a command-line
// instant such as 1795342075.525625 and a claim of that value are the same
// instant to the microsecond. Instants beyond year 9999 are refused.
func ParseNumericDate(s string) (time.Time, error) {
	d, err := ParseDate(s)
	if err != nil {
		return time.Time{}, err
	}
	t, ok := d.Time()
	if !ok {
		return time.Time{}, fmt.Errorf("out of range (years 1 to 9999)")
	}
	return t, nil
}

// ParseDate is ParseNumericDate for any NumericDate.
func ParseDate(s string) (NumericDate, error) {
	raw := []byte(strings.TrimSpace(s))
	if k, p := ValidateJSON(raw); p != JSONOK || k != KindNumber {
		return NumericDate{}, fmt.Errorf("not a number")
	}
	d, st := PHPDateValue(KindNumber, raw)
	if st != DateOK {
		return NumericDate{}, fmt.Errorf("out of range")
	}
	return d, nil
}

// RawMember is one top-level member of a segment with its value's JSON
// text exactly as written.
type RawMember struct {
	Name string
	JSON []byte
}

// RawClaims lists the payload's claims in written order with their exact
// JSON text. A duplicated claim appears once, at its first position, with
// its last value (the one decoders keep).
func (t *Token) RawClaims() []RawMember { return rawMembers(t.PayloadJSON) }

// RawHeader is RawClaims for the header.
func (t *Token) RawHeader() []RawMember { return rawMembers(t.HeaderJSON) }

// RawClaim returns one claim's JSON text as written.
func (t *Token) RawClaim(name string) ([]byte, bool) {
	for _, m := range t.RawClaims() {
		if m.Name == name {
			return m.JSON, true
		}
	}
	return nil, false
}

func rawMembers(b []byte) []RawMember {
	members, err := objectMembers(b)
	if err != nil {
		return nil
	}
	idx := map[string]int{}
	var out []RawMember
	for _, m := range members {
		v := b[m.ValStart:m.End]
		if i, ok := idx[m.Key]; ok {
			out[i].JSON = v
			continue
		}
		idx[m.Key] = len(out)
		out = append(out, RawMember{Name: m.Key, JSON: v})
	}
	return out
}

// StringList reads a JSON array of strings (other members as compact JSON).
func StringList(v any) []string {
	list, ok := v.([]any)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		} else {
			out = append(out, CompactJSON(x))
		}
	}
	return out
}

// CompactJSON renders a decoded value as compact JSON, for messages.
func CompactJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// keyedMember is a Member with its key decoded.
type keyedMember struct {
	Key                  string
	Start, ValStart, End int
}

// objectMembers lists an object's members in written order (a tolerant
// scan: the caller has already decided whether PHP-only problems matter).
func objectMembers(b []byte) ([]keyedMember, error) {
	s := ScanObjectTolerant(b)
	var out []keyedMember
	var m Member
	for s.Next(&m) {
		out = append(out, keyedMember{Key: m.Key(b), Start: m.Start, ValStart: m.ValStart, End: m.End})
	}
	if p := s.Problem(); p != JSONOK {
		return nil, fmt.Errorf("%s at offset %d", p, s.Offset())
	}
	return out, nil
}

// ObjectJSON writes members as a compact JSON object in their order, the
// values' bytes as given (the caller has validated them).
func ObjectJSON(members []RawMember) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range members {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(JSONString(m.Name))
		b.WriteByte(':')
		b.Write(m.JSON)
	}
	b.WriteByte('}')
	return b.Bytes()
}
