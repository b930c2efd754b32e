package scan

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"

	"github.com/mwoauth/mwoauth/jwtutil"
)

// The fast path below exists for one reason: a log of distinct tokens is
// bound by RSA verification, and jwtutil's full Parse+Verify (which builds
// maps, the MediaWiki and Envoy verdicts and a timeline for every token)
// costs about half as much again as the RSA operation itself. For the
// common case, a MediaWiki-shaped RS256 token that is valid at Options.At,
// the fast path reaches the same verdict with only the work that verdict
// needs. It decides nothing else: any token it does not fully understand,
// or that fails any check, goes through jwtutil as before, so every
// failure's class and detail come from jwtutil. TestFastJudgeAgrees keeps
// the two in step.

// The header MediaWiki (lcobucci/jwt) writes, and the same in the other
// member order, base64url-encoded: compared as text, never decoded.
var canonicalHeaders = []string{
	"eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9", // {"typ":"JWT","alg":"RS256"}
	"eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9", // {"alg":"RS256","typ":"JWT"}
}

// fastKeys are the RSA keys an RS256 token without kid is checked against
// (jwtutil's candidate keys for such a token), or nil when the fast path
// cannot apply (RS256 not allowed, no RSA key, a database to consult).
func fastKeys(o Options) []*rsa.PublicKey {
	if o.Wiki != nil {
		return nil
	}
	allowed := false
	for _, a := range o.Verify.Algs {
		allowed = allowed || a == "RS256"
	}
	if !allowed {
		return nil
	}
	keys := append([]*rsa.PublicKey(nil), o.Verify.Keys...)
	for _, k := range o.Verify.JWKS {
		if k.Key != nil && (k.Alg == "" || k.Alg == "RS256") {
			keys = append(keys, k.Key)
		}
	}
	return keys
}

// claimSet is what the fast path reads from a payload. String claims are
// positions in the payload, not slices: a slice stored through c would make
// the payload buffer escape to the heap (2 KiB of garbage per token).
type claimSet struct {
	aud, jti, sub, iss        field
	hasIss, hasAud            bool
	iat, nbf, exp             int64 // unix ns; noTime when absent
	seenAud, seenJti, seenSub bool
	seenIss, seenIat, seenNbf bool
	seenExp                   bool
}

// field is a string claim's text, payload[from:to].
type field struct{ from, to int }

func (f field) in(b []byte) []byte { return b[f.from:f.to] }

// fastJudge fills e.info and returns true when the token is valid at
// Options.At by jwtutil's rules; false leaves the judgement to jwtutil.
// tok is the token's text, read in place. Unless only a summary is wanted,
// it also sets the report id, sha256(token), once it hashes the signing
// input: the hash of the whole token continues from the signing input's,
// so the token is not hashed twice.
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
	pn, err := base64.RawURLEncoding.Decode(pbuf[:], p64)
	if err != nil {
		return false
	}
	sn, err := base64.RawURLEncoding.Decode(sbuf[:], s64)
	if err != nil {
		return false
	}
	var c claimSet
	c.iat, c.nbf, c.exp = noTime, noTime, noTime
	payload := pbuf[:pn]
	if !readClaims(payload, &c) {
		return false
	}
	// Times at At, with jwtutil's rules: iat <= now, nbf <= now, exp > now.
	now, l := s.o.At.UnixNano(), int64(s.o.Verify.Leeway)
	if c.exp != noTime && now >= c.exp+l || c.nbf != noTime && c.nbf > now+l || c.iat != noTime && c.iat > now+l {
		return false
	}
	if s.o.Verify.Issuer != "" && (!c.hasIss || string(c.iss.in(payload)) != s.o.Verify.Issuer) {
		return false
	}
	if s.o.Verify.Audience != "" && (!c.hasAud || string(c.aud.in(payload)) != s.o.Verify.Audience) {
		return false
	}
	in := &e.info
	var digest []byte
	if s.o.SummaryOnly {
		d := sha256.Sum256(tok[:d2])
		digest = d[:]
	} else {
		// Sum does not change the hash's state: the signing input's
		// digest first, then the whole token's for the report id.
		h := sha256.New()
		h.Write(tok[:d2])
		var dbuf, ibuf [sha256.Size]byte
		digest = h.Sum(dbuf[:0])
		h.Write(tok[d2:])
		id := h.Sum(ibuf[:0])
		in.id = hex.EncodeToString(id[:6])
	}
	ok := false
	for _, k := range s.fast {
		if rsa.VerifyPKCS1v15(k, crypto.SHA256, digest, sbuf[:sn]) == nil {
			ok = true
			break
		}
	}
	if !ok {
		return false
	}
	if s.o.SummaryOnly && w != nil {
		// The summary groups by aud alone, and a log has few consumers:
		// no allocation per token.
		in.aud = w.intern(c.aud.in(payload))
	} else {
		// One allocation for the three claims the report keeps.
		jti, aud, sub := c.jti.in(payload), c.aud.in(payload), c.sub.in(payload)
		all := string(jti) + string(aud) + string(sub)
		nj, na := len(jti), len(jti)+len(aud)
		in.jti, in.aud, in.sub = all[:nj], all[nj:na], all[na:]
	}
	in.iat, in.nbf, in.exp = c.iat, c.nbf, c.exp
	in.static, in.atClass = jwtutil.ClassOK, jwtutil.ClassOK
	return true
}

// readClaims reads a flat JSON object strictly: anything unusual (escapes
// or non-ASCII in the claims it reads, non-string aud, string or exponent
// times, a repeated claim, deep nesting) makes it give up.
func readClaims(b []byte, c *claimSet) bool {
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == '}' {
		return skipWS(b, i+1) == len(b)
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return false
		}
		kEnd, ok := plainString(b, i)
		if !ok {
			return false
		}
		key := b[i+1 : kEnd]
		i = skipWS(b, kEnd+1)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		i = skipWS(b, i+1)
		var seen *bool
		var str *field
		var tm *int64
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
			seen, tm = &c.seenIat, &c.iat
		case "nbf":
			seen, tm = &c.seenNbf, &c.nbf
		case "exp":
			seen, tm = &c.seenExp, &c.exp
		}
		if seen != nil {
			if *seen {
				return false // a repeated claim: let jwtutil decide
			}
			*seen = true
		}
		switch {
		case str != nil:
			if i >= len(b) || b[i] != '"' {
				return false
			}
			end, ok := plainString(b, i)
			if !ok {
				return false
			}
			*str = field{i + 1, end}
			i = end + 1
		case tm != nil:
			end, ns, ok := plainTime(b, i)
			if !ok {
				return false
			}
			*tm = ns
			i = end
		default:
			end, ok := skipJSON(b, i, 0)
			if !ok {
				return false
			}
			i = end
		}
		i = skipWS(b, i)
		if i >= len(b) {
			return false
		}
		if b[i] == '}' {
			return skipWS(b, i+1) == len(b)
		}
		if b[i] != ',' {
			return false
		}
		i = skipWS(b, i+1)
	}
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// plainString returns the index of the closing quote of the string at i,
// refusing escapes, control characters and non-ASCII bytes.
func plainString(b []byte, i int) (int, bool) {
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return j, true
		case c == '\\' || c < 0x20 || c >= 0x80:
			return 0, false
		}
	}
	return 0, false
}

// plainTime reads a NumericDate written as digits with an optional
// fraction, exactly as jwtutil does (decimal digits to nanoseconds).
func plainTime(b []byte, i int) (int, int64, bool) {
	j := i
	var sec int64
	for j < len(b) && b[j] >= '0' && b[j] <= '9' {
		if j-i >= 18 {
			return 0, 0, false
		}
		sec = sec*10 + int64(b[j]-'0')
		j++
	}
	if j == i || (b[i] == '0' && j-i > 1) {
		return 0, 0, false
	}
	var ns int64
	if j < len(b) && b[j] == '.' {
		j++
		k := 0
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			if k < 9 {
				ns = ns*10 + int64(b[j]-'0')
			}
			k++
			j++
		}
		if k == 0 {
			return 0, 0, false
		}
		for ; k < 9; k++ {
			ns *= 10
		}
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		return 0, 0, false
	}
	if sec > (1<<63-1)/int64(1e9)-1 {
		return 0, 0, false
	}
	return j, sec*1e9 + ns, true
}

// skipJSON skips one valid JSON value at i (strings may hold escapes).
func skipJSON(b []byte, i, depth int) (int, bool) {
	if i >= len(b) || depth > 32 {
		return 0, false
	}
	switch c := b[i]; {
	case c == '"':
		for j := i + 1; j < len(b); j++ {
			switch d := b[j]; {
			case d == '"':
				return j + 1, true
			case d == '\\':
				j++
				if j >= len(b) || !strings.ContainsRune(`"\/bfnrtu`, rune(b[j])) {
					return 0, false
				}
				if b[j] == 'u' {
					if j+4 >= len(b) {
						return 0, false
					}
					for _, h := range b[j+1 : j+5] {
						if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
							return 0, false
						}
					}
					j += 4
				}
			case d < 0x20 || d >= 0x80:
				return 0, false
			}
		}
		return 0, false
	case c == '{' || c == '[':
		closer := byte('}')
		if c == '[' {
			closer = ']'
		}
		j := skipWS(b, i+1)
		if j < len(b) && b[j] == closer {
			return j + 1, true
		}
		for {
			if c == '{' {
				if j >= len(b) || b[j] != '"' {
					return 0, false
				}
				end, ok := skipJSON(b, j, depth+1)
				if !ok {
					return 0, false
				}
				j = skipWS(b, end)
				if j >= len(b) || b[j] != ':' {
					return 0, false
				}
				j = skipWS(b, j+1)
			}
			end, ok := skipJSON(b, j, depth+1)
			if !ok {
				return 0, false
			}
			j = skipWS(b, end)
			if j >= len(b) {
				return 0, false
			}
			if b[j] == closer {
				return j + 1, true
			}
			if b[j] != ',' {
				return 0, false
			}
			j = skipWS(b, j+1)
		}
	case c == '-' || c >= '0' && c <= '9':
		j := i
		if b[j] == '-' {
			j++
		}
		start := j
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		if j == start || (b[start] == '0' && j-start > 1) {
			return 0, false
		}
		if j < len(b) && b[j] == '.' {
			j++
			f := j
			for j < len(b) && b[j] >= '0' && b[j] <= '9' {
				j++
			}
			if j == f {
				return 0, false
			}
		}
		if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
			j++
			if j < len(b) && (b[j] == '+' || b[j] == '-') {
				j++
			}
			f := j
			for j < len(b) && b[j] >= '0' && b[j] <= '9' {
				j++
			}
			if j == f {
				return 0, false
			}
		}
		return j, true
	}
	for _, lit := range []string{"true", "false", "null"} {
		if strings.HasPrefix(string(b[i:min(len(b), i+5)]), lit) {
			return i + len(lit), true
		}
	}
	return 0, false
}
