package envoy

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// DefaultClockSkewSeconds is jwt_verify_lib's kClockSkewInSecond, which
// Envoy uses whenever a provider's clock_skew_seconds is 0.
const DefaultClockSkewSeconds = 60

// maxRealmPath is filter.cc's MaximumUriLength: the realm carries at most
// this many bytes of the request path.
const maxRealmPath = 256

// Provider is one jwt_authn JwtProvider, reduced to what decides a verdict.
type Provider struct {
	// Issuer is the provider's issuer; "" accepts any iss (JwtIssuerChecker).
	Issuer string
	// Audiences is the provider's audiences; empty means not checked.
	Audiences []string
	// JWKS is the parsed local_jwks (ParseJWKS) or, with RemoteJWKS, the
	// body remote_jwks serves. nil, or a set whose Status is not OK, is what
	// Envoy is left with after an invalid JWKS: it logs the parse status and
	// answers JwksNoValidKeys for a local set, JwksFetchFail for a remote one.
	JWKS       *JWKS
	RemoteJWKS bool
	// ClockSkew is clock_skew_seconds, in whole seconds. Below one second it
	// means Envoy's default of 60 s: Envoy reads 0 as "use the default", so
	// no configuration gives zero skew.
	ClockSkew time.Duration
	// RequestURI is the request's scheme://host/path, which Envoy puts in the
	// WWW-Authenticate realm (the path cut to 256 bytes). Empty writes a
	// "<request uri>" placeholder.
	RequestURI string
	// StripFailureResponse is the filter's strip_failure_response: no body
	// and no WWW-Authenticate on failures.
	StripFailureResponse bool
}

// Verdict is jwt_authn's answer to one request carrying one token.
type Verdict struct {
	Status Status `json:"status"` // upstream enumerator name in JSON
	Code   int    `json:"code"`   // the enum's number (failed_status_in_metadata "code")
	Reason string `json:"reason"` // getStatusString, e.g. "Jwt is expired"
	// Step is the check that decided: parse, issuer, time, audience, jwks,
	// signature, or passed.
	Step string `json:"step"`
	// HTTPStatus is 200 when the request goes on to the upstream, 403 for
	// JwtAudienceNotAllowed, 401 otherwise.
	HTTPStatus int `json:"http_status"`
	// Body is the local reply's body: the status text.
	Body string `json:"body,omitempty"`
	// WWWAuthenticate is the response header value: Bearer realm="<uri>",
	// plus error="invalid_token" for every failure but JwtMissed.
	WWWAuthenticate string `json:"www_authenticate,omitempty"`
	// ResponseCodeDetails is the access-log detail,
	// jwt_authn_access_denied{Jwt_is_expired}.
	ResponseCodeDetails string `json:"response_code_details,omitempty"`
	SkewSeconds         uint64 `json:"skew_seconds"`
	// JWKSStatus is the key set's own status when it was unusable (what
	// Envoy logs as "Invalid inline jwks"), else OK.
	JWKSStatus Status `json:"jwks_status"`
	// JWT is what Envoy read from the token; nil when it failed to parse.
	JWT *JWT `json:"jwt,omitempty"`
}

// Passed reports whether Envoy lets the request through.
func (v Verdict) Passed() bool { return v.Status == OK }

// Verify is jwt_authn's authenticator (authenticator.cc startVerify) and
// filter (filter.cc onComplete) for one token, as extracted from the
// request: parse, issuer, time (nbf/exp with skew), audience, key set,
// signature. An expired token is "Jwt is expired" even when its signature
// is bad, and a token of another issuer never reaches the key set. The
// provider's subjects, max_lifetime and require_expiration are not modelled
// (none is set by default).
func Verify(token string, p Provider, now time.Time) Verdict {
	skew := skewSeconds(p.ClockSkew)
	j, st := Parse(token)
	if st != OK {
		return p.respond(st, "parse", skew, nil)
	}
	if p.Issuer != "" && j.Iss != p.Issuer {
		return p.respond(JwtUnknownIssuer, "issuer", skew, j)
	}
	if st := j.CheckTime(uint64(now.Unix()), skew); st != OK {
		return p.respond(st, "time", skew, j)
	}
	if !AudiencesAllowed(p.Audiences, j.Audiences) {
		return p.respond(JwtAudienceNotAllowed, "audience", skew, j)
	}
	if set := p.JWKS.Status(); set != OK {
		st := JwksNoValidKeys
		if p.RemoteJWKS {
			st = JwksFetchFail
		}
		v := p.respond(st, "jwks", skew, j)
		v.JWKSStatus = set
		return v
	}
	st = VerifySignature(j, p.JWKS)
	step := "signature"
	if st == OK {
		step = "passed"
	}
	return p.respond(st, step, skew, j)
}

// Respond is the filter's answer for a status reached some other way, such
// as JwtMissed for a request with no token at all.
func Respond(st Status, p Provider) Verdict {
	step := "passed"
	switch {
	case st == JwtMissed:
		step = "extract"
	case st != OK:
		step = "parse"
	}
	return p.respond(st, step, skewSeconds(p.ClockSkew), nil)
}

func (p Provider) respond(st Status, step string, skew uint64, j *JWT) Verdict {
	v := Verdict{Status: st, Code: st.Code(), Reason: st.String(), Step: step, SkewSeconds: skew, JWT: j}
	if st == OK {
		v.HTTPStatus = http.StatusOK
		return v
	}
	v.HTTPStatus = http.StatusUnauthorized
	if st == JwtAudienceNotAllowed {
		v.HTTPStatus = http.StatusForbidden
	}
	v.ResponseCodeDetails = ResponseCodeDetails(st)
	if p.StripFailureResponse {
		return v
	}
	v.Body = st.String()
	v.WWWAuthenticate = fmt.Sprintf(`Bearer realm="%s"`, realm(p.RequestURI))
	if st != JwtMissed {
		v.WWWAuthenticate += `, error="invalid_token"`
	}
	return v
}

// ResponseCodeDetails is filter.cc generateRcDetails: the status text with
// every space, tab, newline, CR, FF and VT turned into '_'
// (StringUtil::replaceAllEmptySpace), in jwt_authn_access_denied{…}.
func ResponseCodeDetails(st Status) string {
	msg := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\f', '\v', '\n', '\r':
			return '_'
		}
		return r
	}, st.String())
	return "jwt_authn_access_denied{" + msg + "}"
}

// realm is Http::Utility::buildOriginalUri(headers, 256): scheme://host and
// at most 256 bytes of the path (query included, as in :path).
func realm(uri string) string {
	if uri == "" {
		return "<request uri>"
	}
	scheme, rest, ok := strings.Cut(uri, "://")
	if !ok {
		return uri
	}
	host, path, ok := strings.Cut(rest, "/")
	if !ok || len(path)+1 <= maxRealmPath {
		return uri
	}
	return scheme + "://" + host + "/" + path[:maxRealmPath-1]
}
