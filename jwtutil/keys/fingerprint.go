package keys

import (
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"strings"
)

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
