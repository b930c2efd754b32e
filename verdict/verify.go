package verdict

import (
	"github.com/golang-jwt/jwt/v5"
	"github.com/mwoauth/mwoauth/envoy"
	"github.com/mwoauth/mwoauth/jwtutil"
	"github.com/mwoauth/mwoauth/jwtutil/keys"
	"github.com/mwoauth/mwoauth/mediawiki"

	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
	"hash"
	"slices"
	"strings"
	"time"
)

// DefaultEnvoySkew is jwt_authn's default clock_skew_seconds.
const DefaultEnvoySkew = 60 * time.Second

// Options says what a valid token looks like. The algorithm is never
// taken from the token: Algs pins it.
type Options struct {
	Algs      []string         // default {"RS256"}; "none" never; HS* only with Secret
	Keys      []*rsa.PublicKey // from --public-key
	JWKS      []keys.JWK       // from --jwks; matched by kid like Envoy does
	Secret    []byte           // HS* key (--secret-file); refused if it is PEM key material
	Issuer    string           // expected iss; "" = not checked (MediaWiki does not check it)
	Audience  string           // expected aud (consumer key); "" = not checked
	Leeway    time.Duration    // our time leeway; MediaWiki has none
	Now       time.Time        // required: the instant to judge at
	EnvoySkew time.Duration    // 0 = DefaultEnvoySkew; negative = no skew
	// RequestURI is the original request URI Envoy puts in the realm of
	// WWW-Authenticate; "" renders a placeholder.
	RequestURI string
	WikiState  *mediawiki.WikiState // nil when no database is configured
	// EnvoyJWKS, when set, is the gateway's own key set (envoy.ParseJWKS of
	// its local_jwks), used for the Envoy verdict instead of one built from
	// Keys, JWKS and Secret.
	EnvoyJWKS *envoy.JWKS
}

// Check is one verification step.
type Check struct {
	Name   string        `json:"name"`
	OK     bool          `json:"ok"`
	Detail string        `json:"detail"`
	Class  jwtutil.Class `json:"-"`
}

// Result is the whole verification report.
type Result struct {
	Valid     bool              `json:"valid"`
	Class     jwtutil.Class     `json:"class"`
	Checks    []Check           `json:"checks"`
	MediaWiki mediawiki.Verdict `json:"mediawiki"`
	Envoy     EnvoyVerdict      `json:"envoy"`
	Timeline  Timeline          `json:"timeline"`
}

// Failure returns the first failing check of the result's class: the one
// line worth printing on stderr.
func (r *Result) Failure() *Check {
	for i := range r.Checks {
		if !r.Checks[i].OK && r.Checks[i].Class == r.Class {
			return &r.Checks[i]
		}
	}
	return nil
}

// Supported algorithm families. MediaWiki only ever uses RS256 (tokens)
// and HS256 (OAuth 1 identify); the rest are here so a token from
// elsewhere gets a precise answer.
var rsaHashes = map[string]crypto.Hash{
	"RS256": crypto.SHA256, "RS384": crypto.SHA384, "RS512": crypto.SHA512,
	"PS256": crypto.SHA256, "PS384": crypto.SHA384, "PS512": crypto.SHA512,
}
var hmacHashes = map[string]func() hash.Hash{"HS256": sha256.New, "HS384": sha512.New384, "HS512": sha512.New}

// KnownAlg reports whether mwoauth can verify alg (an RSA or HMAC JWS alg).
func KnownAlg(alg string) bool {
	_, r := rsaHashes[alg]
	_, h := hmacHashes[alg]
	return r || h
}

// CheckAlgs validates an allow-list before any token is looked at: "none"
// is never allowed, HS* needs a secret and no public key may double as one.
func CheckAlgs(algs []string, haveSecret bool) error {
	for _, a := range algs {
		switch {
		case strings.EqualFold(a, "none"):
			return errors.New(`alg "none" is never accepted: an unsigned token proves nothing`)
		case !KnownAlg(a):
			return fmt.Errorf("unsupported alg %q (supported: RS256, RS384, RS512, PS256, PS384, PS512, HS256, HS384, HS512)", a)
		case strings.HasPrefix(a, "HS") && !haveSecret:
			return fmt.Errorf("%s needs a shared secret (--secret-file); it is never computed with a public key", a)
		}
	}
	return nil
}

func (o *Options) algs() []string {
	if len(o.Algs) == 0 {
		return []string{"RS256"}
	}
	return o.Algs
}

func (o *Options) skew() time.Duration {
	switch {
	case o.EnvoySkew == 0:
		return DefaultEnvoySkew
	case o.EnvoySkew < 0:
		return 0
	}
	return o.EnvoySkew
}

// VerifySignature checks only algorithm pinning and the signature.
func VerifySignature(t *jwtutil.Token, o Options) Check {
	c := Check{Name: "signature", Class: jwtutil.ClassSignature}
	alg := t.Alg()
	if detail := algRefusal(t, o); detail != "" {
		c.Detail = detail
		return c
	}
	// golang-jwt does the cryptography; we hand it the exact signing input
	// so that header bytes and claim order are judged as they were sent.
	input := t.HeaderB64 + "." + t.PayloadB64
	method := jwt.GetSigningMethod(alg)
	if _, ok := hmacHashes[alg]; ok {
		if isKeyMaterial(o.Secret) {
			c.Detail = "the secret file holds PEM key material: HMAC is never computed with a key file (that is the classic RS256→HS256 confusion attack)"
			return c
		}
		if method.Verify(input, t.Signature, o.Secret) == nil {
			c.OK, c.Class = true, jwtutil.ClassOK
			c.Detail = alg + " signature verifies with the shared secret"
			return c
		}
		c.Detail = alg + " signature does not verify with the shared secret"
		return c
	}
	cands, kidNote := o.candidateKeys(t)
	if len(cands) == 0 {
		c.Detail = "no public key to check against" + kidNote
		return c
	}
	for i, k := range cands {
		if method.Verify(input, t.Signature, k) == nil {
			c.OK, c.Class = true, jwtutil.ClassOK
			c.Detail = fmt.Sprintf("%s signature verifies with key %s", alg, keys.Fingerprint(k)[:23]+"…")
			if len(cands) > 1 {
				c.Detail += fmt.Sprintf(" (key %d of %d)", i+1, len(cands))
			}
			return c
		}
	}
	if len(cands) == 1 {
		c.Detail = fmt.Sprintf("%s signature does not verify with the given key (wrong key, or the token was altered)", alg)
	} else {
		c.Detail = fmt.Sprintf("%s signature verifies with none of the %d keys (wrong keys, or the token was altered)", alg, len(cands))
	}
	return c
}

// algRefusal says why the token's alg may not be verified at all, or "".
func algRefusal(t *jwtutil.Token, o Options) string {
	alg := t.Alg()
	if crit, ok := t.Header["crit"]; ok {
		return fmt.Sprintf("unsupported critical extension: header crit %s (RFC 7515 §4.1.11 requires refusing it)", jwtutil.CompactJSON(crit))
	}
	switch {
	case t.Header["alg"] == nil:
		return "header has no alg"
	case alg == "":
		return "header alg is not a string"
	case strings.EqualFold(alg, "none"):
		return `alg "none": the token is unsigned and is never accepted`
	case !KnownAlg(alg):
		return fmt.Sprintf("unknown or unsupported alg %q", alg)
	case !slices.Contains(o.algs(), alg):
		return fmt.Sprintf("alg %s is not allowed (allowed: %s); MediaWiki answers \"jwtutil.Token signer mismatch\"", alg, strings.Join(o.algs(), ", "))
	case strings.HasPrefix(alg, "HS") && len(o.Secret) == 0:
		return alg + " needs a shared secret; it is never computed with a public key"
	case !strings.HasPrefix(alg, "HS") && len(o.Keys) == 0 && len(o.JWKS) == 0:
		return alg + " needs a public key (--public-key or --jwks)"
	}
	return ""
}

func isKeyMaterial(b []byte) bool {
	return bytes.Contains(b, []byte("-----BEGIN")) || bytes.Contains(b, []byte(`"kty"`))
}

// candidateKeys picks the keys to try: all plain keys, plus JWKS keys whose
// kid matches the token's (every RSA key when the token has no kid).
func (o *Options) candidateKeys(t *jwtutil.Token) ([]*rsa.PublicKey, string) {
	keys := append([]*rsa.PublicKey(nil), o.Keys...)
	kid, hasKid := t.Header["kid"].(string)
	skipped := 0
	for _, k := range o.JWKS {
		if k.Key == nil {
			continue
		}
		if hasKid && k.Kid != "" && k.Kid != kid {
			skipped++
			continue
		}
		if k.Alg != "" && k.Alg != t.Alg() {
			skipped++
			continue
		}
		keys = append(keys, k.Key)
	}
	if skipped > 0 && len(keys) == 0 {
		return nil, fmt.Sprintf(" (no JWKS key matches kid %q / alg %s)", kid, t.Alg())
	}
	return keys, ""
}

// CheckTimes judges only iat/nbf/exp at now with leeway, by MediaWiki's
// rules (lcobucci LooseValidAt): iat <= now, nbf <= now, exp > now. A time
// claim that is not a number makes the token malformed.
func CheckTimes(t *jwtutil.Token, now time.Time, leeway time.Duration) jwtutil.Class {
	worst := jwtutil.ClassOK
	for _, c := range timeChecks(t, now, leeway) {
		if !c.OK && jwtutil.MoreFundamental(c.Class, worst) {
			worst = c.Class
		}
	}
	return worst
}

func timeChecks(t *jwtutil.Token, now time.Time, leeway time.Duration) []Check {
	var out []Check
	lw := ""
	if leeway > 0 {
		lw = fmt.Sprintf(" (with %s leeway; MediaWiki has none)", leeway)
	}
	for _, name := range []string{"iat", "nbf", "exp"} {
		tc := t.TimeClaim(name)
		c := Check{Name: name}
		switch {
		case !tc.Present && name == "exp":
			c.OK = true
			c.Detail = "no exp claim: the token never expires (MediaWiki and Envoy accept that)"
		case !tc.Present:
			continue
		case !tc.Numeric:
			c.Class = jwtutil.ClassMalformed
			c.Detail = fmt.Sprintf("%s is %s, not a NumericDate; MediaWiki cannot parse the token", name, jwtutil.CompactJSON(t.Claims[name]))
		case name == "exp":
			if now.Before(tc.Time.Add(leeway)) {
				c.OK = true
				c.Detail = fmt.Sprintf("%s (exp %s)", jwtutil.Relative(now, tc.Time, "expired", "expires"), jwtutil.FormatUTC(tc.Time))
			} else {
				c.Class = jwtutil.ClassExpired
				c.Detail = fmt.Sprintf("token %s (exp %s)%s", jwtutil.Relative(now, tc.Time, "expired", "expires"), jwtutil.FormatUTC(tc.Time), lw)
			}
		case name == "nbf":
			if !tc.Time.After(now.Add(leeway)) {
				c.OK = true
				c.Detail = fmt.Sprintf("%s (nbf %s)", jwtutil.RelativeFor("nbf", now, tc.Time), jwtutil.FormatUTC(tc.Time))
			} else {
				c.Class = jwtutil.ClassNotYetValid
				c.Detail = fmt.Sprintf("token not valid for another %s (nbf %s)%s", jwtutil.HumanSpan(now, tc.Time), jwtutil.FormatUTC(tc.Time), lw)
			}
		case name == "iat":
			if !tc.Time.After(now.Add(leeway)) {
				c.OK = true
				c.Detail = fmt.Sprintf("%s (iat %s)", jwtutil.RelativeFor("iat", now, tc.Time), jwtutil.FormatUTC(tc.Time))
			} else {
				c.Class = jwtutil.ClassNotYetValid
				c.Detail = fmt.Sprintf("token issued %s in the future (iat %s); MediaWiki: \"The token was issued in the future\"%s", jwtutil.HumanSpan(now, tc.Time), jwtutil.FormatUTC(tc.Time), lw)
			}
		}
		out = append(out, c)
	}
	return out
}

// Verify runs every check at once and predicts what MediaWiki and Envoy
// would answer. Result.Class is the most fundamental failure.
func Verify(t *jwtutil.Token, o Options) *Result {
	if o.Now.IsZero() {
		panic("jwtutil.Verify: Options.Now is required")
	}
	r := &Result{}
	kind := mediawiki.DetectKind(t)

	// Structure beyond Parse: what MediaWiki's parser would also refuse.
	format := Check{Name: "format", OK: true, Detail: "three base64url segments, JSON objects"}
	if _, ok := t.Header["enc"]; ok {
		format = Check{Name: "format", Class: jwtutil.ClassMalformed, Detail: "header has enc: an encrypted token, which MediaWiki's parser refuses"}
	}
	r.Checks = append(r.Checks, format)

	sig := VerifySignature(t, o)
	r.Checks = append(r.Checks, sig)
	r.Checks = append(r.Checks, timeChecks(t, o.Now, o.Leeway)...)

	if o.Issuer != "" {
		c := Check{Name: "issuer"}
		iss, ok := t.StringClaim("iss")
		switch {
		case !ok:
			c.Class, c.Detail = jwtutil.ClassClaims, fmt.Sprintf("no iss claim; expected %q", o.Issuer)
		case iss != o.Issuer:
			c.Class, c.Detail = jwtutil.ClassClaims, fmt.Sprintf("iss is %q; expected %q", iss, o.Issuer)
		default:
			c.OK, c.Detail = true, fmt.Sprintf("iss is %q", iss)
		}
		r.Checks = append(r.Checks, c)
	}
	if o.Audience != "" {
		c := Check{Name: "audience"}
		auds := audiences(t)
		switch {
		case len(auds) == 0:
			c.Class, c.Detail = jwtutil.ClassClaims, fmt.Sprintf("no aud claim; expected %q", o.Audience)
		case !slices.Contains(auds, o.Audience):
			c.Class, c.Detail = jwtutil.ClassClaims, fmt.Sprintf("aud is %s; expected %q", jwtutil.CompactJSON(t.Claims["aud"]), o.Audience)
		default:
			c.OK, c.Detail = true, fmt.Sprintf("aud is %s", jwtutil.CompactJSON(t.Claims["aud"]))
		}
		r.Checks = append(r.Checks, c)
	}
	if ws := o.WikiState; ws != nil && (kind == mediawiki.KindAccessToken || kind == mediawiki.KindOwnerOnly || kind == mediawiki.KindUnknown) {
		r.Checks = append(r.Checks, wikiChecks(t, ws)...)
	}

	for _, c := range r.Checks {
		if !c.OK && jwtutil.MoreFundamental(c.Class, r.Class) {
			r.Class = c.Class
		}
	}
	r.Valid = r.Class == jwtutil.ClassOK
	r.MediaWiki = mediawiki.Judge(t, kind, mediawiki.Input{Now: o.Now, SignatureOK: sig.OK, KeyGiven: KnownAlg(t.Alg()) && len(o.Keys)+len(o.JWKS) > 0, WikiState: o.WikiState})
	r.Envoy = Envoy(t.Raw, o)
	r.Timeline = timeline(t, o)
	return r
}

func audiences(t *jwtutil.Token) []string {
	switch a := t.Claims["aud"].(type) {
	case string:
		return []string{a}
	case []any:
		return jwtutil.StringList(a)
	}
	return nil
}

func wikiChecks(t *jwtutil.Token, ws *mediawiki.WikiState) []Check {
	jti, _ := t.StringClaim("jti")
	row := Check{Name: "token-row", Class: jwtutil.ClassWikiState}
	switch {
	case jti == "":
		row.Detail = "no jti: MediaWiki finds no oauth2_access_tokens row and treats the token as revoked"
	case !ws.TokenRowFound:
		row.Detail = "no oauth2_access_tokens row for this jti: MediaWiki treats the token as revoked"
	case ws.Revoked:
		row.Detail = "oauth2_access_tokens row is revoked (oaat_revoked=1)"
	default:
		row.OK, row.Class = true, jwtutil.ClassOK
		row.Detail = "oauth2_access_tokens row present, not revoked"
		if ws.StoredExpiry != "" {
			row.Detail += " (oaat_expires " + ws.StoredExpiry + " is never consulted)"
		}
	}
	cons := Check{Name: "consumer", Class: jwtutil.ClassWikiState}
	key := ""
	if a := audiences(t); len(a) > 0 {
		key = a[0]
	}
	switch {
	case !ws.ConsumerFound:
		cons.Detail = fmt.Sprintf("no consumer with key %q", key)
	case ws.OAuthVersion != 0 && ws.OAuthVersion != 2:
		cons.Detail = fmt.Sprintf("consumer %q is an OAuth %d consumer; OAuth 2 tokens need an OAuth 2 client", ws.ConsumerName, ws.OAuthVersion)
	case !ws.ConsumerUsable:
		cons.Detail = fmt.Sprintf("consumer %q is %s: not usable, MediaWiki answers mwoauth-invalid-authorization-not-approved", ws.ConsumerName, ws.StageLabel())
	default:
		cons.OK, cons.Class = true, jwtutil.ClassOK
		cons.Detail = fmt.Sprintf("consumer %q is %s and usable", ws.ConsumerName, ws.StageLabel())
		if ws.Deleted {
			cons.Detail += " (suppressed, which MediaWiki does not consult)"
		}
	}
	return []Check{row, cons}
}
