package probe

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mwoauth/mwoauth/envoy"
	"github.com/mwoauth/mwoauth/mediawiki"
)

// Advice is what a client should do with an answer.
type Advice string

// The advice a probe gives.
const (
	AdviceNone        Advice = "none"        // the request was served
	AdviceRefresh     Advice = "refresh"     // the token is invalid or expired: refresh it and retry once
	AdviceReauthorize Advice = "reauthorize" // the grant itself is unusable: a new token will not help
	AdviceRetryAfter  Advice = "retry-after" // wait as Retry-After says, then retry
	AdviceFixRequest  Advice = "fix-request" // the request is wrong (URL, header, a mangled token)
	AdviceUnknown     Advice = "unknown"     // nothing in the answer says what would help
)

// MediaWiki's session-provider error codes (Extension:OAuth i18n, named
// in package mediawiki; mediawiki-oauth-facts §6.1) and the Action API's
// own, with the advice for each. The same codes are the REST errorKey of
// newer cores.
var mediaWikiCodes = map[string]struct {
	advice Advice
	why    string
}{
	mediawiki.MWInvalidAuthorization: {AdviceRefresh,
		"MediaWiki refused the token (invalid, expired, badly signed, unknown or revoked: it says the same for all): refresh the access token and retry once"},
	mediawiki.MWNotApproved: {AdviceReauthorize,
		"the consumer is not usable (disabled, or not approved): a refreshed token is refused too; the app works again only once an admin re-enables or approves it"},
	mediawiki.MWWrongWiki: {AdviceReauthorize,
		"the consumer or the user's authorization is for another wiki: authorize on this wiki (or send the request to the right one)"},
	mediawiki.MWInvalidUser: {AdviceReauthorize,
		"the token's user does not exist on this wiki: authorize again as a user of this wiki"},
	mediawiki.MWWrongUser: {AdviceReauthorize,
		"the token belongs to a different user than the request's session: drop the session cookies or authorize again"},
	mediawiki.MWBlockedUser: {AdviceReauthorize,
		"the user is blocked: no token for this user works until the block ends (refreshing will not help)"},
	mediawiki.MWInvalidJWTCookie: {AdviceRefresh,
		"the sessionJwt cookie was refused: log in again to get a fresh one"},
	"mwoauth-api-module-disabled": {AdviceFixRequest, "this API module is not available with OAuth: use another module"},
	"mwoauth-not-api":             {AdviceFixRequest, "OAuth only works with api.php and rest.php: send the request there"},
	"badvalue":                    {AdviceFixRequest, "a parameter has a value the API does not accept"},
	"unknown_action":              {AdviceFixRequest, "no such API action"},
	"missingparam":                {AdviceFixRequest, "a required parameter is missing"},
	"paramempty":                  {AdviceFixRequest, "a required parameter is empty"},
	"invalidparammix":             {AdviceFixRequest, "these parameters cannot be used together"},
	"mustbeposted":                {AdviceFixRequest, "this module must be called with POST"},
	"unknownformat":               {AdviceFixRequest, "no such output format"},
	"badtoken":                    {AdviceFixRequest, "the CSRF token is wrong: fetch a new csrf token with this access token"},
	"assertuserfailed":            {AdviceRefresh, "the request ran logged out although assert=user asked for a user: the token was not applied; refresh it"},
	"assertnameduserfailed":       {AdviceReauthorize, "the request ran as another user than assertuser names"},
	"readapidenied":               {AdviceRefresh, "the request has no read right: on a private wiki that means it ran logged out, so the token was not applied"},
	// With a Retry-After header these three are retry-after (see retryAfter).
	"maxlag":      {AdviceUnknown, "the database replicas lag and no Retry-After says for how long: back off and retry"},
	"ratelimited": {AdviceUnknown, "rate limited, with no Retry-After: slow down and retry later"},
	"readonly":    {AdviceUnknown, "the wiki is read-only for now, with no Retry-After: retry later"},
	"rest-read-denied": {AdviceRefresh,
		"no read right on this request: MediaWiki 1.43's core REST API answers this when it refuses the token (it does not surface the OAuth error, T252591), so refresh the token; on a private wiki it can also mean the user may not read"},
}

// MediaWikiCode is the session-provider error code an error stands for
// (mediawiki.SessionErrorCode): its own code when MediaWiki names one, else
// the code whose English text the message carries (core REST in the
// versions that send only texts).
func MediaWikiCode(e *Error) string {
	if e == nil {
		return ""
	}
	return mediawiki.SessionErrorCode(e.Code, e.Message)
}

// IsTokenError reports whether the answer is MediaWiki or the gateway
// refusing the request because of its credentials (not a rate limit, a
// missing page or a broken server).
func IsTokenError(a *Answer) bool {
	switch {
	case a.AnsweredBy == LayerGateway:
		return true
	case a.Error == nil:
		return false
	case MediaWikiCode(a.Error) != "":
		return true
	case a.AnsweredBy == LayerOAuth2Resource:
		return a.Error.Code == mediawiki.LeagueAccessDenied || a.Error.Code == "invalid_token"
	case a.AnsweredBy == LayerREST:
		return a.Error.Code == "rest-read-denied" || a.Status == 401
	}
	return false
}

func advise(a *Answer) (Advice, string) {
	if wait, ok := retryAfter(a); ok {
		return AdviceRetryAfter, wait
	}
	if r := a.Redirect; r != nil {
		if !r.SameOrigin {
			return AdviceFixRequest, "the URL redirects to another origin (" + r.Location + "): the token was not sent there; call the final URL directly if you trust it"
		}
		return AdviceFixRequest, "the URL redirects (" + r.Location + "): call the final URL directly; clients differ in whether they resend the token after a redirect"
	}
	switch a.AnsweredBy {
	case LayerGateway:
		if st, ok := gatewayStatus(a.GatewayStatus); ok {
			adv := gatewayAdvice(st)
			return adv, gatewayWhy(st, adv)
		}
		return AdviceRefresh, fmt.Sprintf("the gateway refused the token (HTTP %d, %s): refresh the access token and retry once", a.Status, a.Error.Code)
	case LayerActionAPI, LayerREST:
		if a.Error == nil {
			if a.Status/100 == 2 {
				return AdviceNone, "the request was served"
			}
			return byStatus(a.Status)
		}
		code := a.Error.Code
		if mw := MediaWikiCode(a.Error); mw != "" {
			code = mw
		}
		if c, ok := mediaWikiCodes[code]; ok {
			return c.advice, c.why
		}
		if strings.HasPrefix(code, "internal_api_error") {
			return AdviceUnknown, "the wiki failed with an internal error: report it to the wiki's admins"
		}
		if a.AnsweredBy == LayerActionAPI {
			return AdviceUnknown, "an Action API error that says nothing about the token (" + code + ")"
		}
		return byStatus(a.Status)
	case LayerOAuth2Resource:
		if a.Error == nil {
			return AdviceNone, "the request was served"
		}
		return leagueAdvice(a)
	}
	if a.Status/100 == 2 {
		return AdviceUnknown, "a page that is neither MediaWiki's nor the gateway's answer (captive portal, proxy, wrong host?)"
	}
	return byStatus(a.Status)
}

func gatewayWhy(st envoy.Status, adv Advice) string {
	switch {
	case st == envoy.JwtExpired:
		return "the gateway says the token expired (it allows its clock skew past exp, so MediaWiki refused it a while ago already): refresh the access token and retry once"
	case st == envoy.JwtNotYetValid:
		return "the gateway's clock is behind the wiki's by more than its clock skew: a new token has the same problem; retry later or report the clock to the gateway's admins"
	case st == envoy.JwtUnknownIssuer:
		return "the gateway does not accept tokens from this token's issuer: authorize with the wiki this gateway fronts"
	case st == envoy.JwtAudienceNotAllowed:
		return "the gateway does not accept this consumer (aud): use a consumer the gateway allows"
	case st == envoy.JwtMissed:
		return "no token reached the gateway: send \"Authorization: Bearer <token>\" (a proxy may strip it)"
	case adv == AdviceRefresh:
		return "the gateway could not verify the token's signature: refresh the access token and retry once (a rotated key signs new tokens)"
	case adv == AdviceFixRequest:
		return "the gateway could not parse the token: send it exactly as the wiki issued it (" + st.String() + ")"
	}
	return "the gateway's own configuration failed (" + st.String() + "): report it to its admins"
}

// leagueAdvice reads league's error and, for access_denied, its hint: by a
// part of the texts package mediawiki has (HintRevoked, HintNotVerified,
// HintMissingBearer) and of Extension:OAuth's "Client <key> is not usable
// by user with ID <id>", lower-cased, so that a league version's rewording
// still reads. TestLeagueHints holds the parts to those texts.
func leagueAdvice(a *Answer) (Advice, string) {
	hint := strings.ToLower(a.Hint)
	switch a.Error.Code {
	case mediawiki.LeagueAccessDenied:
		switch {
		case strings.Contains(hint, "not usable by user"):
			return AdviceReauthorize, "the consumer is not usable (disabled or not approved): new tokens are refused; it works again only once an admin re-enables it"
		case strings.Contains(hint, "revoked"):
			return AdviceRefresh, "the token's jti has no row or is revoked: refresh it; if the refresh is refused (invalid_grant) the user must authorize again"
		case strings.Contains(hint, "token"):
			return AdviceRefresh, "the resource server could not verify the token (expired, badly signed, altered): refresh the access token and retry once"
		}
		return AdviceUnknown, "access denied without a hint that names the token"
	case "invalid_token":
		return AdviceRefresh, "the token is invalid: refresh it and retry once"
	case "invalid_grant":
		return AdviceReauthorize, "the grant (authorization code or refresh token) is invalid, expired or revoked: the user must authorize again"
	case "unauthorized_client":
		return AdviceReauthorize, "this client may not use that grant type"
	case "invalid_request", "invalid_scope", "unsupported_grant_type", "invalid_client":
		return AdviceFixRequest, "league says the request is wrong (" + a.Error.Code + ")"
	}
	return byStatus(a.Status)
}

func byStatus(status int) (Advice, string) {
	switch {
	case status/100 == 2:
		return AdviceNone, "the request was served"
	case status == 400 || status == 404 || status == 405 || status == 414 || status == 431:
		return AdviceFixRequest, fmt.Sprintf("HTTP %d: the URL or request is wrong", status)
	case status == 429 || status == 503:
		return AdviceUnknown, fmt.Sprintf("HTTP %d without Retry-After: back off and retry later", status)
	}
	return AdviceUnknown, fmt.Sprintf("HTTP %d says nothing about the token", status)
}

// retryAfter: a 429 or 503, or an Action API maxlag/ratelimited/readonly
// error, with a usable Retry-After (seconds or an HTTP date).
func retryAfter(a *Answer) (string, bool) {
	if a.RetryAfter == "" {
		return "", false
	}
	code := ""
	if a.Error != nil {
		code = a.Error.Code
	}
	if a.Status != 429 && a.Status != 503 && code != "maxlag" && code != "ratelimited" && code != "readonly" {
		return "", false
	}
	if n, err := strconv.Atoi(a.RetryAfter); err == nil && n >= 0 {
		return fmt.Sprintf("HTTP %d with Retry-After %d: wait %s, then retry", a.Status, n, time.Duration(n)*time.Second), true
	}
	if t, err := http.ParseTime(a.RetryAfter); err == nil {
		return fmt.Sprintf("HTTP %d with Retry-After: retry after %s", a.Status, t.UTC().Format(time.RFC3339)), true
	}
	return "", false
}
