package mediawiki

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/mwoauth/mwoauth/jwtutil"
)

// lcobucci/jwt's exception messages, as league hands them to the client
// (OAuthServerException::accessDenied($exception->getMessage())).
const (
	LcobucciTwoDots        = "The JWT string must have two dots"
	LcobucciMissingHeader  = "The JWT string is missing the Header part"    // 5.x
	LcobucciMissingClaims  = "The JWT string is missing the Claim part"     // 5.x
	LcobucciMissingSig     = "The JWT string is missing the Signature part" // 5.x
	LcobucciBadBase64      = "Error while decoding from Base64Url, invalid base64 characters detected"
	LcobucciBadJSON        = "Error while decoding from JSON"
	LcobucciEncryption     = "Encryption is not supported yet"
	LcobucciDateFormat     = "Value is not in the allowed date format: "
	LcobucciIssuedInFuture = "The token was issued in the future"
	LcobucciNotYet         = "The token cannot be used yet"
	LcobucciExpired        = "The token is expired"
	LcobucciSignerMismatch = "Token signer mismatch"
	LcobucciSigMismatch    = "Token signature mismatch"
)

// lcobucciArrayExpected is InvalidTokenStructure::arrayExpected: part is
// "headers" or "claims".
func lcobucciArrayExpected(major int, part string) string {
	if major >= 5 {
		return part + " must be an array with non-empty-string keys"
	}
	return part + " must be an array"
}

// ParsedToken is a token as lcobucci/jwt's Parser leaves it, seen from PHP:
// header and claims are PHP arrays (a JSON list is an array too, with no
// named members), aud has become a list, iat/nbf/exp dates.
type ParsedToken struct {
	HeaderB64, PayloadB64 string
	Signature             []byte
	Header                map[string]any // named members (decoded with UseNumber)
	Claims                map[string]any
	Dates                 map[string]jwtutil.NumericDate
}

// Alg is the header's alg when it is a string ("" otherwise).
func (p *ParsedToken) Alg() string {
	s, _ := p.Header["alg"].(string)
	return s
}

// ParseOutcome is how lcobucci/jwt's Parser::parse ended.
type ParseOutcome struct {
	Token  *ParsedToken // nil when the parse failed
	Reason string       // the exception message (league's hint), "" when parsed
	// TypeError: PHP threw a TypeError, not a lcobucci exception (a date
	// claim that is true, false, null, an array or an object): league does
	// not catch it, and MediaWiki fails the request with an internal error.
	TypeError bool
}

// ParseLikeLcobucci parses raw exactly as the lcobucci/jwt major version of
// rules (4.1.5 on REL1_43 and REL1_45, 5.x on master) does, with its
// exception texts. It reproduces, from the bytes:
//
//   - explode('.'): exactly three parts ("The JWT string must have two dots");
//   - 5.x: no part may be empty (the Header/Claim/Signature part messages);
//   - sodium_base642bin(…, URLSAFE_NO_PADDING): no '=', no '+' or '/', no
//     newline, zero unused bits in the last character;
//   - json_decode(…, true, 512, JSON_THROW_ON_ERROR): RFC 8259 JSON, valid
//     UTF-8, paired surrogates, at most 512 levels; duplicate keys keep the
//     last value;
//   - is_array: an object or a list (a list has no named claims);
//   - 5.x: no key "" in header or claims;
//   - an enc header is refused;
//   - iat, nbf, exp through convertDate (jwtutil.PHPDate), in that order;
//   - 4.x does not decode the signature when it is empty, when the header
//     has no alg, or when alg is "none".
//
// lcobucci never reads crit, kid, typ or any other header member.
func ParseLikeLcobucci(raw string, major int) ParseOutcome {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return ParseOutcome{Reason: LcobucciTwoDots}
	}
	if major >= 5 {
		switch {
		case parts[0] == "":
			return ParseOutcome{Reason: LcobucciMissingHeader}
		case parts[1] == "":
			return ParseOutcome{Reason: LcobucciMissingClaims}
		case parts[2] == "":
			return ParseOutcome{Reason: LcobucciMissingSig}
		}
	}
	p := &ParsedToken{HeaderB64: parts[0], PayloadB64: parts[1]}
	var reason string
	if p.Header, reason = phpArray(parts[0], major, "headers"); reason != "" {
		return ParseOutcome{Reason: reason}
	}
	if _, enc := p.Header["enc"]; enc {
		return ParseOutcome{Reason: LcobucciEncryption}
	}
	claimsJSON, ok := jwtutil.DecodeSegment(parts[1])
	if !ok {
		return ParseOutcome{Reason: LcobucciBadBase64}
	}
	if p.Claims, reason = phpArrayJSON(claimsJSON, major, "claims"); reason != "" {
		return ParseOutcome{Reason: reason}
	}
	p.Dates = map[string]jwtutil.NumericDate{}
	for _, name := range []string{"iat", "nbf", "exp"} {
		rawVal, kind, ok := member(claimsJSON, name)
		if !ok {
			continue
		}
		d, status, text := jwtutil.PHPDate(kind, rawVal)
		switch status {
		case jwtutil.DateTypeError:
			return ParseOutcome{Reason: "PHP TypeError: " + name + " is " + string(rawVal) + ", which convertDate cannot take", TypeError: true}
		case jwtutil.DateNotNumeric, jwtutil.DateUnparseable:
			return ParseOutcome{Reason: LcobucciDateFormat + text}
		}
		p.Dates[name] = d
	}
	alg, hasAlg := p.Header["alg"]
	if major < 5 && (parts[2] == "" || !hasAlg || alg == "none") {
		return ParseOutcome{Token: p} // Signature::fromEmptyData(): nothing decoded
	}
	if p.Signature, ok = jwtutil.DecodeSegment(parts[2]); !ok {
		return ParseOutcome{Reason: LcobucciBadBase64}
	}
	return ParseOutcome{Token: p}
}

// phpArray decodes one base64url segment into a PHP array as lcobucci's
// parseHeader/parseClaims do.
func phpArray(seg string, major int, part string) (map[string]any, string) {
	b, ok := jwtutil.DecodeSegment(seg)
	if !ok {
		return nil, LcobucciBadBase64
	}
	return phpArrayJSON(b, major, part)
}

func phpArrayJSON(b []byte, major int, part string) (map[string]any, string) {
	kind, problem := jwtutil.ValidateJSON(b)
	if problem != jwtutil.JSONOK {
		return nil, LcobucciBadJSON
	}
	switch kind {
	case jwtutil.KindArray:
		return map[string]any{}, "" // a PHP list: no named members
	case jwtutil.KindObject:
	default:
		return nil, lcobucciArrayExpected(major, part)
	}
	if major >= 5 {
		s := jwtutil.ScanObject(b)
		var m jwtutil.Member
		for s.Next(&m) {
			if len(m.RawKey(b)) == 0 {
				return nil, lcobucciArrayExpected(major, part)
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	out := map[string]any{}
	if err := dec.Decode(&out); err != nil {
		return nil, LcobucciBadJSON // unreachable: ValidateJSON is stricter than Go
	}
	return out, ""
}

// member returns the last value of key name in an object (PHP keeps the
// last of duplicates), with its JSON kind.
func member(b []byte, name string) ([]byte, jwtutil.ValueKind, bool) {
	s := jwtutil.ScanObject(b)
	var m jwtutil.Member
	var val []byte
	var kind jwtutil.ValueKind
	found := false
	for s.Next(&m) {
		if m.Key(b) == name {
			val, kind, found = m.Value(b), m.Kind, true
		}
	}
	return val, kind, found
}
