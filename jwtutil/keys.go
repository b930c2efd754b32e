package jwtutil

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// MinRSABits is the smallest key MediaWiki's OAuth extension accepts for
// $wgOAuth2PrivateKey; we apply it to generation and lint everything below it.
const MinRSABits = 2048

// MaxRSABits bounds generation: larger keys take minutes to create and make
// every verification slow for no practical gain.
const MaxRSABits = 16384

// Sentinel errors so callers (commands, the verifier) can tell key problems
// apart without matching message text. Every parse error wraps one of these.
var (
	ErrNoKey         = errors.New("no key found")
	ErrEncryptedKey  = errors.New("encrypted private key")
	ErrNotRSA        = errors.New("not an RSA key")
	ErrPrivateKeyPEM = errors.New("private key where a public key was expected")
	ErrPublicKeyPEM  = errors.New("public key where a private key was expected")
	ErrBadKey        = errors.New("malformed key")
)

// Key formats reported by ParseKey.
const (
	FormatPKCS8       = "PKCS#8"
	FormatPKCS1       = "PKCS#1"
	FormatPKIX        = "PKIX"
	FormatCertificate = "X.509 certificate"
	FormatJWK         = "JWK"
)

// KeyInfo is what ParseKey found: always a public key, plus the private key
// when the material was private.
type KeyInfo struct {
	Public  *rsa.PublicKey
	Private *rsa.PrivateKey // nil for public material
	Format  string          // one of the Format* constants
	PEMType string          // PEM block type, "" for DER or JWK input
}

// IsPrivate reports whether the material contained a private key.
func (k *KeyInfo) IsPrivate() bool { return k.Private != nil }

// Bits is the RSA modulus size.
func (k *KeyInfo) Bits() int { return k.Public.N.BitLen() }

// ParsePublicKey reads an RSA public key: PEM "PUBLIC KEY" (PKIX), "RSA PUBLIC
// KEY" (PKCS#1) or a CERTIFICATE, the same in DER, or a JWK/JWKS holding exactly
// one RSA key. Stray surrounding whitespace, CRLF and a UTF-8 BOM are tolerated
// here (LintPEM reports them, because MediaWiki is not as forgiving). Private
// key material is refused (ErrPrivateKeyPEM) rather than silently reduced, so a
// private key never travels where a public one is expected.
func ParsePublicKey(material []byte) (*rsa.PublicKey, error) {
	k, err := ParseKey(material)
	if err != nil {
		return nil, err
	}
	if k.IsPrivate() {
		return nil, fmt.Errorf("%w: the material is a %s private key; give its public half", ErrPrivateKeyPEM, k.Format)
	}
	return k.Public, nil
}

// ParsePrivateKey reads "PRIVATE KEY" (PKCS#8) or "RSA PRIVATE KEY" (PKCS#1),
// in PEM or DER. Encrypted keys (ErrEncryptedKey) and EC/Ed25519/DSA keys
// (ErrNotRSA) are refused: MediaWiki REL1_43 cannot use them either.
func ParsePrivateKey(material []byte) (*rsa.PrivateKey, error) {
	k, err := ParseKey(material)
	if err != nil {
		return nil, err
	}
	if !k.IsPrivate() {
		return nil, fmt.Errorf("%w: the material is a %s public key", ErrPublicKeyPEM, k.Format)
	}
	return k.Private, nil
}

// ParseKey reads public or private RSA key material in any form the two
// Parse functions accept. With several PEM blocks the first key-bearing block
// wins (as OpenSSL does); blocks such as "EC PARAMETERS" are skipped.
func ParseKey(material []byte) (*KeyInfo, error) {
	text := normalizeKeyText(material)
	if len(text) == 0 {
		return nil, fmt.Errorf("%w: the input is empty", ErrNoKey)
	}
	if text[0] == '{' {
		return parseJWKKey(text)
	}
	if !bytes.Contains(text, []byte("-----BEGIN")) {
		// DER is binary: parse the untouched bytes, since trimming
		// "whitespace" could cut real key bytes.
		if k, err := parseDER(material); err == nil {
			return k, nil
		}
		return nil, fmt.Errorf("%w: expected a PEM block (-----BEGIN PUBLIC KEY----- or -----BEGIN PRIVATE KEY-----)", ErrNoKey)
	}
	rest := text
	var firstErr error
	var skipped []string
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		k, err := parseBlock(block)
		if err == nil {
			return k, nil
		}
		if errors.Is(err, errSkipBlock) {
			skipped = append(skipped, block.Type)
			continue
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	if firstErr != nil {
		return nil, firstErr
	}
	if len(skipped) > 0 {
		return nil, fmt.Errorf("%w: no key among the PEM blocks (found %s)", ErrBadKey, strings.Join(skipped, ", "))
	}
	return nil, fmt.Errorf("%w: found -----BEGIN but no complete PEM block (missing -----END line, or damaged base64)", ErrBadKey)
}

var errSkipBlock = errors.New("not a key block")

// normalizeKeyText undoes what copy/paste and config files commonly do to a
// PEM: BOM, surrounding whitespace, CRLF, and literal "\n" escapes (PEMs
// pasted out of JSON or .env files).
func normalizeKeyText(material []byte) []byte {
	b := bytes.TrimPrefix(material, []byte("\xef\xbb\xbf"))
	b = bytes.TrimSpace(b)
	if bytes.HasPrefix(b, []byte("-----BEGIN")) && bytes.Contains(b, []byte(`\n`)) && !bytes.Contains(b, []byte("\n")) {
		b = bytes.ReplaceAll(b, []byte(`\r\n`), []byte("\n"))
		b = bytes.ReplaceAll(b, []byte(`\n`), []byte("\n"))
	}
	// pem.Decode copes with CRLF, but not with indented lines; strip
	// per-line indentation so a PEM pasted from YAML still parses.
	if bytes.Contains(b, []byte("\n ")) || bytes.Contains(b, []byte("\n\t")) || bytes.Contains(b, []byte("\r")) {
		lines := bytes.Split(b, []byte("\n"))
		for i, l := range lines {
			lines[i] = bytes.TrimSpace(l)
		}
		b = bytes.Join(lines, []byte("\n"))
	}
	return b
}

func parseBlock(block *pem.Block) (*KeyInfo, error) {
	if _, enc := block.Headers["DEK-Info"]; enc || strings.Contains(block.Headers["Proc-Type"], "ENCRYPTED") {
		return nil, fmt.Errorf("%w (%s with a passphrase): MediaWiki REL1_43 has no passphrase setting; decrypt it (openssl pkey -in KEY -out PLAIN) and protect the file by mode instead", ErrEncryptedKey, block.Type)
	}
	switch block.Type {
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			if alg := pkcs8Algorithm(block.Bytes); alg != "" && alg != "RSA" {
				return nil, fmt.Errorf("%w: PRIVATE KEY block holds a %s key: MediaWiki OAuth 2 tokens are RS256 and need an RSA key", ErrNotRSA, alg)
			}
			return nil, fmt.Errorf("%w: PRIVATE KEY block is not valid PKCS#8: %v", ErrBadKey, cleanX509Err(err))
		}
		return fromAny(k, FormatPKCS8, block.Type)
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: RSA PRIVATE KEY block is not valid PKCS#1: %v", ErrBadKey, cleanX509Err(err))
		}
		return fromAny(k, FormatPKCS1, block.Type)
	case "PUBLIC KEY":
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: PUBLIC KEY block is not valid PKIX: %v", ErrBadKey, cleanX509Err(err))
		}
		return fromAny(k, FormatPKIX, block.Type)
	case "RSA PUBLIC KEY":
		k, err := x509.ParsePKCS1PublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: RSA PUBLIC KEY block is not valid PKCS#1: %v", ErrBadKey, cleanX509Err(err))
		}
		return fromAny(k, FormatPKCS1, block.Type)
	case "CERTIFICATE":
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: CERTIFICATE block does not parse: %v", ErrBadKey, cleanX509Err(err))
		}
		return fromAny(c.PublicKey, FormatCertificate, block.Type)
	case "ENCRYPTED PRIVATE KEY":
		return nil, fmt.Errorf("%w (ENCRYPTED PRIVATE KEY): MediaWiki REL1_43 has no passphrase setting; decrypt it (openssl pkey -in KEY -out PLAIN) and protect the file by mode instead", ErrEncryptedKey)
	case "EC PRIVATE KEY", "EC PUBLIC KEY":
		return nil, fmt.Errorf("%w: %s: MediaWiki OAuth 2 tokens are RS256 and need an RSA key", ErrNotRSA, block.Type)
	case "DSA PRIVATE KEY", "OPENSSH PRIVATE KEY":
		return nil, fmt.Errorf("%w: %s: MediaWiki OAuth 2 tokens are RS256 and need an RSA key in PEM (PKCS#8 or PKCS#1)", ErrNotRSA, block.Type)
	}
	return nil, errSkipBlock
}

func parseDER(der []byte) (*KeyInfo, error) {
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		return fromAny(k, FormatPKCS8, "")
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return fromAny(k, FormatPKCS1, "")
	}
	if k, err := x509.ParsePKIXPublicKey(der); err == nil {
		return fromAny(k, FormatPKIX, "")
	}
	if k, err := x509.ParsePKCS1PublicKey(der); err == nil {
		return fromAny(k, FormatPKCS1, "")
	}
	if c, err := x509.ParseCertificate(der); err == nil {
		return fromAny(c.PublicKey, FormatCertificate, "")
	}
	return nil, ErrNoKey
}

func fromAny(k any, format, pemType string) (*KeyInfo, error) {
	switch k := k.(type) {
	case *rsa.PrivateKey:
		return &KeyInfo{Public: &k.PublicKey, Private: k, Format: format, PEMType: pemType}, nil
	case *rsa.PublicKey:
		return &KeyInfo{Public: k, Format: format, PEMType: pemType}, nil
	case *ecdsa.PrivateKey, *ecdsa.PublicKey:
		return nil, fmt.Errorf("%w: %s holds an EC key: MediaWiki OAuth 2 tokens are RS256 and need an RSA key", ErrNotRSA, describe(format, pemType))
	case ed25519.PrivateKey, ed25519.PublicKey, *ed25519.PrivateKey:
		return nil, fmt.Errorf("%w: %s holds an Ed25519 key: MediaWiki OAuth 2 tokens are RS256 and need an RSA key", ErrNotRSA, describe(format, pemType))
	}
	return nil, fmt.Errorf("%w: %s holds a %T: MediaWiki OAuth 2 tokens are RS256 and need an RSA key", ErrNotRSA, describe(format, pemType), k)
}

func describe(format, pemType string) string {
	if pemType != "" {
		return pemType + " block"
	}
	return format + " data"
}

// pkcs8Algorithm names the key algorithm inside PKCS#8 DER that Go's
// parser rejected (DSA, for one), so the error can say "not RSA" instead
// of "malformed". "" when the DER is not PKCS#8 at all.
func pkcs8Algorithm(der []byte) string {
	var p struct {
		Version int
		Algo    pkix.AlgorithmIdentifier
		Key     []byte
	}
	if _, err := asn1.Unmarshal(der, &p); err != nil {
		return ""
	}
	switch p.Algo.Algorithm.String() {
	case "1.2.840.113549.1.1.1":
		return "RSA"
	case "1.2.840.10040.4.1":
		return "DSA"
	case "1.2.840.10045.2.1":
		return "EC"
	case "1.3.101.112":
		return "Ed25519"
	case "1.3.101.110", "1.3.101.111":
		return "X25519/X448"
	case "1.3.101.113":
		return "Ed448"
	}
	return "OID " + p.Algo.Algorithm.String()
}

// cleanX509Err drops the "x509: " prefix; our messages already say what was parsed.
func cleanX509Err(err error) string {
	return strings.TrimPrefix(err.Error(), "x509: ")
}

// JWK is one entry of a JWKS. Key is nil for keys we cannot use for RS256
// (non-RSA, or damaged); they are still listed so callers can say why.
type JWK struct {
	Kid, Alg, Use, Kty string
	Key                *rsa.PublicKey
}

type jwkJSON struct {
	Kty string `json:"kty"`
	N   string `json:"n,omitempty"`
	E   string `json:"e,omitempty"`
	Alg string `json:"alg,omitempty"`
	Use string `json:"use,omitempty"`
	Kid string `json:"kid,omitempty"`
	D   string `json:"d,omitempty"`
}

// ParseJWKS reads a JWKS document ({"keys":[...]}) or a single JWK. RSA
// keys get Key set; other key types are listed with Key nil. A malformed RSA
// entry, an empty set or non-JSON input is an error (wrapping ErrBadKey).
func ParseJWKS(doc []byte) ([]JWK, error) {
	doc = bytes.TrimSpace(bytes.TrimPrefix(doc, []byte("\xef\xbb\xbf")))
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(doc, &probe); err != nil {
		return nil, fmt.Errorf("%w: JWKS is not a JSON object: %v", ErrBadKey, err)
	}
	var raw []json.RawMessage
	if ks, ok := probe["keys"]; ok {
		if err := json.Unmarshal(ks, &raw); err != nil {
			return nil, fmt.Errorf("%w: JWKS \"keys\" is not an array: %v", ErrBadKey, err)
		}
	} else if _, ok := probe["kty"]; ok {
		raw = []json.RawMessage{doc}
	} else {
		return nil, fmt.Errorf("%w: JSON has neither \"keys\" (JWKS) nor \"kty\" (JWK)", ErrBadKey)
	}
	if len(raw) == 0 {
		return nil, fmt.Errorf("%w: JWKS has no keys", ErrNoKey)
	}
	out := make([]JWK, 0, len(raw))
	for i, r := range raw {
		var j jwkJSON
		if err := json.Unmarshal(r, &j); err != nil {
			return nil, fmt.Errorf("%w: JWKS key %d: %v", ErrBadKey, i, err)
		}
		k := JWK{Kid: j.Kid, Alg: j.Alg, Use: j.Use, Kty: j.Kty}
		if j.Kty == "RSA" {
			pub, err := rsaFromJWK(j.N, j.E)
			if err != nil {
				return nil, fmt.Errorf("%w: JWKS key %d (kid %q): %v", ErrBadKey, i, j.Kid, err)
			}
			k.Key = pub
		}
		out = append(out, k)
	}
	return out, nil
}

func rsaFromJWK(n64, e64 string) (*rsa.PublicKey, error) {
	if n64 == "" || e64 == "" {
		return nil, errors.New(`RSA key needs both "n" and "e"`)
	}
	n, err := b64urlInt(n64)
	if err != nil {
		return nil, fmt.Errorf(`"n": %v`, err)
	}
	e, err := b64urlInt(e64)
	if err != nil {
		return nil, fmt.Errorf(`"e": %v`, err)
	}
	if n.Sign() <= 0 || n.Bit(0) == 0 {
		return nil, errors.New(`"n" is not a valid RSA modulus`)
	}
	if !e.IsInt64() || e.Int64() < 3 || e.Int64() > 1<<31-1 || e.Bit(0) == 0 {
		return nil, errors.New(`"e" is not a valid RSA exponent`)
	}
	return &rsa.PublicKey{N: n, E: int(e.Int64())}, nil
}

// b64urlInt decodes an unsigned big-endian integer; padding is tolerated
// because hand-written JWKS often carry it, standard base64 is not.
func b64urlInt(s string) (*big.Int, error) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return nil, fmt.Errorf("not base64url: %v", err)
	}
	if len(b) == 0 {
		return nil, errors.New("empty")
	}
	return new(big.Int).SetBytes(b), nil
}

func parseJWKKey(text []byte) (*KeyInfo, error) {
	keys, err := ParseJWKS(text)
	if err != nil {
		return nil, err
	}
	var found []*rsa.PublicKey
	for _, k := range keys {
		if k.Key != nil {
			found = append(found, k.Key)
		}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("%w: the JWKS holds no RSA key", ErrNotRSA)
	case 1:
		return &KeyInfo{Public: found[0], Format: FormatJWK}, nil
	}
	return nil, fmt.Errorf("%w: the JWKS holds %d RSA keys; a single key was expected", ErrBadKey, len(found))
}

// JWKS renders {"keys":[{kty,n,e,alg:"RS256",use:"sig",kid}]} (compact JSON)
// for Envoy's local_jwks. The kid is the RFC 7638 thumbprint, so it is stable
// for a key and the same whoever computes it. MediaWiki tokens carry no kid,
// which Envoy handles by trying every key in the set.
func JWKS(pubs ...*rsa.PublicKey) ([]byte, error) {
	if len(pubs) == 0 {
		return nil, fmt.Errorf("%w: JWKS needs at least one public key", ErrNoKey)
	}
	set := struct {
		Keys []jwkJSON `json:"keys"`
	}{}
	for i, p := range pubs {
		if p == nil || p.N == nil {
			return nil, fmt.Errorf("%w: key %d is nil", ErrBadKey, i)
		}
		n, e := jwkNE(p)
		set.Keys = append(set.Keys, jwkJSON{Kty: "RSA", N: n, E: e, Alg: "RS256", Use: "sig", Kid: Thumbprint(p)})
	}
	return json.Marshal(set)
}

func jwkNE(p *rsa.PublicKey) (n, e string) {
	return base64.RawURLEncoding.EncodeToString(p.N.Bytes()),
		base64.RawURLEncoding.EncodeToString(big.NewInt(int64(p.E)).Bytes())
}

// Thumbprint is the RFC 7638 JWK thumbprint (SHA-256, base64url without
// padding): the hash of {"e":…,"kty":"RSA","n":…} with members in that order
// and no whitespace.
func Thumbprint(pub *rsa.PublicKey) string {
	n, e := jwkNE(pub)
	// Built by hand: the required member order and lack of whitespace are
	// the whole point, and base64url never needs JSON escaping.
	canon := `{"e":"` + e + `","kty":"RSA","n":"` + n + `"}`
	sum := sha256.Sum256([]byte(canon))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// Fingerprint is the SHA-256 of the DER SubjectPublicKeyInfo as lowercase
// hex pairs joined by colons; the same value as
// `openssl pkey -pubin -outform DER | openssl dgst -sha256 -c`.
func Fingerprint(pub *rsa.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(der)
	var sb strings.Builder
	for i, b := range sum {
		if i > 0 {
			sb.WriteByte(':')
		}
		fmt.Fprintf(&sb, "%02x", b)
	}
	return sb.String()
}

// SamePair reports whether pub is the public half of priv.
func SamePair(priv *rsa.PrivateKey, pub *rsa.PublicKey) bool {
	if priv == nil || pub == nil {
		return false
	}
	return priv.PublicKey.Equal(pub)
}

// GenerateKey makes a new RSA key of MinRSABits..MaxRSABits bits.
func GenerateKey(bits int) (*rsa.PrivateKey, error) {
	if bits < MinRSABits {
		return nil, fmt.Errorf("%d-bit keys are too small: MediaWiki requires at least %d bits", bits, MinRSABits)
	}
	if bits > MaxRSABits {
		return nil, fmt.Errorf("%d-bit keys are not supported (at most %d)", bits, MaxRSABits)
	}
	return rsa.GenerateKey(rand.Reader, bits)
}

// EncodePrivatePKCS8 renders "-----BEGIN PRIVATE KEY-----" PEM, the form
// MediaWiki's documentation and openssl genpkey produce.
func EncodePrivatePKCS8(k *rsa.PrivateKey) []byte {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		// Only unsupported key types fail, and k is always RSA.
		panic(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// EncodePrivatePKCS1 renders "-----BEGIN RSA PRIVATE KEY-----" PEM, for
// tools that still insist on the older form; MediaWiki reads both.
func EncodePrivatePKCS1(k *rsa.PrivateKey) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
}

// EncodePublicPKIX renders "-----BEGIN PUBLIC KEY-----" PEM.
func EncodePublicPKIX(k *rsa.PublicKey) []byte {
	der, err := x509.MarshalPKIXPublicKey(k)
	if err != nil {
		panic(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}
