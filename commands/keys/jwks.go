package keys

import (
	"bytes"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	jwtkeys "github.com/mwoauth/mwoauth/jwtutil/keys"
)

// jwksOptions is everything "keys jwks" needs; jwksRun never sees cobra.
type jwksOptions struct {
	IO       *cmdutil.IOStreams
	Keys     []string // the arguments: files, - or env:NAME
	Envoy    bool
	Provider string
	Issuer   string // flag, profile or MWOAUTH_ISSUER
}

// newCmdJWKS builds "keys jwks"; runF, when not nil, replaces jwksRun.
func newCmdJWKS(f *cmdutil.Factory, runF func(*jwksOptions) error) *cobra.Command {
	opts := &jwksOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "jwks <public-key-file>... ",
		Short: "Turn public keys into a JWKS for Envoy's local_jwks",
		Long: `Jwks prints a JSON Web Key Set with one RS256 signing key per file, for
Envoy's jwt_authn local_jwks (or any other JWKS consumer). MediaWiki has no
JWKS endpoint and its tokens carry no kid, so the set is built from the
PEM you configured as $wgOAuth2PublicKey; Envoy then tries every key.

Each key's kid is its RFC 7638 thumbprint, so it stays the same for the
same key. Give the old and the new public key during a key rotation so
tokens signed by either keep working. The same key given twice is listed
once.

Only public material is printed. Given a private key, jwks uses its public
half and says so on stderr.

With --envoy it prints a jwt_authn provider snippet (YAML) with the set
inlined instead; --issuer (or the profile's issuer) fills in the issuer,
which is the wiki's $wgCanonicalServer (of the central wiki, if any).

Exit status 2 when an input is not a usable RSA key, 9 when a file does
not exist.`,
		Example: `  mwoauth keys jwks /etc/mediawiki/oauth/oauth2-public.pem > jwks.json
  mwoauth keys jwks old-public.pem new-public.pem
  mwoauth keys jwks oauth2-public.pem --envoy --issuer https://meta.wikimedia.org`,
		Args: cmdutil.Args(cobra.MinimumNArgs(1), "one or more public key files"),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := cmdutil.OutputFormat(cmd)
			if err != nil {
				return err
			}
			_ = format // JSON is the only data format; --envoy changes the wrapping
			if strings.TrimSpace(opts.Provider) == "" {
				return cmdutil.FlagErrorf("--provider must not be empty")
			}
			if err := f.Bind(cmd, cmdutil.StringSetting("issuer", &opts.Issuer)); err != nil {
				return err
			}
			opts.Keys = args
			return cmdutil.Pick(runF, jwksRun)(opts)
		},
	}
	fl := cmd.Flags()
	cmdutil.AddOutputFlag(cmd, "json")
	fl.BoolVar(&opts.Envoy, "envoy", false, "Print an Envoy jwt_authn provider (YAML) with the JWKS inlined")
	fl.StringVar(&opts.Provider, "provider", "mediawiki", "Provider `name` in the --envoy snippet")
	fl.String("issuer", "", "Token issuer (`url`, the wiki's $wgCanonicalServer) for the --envoy snippet (env MWOAUTH_ISSUER, profile issuer)")
	return cmd
}

func jwksRun(opts *jwksOptions) error {
	ios, args := opts.IO, opts.Keys
	// Validate every argument before reading any: a usage error must not
	// come after stdin has been consumed.
	if i := slices.Index(args, "-"); i >= 0 && slices.Contains(args[i+1:], "-") {
		return cmdutil.FlagErrorf("stdin (-) can be given only once")
	}
	var pubs []*rsa.PublicKey
	seen := map[string]string{}
	for _, a := range args {
		k, label, err := readArgKey(ios, a)
		if err != nil {
			return err
		}
		if k.IsPrivate() {
			fmt.Fprintf(ios.ErrOut, "note: %s is a private key; using its public half (no private material is printed)\n", cmdutil.Safe(label))
		}
		if k.Bits() < jwtkeys.MinRSABits {
			fmt.Fprintf(ios.ErrOut, "warning: %s has %d bits, below the %d MediaWiki requires\n", cmdutil.Safe(label), k.Bits(), jwtkeys.MinRSABits)
		}
		kid := jwtkeys.Thumbprint(k.Public)
		if prev, dup := seen[kid]; dup {
			fmt.Fprintf(ios.ErrOut, "note: %s is the same key as %s; listed once\n", cmdutil.Safe(label), cmdutil.Safe(prev))
			continue
		}
		seen[kid] = label
		pubs = append(pubs, k.Public)
	}
	doc, err := jwtkeys.JWKS(pubs...)
	if err != nil {
		return err
	}
	if opts.Envoy {
		_, err := fmt.Fprint(ios.Out, envoyProvider(opts, doc))
		return err
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, doc, "", "  "); err != nil {
		return err
	}
	buf.WriteByte('\n')
	_, err = ios.Out.Write(buf.Bytes())
	return err
}

// envoyProvider renders one jwt_authn JwtProvider. The JWKS goes in a
// single-quoted YAML scalar; it never holds a quote, but escape anyway.
func envoyProvider(opts *jwksOptions, doc []byte) string {
	var b strings.Builder
	b.WriteString("# Envoy jwt_authn provider for MediaWiki OAuth 2 access tokens (RS256).\n")
	b.WriteString("# Goes under typed_config.providers of the envoy.filters.http.jwt_authn filter.\n")
	fmt.Fprintf(&b, "%s:\n", yamlKey(opts.Provider))
	if opts.Issuer != "" {
		fmt.Fprintf(&b, "  issuer: '%s'\n", yamlQuote(opts.Issuer))
	} else {
		b.WriteString("  # issuer: 'https://wiki.example.org'  # the wiki's $wgCanonicalServer; tokens carry it as iss\n")
	}
	b.WriteString("  local_jwks:\n")
	fmt.Fprintf(&b, "    inline_string: '%s'\n", yamlQuote(string(doc)))
	// Without forward Envoy strips the Authorization header after checking
	// it, and MediaWiki, which verifies the token again, would see none.
	b.WriteString("  forward: true  # MediaWiki needs the token too\n")
	return b.String()
}

func yamlQuote(s string) string { return strings.ReplaceAll(s, "'", "''") }

// yamlKey quotes a provider name unless it is a plain identifier.
func yamlKey(s string) string {
	for _, r := range s {
		if !(r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return "'" + yamlQuote(s) + "'"
		}
	}
	return s
}
