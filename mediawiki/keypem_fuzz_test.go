package mediawiki

import (
	"bytes"
	"encoding/pem"
	"regexp"
	"testing"

	"github.com/mwoauth/mwoauth/internal/fixtures"
)

// mwPEMRegexp is REL1_43's PCRE transcribed for Go's regexp, valid for
// ASCII input: \R is (\r\n|[\n\v\f\r]) there, and PCRE's "$" (no /m, no /D)
// is "optionally one \n, then the end".
var mwPEMRegexp = regexp.MustCompile(`(?s)\A(-----BEGIN (RSA )?(PUBLIC|PRIVATE) KEY-----)(\r\n|[\n\v\f\r]).*(-----END (RSA )?(PUBLIC|PRIVATE) KEY-----)(\r\n|[\n\v\f\r])?\n?\z`)

// The hand-written matcher agrees with the regular expression on every
// ASCII input (0x85, a \R byte in PCRE's non-UTF mode, cannot be expressed
// in Go's UTF-8 regexp, so the fuzzer skips non-ASCII).
func FuzzMatchesMediaWikiPEM(f *testing.F) {
	for _, name := range fixtures.KeyNames() {
		b := fixtures.Key(name)
		f.Add(b)
		f.Add(append([]byte(" "), b...))
		f.Add(append(b, "\n\n"...))
		f.Add(append(b, "\r\n"...))
	}
	f.Add([]byte("-----BEGIN PUBLIC KEY-----\r-----END PUBLIC KEY-----\r\n\n"))
	f.Add([]byte("-----BEGIN RSA PRIVATE KEY-----\n-----END PUBLIC KEY-----\v\n"))
	f.Fuzz(func(t *testing.T, v []byte) {
		for _, c := range v {
			if c >= 0x80 {
				t.Skip()
			}
		}
		if got, want := MatchesMediaWikiPEM(v), mwPEMRegexp.Match(v); got != want {
			t.Fatalf("MatchesMediaWikiPEM(%q) = %v, regexp says %v", v, got, want)
		}
	})
}

// Nothing a user pastes may panic the linter, and every lint says something.
func FuzzLintKey(f *testing.F) {
	for _, name := range fixtures.KeyNames() {
		f.Add(fixtures.Key(name))
	}
	f.Add([]byte(`-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----`))
	f.Fuzz(func(t *testing.T, v []byte) {
		for _, o := range []LintOptions{{}, {Version: V1_43}, {AsFile: true, Passphrase: []byte("secret")}} {
			for _, l := range LintKey(v, o) {
				if l.Code == "" || l.Severity == "" || l.Message == "" {
					t.Fatalf("empty lint field: %+v", l)
				}
			}
		}
	})
}

// The OpenSSL reading model returns a block or a reason, never both, and a
// block it returns reads back the same.
func FuzzOpenSSLPEM(f *testing.F) {
	for _, name := range fixtures.KeyNames() {
		f.Add(fixtures.Key(name))
		f.Add(append([]byte("  "), fixtures.Key(name)...))
	}
	f.Add([]byte("x\n-----BEGIN A-----\nProc-Type: 4,ENCRYPTED\n\nAAAA\n-----END A-----"))
	f.Fuzz(func(t *testing.T, v []byte) {
		b, code, why := opensslPEM(v)
		if (b == nil) == (code == "") || (code == "") != (why == "") {
			t.Fatalf("block %v, code %q, reason %q", b, code, why)
		}
		if b != nil {
			again, _, _ := opensslPEM(pem.EncodeToMemory(b))
			if again == nil || again.Type != b.Type || !bytes.Equal(again.Bytes, b.Bytes) {
				t.Fatalf("%q does not read back", v)
			}
		}
	})
}
