package token

import (
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/jwtutil"
	"github.com/mwoauth/mwoauth/jwtutil/keys"
	"github.com/mwoauth/mwoauth/verdict"
)

// RemintOptions is everything "token remint" needs, flags checked and
// settings resolved; remintRun reads the keys and the token and never sees
// cobra.
type RemintOptions struct {
	IO *cmdutil.IOStreams
	// Now is the instant relative times count from (MWOAUTH_NOW pins it).
	Now func() time.Time

	Args []string // the token: TOKEN, - or @FILE; none reads stdin
	// Edits is what changes: exp (absolute, or Relative to now once the
	// token's number form is known), nbf, iat, claims set and unset.
	Edits    jwtutil.RemintOptions
	Relative *time.Duration

	AllowUnverified bool
	PrivateKey      string // the private-key setting
	PassphraseFile  string
	PublicKey       string // the public-key setting: what the input must verify against ("" = the private key's half)
	Format          string
}

// NewCmdRemint builds "token remint"; runF, when not nil, replaces
// remintRun.
func NewCmdRemint(f *cmdutil.Factory, runF func(*RemintOptions) error) *cobra.Command {
	opts := &RemintOptions{IO: f.IO, Now: f.Now}
	var fl remintFlags
	cmd := &cobra.Command{
		Use:   "remint [<token> | - | @file] --private-key <file> (--exp <time> | --expires-in <duration> | --expired-by <duration>)",
		Short: "Re-sign a token with a different exp, for expiry testing",
		Long: `Remint re-signs a token with the wiki's private key after changing exp
(and optionally nbf, iat or other claims). Everything else stays as MediaWiki
wrote it: the same header bytes, the same claim order, the same number
format (a float exp stays a float with microseconds, written like PHP's
json_encode; an int stays an int).

Exactly one of --exp TIME, --expires-in DURATION (from now) or
--expired-by DURATION (before now) sets the new exp.

The input must verify first (signature only: it may be expired) against
--public-key, or against the private key's own public half when
--public-key is absent; --allow-unverified skips that. When --public-key is
given it must be the private key's other half (exit 10 otherwise).

MediaWiki accepts a re-minted token as long as its jti row exists and is not
revoked (oaat_expires is never consulted) and iat/nbf are not in the future:
see docs/guides/expiry-testing.md.

The private key comes from --private-key FILE, - (stdin), MWOAUTH_PRIVATE_KEY
or the profile's private-key; key text on the command line is refused.
Only the new token is printed on stdout; notes go to stderr. --output json
prints {"token", "header", "claims", "exp"}: the token, its header and
claims exactly as written, and exp as RFC 3339 UTC.`,
		Example: `  mwoauth token remint @token.jwt --private-key oauth2-private.pem --expires-in 30s
  mwoauth token remint @token.jwt --private-key oauth2-private.pem --expired-by 5m
  mwoauth token remint "$TOKEN" --private-key oauth2-private.pem --exp 2026-11-22T10:00:00Z --iat 2026-11-22T09:00:00Z --nbf 2026-11-22T09:00:00Z
  mwoauth token remint @token.jwt --private-key - --expires-in 1h --set 'scopes=["basic"]' < oauth2-private.pem
  MWOAUTH_PRIVATE_KEY=oauth2-private.pem mwoauth token remint @token.jwt --expires-in 2m | mwoauth token verify --public-key oauth2-public.pem
  mwoauth token remint @token.jwt --private-key oauth2-private.pem --expired-by 1m --output json | jq .claims.exp`,
		Args: cmdutil.Args(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Format, err = cmdutil.OutputFormat(cmd); err != nil {
				return err
			}
			fl.expiresGiven, fl.expiredGiven = cmd.Flags().Changed("expires-in"), cmd.Flags().Changed("expired-by")
			if opts.Edits, opts.Relative, err = fl.edits(); err != nil {
				return err
			}
			if err := bindPrivateKey(cmd, f, &opts.PrivateKey, &opts.PassphraseFile); err != nil {
				return err
			}
			if err := requirePrivateKey(opts.PrivateKey); err != nil {
				return err
			}
			if err := f.Bind(cmd, cmdutil.StringSetting("public-key", &opts.PublicKey)); err != nil {
				return err
			}
			if tokenFromStdin(args) && (opts.PrivateKey == "-" || opts.PublicKey == "-") {
				return cmdutil.FlagErrorf("the token and a key cannot both come from stdin: pass the token as an argument or @FILE")
			}
			opts.Args = args
			return cmdutil.Pick(runF, remintRun)(opts)
		},
	}
	flags := cmd.Flags()
	addPrivateKeyFlags(cmd)
	flags.String("public-key", "", "Public key `file` the input must verify against (default: the private key's public half)")
	flags.StringVar(&fl.exp, "exp", "", "New exp: a `time` (RFC 3339 or unix)")
	flags.Var(newSpanValue(&fl.expiresIn, 0), "expires-in", "New exp this `duration` after now: 30s, 5m, 4h, 1d, 2d3h")
	flags.Var(newSpanValue(&fl.expiredBy, 0), "expired-by", "New exp this `duration` before now (an expired token): 5m, 1h, 1d")
	flags.StringVar(&fl.nbf, "nbf", "", "New nbf `time`")
	flags.StringVar(&fl.iat, "iat", "", "New iat `time`")
	flags.StringArrayVar(&fl.set, "set", nil, "Set a claim: `CLAIM=JSON`, e.g. 'scopes=[\"basic\"]' (repeatable)")
	flags.StringArrayVar(&fl.unset, "unset", nil, "Remove a `claim` (repeatable)")
	flags.BoolVar(&opts.AllowUnverified, "allow-unverified", false, "Re-sign even if the input's signature does not verify")
	cmdutil.AddOutputFlag(cmd, "text", "json")
	return cmd
}

// remintFlags are the flags that say what changes, before they are read
// into jwtutil.RemintOptions.
type remintFlags struct {
	exp, nbf, iat              string
	expiresIn, expiredBy       time.Duration
	expiresGiven, expiredGiven bool
	set, unset                 []string
}

// edits reads the flags: the new times (exactly one of --exp, --expires-in
// or --expired-by; a relative exp is resolved once the token is read, see
// remintRun) and the claim edits. Every mistake is a usage error.
func (fl *remintFlags) edits() (ro jwtutil.RemintOptions, rel *time.Duration, err error) {
	n := 0
	if fl.exp != "" {
		n++
		t, err := cmdutil.ParseTime(fl.exp)
		if err != nil {
			return ro, nil, cmdutil.FlagErrorf("--exp: %v", err)
		}
		ro.Exp = &t
	}
	if fl.expiresGiven {
		n++
		if fl.expiresIn < 0 {
			return ro, nil, cmdutil.FlagErrorf("--expires-in must be positive: for an exp in the past use --expired-by %s", (-fl.expiresIn).String())
		}
		d := fl.expiresIn
		rel = &d
	}
	if fl.expiredGiven {
		n++
		if fl.expiredBy < 0 {
			return ro, nil, cmdutil.FlagErrorf("--expired-by must be positive (use --expires-in for a future exp)")
		}
		d := -fl.expiredBy
		rel = &d
	}
	if n != 1 {
		return ro, nil, cmdutil.FlagErrorf("give exactly one of --exp, --expires-in or --expired-by")
	}
	for _, p := range []struct {
		flag, val string
		dst       **time.Time
	}{{"--nbf", fl.nbf, &ro.NBF}, {"--iat", fl.iat, &ro.IAT}} {
		if p.val == "" {
			continue
		}
		t, err := cmdutil.ParseTime(p.val)
		if err != nil {
			return ro, nil, cmdutil.FlagErrorf("%s: %v", p.flag, err)
		}
		*p.dst = &t
	}
	timeFlags := map[string]bool{"exp": true, "nbf": ro.NBF != nil, "iat": ro.IAT != nil}
	for _, s := range fl.set {
		name, val, ok := strings.Cut(s, "=")
		if !ok || name == "" {
			return ro, nil, cmdutil.FlagErrorf("--set %q: want CLAIM=JSON", s)
		}
		if timeFlags[name] {
			return ro, nil, cmdutil.FlagErrorf("--set %s conflicts with --%s", name, name)
		}
		if !json.Valid([]byte(val)) {
			return ro, nil, cmdutil.FlagErrorf("--set %s: %s is not JSON (strings need quotes: --set 'scopes=[\"basic\"]')", name, val)
		}
		ro.Set = append(ro.Set, jwtutil.ClaimEdit{Name: name, JSON: []byte(val)})
	}
	for _, u := range fl.unset {
		if timeFlags[u] {
			return ro, nil, cmdutil.FlagErrorf("--unset %s conflicts with the flag that sets it", u)
		}
	}
	ro.Unset = fl.unset
	return ro, rel, nil
}

func remintRun(opts *RemintOptions) error {
	now := opts.Now().UTC()
	ro, rel := opts.Edits, opts.Relative
	priv, err := loadPrivateKey(opts.IO, opts.PrivateKey, opts.PassphraseFile)
	if err != nil {
		return err
	}
	pub := &priv.PublicKey
	if pubRef := opts.PublicKey; pubRef != "" {
		if pub, err = loadPublicKey(opts.IO, pubRef); err != nil {
			return err
		}
		if !keys.SamePair(priv, pub) {
			return cmdutil.Exitf(cmdutil.ExitRefused, "the private key is not the pair of the public key %s: tokens re-minted with it would not verify on the wiki", keyLabel(pubRef))
		}
	}

	_, tok, err := readToken(opts.IO, opts.Args)
	if err != nil {
		return err
	}
	judged := now // the instant the stderr summary counts from
	if rel != nil {
		// "30s from now" is counted from now at the precision the token
		// writes: whole seconds for an integer exp (else every relative
		// remint noted that now's sub-second part was dropped), microseconds
		// for MediaWiki's floats (else it reported "expires in 29s").
		base := now.Truncate(time.Microsecond)
		if tok.TimeClaim("exp").Form == jwtutil.TimeInt {
			base = now.Truncate(time.Second)
		}
		t := base.Add(*rel)
		ro.Exp, judged = &t, base
	}
	if c := verdict.VerifySignature(tok, verdict.Options{Keys: []*rsa.PublicKey{pub}, Now: now}); !c.OK {
		if !opts.AllowUnverified {
			return cmdutil.Exitf(cmdutil.ExitSignature, "the input token does not verify (%s); re-minting it would launder a forged token: pass --allow-unverified if you mean it", c.Detail)
		}
		fmt.Fprintf(opts.IO.ErrOut, "warning: the input token does not verify (%s); re-minting anyway (--allow-unverified)\n", cmdutil.Safe(c.Detail))
	}
	out, notes, err := jwtutil.Remint(tok, priv, ro)
	if err != nil {
		return cmdutil.Exitf(cmdutil.ExitRefused, "%v", err)
	}
	for _, n := range notes {
		fmt.Fprintf(opts.IO.ErrOut, "note: %s\n", cmdutil.Safe(string(n)))
	}
	nt, err := jwtutil.Parse(out)
	if err != nil {
		return err
	}
	exp := nt.TimeClaim("exp")
	fmt.Fprintf(opts.IO.ErrOut, "re-minted: exp %s (%s, %s)\n", cmdutil.Safe(exp.Raw), jwtutil.FormatDate(exp.Date), jwtutil.RelativeDate(jwtutil.Date(judged), exp.Date, "expired", "expires"))
	for _, c := range []string{"iat", "nbf"} {
		if tc := nt.TimeClaim(c); tc.Numeric && tc.Date.After(jwtutil.Date(now)) {
			fmt.Fprintf(opts.IO.ErrOut, "note: %s is %s in the future: MediaWiki rejects the token until then (set --%s)\n", c, jwtutil.SpanDate(jwtutil.Date(now), tc.Date), c)
		}
	}
	if opts.Format == "json" {
		return writeMinted(opts.IO.Out, nt, nil)
	}
	fmt.Fprintln(opts.IO.Out, out)
	return nil
}
