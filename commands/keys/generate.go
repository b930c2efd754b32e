package keys

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/internal/atomicfile"
	jwtkeys "github.com/mwoauth/mwoauth/jwtutil/keys"
)

const (
	privateName = "oauth2-private.pem"
	publicName  = "oauth2-public.pem"
	privateMode = 0o600 // one of REL1_43's accepted modes (400/440/600/640/660)
	// 0644 is outside that list, but REL1_43 builds the public CryptKey
	// under @, which silences the notice, and a public key is no secret.
	publicMode = 0o644
)

// generateOptions is everything "keys generate" needs; generateRun never
// sees cobra.
type generateOptions struct {
	IO     *cmdutil.IOStreams
	Out    string
	Bits   int
	Format string          // private key encoding: pkcs8 or pkcs1
	Output string          // text or json
	Ctx    context.Context // cancelled by Ctrl-C
}

// newCmdGenerate builds "keys generate"; runF, when not nil, replaces
// generateRun.
func newCmdGenerate(f *cmdutil.Factory, runF func(*generateOptions) error) *cobra.Command {
	opts := &generateOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "generate --out <dir>",
		Short: "Create a new RSA key pair for $wgOAuth2PrivateKey and $wgOAuth2PublicKey",
		Long: `Generate writes a new RSA key pair into --out (created if missing):
oauth2-private.pem (mode 0600) and oauth2-public.pem (mode 0644), and prints
the two LocalSettings.php lines that point MediaWiki at them, with the key's
fingerprint. The private key itself is never printed.

Keys are 2048 bits unless --bits says more; MediaWiki refuses fewer than
2048. The private key is PKCS#8 ("BEGIN PRIVATE KEY") unless --format pkcs1
asks for "BEGIN RSA PRIVATE KEY"; MediaWiki reads both.

It never overwrites: if either file exists it exits 10 and writes nothing.
Both files are written under temporary names and only then put in place, so
an interrupted run cannot leave half a pair.

Replacing the wiki's key makes every OAuth 2 access token issued so far fail
verification (they were signed with the old key); owner-only tokens must be
re-issued. The web server's user must be able to read the private key: chown
it to that user, or chgrp it to that group and chmod 640.`,
		Example: `  mwoauth keys generate --out /etc/mediawiki/oauth
  mwoauth keys generate --out ./keys --bits 4096 --format pkcs1
  mwoauth keys generate --out ./keys --output json | jq -r .fingerprint_sha256`,
		Args: cmdutil.Args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if opts.Output, err = cmdutil.OutputFormat(cmd); err != nil {
				return err
			}
			if opts.Out == "" {
				return cmdutil.FlagErrorf("--out <dir> is required")
			}
			switch {
			case opts.Bits < jwtkeys.MinRSABits:
				return cmdutil.FlagErrorf("--bits %d is too small: MediaWiki requires at least %d", opts.Bits, jwtkeys.MinRSABits)
			case opts.Bits > jwtkeys.MaxRSABits:
				return cmdutil.FlagErrorf("--bits %d is too large (at most %d)", opts.Bits, jwtkeys.MaxRSABits)
			}
			if opts.Format != "pkcs8" && opts.Format != "pkcs1" {
				return cmdutil.FlagErrorf("--format must be pkcs8 or pkcs1, not %q", opts.Format)
			}
			// Ctrl-C must not stop the program between writing the
			// two files: it is caught, and honoured before writing only.
			opts.Ctx = cmdutil.CatchInterrupt(cmd)
			return cmdutil.Pick(runF, generateRun)(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Out, "out", "", "Directory to write oauth2-private.pem and oauth2-public.pem into (`dir`)")
	fl.IntVar(&opts.Bits, "bits", 2048, "RSA key size in `bits` (at least 2048)")
	fl.StringVar(&opts.Format, "format", "pkcs8", "Private key encoding: `pkcs8` (BEGIN PRIVATE KEY) or pkcs1 (BEGIN RSA PRIVATE KEY)")
	cmdutil.AddOutputFlag(cmd, "text", "json")
	return cmd
}

// generateJSON is what --output json prints; it names the key files and
// never holds key material.
type generateJSON struct {
	PrivateKey    string   `json:"private_key"`
	PublicKey     string   `json:"public_key"`
	PrivateFormat string   `json:"private_format"`
	Bits          int      `json:"bits"`
	Fingerprint   string   `json:"fingerprint_sha256"`
	Thumbprint    string   `json:"thumbprint"`
	LocalSettings []string `json:"local_settings"`
}

func generateRun(opts *generateOptions) error {
	dir, err := filepath.Abs(opts.Out)
	if err != nil {
		return cmdutil.Exit(cmdutil.ExitFailure, err)
	}
	privPath, pubPath := filepath.Join(dir, privateName), filepath.Join(dir, publicName)
	// Check before the (slow) key generation; the final link re-checks.
	for _, p := range []string{privPath, pubPath} {
		if _, err := os.Lstat(p); err == nil {
			return cmdutil.Exitf(cmdutil.ExitRefused, "%s already exists; refusing to overwrite a key (move it away or pick another --out)", p)
		}
	}
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return cmdutil.FlagErrorf("--out %s is not a directory", opts.Out)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return cmdutil.Exit(cmdutil.ExitFailure, err)
	}

	key, err := jwtkeys.GenerateKey(opts.Bits)
	if err != nil {
		return cmdutil.Exit(cmdutil.ExitFailure, err)
	}
	privPEM := jwtkeys.EncodePrivatePKCS8(key)
	privFormat := jwtkeys.FormatPKCS8
	if opts.Format == "pkcs1" {
		privPEM, privFormat = jwtkeys.EncodePrivatePKCS1(key), jwtkeys.FormatPKCS1
	}
	if opts.Ctx.Err() != nil {
		return cmdutil.Exit(cmdutil.ExitInterrupted, errors.New("interrupted: no key written"))
	}
	if err := writePair(dir, privPath, privPEM, pubPath, jwtkeys.EncodePublicPKIX(&key.PublicKey)); err != nil {
		return err
	}

	out := generateJSON{
		PrivateKey: privPath, PublicKey: pubPath, PrivateFormat: privFormat, Bits: opts.Bits,
		Fingerprint: jwtkeys.Fingerprint(&key.PublicKey), Thumbprint: jwtkeys.Thumbprint(&key.PublicKey),
		LocalSettings: []string{
			fmt.Sprintf("$wgOAuth2PrivateKey = %s;", phpString(privPath)),
			fmt.Sprintf("$wgOAuth2PublicKey = %s;", phpString(pubPath)),
		},
	}
	if opts.Output == "json" {
		return cmdutil.WriteJSON(opts.IO.Out, out)
	}
	printGenerated(opts.IO, &out)
	return nil
}

func printGenerated(ios *cmdutil.IOStreams, out *generateJSON) {
	s := ios.Styles()
	w := ios.Out
	fmt.Fprintf(w, "%s  %s  %s\n", s.Key.Render("private   "), cmdutil.Safe(out.PrivateKey), s.Dim.Render(fmt.Sprintf("(mode %04o, %s)", privateMode, out.PrivateFormat)))
	fmt.Fprintf(w, "%s  %s  %s\n", s.Key.Render("public    "), cmdutil.Safe(out.PublicKey), s.Dim.Render(fmt.Sprintf("(mode %04o)", publicMode)))
	fmt.Fprintf(w, "%s  RSA %d-bit\n", s.Key.Render("key       "), out.Bits)
	fmt.Fprintf(w, "%s  %s\n", s.Key.Render("sha256    "), out.Fingerprint)
	fmt.Fprintf(w, "%s  %s\n", s.Key.Render("thumbprint"), out.Thumbprint)
	fmt.Fprintf(w, "\n%s\n", s.Bold.Render("LocalSettings.php:"))
	for _, l := range out.LocalSettings {
		fmt.Fprintln(w, cmdutil.Safe(l))
	}
	fmt.Fprintln(ios.ErrOut, "note: the web server's user must be able to read the private key (chown it, or chgrp + chmod 640)")
	fmt.Fprintln(ios.ErrOut, "note: switching the wiki to this key invalidates every OAuth 2 access token signed with the old one")
}

// phpString renders s as a single-quoted PHP literal: only \ and ' need
// escaping there.
func phpString(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	return "'" + strings.ReplaceAll(s, "'", `\'`) + "'"
}

// writePair writes both files or neither: each goes to a temporary file in
// dir with its final mode, and is then linked to its name, which fails if
// the name exists, so even a racing writer is never overwritten.
func writePair(dir, privPath string, privPEM []byte, pubPath string, pubPEM []byte) error {
	privTmp, err := atomicfile.Temp(dir, ".oauth2-private-*.tmp", privPEM, privateMode)
	if err != nil {
		return cmdutil.Exit(cmdutil.ExitFailure, err)
	}
	defer os.Remove(privTmp)
	pubTmp, err := atomicfile.Temp(dir, ".oauth2-public-*.tmp", pubPEM, publicMode)
	if err != nil {
		return cmdutil.Exit(cmdutil.ExitFailure, err)
	}
	defer os.Remove(pubTmp)

	if err := linkKey(privTmp, privPath); err != nil {
		return err
	}
	if err := linkKey(pubTmp, pubPath); err != nil {
		os.Remove(privPath) // ours: we just created it
		return err
	}
	return nil
}

func linkKey(tmp, final string) error {
	err := atomicfile.LinkNew(tmp, final)
	if errors.Is(err, atomicfile.ErrExist) {
		return cmdutil.Exitf(cmdutil.ExitRefused, "%s already exists; refusing to overwrite a key", final)
	}
	if err != nil {
		return cmdutil.Exit(cmdutil.ExitFailure, err)
	}
	return nil
}
