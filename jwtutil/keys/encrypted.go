package keys

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// Decryption errors. ErrUnsupportedEncryption is a scheme OpenSSL reads
// but this package does not (PBES1, scrypt): the key may well be fine.
var (
	ErrWrongPassphrase       = errors.New("the passphrase does not decrypt the key")
	ErrUnsupportedEncryption = errors.New("unsupported key encryption")
)

// ParseKeyWithPassphrase is ParseKey for material that may hold an
// encrypted private key, which it decrypts with passphrase as OpenSSL does:
// PKCS#8 "ENCRYPTED PRIVATE KEY" (PBES2: PBKDF2 with HMAC-SHA1/SHA-2 and
// AES-CBC or DES-EDE3-CBC, what openssl genpkey and pkcs8 write) and legacy
// PEM with Proc-Type/DEK-Info headers. Unencrypted material parses as
// ParseKey parses it; the passphrase is then ignored, as OpenSSL ignores
// it. A passphrase that does not decrypt the key is ErrWrongPassphrase.
func ParseKeyWithPassphrase(material, passphrase []byte) (*KeyInfo, error) {
	if passphrase == nil {
		passphrase = []byte{}
	}
	return parseKey(material, passphrase)
}

// IsEncrypted reports whether a PEM block of material is an encrypted
// private key, by the rule ParseKey refuses one by (encryptedBlock).
func IsEncrypted(material []byte) bool {
	rest := normalizeKeyText(material)
	for {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			return false
		}
		if encryptedBlock(b) {
			return true
		}
	}
}

// encryptedBlock is the one rule for an encrypted PEM block, which
// IsEncrypted reports and parseBlock decrypts or refuses: PKCS#8's
// ENCRYPTED PRIVATE KEY, or legacy PEM's headers, a DEK-Info or a
// Proc-Type that says ENCRYPTED (OpenSSL takes such a block for encrypted
// even without its DEK-Info, and then refuses it for the missing header).
func encryptedBlock(b *pem.Block) bool {
	_, dek := b.Headers["DEK-Info"]
	return b.Type == "ENCRYPTED PRIVATE KEY" || dek || strings.Contains(b.Headers["Proc-Type"], "ENCRYPTED")
}

// decryptBlock returns the plain key of an encrypted block: a PRIVATE KEY
// (PKCS#8) block for ENCRYPTED PRIVATE KEY, the same type for legacy PEM.
func decryptBlock(b *pem.Block, passphrase []byte) (*pem.Block, error) {
	if b.Type == "ENCRYPTED PRIVATE KEY" {
		der, err := decryptPKCS8(b.Bytes, passphrase)
		if err != nil {
			return nil, err
		}
		return &pem.Block{Type: "PRIVATE KEY", Bytes: der}, nil
	}
	// Deprecated in Go for its weak scheme, but OpenSSL (and so MediaWiki)
	// still reads it, and checking what the wiki reads is the point.
	der, err := x509.DecryptPEMBlock(b, passphrase) //nolint:staticcheck
	if err != nil {
		if errors.Is(err, x509.IncorrectPasswordError) {
			return nil, ErrWrongPassphrase
		}
		return nil, fmt.Errorf("%w: %s with DEK-Info: %v", ErrBadKey, b.Type, cleanX509Err(err))
	}
	return &pem.Block{Type: b.Type, Bytes: der}, nil
}
