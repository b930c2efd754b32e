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
		StaticApps:                true,
		SplitDatabases:            true,
		OpenSSLKeys:               true,
		Passphrase:                true,
		JwtKeyFallback:            true,
	}
}
