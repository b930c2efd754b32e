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
	"github.com/mwoauth/mwoauth/db"
	"github.com/mwoauth/mwoauth/jwtutil"
	"github.com/mwoauth/mwoauth/mediawiki"
)

// MintOptions is everything "token mint" needs, flags checked and settings
// resolved; mintRun reads the key and signs, and never sees cobra.
type MintOptions struct {
	IO *cmdutil.IOStreams
	// Now is the instant the token is issued at (MWOAUTH_NOW pins it, so
	// QA and the docs mint reproducible tokens; a token is no wiki write).
	Now func() time.Time

	MediaWiki         mediawiki.Version
	ClientID          string
	User              int64
	Scopes            []string
	ExpiresIn         time.Duration
	ExpiresGiven      bool // --expires-in was given (an owner-only token's 1000 years otherwise)
	OwnerOnly         bool
	JTI               string
	GrantType         string
	ClientCredentials bool
	Hooks             []jwtutil.RawMember // --set CLAIM=JSON, compacted
	SubjectScope      string              // the subject-scope setting, or its default
	Issuer            string
	PrivateKey        string // the private-key setting: file, - or env:NAME
	PassphraseFile    string
	Format            string

	// --create-row: the token's oauth2_access_tokens row, written as the
	// wiki writes it. A write, so it uses the real clock (WallNow);
	// ClockPinned says MWOAUTH_NOW is set. PlanRow opens the database and
	// plans the row, WriteRow previews and writes it (or prints it,
	// --dry-run).
	Row         rowOptions
	WallNow     func() time.Time
	ClockPinned bool
	PlanRow     func() (*tokenRowPlan, error)
	WriteRow    func(p *tokenRowPlan, token string, row db.TokenRow) (int64, error)
}

// Regexps compile on first use: a one-token-per-process verify should not
// pay for patterns it never runs.
var (
	jtiRE       = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9a-f]{1,255}$`) })
	consumerKey = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9a-f]{32}$`) })
)

// NewCmdMint builds "token mint"; runF, when not nil, replaces mintRun.
func NewCmdMint(f *cmdutil.Factory, runF func(*MintOptions) error) *cobra.Command {
	opts := &MintOptions{IO: f.IO, Now: f.Now, WallNow: f.WallNow, ClockPinned: f.ClockPinned}
	var sets []string
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
			var err error
			if opts.Format, err = cmdutil.OutputFormat(cmd); err != nil {
				return err
			}
			opts.ExpiresGiven = cmd.Flags().Changed("expires-in")
			var dbs dbSettings
			if err := f.Bind(cmd, cmdutil.MediaWikiSetting(&opts.MediaWiki), cmdutil.StringSetting("subject-scope", &opts.SubjectScope),
				cmdutil.StringSetting("issuer", &opts.Issuer)); err != nil {
				return err
			}
			if opts.SubjectScope == "" {
				if err := dbs.bind(cmd, f); err != nil {
					return err
				}
			}
			if err := opts.check(cmd.Flags().Changed("user"), sets, dbs); err != nil {
				return err
			}
			if err := bindPrivateKey(cmd, f, &opts.PrivateKey, &opts.PassphraseFile); err != nil {
				return err
			}
			if err := requirePrivateKey(opts.PrivateKey); err != nil {
				return err
			}
			opts.PlanRow = func() (*tokenRowPlan, error) { return planTokenRow(cmd, f, opts, opts.Scopes) }
			opts.WriteRow = func(p *tokenRowPlan, token string, row db.TokenRow) (int64, error) {
				p.preview(f, row)
				return p.writeRow(cmd, f, &opts.Row, token, row)
			}
			return cmdutil.Pick(runF, mintRun)(opts)
		},
	}
	fl := cmd.Flags()
	addPrivateKeyFlags(cmd)
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
	fl.StringArrayVar(&sets, "set", nil, "A hook claim: `CLAIM=JSON`, e.g. 'rlc=\"authed-user\"' (repeatable; written before scopes)")
	addRowFlags(cmd, &opts.Row)
	cmdutil.AddOutputFlag(cmd, "text", "json")
	dbcmd.AddFlags(cmd)
	return cmd
}

// check validates the flags and the settings together, as the version
// mints (usage errors, exit 2), and fills the hook claims and the default
// subject scope.
func (opts *MintOptions) check(userGiven bool, sets []string, dbs dbSettings) error {
	ver := opts.MediaWiki
	r := ver.Rules()
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
	case opts.ExpiresGiven && opts.ExpiresIn == 0:
		return cmdutil.FlagErrorf("--expires-in must be positive")
	case opts.JTI != "" && !jtiRE().MatchString(opts.JTI):
		return cmdutil.FlagErrorf("--jti must be lowercase hex (an oaat_identifier)")
	case opts.GrantType != "" && !r.GrantTypeClaim:
		return cmdutil.FlagErrorf("MediaWiki %s writes no grant_type claim; drop --grant-type (or pass --mediawiki master)", ver)
	case opts.GrantType != "" && opts.OwnerOnly:
		return cmdutil.FlagErrorf("owner-only tokens carry no grant_type")
	case opts.GrantType != "" && opts.ClientCredentials && opts.GrantType != mediawiki.GrantClientCredentials:
		return cmdutil.FlagErrorf("--client-credentials tokens carry grant_type client_credentials, not %s", opts.GrantType)
	}
	switch opts.GrantType {
	case "", mediawiki.GrantAuthorizationCode, mediawiki.GrantRefreshToken, mediawiki.GrantClientCredentials:
	default:
		return cmdutil.FlagErrorf("--grant-type %s: want authorization_code, refresh_token or client_credentials", opts.GrantType)
	}
	if err := opts.Row.check(opts.Format); err != nil {
		return err
	}
	hooks, err := hookClaims(sets)
	if err != nil {
		return err
	}
	opts.Hooks = hooks
	var scopes []string
	for _, s := range opts.Scopes {
		if s = strings.TrimSpace(s); s != "" {
			scopes = append(scopes, s)
		}
	}
	opts.Scopes = scopes
	if opts.SubjectScope == "" {
		opts.SubjectScope = dbs.subjectScopeDefault()
	} else if err := checkSubjectScope(opts.SubjectScope); err != nil {
		return err
	}
	if opts.Issuer == "" {
		return cmdutil.FlagErrorf("no issuer: MediaWiki always writes iss, the central wiki's canonical server: pass --issuer https://meta.wikimedia.org, set MWOAUTH_ISSUER, or add issuer = ... to a profile")
	}
	return nil
}

func mintRun(opts *MintOptions) error {
	priv, err := loadPrivateKey(opts.IO, opts.PrivateKey, opts.PassphraseFile)
	if err != nil {
		return err
	}
	if !consumerKey().MatchString(opts.ClientID) {
		fmt.Fprintf(opts.IO.ErrOut, "warning: --client-id %q is not 32 lowercase hex characters like oarc_consumer_key\n", opts.ClientID)
	}
	now := opts.Now()
	var row *tokenRowPlan
	if opts.Row.create {
		if row, err = opts.PlanRow(); err != nil {
			return err
		}
		defer row.st.Close()
		// A row is a write: the token it is for is minted at the real
		// time too, so that the row's expiry is the token's.
		now = opts.WallNow()
		if opts.ClockPinned {
			fmt.Fprintln(opts.IO.ErrOut, opts.IO.Styles().Warn.Render("warning: MWOAUTH_NOW is set: it judges but never stamps a write; this token and its row use the real time"))
		}
	}
	mo := mediawiki.MintOptions{
		MediaWiki: opts.MediaWiki, ClientID: opts.ClientID, UserID: opts.User, SubjectScope: opts.SubjectScope, GrantType: opts.GrantType,
		ClientCredentials: opts.ClientCredentials, OwnerOnly: opts.OwnerOnly, HookClaims: opts.Hooks, Scopes: opts.Scopes,
		Issuer: opts.Issuer, JTI: opts.JTI, Now: now.UTC(),
	}
	if opts.ExpiresGiven || !opts.OwnerOnly {
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
		id, err := opts.WriteRow(row, out, r)
		if err != nil || opts.Row.dryRun {
			return err
		}
		rowJSON = row.json(r, id)
	}
	if opts.Format == "json" {
		return writeMinted(opts.IO.Out, tok, rowJSON)
	}
	fmt.Fprintln(opts.IO.Out, out)
	return nil
}

// hookClaims reads --set CLAIM=JSON: a name a hook may set and a JSON value,
// compacted as PHP's json_encode writes it. Anything else is a usage error.
func hookClaims(sets []string) ([]jwtutil.RawMember, error) {
	var out []jwtutil.RawMember
	for _, s := range sets {
		name, val, ok := strings.Cut(s, "=")
		if !ok || name == "" {
			return nil, cmdutil.FlagErrorf("--set %q: want CLAIM=JSON", s)
		}
		if err := mediawiki.CheckHookClaim(name); err != nil {
			return nil, cmdutil.FlagErrorf("--set %s: %v", name, err)
		}
		if _, p := jwtutil.ValidateJSON([]byte(val)); p != jwtutil.JSONOK {
			return nil, cmdutil.FlagErrorf("--set %s: the value is %s (strings need JSON quotes: %s='\"text\"')", name, p, name)
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, []byte(val)); err != nil {
			return nil, cmdutil.FlagErrorf("--set %s: %v", name, err)
		}
		out = append(out, jwtutil.RawMember{Name: name, JSON: buf.Bytes()})
	}
	return out, nil
}
