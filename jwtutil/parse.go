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

	// Duplicates lists claims written more than once; decoders keep the last.
	Duplicates []string
	// Padded is set when a segment carried '=' padding, which JWTs omit.
	Padded bool
}

// Parse splits and decodes a compact JWS without checking the signature.
// Any structural problem is an *Error with Class ClassMalformed.
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
	if t.Header, _, _, err = decodeObject("header", t.HeaderJSON); err != nil {
		return nil, err
	}
	if t.PayloadJSON, err = t.decodeSegment("payload", parts[1]); err != nil {
		return nil, err
	}
	if t.Claims, t.ClaimOrder, t.Duplicates, err = decodeObject("payload", t.PayloadJSON); err != nil {
		return nil, err
	}
	if t.Signature, err = t.decodeSegment("signature", parts[2]); err != nil {
		return nil, err
	}
	return t, nil
}

func (t *Token) decodeSegment(name, seg string) ([]byte, error) {
	if name != "signature" && seg == "" {
		return nil, malformedf("%s segment is empty", name)
	}
	if strings.ContainsAny(seg, "+/") {
		return nil, malformedf("%s is standard base64 ('+' or '/'), not base64url", name)
	}
	if trimmed := strings.TrimRight(seg, "="); trimmed != seg {
		t.Padded = true
		seg = trimmed
	}
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return nil, malformedf("%s is not valid base64url: %v", name, err)
	}
	return b, nil
}

// decodeObject decodes a JSON object with UseNumber (so 1795342075.525625
// stays that text) and reports its keys in written order.
func decodeObject(name string, b []byte) (map[string]any, []string, []string, error) {
	if !json.Valid(b) {
		return nil, nil, nil, malformedf("%s is not valid JSON: %s", name, jsonError(b))
	}
	members, err := scanObject(b)
	if err != nil {
		return nil, nil, nil, malformedf("%s is not a JSON object: %v", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	m := map[string]any{}
	if err := dec.Decode(&m); err != nil {
		return nil, nil, nil, malformedf("%s is not a JSON object: %v", name, err)
	}
	var order, dups []string
	seen := map[string]bool{}
	for _, mem := range members {
		if seen[mem.Key] {
			dups = append(dups, mem.Key)
			continue
		}
		seen[mem.Key] = true
		order = append(order, mem.Key)
	}
	return m, order, dups, nil
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

// NumericTime reads a NumericDate claim: a JSON number (MediaWiki writes
// floats with microseconds, core and OAuth 1 write integers) or a numeric
// string, which lcobucci also accepts. TimeClaim says which form it was.
func (t *Token) NumericTime(name string) (time.Time, bool) {
	tc := t.TimeClaim(name)
	return tc.Time, tc.Present && tc.Numeric
}

// Time claim forms.
const (
	TimeInt    = "int"
	TimeFloat  = "float"
	TimeString = "string" // numeric string: MediaWiki accepts it, Envoy does not
	TimeOther  = "invalid"
)

// TimeClaim describes one NumericDate claim.
type TimeClaim struct {
	Name    string
	Present bool
	Numeric bool      // a number or a numeric string
	Form    string    // TimeInt, TimeFloat, TimeString or TimeOther
	Raw     string    // the value's JSON text as written (number text, or the string's content)
	Time    time.Time // UTC, nanosecond-exact for decimal input
	Millis  bool      // looks like milliseconds (a JavaScript Date.now() mistake)
}

// TimeClaim reads the claim named name.
func (t *Token) TimeClaim(name string) TimeClaim {
	tc := TimeClaim{Name: name}
	v, ok := t.Claims[name]
	if !ok {
		return tc
	}
	tc.Present = true
	switch x := v.(type) {
	case json.Number:
		tc.Raw = x.String()
		tc.Form = TimeInt
		if strings.ContainsAny(tc.Raw, ".eE") {
			tc.Form = TimeFloat
		}
	case string:
		tc.Raw = x
		tc.Form = TimeString
	default:
		tc.Form = TimeOther
		b, _ := json.Marshal(v)
		tc.Raw = string(b)
		return tc
	}
	tm, err := parseNumericDate(strings.TrimSpace(tc.Raw))
	if err != nil {
		if tc.Form == TimeString {
			tc.Form = TimeOther
		}
		return tc
	}
	tc.Numeric = true
	tc.Time = tm
	// 1e12 seconds is the year 33658; milliseconds since 2001 are above it.
	// The owner-only token's exp (year 3026) is 3.3e10, far below.
	tc.Millis = tm.Unix() >= 1e12
	return tc
}

// parseNumericDate converts seconds since the epoch, written in decimal (or
// exponent) notation, to a time. Plain decimals are converted digit by
// digit so microseconds survive exactly; float64 would round them.
func parseNumericDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, fmt.Errorf("empty")
	}
	neg := false
	body := s
	if body[0] == '-' {
		neg, body = true, body[1:]
	}
	intPart, frac, hasDot := strings.Cut(body, ".")
	if isDigits(intPart) && (!hasDot || isDigits(frac)) && len(intPart) <= 18 {
		var sec int64
		for _, c := range intPart {
			sec = sec*10 + int64(c-'0')
		}
		var ns int64
		for i := 0; i < 9; i++ {
			ns *= 10
			if i < len(frac) {
				ns += int64(frac[i] - '0')
			}
		}
		if neg {
			sec, ns = -sec, -ns
		}
		return time.Unix(sec, ns).UTC(), nil
	}
	var f float64
	if _, err := fmt.Sscanf(s, "%g", &f); err != nil {
		return time.Time{}, err
	}
	if f > 1e15 || f < -1e15 || f != f {
		return time.Time{}, fmt.Errorf("out of range")
	}
	sec := int64(f)
	return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC(), nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
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
	members, err := scanObject(b)
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
