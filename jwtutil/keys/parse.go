// Package keys reads and writes the RSA keys MediaWiki signs tokens with:
// PEM, DER, certificates, JWK and JWKS in (ParseKey, ParsePublicKey,
// ParsePrivateKey, ParseJWKS), PEM and JWKS out, generation, fingerprints
// and thumbprints, and the one rule for "is this key material" that
// secret files and command-line arguments are checked with.
//
// Which forms a given MediaWiki version accepts in $wgOAuth2PrivateKey is a
// MediaWiki rule and lives in package mediawiki (LintKey).
package keys

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
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
	// Encrypted: the key was decrypted with a passphrase
	// (ParseKeyWithPassphrase).
	Encrypted bool
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
// in PEM or DER. Encrypted keys (ErrEncryptedKey: see ParseKeyWithPassphrase)
// and EC/Ed25519/DSA keys (ErrNotRSA: MediaWiki signs RS256) are refused.
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
func ParseKey(material []byte) (*KeyInfo, error) { return parseKey(material, nil) }

// parseKey is ParseKey, decrypting encrypted blocks with passphrase when
// it is not nil.
func parseKey(material, passphrase []byte) (*KeyInfo, error) {
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
		k, err := parseBlock(block, passphrase)
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

func parseBlock(block *pem.Block, passphrase []byte) (*KeyInfo, error) {
	if encryptedBlock(block) {
		if passphrase == nil {
			what := block.Type
			if block.Type != "ENCRYPTED PRIVATE KEY" {
				what += " with DEK-Info"
			}
			return nil, fmt.Errorf("%w (%s): it needs its passphrase", ErrEncryptedKey, what)
		}
		plain, err := decryptBlock(block, passphrase)
		if err != nil {
			return nil, err
		}
		k, err := parseBlock(plain, nil)
		if err == nil {
			k.PEMType, k.Encrypted = block.Type, true
		} else if errors.Is(err, ErrBadKey) {
			err = ErrWrongPassphrase // decrypted to garbage that happened to pad well
		}
		return k, err
	}
	for _, form := range derForms {
		if form.pemType != block.Type {
			continue
		}
		k, err := form.parse(block.Bytes)
		if err != nil {
			if form.format == FormatPKCS8 {
				if alg := pkcs8Algorithm(block.Bytes); alg != "" && alg != "RSA" {
					return nil, fmt.Errorf("%w: PRIVATE KEY block holds a %s key: MediaWiki OAuth 2 tokens are RS256 and need an RSA key", ErrNotRSA, alg)
				}
			}
			return nil, fmt.Errorf("%w: %s block %s: %v", ErrBadKey, block.Type, form.fails, cleanX509Err(err))
		}
		return fromAny(k, form.format, block.Type)
	}
	switch block.Type {
	case "EC PRIVATE KEY", "EC PUBLIC KEY":
		return nil, fmt.Errorf("%w: %s: MediaWiki OAuth 2 tokens are RS256 and need an RSA key", ErrNotRSA, block.Type)
	case "DSA PRIVATE KEY", "OPENSSH PRIVATE KEY":
		return nil, fmt.Errorf("%w: %s: MediaWiki OAuth 2 tokens are RS256 and need an RSA key in PEM (PKCS#8 or PKCS#1)", ErrNotRSA, block.Type)
	}
	return nil, errSkipBlock
}

// derForms are the DER encodings of a key this package reads: the PEM
// block type that names each, and the order bare DER is tried in.
var derForms = []struct {
	pemType, format string
	fails           string // what the error says of a block that does not parse
	parse           func([]byte) (any, error)
}{
	{"PRIVATE KEY", FormatPKCS8, "is not valid PKCS#8", x509.ParsePKCS8PrivateKey},
	{"RSA PRIVATE KEY", FormatPKCS1, "is not valid PKCS#1", func(der []byte) (any, error) { return x509.ParsePKCS1PrivateKey(der) }},
	{"PUBLIC KEY", FormatPKIX, "is not valid PKIX", x509.ParsePKIXPublicKey},
	{"RSA PUBLIC KEY", FormatPKCS1, "is not valid PKCS#1", func(der []byte) (any, error) { return x509.ParsePKCS1PublicKey(der) }},
	{"CERTIFICATE", FormatCertificate, "does not parse", func(der []byte) (any, error) {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, err
		}
		return c.PublicKey, nil
	}},
}

func parseDER(der []byte) (*KeyInfo, error) {
	for _, form := range derForms {
		if k, err := form.parse(der); err == nil {
			return fromAny(k, form.format, "")
		}
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

// cleanX509Err drops the "x509: " prefix; our messages already say what was parsed.
func cleanX509Err(err error) string {
	return strings.TrimPrefix(err.Error(), "x509: ")
}

// SamePair reports whether pub is the public half of priv.
func SamePair(priv *rsa.PrivateKey, pub *rsa.PublicKey) bool {
	if priv == nil || pub == nil {
		return false
	}
	return priv.PublicKey.Equal(pub)
}

// CountPEMBlocks counts the PEM blocks in material after the same clean-up
// ParseKey applies (so a pasted, indented PEM counts as what it is).
func CountPEMBlocks(material []byte) int {
	rest := normalizeKeyText(material)
	n := 0
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return n
		}
		n++
	}
}
