package verdict

import (
	"crypto/rsa"
	"encoding/base64"
	"testing"
	"time"

	"github.com/mwoauth/mwoauth/internal/fixtures"
	"github.com/mwoauth/mwoauth/jwtutil"
	"github.com/mwoauth/mwoauth/jwtutil/keys"
)

// Instants around the real tokens (issued 2026-11-22 09:07:55 UTC, 1 h).
var (
	issuedA  = time.Date(2026, 11, 22, 9, 7, 55, 527430000, time.UTC) // 15-tokenA iat
	validAt  = time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)
	expA     = time.Date(2026, 11, 22, 10, 7, 55, 525625000, time.UTC)
	afterExp = time.Date(2026, 11, 22, 10, 10, 0, 0, time.UTC)
)

func readFixture(t testing.TB, rel string) string {
	t.Helper()
	return fixtures.File(rel)
}

func parseFixture(t testing.TB, rel string) *jwtutil.Token {
	t.Helper()
	tok, err := jwtutil.Parse(readFixture(t, rel))
	if err != nil {
		t.Fatalf("parse %s: %v", rel, err)
	}
	return tok
}

func publicKey(t testing.TB, name string) *rsa.PublicKey {
	t.Helper()
	k, err := keys.ParsePublicKey(fixtures.Key(name))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func privateKey(t testing.TB, name string) *rsa.PrivateKey {
	t.Helper()
	k, err := keys.ParsePrivateKey(fixtures.Key(name))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// craft signs header and payload JSON with key (RS256), whatever the header says.
func craft(t testing.TB, header, payload string, key *rsa.PrivateKey) string {
	t.Helper()
	return jwtutil.SignRS256(b64(header), []byte(payload), key)
}
