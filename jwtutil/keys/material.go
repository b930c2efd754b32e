package keys

// This file is the one rule for "is this key material": IsPrivateKeyMaterial
// refuses keys typed on the command line (where they end up in shell history
// and ps output) without ever echoing them; IsKeyMaterial also matches
// public keys and certificates, which must never serve as an HMAC secret
// (the RS256→HS256 confusion). Both recognise shapes only: no I/O.

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"strings"
)

// minDER is the shortest private key structure worth recognising: an
// Ed25519 PKCS#8 key is 48 bytes, every RSA or EC key is longer.
const minDER = 48

// maxScan bounds the work on one argument; a key is a few KiB.
const maxScan = 64 << 10

// IsPrivateKeyMaterial reports whether s looks like private key material:
//
//   - PEM text whose type names a private key (PRIVATE KEY, RSA PRIVATE KEY,
//     EC PRIVATE KEY, ENCRYPTED PRIVATE KEY, OPENSSH PRIVATE KEY), whole or
//     cut short;
//   - base64 (standard or URL alphabet, padded or not, whitespace allowed)
//     or raw DER of a private key structure of plausible length: a SEQUENCE
//     that starts with a version INTEGER (PKCS#1, PKCS#8, SEC 1), or an
//     EncryptedPrivateKeyInfo (a SEQUENCE of an algorithm and an OCTET
//     STRING);
//   - a JWK, or a JWKS member, with a private member "d" (or text that
//     names both "kty" and "d" without being valid JSON).
//
// Public keys and certificates are not secrets and are not matched; a JWT
// (base64url segments joined by dots) never is.
func IsPrivateKeyMaterial(s string) bool {
	if len(s) > maxScan {
		s = s[:maxScan]
	}
	if i := strings.Index(s, "-----BEGIN"); i >= 0 {
		return strings.Contains(s[i:], "PRIVATE")
	}
	if isPrivateDER([]byte(s)) {
		return true
	}
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
		return isPrivateJWK(t)
	}
	if b, ok := decodeBase64(t); ok {
		return isPrivateDER(b)
	}
	return false
}

// decodeBase64 decodes s in any of the four base64 spellings, ignoring
// whitespace (a key copied out of a PEM keeps its line breaks).
func decodeBase64(s string) ([]byte, bool) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
			return -1
		}
		return r
	}, s)
	if len(s) < minDER*4/3 {
		return nil, false
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, true
		}
	}
	return nil, false
}

// isPrivateDER recognises the outer shape of a private key structure.
func isPrivateDER(b []byte) bool {
	if len(b) < minDER || b[0] != 0x30 {
		return false
	}
	var outer asn1.RawValue
	if _, err := asn1.Unmarshal(b, &outer); err != nil || outer.Tag != asn1.TagSequence || !outer.IsCompound {
		return false
	}
	var first, second asn1.RawValue
	rest, err := asn1.Unmarshal(outer.Bytes, &first)
	if err != nil {
		return false
	}
	if first.Class == asn1.ClassUniversal && first.Tag == asn1.TagInteger {
		// version 0 (PKCS#1 two-prime, PKCS#8), 1 (SEC 1 EC, PKCS#8 v2,
		// PKCS#1 multi-prime)
		return len(first.Bytes) == 1 && first.Bytes[0] <= 1
	}
	if first.Class == asn1.ClassUniversal && first.Tag == asn1.TagSequence {
		// EncryptedPrivateKeyInfo: SEQUENCE { AlgorithmIdentifier, OCTET STRING };
		// a SubjectPublicKeyInfo has a BIT STRING there.
		if _, err := asn1.Unmarshal(rest, &second); err != nil {
			return false
		}
		return second.Class == asn1.ClassUniversal && second.Tag == asn1.TagOctetString
	}
	return false
}

// isPrivateJWK reports whether t is a JWK or JWKS with a "d" member.
func isPrivateJWK(t string) bool {
	var v any
	dec := json.NewDecoder(strings.NewReader(t))
	if err := dec.Decode(&v); err != nil {
		b := []byte(t)
		return bytes.Contains(b, []byte(`"kty"`)) && bytes.Contains(b, []byte(`"d"`))
	}
	return hasPrivateMember(v, 0)
}

func hasPrivateMember(v any, depth int) bool {
	if depth > 4 {
		return false
	}
	switch x := v.(type) {
	case map[string]any:
		if _, ok := x["d"]; ok {
			return true
		}
		if keys, ok := x["keys"]; ok {
			return hasPrivateMember(keys, depth+1)
		}
	case []any:
		for _, e := range x {
			if hasPrivateMember(e, depth+1) {
				return true
			}
		}
	}
	return false
}

// IsKeyMaterial reports whether b is key material of any kind: private key
// material (IsPrivateKeyMaterial), PEM armour of any type, a JWK or JWKS
// (a JSON object naming "kty" or "keys"), or the DER (raw or base64) of a
// public key or certificate. An HMAC secret must be none of these.
func IsKeyMaterial(b []byte) bool {
	s := string(b)
	if len(s) > maxScan {
		s = s[:maxScan]
	}
	if IsPrivateKeyMaterial(s) || strings.Contains(s, "-----BEGIN") {
		return true
	}
	t := strings.TrimSpace(strings.TrimPrefix(s, "\xef\xbb\xbf"))
	if strings.HasPrefix(t, "{") && (strings.Contains(t, `"kty"`) || strings.Contains(t, `"keys"`)) {
		return true
	}
	if isPublicDER([]byte(s)) {
		return true
	}
	if d, ok := decodeBase64(t); ok {
		return isPublicDER(d)
	}
	return false
}

// isPublicDER reports whether b parses as a public key or certificate.
func isPublicDER(b []byte) bool {
	if len(b) < minDER || b[0] != 0x30 {
		return false
	}
	if _, err := x509.ParsePKIXPublicKey(b); err == nil {
		return true
	}
	if _, err := x509.ParsePKCS1PublicKey(b); err == nil {
		return true
	}
	_, err := x509.ParseCertificate(b)
	return err == nil
}
