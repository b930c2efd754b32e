package keys

import (
	"testing"

	"github.com/mwoauth/mwoauth/internal/fixtures"
)

// Nothing a user pastes may panic the parser or the linter.
func FuzzParseKey(f *testing.F) {
	for _, name := range fixtures.KeyNames() {
		f.Add(fixtures.Key(name))
	}
	f.Add([]byte(`{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"}]}`))
	f.Add([]byte(`-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----`))
	f.Fuzz(func(t *testing.T, v []byte) {
		k, err := ParseKey(v)
		if (k == nil) == (err == nil) {
			t.Fatalf("ParseKey returned key %v and error %v", k, err)
		}
	})
}
