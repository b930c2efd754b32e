package token

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/jwtutil"
	"github.com/mwoauth/mwoauth/mediawiki"
)

type mintOptions struct {
	ClientID          string
	User              int64
	SubFormat         string
	Scopes            []string
	ExpiresIn         time.Duration
	OwnerOnly         bool
	JTI               string
	GrantType         string
	ClientCredentials bool
	Format            string
}

// Regexps compile on first use: a one-token-per-process verify should not
// pay for patterns it never runs.
var (
	jtiRE       = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9a-f]{1,255}$`) })
	consumerKey = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9a-f]{32}$`) })
)

func newCmdMint(f *cmdutil.Factory) *cobra.Command {
	opts := &mintOptions{}
	cmd := &cobra.Command{
		Use:   "mint --private-key <file> --client-id <key> (--user <id> | --client-credentials)",
		Short: "Sign a new access token shaped exactly like Extension:OAuth's",
		Long: `Mint signs a new OAuth 2 access token the way the extension does:
header {"typ":"JWT","alg":"RS256"}, claims in the order aud, jti, iat, nbf,
exp, sub, iss, custom claims, scopes, and microsecond float times.

The sub is built like AccessTokenEntity::getUserIdentifierForJwt:
--sub-format legacy (a bare central id, REL1_43), centralauth
(mw:CentralAuth::ID) or local:WIKI (mw:local:WIKI:ID, master with
LocalIdLookup). --owner-only mints the owner-only token (exp 1000 years
ahead, bare id, no grant_type); --client-credentials the anonymous
client_credentials token of a normal client (sub "").

MediaWiki only accepts a minted token whose jti has an oauth2_access_tokens
row that is not revoked: pass the jti of an existing row with --jti, or the
wiki answers "Access token has been revoked". The default jti is 80 random
lowercase hex characters.

The private key comes from --private-key FILE, - (stdin), MWOAUTH_PRIVATE_KEY
or the profile's private-key. Only the token is printed; --output json
prints {"token", "header", "claims", "exp"} (exp as RFC 3339 UTC).`,
		Example: `  mwoauth token mint --private-key oauth2-private.pem --client-id 5096568cc6652b5ad36358427f1bd60c --client-credentials --scopes basic,editpage
  mwoauth token mint --private-key oauth2-private.pem --client-id 42653efaec3897c4b8f6f93d2a4dd405 --user 1 --owner-only --issuer http://127.0.0.1:8089
  mwoauth token mint --private-key oauth2-private.pem --client-id 2e33175180a0c30649b032b29fd807a5 --user 3 --sub-format centralauth --grant-type authorization_code --expires-in 4h`,
		Args: cmdutil.Args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := cmdutil.OutputFormat(cmd, "text", "json")
			if err != nil {
				return err
			}
			opts.Format = format
			return runMint(cmd, f, opts)
		},
	}
	fl := cmd.Flags()
	fl.String("private-key", "", "RSA private key `file`, or - for stdin (env MWOAUTH_PRIVATE_KEY, profile private-key)")
	fl.StringVar(&opts.ClientID, "client-id", "", "Consumer key, the aud claim")
	fl.Int64Var(&opts.User, "user", 0, "Central user `id` for sub")
	fl.StringVar(&opts.SubFormat, "sub-format", "legacy", "sub `format`: legacy, centralauth or local:WIKI")
	fl.StringSliceVar(&opts.Scopes, "scopes", []string{"basic"}, "Grants for the scopes claim, comma-separated")
	fl.DurationVar(&opts.ExpiresIn, "expires-in", time.Hour, "Lifetime, like $wgOAuth2GrantExpirationInterval (PT1H)")
	fl.String("issuer", "", "iss, the central wiki's canonical server (env MWOAUTH_ISSUER, profile issuer)")
	fl.BoolVar(&opts.OwnerOnly, "owner-only", false, "Mint the owner-only token: exp 1000 years ahead, bare sub")
	fl.StringVar(&opts.JTI, "jti", "", "jti, the oaat_identifier of the token row (default: 80 random hex)")
	fl.StringVar(&opts.GrantType, "grant-type", "", "Add a grant_type claim (master adds authorization_code, refresh_token or client_credentials)")
	fl.BoolVar(&opts.ClientCredentials, "client-credentials", false, "Mint a client_credentials token of a normal client: sub \"\"")
	cmdutil.AddOutputFlag(cmd, "text", "json")
	return cmd
}

func runMint(cmd *cobra.Command, f *cmdutil.Factory, opts *mintOptions) error {
	switch {
	case opts.ClientID == "":
		return cmdutil.FlagErrorf("--client-id is required (the consumer key, the token's aud)")
	case opts.ClientCredentials && opts.OwnerOnly:
		return cmdutil.FlagErrorf("--client-credentials and --owner-only exclude each other: the owner-only token carries its owner's id")
	case opts.ClientCredentials && cmd.Flags().Changed("user"):
		return cmdutil.FlagErrorf("--client-credentials tokens carry no user (sub \"\"); drop --user")
	case !opts.ClientCredentials && !cmd.Flags().Changed("user"):
		return cmdutil.FlagErrorf("--user is required (the central user id), or pass --client-credentials")
	case opts.User < 0:
		return cmdutil.FlagErrorf("--user must be a positive central user id")
	case opts.OwnerOnly && cmd.Flags().Changed("expires-in"):
		return cmdutil.FlagErrorf("--owner-only tokens always expire 1000 years ahead; drop --expires-in")
	case opts.ExpiresIn <= 0:
		return cmdutil.FlagErrorf("--expires-in must be positive")
	case opts.JTI != "" && !jtiRE().MatchString(opts.JTI):
		return cmdutil.FlagErrorf("--jti must be lowercase hex (an oaat_identifier)")
	case opts.OwnerOnly && opts.GrantType != "":
		return cmdutil.FlagErrorf("owner-only tokens carry no grant_type")
	}
	sf := opts.SubFormat
	if sf != mediawiki.SubLegacy && sf != mediawiki.SubCentralAuth && !(strings.HasPrefix(sf, "local:") && len(sf) > len("local:")) {
		return cmdutil.FlagErrorf("--sub-format %q: want legacy, centralauth or local:WIKI", sf)
	}
	var scopes []string
	for _, s := range opts.Scopes {
		if s = strings.TrimSpace(s); s != "" {
			scopes = append(scopes, s)
		}
	}
	issuer, err := f.Setting(cmd, "issuer")
	if err != nil {
		return err
	}
	keyRef, err := privateKeySetting(cmd, f)
	if err != nil {
		return err
	}
	priv, err := loadPrivateKey(f.IO, keyRef)
	if err != nil {
		return err
	}
	if !consumerKey().MatchString(opts.ClientID) {
		fmt.Fprintf(f.IO.ErrOut, "warning: --client-id %q is not 32 lowercase hex characters like oarc_consumer_key\n", opts.ClientID)
	}
	out, err := mediawiki.Mint(priv, mediawiki.MintOptions{
		ClientID: opts.ClientID, UserID: opts.User, SubFormat: sf, Scopes: scopes, ExpiresIn: opts.ExpiresIn,
		Issuer: issuer, OwnerOnly: opts.OwnerOnly, ClientCredentials: opts.ClientCredentials, JTI: opts.JTI,
		GrantType: opts.GrantType, Now: f.Now().UTC(),
	})
	if err != nil {
		return cmdutil.Exitf(cmdutil.ExitFailure, "mint: %v", err)
	}
	if opts.Format == "json" {
		tok, err := jwtutil.Parse(out)
		if err != nil {
			return err
		}
		return writeMinted(f.IO.Out, tok)
	}
	fmt.Fprintln(f.IO.Out, out)
	return nil
}
