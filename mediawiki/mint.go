package mediawiki

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mwoauth/mwoauth/jwtutil"
)

// MediaWikiHeaderB64 is base64url of {"typ":"JWT","alg":"RS256"}, the exact
// header bytes lcobucci/jwt writes for MediaWiki.
const MediaWikiHeaderB64 = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9"

// Grant types (the grant_type claim on master).
const (
	GrantAuthorizationCode = "authorization_code"
	GrantRefreshToken      = "refresh_token"
	GrantClientCredentials = "client_credentials"
)

// DefaultAccessTokenLifetime is $wgOAuth2GrantExpirationInterval's default
// (PT1H); Wikimedia sets PT4H.
const DefaultAccessTokenLifetime = time.Hour

// MintOptions describes an access token as Extension:OAuth of the version
// MediaWiki issues it (AccessTokenEntity::convertToJWT and ClaimStore).
type MintOptions struct {
	// MediaWiki is the version whose tokens are minted (zero: master).
	MediaWiki Version
	ClientID  string // aud: the consumer key
	// UserID is the central user id the token is for; for a
	// client_credentials token of a normal client, the client's owner
	// (master writes the owner's id in sub; REL1_45 and older write "").
	UserID int64
	// SubjectScope is the wiki's CentralIdLookup::getScope() for mw: subs
	// ("CentralAuth:", "local:metawiki"); "" is CentralAuthScope.
	SubjectScope string
	// GrantType is the grant_type claim (master, not owner-only):
	// authorization_code by default, client_credentials with
	// ClientCredentials.
	GrantType         string
	ClientCredentials bool // a client_credentials token of a normal client
	OwnerOnly         bool // a token of an owner-only client: bare sub, no grant_type
	// HookClaims are claims GetSessionJwtData and OAuthClaimStoreGetClaims
	// hooks add (Wikimedia: rlc, ratelimit), written after grant_type and
	// before scopes in this order. A hook claim named grant_type replaces
	// its value in place, as ClaimStore does.
	HookClaims []jwtutil.RawMember
	Scopes     []string      // default ["basic"]
	ExpiresIn  time.Duration // default 1h; owner-only: 1000 years unless set
	Issuer     string        // iss, the central wiki's canonical server (always written)
	JTI        string        // default 80 random lowercase hex
	Now        time.Time     // required
}

// ErrNoIssuer: MediaWiki always writes iss.
var ErrNoIssuer = errors.New("no issuer: MediaWiki always writes iss, the central wiki's canonical server")

// registeredClaims are the claims lcobucci's builder sets itself; its
// withClaim() refuses them, so hooks cannot set them either.
var registeredClaims = []string{"iss", "sub", "aud", "exp", "nbf", "iat", "jti"}

// CheckHookClaim says why a hook could not add the claim name, or nil.
func CheckHookClaim(name string) error {
	switch {
	case name == "":
		return errors.New("a claim needs a name")
	case slices.Contains(registeredClaims, name):
		return fmt.Errorf("%s is a registered claim: lcobucci's withClaim() refuses it, so no hook can set it", name)
	case name == "scopes":
		return errors.New("scopes is written last, after every hook claim, so no hook can set it (use the scopes)")
	}
	return nil
}

// Subject is the sub the version writes (AccessTokenEntity::getUserIdentifierForJwt).
func (o MintOptions) Subject() string {
	id := fmt.Sprint(o.UserID)
	switch {
	case o.ClientCredentials && !o.MediaWiki.Rules().ClientCredentialsOwnerSub:
		return ""
	case o.UserID == 0:
		return ""
	case o.OwnerOnly || !o.MediaWiki.Rules().MWSubject:
		return id
	}
	return SubjectFor(o.scope(), o.UserID)
}

func (o MintOptions) scope() string {
	if o.SubjectScope == "" {
		return CentralAuthScope
	}
	return o.SubjectScope
}

// grantType is the grant_type the version writes, "" for none.
func (o MintOptions) grantType() string {
	switch {
	case !o.MediaWiki.Rules().GrantTypeClaim || o.OwnerOnly:
		return ""
	case o.GrantType != "":
		return o.GrantType
	case o.ClientCredentials:
		return GrantClientCredentials
	}
	return GrantAuthorizationCode
}

// Expiry is exp for a token issued at now.
func (o MintOptions) Expiry(now time.Time) time.Time {
	switch {
	case o.ExpiresIn != 0:
		return now.Add(o.ExpiresIn)
	case o.OwnerOnly:
		return now.AddDate(1000, 0, 0) // ClientEntity: P1000Y
	}
	return now.Add(DefaultAccessTokenLifetime)
}

// Mint signs a new access token shaped exactly as the version issues it:
// the header bytes, the claim order (master: aud, jti, iat, nbf, exp, sub,
// iss, grant_type, hook claims, scopes; REL1_43: the same without
// grant_type), and microsecond float times.
func Mint(key *rsa.PrivateKey, o MintOptions) (string, error) {
	if key == nil {
		return "", errors.New("no private key")
	}
	if o.Now.IsZero() {
		return "", errors.New("no clock")
	}
	if o.ClientID == "" {
		return "", errors.New("no client id (aud)")
	}
	if o.Issuer == "" {
		return "", ErrNoIssuer
	}
	if o.ClientCredentials && o.OwnerOnly {
		return "", errors.New("a token is either a client_credentials token of a normal client or one of an owner-only client")
	}
	for _, c := range o.HookClaims {
		if err := CheckHookClaim(c.Name); err != nil {
			return "", err
		}
		if _, p := jwtutil.ValidateJSON(c.JSON); p != jwtutil.JSONOK {
			return "", fmt.Errorf("the value of %s is %s", c.Name, p)
		}
	}
	jti := o.JTI
	if jti == "" {
		var err error
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
	claims := []jwtutil.RawMember{
		{Name: "aud", JSON: []byte(jwtutil.JSONString(o.ClientID))},
		{Name: "jti", JSON: []byte(jwtutil.JSONString(jti))},
		{Name: "iat", JSON: []byte(jwtutil.PHPNumericDate(now))},
		{Name: "nbf", JSON: []byte(jwtutil.PHPNumericDate(now))},
		{Name: "exp", JSON: []byte(jwtutil.PHPNumericDate(o.Expiry(now)))},
		{Name: "sub", JSON: []byte(jwtutil.JSONString(o.Subject()))},
		{Name: "iss", JSON: []byte(jwtutil.JSONString(o.Issuer))},
	}
	if gt := o.grantType(); gt != "" {
		claims = append(claims, jwtutil.RawMember{Name: "grant_type", JSON: []byte(jwtutil.JSONString(gt))})
	}
	for _, h := range o.HookClaims {
		if i := slices.IndexFunc(claims, func(m jwtutil.RawMember) bool { return m.Name == h.Name }); i >= 0 {
			claims[i].JSON = h.JSON // ClaimStore: the last claim of a name wins, in place
			continue
		}
		claims = append(claims, h)
	}
	var sc strings.Builder
	sc.WriteByte('[')
	for i, s := range scopes {
		if i > 0 {
			sc.WriteByte(',')
		}
		sc.WriteString(jwtutil.JSONString(s))
	}
	sc.WriteByte(']')
	claims = append(claims, jwtutil.RawMember{Name: "scopes", JSON: []byte(sc.String())})
	return jwtutil.SignRS256(MediaWikiHeaderB64, jwtutil.ObjectJSON(claims), key), nil
}
