package token

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/envoy"
	"github.com/mwoauth/mwoauth/jwtutil/keys"
	"github.com/mwoauth/mwoauth/verdict"
	"github.com/spf13/cobra"
)

// readKey reads key material named by a setting value, with the exit codes
// "mwoauth keys" uses too.
func readKey(ios *cmdutil.IOStreams, what, value string) ([]byte, error) {
	// MediaWiki trims nothing, but a profile value "  /etc/key.pem " is
	// obviously a path; PEM text keeps its whitespace for the parser.
	if !strings.Contains(value, "-----BEGIN") {
		value = strings.TrimSpace(value)
	}
	b, err := cmdutil.ReadKeyMaterial(ios, value)
	if err != nil {
		// The exit code is ReadKeyMaterial's: missing file 9, directory or
		// oversized 2, other I/O 1.
		return nil, cmdutil.Exitf(cmdutil.ExitCode(err), "%s: %v", what, err)
	}
	return b, nil
}

// addPrivateKeyFlags registers --private-key and --passphrase-file, the
// signing key of mint and remint that bindPrivateKey reads back.
func addPrivateKeyFlags(cmd *cobra.Command) {
	cmd.Flags().String("private-key", "", "RSA private key `file`, or - for stdin (env MWOAUTH_PRIVATE_KEY, profile private-key)")
	cmdutil.AddPassphraseFlag(cmd)
}

// bindPrivateKey resolves the private-key setting (--private-key,
// MWOAUTH_PRIVATE_KEY, profile) into *ref and the passphrase-file setting
// into *passFile, refusing key text typed on the command line.
func bindPrivateKey(cmd *cobra.Command, f *cmdutil.Factory, ref, passFile *string) error {
	if fl := cmd.Flags().Lookup("private-key"); fl != nil && fl.Changed && cmdutil.LooksLikeSecretOnArgv(fl.Value.String()) {
		return cmdutil.FlagErrorf("refusing private key material on the command line (it ends up in shell history and ps): pass a file, - for stdin, or set MWOAUTH_PRIVATE_KEY")
	}
	return f.Bind(cmd, cmdutil.StringSetting("private-key", ref), cmdutil.StringSetting("passphrase-file", passFile))
}

// requirePrivateKey is the usage error of a command that signs without a
// private key configured.
func requirePrivateKey(ref string) error {
	if ref == "" {
		return cmdutil.FlagErrorf("no private key: pass --private-key FILE (or -), set MWOAUTH_PRIVATE_KEY, or add private-key = ... to a profile")
	}
	return nil
}

// loadPrivateKey reads the private key ref names, decrypted with the
// passphrase in passFile when one is set (master's $wgOAuth2Passphrase).
func loadPrivateKey(ios *cmdutil.IOStreams, ref, passFile string) (*rsa.PrivateKey, error) {
	pass, err := cmdutil.ReadPassphrase(passFile)
	if err != nil {
		return nil, err
	}
	return loadKey(ios, "private key", ref, func(b []byte) (*rsa.PrivateKey, error) {
		if pass == nil {
			k, err := keys.ParsePrivateKey(b)
			return k, cmdutil.HintIf(err, keys.ErrEncryptedKey, "give it with --passphrase-file FILE")
		}
		k, err := keys.ParseKeyWithPassphrase(b, pass)
		switch {
		case err != nil:
			return nil, err
		case !k.IsPrivate():
			return nil, fmt.Errorf("%w: the material is a %s public key", keys.ErrPublicKeyPEM, k.Format)
		}
		return k.Private, nil
	})
}

func loadPublicKey(ios *cmdutil.IOStreams, value string) (*rsa.PublicKey, error) {
	return loadKey(ios, "public key", value, keys.ParsePublicKey)
}

// loadKey reads and parses one key: unreadable is readKey's exit code, a
// file that holds no usable key of that kind is a bad argument (exit 2).
func loadKey[K any](ios *cmdutil.IOStreams, what, value string, parse func([]byte) (K, error)) (K, error) {
	var zero K
	b, err := readKey(ios, what, value)
	if err != nil {
		return zero, err
	}
	k, err := parse(b)
	if err != nil {
		return zero, cmdutil.Exitf(cmdutil.ExitUsage, "%s %s: %v", what, keyLabel(value), err)
	}
	return k, nil
}

func keyLabel(value string) string {
	switch {
	case value == "-":
		return "(stdin)"
	case strings.Contains(value, "-----BEGIN"):
		return "(PEM text)"
	}
	return strings.TrimSpace(value)
}

// keyFlags are the verification flags token verify and token scan share, so
// both take the same keys the same way and refuse the same unsafe choices.
// bind fills the settings in the command's RunE; load reads the files in
// the run function.
type keyFlags struct {
	PublicKey  string // the public-key setting: file, file:// path or PEM text
	JWKSFile   string // the jwks setting
	SecretFile string
	Algs       []string
	Leeway     time.Duration
	At         string
	Issuer     string // the issuer setting: the expected iss, "" for any
}

// addFlags registers --public-key, --jwks, --secret-file, --alg, --issuer,
// --leeway and --at. --audience differs per command (verify reads the
// profile's audience; scan, whose log holds many consumers, does not), so
// the caller registers it.
func (k *keyFlags) addFlags(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.String("public-key", "", "RSA public key: `file`, file:// path or PEM text (env MWOAUTH_PUBLIC_KEY, profile public-key)")
	fl.String("jwks", "", "JWKS `file` with the verification keys, as the gateway's local_jwks (env MWOAUTH_JWKS, profile jwks)")
	fl.StringVar(&k.SecretFile, "secret-file", "", "Shared secret `file` for HS256 (needs --alg HS256)")
	fl.StringSliceVar(&k.Algs, "alg", []string{"RS256"}, "Allowed `algorithms` (RS256 by default; HS256 only with --secret-file; never none)")
	fl.String("issuer", "", "Expected iss, e.g. https://meta.wikimedia.org (env MWOAUTH_ISSUER, profile issuer)")
	fl.DurationVar(&k.Leeway, "leeway", 0, "Clock leeway for the time checks (MediaWiki uses none)")
	fl.StringVar(&k.At, "at", "", "Judge at this `time` (RFC 3339, unix, or +2h / -30m / +1d from now) instead of now")
}

// bind resolves the issuer, public-key and jwks settings (flag, profile,
// MWOAUTH_*) and checks what needs no file: the leeway, and that a key is
// given at all.
func (k *keyFlags) bind(cmd *cobra.Command, f *cmdutil.Factory) error {
	if err := f.Bind(cmd, cmdutil.StringSetting("issuer", &k.Issuer), cmdutil.StringSetting("public-key", &k.PublicKey),
		cmdutil.StringSetting("jwks", &k.JWKSFile)); err != nil {
		return err
	}
	if k.Leeway < 0 {
		return cmdutil.FlagErrorf("--leeway cannot be negative")
	}
	if k.PublicKey == "" && k.JWKSFile == "" && k.SecretFile == "" {
		return cmdutil.FlagErrorf("no key: pass --public-key FILE (the wiki's $wgOAuth2PublicKey), --jwks FILE, or --alg HS256 --secret-file FILE")
	}
	return nil
}

// load fills vo's issuer, algorithms, leeway and keys (public key, JWKS,
// HS256 secret) from the bound settings, reading the files, and checks the
// alg allow-list. stdinUser names what else reads stdin ("token", "log"),
// or is "" when nothing does: a key cannot come from stdin too.
//
// The JWKS file is read twice over, as each verifier reads it: jwtutil's
// keys for mwoauth's own check (RSA keys; an x509 {kid: certificate} map's
// keys as Envoy takes them), and envoy's reading of the same bytes for the
// gateway's verdict, EC, oct and OKP keys and all.
func (k *keyFlags) load(ios *cmdutil.IOStreams, vo *verdict.Options, stdinUser string) error {
	vo.Algs, vo.Leeway, vo.Issuer = k.Algs, k.Leeway, k.Issuer
	if stdinUser != "" && (k.PublicKey == "-" || k.JWKSFile == "-" || k.SecretFile == "-") {
		return cmdutil.FlagErrorf("the %s and a key cannot both come from stdin", stdinUser)
	}
	if k.SecretFile != "" {
		b, err := readKey(ios, "secret file", k.SecretFile)
		if err != nil {
			return err
		}
		secret, err := verdict.CheckSecret(b)
		switch {
		case errors.Is(err, verdict.ErrSecretIsKey):
			return cmdutil.Exitf(cmdutil.ExitSignature, "--secret-file holds key material, not a shared secret: HMAC is never computed with a key (the RS256→HS256 confusion attack)")
		case err != nil:
			return cmdutil.FlagErrorf("--secret-file %s is empty", k.SecretFile)
		}
		vo.Secret = secret
	}
	if err := verdict.CheckAlgs(k.Algs, vo.Secret != nil); err != nil {
		return cmdutil.FlagErrorf("--alg: %v", cmdutil.HintIf(err, verdict.ErrHMACNoSecret, "--secret-file"))
	}
	if vo.Secret != nil && !hasHS(k.Algs) {
		return cmdutil.FlagErrorf("--secret-file needs --alg HS256 (a shared secret is only used when HMAC is asked for)")
	}
	if k.PublicKey != "" {
		key, err := loadPublicKey(ios, k.PublicKey)
		if err != nil {
			return err
		}
		vo.Keys = []*rsa.PublicKey{key}
	}
	if k.JWKSFile != "" {
		b, err := readKey(ios, "jwks", k.JWKSFile)
		if err != nil {
			return err
		}
		set, st := envoy.ParseJWKS(b)
		vo.EnvoyJWKS = set
		jwks, err := keys.ParseJWKS(b)
		if err != nil && st == envoy.OK && set.Form == "x509" {
			jwks, err = x509Keys(set), nil
		}
		if err != nil {
			return cmdutil.Exitf(cmdutil.ExitUsage, "--jwks %s: %v", k.JWKSFile, err)
		}
		vo.JWKS = jwks
	}
	return nil
}

// x509Keys are the RSA keys of Envoy's reading of an x509 {kid:
// certificate} map, which jwtutil's JWKS parser does not take.
func x509Keys(set *envoy.JWKS) []keys.JWK {
	var out []keys.JWK
	for _, k := range set.Keys {
		if pub := k.RSAPublicKey(); pub != nil {
			out = append(out, keys.JWK{Kid: k.Kid, Kty: "RSA", Key: pub})
		}
	}
	return out
}

func hasHS(algs []string) bool {
	for _, a := range algs {
		if strings.HasPrefix(a, "HS") {
			return true
		}
	}
	return false
}
