package verdict

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
	"hash"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/mwoauth/mwoauth/envoy"
	"github.com/mwoauth/mwoauth/jwtutil"
	"github.com/mwoauth/mwoauth/jwtutil/keys"
	"github.com/mwoauth/mwoauth/mediawiki"
)

// DefaultEnvoySkew is jwt_authn's default clock_skew_seconds.
const DefaultEnvoySkew = 60 * time.Second

// Options says what a valid token looks like. The algorithm is never
// taken from the token: Algs pins it.
type Options struct {
	// MediaWiki is the version whose rules judge the token (zero: master).
	MediaWiki mediawiki.Version
	Algs      []string         // default {"RS256"}; "none" never; HS* only with Secret
	Keys      []*rsa.PublicKey // the wiki's public key(s)
	JWKS      []keys.JWK       // a JWKS; matched by kid like Envoy does
	Secret    []byte           // HS* key; refused if it is key material (CheckSecret)
	Issuer    string           // expected iss; "" = not checked (MediaWiki does not check it)
	Audience  string           // expected aud (consumer key); "" = not checked
	Leeway    time.Duration    // mwoauth's time leeway; MediaWiki has none
	Now       time.Time        // required: the instant to judge at
	// EnvoySkew is the gateway's clock_skew_seconds. Envoy reads whole
	// seconds, and anything below one, 0 included, as its default 60 s
	// (envoy.ClockSkew): no setting gives zero skew.
	EnvoySkew time.Duration
	// RequestURI is the original request URI Envoy puts in the realm of
	// WWW-Authenticate; "" renders a placeholder.
	RequestURI string
	// WikiState is what the database says; nil when none is configured.
	WikiState *mediawiki.WikiState
	// WikiID, SubjectScope and StaticApps describe the wiki that answers
	// (see mediawiki.Input); "" and nil when unknown.
	WikiID       string
	SubjectScope string
	StaticApps   []string
	// EnvoyJWKS, when set, is the gateway's own key set (envoy.ParseJWKS of
	// its local_jwks), used for the Envoy verdict instead of one built from
	// Keys, JWKS and Secret.
	EnvoyJWKS *envoy.JWKS
	// AssumeSignature: without keys, MediaWiki's verdict takes the
	// signature as genuine (mediawiki.Input.AssumeSignature); the signature
	// check itself still fails.
	AssumeSignature bool
	// Lean leaves the Envoy verdict and the timeline out of the Result:
	// the log scanner judges every distinct token and reports neither.
	Lean bool
}

// Rules are the MediaWiki rules the options judge by.
func (o *Options) Rules() mediawiki.Rules { return o.MediaWiki.Rules() }

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

// Policy errors, so commands can add their flag hints.
var (
	ErrAlgNone       = errors.New(`alg "none" is never accepted: an unsigned token proves nothing`)
	ErrAlgUnknown    = errors.New("unsupported alg (supported: RS256, RS384, RS512, PS256, PS384, PS512, HS256, HS384, HS512)")
	ErrHMACNoSecret  = errors.New("needs a shared secret; it is never computed with a public key")
	ErrSecretIsKey   = errors.New("the shared secret holds key material: HMAC is never computed with a key (that is the classic RS256→HS256 confusion attack)")
	ErrSecretIsEmpty = errors.New("the shared secret is empty")
)

// CheckAlgs validates an allow-list before any token is looked at: "none"
// is never allowed, HS* needs a secret and no public key may double as one.
// Errors wrap the policy errors above.
func CheckAlgs(algs []string, haveSecret bool) error {
	for _, a := range algs {
		switch {
		case strings.EqualFold(a, "none"):
			return ErrAlgNone
		case !KnownAlg(a):
			return fmt.Errorf("%q: %w", a, ErrAlgUnknown)
		case strings.HasPrefix(a, "HS") && !haveSecret:
			return fmt.Errorf("%s %w", a, ErrHMACNoSecret)
		}
	}
	return nil
}

// CheckSecret is the one HMAC-secret policy: a secret that is key material
// (PEM, a JWK, DER) is refused, as is an empty one. A final newline, which
// editors add, is not part of the secret.
func CheckSecret(secret []byte) ([]byte, error) {
	s := secret
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	switch {
	case keys.IsKeyMaterial(s):
		return nil, ErrSecretIsKey
	case len(s) == 0:
		return nil, ErrSecretIsEmpty
	}
	return s, nil
}

func (o *Options) algs() []string {
	if len(o.Algs) == 0 {
		return []string{"RS256"}
	}
	return o.Algs
}

// VerifySignature checks only algorithm pinning and the signature.
func VerifySignature(t *jwtutil.Token, o Options) Check {
	c, _ := verifySignature(t, o)
	return c
}

// verifySignature is VerifySignature; checked says the signature was
// checked (with cryptography), not refused before.
func verifySignature(t *jwtutil.Token, o Options) (c Check, checked bool) {
	c = Check{Name: "signature", Class: jwtutil.ClassSignature}
	alg := t.Alg()
	if detail := algRefusal(t, o); detail != "" {
		c.Detail = detail
		return c, false
	}
	// golang-jwt does the cryptography; we hand it the exact signing input
	// so that header bytes and claim order are judged as they were sent.
	input := t.HeaderB64 + "." + t.PayloadB64
	method := jwt.GetSigningMethod(alg)
	if _, ok := hmacHashes[alg]; ok {
		secret, err := CheckSecret(o.Secret)
		if err != nil {
			c.Detail = err.Error()
			return c, false
		}
		if method.Verify(input, t.Signature, secret) == nil {
			c.OK, c.Class = true, jwtutil.ClassOK
			c.Detail = alg + " signature verifies with the shared secret"
			return c, true
		}
		c.Detail = alg + " signature does not verify with the shared secret"
		return c, true
	}
	kid, hasKid := t.Header["kid"].(string)
	cands, kidNote := CandidateKeys(o, alg, kid, hasKid)
	if len(cands) == 0 {
		c.Detail = "no public key to check against" + kidNote
		return c, false
	}
	for i, k := range cands {
		if method.Verify(input, t.Signature, k) == nil {
			c.OK, c.Class = true, jwtutil.ClassOK
			c.Detail = fmt.Sprintf("%s signature verifies with key %s", alg, fingerprint(k)[:23]+"…")
			if len(cands) > 1 {
				c.Detail += fmt.Sprintf(" (key %d of %d)", i+1, len(cands))
			}
			return c, true
		}
	}
	c.Detail = SignatureMismatch(alg, len(cands))
	return c, true
}

// SignatureMismatch is the signature check's detail when none of keys
// candidate keys verifies a token of alg.
func SignatureMismatch(alg string, keys int) string {
	if keys == 1 {
		return fmt.Sprintf("%s signature does not verify with the given key (wrong key, or the token was altered)", alg)
	}
	return fmt.Sprintf("%s signature verifies with none of the %d keys (wrong keys, or the token was altered)", alg, keys)
}

// algRefusal says why the token's alg may not be verified at all, or "".
// crit is mwoauth's own refusal (RFC 7515 §4.1.11): MediaWiki's parser never
// reads crit, and its verdict says so.
func algRefusal(t *jwtutil.Token, o Options) string {
	alg := t.Alg()
	if crit, ok := t.Header["crit"]; ok {
		return fmt.Sprintf("unsupported critical extension: header crit %s (RFC 7515 §4.1.11 requires refusing it; MediaWiki ignores crit)", jwtutil.CompactJSON(crit))
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
		return fmt.Sprintf("alg %s is not allowed (allowed: %s); MediaWiki answers %q", alg, strings.Join(o.algs(), ", "), mediawiki.LcobucciSignerMismatch)
	case strings.HasPrefix(alg, "HS") && len(o.Secret) == 0:
		return alg + " needs a shared secret; it is never computed with a public key"
	case !strings.HasPrefix(alg, "HS") && len(o.Keys) == 0 && len(o.JWKS) == 0:
		return alg + " needs a public key"
	}
	return ""
}

// CandidateKeys is the one rule for which RSA keys a token is checked
// against: every plain key, plus the JWKS keys whose kid matches the
// token's (all of them when the token has no kid) and whose alg, when set,
// is the token's. note says why none matched.
func CandidateKeys(o Options, alg, kid string, hasKid bool) (cands []*rsa.PublicKey, note string) {
	cands = append(cands, o.Keys...)
	skipped := 0
	for _, k := range o.JWKS {
		if k.Key == nil {
			continue
		}
		if hasKid && k.Kid != "" && k.Kid != kid {
			skipped++
			continue
		}
		if k.Alg != "" && k.Alg != alg {
			skipped++
			continue
		}
		cands = append(cands, k.Key)
	}
	if skipped > 0 && len(cands) == 0 {
		return nil, fmt.Sprintf(" (no JWKS key matches kid %q / alg %s)", kid, alg)
	}
	return cands, ""
}

// Times are a token's iat, nbf and exp as MediaWiki's parser reads them.
type Times struct {
	IAT, NBF, EXP          jwtutil.NumericDate
	HasIAT, HasNBF, HasEXP bool
}

// TimesOf reads t's time claims; ok is false when one that is present is
// not a date MediaWiki can read (the token is then malformed).
func TimesOf(t *jwtutil.Token) (ts Times, ok bool) {
	ok = true
	for _, c := range []struct {
		name string
		d    *jwtutil.NumericDate
		has  *bool
	}{{"iat", &ts.IAT, &ts.HasIAT}, {"nbf", &ts.NBF, &ts.HasNBF}, {"exp", &ts.EXP, &ts.HasEXP}} {
		tc := t.TimeClaim(c.name)
		if !tc.Present {
			continue
		}
		if !tc.Numeric {
			ok = false
			continue
		}
		*c.d, *c.has = tc.Date, true
	}
	return ts, ok
}

// Class is the one time rule (lcobucci's LooseValidAt, widened by leeway):
// expired when now >= exp + leeway, not yet valid when nbf or iat is after
// now + leeway; expired wins, being more fundamental. verify, every scan
// path and the log generator's expectations all call it.
func (ts Times) Class(now jwtutil.NumericDate, leeway time.Duration) jwtutil.Class {
	switch {
	case ts.HasEXP && !now.Before(ts.EXP.Add(leeway)):
		return jwtutil.ClassExpired
	case ts.HasNBF && ts.NBF.After(now.Add(leeway)), ts.HasIAT && ts.IAT.After(now.Add(leeway)):
		return jwtutil.ClassNotYetValid
	}
	return jwtutil.ClassOK
}

// CheckTimes judges only iat/nbf/exp at now with leeway (see Times.Class);
// a time claim MediaWiki cannot read makes the token malformed.
func CheckTimes(t *jwtutil.Token, now time.Time, leeway time.Duration) jwtutil.Class {
	worst := jwtutil.ClassOK
	for _, c := range timeChecks(t, now, leeway) {
		if !c.OK && jwtutil.MoreFundamental(c.Class, worst) {
			worst = c.Class
		}
	}
	return worst
}

func timeChecks(t *jwtutil.Token, at time.Time, leeway time.Duration) []Check {
	var out []Check
	for _, name := range []string{"iat", "nbf", "exp"} {
		tc := t.TimeClaim(name)
		switch {
		case !tc.Present && name == "exp":
			out = append(out, Check{Name: name, OK: true, Detail: "no exp claim: the token never expires (MediaWiki and Envoy accept that)"})
		case !tc.Present:
		case !tc.Numeric:
			out = append(out, Check{Name: name, Class: jwtutil.ClassMalformed,
				Detail: fmt.Sprintf("%s is %s, not a NumericDate; MediaWiki cannot parse the token", name, jwtutil.CompactJSON(t.Claims[name]))})
		default:
			out = append(out, TimeCheck(name, tc.Date, at, leeway))
		}
	}
	return out
}

// TimeCheck is the check of one present time claim (iat, nbf or exp) of
// date d at at, by the one time rule: what verify reports, and what the
// log scanner's fast path reports for the tokens it judges.
func TimeCheck(name string, d jwtutil.NumericDate, at time.Time, leeway time.Duration) Check {
	lw := ""
	if leeway > 0 {
		lw = fmt.Sprintf(" (with %s leeway; MediaWiki has none)", leeway)
	}
	now := jwtutil.Date(at)
	c := Check{Name: name}
	// Each claim alone through the one rule.
	var one Times
	switch name {
	case "iat":
		one.IAT, one.HasIAT = d, true
	case "nbf":
		one.NBF, one.HasNBF = d, true
	case "exp":
		one.EXP, one.HasEXP = d, true
	}
	date := jwtutil.FormatDate(d)
	switch {
	case one.Class(now, leeway) == jwtutil.ClassOK:
		c.OK = true
		c.Detail = fmt.Sprintf("%s (%s %s)", jwtutil.RelativeForDate(name, now, d), name, date)
	case name == "exp":
		c.Class = jwtutil.ClassExpired
		c.Detail = fmt.Sprintf("token %s (exp %s)%s", jwtutil.RelativeDate(now, d, "expired", "expires"), date, lw)
	case name == "nbf":
		c.Class = jwtutil.ClassNotYetValid
		c.Detail = fmt.Sprintf("token not valid for another %s (nbf %s)%s", jwtutil.SpanDate(now, d), date, lw)
	default:
		c.Class = jwtutil.ClassNotYetValid
		c.Detail = fmt.Sprintf("token issued %s in the future (iat %s); MediaWiki: %q%s", jwtutil.SpanDate(now, d), date, mediawiki.LcobucciIssuedInFuture, lw)
	}
	return c
}

// mwInput is what MediaWiki's verdict is given: the wiki's RSA keys only
// (MediaWiki has one key and no JWKS), the facts and the wiki's identity.
func (o *Options) mwInput() mediawiki.Input {
	cands, _ := CandidateKeys(*o, "RS256", "", false)
	return mediawiki.Input{Rules: o.Rules(), Now: o.Now, Keys: cands, Wiki: o.WikiState,
		WikiID: o.WikiID, SubjectScope: o.SubjectScope, StaticApps: o.StaticApps, AssumeSignature: o.AssumeSignature}
}

// Verify runs every check at once and predicts what MediaWiki and Envoy
// would answer. Result.Class is the most fundamental failure.
func Verify(t *jwtutil.Token, o Options) *Result {
	if o.Now.IsZero() {
		panic("verdict.Verify: Options.Now is required")
	}
	r := &Result{}
	kind := mediawiki.DetectKind(t)
	in := o.mwInput()

	// Structure beyond Parse: mwoauth refuses what MediaWiki's parser
	// refuses, with its reason.
	format := Check{Name: "format", OK: true, Detail: "three base64url segments, JSON objects"}
	// A date PHP cannot read is the time checks' to report.
	if out := mediawiki.ParseLikeLcobucci(t.Raw, in.Rules.LcobucciMajor); out.Token == nil && !out.TypeError && !strings.HasPrefix(out.Reason, mediawiki.LcobucciDateFormat) {
		format = Check{Name: "format", Class: jwtutil.ClassMalformed,
			Detail: fmt.Sprintf("MediaWiki %s's parser refuses the token: %s%s", in.Rules.Version, out.Reason, deviationNote(t))}
	}
	r.Checks = append(r.Checks, format)

	sig, checked := verifySignature(t, o)
	r.Checks = append(r.Checks, sig)
	if _, hasKid := t.Header["kid"]; checked && t.Alg() == "RS256" && (!hasKid || len(o.JWKS) == 0) {
		// MediaWiki checks the same signature with the same keys (its
		// candidates ignore kid): one RSA verification serves both.
		ok := sig.OK
		in.Signature = &ok
	}
	r.Checks = append(r.Checks, timeChecks(t, o.Now, o.Leeway)...)

	if o.Issuer != "" {
		iss, ok := t.StringClaim("iss")
		r.Checks = append(r.Checks, IssuerCheck(iss, ok, o.Issuer))
	}
	if o.Audience != "" {
		r.Checks = append(r.Checks, AudienceCheck(audiences(t), t.Claims["aud"], o.Audience))
	}
	if kind == mediawiki.KindAccessToken || kind == mediawiki.KindOwnerOnly || kind == mediawiki.KindUnknown {
		r.Checks = append(r.Checks, wikiChecks(t, kind, in)...)
	}

	for _, c := range r.Checks {
		if !c.OK && jwtutil.MoreFundamental(c.Class, r.Class) {
			r.Class = c.Class
		}
	}
	r.Valid = r.Class == jwtutil.ClassOK
	r.MediaWiki = mediawiki.Judge(t.Raw, kind, in)
	if !o.Lean {
		r.Envoy = Envoy(t.Raw, o)
		r.Timeline = timeline(t, o)
	}
	return r
}

// IssuerCheck is the issuer check of a token whose iss claim is iss (ok:
// a string claim is present) against want.
func IssuerCheck(iss string, ok bool, want string) Check {
	c := Check{Name: "issuer"}
	switch {
	case !ok:
		c.Class, c.Detail = jwtutil.ClassClaims, fmt.Sprintf("no iss claim; expected %q", want)
	case iss != want:
		c.Class, c.Detail = jwtutil.ClassClaims, fmt.Sprintf("iss is %q; expected %q", iss, want)
	default:
		c.OK, c.Detail = true, fmt.Sprintf("iss is %q", iss)
	}
	return c
}

// AudienceCheck is the audience check of a token whose aud claim is aud
// (auds: as a list; nil when absent) against want.
func AudienceCheck(auds []string, aud any, want string) Check {
	c := Check{Name: "audience"}
	switch {
	case len(auds) == 0:
		c.Class, c.Detail = jwtutil.ClassClaims, fmt.Sprintf("no aud claim; expected %q", want)
	case !slices.Contains(auds, want):
		c.Class, c.Detail = jwtutil.ClassClaims, fmt.Sprintf("aud is %s; expected %q", jwtutil.CompactJSON(aud), want)
	default:
		c.OK, c.Detail = true, fmt.Sprintf("aud is %s", jwtutil.CompactJSON(aud))
	}
	return c
}

// fingerprints remembers each key's fingerprint: a signature check's
// detail names the key, and deriving it (DER encoding, SHA-256) per token
// costs a scan of distinct tokens a few per cent. Few keys are ever in
// use; past 64 the cache is no longer filled.
var fingerprints = struct {
	sync.Mutex
	m map[*rsa.PublicKey]string
}{m: map[*rsa.PublicKey]string{}}

func fingerprint(k *rsa.PublicKey) string {
	fingerprints.Lock()
	fp, ok := fingerprints.m[k]
	fingerprints.Unlock()
	if ok {
		return fp
	}
	fp = keys.Fingerprint(k)
	fingerprints.Lock()
	if len(fingerprints.m) < 64 {
		fingerprints.m[k] = fp
	}
	fingerprints.Unlock()
	return fp
}

// Malformed is the report for a token jwtutil.Parse refused: the format
// check, and MediaWiki's own answer to the same bytes.
func Malformed(raw string, err error, o Options) *Result {
	r := &Result{Class: jwtutil.ClassMalformed, Timeline: Timeline{}}
	r.Checks = []Check{{Name: "format", Class: jwtutil.ClassMalformed, Detail: err.Error()}}
	r.MediaWiki = mediawiki.Judge(raw, mediawiki.KindAccessToken, o.mwInput())
	r.Envoy = Envoy(raw, o)
	return r
}

// deviationWords say what each deviation lcobucci refuses is (%s is the
// segment); a deviation not named here (a duplicate member, which lcobucci
// reads past) adds no words.
var deviationWords = map[string]string{
	jwtutil.DevPadding:      "the %s carries '=' padding",
	jwtutil.DevTrailingBits: "the %s's last character has non-zero unused bits",
	jwtutil.DevInvalidUTF8:  "the %s holds invalid UTF-8",
	jwtutil.DevSurrogate:    "the %s holds an unpaired surrogate escape",
	jwtutil.DevDepth:        "the %s nests deeper than 512 levels",
	jwtutil.DevEmptyKey:     "the %s has a member named \"\"",
}

// deviationNote explains, from Parse's record, why a token's bytes differ
// from what the parser accepts.
func deviationNote(t *jwtutil.Token) string {
	var parts []string
	for _, d := range t.Deviations {
		if w, ok := deviationWords[d.Code]; ok {
			parts = append(parts, fmt.Sprintf(w, d.Segment))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, "; ") + ")"
}

// audiences is aud as a list (the audience check; Envoy's too).
func audiences(t *jwtutil.Token) []string {
	switch a := t.Claims["aud"].(type) {
	case string:
		return []string{a}
	case []any:
		return jwtutil.StringList(a)
	}
	return nil
}

// wikiChecks are what the database decides, from MediaWiki's own judgement
// of the wiki's state (mediawiki.JudgeWikiState) so the two never disagree:
// the token row, then the first refusal of the subject, user, acceptance,
// consumer or wiki, or the consumer the request would use.
func wikiChecks(t *jwtutil.Token, kind string, in mediawiki.Input) []Check {
	if in.Wiki == nil {
		// Without a database only the sub can be judged: its scope (with
		// --subject-scope) and whether it names a user at all (master).
		v := mediawiki.JudgeWikiState(t.Raw, kind, in)
		if v.Accepted != nil && !*v.Accepted && v.Check == "subject" {
			return []Check{{Name: "subject", Class: jwtutil.ClassClaims, Detail: v.Detail}}
		}
		return nil
	}
	jti, _ := t.StringClaim("jti")
	row := Check{Name: "token-row", Class: jwtutil.ClassWikiState}
	if d := mediawiki.RowProblem(in.Wiki.TokenRow, jti); d != "" {
		row.Detail = d
	} else {
		row.OK, row.Class = true, jwtutil.ClassOK
		row.Detail = "oauth2_access_tokens row present, not revoked"
		if e := in.Wiki.TokenRow.Expires; e != "" {
			row.Detail += " (oaat_expires " + e + " is never consulted)"
		}
	}
	out := []Check{row}
	v := mediawiki.JudgeWikiState(t.Raw, kind, in)
	if v.Step == mediawiki.StepRevocation || v.Step == mediawiki.StepParse || v.Step == mediawiki.StepValidate {
		return out // the row check says it; a malformed token has no wiki state to judge
	}
	name := v.Check
	if name == "" {
		name = "session"
	}
	c := Check{Name: name, Detail: v.Detail}
	switch {
	case v.Accepted == nil || *v.Accepted:
		c.OK = true
	case v.Step == mediawiki.StepSubject:
		c.Class = jwtutil.ClassClaims // the sub does not fit this wiki
	default:
		c.Class = jwtutil.ClassWikiState // the wiki's rows refuse it (an unknown sub user included)
	}
	if c.Detail == "" {
		c.Detail = v.Reason
	}
	return append(out, c)
}
