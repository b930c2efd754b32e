package keys

import (
	"bytes"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/mwoauth/mwoauth/internal/fixtures"
)

// Keys come from internal/fixtures: oauth2-* and other-* are the real
// MediaWiki 1.43 e2e keys; the rest were made from them (or freshly) with
// openssl, see the table below for what each one is.
func readKey(t testing.TB, name string) []byte {
	t.Helper()
	return fixtures.Key(name)
}

func realPublic(t testing.TB) *rsa.PublicKey {
	t.Helper()
	pub, err := ParsePublicKey(readKey(t, "oauth2-public.pem"))
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

// Computed independently with
// openssl pkey -pubin -in oauth2-public.pem -outform DER | openssl dgst -sha256 -c
const realFingerprint = "a9:b3:74:ae:81:1c:71:e4:ab:01:bd:09:f1:b9:c3:c8:2c:7f:97:1b:71:61:86:69:19:ca:8e:ad:a2:53:e2:f0"

func TestParseKeyFiles(t *testing.T) {
	tests := []struct {
		file    string
		format  string
		private bool
		bits    int
		same    bool // same key as the real oauth2 pair
		err     error
	}{
		{file: "oauth2-private.pem", format: FormatPKCS8, private: true, bits: 2048, same: true},
		{file: "oauth2-private-pkcs1.pem", format: FormatPKCS1, private: true, bits: 2048, same: true},
		{file: "oauth2-public.pem", format: FormatPKIX, bits: 2048, same: true},
		{file: "oauth2-public-pkcs1.pem", format: FormatPKCS1, bits: 2048, same: true},
		{file: "oauth2-cert.pem", format: FormatCertificate, bits: 2048, same: true},
		{file: "oauth2-private.der", format: FormatPKCS8, private: true, bits: 2048, same: true},
		{file: "oauth2-public.der", format: FormatPKIX, bits: 2048, same: true},
		{file: "other-private.pem", format: FormatPKCS8, private: true, bits: 2048},
		{file: "other-public.pem", format: FormatPKIX, bits: 2048},
		{file: "weak1024-private.pem", format: FormatPKCS8, private: true, bits: 1024},
		{file: "weak1024-public.pem", format: FormatPKIX, bits: 1024},
		{file: "oauth2-private-encrypted.pem", err: ErrEncryptedKey},
		{file: "oauth2-private-pkcs1-encrypted.pem", err: ErrEncryptedKey},
		{file: "ec-private-sec1.pem", err: ErrNotRSA},
		{file: "ec-private-pkcs8.pem", err: ErrNotRSA},
		{file: "ec-public.pem", err: ErrNotRSA},
		{file: "ed25519-private.pem", err: ErrNotRSA},
		{file: "dsa-private.pem", err: ErrNotRSA},
		{file: "dsa-private-pkcs8.pem", err: ErrNotRSA},
	}
	want := realPublic(t)
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			k, err := ParseKey(readKey(t, tt.file))
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				if strings.Contains(err.Error(), "\n") {
					t.Errorf("error is not one line: %q", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if k.Format != tt.format || k.IsPrivate() != tt.private || k.Bits() != tt.bits {
				t.Errorf("got format %s private %v bits %d", k.Format, k.IsPrivate(), k.Bits())
			}
			if got := k.Public.Equal(want); got != tt.same {
				t.Errorf("same as real key = %v, want %v", got, tt.same)
			}
			// The typed entry points agree with ParseKey and refuse the other half.
			if tt.private {
				if _, err := ParsePrivateKey(readKey(t, tt.file)); err != nil {
					t.Errorf("ParsePrivateKey: %v", err)
				}
				if _, err := ParsePublicKey(readKey(t, tt.file)); !errors.Is(err, ErrPrivateKeyPEM) {
					t.Errorf("ParsePublicKey on private material: err = %v", err)
				}
			} else {
				if _, err := ParsePublicKey(readKey(t, tt.file)); err != nil {
					t.Errorf("ParsePublicKey: %v", err)
				}
				if _, err := ParsePrivateKey(readKey(t, tt.file)); !errors.Is(err, ErrPublicKeyPEM) {
					t.Errorf("ParsePrivateKey on public material: err = %v", err)
				}
			}
		})
	}
}

// Every PEM form is also read as bare DER, as the same format; a block of
// each form whose bytes do not parse says which form it failed as.
func TestDERForms(t *testing.T) {
	for _, tt := range []struct{ file, format, fails string }{
		{"oauth2-private.pem", FormatPKCS8, "PRIVATE KEY block is not valid PKCS#8: "},
		{"oauth2-private-pkcs1.pem", FormatPKCS1, "RSA PRIVATE KEY block is not valid PKCS#1: "},
		{"oauth2-public.pem", FormatPKIX, "PUBLIC KEY block is not valid PKIX: "},
		{"oauth2-public-pkcs1.pem", FormatPKCS1, "RSA PUBLIC KEY block is not valid PKCS#1: "},
		{"oauth2-cert.pem", FormatCertificate, "CERTIFICATE block does not parse: "},
	} {
		t.Run(tt.file, func(t *testing.T) {
			block, _ := pem.Decode(readKey(t, tt.file))
			k, err := ParseKey(block.Bytes)
			if err != nil || k.Format != tt.format || k.PEMType != "" || !k.Public.Equal(realPublic(t)) {
				t.Fatalf("bare DER of %s: %+v, %v; want the real key as %s", tt.file, k, err, tt.format)
			}
			block.Bytes = block.Bytes[:len(block.Bytes)/2]
			_, err = ParseKey(pem.EncodeToMemory(block))
			if !errors.Is(err, ErrBadKey) || !strings.Contains(err.Error(), tt.fails) {
				t.Errorf("truncated %s block: %v; want ErrBadKey saying %q", block.Type, err, tt.fails)
			}
		})
	}
}

func TestParseTolerantVariants(t *testing.T) {
	pem := readKey(t, "oauth2-public.pem")
	priv := readKey(t, "oauth2-private.pem")
	crlf := bytes.ReplaceAll(pem, []byte("\n"), []byte("\r\n"))
	escaped := bytes.ReplaceAll(bytes.TrimSpace(pem), []byte("\n"), []byte(`\n`))
	var indented []byte
	for _, l := range bytes.Split(bytes.TrimSpace(pem), []byte("\n")) {
		indented = append(indented, "    "...)
		indented = append(indented, l...)
		indented = append(indented, '\n')
	}
	want := realPublic(t)
	variants := map[string][]byte{
		"leading spaces":       append([]byte("   "), pem...),
		"leading newlines":     append([]byte("\n\n"), pem...),
		"trailing blank lines": append(slices.Clone(pem), "\n\n\n  "...),
		"crlf":                 crlf,
		"bom":                  append([]byte("\xef\xbb\xbf"), pem...),
		"escaped newlines":     escaped,
		"yaml indented":        indented,
		"no final newline":     bytes.TrimSpace(pem),
		"text before":          append([]byte("my key:\n"), pem...),
		"after a cert block":   append(readKey(t, "oauth2-cert.pem"), readKey(t, "other-public.pem")...),
		"jwk":                  mustJWKS(t, want),
	}
	for name, v := range variants {
		t.Run(name, func(t *testing.T) {
			got, err := ParsePublicKey(v)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(want) {
				t.Error("parsed a different key")
			}
		})
	}
	t.Run("private leading whitespace", func(t *testing.T) {
		k, err := ParsePrivateKey(append([]byte(" \t\n"), priv...))
		if err != nil || !SamePair(k, want) {
			t.Fatalf("err %v", err)
		}
	})
}

func mustJWKS(t testing.TB, pubs ...*rsa.PublicKey) []byte {
	t.Helper()
	b, err := JWKS(pubs...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseGarbage(t *testing.T) {
	pem := string(readKey(t, "oauth2-public.pem"))
	tests := map[string]struct {
		in  string
		err error
	}{
		"empty":             {"", ErrNoKey},
		"whitespace":        {" \n\t", ErrNoKey},
		"not a key":         {"hello world", ErrNoKey},
		"a path":            {"/etc/mediawiki/oauth2.key", ErrNoKey},
		"truncated":         {pem[:len(pem)/2], ErrBadKey},
		"damaged base64":    {strings.Replace(pem, "MII", "M!I", 1), ErrBadKey},
		"damaged der":       {strings.Replace(pem, "MII", "AAA", 1), ErrBadKey},
		"unknown block":     {"-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n", ErrBadKey},
		"json not jwk":      {`{"hello":1}`, ErrBadKey},
		"bad json":          {`{"keys":`, ErrBadKey},
		"empty jwks":        {`{"keys":[]}`, ErrNoKey},
		"jwks with only ec": {`{"keys":[{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}]}`, ErrNotRSA},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := ParsePublicKey([]byte(tt.in))
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			_, err = ParsePrivateKey([]byte(tt.in))
			if err == nil {
				t.Fatal("ParsePrivateKey accepted garbage")
			}
		})
	}
}

// RFC 7638 §3.1 example key and its thumbprint.
const (
	rfc7638N   = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
	rfc7638Kid = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
)

func TestThumbprintRFC7638(t *testing.T) {
	doc := `{"kty":"RSA","n":"` + rfc7638N + `","e":"AQAB","alg":"RS256","kid":"2011-04-29"}`
	keys, err := ParseJWKS([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0].Key == nil || keys[0].Kid != "2011-04-29" || keys[0].Alg != "RS256" {
		t.Fatalf("got %+v", keys)
	}
	if got := Thumbprint(keys[0].Key); got != rfc7638Kid {
		t.Errorf("Thumbprint = %s, want %s", got, rfc7638Kid)
	}
}

func TestJWKSRoundTrip(t *testing.T) {
	pub := realPublic(t)
	other, err := ParsePublicKey(readKey(t, "other-public.pem"))
	if err != nil {
		t.Fatal(err)
	}
	doc := mustJWKS(t, pub, other)
	keys, err := ParseJWKS(doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || !keys[0].Key.Equal(pub) || !keys[1].Key.Equal(other) {
		t.Fatalf("round trip lost keys: %+v", keys)
	}
	for i, k := range keys {
		if k.Kty != "RSA" || k.Alg != "RS256" || k.Use != "sig" || k.Kid != Thumbprint(k.Key) {
			t.Errorf("key %d: %+v", i, k)
		}
	}
	// Field check of the raw JSON, as Envoy reads it.
	var raw struct {
		Keys []map[string]string `json:"keys"`
	}
	if err := json.Unmarshal(doc, &raw); err != nil {
		t.Fatal(err)
	}
	k := raw.Keys[0]
	if k["e"] != "AQAB" || len(k) != 6 {
		t.Errorf("unexpected members: %v", k)
	}
	n, _ := base64.RawURLEncoding.DecodeString(k["n"])
	if new(big.Int).SetBytes(n).Cmp(pub.N) != 0 || n[0] == 0 {
		t.Error("n is not the minimal big-endian modulus")
	}
	if _, err := JWKS(); !errors.Is(err, ErrNoKey) {
		t.Errorf("JWKS() err = %v", err)
	}
}

func TestParseJWKSEntries(t *testing.T) {
	doc := `{"keys":[
	  {"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","kid":"ec"},
	  {"kty":"RSA","n":"` + rfc7638N + `==","e":"AQAB","kid":"padded"}
	]}`
	keys, err := ParseJWKS([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || keys[0].Key != nil || keys[0].Kty != "EC" || keys[1].Key == nil {
		t.Fatalf("got %+v", keys)
	}
	bad := map[string]string{
		"missing e":    `{"kty":"RSA","n":"` + rfc7638N + `"}`,
		"even e":       `{"kty":"RSA","n":"` + rfc7638N + `","e":"AQAA"}`,
		"huge e":       `{"kty":"RSA","n":"` + rfc7638N + `","e":"AQABAQABAQAB"}`,
		"std base64 n": `{"kty":"RSA","n":"ab+/cd","e":"AQAB"}`,
		"even n":       `{"kty":"RSA","n":"AAAC","e":"AQAB"}`,
		"keys object":  `{"keys":{}}`,
		"array":        `[]`,
	}
	for name, d := range bad {
		if _, err := ParseJWKS([]byte(d)); !errors.Is(err, ErrBadKey) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestFingerprint(t *testing.T) {
	pub := realPublic(t)
	if got := Fingerprint(pub); got != realFingerprint {
		t.Errorf("Fingerprint = %s", got)
	}
	priv, err := ParsePrivateKey(readKey(t, "oauth2-private-pkcs1.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if Fingerprint(&priv.PublicKey) != realFingerprint {
		t.Error("private key's public half has a different fingerprint")
	}
}

func TestSamePair(t *testing.T) {
	priv, err := ParsePrivateKey(readKey(t, "oauth2-private.pem"))
	if err != nil {
		t.Fatal(err)
	}
	other, err := ParsePublicKey(readKey(t, "other-public.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if !SamePair(priv, realPublic(t)) || SamePair(priv, other) || SamePair(nil, other) || SamePair(priv, nil) {
		t.Error("SamePair wrong")
	}
}

func TestGenerateAndEncode(t *testing.T) {
	for _, bits := range []int{0, 1024, 2047, MaxRSABits + 8} {
		if _, err := GenerateKey(bits); err == nil {
			t.Errorf("GenerateKey(%d) accepted", bits)
		}
	}
	k, err := GenerateKey(2048)
	if err != nil {
		t.Fatal(err)
	}
	if k.N.BitLen() != 2048 {
		t.Errorf("bits = %d", k.N.BitLen())
	}
	for name, enc := range map[string][]byte{"pkcs8": EncodePrivatePKCS8(k), "pkcs1": EncodePrivatePKCS1(k)} {
		got, err := ParsePrivateKey(enc)
		if err != nil || !got.Equal(k) {
			t.Errorf("%s round trip: %v", name, err)
		}
	}
	pubPEM := EncodePublicPKIX(&k.PublicKey)
	if !bytes.HasPrefix(pubPEM, []byte("-----BEGIN PUBLIC KEY-----\n")) {
		t.Errorf("public PEM: %s", pubPEM)
	}
	pub, err := ParsePublicKey(pubPEM)
	if err != nil || !SamePair(k, pub) {
		t.Errorf("public round trip: %v", err)
	}
}

func BenchmarkParsePublicKey(b *testing.B) {
	pem := readKey(b, "oauth2-public.pem")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParsePublicKey(pem); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParsePrivateKey(b *testing.B) {
	pem := readKey(b, "oauth2-private.pem")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParsePrivateKey(pem); err != nil {
			b.Fatal(err)
		}
	}
}
