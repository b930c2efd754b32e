package mediawiki

import (
	"crypto/rsa"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/mwoauth/mwoauth/internal/fixtures"
	"github.com/mwoauth/mwoauth/jwtutil/keys"
)

func readKey(t testing.TB, name string) []byte {
	t.Helper()
	return fixtures.Key(name)
}

func realPublic(t testing.TB) *rsa.PublicKey {
	t.Helper()
	pub, err := keys.ParsePublicKey(readKey(t, "oauth2-public.pem"))
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

func mustJWKS(t testing.TB, pubs ...*rsa.PublicKey) []byte {
	t.Helper()
	b, err := keys.JWKS(pubs...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestMatchesMediaWikiPEM(t *testing.T) {
	body := "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n"
	pub := "-----BEGIN PUBLIC KEY-----\n" + body + "-----END PUBLIC KEY-----"
	tests := []struct {
		name string
		v    string
		want bool
	}{
		{"plain", pub, true},
		{"one newline", pub + "\n", true},
		{"two newlines ($ before final newline)", pub + "\n\n", true},
		{"three newlines", pub + "\n\n\n", false},
		{"crlf", strings.ReplaceAll(pub, "\n", "\r\n") + "\r\n", true},
		{"crlf twice", strings.ReplaceAll(pub, "\n", "\r\n") + "\r\n\r\n", false},
		{"cr then lf", pub + "\r\n\n", true},
		{"lone cr breaks", strings.ReplaceAll(pub, "\n", "\r"), true},
		{"trailing space", pub + " ", false},
		{"trailing space after newline", pub + "\n ", false},
		{"leading space", " " + pub, false},
		{"leading newline", "\n" + pub, false},
		{"bom", "\xef\xbb\xbf" + pub, false},
		{"space after BEGIN line", strings.Replace(pub, "KEY-----\n", "KEY----- \n", 1), false},
		{"empty body", "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----", true},
		{"no line break after BEGIN", "-----BEGIN PUBLIC KEY----------END PUBLIC KEY-----", false},
		{"rsa private", "-----BEGIN RSA PRIVATE KEY-----\n" + body + "-----END RSA PRIVATE KEY-----\n", true},
		{"mismatched types still match the regex", "-----BEGIN PRIVATE KEY-----\n" + body + "-----END RSA PUBLIC KEY-----", true},
		{"encrypted", "-----BEGIN ENCRYPTED PRIVATE KEY-----\n" + body + "-----END ENCRYPTED PRIVATE KEY-----\n", false},
		{"ec", "-----BEGIN EC PRIVATE KEY-----\n" + body + "-----END EC PRIVATE KEY-----\n", false},
		{"certificate", "-----BEGIN CERTIFICATE-----\n" + body + "-----END CERTIFICATE-----\n", false},
		{"escaped newlines", strings.ReplaceAll(pub, "\n", `\n`), false},
		{"path", "/etc/mediawiki/oauth2.key", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		if got := MatchesMediaWikiPEM([]byte(tt.v)); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
	for _, f := range []string{"oauth2-private.pem", "oauth2-private-pkcs1.pem", "oauth2-public.pem", "oauth2-public-pkcs1.pem"} {
		if !MatchesMediaWikiPEM(readKey(t, f)) {
			t.Errorf("%s: real key file content does not match", f)
		}
	}
}

func lintCodes(ls []Lint) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Severity+":"+l.Code)
	}
	return out
}

func TestLintKey(t *testing.T) {
	priv := string(readKey(t, "oauth2-private.pem"))
	pub := string(readKey(t, "oauth2-public.pem"))
	tests := []struct {
		name string
		v    string
		o    LintOptions
		want []string
	}{
		{"clean private", priv, LintOptions{}, nil},
		{"clean pkcs1", string(readKey(t, "oauth2-private-pkcs1.pem")), LintOptions{Role: RolePrivate}, nil},
		{"clean public", pub, LintOptions{Role: RolePublic}, nil},
		{"extra newline works", priv + "\n", LintOptions{}, nil},
		{"leading whitespace", "  " + priv, LintOptions{}, []string{"error:leading-whitespace"}},
		{"leading whitespace, file", "  " + priv, LintOptions{AsFile: true}, nil},
		{"bom", "\xef\xbb\xbf" + pub, LintOptions{}, []string{"error:bom"}},
		{"trailing garbage", priv + "# end\n", LintOptions{}, []string{"error:trailing-garbage"}},
		{"trailing spaces", priv + "  ", LintOptions{}, []string{"error:trailing-whitespace"}},
		{"many blank lines", priv + "\n\n\n", LintOptions{}, []string{"error:trailing-whitespace"}},
		{"crlf", strings.ReplaceAll(priv, "\n", "\r\n"), LintOptions{}, []string{"info:crlf"}},
		{"escaped newlines", strings.ReplaceAll(strings.TrimSpace(pub), "\n", `\n`), LintOptions{}, []string{"error:escaped-newlines"}},
		{"text before", "key:\n" + pub, LintOptions{}, []string{"error:leading-garbage"}},
		{"encrypted", string(readKey(t, "oauth2-private-encrypted.pem")), LintOptions{}, []string{"error:encrypted-key"}},
		{"encrypted pkcs1 matches the regex but cannot be read", string(readKey(t, "oauth2-private-pkcs1-encrypted.pem")), LintOptions{}, []string{"error:encrypted-key"}},
		{"ec sec1", string(readKey(t, "ec-private-sec1.pem")), LintOptions{}, []string{"error:not-rsa"}},
		{"ec pkcs8", string(readKey(t, "ec-private-pkcs8.pem")), LintOptions{}, []string{"error:not-rsa"}},
		{"dsa", string(readKey(t, "dsa-private.pem")), LintOptions{}, []string{"error:not-rsa"}},
		{"weak", string(readKey(t, "weak1024-private.pem")), LintOptions{}, []string{"error:weak-key"}},
		{"certificate value", string(readKey(t, "oauth2-cert.pem")), LintOptions{Role: RolePublic}, []string{"error:certificate"}},
		{"certificate file", string(readKey(t, "oauth2-cert.pem")), LintOptions{Role: RolePublic, AsFile: true}, []string{"info:certificate"}},
		{"private in public slot", priv, LintOptions{Role: RolePublic}, []string{"error:private-key-in-public-setting"}},
		{"public in private slot", pub, LintOptions{Role: RolePrivate}, []string{"error:public-key-in-private-setting"}},
		{"two blocks", pub + string(readKey(t, "other-public.pem")), LintOptions{}, []string{"warning:extra-blocks"}},
		{"empty", "\n", LintOptions{}, []string{"error:empty"}},
		{"space after BEGIN line", strings.Replace(pub, "KEY-----\n", "KEY-----  \n", 1), LintOptions{}, []string{"error:begin-line"}},
		{"unknown PEM type", "-----BEGIN FOO KEY-----\nAAAA\n-----END FOO KEY-----\n", LintOptions{}, []string{"error:pem-type", "error:unparseable"}},
		{"no END line", "-----BEGIN PUBLIC KEY-----\nMIIB\n", LintOptions{}, []string{"error:no-end", "error:unparseable"}},
		{"path-like", "/etc/key.pem", LintOptions{}, []string{"error:not-pem", "error:unparseable"}},
		{"jwk", string(mustJWKS(t, realPublic(t))), LintOptions{}, []string{"error:not-pem", "error:jwk"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := LintKey([]byte(tt.v), tt.o)
			if codes := lintCodes(got); !slices.Equal(codes, tt.want) {
				t.Errorf("lints = %v, want %v\n%+v", codes, tt.want, got)
			}
			for _, l := range got {
				if l.Message == "" || strings.Contains(l.Message, "\n") || strings.Contains(l.Message, "MII") {
					t.Errorf("bad message (empty, multi-line or key material): %q", l.Message)
				}
			}
			if HasErrors(got) != slices.ContainsFunc(tt.want, func(s string) bool { return strings.HasPrefix(s, "error:") }) {
				t.Error("HasErrors disagrees")
			}
		})
	}
}

func TestLintLeadingWhitespaceExplainsLeak(t *testing.T) {
	ls := LintPEM(append([]byte("\n"), readKey(t, "oauth2-private.pem")...))
	if len(ls) != 1 || !strings.Contains(ls[0].Message, "HTTP 500") || !strings.Contains(ls[0].Message, "private key") {
		t.Fatalf("%+v", ls)
	}
	ls = LintKey(append([]byte(" "), readKey(t, "oauth2-public.pem")...), LintOptions{Role: RolePublic})
	if len(ls) != 1 || !strings.Contains(ls[0].Message, "cannot be verified") {
		t.Fatalf("%+v", ls)
	}
}

func TestLintFileMode(t *testing.T) {
	tests := []struct {
		mode fs.FileMode
		role KeyRole
		want []string
	}{
		{0o400, RolePrivate, nil},
		{0o440, RolePrivate, nil},
		{0o600, RolePrivate, nil},
		{0o640, RolePrivate, nil},
		{0o660, RolePrivate, nil},
		{0o644, RolePublic, []string{"info:file-mode"}},
		{0o644, RolePrivate, []string{"warning:file-mode", "error:world-readable"}},
		{0o604, RolePrivate, []string{"warning:file-mode", "error:world-readable"}},
		{0o700, RolePrivate, []string{"warning:file-mode"}},
		{0o666, RolePublic, []string{"info:file-mode", "error:world-writable"}},
		{0o664, RoleUnknown, []string{"warning:file-mode"}},
		{0o600 | fs.ModeSymlink, RolePrivate, nil},
	}
	for _, tt := range tests {
		if got := lintCodes(LintFileMode(tt.mode, tt.role)); !slices.Equal(got, tt.want) {
			t.Errorf("%04o role %d: %v, want %v", tt.mode, tt.role, got, tt.want)
		}
	}
}

func BenchmarkMatchesMediaWikiPEM(b *testing.B) {
	pem := readKey(b, "oauth2-private.pem")
	for b.Loop() {
		MatchesMediaWikiPEM(pem)
	}
}

// What mwoauth keys generate writes (PKCS#8, PKCS#1, PKIX PEM) is clean for
// every MediaWiki version.
func TestEncodedKeysLintClean(t *testing.T) {
	k, err := keys.ParsePrivateKey(readKey(t, "oauth2-private.pem"))
	if err != nil {
		t.Fatal(err)
	}
	for name, enc := range map[string][]byte{"pkcs8": keys.EncodePrivatePKCS8(k), "pkcs1": keys.EncodePrivatePKCS1(k)} {
		if !MatchesMediaWikiPEM(enc) || len(LintKey(enc, LintOptions{Role: RolePrivate})) != 0 {
			t.Errorf("%s: encoded key is not clean for MediaWiki: %v", name, LintPEM(enc))
		}
	}
	if pub := keys.EncodePublicPKIX(&k.PublicKey); len(LintKey(pub, LintOptions{Role: RolePublic})) != 0 {
		t.Errorf("public PEM not clean: %v", LintPEM(pub))
	}
}
