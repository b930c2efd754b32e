package mediawiki

import (
	"encoding/json"
	"fmt"
	"strings"
)

// MediaWiki's answers: Extension:OAuth's message keys and English texts
// (i18n/en.json, the same on REL1_43 and master), league/oauth2-server's
// error and hints, core's REST error body.
const (
	MWInvalidAuthorization = "mwoauth-invalid-authorization"
	MWWrongWiki            = "mwoauth-invalid-authorization-wrong-wiki"
	MWInvalidUser          = "mwoauth-invalid-authorization-invalid-user"
	MWWrongUser            = "mwoauth-invalid-authorization-wrong-user"
	MWNotApproved          = "mwoauth-invalid-authorization-not-approved"
	MWBlockedUser          = "mwoauth-invalid-authorization-blocked-user"
	MWInvalidJWTCookie     = "mwoauth-invalid-authorization-jwt"

	MWInvalidAccessToken = "Invalid access token"                                                       // mwoauth-oauth2-invalid-access-token
	MWNoUserApproval     = "Cannot create access token, user did not approve issuing this access token" // mwoauth-oauth2-error-create-at-no-user-approval
	MWInvalidUserMsg     = "The authorization headers in your request are for a user that does not exist here"
	MWBlockedUserMsg     = "The authorization headers in your request are for a user who is blocked"
	MWWrongUserMsg       = "The authorization headers in your request are for a different user"

	LeagueAccessDenied     = "access_denied"
	LeagueAccessDeniedDesc = "The resource owner or authorization server denied the request."
	HintMissingBearer      = `Missing "Bearer" token`
	HintNotVerified        = "Access token could not be verified"
	HintRevoked            = "Access token has been revoked"
	HintInvalidScope       = "Invalid subject scope"
	InvalidUserRS          = "User represented by given access token is invalid"   // ResourceServer::setUser
	InvalidClientRS        = "Client represented by given access token is invalid" // ResourceServer::setClient
)

// MWInvalidAuthorizationMsg is mwoauth-invalid-authorization's text with
// its parameter: the message of the exception the session provider caught.
func MWInvalidAuthorizationMsg(reason string) string {
	return "The authorization headers in your request are not valid: " + reason
}

// MWWrongWikiMsg is mwoauth-invalid-authorization-wrong-wiki's text; $1 is
// the wiki that answers.
func MWWrongWikiMsg(wiki string) string {
	return "The authorization headers in your request are not valid for " + wiki
}

// MWNotApprovedMsg is mwoauth-invalid-authorization-not-approved's text; the
// consumer's name is disclosed even when the consumer is suppressed.
func MWNotApprovedMsg(consumerName string) string {
	return `The app that you are trying to connect seems to be set up incorrectly. Contact the author of "` + consumerName + `" for help.`
}

// MWInvalidJWTCookieMsg is core's text for a refused sessionJwt cookie
// (mwoauth-invalid-authorization-jwt) with the reason lcobucci gave.
func MWInvalidJWTCookieMsg(reason string) string {
	return "Invalid 'sessionJwt' cookie: " + reason
}

// sessionErrorTexts tell the session provider's errors apart by their
// English texts, for an answer that carries only the text (core REST in
// the versions that send messageTranslations and no errorKey): a part of
// each text that the texts before it in the list do not hold, the most
// specific first. TestSessionErrorCode checks each against the whole text
// above.
var sessionErrorTexts = []struct{ text, code string }{
	{"are not valid: " + MWInvalidAccessToken, MWInvalidAuthorization},
	{"seems to be set up incorrectly", MWNotApproved},
	{"are not valid for ", MWWrongWiki},
	{"for a user that does not exist here", MWInvalidUser},
	{"are for a different user", MWWrongUser},
	{"for a user who is blocked", MWBlockedUser},
	{"Invalid 'sessionJwt' cookie", MWInvalidJWTCookie},
	{"The authorization headers in your request are not valid", MWInvalidAuthorization},
}

// SessionErrorCode is the Extension:OAuth error code an answer's error
// stands for: its own code when it is one (mwoauth-…), else the code whose
// English text message carries; "" when neither.
func SessionErrorCode(code, message string) string {
	if strings.HasPrefix(code, "mwoauth-") {
		return code
	}
	for _, t := range sessionErrorTexts {
		if strings.Contains(message, t.text) {
			return t.code
		}
	}
	return ""
}

// HTTPAnswer is one predicted HTTP response.
type HTTPAnswer struct {
	Status  int      `json:"status"`
	Headers []string `json:"headers,omitempty"`
	Code    string   `json:"code,omitempty"`    // Action API error code, or league "error"
	Message string   `json:"message,omitempty"` // Action API info, league error_description, or REST message
	Hint    string   `json:"hint,omitempty"`    // league hint
	Body    string   `json:"body,omitempty"`
	Note    string   `json:"note,omitempty"` // mwoauth's remark on the answer, not part of it
}

// actionAPIError is how core delivers a session provider's exception on
// api.php: HTTP 200, the message key as the error code.
func actionAPIError(code, text string) *HTTPAnswer {
	return &HTTPAnswer{Status: 200, Headers: []string{"MediaWiki-API-Error: " + code}, Code: code, Message: text}
}

// leagueDenied is league's access_denied JSON, as rest.php/oauth2/resource
// sends it when the resource server refuses the token itself.
func leagueDenied(hint string) *HTTPAnswer {
	body, _ := json.Marshal(map[string]string{"error": LeagueAccessDenied, "error_description": LeagueAccessDeniedDesc, "hint": hint, "message": LeagueAccessDeniedDesc})
	// encoding/json sorts map keys; league's order is error, error_description, hint, message, which is the same.
	return &HTTPAnswer{Status: 401, Headers: []string{"Content-type: application/json"}, Code: LeagueAccessDenied,
		Message: LeagueAccessDeniedDesc, Hint: hint, Body: string(body)}
}

// restHTTPError is core's REST answer to an HttpException (ResourceServer's
// own 403s).
func restHTTPError(status int, msg string) *HTTPAnswer {
	body, _ := json.Marshal(struct {
		Message    string `json:"message"`
		HTTPCode   int    `json:"httpCode"`
		HTTPReason string `json:"httpReason"`
	}{msg, status, "Forbidden"})
	return &HTTPAnswer{Status: status, Message: msg, Body: string(body)}
}

// restLocalized is core's REST answer when a session provider's exception
// is raised through the RestCheckCanExecute hook (master core).
func restLocalized(code, text string) *HTTPAnswer {
	body, _ := json.Marshal(struct {
		Translations map[string]string `json:"messageTranslations"`
		HTTPCode     int               `json:"httpCode"`
		HTTPReason   string            `json:"httpReason"`
	}{map[string]string{"en": text}, 403, "Forbidden"})
	return &HTTPAnswer{Status: 403, Code: code, Message: text, Body: string(body)}
}

// internalError is a PHP TypeError nobody catches.
func internalError(where string) *HTTPAnswer {
	return &HTTPAnswer{Status: 500, Note: fmt.Sprintf("an uncaught PHP TypeError (%s): MediaWiki fails with an internal error, not an OAuth error", where)}
}
