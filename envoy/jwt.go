package envoy

import (
	"math"
	"strings"
	"time"
)

// JWT is google::jwt_verify::Jwt after parseFromString: what Envoy read from
// the token. Claims that are absent read as "" or 0, as upstream.
type JWT struct {
	Alg       string   `json:"alg"`
	Kid       string   `json:"kid,omitempty"`
	Iss       string   `json:"iss,omitempty"`
	Sub       string   `json:"sub,omitempty"`
	Jti       string   `json:"jti,omitempty"`
	Audiences []string `json:"aud,omitempty"`
	// Iat, Nbf and Exp are the claims read as doubles and truncated to
	// whole seconds (MediaWiki's microseconds are dropped); 0 when absent.
	Iat uint64 `json:"iat,omitempty"`
	Nbf uint64 `json:"nbf,omitempty"`
	Exp uint64 `json:"exp,omitempty"`

	// HeaderB64 and PayloadB64 are the first two non-empty dot-separated
	// parts. The signature is checked over HeaderB64 + "." + PayloadB64,
	// which is not always the token's own bytes: "h..p.s" is read as "h.p.s".
	HeaderB64  string `json:"-"`
	PayloadB64 string `json:"-"`
	Signature  []byte `json:"-"`
}

// implementedAlgs is jwt.cc isImplemented.
var implementedAlgs = map[string]bool{
	"ES256": true, "ES384": true, "ES512": true,
	"HS256": true, "HS384": true, "HS512": true,
	"RS256": true, "RS384": true, "RS512": true,
	"PS256": true, "PS384": true, "PS512": true,
	"EdDSA": true,
}

// ImplementedAlg reports whether jwt_verify_lib accepts alg in a header.
func ImplementedAlg(alg string) bool { return implementedAlgs[alg] }

// Parse is Jwt::parseFromString (src/jwt.cc). It returns the JWT and OK, or
// nil and the first problem in upstream order: split, header base64, header
// JSON, alg, kid, payload base64, payload JSON, iss, sub, iat, nbf, exp, jti,
// aud, signature base64.
func Parse(token string) (*JWT, Status) {
	// absl::StrSplit(jwt, '.', absl::SkipEmpty()): empty parts vanish, so
	// ".h.p.s", "h..p.s" and "h.p.s." have three sections and "h.p." has two.
	parts := splitSkipEmpty(token)
	if len(parts) != 3 {
		return nil, JwtBadFormat
	}
	j := &JWT{HeaderB64: parts[0], PayloadB64: parts[1]}

	raw, ok := decodeBase64URL(parts[0])
	if !ok {
		return nil, JwtHeaderParseErrorBadBase64
	}
	header, ok := parseStruct(string(raw))
	if !ok {
		return nil, JwtHeaderParseErrorBadJSON
	}
	var r fieldResult
	if j.Alg, r = getString(header, "alg"); r != found {
		return nil, JwtHeaderBadAlg
	}
	if !implementedAlgs[j.Alg] {
		return nil, JwtHeaderNotImplementedAlg
	}
	if j.Kid, r = getString(header, "kid"); r == wrongType {
		return nil, JwtHeaderBadKid
	}

	if raw, ok = decodeBase64URL(parts[1]); !ok {
		return nil, JwtPayloadParseErrorBadBase64
	}
	payload, ok := parseStruct(string(raw))
	if !ok {
		return nil, JwtPayloadParseErrorBadJSON
	}
	if j.Iss, r = getString(payload, "iss"); r == wrongType {
		return nil, JwtPayloadParseErrorIssNotString
	}
	if j.Sub, r = getString(payload, "sub"); r == wrongType {
		return nil, JwtPayloadParseErrorSubNotString
	}
	times := []struct {
		name             string
		dst              *uint64
		notInt, outRange Status
	}{
		{"iat", &j.Iat, JwtPayloadParseErrorIatNotInteger, JwtPayloadParseErrorIatOutOfRange},
		{"nbf", &j.Nbf, JwtPayloadParseErrorNbfNotInteger, JwtPayloadParseErrorNbfOutOfRange},
		{"exp", &j.Exp, JwtPayloadParseErrorExpNotInteger, JwtPayloadParseErrorExpOutOfRange},
	}
	for _, tc := range times {
		switch *tc.dst, r = getUint64(payload, tc.name); r {
		case wrongType:
			return nil, tc.notInt
		case outOfRange:
			return nil, tc.outRange
		}
	}
	if j.Jti, r = getString(payload, "jti"); r == wrongType {
		return nil, JwtPayloadParseErrorJtiNotString
	}
	if j.Audiences, r = getStringList(payload, "aud"); r == wrongType {
		return nil, JwtPayloadParseErrorAudNotString
	}

	if j.Signature, ok = decodeBase64URL(parts[2]); !ok {
		return nil, JwtSignatureParseErrorBadBase64
	}
	return j, OK
}

// splitSkipEmpty stops at a fourth part: beyond three only the count matters,
// and a token of dots must not cost a slice as long as itself.
func splitSkipEmpty(s string) []string {
	parts := make([]string, 0, 4)
	for len(s) > 0 && len(parts) < 4 {
		i := strings.IndexByte(s, '.')
		if i < 0 {
			i = len(s)
		}
		if i > 0 {
			parts = append(parts, s[:i])
		}
		if i == len(s) {
			break
		}
		s = s[i+1:]
	}
	return parts
}

// SignedInput is the byte string the signature covers, as upstream builds it.
func (j *JWT) SignedInput() string { return j.HeaderB64 + "." + j.PayloadB64 }

// CheckTime is Jwt::verifyTimeConstraint in uint64 seconds, wrap-around
// included: an exp within skew of 2^64 overflows exp+skew and so reads as
// expired, as it does in Envoy. iat is never checked.
func (j *JWT) CheckTime(now, skew uint64) Status {
	if now+skew < j.Nbf {
		return JwtNotYetValid
	}
	if j.Exp != 0 && now > j.Exp+skew {
		return JwtExpired
	}
	return OK
}

// ValidFrom is the first instant Envoy lets the token through on time
// grounds (nbf − skew, in whole seconds); zero when nbf is no constraint.
func (j *JWT) ValidFrom(skew time.Duration) time.Time {
	s := skewSeconds(skew)
	if j.Nbf <= s || j.Nbf-s > maxUnixSeconds {
		return time.Time{}
	}
	return time.Unix(int64(j.Nbf-s), 0).UTC()
}

// ExpiredFrom is the first instant Envoy answers JwtExpired (the second
// after exp + skew), and false when it never does (no exp, or an exp too
// far for a time.Time). An exp whose exp+skew wraps past 2^64 is expired
// almost from the epoch, as in Envoy.
func (j *JWT) ExpiredFrom(skew time.Duration) (time.Time, bool) {
	if j.Exp == 0 {
		return time.Time{}, false
	}
	limit := j.Exp + skewSeconds(skew)
	if limit >= maxUnixSeconds && limit >= j.Exp {
		return time.Time{}, false
	}
	return time.Unix(int64(limit)+1, 0).UTC(), true
}

// maxUnixSeconds keeps time.Unix from overflowing its internal epoch shift.
const maxUnixSeconds = math.MaxInt64 - 62135596800 - 1

// fieldResult is StructUtils::FindResult.
type fieldResult int

const (
	found fieldResult = iota
	missing
	wrongType
	outOfRange
)

// getString is StructUtils::GetString: on a wrong type nothing is written.
func getString(o *object, name string) (string, fieldResult) {
	v, ok := o.get(name)
	if !ok {
		return "", missing
	}
	if v.kind != kindString {
		return "", wrongType
	}
	return v.str, found
}

// getUint64 is StructUtils::GetUInt64: a number (no string spellings), not
// negative and below 2^64 as a double, truncated toward zero.
func getUint64(o *object, name string) (uint64, fieldResult) {
	v, ok := o.get(name)
	if !ok {
		return 0, missing
	}
	if v.kind != kindNumber {
		return 0, wrongType
	}
	if v.num < 0 || v.num >= 18446744073709551616.0 {
		return 0, outOfRange
	}
	return uint64(v.num), found
}

// getStringList is StructUtils::GetStringList: a string, or a list of
// strings only.
func getStringList(o *object, name string) ([]string, fieldResult) {
	v, ok := o.get(name)
	if !ok {
		return nil, missing
	}
	switch v.kind {
	case kindString:
		return []string{v.str}, found
	case kindList:
		out := make([]string, 0, len(v.list))
		for _, e := range v.list {
			if e.kind != kindString {
				return nil, wrongType
			}
			out = append(out, e.str)
		}
		return out, found
	}
	return nil, wrongType
}

// ClockSkew is the skew Envoy applies for a provider's clock_skew_seconds d
// (whole seconds; 0 means the default 60 s).
func ClockSkew(d time.Duration) time.Duration {
	return time.Duration(skewSeconds(d)) * time.Second
}

// skewSeconds is authenticator.cc's choice: clock_skew_seconds (a uint32 of
// whole seconds) when above 0, else kClockSkewInSecond. Envoy cannot be told
// to allow no skew at all.
func skewSeconds(d time.Duration) uint64 {
	s := d / time.Second
	if s <= 0 {
		return DefaultClockSkewSeconds
	}
	return uint64(min(s, math.MaxUint32))
}
