package mediawiki

import (
	"fmt"
	"strings"
)

// Version is a MediaWiki/Extension:OAuth release line whose behaviour
// mwoauth follows. The zero value is Master, what Wikimedia runs (deploy
// branches wmf/1.47.0-wmf.*), so an unset setting means master.
type Version int

// The release lines mwoauth models. Only lines whose behaviour differs in
// something mwoauth reproduces are listed; 1.44 behaves as 1.43 and 1.46 as
// master for every rule here.
const (
	Master Version = iota // Extension:OAuth master (1cb9461e); wmf/1.47.0-wmf.16 carries every change
	V1_45                 // REL1_45
	V1_43                 // REL1_43 LTS (01ce6661), the real wiki of ../shared/fixtures
)

// DefaultVersion is the version used when none is configured.
const DefaultVersion = Master

// Versions lists the accepted setting values, newest first.
func Versions() []string { return []string{"master", "1.45", "1.43"} }

// ParseVersion reads the --mediawiki setting: master, 1.45 or 1.43 (also
// REL1_45 / REL1_43 spellings and "1.46"/"1.47", which behave as master).
func ParseVersion(s string) (Version, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "master", "1.47", "1.46", "rel1_46", "wmf":
		return Master, nil
	case "1.45", "rel1_45":
		return V1_45, nil
	case "1.43", "rel1_43", "1.44", "rel1_44":
		return V1_43, nil
	}
	return Master, fmt.Errorf("unknown MediaWiki version %q (want one of: %s)", s, strings.Join(Versions(), ", "))
}

func (v Version) String() string {
	switch v {
	case V1_45:
		return "1.45"
	case V1_43:
		return "1.43"
	}
	return "master"
}

// MarshalText renders the version in JSON.
func (v Version) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// Rules are the behaviours that differ between versions. Every rule that
// depends on the version reads it from here and nowhere else; the comment
// on each field names the change in Extension:OAuth (../shared/facts,
// mediawiki-master-delta.md) that introduced it.
type Rules struct {
	Version Version

	// Tokens (mediawiki-master-delta.md §6).

	// MWSubject: sub is mw:<CentralIdLookup scope>:<central id> for every
	// token but owner-only ones (324f2380, f2833665; REL1_46+). Before it,
	// sub is the bare central id, or "" for a token without a user.
	MWSubject bool
	// ClientCredentialsOwnerSub: client_credentials tokens of a normal
	// client carry the owner's id in sub (a750632f, d9afd819; REL1_46+),
	// although the request still runs anonymously. Before it, sub is "".
	ClientCredentialsOwnerSub bool
	// GrantTypeClaim: grant_type on every non-owner-only token (eef3f3db,
	// master).
	GrantTypeClaim bool
	// SessionHookClaims: GetSessionJwtData hook claims (Wikimedia: rlc) are
	// added for non-owner-only tokens (852f4b6c, REL1_46+).
	SessionHookClaims bool
	// SubjectScopeCheck: a mw: sub whose scope is not the wiki's lookup scope
	// is refused with "Invalid subject scope" (9f2c14a8, master).
	SubjectScopeCheck bool
	// LcobucciMajor is the lcobucci/jwt major version MediaWiki parses and
	// validates with: 4 (4.1.5 on REL1_43 and REL1_45's bundled fork), 5
	// (5.x with upstream league 9.4.1, 03670b23, REL1_46+). Parser messages
	// and the empty-key rule differ.
	LcobucciMajor int
	// BearerCaseInsensitive: league strips the "Bearer" prefix case-
	// insensitively (upstream league 9). The session provider still only
	// recognises a header that starts with case-sensitive "Bearer".
	BearerCaseInsensitive bool
	// AnonymousIgnoresSub: a token row with acceptance 0 of a normal client
	// runs anonymously whatever sub says (c68a6fef, REL1_46+). Before it the
	// session provider also required sub to name no user
	// ($resourceServer->getUser()->getId() === 0), else "Cannot create
	// access token, user did not approve issuing this access token".
	AnonymousIgnoresSub bool
	// SubjectUserCheck: ResourceServer::setUser refuses a sub whose central
	// user does not exist ("User represented by given access token is
	// invalid", 403). REL1_43's getLocalUserFromCentralId returns false
	// instead, and nothing refuses it there.
	SubjectUserCheck bool
	// TypedRepositories: the token and consumer repositories take typed
	// arguments (string $tokenId, string $consumerKey) and league's
	// BearerTokenValidator is strict_types: a jti that is not a string, or a
	// token without aud, is a PHP TypeError (an internal error, HTTP 500).
	// REL1_43's untyped repositories just find no row.
	TypedRepositories bool
	// RESTSessionErrors: core raises the session provider's errors on
	// rest.php too (RestCheckCanExecute, LocalizedHttpException 403), so
	// rest.php/oauth2/resource/profile answers with the same message as
	// api.php. MediaWiki 1.43's REST API had no such hook (T252591): the
	// extension's own resource endpoint answered league's 401 JSON and did
	// not check the consumer at all (e2e §6-7).
	RESTSessionErrors bool

	// Consumers (mediawiki-master-delta.md §2-§4).

	// StaticApps: stage 5 (configuration-based, $wgOAuthStaticApps) exists
	// and such apps are judged from the configuration (d77bb135, master).
	StaticApps bool
	// SplitDatabases: the OAuth tables (virtual-oauth) and the central
	// wiki's log may be different databases (95b87839 REL1_45+).
	SplitDatabases bool

	// Keys (mediawiki-master-delta.md §7).

	// OpenSSLKeys: keys are read by league 9.4.1's CryptKey (whatever
	// OpenSSL parses as PEM, RSA or EC, else a path), not REL1_43's PEM
	// regex and temp file.
	OpenSSLKeys bool
	// Passphrase: $wgOAuth2Passphrase decrypts an encrypted private key.
	Passphrase bool
	// JwtKeyFallback: an empty $wgOAuth2PrivateKey falls back to core's
	// $wgJwtPrivateKey/$wgJwtPublicKey, PEM strings only (f4e13484, REL1_45+).
	JwtKeyFallback bool
}

// Rules returns the behaviours of v.
func (v Version) Rules() Rules {
	switch v {
	case V1_43:
		return Rules{Version: v, LcobucciMajor: 4}
	case V1_45:
		return Rules{Version: v, LcobucciMajor: 4, SplitDatabases: true, JwtKeyFallback: true}
	}
	return Rules{
		Version:                   Master,
		MWSubject:                 true,
		ClientCredentialsOwnerSub: true,
		GrantTypeClaim:            true,
		SessionHookClaims:         true,
		SubjectScopeCheck:         true,
		LcobucciMajor:             5,
		BearerCaseInsensitive:     true,
		AnonymousIgnoresSub:       true,
		SubjectUserCheck:          true,
		TypedRepositories:         true,
		RESTSessionErrors:         true,
		StaticApps:                true,
		SplitDatabases:            true,
		OpenSSLKeys:               true,
		Passphrase:                true,
		JwtKeyFallback:            true,
	}
}
