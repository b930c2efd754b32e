package keys

import (
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/mwoauth/mwoauth/internal/fixtures"
)

// Every encryption openssl writes for a private key, with passphrase
// "secret": PBES2 variants decrypt to the real wiki key; PBES1 and scrypt
// (which OpenSSL, and so MediaWiki, also read) are named unsupported.
func TestParseKeyWithPassphrase(t *testing.T) {
	want, err := ParsePrivateKey(fixtures.Key("oauth2-private.pem"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]error{
		"pbes2-aes128-sha1.pem":   nil,
		"pbes2-aes192-sha512.pem": nil,
		"pbes2-des3-sha256.pem":   nil,
		"legacy-aes128.pem":       nil,
		"pbes1-sha1-3des.pem":     ErrUnsupportedEncryption,
		"scrypt.pem":              ErrUnsupportedEncryption,
	}
	for name, wantErr := range files {
		b, err := os.ReadFile(filepath.Join("testdata", "encrypted", name))
		if err != nil {
			t.Fatal(err)
		}
		k, err := ParseKeyWithPassphrase(b, []byte("secret"))
		switch {
		case wantErr != nil:
			if !errors.Is(err, wantErr) {
				t.Errorf("%s: %v, want %v", name, err, wantErr)
			}
			continue
		case err != nil:
			t.Errorf("%s: %v", name, err)
			continue
		case !k.Private.Equal(want) || !k.Encrypted:
			t.Errorf("%s: not the wiki key, or not marked encrypted", name)
		}
		if _, err := ParseKeyWithPassphrase(b, []byte("wrong")); !errors.Is(err, ErrWrongPassphrase) {
			t.Errorf("%s, wrong passphrase: %v", name, err)
		}
		if _, err := ParseKey(b); !errors.Is(err, ErrEncryptedKey) {
			t.Errorf("%s, no passphrase: %v", name, err)
		}
		if !IsEncrypted(b) {
			t.Errorf("%s: IsEncrypted false", name)
		}
	}
	for _, name := range []string{"oauth2-private-encrypted.pem", "oauth2-private-pkcs1-encrypted.pem"} {
		k, err := ParseKeyWithPassphrase(fixtures.Key(name), []byte("secret"))
		if err != nil || !k.Private.Equal(want) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A passphrase for a plain key is ignored, as OpenSSL ignores it.
	if k, err := ParseKeyWithPassphrase(fixtures.Key("oauth2-private.pem"), []byte("secret")); err != nil || k.Encrypted {
		t.Errorf("plain key with a passphrase: %v", err)
	}
	// An empty passphrase is a passphrase (PHP passes "" when none is set).
	if _, err := ParseKeyWithPassphrase(fixtures.Key("oauth2-private-encrypted.pem"), nil); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("empty passphrase: %v", err)
	}
}

func FuzzParseKeyWithPassphrase(f *testing.F) {
	f.Add(fixtures.Key("oauth2-private-encrypted.pem"), []byte("secret"))
	f.Add(fixtures.Key("oauth2-private-pkcs1-encrypted.pem"), []byte("x"))
	f.Add([]byte("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n-----END ENCRYPTED PRIVATE KEY-----\n"), []byte(""))
	f.Fuzz(func(t *testing.T, material, pass []byte) {
		k, err := ParseKeyWithPassphrase(material, pass)
		if (k == nil) == (err == nil) {
			t.Fatalf("key %v and error %v", k, err)
		}
	})
}

// A legacy PEM block whose Proc-Type says ENCRYPTED but that has lost its
// DEK-Info is encrypted to ParseKey (which refuses it for its passphrase)
// and so to IsEncrypted, which mediawiki's key lint relies on: one rule,
// encryptedBlock, for both.
func TestEncryptedProcTypeWithoutDEKInfo(t *testing.T) {
	b, _ := pem.Decode(fixtures.Key("oauth2-private-pkcs1.pem"))
	if b == nil {
		t.Fatal("fixture is not PEM")
	}
	b.Headers = map[string]string{"Proc-Type": "4,ENCRYPTED"}
	material := pem.EncodeToMemory(b)
	if _, err := ParseKey(material); !errors.Is(err, ErrEncryptedKey) {
		t.Errorf("ParseKey: %v, want %v", err, ErrEncryptedKey)
	}
	if !IsEncrypted(material) {
		t.Error("IsEncrypted false for a Proc-Type ENCRYPTED block ParseKey refuses as encrypted")
	}
	if _, err := ParseKeyWithPassphrase(material, []byte("secret")); !errors.Is(err, ErrBadKey) {
		t.Errorf("ParseKeyWithPassphrase: %v, want %v (no DEK-Info to decrypt with)", err, ErrBadKey)
	}
	if IsEncrypted(fixtures.Key("oauth2-private-pkcs1.pem")) {
		t.Error("IsEncrypted true for a plain key")
	}
}
