package keys

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"hash"
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
// private key.
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

func encryptedBlock(b *pem.Block) bool {
	_, dek := b.Headers["DEK-Info"]
	return b.Type == "ENCRYPTED PRIVATE KEY" || dek
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

var (
	oidPBES2      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidDESEDE3CBC = asn1.ObjectIdentifier{1, 2, 840, 113549, 3, 7}
	prfs          = map[string]func() hash.Hash{
		"1.2.840.113549.2.7":  sha1.New, // hmacWithSHA1, PBKDF2's default
		"1.2.840.113549.2.8":  sha256.New224,
		"1.2.840.113549.2.9":  sha256.New,
		"1.2.840.113549.2.10": sha512.New384,
		"1.2.840.113549.2.11": sha512.New,
	}
	aesKeyLen = map[string]int{
		"2.16.840.1.101.3.4.1.2":  16, // aes128-CBC
		"2.16.840.1.101.3.4.1.22": 24, // aes192-CBC
		"2.16.840.1.101.3.4.1.42": 32, // aes256-CBC
	}
)

// maxPBKDF2Iterations bounds the work an input can ask for.
const maxPBKDF2Iterations = 10_000_000

type encryptedPrivateKeyInfo struct {
	Algo pkix.AlgorithmIdentifier
	Data []byte
}

type pbes2Params struct {
	KDF    pkix.AlgorithmIdentifier
	Cipher pkix.AlgorithmIdentifier
}

type pbkdf2Params struct {
	Salt       []byte
	Iterations int
	KeyLength  int                      `asn1:"optional"`
	PRF        pkix.AlgorithmIdentifier `asn1:"optional"`
}

// decryptPKCS8 decrypts EncryptedPrivateKeyInfo (RFC 5958) with PBES2
// (RFC 8018) to PKCS#8 DER.
func decryptPKCS8(der, passphrase []byte) ([]byte, error) {
	var epki encryptedPrivateKeyInfo
	if rest, err := asn1.Unmarshal(der, &epki); err != nil || len(rest) != 0 {
		return nil, fmt.Errorf("%w: ENCRYPTED PRIVATE KEY block is not EncryptedPrivateKeyInfo", ErrBadKey)
	}
	if !epki.Algo.Algorithm.Equal(oidPBES2) {
		return nil, fmt.Errorf("%w: ENCRYPTED PRIVATE KEY uses %s, not PBES2 (openssl pkcs8 -topk8 -v2 aes256 writes PBES2)", ErrUnsupportedEncryption, epki.Algo.Algorithm)
	}
	var p pbes2Params
	if _, err := asn1.Unmarshal(epki.Algo.Parameters.FullBytes, &p); err != nil {
		return nil, fmt.Errorf("%w: bad PBES2 parameters", ErrBadKey)
	}
	if !p.KDF.Algorithm.Equal(oidPBKDF2) {
		return nil, fmt.Errorf("%w: PBES2 key derivation %s is not PBKDF2", ErrUnsupportedEncryption, p.KDF.Algorithm)
	}
	var kdf pbkdf2Params
	if _, err := asn1.Unmarshal(p.KDF.Parameters.FullBytes, &kdf); err != nil {
		return nil, fmt.Errorf("%w: bad PBKDF2 parameters", ErrBadKey)
	}
	if kdf.Iterations < 1 || kdf.Iterations > maxPBKDF2Iterations {
		return nil, fmt.Errorf("%w: PBKDF2 iteration count %d", ErrBadKey, kdf.Iterations)
	}
	prf := sha1.New
	if len(kdf.PRF.Algorithm) > 0 {
		var ok bool
		if prf, ok = prfs[kdf.PRF.Algorithm.String()]; !ok {
			return nil, fmt.Errorf("%w: PBKDF2 pseudo-random function %s", ErrUnsupportedEncryption, kdf.PRF.Algorithm)
		}
	}
	var iv []byte
	if _, err := asn1.Unmarshal(p.Cipher.Parameters.FullBytes, &iv); err != nil {
		return nil, fmt.Errorf("%w: bad PBES2 cipher parameters", ErrBadKey)
	}
	keyLen, newCipher := 0, aes.NewCipher
	switch {
	case aesKeyLen[p.Cipher.Algorithm.String()] > 0:
		keyLen = aesKeyLen[p.Cipher.Algorithm.String()]
	case p.Cipher.Algorithm.Equal(oidDESEDE3CBC):
		keyLen, newCipher = 24, des.NewTripleDESCipher
	default:
		return nil, fmt.Errorf("%w: PBES2 cipher %s", ErrUnsupportedEncryption, p.Cipher.Algorithm)
	}
	if kdf.KeyLength != 0 && kdf.KeyLength != keyLen {
		return nil, fmt.Errorf("%w: PBKDF2 key length %d for a %d-byte cipher key", ErrBadKey, kdf.KeyLength, keyLen)
	}
	key, err := pbkdf2.Key(prf, string(passphrase), kdf.Salt, kdf.Iterations, keyLen)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadKey, err)
	}
	block, err := newCipher(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadKey, err)
	}
	if len(iv) != block.BlockSize() || len(epki.Data) == 0 || len(epki.Data)%block.BlockSize() != 0 {
		return nil, fmt.Errorf("%w: encrypted data does not fit the cipher", ErrBadKey)
	}
	plain := make([]byte, len(epki.Data))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(plain, epki.Data)
	plain, ok := unpad(plain, block.BlockSize())
	if !ok {
		return nil, ErrWrongPassphrase
	}
	return plain, nil
}

// unpad strips PKCS#7 padding; a wrong key leaves bad padding (almost always).
func unpad(b []byte, size int) ([]byte, bool) {
	n := int(b[len(b)-1])
	if n == 0 || n > size || n > len(b) {
		return nil, false
	}
	if !bytes.Equal(b[len(b)-n:], bytes.Repeat([]byte{byte(n)}, n)) {
		return nil, false
	}
	return b[:len(b)-n], true
}
