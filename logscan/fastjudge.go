package logscan

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"slices"

	"github.com/mwoauth/mwoauth/jwtutil"
	"github.com/mwoauth/mwoauth/jwtutil/rs256"
	"github.com/mwoauth/mwoauth/mediawiki"
	"github.com/mwoauth/mwoauth/verdict"
)

// The fast path below exists for one reason: a log of distinct tokens is
// bound by RSA verification, and the full Parse+Verify (maps, lcobucci's
// parse again for MediaWiki's verdict, the wiki checks) costs several
// times the RSA operation itself. An incident's log is full of forged and
// expired tokens, so the fast path judges every MediaWiki-shaped RS256
// token, whatever its verdict, with one RSA verification and only the
// work the verdict needs: it reads the claims in place, and takes every
// rule and text from where verify takes them (verdict.Times.Class,
// verdict.TimeCheck, verdict.IssuerCheck, verdict.AudienceCheck,
// verdict.SignatureMismatch, mediawiki.ValidateRS256). A token of any
// other shape goes through verdict.Verify. TestFastJudgeAgrees holds the
// two to the same judgement on every generated and fixture token.

// The header MediaWiki (lcobucci/jwt) writes, and the same in the other
// member order, base64url-encoded: compared as text, never decoded.
var canonicalHeaders = []string{
	"eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9", // {"typ":"JWT","alg":"RS256"}
	"eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9", // {"alg":"RS256","typ":"JWT"}
}

// fastKeys are the RSA keys an RS256 token without kid is checked against
// (verdict's candidate keys for such a token), or nil when the fast path
// cannot apply (RS256 not allowed, no RSA key, a database to consult).
func fastKeys(o Options) []*rs256.Key {
	if o.Wiki != nil || !slices.Contains(o.Verify.Algs, "RS256") {
		return nil
	}
	keys, _ := verdict.CandidateKeys(o.Verify, "RS256", "", false)
	if keys == nil {
		return nil
	}
	// Prepared once per scan: crypto/rsa would rebuild each key's modulus
	// for every token, a quarter of the verification.
	prepared := make([]*rs256.Key, len(keys))
	for i, k := range keys {
		prepared[i] = rs256.New(k)
	}
	return prepared
}

// claimSet is what the fast path reads from a payload. String claims are
// positions in the payload, not slices: a slice stored through c would make
// the payload buffer escape to the heap (2 KiB of garbage per token).
type claimSet struct {
	aud, jti, sub, iss        field
	hasIss, hasAud            bool
	times                     verdict.Times
	seenAud, seenJti, seenSub bool
	seenIss, seenIat, seenNbf bool
	seenExp                   bool
	// An access token's: scopes present, no sxp (a session JWT's), so
	// mediawiki.DetectKind calls it an access or owner-only token.
	hasScopes, hasSxp bool
}

// field is a string claim's text, payload[from:to].
type field struct{ from, to int }

func (f field) in(b []byte) []byte { return b[f.from:f.to] }

// strictB64 decodes as MediaWiki's parser does: no padding, no newline,
// zero unused bits (jwtutil.DecodeSegment, without its allocation).
var strictB64 = base64.RawURLEncoding.Strict()

// fastJudge fills e.info and returns true when the token has the shape
// MediaWiki issues (its header, claims MediaWiki's parser reads as the
// fast path does, a jti and scopes, a sub MediaWiki takes without a
// database); false leaves the judgement to verdict.Verify. tok is the
// token's text, read in place. With stable ids it also sets the token's
// digest, sha256(token), once it hashes the signing input: the hash of the
// whole token continues from the signing input's, so the token is not
// hashed twice.
func (s *Scanner) fastJudge(e *entry, tok []byte, w *worker) bool {
	d1 := bytes.IndexByte(tok, '.')
	if d1 < 0 {
		return false
	}
	d2 := bytes.IndexByte(tok[d1+1:], '.')
	if d2 < 0 {
		return false
	}
	d2 += d1 + 1
	header := tok[:d1]
	if string(header) != canonicalHeaders[0] && string(header) != canonicalHeaders[1] {
		return false
	}
	var pbuf [2048]byte
	var sbuf [1024]byte
	p64, s64 := tok[d1+1:d2], tok[d2+1:]
	if base64.RawURLEncoding.DecodedLen(len(p64)) > len(pbuf) || base64.RawURLEncoding.DecodedLen(len(s64)) > len(sbuf) {
		return false
	}
	if bytes.IndexByte(p64, '\n') >= 0 || bytes.IndexByte(p64, '\r') >= 0 || bytes.IndexByte(s64, '\n') >= 0 || bytes.IndexByte(s64, '\r') >= 0 {
		return false // Go's decoder skips newlines; MediaWiki's refuses them
	}
	pn, err := strictB64.Decode(pbuf[:], p64)
	if err != nil {
		return false
	}
	sn, err := strictB64.Decode(sbuf[:], s64)
	if err != nil {
		return false
	}
	var c claimSet
	payload := pbuf[:pn]
	if !readClaims(payload, &c, s.rules.LcobucciMajor) || !c.seenJti || !c.hasScopes || c.hasSxp || !s.plainSubject(c.sub.in(payload)) {
		return false
	}
	// From here on the fast path judges the token, whatever its verdict.
	in := &e.info
	var digest []byte
	if !s.stable || s.o.IDKey != nil {
		d := sha256.Sum256(tok[:d2])
		digest = d[:]
		s.setDigest(in, tok)
	} else {
		// Sum does not change the hash's state: the signing input's
		// digest first, then the whole token's for the report id.
		h := sha256.New()
		h.Write(tok[:d2])
		var dbuf [sha256.Size]byte
		digest = h.Sum(dbuf[:0])
		h.Write(tok[d2:])
		h.Sum(in.digest[:0])
	}
	sigOK := false
	for _, k := range s.fast {
		if k.Verify(digest, sbuf[:sn]) {
			sigOK = true
			break
		}
	}
	aud := c.aud.in(payload)
	issOK := s.o.Verify.Issuer == "" || c.hasIss && string(c.iss.in(payload)) == s.o.Verify.Issuer
	audOK := s.o.Verify.Audience == "" || c.hasAud && string(aud) == s.o.Verify.Audience
	switch {
	case !sigOK:
		in.static = jwtutil.ClassSignature
	case !issOK || !audOK:
		in.static = jwtutil.ClassClaims
	}
	in.atClass = in.static
	if tc := c.times.Class(jwtutil.Date(s.o.At), s.o.Verify.Leeway); jwtutil.MoreFundamental(tc, in.atClass) {
		in.atClass = tc
	}
	in.times = c.times
	if s.o.Output == OutputSummary && w != nil {
		// The summary groups by aud alone, and a log has few consumers:
		// no allocation per token.
		in.aud = w.intern(aud)
	} else {
		// One allocation for the three claims the report keeps.
		jti, sub := c.jti.in(payload), c.sub.in(payload)
		all := string(jti) + string(aud) + string(sub)
		nj, na := len(jti), len(jti)+len(aud)
		in.jti, in.aud, in.sub = all[:nj], all[nj:na], all[na:]
	}
	// MediaWiki's verdict: league's validator (zero leeway, the same
	// signature check), then, with no database and a plain sub, accepted.
	if viol := mediawiki.ValidateRS256(optDate(c.times.IAT, c.times.HasIAT), optDate(c.times.NBF, c.times.HasNBF), optDate(c.times.EXP, c.times.HasEXP), s.o.At, sigOK); len(viol) > 0 {
		in.mw = mwSummary{accepted: &refused, reason: viol[0]}
	} else {
		in.mw.fast = true
	}
	if in.atClass != jwtutil.ClassOK && s.stable {
		s.fastDetails(in, sigOK, &c, payload)
	}
	return true
}

var refused = false

func optDate(d jwtutil.NumericDate, has bool) *jwtutil.NumericDate {
	if !has {
		return nil
	}
	return &d
}

// fastDetails sets the first failing check's detail per class, as
// verdict.Verify's checks would (the signature, iat, nbf, exp, issuer,
// audience, in that order), for a token the fast path judged.
func (s *Scanner) fastDetails(in *tokenInfo, sigOK bool, c *claimSet, payload []byte) {
	set := func(ch verdict.Check) {
		if !ch.OK && in.detail(ch.Class) == "" {
			in.setDetail(ch.Class, ch.Detail)
		}
	}
	if !sigOK {
		set(verdict.Check{Class: jwtutil.ClassSignature, Detail: verdict.SignatureMismatch("RS256", len(s.fast))})
	}
	ts := &c.times
	for _, t := range []struct {
		name string
		d    jwtutil.NumericDate
		has  bool
	}{{"iat", ts.IAT, ts.HasIAT}, {"nbf", ts.NBF, ts.HasNBF}, {"exp", ts.EXP, ts.HasEXP}} {
		if t.has {
			set(verdict.TimeCheck(t.name, t.d, s.o.At, s.o.Verify.Leeway))
		}
	}
	if s.o.Verify.Issuer != "" {
		set(verdict.IssuerCheck(string(c.iss.in(payload)), c.hasIss, s.o.Verify.Issuer))
	}
	if s.o.Verify.Audience != "" {
		var auds []string
		var aud any
		if c.hasAud {
			a := string(c.aud.in(payload))
			auds, aud = []string{a}, a
		}
		set(verdict.AudienceCheck(auds, aud, s.o.Verify.Audience))
	}
}

// plainSubject reports whether MediaWiki's verdict on sub is decided
// without a database and accepts it: no sub, a bare central id, or (with
// no subject scope to compare) a mw: sub ending in a central id. Any other
// sub goes through verdict, which says why MediaWiki refuses or what it
// depends on.
func (s *Scanner) plainSubject(sub []byte) bool {
	digits := func(b []byte) bool {
		for _, c := range b {
			if c < '0' || c > '9' {
				return false
			}
		}
		return true
	}
	switch {
	case digits(sub): // "" included
		return true
	case !s.rules.SubjectScopeCheck || s.o.Verify.SubjectScope != "" || !bytes.HasPrefix(sub, []byte("mw:")):
		return false
	}
	id := sub[bytes.LastIndexByte(sub, ':')+1:]
	return len(id) > 0 && digits(id)
}

// readClaims reads the payload with jwtutil's one JSON scanner, strictly:
// anything MediaWiki's parser might refuse (PHP-invalid JSON, an empty key
// under lcobucci 5) or the fast path does not read plainly (escapes in the
// claims it keeps, a non-string aud, dates that are not plain numbers, a
// repeated claim) makes it give up and leave the token to verdict.
func readClaims(b []byte, c *claimSet, lcobucciMajor int) bool {
	sc := jwtutil.ScanObject(b)
	var m jwtutil.Member
	for sc.Next(&m) {
		key := m.RawKey(b)
		if len(key) == 0 && lcobucciMajor >= 5 {
			return false
		}
		var seen *bool
		var str *field
		var date *jwtutil.NumericDate
		var has *bool
		switch string(key) {
		case "aud":
			seen, str = &c.seenAud, &c.aud
			c.hasAud = true
		case "jti":
			seen, str = &c.seenJti, &c.jti
		case "sub":
			seen, str = &c.seenSub, &c.sub
		case "iss":
			seen, str = &c.seenIss, &c.iss
			c.hasIss = true
		case "iat":
			seen, date, has = &c.seenIat, &c.times.IAT, &c.times.HasIAT
		case "nbf":
			seen, date, has = &c.seenNbf, &c.times.NBF, &c.times.HasNBF
		case "exp":
			seen, date, has = &c.seenExp, &c.times.EXP, &c.times.HasEXP
		case "scopes":
			c.hasScopes = true
			continue
		case "sxp":
			c.hasSxp = true
			continue
		case "grant_type":
			// Who a client_credentials token runs as is not its sub's
			// guess (mediawiki.SubjectGuess): let verdict say it.
			if v, ok := m.StringValue(b); !ok || string(v) == mediawiki.GrantClientCredentials {
				return false
			}
			continue
		default:
			if m.KeyEscaped {
				return false // an escaped spelling of a claim the fast path reads
			}
			continue
		}
		if *seen {
			return false // a repeated claim: let verdict decide
		}
		*seen = true
		switch {
		case str != nil:
			v, ok := m.StringValue(b)
			if !ok {
				return false
			}
			*str = field{m.ValStart + 1, m.ValStart + 1 + len(v)}
		case date != nil:
			if m.Kind != jwtutil.KindNumber {
				return false
			}
			d, st := jwtutil.PHPDateValue(m.Kind, m.Value(b))
			if st != jwtutil.DateOK {
				return false
			}
			*date, *has = d, true
		}
	}
	return sc.Problem() == jwtutil.JSONOK
}
