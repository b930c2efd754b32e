package envoy

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"math/big"
	"strings"
)

// This file reads keys the way BoringSSL does for jwt_verify_lib:
// PEM_read_bio_PUBKEY / PEM_read_bio_X509 (the first block of the wanted
// name; a damaged block fails rather than being skipped) and
// EVP_parse_public_key (strict DER: minimal lengths, unsigned minimal
// INTEGERs, no trailing bytes inside the SubjectPublicKeyInfo).

// pemBlock finds the first block named name, reading line by line as
// PEM_read_bio does. Blocks of other names before it are skipped, as
// PEM_bytes_read_bio does; an END line of another name, a block with RFC 1421
// headers (an encrypted key), a body that is not base64, or no such block is
// a failure.
func pemBlock(text, name string) ([]byte, bool) {
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], "\r")
		if !strings.HasPrefix(line, "-----BEGIN ") || !strings.HasSuffix(line, "-----") || len(line) < 16 {
			continue
		}
		got := line[len("-----BEGIN ") : len(line)-len("-----")]
		var body strings.Builder
		closed := false
		for i++; i < len(lines); i++ {
			l := strings.TrimRight(lines[i], "\r")
			if strings.HasPrefix(l, "-----END ") {
				if l != "-----END "+got+"-----" {
					return nil, false
				}
				closed = true
				break
			}
			if strings.Contains(l, ":") {
				return nil, false
			}
			body.WriteString(strings.Join(strings.Fields(l), "")) // the decoder skips blanks
		}
		if !closed {
			return nil, false
		}
		der, err := base64.StdEncoding.DecodeString(body.String())
		if err != nil {
			return nil, false
		}
		if got == name {
			return der, len(der) > 0
		}
	}
	return nil, false
}

// derElement reads one DER TLV with a one-byte tag and a minimal definite
// length, returning its contents and the bytes after it.
func derElement(b []byte, tag byte) (content, rest []byte, ok bool) {
	if len(b) < 2 || b[0] != tag {
		return nil, nil, false
	}
	l := int(b[1])
	b = b[2:]
	if l&0x80 != 0 {
		n := l & 0x7f
		if n == 0 || n > 4 || len(b) < n || b[0] == 0 {
			return nil, nil, false
		}
		l = 0
		for _, c := range b[:n] {
			l = l<<8 | int(c)
		}
		if l < 0x80 {
			return nil, nil, false // not minimal
		}
		b = b[n:]
	}
	if l > len(b) {
		return nil, nil, false
	}
	return b[:l], b[l:], true
}

const (
	tagInteger   = 0x02
	tagBitString = 0x03
	tagNull      = 0x05
	tagOID       = 0x06
	tagSequence  = 0x30
)

// derOID reads an OBJECT IDENTIFIER.
func derOID(b []byte) (asn1.ObjectIdentifier, []byte, bool) {
	_, rest, ok := derElement(b, tagOID)
	if !ok {
		return nil, nil, false
	}
	var oid asn1.ObjectIdentifier
	if extra, err := asn1.Unmarshal(b[:len(b)-len(rest)], &oid); err != nil || len(extra) != 0 {
		return nil, nil, false
	}
	return oid, rest, true
}

// derUnsigned is BN_parse_asn1_unsigned: a minimal, non-negative INTEGER.
func derUnsigned(b []byte) (*big.Int, []byte, bool) {
	c, rest, ok := derElement(b, tagInteger)
	if !ok || len(c) == 0 || c[0]&0x80 != 0 || (len(c) > 1 && c[0] == 0 && c[1]&0x80 == 0) {
		return nil, nil, false
	}
	return new(big.Int).SetBytes(c), rest, true
}

var (
	oidRSA     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidEC      = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidDSA     = asn1.ObjectIdentifier{1, 2, 840, 10040, 4, 1}
	oidEd25519 = asn1.ObjectIdentifier{1, 3, 101, 112}
	oidX25519  = asn1.ObjectIdentifier{1, 3, 101, 110}
	oidP224    = asn1.ObjectIdentifier{1, 3, 132, 0, 33}
	oidP256    = asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7}
	oidP384    = asn1.ObjectIdentifier{1, 3, 132, 0, 34}
	oidP521    = asn1.ObjectIdentifier{1, 3, 132, 0, 35}
)

// spkiKind is what EVP_PKEY_id says about a parsed key.
type spkiKind int

const (
	spkiBad         spkiKind = iota // EVP_parse_public_key fails
	spkiRSA                         // EVP_PKEY_RSA
	spkiEC                          // EVP_PKEY_EC
	spkiEd25519                     // EVP_PKEY_ED25519
	spkiUnsupported                 // parsed, but jwt_verify_lib has no use for it (DSA, X25519)
)

type spkiKey struct {
	kind    spkiKind
	rsa     *rsaKey
	ec      *ecdsa.PublicKey
	ed25519 ed25519.PublicKey
}

// parseSPKI is EVP_parse_public_key for the key types BoringSSL knows.
func parseSPKI(der []byte) spkiKey {
	spki, _, ok := derElement(der, tagSequence) // bytes after it are ignored, as d2i_PUBKEY does
	if !ok {
		return spkiKey{}
	}
	alg, rest, ok := derElement(spki, tagSequence)
	if !ok {
		return spkiKey{}
	}
	bits, rest, ok := derElement(rest, tagBitString)
	if !ok || len(rest) != 0 || len(bits) == 0 || bits[0] != 0 {
		return spkiKey{}
	}
	key := bits[1:]
	oid, params, ok := derOID(alg)
	if !ok {
		return spkiKey{}
	}
	switch {
	case oid.Equal(oidRSA):
		// RFC 3279 §2.3.1: the parameters must be NULL.
		null, after, ok := derElement(params, tagNull)
		if !ok || len(null) != 0 || len(after) != 0 {
			return spkiKey{}
		}
		seq, after, ok := derElement(key, tagSequence)
		if !ok || len(after) != 0 {
			return spkiKey{}
		}
		n, seq, ok := derUnsigned(seq)
		if !ok {
			return spkiKey{}
		}
		e, seq, ok := derUnsigned(seq)
		if !ok || len(seq) != 0 {
			return spkiKey{}
		}
		k, ok := newRSAKey(n, e)
		if !ok {
			return spkiKey{}
		}
		return spkiKey{kind: spkiRSA, rsa: k}
	case oid.Equal(oidEC):
		named, after, ok := derOID(params)
		if !ok || len(after) != 0 {
			return spkiKey{}
		}
		var curve elliptic.Curve
		switch {
		case named.Equal(oidP224):
			curve = elliptic.P224()
		case named.Equal(oidP256):
			curve = elliptic.P256()
		case named.Equal(oidP384):
			curve = elliptic.P384()
		case named.Equal(oidP521):
			curve = elliptic.P521()
		default:
			return spkiKey{}
		}
		pub := ecPoint(curve, key)
		if pub == nil {
			return spkiKey{}
		}
		return spkiKey{kind: spkiEC, ec: pub}
	case oid.Equal(oidEd25519), oid.Equal(oidX25519):
		// RFC 8410 §3: the parameters must be absent.
		if len(params) != 0 || len(key) != 32 {
			return spkiKey{}
		}
		if oid.Equal(oidX25519) {
			return spkiKey{kind: spkiUnsupported}
		}
		return spkiKey{kind: spkiEd25519, ed25519: ed25519.PublicKey(bytes.Clone(key))}
	case oid.Equal(oidDSA):
		if _, err := x509.ParsePKIXPublicKey(der); err != nil {
			return spkiKey{}
		}
		return spkiKey{kind: spkiUnsupported}
	}
	return spkiKey{}
}

// ecPoint is EC_POINT_oct2point: an uncompressed or compressed point on the
// curve.
func ecPoint(curve elliptic.Curve, b []byte) *ecdsa.PublicKey {
	size := (curve.Params().BitSize + 7) / 8
	if len(b) == 1+size && (b[0] == 2 || b[0] == 3) {
		x, y := elliptic.UnmarshalCompressed(curve, b)
		if x == nil {
			return nil
		}
		return ecFromXY(curve, x, y)
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(curve, b)
	if err != nil {
		return nil
	}
	return pub
}

// ecFromXY is EC_KEY_set_public_key_affine_coordinates: both coordinates
// below the field prime and the point on the curve.
func ecFromXY(curve elliptic.Curve, x, y *big.Int) *ecdsa.PublicKey {
	size := (curve.Params().BitSize + 7) / 8
	if x.Sign() < 0 || y.Sign() < 0 || x.BitLen() > 8*size || y.BitLen() > 8*size {
		return nil
	}
	enc := make([]byte, 1+2*size)
	enc[0] = 4
	x.FillBytes(enc[1 : 1+size])
	y.FillBytes(enc[1+size:])
	pub, err := ecdsa.ParseUncompressedPublicKey(curve, enc)
	if err != nil {
		return nil
	}
	return pub
}

// parseX509 is extractX509: PEM_read_bio_X509, X509_get_pubkey and
// EVP_PKEY_get1_RSA. Only RSA certificates are usable.
func parseX509(pemText string) (*rsaKey, Status) {
	der, ok := pemBlock(pemText, "CERTIFICATE")
	if !ok {
		return nil, JwksX509ParseError
	}
	// d2i_X509 reads one element; bytes after it are not its business.
	_, rest, ok := derElement(der, tagSequence)
	if !ok {
		return nil, JwksX509ParseError
	}
	cert, err := x509.ParseCertificate(der[:len(der)-len(rest)])
	if err != nil {
		return nil, JwksX509ParseError
	}
	k := parseSPKI(cert.RawSubjectPublicKeyInfo)
	if k.kind != spkiRSA {
		return nil, JwksX509GetPubkeyError
	}
	return k.rsa, OK
}
