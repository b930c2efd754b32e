package token

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/commands/dbcmd"
	"github.com/mwoauth/mwoauth/jwtutil"
	"github.com/mwoauth/mwoauth/mediawiki"
)

type mintOptions struct {
	ClientID          string
	User              int64
	Scopes            []string
	ExpiresIn         time.Duration
	OwnerOnly         bool
	JTI               string
	GrantType         string
	ClientCredentials bool
	Set               []string
	Format            string
	Row               rowOptions
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
		Use:   "mint --private-key <file> --client-id <key> --issuer <url> (--user <id> | --client-credentials)",
		Short: "Sign a new access token shaped exactly as Extension:OAuth issues it",
		Long: `Mint signs a new OAuth 2 access token the way the MediaWiki version
--mediawiki names issues it (master by default, what Wikimedia runs):
header {"typ":"JWT","alg":"RS256"}, microsecond float times, and the claims
in the version's order:

  master  aud, jti, iat, nbf, exp, sub, iss, grant_type, hook claims, scopes
  1.43    aud, jti, iat, nbf, exp, sub, iss, hook claims, scopes

--user ID is the central user id the token is for. On master sub is
mw:<scope>:<id> for every token but owner-only ones, the scope being the
wiki's CentralIdLookup scope: --subject-scope (setting subject-scope),
CentralAuth: by default as on Wikimedia, or, when a wiki database is
configured without a CentralAuth one, core's local:<wiki id> (the database
name, -<prefix> with a table prefix). On 1.43 and 1.45 sub is the bare id.

--client-credentials mints the client_credentials token of a normal client:
on master its sub is the client owner's mw: id (pass the owner as --user),
although MediaWiki runs its requests anonymously (its token row's acceptance
is 0); on 1.43 its sub is "". --owner-only mints a token of an owner-only
client: bare sub, no grant_type, and exp 1000 years ahead (the registration
token) unless --expires-in gives the lifetime (its client_credentials
tokens last $wgOAuth2GrantExpirationInterval, 1h by default).

--grant-type is the grant_type claim master writes (authorization_code by
default, refresh_token, client_credentials). --set CLAIM=JSON adds a claim a
hook adds (Wikimedia: rlc '"authed-user"', ratelimit
'{"requests_per_unit":5000,"unit":"HOUR"}'), in the order given, before
scopes, as ClaimStore does; registered claims and scopes cannot be set.

iss is always written: --issuer, MWOAUTH_ISSUER or the profile's issuer
(the central wiki's canonical server). MediaWiki only accepts a minted token
whose jti has an oauth2_access_tokens row that is not revoked: pass the jti
of an existing row with --jti, or write the row with --create-row (below),
or the wiki answers "Access token has been revoked". The default jti is 80
random lowercase hex characters.

The private key comes from --private-key FILE, - (stdin), MWOAUTH_PRIVATE_KEY
or the profile's private-key. Only the token is printed; --output json
prints {"token", "header", "claims", "exp"} (exp as RFC 3339 UTC), and with
--create-row "token_row": {"database", "target", "jti", "expires",
"acceptance_id", "oaat_id", "acceptance"}.` + rowHelp,
		Example: `  mwoauth token mint --private-key oauth2-private.pem --issuer https://meta.wikimedia.org --client-id 2e33175180a0c30649b032b29fd807a5 --user 3 --expires-in 4h
  mwoauth token mint --private-key oauth2-private.pem --issuer https://meta.wikimedia.org --client-id 5096568cc6652b5ad36358427f1bd60c --client-credentials --user 1 --set 'rlc="authed-user"'
  mwoauth token mint --private-key oauth2-private.pem --issuer http://127.0.0.1:8089 --client-id 42653efaec3897c4b8f6f93d2a4dd405 --user 1 --owner-only
  mwoauth token mint --mediawiki 1.43 --private-key oauth2-private.pem --issuer http://127.0.0.1:8089 --client-id 5096568cc6652b5ad36358427f1bd60c --client-credentials --scopes basic,editpage
  mwoauth token mint --client-id 6b0f3e2a9c8d7e6f5a4b3c2d1e0f9a8b --user 4 --scopes basic,editpage --create-row > alice.jwt
  mwoauth token mint --client-id 6b0f3e2a9c8d7e6f5a4b3c2d1e0f9a8b --user 4 --create-row --dry-run`,
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
	cmdutil.AddPassphraseFlag(cmd)
	fl.StringVar(&opts.ClientID, "client-id", "", "Consumer key, the aud claim")
	fl.Int64Var(&opts.User, "user", 0, "Central user `id` the token is for (with --client-credentials: the client's owner)")
	fl.String("subject-scope", "", "CentralIdLookup `scope` of a mw: sub (default CentralAuth:, or local:<wiki id> with a database and no CentralAuth one)")
	fl.StringSliceVar(&opts.Scopes, "scopes", []string{"basic"}, "Grants for the scopes claim, comma-separated")
	fl.Var(newSpanValue(&opts.ExpiresIn, time.Hour), "expires-in", "Lifetime like $wgOAuth2GrantExpirationInterval: 1h (PT1H), 4h, 1d, 2d3h; owner-only: 1000 years unless given")
	fl.String("issuer", "", "iss, the central wiki's canonical server (env MWOAUTH_ISSUER, profile issuer)")
	fl.BoolVar(&opts.OwnerOnly, "owner-only", false, "A token of an owner-only client: bare sub, no grant_type, exp 1000 years ahead unless --expires-in")
	fl.StringVar(&opts.JTI, "jti", "", "jti, the oaat_identifier of the token row (default: 80 random hex)")
	fl.StringVar(&opts.GrantType, "grant-type", "", "The grant_type claim on master: authorization_code (default), refresh_token or client_credentials")
	fl.BoolVar(&opts.ClientCredentials, "client-credentials", false, "A client_credentials token of a normal client (master: sub is the owner's, whom --user names; 1.43: sub \"\")")
	fl.StringArrayVar(&opts.Set, "set", nil, "A hook claim: `CLAIM=JSON`, e.g. 'rlc=\"authed-user\"' (repeatable; written before scopes)")
	addRowFlags(cmd, &opts.Row)
	cmdutil.AddOutputFlag(cmd, "text", "json")
	dbcmd.AddFlags(cmd)
	return cmd
}

func runMint(cmd *cobra.Command, f *cmdutil.Factory, opts *mintOptions) error {
	ver, err := f.MediaWiki(cmd)
	if err != nil {
		return err
	}
	r := ver.Rules()
	userGiven := cmd.Flags().Changed("user")
	expiresGiven := cmd.Flags().Changed("expires-in")
	switch {
	case opts.ClientID == "":
		return cmdutil.FlagErrorf("--client-id is required (the consumer key, the token's aud)")
	case opts.ClientCredentials && opts.OwnerOnly:
		return cmdutil.FlagErrorf("--client-credentials and --owner-only exclude each other: a client is either normal or owner-only")
	case opts.ClientCredentials && userGiven && !r.ClientCredentialsOwnerSub:
		return cmdutil.FlagErrorf("MediaWiki %s writes an empty sub in client_credentials tokens of normal clients; drop --user", ver)
	case opts.ClientCredentials && !userGiven && r.ClientCredentialsOwnerSub:
		return cmdutil.FlagErrorf("MediaWiki %s writes the client owner's id in client_credentials tokens: pass --user OWNER_ID", ver)
	case !opts.ClientCredentials && !userGiven:
		return cmdutil.FlagErrorf("--user is required (the central user id), or pass --client-credentials")
	case opts.User < 0 || userGiven && opts.User == 0:
		return cmdutil.FlagErrorf("--user must be a positive central user id")
	case opts.ExpiresIn < 0:
		return cmdutil.FlagErrorf("--expires-in must be positive: mint issues tokens valid from now; for an expired one use mwoauth token remint --expired-by %s", (-opts.ExpiresIn).String())
	case expiresGiven && opts.ExpiresIn == 0:
		return cmdutil.FlagErrorf("--expires-in must be positive")
	case opts.JTI != "" && !jtiRE().MatchString(opts.JTI):
		return cmdutil.FlagErrorf("--jti must be lowercase hex (an oaat_identifier)")
	case opts.GrantType != "" && !r.GrantTypeClaim:
		return cmdutil.FlagErrorf("MediaWiki %s writes no grant_type claim; drop --grant-type (or pass --mediawiki master)", ver)
	case opts.GrantType != "" && opts.OwnerOnly:
		return cmdutil.FlagErrorf("owner-only tokens carry no grant_type")
	case opts.GrantType != "" && opts.ClientCredentials && opts.GrantType != mediawiki.GrantClientCredentials:
		return cmdutil.FlagErrorf("--client-credentials tokens carry grant_type client_credentials, not %s", cmdutil.Safe(opts.GrantType))
	}
	switch opts.GrantType {
	case "", mediawiki.GrantAuthorizationCode, mediawiki.GrantRefreshToken, mediawiki.GrantClientCredentials:
	default:
		return cmdutil.FlagErrorf("--grant-type %s: want authorization_code, refresh_token or client_credentials", cmdutil.Safe(opts.GrantType))
	}
	if err := opts.Row.check(opts.Format); err != nil {
		return err
	}
	hooks, err := hookClaims(opts.Set)
	if err != nil {
		return err
	}
	var scopes []string
	for _, s := range opts.Scopes {
		if s = strings.TrimSpace(s); s != "" {
			scopes = append(scopes, s)
		}
	}
	scope, err := f.Setting(cmd, "subject-scope")
	if err != nil {
		return err
	}
	if scope == "" {
		if scope, err = subjectScopeDefault(cmd, f); err != nil {
			return err
		}
	} else if !mediawiki.ValidScope(scope) {
		return cmdutil.FlagErrorf("--subject-scope %q: want a CentralIdLookup scope such as CentralAuth: or local:metawiki", cmdutil.Safe(scope))
	}
	issuer, err := f.Setting(cmd, "issuer")
	if err != nil {
		return err
	}
	if issuer == "" {
		return cmdutil.FlagErrorf("no issuer: MediaWiki always writes iss, the central wiki's canonical server: pass --issuer https://meta.wikimedia.org, set MWOAUTH_ISSUER, or add issuer = ... to a profile")
	}
	keyRef, err := privateKeySetting(cmd, f)
	if err != nil {
		return err
	}
	priv, err := loadPrivateKey(cmd, f, keyRef)
	if err != nil {
		return err
	}
	if !consumerKey().MatchString(opts.ClientID) {
		fmt.Fprintf(f.IO.ErrOut, "warning: --client-id %q is not 32 lowercase hex characters like oarc_consumer_key\n", cmdutil.Safe(opts.ClientID))
	}
	now := f.Now()
	var row *tokenRowPlan
	if opts.Row.create {
		if row, err = planTokenRow(cmd, f, opts, scopes); err != nil {
			return err
		}
		defer row.st.Close()
		// A row is a write: the token it is for is minted at the real
		// time too, so that the row's expiry is the token's.
		now = f.WallNow()
		if f.ClockPinned {
			fmt.Fprintln(f.IO.ErrOut, f.IO.Styles().Warn.Render("warning: MWOAUTH_NOW is set: it judges but never stamps a write; this token and its row use the real time"))
		}
	}
	mo := mediawiki.MintOptions{
		MediaWiki: ver, ClientID: opts.ClientID, UserID: opts.User, SubjectScope: scope, GrantType: opts.GrantType,
		ClientCredentials: opts.ClientCredentials, OwnerOnly: opts.OwnerOnly, HookClaims: hooks, Scopes: scopes,
		Issuer: issuer, JTI: opts.JTI, Now: now.UTC(),
	}
	if expiresGiven || !opts.OwnerOnly {
		mo.ExpiresIn = opts.ExpiresIn
	}
	out, err := mediawiki.Mint(priv, mo)
	if err != nil {
		return cmdutil.Exitf(cmdutil.ExitFailure, "mint: %v", err)
	}
	tok, err := jwtutil.Parse(out)
	if err != nil {
		return err
	}
	var rowJSON *tokenRowJSON
	if row != nil {
		r, err := row.rowOf(tok)
		if err != nil {
			return err
		}
		row.preview(f, r)
		id, err := row.writeRow(cmd, f, &opts.Row, out, r)
		if err != nil || opts.Row.dryRun {
			return err
		}
		rowJSON = row.json(r, id)
	}
	if opts.Format == "json" {
		return writeMinted(f.IO.Out, tok, rowJSON)
	}
	fmt.Fprintln(f.IO.Out, out)
	return nil
}

// hookClaims reads --set CLAIM=JSON: a name a hook may set and a JSON value,
// compacted as PHP's json_encode writes it. Anything else is a usage error.
func hookClaims(sets []string) ([]jwtutil.RawMember, error) {
	var out []jwtutil.RawMember
	for _, s := range sets {
		name, val, ok := strings.Cut(s, "=")
		if !ok || name == "" {
			return nil, cmdutil.FlagErrorf("--set %q: want CLAIM=JSON", cmdutil.Safe(s))
		}
		if err := mediawiki.CheckHookClaim(name); err != nil {
			return nil, cmdutil.FlagErrorf("--set %s: %v", cmdutil.Safe(name), err)
		}
		if _, p := jwtutil.ValidateJSON([]byte(val)); p != jwtutil.JSONOK {
			return nil, cmdutil.FlagErrorf("--set %s: the value is %s (strings need JSON quotes: %s='\"text\"')", cmdutil.Safe(name), p, cmdutil.Safe(name))
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, []byte(val)); err != nil {
			return nil, cmdutil.FlagErrorf("--set %s: %v", cmdutil.Safe(name), err)
		}
		out = append(out, jwtutil.RawMember{Name: name, JSON: buf.Bytes()})
	}
	return out, nil
}
