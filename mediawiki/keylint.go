package mediawiki

import (
	"bytes"
	"encoding/pem"
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

func (r KeyRole) setting() string {
	switch r {
	case RolePrivate:
		return "$wgOAuth2PrivateKey"
	case RolePublic:
		return "$wgOAuth2PublicKey"
	}
	return "the key setting"
}

// LintOptions selects how the material reaches MediaWiki.
type LintOptions struct {
	Role KeyRole
	// AsFile: the setting holds a path to a file with this content, which
	// OpenSSL reads (text above the key and whitespace after it are
	// harmless). When false the material is the setting's string itself
	// (pasted PEM or file_get_contents()): REL1_43 must match it with its
	// PEM regex, master's league CryptKey must read it with OpenSSL.
	AsFile bool
	// Version is the MediaWiki whose key reading applies (zero: master).
	Version Version
	// Passphrase is $wgOAuth2Passphrase for an encrypted private key
	// (Rules.Passphrase); nil when none is set.
	Passphrase []byte
	// CoreKey: the material is core's $wgJwtPrivateKey / $wgJwtPublicKey,
	// which Extension:OAuth copies in when $wgOAuth2PrivateKey is empty
	// (Rules.JwtKeyFallback). Core reads PEM text only, never a file.
	CoreKey bool
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

// LintPEM reports MediaWiki master's pitfalls for a $wgOAuth2PrivateKey /
// $wgOAuth2PublicKey string value, inferring which of the two it is.
// See LintKey.
func LintPEM(material []byte) []Lint {
	return LintKey(material, LintOptions{})
}

// branch names the version's release branch in messages.
func (v Version) branch() string {
	switch v {
	case V1_43:
		return "REL1_43"
	case V1_45:
		return "REL1_45"
	}
	return "master"
}

func settingName(role KeyRole, core bool) string {
	switch {
	case core && role == RolePublic:
		return "$wgJwtPublicKey"
	case core:
		return "$wgJwtPrivateKey"
	}
	return role.setting()
}

// LintKey reports how the MediaWiki version o.Version reads key material
// and what goes wrong:
//
//   - REL1_43 and REL1_45 take a value as PEM only when it matches their
//     PEM regex; anything else (leading whitespace, BOM, text around it,
//     escaped newlines, encrypted/EC keys, certificates) is taken as a file
//     path, and the exception's text, shown in an HTTP 500, holds the key.
//   - master's league CryptKey takes whatever OpenSSL reads as PEM (see
//     opensslPEM), else a path, else "Invalid key supplied"; an encrypted
//     private key needs $wgOAuth2Passphrase.
//   - a key file (AsFile) is read by OpenSSL on every version.
//
// Then the key itself: encrypted without a usable passphrase, non-RSA,
// < 2048 bits, damaged, in the wrong setting, and core $wgJwt*Key
// pitfalls. File modes are LintFileMode's job. No message holds key
// material.
func LintKey(material []byte, o LintOptions) []Lint {
	var out []Lint
	add := func(code, sev, format string, args ...any) {
		out = append(out, Lint{Code: code, Severity: sev, Message: fmt.Sprintf(format, args...)})
	}
	if len(bytes.TrimSpace(material)) == 0 {
		add("empty", SeverityError, "the key is empty")
		return out
	}
	r := o.Version.Rules()
	role := o.Role
	if role == RoleUnknown {
		role = RolePublic
		if info, err := keys.ParseKey(material); (err == nil && info.IsPrivate()) || keys.IsEncrypted(material) {
			role = RolePrivate
		}
	}
	name := settingName(role, o.CoreKey)
	reported := map[string]bool{}

	if o.CoreKey {
		if !r.JwtKeyFallback {
			add("core-key-unused", SeverityWarning, "MediaWiki %s's OAuth extension does not fall back to core's %s (that came in REL1_45): set %s", o.Version.branch(), name, role.setting())
		}
		if o.AsFile {
			add("core-key-path", SeverityError, "%s must be PEM text: core's JWT codec reads no key files, so a path gives it no key and session JWTs fail", name)
		}
	}

	// What OpenSSL reads, once MediaWiki has the key text.
	var block *pem.Block
	if !o.AsFile && !r.OpenSSLKeys && !MatchesMediaWikiPEM(material) {
		code, why := notPEMReason(material)
		reported[code] = true
		add(code, SeverityError, "%s, so MediaWiki %s does not recognise the value as PEM and treats it as a file path: %s", why, o.Version.branch(), notPEMConsequence(role))
	} else {
		var code, why string
		if block, code, why = opensslPEM(material); block == nil {
			reported[code] = true
			add(code, SeverityError, "%s, so %s", why, opensslConsequence(r, role, o.AsFile))
		}
	}

	src := material
	if block != nil {
		src = pem.EncodeToMemory(block)
	}
	var info *keys.KeyInfo
	var perr error
	if r.Passphrase && o.Passphrase != nil {
		info, perr = keys.ParseKeyWithPassphrase(src, o.Passphrase)
	} else {
		info, perr = keys.ParseKey(src)
	}
	if perr != nil {
		switch {
		case errors.Is(perr, keys.ErrEncryptedKey):
			switch {
			case reported["encrypted-key"]:
			case r.Passphrase:
				add("encrypted-key", SeverityWarning, "the key is encrypted: MediaWiki %s decrypts it with $wgOAuth2Passphrase; give the passphrase to check the key", o.Version.branch())
			default:
				add("encrypted-key", SeverityError, "the key is encrypted and MediaWiki %s has no passphrase setting ($wgOAuth2Passphrase came in master): decrypt it (openssl pkey -in KEY -out PLAIN) and protect the file by mode instead", o.Version.branch())
			}
		case errors.Is(perr, keys.ErrWrongPassphrase):
			add("wrong-passphrase", SeverityError, "the passphrase does not decrypt the key, so %s", opensslConsequence(r, role, o.AsFile))
		case errors.Is(perr, keys.ErrUnsupportedEncryption):
			add("encryption-unchecked", SeverityWarning, "%v: OpenSSL, and so MediaWiki, may read it, but mwoauth cannot decrypt it to check the key", perr)
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
	case info.Encrypted:
		add("encrypted", SeverityInfo, "the key is encrypted and the passphrase decrypts it: $wgOAuth2Passphrase must hold that passphrase")
	case o.Passphrase != nil && r.Passphrase && info.IsPrivate():
		add("passphrase-unused", SeverityInfo, "the key is not encrypted: $wgOAuth2Passphrase is not used")
	}
	switch {
	case o.Role == RolePublic && info.IsPrivate():
		add("private-key-in-public-setting", SeverityError,
			"%s holds a private key: the public key setting is often copied to proxies and other services; give it only the public half (mwoauth keys generate writes both)", name)
	case o.Role == RolePrivate && !info.IsPrivate():
		add("public-key-in-private-setting", SeverityError,
			"%s holds a public key (%s): MediaWiki cannot sign tokens with it", name, info.Format)
	}
	if bits := info.Bits(); bits < keys.MinRSABits {
		add("weak-key", SeverityError, "the RSA key has %d bits; MediaWiki requires at least %d (generate a new pair: mwoauth keys generate)", bits, keys.MinRSABits)
	}
	if info.Format == keys.FormatCertificate && !reported["certificate"] {
		add("certificate", SeverityInfo, "the key is a certificate; OpenSSL reads its public key, which works as a file or, on master, as a value, but not as a REL1_43 value")
	}
	if info.Format == keys.FormatJWK {
		add("jwk", SeverityError, "the value is a JWK; MediaWiki needs PEM (mwoauth keys jwks goes the other way only)")
	}
	if bytes.Contains(material, []byte("\r\n")) && !reported["trailing-whitespace"] {
		msg := "the key has CRLF line endings, which MediaWiki reads"
		if !r.OpenSSLKeys && !o.AsFile {
			msg += ", but an extra blank line at the end would not be"
		}
		add("crlf", SeverityInfo, "%s", msg)
	}
	if n := keys.CountPEMBlocks(material); n > 1 {
		add("extra-blocks", SeverityWarning, "the material holds %d PEM blocks; only the first key is used", n)
	}
	return out
}

// opensslConsequence says what happens when OpenSSL cannot read the key.
func opensslConsequence(r Rules, role KeyRole, asFile bool) string {
	effect := "rest.php/oauth2/access_token answers HTTP 500 (the key itself is not in the error)"
	if role == RolePublic {
		effect = "OAuth 2 bearer tokens cannot be verified (HTTP 500)"
	}
	switch {
	case asFile && r.OpenSSLKeys:
		return "league's CryptKey throws \"Unable to read key from file\": " + effect
	case r.OpenSSLKeys:
		return "league's CryptKey, finding no file of that name either, throws \"Invalid key supplied\": " + effect
	case asFile:
		return "lcobucci/jwt cannot parse it (\"It was not possible to parse your key\"): " + effect
	}
	return "lcobucci/jwt cannot parse the copy MediaWiki writes to its temp file (\"It was not possible to parse your key\"): " + effect
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
		return "encrypted-key", "the key is encrypted (BEGIN ENCRYPTED PRIVATE KEY), and this version has no passphrase setting"
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
	return "not-mediawiki-pem", "the value does not match the PEM pattern (check the BEGIN/END lines)"
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

// LintFileMode applies league CryptKey's key-file permission rule (a mode
// other than 400, 440, 600, 640 or 660 raises an E_USER_NOTICE whenever the
// key is loaded; the key still works; REL1_43 builds the public key's
// CryptKey under @, which silences it) and flags modes that are actually
// unsafe: a world-readable private key, or a key file anyone may replace (a
// replaced public key lets anyone mint accepted tokens).
func LintFileMode(mode fs.FileMode, role KeyRole) []Lint {
	perm := mode.Perm()
	var out []Lint
	switch perm {
	case 0o400, 0o440, 0o600, 0o640, 0o660:
	default:
		if role == RolePublic {
			out = append(out, Lint{Code: "file-mode", Severity: SeverityInfo, Message: fmt.Sprintf(
				"file mode %04o is not 0400, 0440, 0600, 0640 or 0660; league's CryptKey raises a permission notice for it (REL1_43 silences it for the public key)", perm)})
			break
		}
		out = append(out, Lint{Code: "file-mode", Severity: SeverityWarning, Message: fmt.Sprintf(
			"file mode %04o is not 0400, 0440, 0600, 0640 or 0660: league's CryptKey raises an E_USER_NOTICE whenever it loads the key (the key still works)", perm)})
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
