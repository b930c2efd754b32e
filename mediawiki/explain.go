package mediawiki

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mwoauth/mwoauth/jwtutil"
)

// Token kinds Explain recognises.
const (
	KindAccessToken = "oauth2-access-token"
	KindOwnerOnly   = "oauth2-owner-only-access-token"
	KindSessionJWT  = "session-jwt"
	KindIdentify    = "oauth1-identify-jwt"
	KindUnknown     = "unknown"
)

var kindLabels = map[string]string{
	KindAccessToken: "OAuth 2 access token",
	KindOwnerOnly:   "OAuth 2 owner-only access token (exp 1000 years after issue: never expires)",
	KindSessionJWT:  "core session JWT (sessionJwt cookie, soft expiry sxp)",
	KindIdentify:    "OAuth 1 identify JWT (Special:OAuth/identify, HS256 with the consumer secret)",
	KindUnknown:     "JWT not shaped like anything MediaWiki issues",
}

// KindLabel is the human name of a kind.
func KindLabel(kind string) string { return kindLabels[kind] }

// Subject formats (Explanation.Subject.Format).
const (
	SubLegacy      = "legacy"      // "12345": bare central user id
	SubCentralAuth = "centralauth" // "mw:CentralAuth::12345"
	SubLocal       = "local"       // "mw:local:WIKI:12345"
	SubScoped      = "scoped"      // "mw:<provider>:<instance>:12345", another CentralIdLookup
	SubAnon        = "anon"        // "mw:anon" (session JWTs)
	SubEmpty       = "empty"       // "": client_credentials token of a normal client
	SubMissing     = "missing"
	SubInvalid     = "invalid"
)

// Subject is the decoded sub claim (facts §4.3).
type Subject struct {
	Raw       string  `json:"raw"`
	Format    string  `json:"format"`
	CentralID *int64  `json:"central_id"`
	Wiki      *string `json:"wiki"`
	Provider  string  `json:"provider,omitempty"`
	Meaning   string  `json:"meaning"`
}

// Warning is one thing about a token worth a second look.
type Warning struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// TimeInfo is one time claim, judged at the explanation's instant.
type TimeInfo struct {
	Claim    string
	Raw      string // the value as written
	Form     string // jwtutil.TimeInt, jwtutil.TimeFloat, jwtutil.TimeString, jwtutil.TimeOther
	Numeric  bool
	Time     time.Time
	Relative string // "expires in 41m", "issued 3h ago"
}

// Explanation is what a MediaWiki developer wants to know about a token
// without a key: its kind, whose it is, which consumer, and what looks off.
type Explanation struct {
	Kind        string
	KindLabel   string
	Subject     Subject
	ConsumerKey string // aud, or aud[0] of a list (what MediaWiki uses)
	Issuer      string
	JTI         string
	Scopes      []string
	RateLimit   string // "5000 requests/hour" from the OAuthRateLimiter claim
	GrantType   string
	RLC         string
	Times       []TimeInfo
	Warnings    []Warning
}

// allDigits reports whether s is one or more ASCII digits (^[0-9]+$).
// Plain loops rather than regexps: compiling ^[0-9a-f]{80}$ unrolls the
// repetition 80 times, a measurable part of a one-token verify process.
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// isHexJTI reports whether s is MediaWiki's access-token jti: 80 lowercase
// hex digits (^[0-9a-f]{80}$).
func isHexJTI(s string) bool {
	if len(s) != 80 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// ownerOnlyMin separates the owner-only token (exp = iat + P1000Y) from
// any configured lifetime; $wgOAuth2GrantExpirationInterval "infinity" also
// gives 1000 years and is reported the same way.
const ownerOnlyMinYears = 900

// Explain interprets t as MediaWiki would, at instant now. It never checks
// the signature and says so in its warnings.
func Explain(t *jwtutil.Token, now time.Time) *Explanation {
	e := &Explanation{}
	warn := func(code, format string, a ...any) {
		e.Warnings = append(e.Warnings, Warning{Code: code, Message: fmt.Sprintf(format, a...)})
	}

	e.Kind = DetectKind(t)
	e.KindLabel = kindLabels[e.Kind]
	e.Issuer, _ = t.StringClaim("iss")
	e.JTI, _ = t.StringClaim("jti")
	e.GrantType, _ = t.StringClaim("grant_type")
	e.RLC, _ = t.StringClaim("rlc")
	e.Scopes = jwtutil.StringList(t.Claims["scopes"])
	e.RateLimit = rateLimit(t.Claims["ratelimit"])
	e.Subject = ParseSubject(t.Claims["sub"], t.Has("sub"))

	warn("signature-unverified", "signature not verified: decode never checks it; run \"mwoauth token verify\" before trusting any claim")

	// Header.
	alg := t.Alg()
	switch {
	case alg == "" && t.Header["alg"] != nil:
		warn("alg-invalid", "header alg is not a string; MediaWiki and Envoy reject the token")
	case alg == "":
		warn("alg-missing", "header has no alg; MediaWiki and Envoy reject the token")
	case strings.EqualFold(alg, "none"):
		warn("alg-none", "alg is %q: the token is unsigned; MediaWiki, Envoy and mwoauth verify all reject it", alg)
	case e.Kind == KindIdentify && alg != "HS256":
		warn("alg-unexpected", "alg is %s; Special:OAuth/identify signs with HS256", alg)
	case e.Kind != KindIdentify && alg != "RS256":
		warn("alg-unexpected", "alg is %s; MediaWiki signs access tokens and session JWTs with RS256 only and rejects anything else (\"Token signer mismatch\")", alg)
	}
	if kid, ok := t.Header["kid"]; ok {
		warn("kid-present", "header has kid %s: MediaWiki never sets one, so this token was not issued by MediaWiki as is (Envoy then needs a JWKS key with that kid)", jwtutil.CompactJSON(kid))
	}
	if crit, ok := t.Header["crit"]; ok {
		warn("crit-header", "header has crit %s: unsupported critical extension; mwoauth verify refuses the token (MediaWiki ignores crit)", jwtutil.CompactJSON(crit))
	}
	if _, ok := t.Header["enc"]; ok {
		warn("enc-header", "header has enc: MediaWiki's JWT parser rejects tokens with an enc header")
	}
	for _, k := range []string{"jwk", "jku", "x5u", "x5c"} {
		if _, ok := t.Header[k]; ok {
			warn("header-key-material", "header carries %s: keys named by a token must never be trusted; MediaWiki and mwoauth ignore it", k)
		}
	}
	if typ, ok := t.Header["typ"]; ok {
		if s, _ := typ.(string); s != "JWT" {
			warn("typ-unexpected", "header typ is %s; MediaWiki writes \"JWT\"", jwtutil.CompactJSON(typ))
		}
	}
	if t.Padded {
		warn("base64-padding", "segments carry '=' padding, which JWTs omit; some verifiers reject it")
	}
	for _, d := range t.Duplicates {
		warn("duplicate-claim", "claim %q appears more than once; MediaWiki and Go keep the last value, other parsers may not", d)
	}

	// aud.
	e.ConsumerKey = ConsumerKey(t)
	switch aud := t.Claims["aud"].(type) {
	case string:
	case []any:
		warn("aud-list", "aud is a list of %d; MediaWiki writes a single string and uses only the first element as the client id", len(aud))
	case nil:
		if e.Kind == KindAccessToken || e.Kind == KindOwnerOnly {
			warn("aud-missing", "no aud: MediaWiki cannot tell which consumer the token belongs to")
		}
	default:
		warn("aud-invalid", "aud is %s, neither a string nor a list; Envoy rejects it (\"Jwt payload [aud] field is not a string or string list\")", jwtutil.CompactJSON(aud))
	}

	// sub.
	switch e.Subject.Format {
	case SubEmpty:
		if e.Kind == KindAccessToken || e.Kind == KindUnknown {
			warn("sub-empty", "empty sub: a client_credentials token of a normal (not owner-only) client; MediaWiki treats requests with it as anonymous (user id 0)")
		}
	case SubInvalid:
		warn("sub-invalid", "sub %s is neither a central user id nor mw:<scope>:<id>; MediaWiki rejects it", jwtutil.CompactJSON(t.Claims["sub"]))
	}
	if e.Kind == KindOwnerOnly && e.Subject.Format != SubLegacy {
		warn("owner-only-sub", "owner-only tokens carry the bare central id of the owner as sub, this one has %q", e.Subject.Raw)
	}
	if e.JTI != "" && (e.Kind == KindAccessToken || e.Kind == KindOwnerOnly) && !isHexJTI(e.JTI) {
		warn("jti-format", "jti is not 80 lowercase hex characters like MediaWiki's oaat_identifier")
	}
	if v, ok := t.Claims["jti"]; ok {
		if _, isStr := v.(string); !isStr {
			warn("jti-invalid", "jti is %s, not a string; Envoy rejects it", jwtutil.CompactJSON(v))
		}
	}
	if v, ok := t.Claims["iss"]; ok {
		if _, isStr := v.(string); !isStr {
			warn("iss-invalid", "iss is %s, not a string; Envoy rejects it", jwtutil.CompactJSON(v))
		}
	}

	// Times.
	times := map[string]jwtutil.TimeClaim{}
	for _, name := range jwtutil.TimeClaimNames {
		tc := t.TimeClaim(name)
		if !tc.Present {
			continue
		}
		times[name] = tc
		ti := TimeInfo{Claim: name, Raw: tc.Raw, Form: tc.Form, Numeric: tc.Numeric, Time: tc.Time}
		if tc.Numeric {
			ti.Relative = jwtutil.RelativeFor(name, now, tc.Time)
		}
		e.Times = append(e.Times, ti)
		switch {
		case !tc.Numeric:
			warn("time-invalid", "%s is %s, not a number; MediaWiki cannot parse the token", name, jwtutil.CompactJSON(t.Claims[name]))
			continue
		case tc.Form == jwtutil.TimeString:
			warn("time-string", "%s is a string; MediaWiki accepts numeric strings but Envoy rejects them (\"Jwt payload [%s] field is not an integer\")", name, name)
		}
		if tc.Millis {
			warn("time-millis", "%s looks like milliseconds (year %d); NumericDate is seconds since 1970", name, tc.Time.Year())
		}
		if tc.Time.Unix() < 0 {
			warn("time-negative", "%s is negative; Envoy rejects it (\"Jwt payload [%s] field is not a positive 64 bit integer\")", name, name)
		}
	}
	if exp, ok := times["exp"]; ok && exp.Numeric {
		if iat, ok := times["iat"]; ok && iat.Numeric && iat.Time.After(exp.Time) {
			warn("iat-after-exp", "iat is after exp: the token was never valid")
		}
		if nbf, ok := times["nbf"]; ok && nbf.Numeric && nbf.Time.After(exp.Time) {
			warn("nbf-after-exp", "nbf is after exp: the token can never be used")
		}
	} else if !ok && (e.Kind == KindAccessToken || e.Kind == KindUnknown) {
		warn("exp-missing", "no exp: MediaWiki and Envoy accept the token forever (exp is optional for both)")
	}
	if iat, ok := times["iat"]; ok && iat.Numeric && iat.Time.After(now) {
		warn("iat-future", "iat is in the future: MediaWiki rejects the token until then (\"The token was issued in the future\"); Envoy does not check iat")
	}
	if e.Kind == KindSessionJWT {
		warn("soft-expiry", "sxp is a soft expiry: MediaWiki itself ignores it (it only refreshes the cookie); edge infrastructure treats the session as anonymous after it")
	}
	return e
}

// DetectKind says which of the JWTs MediaWiki issues t looks like.
func DetectKind(t *jwtutil.Token) string {
	switch {
	case t.Has("sxp"):
		return KindSessionJWT
	case !t.Has("scopes") && (t.Has("username") || t.Has("nonce") || t.Has("editcount") || t.Has("grants") ||
		(strings.HasPrefix(t.Alg(), "HS") && t.Has("aud") && !t.Has("jti"))):
		return KindIdentify
	case t.Has("scopes") || (t.Has("jti") && t.Has("aud")):
		if exp, ok := t.NumericTime("exp"); ok && !t.TimeClaim("exp").Millis {
			start, ok := t.NumericTime("iat")
			if !ok {
				start, ok = t.NumericTime("nbf")
			}
			if ok && exp.After(start.AddDate(ownerOnlyMinYears, 0, 0)) {
				return KindOwnerOnly
			}
		}
		return KindAccessToken
	}
	return KindUnknown
}

// ParseSubject decodes a sub claim in the forms MediaWiki writes (facts
// §4.3): a bare central id, mw:CentralAuth::<id>, mw:local:<wiki>:<id>,
// mw:<provider>:<instance>:<id>, mw:anon, or "".
func ParseSubject(v any, present bool) Subject {
	if !present {
		return Subject{Format: SubMissing, Meaning: "no sub claim"}
	}
	s, ok := v.(string)
	if !ok {
		return Subject{Raw: jwtutil.CompactJSON(v), Format: SubInvalid, Meaning: "sub is not a string"}
	}
	sub := Subject{Raw: s}
	id := func(digits string) bool {
		n, err := strconv.ParseInt(digits, 10, 64)
		if err != nil || !allDigits(digits) {
			return false
		}
		sub.CentralID = &n
		return true
	}
	switch {
	case s == "":
		sub.Format = SubEmpty
		sub.Meaning = "no user: client_credentials token of a normal client (anonymous)"
		return sub
	case allDigits(s) && id(s):
		sub.Format = SubLegacy
		sub.Meaning = "central user id " + s + " (bare id)"
		return sub
	case s == "mw:anon":
		sub.Format = SubAnon
		sub.Meaning = "anonymous session"
		return sub
	case strings.HasPrefix(s, "mw:"):
		parts := strings.Split(s[3:], ":")
		last := parts[len(parts)-1]
		if len(parts) >= 2 && id(last) {
			scope := parts[:len(parts)-1]
			switch {
			case len(scope) == 2 && scope[0] == "CentralAuth" && scope[1] == "":
				sub.Format = SubCentralAuth
				sub.Provider = "CentralAuth"
				sub.Meaning = "CentralAuth global user id " + last
				return sub
			case len(scope) == 2 && scope[0] == "local" && scope[1] != "":
				wiki := scope[1]
				sub.Format, sub.Provider, sub.Wiki = SubLocal, "local", &wiki
				sub.Meaning = "user id " + last + " on wiki " + wiki + " (LocalIdLookup)"
				return sub
			case len(scope) == 2 && scope[0] != "" && scope[0] != "local" && scope[0] != "CentralAuth":
				inst := scope[1]
				sub.Format, sub.Provider = SubScoped, scope[0]
				if inst != "" {
					sub.Wiki = &inst
				}
				sub.Meaning = "central id " + last + " from lookup " + scope[0]
				return sub
			}
			sub.CentralID = nil
		}
	}
	sub.Format = SubInvalid
	sub.Meaning = "not a form MediaWiki writes or accepts"
	return sub
}

// rateLimit renders OAuthRateLimiter's {"requests_per_unit":5000,"unit":"HOUR"}.
func rateLimit(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		if v == nil {
			return ""
		}
		return jwtutil.CompactJSON(v)
	}
	n, nok := m["requests_per_unit"].(json.Number)
	unit, uok := m["unit"].(string)
	if !nok || !uok {
		return jwtutil.CompactJSON(v)
	}
	s := fmt.Sprintf("%s requests/%s", n, strings.ToLower(unit))
	var extra []string
	for k := range m {
		if k != "requests_per_unit" && k != "unit" {
			extra = append(extra, k+"="+jwtutil.CompactJSON(m[k]))
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		s += " (" + strings.Join(extra, ", ") + ")"
	}
	return s
}
