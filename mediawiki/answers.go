package mediawiki

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/mwoauth/mwoauth/jwtutil"
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

// Verdict predicts what the wiki (REL1_43 and master alike) answers
// to a request carrying the token: zero leeway, RS256 only.
type Verdict struct {
	Applicable  bool        `json:"applicable"`
	Accepted    bool        `json:"accepted"`
	Reason      string      `json:"reason"`               // league/lcobucci's internal reason
	DependsOn   []string    `json:"depends_on,omitempty"` // conditions not checked (no database)
	ActionAPI   *HTTPAnswer `json:"action_api,omitempty"`
	RESTProfile *HTTPAnswer `json:"rest_profile,omitempty"`
	Note        string      `json:"note,omitempty"`
}

// Input is what the MediaWiki verdict needs besides the token.
type Input struct {
	Now         time.Time  // the instant to judge at (lcobucci's clock; zero leeway)
	SignatureOK bool       // the RS256 signature verifies with the wiki's public key
	KeyGiven    bool       // a wiki public key was given: without one the signature verdict is assumed
	WikiState   *WikiState // nil when no database is configured
}

// Judge predicts what the wiki answers to a request carrying t.
func Judge(t *jwtutil.Token, kind string, in Input) Verdict {
	sigOK := in.SignatureOK
	v := Verdict{Applicable: true}
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
		case name == "iat" && tc.Time.After(in.Now):
			reason = "The token was issued in the future"
		case name == "nbf" && tc.Time.After(in.Now):
			reason = "The token cannot be used yet"
		case name == "exp" && !in.Now.Before(tc.Time):
			reason = "The token is expired"
		}
	}
	if reason == "" && t.Alg() != "RS256" {
		reason = "Token signer mismatch"
	}
	if reason == "" && !sigOK {
		reason = "Token signature mismatch"
		if !in.KeyGiven {
			reason = "Token signature mismatch (no wiki public key given: assumed)"
		}
	}
	hint := HintNotVerified
	ws := in.WikiState
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
			v.Reason = fmt.Sprintf("Consumer::isUsableBy fails: %s", ws.StageLabel())
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

// WikiState is what the wiki's database says about a token (filled in by
// package wikistate; this package never queries a database).
type WikiState struct {
	TokenRowFound  bool   `json:"token_row_found"`
	Revoked        bool   `json:"revoked"`
	StoredExpiry   string `json:"stored_expiry,omitempty"` // oaat_expires, never consulted by MediaWiki
	ConsumerFound  bool   `json:"consumer_found"`
	ConsumerName   string `json:"consumer_name,omitempty"`
	ConsumerStage  int    `json:"consumer_stage"`
	StageName      string `json:"stage_name,omitempty"`
	ConsumerUsable bool   `json:"consumer_usable"`
	OAuthVersion   int    `json:"oauth_version"`
	OwnerOnly      bool   `json:"owner_only"`
	Deleted        bool   `json:"deleted"`
}

// StageLabel names the consumer's stage: "approved (stage 1)".
func (ws *WikiState) StageLabel() string {
	s := ws.StageName
	if s == "" {
		s = "stage"
	}
	return fmt.Sprintf("%s (stage %d)", s, ws.ConsumerStage)
}
