package keys

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"
)

func TestIsPrivateKeyMaterial(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pkcs1 := x509.MarshalPKCS1PrivateKey(rsaKey)
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(rsaKey)
	sec1, _ := x509.MarshalECPrivateKey(ecKey)
	ecPKCS8, _ := x509.MarshalPKCS8PrivateKey(ecKey)
	edPKCS8, _ := x509.MarshalPKCS8PrivateKey(edKey)
	encrypted, err := asn1.Marshal(struct {
		Alg  pkix.AlgorithmIdentifier
		Data []byte
	}{pkix.AlgorithmIdentifier{Algorithm: asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}}, make([]byte, 1200)})
	if err != nil {
		t.Fatal(err)
	}
	spki, _ := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	cert, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &rsaKey.PublicKey, rsaKey)
	if err != nil {
		t.Fatal(err)
	}
	pemOf := func(typ string, b []byte) string { return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b})) }
	b64 := base64.StdEncoding.EncodeToString

	secrets := map[string]string{
		"PKCS#1 PEM":          pemOf("RSA PRIVATE KEY", pkcs1),
		"PKCS#8 PEM":          pemOf("PRIVATE KEY", pkcs8),
		"EC PEM":              pemOf("EC PRIVATE KEY", sec1),
		"encrypted PEM":       pemOf("ENCRYPTED PRIVATE KEY", encrypted),
		"PEM cut short":       pemOf("PRIVATE KEY", pkcs8)[:40],
		"PEM with text round": "key: " + pemOf("PRIVATE KEY", pkcs8) + " end",
		"PKCS#1 base64":       b64(pkcs1),
		"PKCS#8 base64":       b64(pkcs8),
		"PKCS#8 base64url":    base64.RawURLEncoding.EncodeToString(pkcs8),
		"PEM body only":       strings.Join(strings.Split(pemOf("PRIVATE KEY", pkcs8), "\n")[1:27], "\n"),
		"SEC 1 base64":        b64(sec1),
		"EC PKCS#8 base64":    b64(ecPKCS8),
		"Ed25519 PKCS#8":      b64(edPKCS8),
		"encrypted base64":    b64(encrypted),
		"raw DER":             string(pkcs8),
		"JWK with d":          `{"kty":"RSA","n":"AQAB","e":"AQAB","d":"c2VjcmV0"}`,
		"JWKS with d":         `{"keys":[{"kty":"EC","crv":"P-256","x":"a","y":"b"},{"kty":"EC","d":"x"}]}`,
		"broken JWK with d":   `{"kty":"RSA","d":"c2Vj`,
	}
	for name, s := range secrets {
		if !IsPrivateKeyMaterial(s) {
			t.Errorf("%s: not recognised", name)
		}
	}
	public := map[string]string{
		"public PEM":       pemOf("PUBLIC KEY", spki),
		"certificate PEM":  pemOf("CERTIFICATE", cert),
		"SPKI base64":      b64(spki),
		"certificate b64":  b64(cert),
		"public JWK":       `{"kty":"RSA","n":"AQAB","e":"AQAB"}`,
		"public JWKS":      `{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB","kid":"d"}]}`,
		"JWT":              "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiI1MDk2NTY4Y2M2NjUyYjVhZDM2MzU4NDI3ZjFiZDYwYyJ9.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl",
		"consumer key":     "5096568cc6652b5ad36358427f1bd60c",
		"path":             "/etc/mediawiki/oauth/oauth2-private.pem",
		"DSN":              "mysql:wikiadmin@tcp(db1:3306)/metawiki",
		"reason":           "secret leaked on a public paste site",
		"claims JSON":      `{"scopes":["basic"],"sub":"d"}`,
		"flag":             "--private-key",
		"empty":            "",
		"long plain text":  strings.Repeat("abcd", 100),
		"DER of junk 0x30": b64(append([]byte{0x30, 0x82, 0x01, 0x00}, make([]byte, 256)...)),
	}
	for name, s := range public {
		if IsPrivateKeyMaterial(s) {
			t.Errorf("%s: taken for a private key", name)
		}
	}
}

// FuzzIsPrivateKeyMaterial: whatever the bytes, the answer does not depend
// on how DER is spelled (raw, base64, base64url, with line breaks), and
// any PEM block whose type names a private key is refused.
func FuzzIsPrivateKeyMaterial(f *testing.F) {
	for _, s := range []string{"", "-----BEGIN PRIVATE KEY-----", `{"d":1}`, "0\x82\x01\x00\x02\x01\x00", "[[[[[[[[[[{}]]]]]]]]]]"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		raw := IsPrivateKeyMaterial(string(b))
		if len(b) == 0 || b[0] != 0x30 || strings.Contains(string(b), "-----BEGIN") {
			return
		}
		std := base64.StdEncoding.EncodeToString(b)
		wrapped := ""
		for i := 0; i < len(std); i += 64 {
			wrapped += std[i:min(i+64, len(std))] + "\n"
		}
		for _, spelled := range []string{std, base64.RawURLEncoding.EncodeToString(b), wrapped} {
			if got := IsPrivateKeyMaterial(spelled); got != raw {
				t.Fatalf("raw DER %v, %q %v", raw, spelled, got)
			}
		}
		if !IsPrivateKeyMaterial(string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: b}))) {
			t.Fatal("a PRIVATE KEY PEM block not recognised")
		}
	})
}
