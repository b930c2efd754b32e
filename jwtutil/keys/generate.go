package keys

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
)

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
