package keys

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	jwtkeys "github.com/mwoauth/mwoauth/jwtutil/keys"
)

type fingerprintJSON struct {
	Source      string `json:"source"`
	Kind        string `json:"kind"` // public or private
	KeyType     string `json:"key_type"`
	Bits        int    `json:"bits"`
	Format      string `json:"format"`
	Fingerprint string `json:"fingerprint_sha256"`
	Thumbprint  string `json:"thumbprint"`
}

// fingerprintOptions is everything "keys fingerprint" needs.
type fingerprintOptions struct {
	IO     *cmdutil.IOStreams
	Key    string // file, - or env:NAME
	Format string // text or json
}

// newCmdFingerprint builds "keys fingerprint"; runF, when not nil,
// replaces fingerprintRun.
func newCmdFingerprint(f *cmdutil.Factory, runF func(*fingerprintOptions) error) *cobra.Command {
	opts := &fingerprintOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "fingerprint <key-file> | -",
		Short: "Print a key's SHA-256 fingerprint and JWK thumbprint",
		Long: `Fingerprint identifies an RSA key without showing it, so two people (or a
wiki and a proxy) can confirm they hold the same key.

It prints the key type and size, whether the material is public or private,
the SHA-256 fingerprint of the public key's DER SubjectPublicKeyInfo (the
same as "openssl pkey -pubin -outform DER | openssl dgst -sha256 -c") and the
RFC 7638 JWK thumbprint, which "mwoauth keys jwks" uses as the kid. A
private key and its public key give the same values. No key material is
printed.

Accepts PEM (PUBLIC KEY, RSA PUBLIC KEY, CERTIFICATE, PRIVATE KEY,
RSA PRIVATE KEY), DER, or a JWK with one RSA key. Exit status 2 when the
input is not a usable RSA key, 9 when the file does not exist.`,
		Example: `  mwoauth keys fingerprint /etc/mediawiki/oauth/oauth2-public.pem
  mwoauth keys fingerprint /etc/mediawiki/oauth/oauth2-private.pem --output json
  ssh wiki1 cat /etc/mediawiki/oauth/oauth2-public.pem | mwoauth keys fingerprint -`,
		Args: cmdutil.Args(cobra.ExactArgs(1), "one key file (or - for stdin)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Format, err = cmdutil.OutputFormat(cmd); err != nil {
				return err
			}
			opts.Key = args[0]
			return cmdutil.Pick(runF, fingerprintRun)(opts)
		},
	}
	cmdutil.AddOutputFlag(cmd, "text", "json")
	return cmd
}

func fingerprintRun(opts *fingerprintOptions) error {
	k, label, err := readArgKey(opts.IO, opts.Key)
	if err != nil {
		return err
	}
	out := fingerprintJSON{
		Source: label, Kind: keyKind(k), KeyType: "RSA", Bits: k.Bits(), Format: k.Format,
		Fingerprint: jwtkeys.Fingerprint(k.Public), Thumbprint: jwtkeys.Thumbprint(k.Public),
	}
	if opts.Format == "json" {
		return cmdutil.WriteJSON(opts.IO.Out, out)
	}
	s := opts.IO.Styles()
	w := opts.IO.Out
	fmt.Fprintf(w, "%s  %s\n", s.Key.Render("source    "), cmdutil.Safe(out.Source))
	fmt.Fprintf(w, "%s  RSA %d-bit %s key (%s)\n", s.Key.Render("key       "), out.Bits, out.Kind, out.Format)
	fmt.Fprintf(w, "%s  %s\n", s.Key.Render("sha256    "), out.Fingerprint)
	fmt.Fprintf(w, "%s  %s\n", s.Key.Render("thumbprint"), out.Thumbprint)
	if out.Bits < jwtkeys.MinRSABits {
		fmt.Fprintln(opts.IO.ErrOut, s.Warn.Render(fmt.Sprintf("warning: %d bits is below the %d MediaWiki requires", out.Bits, jwtkeys.MinRSABits)))
	}
	return nil
}
