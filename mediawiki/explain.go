package mediawiki

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/mwoauth/mwoauth/jwtutil"
)

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
	Numeric  bool   // MediaWiki's parser reads it as a date
	Date     jwtutil.NumericDate
	Relative string // "expires in 41m", "issued 3h ago"
}

// Gateway is what Wikimedia's edge keys a request on: sub, the
// rate-limit class rlc (added by the GetSessionJwtData hook on master,
// T409305) and OAuthRateLimiter's ratelimit claim, which the gateway does
// not enforce.
type Gateway struct {
	Sub       string   `json:"sub"`
	RLC       string   `json:"rlc,omitempty"`
	RateLimit string   `json:"ratelimit,omitempty"`
	Notes     []string `json:"notes,omitempty"`
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
	Gateway     Gateway
	// Parse is MediaWiki's parser's verdict on the token's bytes (for the
	// version explained): Reason is "" when it parses.
	Parse    ParseOutcome
	Warnings []Warning
}

// Explain interprets t as the MediaWiki version of r would, at instant now.
// It never checks the signature and says so in its warnings. Its warnings
// agree with Judge: what MediaWiki's parser refuses is said here too, with
// the same reason text.
func Explain(t *jwtutil.Token, now time.Time, r Rules) *Explanation {
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
		warn("crit-header", "header has crit %s: mwoauth verify refuses an unsupported critical extension (RFC 7515 §4.1.11); MediaWiki's parser never reads crit and accepts the token", jwtutil.CompactJSON(crit))
	}
	if _, ok := t.Header["enc"]; ok {
		warn("enc-header", "header has enc: MediaWiki's JWT parser refuses it (%q)", LcobucciEncryption)
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
	for _, d := range t.Deviations {
		switch d.Code {
		case jwtutil.DevPadding:
			warn("base64-padding", "the %s carries '=' padding, which base64url in a JWT omits: MediaWiki's parser refuses it (%q)", d.Segment, LcobucciBadBase64)
		case jwtutil.DevTrailingBits:
			warn("base64-trailing-bits", "the %s's last base64url character has non-zero unused bits: a second spelling of the same bytes, which MediaWiki's parser refuses (%q)", d.Segment, LcobucciBadBase64)
		case jwtutil.DevInvalidUTF8:
			warn("json-invalid-utf8", "the %s holds invalid UTF-8: MediaWiki's parser refuses it (%q)", d.Segment, LcobucciBadJSON)
		case jwtutil.DevSurrogate:
			warn("json-surrogate", "the %s holds an unpaired \\uD800-\\uDFFF escape: MediaWiki's parser refuses it (%q)", d.Segment, LcobucciBadJSON)
		case jwtutil.DevDepth:
			warn("json-depth", "the %s nests deeper than 512 levels: MediaWiki's parser refuses it (%q)", d.Segment, LcobucciBadJSON)
		case jwtutil.DevEmptyKey:
			if r.LcobucciMajor >= 5 {
				warn("empty-key", "the %s has a member named \"\": MediaWiki's parser (lcobucci/jwt 5) refuses it", d.Segment)
			} else {
				warn("empty-key", "the %s has a member named \"\": MediaWiki %s's parser (lcobucci/jwt 4) accepts it; master's refuses it", d.Segment, r.Version)
			}
		}
	}
	for _, d := range t.Duplicates {
		warn("duplicate-claim", "claim %q appears more than once; MediaWiki (PHP's json_decode), Go and mwoauth keep the last value, other parsers may not", d)
	}
	if e.Parse = ParseLikeLcobucci(t.Raw, r.LcobucciMajor); e.Parse.Reason != "" {
		warn("mediawiki-parse", "MediaWiki %s's parser refuses the token: %s", r.Version, e.Parse.Reason)
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
	accessToken := e.Kind == KindAccessToken || e.Kind == KindUnknown
	switch e.Subject.Format {
	case SubEmpty:
		switch {
		case !accessToken:
		case r.ClientCredentialsOwnerSub:
			warn("sub-empty", "empty sub: MediaWiki up to REL1_45 writes it in client_credentials tokens of normal clients; %s writes the owner's mw: id there instead, so this token is older or not from it (requests still run anonymously when the token row's acceptance is 0)", r.Version)
		default:
			warn("sub-empty", "empty sub: a client_credentials token of a normal (not owner-only) client; MediaWiki treats requests with it as anonymous (user id 0)")
		}
	case SubLegacy:
		if accessToken && r.MWSubject {
			warn("sub-legacy", "sub is a bare central id: MediaWiki %s writes that only in owner-only tokens, mw:<scope>:<id> in every other (it still accepts a bare id)", r.Version)
		}
	case SubInvalid:
		warn("sub-invalid", "sub %s is neither a central user id nor mw:<scope>:<id>; MediaWiki rejects it", jwtutil.CompactJSON(t.Claims["sub"]))
	}
	if e.Kind == KindOwnerOnly && e.Subject.Format != SubLegacy {
		warn("owner-only-sub", "owner-only tokens carry the bare central id of the owner as sub, this one has %q", e.Subject.Raw)
	}
	if accessToken && r.GrantTypeClaim && e.GrantType == "" && e.Kind == KindAccessToken {
		warn("grant-type-missing", "no grant_type: MediaWiki %s writes it in every token but owner-only ones", r.Version)
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
		ti := TimeInfo{Claim: name, Raw: tc.Raw, Form: tc.Form, Numeric: tc.Numeric, Date: tc.Date}
		if tc.Numeric {
			ti.Relative = jwtutil.RelativeForDate(name, jwtutil.Date(now), tc.Date)
		}
		e.Times = append(e.Times, ti)
		switch {
		case !tc.Numeric && name == "sxp":
			warn("time-invalid", "sxp is %s, not a number", jwtutil.CompactJSON(t.Claims[name]))
			continue
		case !tc.Numeric:
			warn("time-invalid", "%s is %s, which MediaWiki's parser cannot read as a date (%s)", name, jwtutil.CompactJSON(t.Claims[name]), dateRefusal(tc))
			continue
		case tc.Form == jwtutil.TimeString:
			warn("time-string", "%s is a string; MediaWiki accepts numeric strings but Envoy rejects them (\"Jwt payload [%s] field is not an integer\")", name, name)
		}
		if tc.Millis {
			warn("time-millis", "%s looks like milliseconds (year %d); NumericDate is seconds since 1970", name, jwtutil.YearOf(tc.Date))
		}
		if tc.Date.Sec < 0 {
			warn("time-negative", "%s is negative; Envoy rejects it (\"Jwt payload [%s] field is not a positive 64 bit integer\")", name, name)
		}
	}
	if exp, ok := times["exp"]; ok && exp.Numeric {
		if iat, ok := times["iat"]; ok && iat.Numeric && iat.Date.After(exp.Date) {
			warn("iat-after-exp", "iat is after exp: the token was never valid")
		}
		if nbf, ok := times["nbf"]; ok && nbf.Numeric && nbf.Date.After(exp.Date) {
			warn("nbf-after-exp", "nbf is after exp: the token can never be used")
		}
	} else if !ok && (e.Kind == KindAccessToken || e.Kind == KindUnknown) {
		warn("exp-missing", "no exp: MediaWiki and Envoy accept the token forever (exp is optional for both)")
	}
	if iat, ok := times["iat"]; ok && iat.Numeric && iat.Date.After(jwtutil.Date(now)) {
		warn("iat-future", "iat is in the future: MediaWiki rejects the token until then (\"The token was issued in the future\"); Envoy does not check iat")
	}
	if e.Kind == KindSessionJWT {
		warn("soft-expiry", "sxp is a soft expiry: MediaWiki itself ignores it (it only refreshes the cookie); edge infrastructure treats the session as anonymous after it")
	}
	e.Gateway = gateway(e, r)
	return e
}

// dateRefusal words lcobucci's refusal of a date claim.
func dateRefusal(tc jwtutil.TimeClaim) string {
	if tc.Status == jwtutil.DateTypeError {
		return "a PHP TypeError in convertDate: MediaWiki fails with an internal error"
	}
	return fmt.Sprintf("%q", LcobucciDateFormat+tc.PHPText)
}

// gateway describes what the edge keys on.
func gateway(e *Explanation, r Rules) Gateway {
	g := Gateway{Sub: e.Subject.Raw, RLC: e.RLC, RateLimit: e.RateLimit}
	if e.RLC != "" {
		g.Notes = append(g.Notes, "rlc is the rate-limit class Wikimedia's GetSessionJwtData hook adds (from the client owner's global groups, else established-user or authed-user); the edge keys its limits on rlc and sub (T409305)")
	} else if r.SessionHookClaims && e.Kind == KindAccessToken {
		g.Notes = append(g.Notes, "no rlc: on Wikimedia, master adds the rate-limit class rlc to every token but owner-only ones, and the edge keys its limits on it (T409305); this token was not issued so, or not by Wikimedia")
	}
	if e.RateLimit != "" {
		g.Notes = append(g.Notes, "ratelimit is OAuthRateLimiter's tier claim; the gateway does not enforce it (T409305 moves the edge to rlc)")
	}
	return g
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
