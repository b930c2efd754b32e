package token

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
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

// privateKeySetting resolves --private-key (flag, MWOAUTH_PRIVATE_KEY,
// profile) and refuses key text typed on the command line.
func privateKeySetting(cmd *cobra.Command, f *cmdutil.Factory) (string, error) {
	if fl := cmd.Flags().Lookup("private-key"); fl != nil && fl.Changed && cmdutil.LooksLikeSecretOnArgv(fl.Value.String()) {
		return "", cmdutil.FlagErrorf("refusing private key material on the command line (it ends up in shell history and ps): pass a file, - for stdin, or set MWOAUTH_PRIVATE_KEY")
	}
	v, err := f.Setting(cmd, "private-key")
	if err != nil {
		return "", err
	}
	if v == "" {
		return "", cmdutil.FlagErrorf("no private key: pass --private-key FILE (or -), set MWOAUTH_PRIVATE_KEY, or add private-key = ... to a profile")
	}
	return v, nil
}

// loadPrivateKey reads the private key value names, decrypted with the
// passphrase-file setting when one is set (master's $wgOAuth2Passphrase).
func loadPrivateKey(cmd *cobra.Command, f *cmdutil.Factory, value string) (*rsa.PrivateKey, error) {
	pass, err := f.Passphrase(cmd)
	if err != nil {
		return nil, err
	}
	return loadKey(f.IO, "private key", value, func(b []byte) (*rsa.PrivateKey, error) {
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
type keyFlags struct {
	JWKSFile   string
	SecretFile string
	Algs       []string
	Leeway     time.Duration
	At         string
}

// addFlags registers --public-key, --jwks, --secret-file, --alg, --issuer,
// --leeway and --at. --audience differs per command (verify reads the
// profile's audience; scan, whose log holds many consumers, does not), so
// the caller registers it.
func (k *keyFlags) addFlags(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.String("public-key", "", "RSA public key: `file`, file:// path or PEM text (env MWOAUTH_PUBLIC_KEY, profile public-key)")
	fl.StringVar(&k.JWKSFile, "jwks", "", "JWKS `file` with the verification keys")
	fl.StringVar(&k.SecretFile, "secret-file", "", "Shared secret `file` for HS256 (needs --alg HS256)")
	fl.StringSliceVar(&k.Algs, "alg", []string{"RS256"}, "Allowed `algorithms` (RS256 by default; HS256 only with --secret-file; never none)")
	fl.String("issuer", "", "Expected iss, e.g. https://meta.wikimedia.org (env MWOAUTH_ISSUER, profile issuer)")
	fl.DurationVar(&k.Leeway, "leeway", 0, "Clock leeway for the time checks (MediaWiki uses none)")
	fl.StringVar(&k.At, "at", "", "Judge at this `time` (RFC 3339, unix, or +2h / -30m / +1d from now) instead of now")
}

// resolve fills vo's issuer and keys (public key, JWKS, HS256 secret) from
// the flags, MWOAUTH_* and the profile, and checks the alg allow-list.
// stdinUser names what else reads stdin ("token", "log"), or is "" when
// nothing does: a key cannot come from stdin too.
func (k *keyFlags) resolve(cmd *cobra.Command, f *cmdutil.Factory, vo *verdict.Options, stdinUser string) error {
	var err error
	vo.Algs, vo.Leeway = k.Algs, k.Leeway
	if vo.Issuer, err = f.Setting(cmd, "issuer"); err != nil {
		return err
	}
	pubSetting, err := f.Setting(cmd, "public-key")
	if err != nil {
		return err
	}
	if pubSetting == "" && k.JWKSFile == "" && k.SecretFile == "" {
		return cmdutil.FlagErrorf("no key: pass --public-key FILE (the wiki's $wgOAuth2PublicKey), --jwks FILE, or --alg HS256 --secret-file FILE")
	}
	if stdinUser != "" && (pubSetting == "-" || k.JWKSFile == "-" || k.SecretFile == "-") {
		return cmdutil.FlagErrorf("the %s and a key cannot both come from stdin", stdinUser)
	}
	if k.SecretFile != "" {
		b, err := readKey(f.IO, "secret file", k.SecretFile)
		if err != nil {
			return err
		}
		secret, err := verdict.CheckSecret(b)
		switch {
		case errors.Is(err, verdict.ErrSecretIsKey):
			return cmdutil.Exitf(cmdutil.ExitSignature, "--secret-file holds key material, not a shared secret: HMAC is never computed with a key (the RS256→HS256 confusion attack)")
		case err != nil:
			return cmdutil.FlagErrorf("--secret-file %s is empty", cmdutil.Safe(k.SecretFile))
		}
		vo.Secret = secret
	}
	if err := verdict.CheckAlgs(k.Algs, vo.Secret != nil); err != nil {
		return cmdutil.FlagErrorf("--alg: %v", cmdutil.HintIf(err, verdict.ErrHMACNoSecret, "--secret-file"))
	}
	if vo.Secret != nil && !hasHS(k.Algs) {
		return cmdutil.FlagErrorf("--secret-file needs --alg HS256 (a shared secret is only used when HMAC is asked for)")
	}
	if pubSetting != "" {
		key, err := loadPublicKey(f.IO, pubSetting)
		if err != nil {
			return err
		}
		vo.Keys = []*rsa.PublicKey{key}
	}
	if k.JWKSFile != "" {
		b, err := readKey(f.IO, "jwks", k.JWKSFile)
		if err != nil {
			return err
		}
		keys, err := keys.ParseJWKS(b)
		if err != nil {
			return cmdutil.Exitf(cmdutil.ExitUsage, "--jwks %s: %v", k.JWKSFile, err)
		}
		vo.JWKS = keys
	}
	return nil
}

func hasHS(algs []string) bool {
	for _, a := range algs {
		if strings.HasPrefix(a, "HS") {
			return true
		}
	}
	return false
}
