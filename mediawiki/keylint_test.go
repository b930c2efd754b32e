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

// REL1_43's reading: its PEM regex decides "value or path"; key files are
// read by OpenSSL.
func TestLintKeyREL1_43(t *testing.T) {
	priv := string(readKey(t, "oauth2-private.pem"))
	pub := string(readKey(t, "oauth2-public.pem"))
	tests := []struct {
		name string
		v    string
		o    LintOptions
		want []string
	}{
		{"clean private", priv, LintOptions{Version: V1_43}, nil},
		{"clean pkcs1", string(readKey(t, "oauth2-private-pkcs1.pem")), LintOptions{Version: V1_43, Role: RolePrivate}, nil},
		{"clean public", pub, LintOptions{Version: V1_43, Role: RolePublic}, nil},
		{"extra newline works", priv + "\n", LintOptions{Version: V1_43}, nil},
		{"leading whitespace", "  " + priv, LintOptions{Version: V1_43}, []string{"error:leading-whitespace"}},
		// OpenSSL reads no indented BEGIN line, from a file either.
		{"leading whitespace, file", "  " + priv, LintOptions{Version: V1_43, AsFile: true}, []string{"error:leading-whitespace"}},
		{"text before, file", "key:\n" + priv, LintOptions{Version: V1_43, AsFile: true}, nil},
		{"trailing spaces, file", priv + "  \n\n", LintOptions{Version: V1_43, AsFile: true}, nil},
		{"passphrase has no setting", string(readKey(t, "oauth2-private-encrypted.pem")), LintOptions{Version: V1_43, Passphrase: []byte("secret")}, []string{"error:encrypted-key"}},
		{"1.45 reads as 1.43", "  " + priv, LintOptions{Version: V1_45}, []string{"error:leading-whitespace"}},
		{"core key on 1.43", priv, LintOptions{Version: V1_43, CoreKey: true}, []string{"warning:core-key-unused"}},
		{"bom", "\xef\xbb\xbf" + pub, LintOptions{Version: V1_43}, []string{"error:bom"}},
		{"trailing garbage", priv + "# end\n", LintOptions{Version: V1_43}, []string{"error:trailing-garbage"}},
		{"trailing spaces", priv + "  ", LintOptions{Version: V1_43}, []string{"error:trailing-whitespace"}},
		{"many blank lines", priv + "\n\n\n", LintOptions{Version: V1_43}, []string{"error:trailing-whitespace"}},
		{"crlf", strings.ReplaceAll(priv, "\n", "\r\n"), LintOptions{Version: V1_43}, []string{"info:crlf"}},
		{"escaped newlines", strings.ReplaceAll(strings.TrimSpace(pub), "\n", `\n`), LintOptions{Version: V1_43}, []string{"error:escaped-newlines"}},
		{"text before", "key:\n" + pub, LintOptions{Version: V1_43}, []string{"error:leading-garbage"}},
		{"encrypted", string(readKey(t, "oauth2-private-encrypted.pem")), LintOptions{Version: V1_43}, []string{"error:encrypted-key"}},
		{"encrypted pkcs1 matches the regex but cannot be read", string(readKey(t, "oauth2-private-pkcs1-encrypted.pem")), LintOptions{Version: V1_43}, []string{"error:encrypted-key"}},
		{"ec sec1", string(readKey(t, "ec-private-sec1.pem")), LintOptions{Version: V1_43}, []string{"error:not-rsa"}},
		{"ec pkcs8", string(readKey(t, "ec-private-pkcs8.pem")), LintOptions{Version: V1_43}, []string{"error:not-rsa"}},
		{"dsa", string(readKey(t, "dsa-private.pem")), LintOptions{Version: V1_43}, []string{"error:not-rsa"}},
		{"weak", string(readKey(t, "weak1024-private.pem")), LintOptions{Version: V1_43}, []string{"error:weak-key"}},
		{"certificate value", string(readKey(t, "oauth2-cert.pem")), LintOptions{Version: V1_43, Role: RolePublic}, []string{"error:certificate"}},
		{"certificate file", string(readKey(t, "oauth2-cert.pem")), LintOptions{Version: V1_43, Role: RolePublic, AsFile: true}, []string{"info:certificate"}},
		{"private in public slot", priv, LintOptions{Version: V1_43, Role: RolePublic}, []string{"error:private-key-in-public-setting"}},
		{"public in private slot", pub, LintOptions{Version: V1_43, Role: RolePrivate}, []string{"error:public-key-in-private-setting"}},
		{"two blocks", pub + string(readKey(t, "other-public.pem")), LintOptions{Version: V1_43}, []string{"warning:extra-blocks"}},
		{"empty", "\n", LintOptions{Version: V1_43}, []string{"error:empty"}},
		{"space after BEGIN line", strings.Replace(pub, "KEY-----\n", "KEY-----  \n", 1), LintOptions{Version: V1_43}, []string{"error:begin-line"}},
		{"unknown PEM type", "-----BEGIN FOO KEY-----\nAAAA\n-----END FOO KEY-----\n", LintOptions{Version: V1_43}, []string{"error:pem-type", "error:unparseable"}},
		{"no END line", "-----BEGIN PUBLIC KEY-----\nMIIB\n", LintOptions{Version: V1_43}, []string{"error:no-end", "error:unparseable"}},
		{"path-like", "/etc/key.pem", LintOptions{Version: V1_43}, []string{"error:not-pem", "error:unparseable"}},
		{"jwk", string(mustJWKS(t, realPublic(t))), LintOptions{Version: V1_43}, []string{"error:not-pem", "error:jwk"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLints(t, LintKey([]byte(tt.v), tt.o), tt.want)
		})
	}
}

// Master's reading: league 9's CryptKey takes what OpenSSL reads as PEM,
// else a path, else "Invalid key supplied"; $wgOAuth2Passphrase decrypts.
// The OpenSSL cases were observed with OpenSSL 3.0's PEM_read_bio.
func TestLintKeyMaster(t *testing.T) {
	priv := string(readKey(t, "oauth2-private.pem"))
	pub := string(readKey(t, "oauth2-public.pem"))
	enc := string(readKey(t, "oauth2-private-encrypted.pem"))
	encPKCS1 := string(readKey(t, "oauth2-private-pkcs1-encrypted.pem"))
	secret := []byte("secret")
	tests := []struct {
		name string
		v    string
		o    LintOptions
		want []string
	}{
		{"clean private", priv, LintOptions{}, nil},
		{"clean public", pub, LintOptions{Role: RolePublic}, nil},
		{"text before is skipped", "my key:\n" + priv, LintOptions{}, nil},
		{"bom is dropped", "\xef\xbb\xbf" + pub, LintOptions{}, nil},
		{"trailing garbage is ignored", priv + "# end\n", LintOptions{}, nil},
		{"trailing blank lines", priv + "   \n\n\n", LintOptions{}, nil},
		{"space after BEGIN line", strings.Replace(pub, "KEY-----\n", "KEY-----  \n", 1), LintOptions{}, nil},
		{"indented base64", strings.ReplaceAll(pub, "\nMII", "\n  MII"), LintOptions{}, nil},
		{"crlf", strings.ReplaceAll(priv, "\n", "\r\n"), LintOptions{}, []string{"info:crlf"}},
		{"leading whitespace", "  " + priv, LintOptions{}, []string{"error:leading-whitespace"}},
		{"leading whitespace, file", "  " + priv, LintOptions{AsFile: true}, []string{"error:leading-whitespace"}},
		{"indented END line", strings.Replace(pub, "-----END", "  -----END", 1), LintOptions{Role: RolePublic}, []string{"error:end-line"}},
		{"characters after BEGIN", strings.Replace(pub, "KEY-----\n", "KEY----- x\n", 1), LintOptions{Role: RolePublic}, []string{"error:begin-line", "error:unparseable"}},
		{"escaped newlines", strings.ReplaceAll(strings.TrimSpace(pub), "\n", `\n`), LintOptions{}, []string{"error:escaped-newlines"}},
		{"no END line", "-----BEGIN PUBLIC KEY-----\nMIIB\n", LintOptions{}, []string{"error:no-end", "error:unparseable"}},
		{"path-like", "/etc/key.pem", LintOptions{}, []string{"error:not-pem", "error:unparseable"}},
		{"certificate value works", string(readKey(t, "oauth2-cert.pem")), LintOptions{Role: RolePublic}, []string{"info:certificate"}},
		{"pkcs1 public", string(readKey(t, "oauth2-public-pkcs1.pem")), LintOptions{Role: RolePublic}, nil},
		{"encrypted, no passphrase", enc, LintOptions{}, []string{"warning:encrypted-key"}},
		{"encrypted, passphrase", enc, LintOptions{Passphrase: secret}, []string{"info:encrypted"}},
		{"encrypted file, passphrase", enc, LintOptions{AsFile: true, Passphrase: secret}, []string{"info:encrypted"}},
		{"legacy encrypted, passphrase", encPKCS1, LintOptions{Passphrase: secret}, []string{"info:encrypted"}},
		{"encrypted, wrong passphrase", enc, LintOptions{Passphrase: []byte("wrong")}, []string{"error:wrong-passphrase"}},
		{"plain key, passphrase", priv, LintOptions{Passphrase: secret}, []string{"info:passphrase-unused"}},
		{"ec key", string(readKey(t, "ec-private-sec1.pem")), LintOptions{}, []string{"error:not-rsa"}},
		{"weak", string(readKey(t, "weak1024-private.pem")), LintOptions{}, []string{"error:weak-key"}},
		{"public in private slot", pub, LintOptions{Role: RolePrivate}, []string{"error:public-key-in-private-setting"}},
		{"core key value", priv, LintOptions{CoreKey: true}, nil},
		{"core key file", priv, LintOptions{CoreKey: true, AsFile: true}, []string{"error:core-key-path"}},
		{"core key, leading whitespace", "  " + priv, LintOptions{CoreKey: true}, []string{"error:leading-whitespace"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLints(t, LintKey([]byte(tt.v), tt.o), tt.want)
		})
	}
	// Master's failure names league's exception, and never leaks the key.
	ls := LintKey([]byte("  "+priv), LintOptions{})
	if len(ls) != 1 || !strings.Contains(ls[0].Message, `"Invalid key supplied"`) || !strings.Contains(ls[0].Message, "not in the error") {
		t.Errorf("%+v", ls)
	}
	ls = LintKey([]byte("  "+priv), LintOptions{AsFile: true})
	if len(ls) != 1 || !strings.Contains(ls[0].Message, `"Unable to read key from file"`) {
		t.Errorf("%+v", ls)
	}
}

func checkLints(t *testing.T, got []Lint, want []string) {
	t.Helper()
	if codes := lintCodes(got); !slices.Equal(codes, want) {
		t.Errorf("lints = %v, want %v\n%+v", codes, want, got)
	}
	for _, l := range got {
		if l.Message == "" || strings.Contains(l.Message, "\n") || strings.Contains(l.Message, "MII") {
			t.Errorf("bad message (empty, multi-line or key material): %q", l.Message)
		}
	}
	if HasErrors(got) != slices.ContainsFunc(want, func(s string) bool { return strings.HasPrefix(s, "error:") }) {
		t.Error("HasErrors disagrees")
	}
}

func TestLintLeadingWhitespaceExplainsLeak(t *testing.T) {
	ls := LintKey(append([]byte("\n"), readKey(t, "oauth2-private.pem")...), LintOptions{Version: V1_43})
	if len(ls) != 1 || !strings.Contains(ls[0].Message, "HTTP 500") || !strings.Contains(ls[0].Message, "private key") {
		t.Fatalf("%+v", ls)
	}
	ls = LintKey(append([]byte(" "), readKey(t, "oauth2-public.pem")...), LintOptions{Version: V1_43, Role: RolePublic})
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
