package mediawiki

import (
	"strings"

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

// ownerOnlyMin separates the owner-only token (exp = iat + P1000Y) from
// any configured lifetime; $wgOAuth2GrantExpirationInterval "infinity" also
// gives 1000 years and is reported the same way.
const ownerOnlyMinYears = 900

// DetectKind says which of the JWTs MediaWiki issues t looks like.
func DetectKind(t *jwtutil.Token) string {
	switch {
	case t.Has("sxp"):
		return KindSessionJWT
	case !t.Has("scopes") && (t.Has("username") || t.Has("nonce") || t.Has("editcount") || t.Has("grants") ||
		(strings.HasPrefix(t.Alg(), "HS") && t.Has("aud") && !t.Has("jti"))):
		return KindIdentify
	case t.Has("scopes") || (t.Has("jti") && t.Has("aud")):
		if exp := t.TimeClaim("exp"); exp.Numeric && !exp.Millis {
			start := t.TimeClaim("iat")
			if !start.Numeric {
				start = t.TimeClaim("nbf")
			}
			if start.Numeric && exp.Date.Seconds(start.Date) > ownerOnlyMinYears*365.2425*86400 {
				return KindOwnerOnly
			}
		}
		return KindAccessToken
	}
	return KindUnknown
}
