package envoy

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"math/big"
	"sort"
	"strings"
)

// Key is one Jwks::Pubkey: the usable public key and the kid/alg/crv that
// select it.
type Key struct {
	Kty string `json:"kty"`           // "RSA", "EC", "oct" or "OKP"
	Kid string `json:"kid,omitempty"` // "" matches any token kid
	Alg string `json:"alg,omitempty"` // "" matches any token alg
	Crv string `json:"crv,omitempty"`

	rsa  *rsaKey
	ec   *ecdsa.PublicKey
	hmac []byte
	okp  ed25519.PublicKey
}

// KeyProblem is a key jwt_verify_lib dropped from a JWKS that still had a
// good one (createFromJwksCore keeps going past bad keys).
type KeyProblem struct {
	Index  int    `json:"index"` // position in "keys"
	Status Status `json:"status"`
}

// JWKS is a key set as jwt_verify_lib holds it.
type JWKS struct {
	Keys []*Key `json:"keys"`
	// Form is "jwks" (a "keys" array), "x509" (a {kid: certificate} map)
	// or "pem".
	Form string `json:"form"`
	// Dropped lists the keys skipped in a set that is otherwise OK.
	Dropped []KeyProblem `json:"dropped,omitempty"`
	status  Status
}

// Status is OK or why the set is unusable (upstream getStatus()).
func (k *JWKS) Status() Status {
	if k == nil {
		return JwksNoValidKeys
	}
	return k.status
}

// ParseJWKS is Jwks::createFrom(text, Jwks::JWKS), which is how Envoy reads
// a provider's local_jwks and a remote JWKS body (src/jwks.cc
// createFromJwksCore). It accepts a {"keys": [...]} set, or, when there is
// no "keys" member, a {kid: "-----BEGIN CERTIFICATE-----\n…\n-----END
// CERTIFICATE-----\n"} map. The returned set is never nil; its Status is the
// second result.
//
// As upstream: entries of "keys" that are not objects are ignored; a bad key
// is skipped when another key is good; when none is good the status is the
// first bad key's (or JwksNoValidKeys for an empty list); in the x509 form
// any bad certificate fails the whole set.
func ParseJWKS(text []byte) (*JWKS, Status) {
	j := &JWKS{Form: "jwks"}
	root, ok := parseStruct(string(text))
	if !ok {
		return j.fail(JwksParseError)
	}
	keys, ok := root.get("keys")
	if !ok {
		if isX509Map(root) {
			j.Form = "x509"
			return j.fromX509(root)
		}
		return j.fail(JwksNoKeys)
	}
	if keys.kind != kindList {
		return j.fail(JwksBadKeys)
	}
	first := OK
	var problems []KeyProblem
	for i, v := range keys.list {
		if v.kind != kindStruct {
			continue
		}
		k, st := parseJWK(v.obj)
		if st != OK {
			if first == OK {
				first = st
			}
			problems = append(problems, KeyProblem{Index: i, Status: st})
			continue
		}
		j.Keys = append(j.Keys, k)
	}
	if len(j.Keys) == 0 {
		if first == OK {
			first = JwksNoValidKeys
		}
		return j.fail(first)
	}
	j.Dropped = problems
	return j, OK
}

// ParsePEM is Jwks::createFrom(text, Jwks::PEM): one "PUBLIC KEY" block
// (SubjectPublicKeyInfo) holding an RSA, EC or Ed25519 key, with no kid and
// no alg. Envoy's jwt_authn never reads PEM itself (local_jwks is always a
// JWKS); use this for a key held as PEM, such as MediaWiki's
// $wgOAuth2PublicKey, to stand for the JWKS that carries it.
func ParsePEM(text []byte) (*JWKS, Status) {
	j := &JWKS{Form: "pem"}
	der, ok := pemBlock(string(text), "PUBLIC KEY")
	if !ok {
		return j.fail(JwksPemBadBase64)
	}
	k := parseSPKI(der)
	switch k.kind {
	case spkiRSA:
		j.Keys = []*Key{{Kty: "RSA", rsa: k.rsa}}
	case spkiEC:
		j.Keys = []*Key{{Kty: "EC", ec: k.ec}}
	case spkiEd25519:
		j.Keys = []*Key{{Kty: "OKP", Crv: "Ed25519", okp: k.ed25519}}
	case spkiUnsupported:
		return j.fail(JwksPemNotImplementedKty)
	default:
		return j.fail(JwksPemBadBase64)
	}
	return j, OK
}

func (j *JWKS) fail(s Status) (*JWKS, Status) {
	j.Keys = nil
	j.status = s
	return j, s
}

const (
	x509Prefix = "-----BEGIN CERTIFICATE-----\n"
	x509Suffix = "\n-----END CERTIFICATE-----\n"
)

// isX509Map is shouldCheckX509: a non-empty object whose every member has a
// non-empty name and a string value framed exactly as one PEM certificate.
func isX509Map(o *object) bool {
	if len(o.keys) == 0 {
		return false
	}
	for _, name := range o.keys {
		v := o.fields[name]
		if name == "" || v.kind != kindString || !strings.HasPrefix(v.str, x509Prefix) || !strings.HasSuffix(v.str, x509Suffix) {
			return false
		}
	}
	return true
}

// fromX509 is createFromX509: the first bad certificate fails the set. The
// upstream map is unordered; the names are taken in sorted order so that the
// answer is at least reproducible.
func (j *JWKS) fromX509(o *object) (*JWKS, Status) {
	names := append([]string(nil), o.keys...)
	sort.Strings(names)
	for _, name := range names {
		k, st := parseX509(o.fields[name].str)
		if st != OK {
			return j.fail(st)
		}
		j.Keys = append(j.Keys, &Key{Kty: "RSA", Kid: name, rsa: k})
	}
	return j, OK
}

// parseJWK is extractJwk and its per-type helpers.
func parseJWK(o *object) (*Key, Status) {
	k := &Key{}
	var r fieldResult
	switch k.Kty, r = getString(o, "kty"); r {
	case missing:
		return nil, JwksMissingKty
	case wrongType:
		return nil, JwksBadKty
	}
	// kid and alg are optional; a non-string one reads as absent.
	k.Kid, _ = getString(o, "kid")
	k.Alg, _ = getString(o, "alg")
	var st Status
	switch k.Kty {
	case "EC":
		st = k.fromEC(o)
	case "RSA":
		st = k.fromRSA(o)
	case "oct":
		st = k.fromOct(o)
	case "OKP":
		st = k.fromOKP(o)
	default:
		st = JwksNotImplementedKty
	}
	if st != OK {
		return nil, st
	}
	return k, OK
}

// requiredString maps GetString's result onto a missing/bad status pair.
func requiredString(o *object, name string, missingSt, badSt Status) (string, Status) {
	s, r := getString(o, name)
	switch r {
	case missing:
		return "", missingSt
	case wrongType:
		return "", badSt
	}
	return s, OK
}

// bigPair reads two required string members (RSA n/e, EC x/y) and decodes
// both with createBigNumFromBase64UrlString ("" is zero): the type checks
// come first, in member order, then one status for either bad encoding.
func bigPair(o *object, names [2]string, typeErrs [4]Status, badBase64 Status) (a, b *big.Int, st Status) {
	var texts [2]string
	for i, name := range names {
		if texts[i], st = requiredString(o, name, typeErrs[2*i], typeErrs[2*i+1]); st != OK {
			return nil, nil, st
		}
	}
	ra, okA := decodeBase64URL(texts[0])
	rb, okB := decodeBase64URL(texts[1])
	if !okA || !okB {
		return nil, nil, badBase64
	}
	return new(big.Int).SetBytes(ra), new(big.Int).SetBytes(rb), OK
}

func (k *Key) fromRSA(o *object) Status {
	if k.Alg != "" && !strings.HasPrefix(k.Alg, "RS") && !strings.HasPrefix(k.Alg, "PS") {
		return JwksRSAKeyBadAlg
	}
	nb, eb, st := bigPair(o, [2]string{"n", "e"}, [4]Status{JwksRSAKeyMissingN, JwksRSAKeyBadN, JwksRSAKeyMissingE, JwksRSAKeyBadE}, JwksRsaParseError)
	if st != OK {
		return st
	}
	// "non-standard key; reject it early": only e = 3 or 65537.
	if !eb.IsInt64() || (eb.Int64() != 3 && eb.Int64() != 65537) {
		return JwksRsaParseError
	}
	rk, ok := newRSAKey(nb, eb)
	if !ok {
		return JwksRsaParseError
	}
	k.rsa = rk
	return OK
}

func (k *Key) fromEC(o *object) Status {
	if k.Alg != "" && !strings.HasPrefix(k.Alg, "ES") {
		return JwksECKeyBadAlg
	}
	crv, r := getString(o, "crv")
	if r == wrongType {
		return JwksECKeyBadCrv
	}
	k.Crv = crv
	if k.Alg != "" && k.Crv != "" {
		if !(k.Alg == "ES256" && k.Crv == "P-256" || k.Alg == "ES384" && k.Crv == "P-384" || k.Alg == "ES512" && k.Crv == "P-521") {
			return JwksECKeyAlgNotCompatibleWithCrv
		}
	}
	if k.Alg == "" && k.Crv == "" {
		k.Crv = "P-256" // neither given: assume P-256
	}
	var curve elliptic.Curve
	switch {
	case k.Alg == "ES256" || k.Crv == "P-256":
		curve, k.Crv = elliptic.P256(), "P-256"
	case k.Alg == "ES384" || k.Crv == "P-384":
		curve, k.Crv = elliptic.P384(), "P-384"
	case k.Alg == "ES512" || k.Crv == "P-521":
		curve, k.Crv = elliptic.P521(), "P-521"
	default:
		return JwksECKeyAlgOrCrvUnsupported
	}
	xb, yb, st := bigPair(o, [2]string{"x", "y"}, [4]Status{JwksECKeyMissingX, JwksECKeyBadX, JwksECKeyMissingY, JwksECKeyBadY}, JwksEcXorYBadBase64)
	if st != OK {
		return st
	}
	if k.ec = ecFromXY(curve, xb, yb); k.ec == nil {
		return JwksEcParseError
	}
	return OK
}

func (k *Key) fromOct(o *object) Status {
	if k.Alg != "" && k.Alg != "HS256" && k.Alg != "HS384" && k.Alg != "HS512" {
		return JwksHMACKeyBadAlg
	}
	s, st := requiredString(o, "k", JwksHMACKeyMissingK, JwksHMACKeyBadK)
	if st != OK {
		return st
	}
	key, ok := decodeBase64URL(s)
	if !ok || len(key) == 0 {
		return JwksOctBadBase64
	}
	k.hmac = key
	return OK
}

func (k *Key) fromOKP(o *object) Status {
	if k.Alg != "" && k.Alg != "EdDSA" {
		return JwksOKPKeyBadAlg
	}
	crv, st := requiredString(o, "crv", JwksOKPKeyMissingCrv, JwksOKPKeyBadCrv)
	if st != OK {
		return st
	}
	k.Crv = crv
	if crv != "Ed25519" { // X25519 exists but not for signatures; Ed448 is not in BoringSSL
		return JwksOKPKeyCrvUnsupported
	}
	x, st := requiredString(o, "x", JwksOKPKeyMissingX, JwksOKPKeyBadX)
	if st != OK {
		return st
	}
	raw, ok := decodeBase64URL(x)
	if !ok {
		return JwksOKPXBadBase64
	}
	if len(raw) != ed25519.PublicKeySize {
		return JwksOKPXWrongLength
	}
	k.okp = ed25519.PublicKey(raw)
	return OK
}

// RSAPublicKey is the key as crypto/rsa holds it, nil for other key types
// and for RSA keys crypto/rsa cannot hold (an exponent beyond an int):
// mwoauth's own verification takes an x509 map's keys this way.
func (k *Key) RSAPublicKey() *rsa.PublicKey {
	if k == nil || k.rsa == nil || !k.rsa.e.IsInt64() {
		return nil
	}
	return &rsa.PublicKey{N: k.rsa.n, E: int(k.rsa.e.Int64())}
}
