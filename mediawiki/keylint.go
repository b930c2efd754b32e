package mediawiki

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"

	"github.com/mwoauth/mwoauth/jwtutil/keys"
)

// Lint severities. Only SeverityError means "this configuration does not
// work or is unsafe"; warnings and info work in MediaWiki but deserve a look.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
	SeverityInfo    = "info"
)

// Lint is one finding about a key configuration value or key file.
type Lint struct {
	Code     string `json:"code"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

// KeyRole says which MediaWiki setting a key is meant for, so lints can
// name the right consequence and catch a key in the wrong slot.
type KeyRole int

const (
	RoleUnknown KeyRole = iota // inferred from the material
	RolePrivate                // $wgOAuth2PrivateKey
	RolePublic                 // $wgOAuth2PublicKey
)

// LintOptions selects how the material reaches MediaWiki.
type LintOptions struct {
	Role KeyRole
	// AsFile: the setting holds a path to a file with this content. OpenSSL
	// then reads the file, so whitespace around the PEM is harmless. When
	// false the material is the setting's string itself (pasted PEM or
	// file_get_contents()), which REL1_43 must match with its PEM regex.
	AsFile bool
}

// HasErrors reports whether any lint has SeverityError.
func HasErrors(lints []Lint) bool {
	for _, l := range lints {
		if l.Severity == SeverityError {
			return true
		}
	}
	return false
}

// LintPEM reports MediaWiki config pitfalls for a $wgOAuth2PrivateKey /
// $wgOAuth2PublicKey string value, inferring which of the two it is.
// See LintKey.
func LintPEM(material []byte) []Lint {
	return LintKey(material, LintOptions{})
}

// LintKey reports MediaWiki (REL1_43) pitfalls for key material: values its
// PEM regex does not recognise (leading whitespace, BOM, trailing bytes,
// escaped newlines, encrypted/EC keys, certificates) — which REL1_43 then
// treats as a file path, failing with an exception whose text contains the
// key — plus keys it cannot use (encrypted, non-RSA, < 2048 bits, damaged)
// and a key in the wrong setting. File modes are LintFileMode's job.
func LintKey(material []byte, o LintOptions) []Lint {
	var out []Lint
	add := func(code, sev, format string, args ...any) {
		out = append(out, Lint{Code: code, Severity: sev, Message: fmt.Sprintf(format, args...)})
	}
	if len(bytes.TrimSpace(material)) == 0 {
		add("empty", SeverityError, "the key is empty")
		return out
	}

	info, perr := keys.ParseKey(material)
	role := o.Role
	if role == RoleUnknown && info != nil {
		role = RolePublic
		if info.IsPrivate() {
			role = RolePrivate
		}
	}
	reported := map[string]bool{}

	if !o.AsFile && !MatchesMediaWikiPEM(material) {
		code, why := notPEMReason(material)
		reported[code] = true
		add(code, SeverityError, "%s, so MediaWiki REL1_43 does not recognise the value as PEM and treats it as a file path: %s", why, notPEMConsequence(role))
	}

	if perr != nil {
		switch {
		case errors.Is(perr, keys.ErrEncryptedKey):
			if !reported["encrypted-key"] {
				add("encrypted-key", SeverityError, "%v", perr)
			}
		case errors.Is(perr, keys.ErrNotRSA):
			if !reported["not-rsa"] {
				add("not-rsa", SeverityError, "%v", perr)
			}
		default:
			add("unparseable", SeverityError, "%v", perr)
		}
		return out
	}

	switch {
	case o.Role == RolePublic && info.IsPrivate():
		add("private-key-in-public-setting", SeverityError,
			"$wgOAuth2PublicKey holds a private key: the public key setting is often copied to proxies and other services; give it only the public half (mwoauth keys generate writes both)")
	case o.Role == RolePrivate && !info.IsPrivate():
		add("public-key-in-private-setting", SeverityError,
			"$wgOAuth2PrivateKey holds a public key (%s): MediaWiki cannot sign tokens with it", info.Format)
	}
	if bits := info.Bits(); bits < keys.MinRSABits {
		add("weak-key", SeverityError, "the RSA key has %d bits; MediaWiki requires at least %d (generate a new pair: mwoauth keys generate)", bits, keys.MinRSABits)
	}
	if info.Format == keys.FormatCertificate && o.AsFile {
		add("certificate", SeverityInfo, "the file is a certificate; OpenSSL reads its public key, which works as a file but not as a pasted value")
	}
	if info.Format == keys.FormatJWK {
		add("jwk", SeverityError, "the value is a JWK; MediaWiki needs PEM (mwoauth keys jwks goes the other way only)")
	}
	if bytes.Contains(material, []byte("\r\n")) && !reported["trailing-whitespace"] {
		add("crlf", SeverityInfo, "the key has CRLF line endings; REL1_43 accepts them, but an extra blank line at the end would not be")
	}
	if n := keys.CountPEMBlocks(material); n > 1 {
		add("extra-blocks", SeverityWarning, "the material holds %d PEM blocks; only the first key is used", n)
	}
	return out
}

func notPEMConsequence(role KeyRole) string {
	if role == RolePublic {
		return `it fails with 'Key path "file://-----BEGIN…" does not exist or is not readable' and OAuth 2 bearer tokens cannot be verified (HTTP 500)`
	}
	return `rest.php/oauth2/access_token then answers HTTP 500 whose error_description contains the whole private key`
}

var pemBegin = []byte("-----BEGIN")

// notPEMReason names the most specific reason a value fails MediaWiki's
// PEM regex; the first matching cause wins.
func notPEMReason(v []byte) (code, why string) {
	switch {
	case bytes.HasPrefix(v, []byte("\xef\xbb\xbf")):
		return "bom", "the value starts with a UTF-8 byte order mark"
	case len(v) > 0 && isSpace(v[0]):
		return "leading-whitespace", "the value starts with whitespace before -----BEGIN"
	case !bytes.Contains(v, pemBegin):
		return "not-pem", "the value has no -----BEGIN line"
	case !bytes.HasPrefix(v, pemBegin):
		return "leading-garbage", "the value has text before -----BEGIN"
	}
	typ := pemTypeAt(v)
	switch typ {
	case "ENCRYPTED PRIVATE KEY":
		return "encrypted-key", "the key is encrypted (BEGIN ENCRYPTED PRIVATE KEY; REL1_43 has no passphrase setting)"
	case "EC PRIVATE KEY", "EC PUBLIC KEY", "DSA PRIVATE KEY", "OPENSSH PRIVATE KEY":
		return "not-rsa", fmt.Sprintf("the key is %s, not RSA (MediaWiki tokens are RS256)", typ)
	case "CERTIFICATE":
		return "certificate", "the value is a CERTIFICATE, not a PUBLIC KEY (extract it: openssl x509 -pubkey -noout)"
	}
	if mwBeginLen(v) == nil {
		return "pem-type", fmt.Sprintf("the PEM type %q is not one of PUBLIC KEY, PRIVATE KEY, RSA PUBLIC KEY, RSA PRIVATE KEY", typ)
	}
	if bytes.Contains(v, []byte(`\n`)) && !bytes.Contains(v, []byte("\n")) {
		return "escaped-newlines", `the value has literal \n sequences instead of line breaks`
	}
	if i := len(mwBeginLen(v)); i == 0 || i >= len(v) || lineBreakLen(v[i:]) == 0 {
		return "begin-line", "the -----BEGIN line has trailing characters"
	}
	end := bytes.LastIndex(v, []byte("-----END "))
	if end < 0 {
		return "no-end", "the value has no -----END line"
	}
	tail := v[end:]
	if j := bytes.Index(tail[len("-----END "):], []byte("-----")); j >= 0 {
		tail = tail[len("-----END ")+j+5:]
		if len(bytes.TrimSpace(tail)) > 0 {
			return "trailing-garbage", "the value has text after the -----END line"
		}
		if len(tail) > 0 {
			return "trailing-whitespace", "the value ends with whitespace after the -----END line other than one line break (e.g. trailing spaces or several blank lines)"
		}
	}
	return "not-mediawiki-pem", "the value does not match REL1_43's PEM pattern (check the BEGIN/END lines)"
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// pemTypeAt returns the type of the first "-----BEGIN X-----" in v.
func pemTypeAt(v []byte) string {
	i := bytes.Index(v, pemBegin)
	if i < 0 {
		return ""
	}
	rest := v[i+len(pemBegin):]
	rest = bytes.TrimPrefix(rest, []byte(" "))
	j := bytes.Index(rest, []byte("-----"))
	if j < 0 || bytes.IndexByte(rest[:j], '\n') >= 0 {
		return ""
	}
	return string(rest[:j])
}

// LintFileMode applies REL1_43's key-file permission rule (league CryptKey:
// a mode other than 400, 440, 600, 640 or 660 raises an E_USER_NOTICE; the
// key still works; for the public key the notice is suppressed by @) and flags modes that are actually unsafe: a world-readable
// private key, or a key file anyone may replace (a replaced public key lets
// anyone mint accepted tokens).
func LintFileMode(mode fs.FileMode, role KeyRole) []Lint {
	perm := mode.Perm()
	var out []Lint
	switch perm {
	case 0o400, 0o440, 0o600, 0o640, 0o660:
	default:
		if role == RolePublic {
			// REL1_43 builds the public CryptKey under @, which swallows
			// the notice: nothing is logged, so this is only informative.
			out = append(out, Lint{Code: "file-mode", Severity: SeverityInfo, Message: fmt.Sprintf(
				"file mode %04o is not 0400, 0440, 0600, 0640 or 0660; REL1_43 would raise a permission notice but silences it for the public key", perm)})
			break
		}
		out = append(out, Lint{Code: "file-mode", Severity: SeverityWarning, Message: fmt.Sprintf(
			"file mode %04o is not 0400, 0440, 0600, 0640 or 0660: REL1_43 raises an E_USER_NOTICE whenever it loads the key (the key still works)", perm)})
	}
	if role == RolePrivate && perm&0o004 != 0 {
		out = append(out, Lint{Code: "world-readable", Severity: SeverityError, Message: fmt.Sprintf(
			"the private key file is readable by every local user (mode %04o); chmod 600 it (or 640 with the web server's group)", perm)})
	}
	if perm&0o002 != 0 {
		out = append(out, Lint{Code: "world-writable", Severity: SeverityError, Message: fmt.Sprintf(
			"the key file is writable by every local user (mode %04o): whoever replaces it controls which tokens are accepted", perm)})
	}
	return out
}
