package keys

// This file is the PKCS#8 ASN.1 this package reads itself, beneath the PEM
// and DER forms of parse.go and encrypted.go: the algorithm of a
// PrivateKeyInfo Go's parser refused, and the decryption of an
// EncryptedPrivateKeyInfo (PBES2).

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"hash"
)

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

// privateKeyInfo is PKCS#8's PrivateKeyInfo (RFC 5958 OneAsymmetricKey,
// its attributes and public key left unread).
type privateKeyInfo struct {
	Version int
	Algo    pkix.AlgorithmIdentifier
	Key     []byte
}

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

// pkcs8Algorithm names the key algorithm inside PKCS#8 DER that Go's
// parser rejected (DSA, for one), so the error can say "not RSA" instead
// of "malformed". "" when the DER is not PKCS#8 at all.
func pkcs8Algorithm(der []byte) string {
	var p privateKeyInfo
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
