package keys

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	jwtkeys "github.com/mwoauth/mwoauth/jwtutil/keys"
	"github.com/mwoauth/mwoauth/mediawiki"
)

// checkOptions is everything "keys check" needs; checkRun never sees cobra.
type checkOptions struct {
	IO              *cmdutil.IOStreams
	Private, Public string
	GivenAs         string // value or path
	Format          string // text or json
	// FromSettings: the keys came from MWOAUTH_* or a profile (which may
	// hold PEM text), not from --private/--public on the command line.
	FromSettings bool
	CoreKeys     bool              // core's $wgJwt*Key, not $wgOAuth2*Key
	MediaWiki    mediawiki.Version // whose key reading is linted
	Passphrase   []byte            // the passphrase-file setting's content; nil when unset
}

// newCmdCheck builds "keys check"; runF, when not nil, replaces checkRun
// (tests of flag parsing).
func newCmdCheck(f *cmdutil.Factory, runF func(*checkOptions) error) *cobra.Command {
	opts := &checkOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "check [--private <key-file>] [--public <key-file>]",
		Short: "Check a key pair and its MediaWiki configuration for pitfalls",
		Long: `Check confirms that --public is the public half of --private and lints each
key the way the MediaWiki version --mediawiki names reads it (master by
default). Either flag may be given alone. With neither, it checks the
profile's private-key and public-key settings (or MWOAUTH_PRIVATE_KEY /
MWOAUTH_PUBLIC_KEY).

Master's league CryptKey takes $wgOAuth2PrivateKey / $wgOAuth2PublicKey as
key text when OpenSSL reads it (text above the key and whitespace after it
are harmless; an indented BEGIN line or escaped \n are not), else as a file
path, else it throws "Invalid key supplied". An encrypted private key needs
$wgOAuth2Passphrase: give it with --passphrase-file to check the key.
--core-keys checks core's $wgJwtPrivateKey / $wgJwtPublicKey instead, which
Extension:OAuth falls back to when $wgOAuth2PrivateKey is empty (1.45+):
core reads PEM text only, never a file.

REL1_43 (and REL1_45) only take the value as PEM text when it matches their
PEM pattern exactly; anything else is taken as a file path. A PEM with
leading whitespace, a byte order mark, text around it, escaped \n, or an
ENCRYPTED/EC key is therefore "a path that does not exist", and the token
endpoint answers HTTP 500 with the whole private key in its error body.
REL1_43 has no passphrase setting.

Check also reports non-RSA, damaged and < 2048-bit keys, a key in the wrong
setting, CRLF line ends, extra PEM blocks, and file modes: league's CryptKey
raises a notice unless the mode is 400, 440, 600, 640 or 660, and a
world-readable private key is an error.

--given-as says how LocalSettings.php gives the key to the setting.
"value" (the default) lints the file's bytes as the string given to the
setting (pasted PEM, file_get_contents(), getenv()), which is where
whitespace matters most. "path" means the setting holds the file's path:
OpenSSL reads the file on every version, and the permission notice
applies.

Exit status: 0 when the pair matches and nothing is an error (warnings and
info are printed but pass); 4 when the two keys are not a pair (wrong key);
10 when any error-severity problem is found; 9 when a file does not exist.`,
		Example: `  mwoauth keys check --private /etc/mediawiki/oauth/oauth2-private.pem --public /etc/mediawiki/oauth/oauth2-public.pem
  mwoauth keys check --public /etc/mediawiki/oauth/oauth2-public.pem --given-as path
  mwoauth keys check --private /etc/mediawiki/oauth/oauth2-private.pem --passphrase-file /etc/mediawiki/oauth/passphrase
  mwoauth keys check --mediawiki 1.43 --private /etc/mediawiki/oauth/oauth2-private.pem
  php -r 'require "LocalSettings.php"; echo $wgOAuth2PrivateKey;' | mwoauth keys check --private -
  mwoauth keys check --profile wiki1 --output json | jq .lints`,
		Args: cmdutil.Args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if opts.Format, err = cmdutil.OutputFormat(cmd); err != nil {
				return err
			}
			if opts.GivenAs != "value" && opts.GivenAs != "path" {
				return cmdutil.FlagErrorf("--given-as must be value or path, not %q", opts.GivenAs)
			}
			if !cmd.Flags().Changed("private") && !cmd.Flags().Changed("public") {
				opts.FromSettings = true
				if err := f.Bind(cmd, cmdutil.StringSetting("private-key", &opts.Private), cmdutil.StringSetting("public-key", &opts.Public)); err != nil {
					return err
				}
				if opts.Private == "" && opts.Public == "" {
					return cmdutil.FlagErrorf("give --private and/or --public (or set private-key / public-key in a profile)")
				}
			}
			if opts.Private == "-" && opts.Public == "-" {
				return cmdutil.FlagErrorf("only one of --private and --public can read stdin (-)")
			}
			if opts.MediaWiki, err = f.MediaWiki(cmd); err != nil {
				return err
			}
			if opts.Passphrase, err = f.Passphrase(cmd); err != nil {
				return err
			}
			return cmdutil.Pick(runF, checkRun)(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Private, "private", "", "Private key (`file`, - or env:NAME) as given to $wgOAuth2PrivateKey")
	fl.StringVar(&opts.Public, "public", "", "Public key (`file`, - or env:NAME) as given to $wgOAuth2PublicKey")
	// Not --as: on consumer commands --as names the performing admin.
	fl.StringVar(&opts.GivenAs, "given-as", "value", "How LocalSettings.php gives the key: `value` (the PEM text) or path (a file name)")
	fl.BoolVar(&opts.CoreKeys, "core-keys", false, "The keys are core's $wgJwtPrivateKey / $wgJwtPublicKey, which Extension:OAuth falls back to (1.45+)")
	cmdutil.AddPassphraseFlag(cmd)
	cmdutil.AddOutputFlag(cmd, "text", "json")
	return cmd
}

// checkKeyJSON, checkLintJSON and checkJSON are what --output json
// prints: one object, a key under each role checked.
type checkKeyJSON struct {
	Setting     string `json:"setting"` // $wgOAuth2PrivateKey / $wgOAuth2PublicKey
	Source      string `json:"source"`
	Parsed      bool   `json:"parsed"`
	Kind        string `json:"kind,omitempty"` // what the material is: public or private
	Bits        int    `json:"bits,omitempty"`
	Format      string `json:"format,omitempty"`
	Fingerprint string `json:"fingerprint_sha256,omitempty"`
	Thumbprint  string `json:"thumbprint,omitempty"`
	Mode        string `json:"mode,omitempty"` // octal, files only
}

type checkLintJSON struct {
	Key string `json:"key"` // private or public
	mediawiki.Lint
}

type checkJSON struct {
	OK        bool              `json:"ok"`
	MediaWiki mediawiki.Version `json:"mediawiki_version"`
	PairMatch *bool             `json:"pair_match"` // null when only one key was checked
	Private   *checkKeyJSON     `json:"private"`
	Public    *checkKeyJSON     `json:"public"`
	Lints     []checkLintJSON   `json:"lints"`
}

type checkedKey struct {
	role  mediawiki.KeyRole
	src   *keySource
	info  *jwtkeys.KeyInfo
	lints []mediawiki.Lint
	json  *checkKeyJSON
}

func checkOne(opts *checkOptions, value string, role mediawiki.KeyRole, onArgv, asPath bool) (*checkedKey, error) {
	src, err := readKeySource(opts.IO, value, onArgv)
	if err != nil {
		return nil, err
	}
	ck := &checkedKey{role: role, src: src}
	lo := mediawiki.LintOptions{Role: role, AsFile: asPath, Version: opts.MediaWiki, CoreKey: opts.CoreKeys}
	if role == mediawiki.RolePrivate {
		lo.Passphrase = opts.Passphrase
	}
	ck.lints = mediawiki.LintKey(src.Data, lo)
	for i, l := range ck.lints {
		if l.Code == "encrypted-key" && l.Severity == mediawiki.SeverityWarning {
			ck.lints[i].Message += " (--passphrase-file FILE)"
		}
	}
	if src.IsFile {
		for _, l := range mediawiki.LintFileMode(src.Mode, role) {
			// The permission notice comes from CryptKey opening the file
			// by path; for a value MediaWiki writes its own 0600 copy.
			if l.Code == "file-mode" && !asPath {
				continue
			}
			ck.lints = append(ck.lints, l)
		}
	}
	setting := "$wgOAuth2PublicKey"
	switch {
	case opts.CoreKeys && role == mediawiki.RolePrivate:
		setting = "$wgJwtPrivateKey"
	case opts.CoreKeys:
		setting = "$wgJwtPublicKey"
	case role == mediawiki.RolePrivate:
		setting = "$wgOAuth2PrivateKey"
	}
	ck.json = &checkKeyJSON{Setting: setting, Source: src.Label}
	if src.IsFile {
		ck.json.Mode = fmt.Sprintf("%04o", src.Mode.Perm())
	}
	if info, err := jwtkeys.ParseKeyWithPassphrase(src.Data, lo.Passphrase); err == nil && (lo.Passphrase != nil || !info.Encrypted) {
		ck.info = info
		ck.json.Parsed = true
		ck.json.Kind, ck.json.Bits, ck.json.Format = keyKind(info), info.Bits(), info.Format
		ck.json.Fingerprint, ck.json.Thumbprint = jwtkeys.Fingerprint(info.Public), jwtkeys.Thumbprint(info.Public)
	}
	return ck, nil
}

func checkRun(opts *checkOptions) error {
	asPath, onArgv := opts.GivenAs == "path", !opts.FromSettings
	var keys []*checkedKey
	res := checkJSON{MediaWiki: opts.MediaWiki, Lints: []checkLintJSON{}}
	for _, k := range []struct {
		arg  string
		role mediawiki.KeyRole
		out  **checkKeyJSON
	}{{opts.Private, mediawiki.RolePrivate, &res.Private}, {opts.Public, mediawiki.RolePublic, &res.Public}} {
		if k.arg == "" {
			continue
		}
		ck, err := checkOne(opts, k.arg, k.role, onArgv, asPath)
		if err != nil {
			return err
		}
		keys = append(keys, ck)
		*k.out = ck.json
	}
	if len(keys) == 2 && keys[0].info != nil && keys[1].info != nil {
		m := keys[0].info.Public.Equal(keys[1].info.Public)
		res.PairMatch = &m
	}
	errorsFound := 0
	for _, ck := range keys {
		for _, l := range ck.lints {
			res.Lints = append(res.Lints, checkLintJSON{Key: roleName(ck.role), Lint: l})
			if l.Severity == mediawiki.SeverityError {
				errorsFound++
			}
		}
	}
	mismatch := res.PairMatch != nil && !*res.PairMatch
	res.OK = errorsFound == 0 && !mismatch

	var code int
	var msg string
	switch {
	case mismatch:
		code, msg = cmdutil.ExitSignature, "the public key is not the private key's public half"
	case errorsFound > 0:
		code, msg = cmdutil.ExitRefused, "1 error in the key configuration"
		if errorsFound > 1 {
			msg = fmt.Sprintf("%d errors in the key configuration", errorsFound)
		}
	}
	if opts.Format == "json" {
		if err := cmdutil.WriteJSON(opts.IO.Out, res); err != nil {
			return err
		}
		if code != 0 {
			return cmdutil.SilentExit(code) // the JSON says it all; keep stderr clean
		}
		return nil
	}
	printCheck(opts.IO, opts.MediaWiki, keys, res.PairMatch)
	if code != 0 {
		return cmdutil.Exitf(code, "%s", msg)
	}
	return nil
}

func roleName(r mediawiki.KeyRole) string {
	if r == mediawiki.RolePrivate {
		return "private"
	}
	return "public"
}

func printCheck(ios *cmdutil.IOStreams, v mediawiki.Version, keys []*checkedKey, pair *bool) {
	s := ios.Styles()
	w := ios.Out
	fmt.Fprintf(w, "%s\n", s.Dim.Render("MediaWiki "+v.String()+"'s rules"))
	for _, ck := range keys {
		fmt.Fprintf(w, "%s  %s\n", s.Bold.Render(fmt.Sprintf("%-7s", roleName(ck.role))), cmdutil.Safe(ck.src.Label))
		if ck.info != nil {
			line := fmt.Sprintf("RSA %d-bit %s key (%s), sha256 %s", ck.info.Bits(), keyKind(ck.info), ck.info.Format, jwtkeys.Fingerprint(ck.info.Public))
			if ck.src.IsFile {
				line += fmt.Sprintf(", mode %04o", ck.src.Mode.Perm())
			}
			fmt.Fprintf(w, "         %s\n", s.Dim.Render(line))
		}
		if len(ck.lints) == 0 {
			fmt.Fprintf(w, "         %s\n", s.OK.Render("✓ no problems found"))
		}
		for _, l := range ck.lints {
			printLint(w, s, l)
		}
	}
	if pair != nil {
		if *pair {
			fmt.Fprintf(w, "%s  %s\n", s.Bold.Render("pair   "), s.OK.Render("✓ the public key belongs to the private key"))
		} else {
			fmt.Fprintf(w, "%s  %s\n", s.Bold.Render("pair   "), s.Err.Render("✗ different keys: tokens signed with the private key will not verify"))
		}
	}
}

func printLint(w io.Writer, s *cmdutil.Styles, l mediawiki.Lint) {
	tag := fmt.Sprintf("%-7s", l.Severity)
	switch l.Severity {
	case mediawiki.SeverityError:
		tag = s.Err.Render(tag)
	case mediawiki.SeverityWarning:
		tag = s.Warn.Render(tag)
	default:
		tag = s.Dim.Render(tag)
	}
	fmt.Fprintf(w, "         %s  %s: %s\n", tag, l.Code, cmdutil.Safe(strings.TrimSpace(l.Message)))
}
