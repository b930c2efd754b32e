package mediawiki

import (
	"strconv"
	"strings"

	"github.com/mwoauth/mwoauth/jwtutil"
)

// ConsumerKey is the client id MediaWiki reads from a token: aud when it is
// a string, its first element when it is a list (league's
// $claims->get('aud')[0]; lcobucci turns a string aud into a one-element
// list). "" when there is none.
func ConsumerKey(t *jwtutil.Token) string {
	switch a := t.Claims["aud"].(type) {
	case string:
		return a
	case []any:
		if len(a) > 0 {
			s, _ := a[0].(string)
			return s
		}
	}
	return ""
}

// Subject formats (Explanation.Subject.Format).
const (
	SubLegacy      = "legacy"      // "12345": bare central user id
	SubCentralAuth = "centralauth" // "mw:CentralAuth::12345"
	SubLocal       = "local"       // "mw:local:WIKI:12345"
	SubScoped      = "scoped"      // "mw:<provider>:<instance>:12345", another CentralIdLookup
	SubAnon        = "anon"        // "mw:anon" (session JWTs)
	SubEmpty       = "empty"       // "": client_credentials token of a normal client
	SubMissing     = "missing"
	SubInvalid     = "invalid"
)

// Subject is the decoded sub claim (facts §4.3).
type Subject struct {
	Raw       string  `json:"raw"`
	Format    string  `json:"format"`
	CentralID *int64  `json:"central_id"`
	Wiki      *string `json:"wiki"`
	Provider  string  `json:"provider,omitempty"`
	Meaning   string  `json:"meaning"`
}

// ParseSubject decodes a sub claim in the forms MediaWiki writes (facts
// §4.3): a bare central id, mw:CentralAuth::<id>, mw:local:<wiki>:<id>,
// mw:<provider>:<instance>:<id>, mw:anon, or "".
func ParseSubject(v any, present bool) Subject {
	if !present {
		return Subject{Format: SubMissing, Meaning: "no sub claim"}
	}
	s, ok := v.(string)
	if !ok {
		return Subject{Raw: jwtutil.CompactJSON(v), Format: SubInvalid, Meaning: "sub is not a string"}
	}
	sub := Subject{Raw: s}
	id := func(digits string) bool {
		n, err := strconv.ParseInt(digits, 10, 64)
		if err != nil || !allDigits(digits) {
			return false
		}
		sub.CentralID = &n
		return true
	}
	switch {
	case s == "":
		sub.Format = SubEmpty
		sub.Meaning = "no user: client_credentials token of a normal client (anonymous)"
		return sub
	case allDigits(s) && id(s):
		sub.Format = SubLegacy
		sub.Meaning = "central user id " + s + " (bare id)"
		return sub
	case s == "mw:anon":
		sub.Format = SubAnon
		sub.Meaning = "anonymous session"
		return sub
	case strings.HasPrefix(s, "mw:"):
		parts := strings.Split(s[3:], ":")
		last := parts[len(parts)-1]
		if len(parts) >= 2 && id(last) {
			scope := parts[:len(parts)-1]
			switch {
			case len(scope) == 2 && scope[0] == "CentralAuth" && scope[1] == "":
				sub.Format = SubCentralAuth
				sub.Provider = "CentralAuth"
				sub.Meaning = "CentralAuth global user id " + last
				return sub
			case len(scope) == 2 && scope[0] == "local" && scope[1] != "":
				wiki := scope[1]
				sub.Format, sub.Provider, sub.Wiki = SubLocal, "local", &wiki
				sub.Meaning = "user id " + last + " on wiki " + wiki + " (LocalIdLookup)"
				return sub
			case len(scope) == 2 && scope[0] != "" && scope[0] != "local" && scope[0] != "CentralAuth":
				inst := scope[1]
				sub.Format, sub.Provider = SubScoped, scope[0]
				if inst != "" {
					sub.Wiki = &inst
				}
				sub.Meaning = "central id " + last + " from lookup " + scope[0]
				return sub
			}
			sub.CentralID = nil
		}
	}
	sub.Format = SubInvalid
	sub.Meaning = "not a form MediaWiki writes or accepts"
	return sub
}

// allDigits reports whether s is one or more ASCII digits (^[0-9]+$).
// Plain loops rather than regexps: compiling ^[0-9a-f]{80}$ unrolls the
// repetition 80 times, a measurable part of a one-token verify process.
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// isHexJTI reports whether s is MediaWiki's access-token jti: 80 lowercase
// hex digits (^[0-9a-f]{80}$).
func isHexJTI(s string) bool {
	if len(s) != 80 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// CentralAuthScope is CentralAuthIdLookup::getScope(), Wikimedia's: subs
// read mw:CentralAuth::<id>.
const CentralAuthScope = "CentralAuth:"

// WikiID is WikiMap's id of a wiki whose database is dbName with table
// prefix prefix: "metawiki", "wikidb-mw_".
func WikiID(dbName, prefix string) string {
	if prefix == "" {
		return dbName
	}
	return dbName + "-" + prefix
}

// LocalScope is core's LocalIdLookup::getScope() for a wiki: "local:" and
// the wiki id (or $wgSharedDB) with ':' replaced by '-'.
func LocalScope(wikiID string) string {
	return "local:" + strings.ReplaceAll(wikiID, ":", "-")
}

// SubjectFor is master's sub for a user of a lookup scope: mw:<scope>:<id>.
func SubjectFor(scope string, centralID int64) string {
	return "mw:" + scope + ":" + strconv.FormatInt(centralID, 10)
}

// ValidScope reports whether s can be a CentralIdLookup scope as mint and
// verify take it: "<provider>:<instance>", where the provider has no ':'
// (CentralAuth's instance part is empty).
func ValidScope(s string) bool {
	p, _, ok := strings.Cut(s, ":")
	return ok && p != "" && !strings.ContainsAny(s, " \t\r\n")
}
