package jwtutil

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// MediaWiki's answers (facts §6.1, e2e §7). Every token failure on the
// Action API is the same text; league's more precise hint only reaches
// clients of rest.php/oauth2/resource/*.
const (
	MWInvalidAuthorization    = "mwoauth-invalid-authorization"
	MWInvalidAuthorizationMsg = "The authorization headers in your request are not valid: Invalid access token"
	MWNotApproved             = "mwoauth-invalid-authorization-not-approved"
	MWInvalidJWTCookie        = "mwoauth-invalid-authorization-jwt"
	LeagueAccessDenied        = "access_denied"
	LeagueAccessDeniedDesc    = "The resource owner or authorization server denied the request."
	HintNotVerified           = "Access token could not be verified"
	HintRevoked               = "Access token has been revoked"
)

// MWNotApprovedMsg is mwoauth-invalid-authorization-not-approved's text; the
// consumer's name is disclosed even when the consumer is suppressed.
func MWNotApprovedMsg(consumerName string) string {
	return fmt.Sprintf("The app that you are trying to connect seems to be set up incorrectly. Contact the author of %q for help.", consumerName)
}

// HTTPAnswer is one predicted HTTP response.
type HTTPAnswer struct {
	Status  int      `json:"status"`
	Headers []string `json:"headers,omitempty"`
	Code    string   `json:"code,omitempty"`    // Action API error code, or league "error"
	Message string   `json:"message,omitempty"` // Action API info, or league error_description
	Hint    string   `json:"hint,omitempty"`    // league hint
	Body    string   `json:"body,omitempty"`
	Note    string   `json:"note,omitempty"` // our remark on the answer, not part of it
}

// MediaWikiVerdict predicts what the wiki (REL1_43 and master alike) answers
// to a request carrying the token: zero leeway, RS256 only.
type MediaWikiVerdict struct {
	Applicable  bool        `json:"applicable"`
	Accepted    bool        `json:"accepted"`
	Reason      string      `json:"reason"`               // league/lcobucci's internal reason
	DependsOn   []string    `json:"depends_on,omitempty"` // conditions not checked (no database)
	ActionAPI   *HTTPAnswer `json:"action_api,omitempty"`
	RESTProfile *HTTPAnswer `json:"rest_profile,omitempty"`
	Note        string      `json:"note,omitempty"`
}

// EnvoyVerdict predicts Envoy jwt_authn's answer with a provider whose
// issuer/audiences are the verify options and whose JWKS holds the key.
type EnvoyVerdict struct {
	Status          int    `json:"status"` // 200: passed on to the upstream
	Reason          string `json:"reason"`
	WWWAuthenticate string `json:"www_authenticate"`
	Details         string `json:"response_code_details,omitempty"`
	SkewSeconds     int64  `json:"skew_seconds"`
}

// TimelineEvent is one instant that matters for the token.
type TimelineEvent struct {
	At    time.Time   `json:"-"`
	UTC   string      `json:"utc"`
	Unix  json.Number `json:"unix"`
	Event string      `json:"event"`
}

// Timeline is sorted by time.
type Timeline []TimelineEvent

func mediaWikiVerdict(t *Token, kind string, sigOK bool, o VerifyOptions) MediaWikiVerdict {
	v := MediaWikiVerdict{Applicable: true}
	if kind == KindIdentify {
		v.Applicable = false
		v.Note = "OAuth 1 identify JWTs are checked by the consumer with its secret; MediaWiki never receives them back"
		return v
	}
	// League's order: parse, LooseValidAt (zero leeway), SignedWith RS256, revocation.
	reason := ""
	if _, ok := t.Header["enc"]; ok {
		reason = "Encryption is not supported yet"
	}
	for _, name := range []string{"iat", "nbf", "exp"} {
		if reason != "" {
			break
		}
		tc := t.TimeClaim(name)
		switch {
		case !tc.Present:
		case !tc.Numeric:
			reason = fmt.Sprintf("Value %q is not in the allowed date format", tc.Raw)
		case name == "iat" && tc.Time.After(o.Now):
			reason = "The token was issued in the future"
		case name == "nbf" && tc.Time.After(o.Now):
			reason = "The token cannot be used yet"
		case name == "exp" && !o.Now.Before(tc.Time):
			reason = "The token is expired"
		}
	}
	if reason == "" && t.Alg() != "RS256" {
		reason = "Token signer mismatch"
	}
	if reason == "" && !sigOK {
		reason = "Token signature mismatch"
		if !KnownAlg(t.Alg()) || len(o.Keys)+len(o.JWKS) == 0 {
			reason = "Token signature mismatch (no wiki public key given: assumed)"
		}
	}
	hint := HintNotVerified
	ws := o.WikiState
	if reason == "" && ws != nil && kind != KindSessionJWT {
		if !ws.TokenRowFound || ws.Revoked {
			reason, hint = "isAccessTokenRevoked: the jti has no row or is revoked", HintRevoked
		}
	}
	if kind == KindSessionJWT {
		v.Note = "sessionJwt cookie: MediaWiki ignores sxp (soft expiry); rejections surface as mwoauth-invalid-authorization-jwt"
		if reason != "" {
			v.Reason = reason
			msg := "Invalid 'sessionJwt' cookie: " + sessionReason(reason)
			v.ActionAPI = &HTTPAnswer{Status: 200, Headers: []string{"MediaWiki-API-Error: " + MWInvalidJWTCookie}, Code: MWInvalidJWTCookie, Message: msg}
			return v
		}
		v.Accepted = true
		v.Reason = "accepted"
		return v
	}
	if reason != "" {
		v.Reason = reason
		v.ActionAPI = &HTTPAnswer{Status: 200, Headers: []string{"MediaWiki-API-Error: " + MWInvalidAuthorization},
			Code: MWInvalidAuthorization, Message: MWInvalidAuthorizationMsg}
		v.RESTProfile = leagueDenied(hint)
		return v
	}
	if ws != nil && (!ws.ConsumerFound || !ws.ConsumerUsable || (ws.OAuthVersion != 0 && ws.OAuthVersion != 2)) {
		switch {
		case !ws.ConsumerFound || (ws.OAuthVersion != 0 && ws.OAuthVersion != 2):
			v.Reason = "no OAuth 2 client with this aud"
			v.ActionAPI = &HTTPAnswer{Status: 200, Headers: []string{"MediaWiki-API-Error: " + MWInvalidAuthorization},
				Code: MWInvalidAuthorization, Message: MWInvalidAuthorizationMsg}
			v.RESTProfile = &HTTPAnswer{Status: 403, Message: "client lookup by aud fails: not an OAuth 2 consumer"}
		default:
			v.Reason = fmt.Sprintf("Consumer::isUsableBy fails: %s", stageLabel(ws))
			v.ActionAPI = &HTTPAnswer{Status: 200, Headers: []string{"MediaWiki-API-Error: " + MWNotApproved},
				Code: MWNotApproved, Message: MWNotApprovedMsg(ws.ConsumerName)}
			v.RESTProfile = &HTTPAnswer{Status: 200, Note: "this endpoint does not check the consumer's stage: it still answers"}
		}
		return v
	}
	v.Accepted = true
	v.Reason = "accepted"
	who := "the user in sub"
	sub := ParseSubject(t.Claims["sub"], t.Has("sub"))
	switch {
	case sub.Format == SubEmpty:
		who = "anonymous (user id 0): client_credentials token of a normal client"
	case sub.CentralID != nil:
		who = fmt.Sprintf("central user id %d", *sub.CentralID)
	}
	v.ActionAPI = &HTTPAnswer{Status: 200, Message: "request runs as " + who}
	v.RESTProfile = &HTTPAnswer{Status: 200}
	if ws == nil {
		v.DependsOn = []string{
			"the jti's oauth2_access_tokens row exists and is not revoked (else rest.php hint \"" + HintRevoked + "\")",
			"the consumer is usable: approved, or proposed and used by its owner (else " + MWNotApproved + ")",
		}
		v.Note = "no database configured: wiki state not checked (give --db to check it)"
	}
	return v
}

func sessionReason(reason string) string {
	if reason == "The token is expired" {
		return "JWT error: hard-expired"
	}
	return reason
}

func leagueDenied(hint string) *HTTPAnswer {
	body, _ := json.Marshal(map[string]string{"error": LeagueAccessDenied, "error_description": LeagueAccessDeniedDesc, "hint": hint, "message": LeagueAccessDeniedDesc})
	// encoding/json sorts map keys; league's order is error, error_description, hint, message, which is the same.
	return &HTTPAnswer{Status: 401, Headers: []string{"Content-type: application/json"}, Code: LeagueAccessDenied,
		Message: LeagueAccessDeniedDesc, Hint: hint, Body: string(body)}
}

// Envoy status strings (google/jwt_verify_lib status.cc).
const (
	EnvoyOK              = "OK"
	EnvoyExpired         = "Jwt is expired"
	EnvoyNotYetValid     = "Jwt not yet valid"
	EnvoyUnknownIssuer   = "Jwt issuer is not configured"
	EnvoyAudNotAllowed   = "Audiences in Jwt are not allowed"
	EnvoyVerifyFail      = "Jwt verification fails"
	EnvoyKidAlgMismatch  = "Jwks doesn't have key to match kid or alg from Jwt"
	EnvoyAlgNotSupported = "Jwt header [alg] is not supported"
	EnvoyBadAlg          = "Jwt header [alg] field is required and must be a string"
	EnvoyBadKid          = "Jwt header [kid] field is not a string"
)

// envoyVerdict follows jwt_authn: parse (types), issuer, time with skew on
// truncated integer seconds, audience, then key lookup and signature.
func envoyVerdict(t *Token, sigOK bool, o VerifyOptions) EnvoyVerdict {
	skew := int64(o.skew() / time.Second)
	v := EnvoyVerdict{SkewSeconds: skew}
	reason := envoyParse(t)
	if reason == "" && o.Issuer != "" {
		if iss, _ := t.StringClaim("iss"); iss != o.Issuer {
			reason = EnvoyUnknownIssuer
		}
	}
	if reason == "" {
		now := o.Now.Unix()
		if nbf, ok := envoyUint(t, "nbf"); ok && nbf > 0 && now+skew < int64(nbf) {
			reason = EnvoyNotYetValid
		} else if exp, ok := envoyUint(t, "exp"); ok && exp != 0 && now > int64(min(exp, math.MaxInt64-uint64(skew)))+skew {
			reason = EnvoyExpired
		}
	}
	if reason == "" && o.Audience != "" && !slices.Contains(audiences(t), o.Audience) {
		reason = EnvoyAudNotAllowed
	}
	if reason == "" {
		switch {
		case strings.HasPrefix(t.Alg(), "HS") && len(o.Secret) == 0,
			!strings.HasPrefix(t.Alg(), "HS") && len(o.Secret) > 0 && len(o.Keys)+len(o.JWKS) == 0:
			reason = EnvoyKidAlgMismatch
		case len(o.JWKS) > 0 && len(o.Keys) == 0:
			if keys, _ := o.candidateKeys(t); len(keys) == 0 {
				reason = EnvoyKidAlgMismatch
			} else if !sigOK {
				reason = EnvoyVerifyFail
			}
		case !sigOK:
			reason = EnvoyVerifyFail
		}
	}
	if reason == "" {
		v.Status, v.Reason = 200, EnvoyOK
		return v
	}
	v.Status, v.Reason = 401, reason
	if reason == EnvoyAudNotAllowed {
		v.Status = 403
	}
	uri := o.RequestURI
	if uri == "" {
		uri = "<request uri>"
	}
	v.WWWAuthenticate = fmt.Sprintf(`Bearer realm="%s", error="invalid_token"`, uri)
	v.Details = "jwt_authn_access_denied{" + strings.ReplaceAll(reason, " ", "_") + "}"
	return v
}

// envoyParse reproduces jwt_verify_lib's type checks on a parsed token.
func envoyParse(t *Token) string {
	alg, ok := t.Header["alg"].(string)
	if !ok {
		return EnvoyBadAlg
	}
	if !slices.Contains(envoyAlgs, alg) {
		return EnvoyAlgNotSupported
	}
	if kid, ok := t.Header["kid"]; ok {
		if _, s := kid.(string); !s {
			return EnvoyBadKid
		}
	}
	for _, name := range []string{"iss", "sub"} {
		if v, ok := t.Claims[name]; ok {
			if _, s := v.(string); !s {
				return fmt.Sprintf("Jwt payload [%s] field is not a string", name)
			}
		}
	}
	for _, name := range []string{"iat", "nbf", "exp"} {
		v, ok := t.Claims[name]
		if !ok {
			continue
		}
		n, isNum := v.(json.Number)
		if !isNum {
			return fmt.Sprintf("Jwt payload [%s] field is not an integer", name)
		}
		f, err := strconv.ParseFloat(n.String(), 64)
		if err != nil || f < 0 || f >= math.MaxUint64 {
			return fmt.Sprintf("Jwt payload [%s] field is not a positive 64 bit integer", name)
		}
	}
	if v, ok := t.Claims["jti"]; ok {
		if _, s := v.(string); !s {
			return "Jwt payload [jti] field is not a string"
		}
	}
	if v, ok := t.Claims["aud"]; ok {
		bad := false
		switch a := v.(type) {
		case string:
		case []any:
			for _, x := range a {
				if _, s := x.(string); !s {
					bad = true
				}
			}
		default:
			bad = true
		}
		if bad {
			return "Jwt payload [aud] field is not a string or string list"
		}
	}
	return ""
}

// envoyUint reads a time claim as jwt_verify_lib does: a double truncated
// to uint64, so MediaWiki's fractional times lose their microseconds.
func envoyUint(t *Token, name string) (uint64, bool) {
	n, ok := t.Claims[name].(json.Number)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(n.String(), 64)
	if err != nil || f < 0 || f >= math.MaxUint64 {
		return 0, false
	}
	return uint64(f), true
}

func timeline(t *Token, o VerifyOptions) Timeline {
	var tl Timeline
	add := func(at time.Time, event string) {
		tl = append(tl, TimelineEvent{At: at, UTC: FormatUTC(at), Unix: json.Number(PHPNumericDate(at)), Event: event})
	}
	skew := o.skew()
	if iat, ok := t.NumericTime("iat"); ok {
		add(iat, "issued (iat)")
	}
	if nbf, ok := t.NumericTime("nbf"); ok {
		add(nbf, "MediaWiki accepts from here (nbf)")
		if n, ok := envoyUint(t, "nbf"); ok && n <= math.MaxInt64 {
			add(time.Unix(int64(n), 0).Add(-skew).UTC(), fmt.Sprintf("gateway (Envoy jwt_authn) accepts from here (nbf truncated − %s skew)", skewText(skew)))
		}
	}
	if exp, ok := t.NumericTime("exp"); ok {
		add(exp, "MediaWiki rejects from here (exp, zero leeway)")
		if o.Leeway > 0 {
			add(exp.Add(o.Leeway), fmt.Sprintf("mwoauth verify rejects from here (exp + %s leeway)", o.Leeway))
		}
		if e, ok := envoyUint(t, "exp"); ok && e > 0 && e < math.MaxInt64/2 {
			add(time.Unix(int64(e), 0).Add(skew+time.Second).UTC(), fmt.Sprintf("gateway (Envoy jwt_authn) rejects from here (exp truncated + %s skew, then the next second)", skewText(skew)))
		}
	}
	if sxp, ok := t.NumericTime("sxp"); ok {
		add(sxp, "soft expiry (sxp): edge treats the session as anonymous; MediaWiki does not")
	}
	add(o.Now.UTC(), "now (judged at)")
	sort.SliceStable(tl, func(i, j int) bool { return tl[i].At.Before(tl[j].At) })
	return tl
}

func skewText(d time.Duration) string {
	return fmt.Sprintf("%d s", int64(d/time.Second))
}
