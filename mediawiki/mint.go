package mediawiki

import (
	"crypto/rsa"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mwoauth/mwoauth/jwtutil"
)

// MediaWikiHeaderB64 is base64url of {"typ":"JWT","alg":"RS256"}, the exact
// header bytes lcobucci/jwt writes for MediaWiki.
const MediaWikiHeaderB64 = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9"

// MintOptions describes an access token as Extension:OAuth would issue it.
type MintOptions struct {
	ClientID          string        // aud: the consumer key
	UserID            int64         // central user id
	SubFormat         string        // "legacy" (default), "centralauth", or "local:WIKI"
	Scopes            []string      // default ["basic"]
	ExpiresIn         time.Duration // default 1h ($wgOAuth2GrantExpirationInterval PT1H)
	Issuer            string        // iss; omitted when empty
	OwnerOnly         bool          // exp now + 1000 years, bare sub, no grant_type
	ClientCredentials bool          // sub "" (client_credentials of a normal client)
	JTI               string        // default 80 random lowercase hex
	GrantType         string        // optional grant_type claim (master adds it)
	Now               time.Time     // required
}

// Subject builds sub the way AccessTokenEntity::getUserIdentifierForJwt does.
func (o MintOptions) Subject() (string, error) {
	id := strconv.FormatInt(o.UserID, 10)
	switch {
	case o.ClientCredentials:
		return "", nil
	case o.OwnerOnly, o.SubFormat == "", o.SubFormat == SubLegacy:
		return id, nil
	case o.SubFormat == SubCentralAuth:
		return "mw:CentralAuth::" + id, nil
	case strings.HasPrefix(o.SubFormat, "local:") && len(o.SubFormat) > len("local:"):
		// LocalIdLookup::getScope replaces ':' in the wiki id with '-'.
		wiki := strings.ReplaceAll(strings.TrimPrefix(o.SubFormat, "local:"), ":", "-")
		return "mw:local:" + wiki + ":" + id, nil
	}
	return "", fmt.Errorf("unknown sub format %q (want legacy, centralauth or local:WIKI)", o.SubFormat)
}

// Mint signs a new access token shaped exactly like the extension's: the
// header bytes, claim order aud, jti, iat, nbf, exp, sub, iss, custom
// claims, scopes, and microsecond float times.
func Mint(key *rsa.PrivateKey, o MintOptions) (string, error) {
	if key == nil {
		return "", fmt.Errorf("no private key")
	}
	if o.Now.IsZero() {
		return "", fmt.Errorf("no clock")
	}
	if o.ClientID == "" {
		return "", fmt.Errorf("no client id (aud)")
	}
	sub, err := o.Subject()
	if err != nil {
		return "", err
	}
	jti := o.JTI
	if jti == "" {
		if jti, err = jwtutil.NewJTI(); err != nil {
			return "", err
		}
	}
	scopes := o.Scopes
	if len(scopes) == 0 {
		scopes = []string{"basic"}
	}
	// league computes exp (issueAccessToken) before lcobucci takes iat/nbf,
	// so on a moving clock exp-iat is a hair under the interval. With one
	// instant the three are consistent and reproducible.
	now := o.Now.Truncate(time.Microsecond)
	var exp time.Time
	switch {
	case o.OwnerOnly:
		exp = now.AddDate(1000, 0, 0)
	case o.ExpiresIn > 0:
		exp = now.Add(o.ExpiresIn)
	default:
		exp = now.Add(time.Hour)
	}
	var b strings.Builder
	b.WriteString(`{"aud":` + jwtutil.JSONString(o.ClientID))
	b.WriteString(`,"jti":` + jwtutil.JSONString(jti))
	b.WriteString(`,"iat":` + jwtutil.PHPNumericDate(now))
	b.WriteString(`,"nbf":` + jwtutil.PHPNumericDate(now))
	b.WriteString(`,"exp":` + jwtutil.PHPNumericDate(exp))
	b.WriteString(`,"sub":` + jwtutil.JSONString(sub))
	if o.Issuer != "" {
		b.WriteString(`,"iss":` + jwtutil.JSONString(o.Issuer))
	}
	if o.GrantType != "" && !o.OwnerOnly {
		b.WriteString(`,"grant_type":` + jwtutil.JSONString(o.GrantType))
	}
	b.WriteString(`,"scopes":[`)
	for i, s := range scopes {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(jwtutil.JSONString(s))
	}
	b.WriteString("]}")
	return jwtutil.SignRS256(MediaWikiHeaderB64, []byte(b.String()), key), nil
}
