package token

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/commands/dbcmd"
	"github.com/mwoauth/mwoauth/jwtutil"
	"github.com/mwoauth/mwoauth/mediawiki"
	"github.com/mwoauth/mwoauth/verdict"
)

// VerifyOptions is everything "token verify" needs: the settings resolved,
// nothing read yet. verifyRun never sees cobra.
type VerifyOptions struct {
	IO *cmdutil.IOStreams
	// Now is the clock tokens are judged at (MWOAUTH_NOW pins it).
	Now func() time.Time
	wikiReader

	Args []string // the token: TOKEN, - or @FILE; none reads stdin
	keyFlags
	Audience   string
	EnvoySkew  time.Duration
	RequestURI string
	Format     string
}

// NewCmdVerify builds "token verify"; runF, when not nil, replaces
// verifyRun (tests of flag parsing).
func NewCmdVerify(f *cmdutil.Factory, runF func(*VerifyOptions) error) *cobra.Command {
	opts := &VerifyOptions{IO: f.IO, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "verify [<token> | - | @file] (--public-key <file> | --jwks <file> | --secret-file <file>)",
		Short: "Check a token and predict what MediaWiki and Envoy answer",
		Long: `Verify checks a token's signature (RS256 only unless --alg says otherwise),
its times (iat, nbf, exp; zero leeway like MediaWiki unless --leeway), and
optionally its issuer and audience, and reports every failing check at once.

It then explains what the wiki and a gateway would answer:

  MediaWiki (zero leeway, RS256): the Action API answers HTTP 200 with
  MediaWiki-API-Error: mwoauth-invalid-authorization, "The authorization
  headers in your request are not valid: Invalid access token", for every
  token problem; rest.php/oauth2/resource/profile answers 401 access_denied
  with hint "Access token could not be verified" or "Access token has been
  revoked"; a disabled consumer gives mwoauth-invalid-authorization-not-approved
  naming the consumer.

  Envoy jwt_authn (clock skew --envoy-skew, default 60 s; times truncated to
  whole seconds; checks issuer, then time, then audience, then signature):
  the exact reason ("Jwt is expired", "Jwt verification fails", ...), the
  status (401, or 403 for a wrong audience) and the WWW-Authenticate header.

  A timeline: MediaWiki rejects from exp, the gateway from exp + skew.

Keys: --public-key takes what $wgOAuth2PublicKey takes: a path, a file://
path, or PEM text (PKIX, PKCS#1 or a certificate; stray whitespace is fine),
from the flag, MWOAUTH_PUBLIC_KEY or the profile's public-key. --jwks takes a
JWKS file (keys matched by kid like Envoy). --secret-file is for HS256 (OAuth 1
identify JWTs), must be asked for with --alg HS256, and must not hold a PEM
key: HMAC is never computed with a public key. A trailing newline in the
secret file is ignored. alg "none" is never accepted.

MediaWiki's verdict follows the version --mediawiki names (master by
default, what Wikimedia runs; 1.45 and 1.43 on request): its parser
(lcobucci/jwt 5 on master, 4 on 1.43) and exact reason texts, master's
subject-scope check (with --subject-scope), and who the request runs as.

With a database configured (--db, MWOAUTH_DB or the profile's db), verify also
reads what MediaWiki reads: the jti's oauth2_access_tokens row (missing or
revoked: MediaWiki treats the token as revoked), the acceptance it names (0:
a client_credentials token of a normal client, which runs anonymously
whatever its sub says), that acceptance's user (missing, locked, blocked),
and the consumer, whose usability is judged for that user. --wiki names the
wiki answering, so consumers and acceptances of another wiki are refused;
--static-app KEY says $wgOAuthStaticApps configures a stage-5 consumer.
Without a database, the user is a guess from sub and the report says so.

On failure the report still goes to stdout (for a malformed token too:
MediaWiki's parser and Envoy answer every request, so their answers to the
same bytes are shown), one line goes to stderr, and the exit status names
the most fundamental failure:
3 malformed, 4 signature (wrong key, disallowed alg, tampered),
5 expired, 6 not yet valid, 7 issuer/audience, 8 wiki state.`,
		Example: `  mwoauth token verify @token.jwt --public-key /etc/mediawiki/oauth2-public.pem
  mwoauth token verify "$TOKEN" --public-key file:///etc/mediawiki/oauth2-public.pem --at 2026-11-22T10:00:00Z
  mwoauth token verify @token.jwt --jwks jwks.json --issuer https://meta.wikimedia.org --audience 5096568cc6652b5ad36358427f1bd60c
  mwoauth token verify @identify.jwt --alg HS256 --secret-file consumer-secret.txt
  mwoauth token verify @token.jwt --public-key oauth2-public.pem --db sqlite:wiki.sqlite
  mwoauth token verify @token.jwt --public-key oauth2-public.pem --mediawiki 1.43
  mwoauth token verify @token.jwt --public-key oauth2-public.pem --subject-scope CentralAuth: --output json | jq .verdicts.mediawiki.user
  mwoauth token verify @token.jwt --public-key oauth2-public.pem --output json | jq .verdicts.envoy`,
		Args: cmdutil.Args(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Format, err = cmdutil.OutputFormat(cmd); err != nil {
				return err
			}
			if opts.EnvoySkew < 0 {
				return cmdutil.FlagErrorf("--envoy-skew cannot be negative")
			}
			if err := opts.keyFlags.bind(cmd, f); err != nil {
				return err
			}
			if err := f.Bind(cmd, cmdutil.StringSetting("audience", &opts.Audience)); err != nil {
				return err
			}
			if err := opts.wikiReader.bind(cmd, f); err != nil {
				return err
			}
			opts.Args = args
			return cmdutil.Pick(runF, verifyRun)(opts)
		},
	}
	opts.keyFlags.addFlags(cmd)
	fl := cmd.Flags()
	fl.String("audience", "", "Expected aud: the consumer key (env MWOAUTH_AUDIENCE, profile audience)")
	addEnvoySkewFlag(cmd, &opts.EnvoySkew, "for the Envoy verdict")
	fl.StringVar(&opts.RequestURI, "request-uri", "", "Original request `URI`, for the realm of Envoy's WWW-Authenticate")
	opts.wikiReader.addFlags(cmd)
	cmdutil.AddOutputFlag(cmd, "text", "json")
	dbcmd.AddFlags(cmd)
	return cmd
}

type verifyJSON struct {
	Valid     bool                 `json:"valid"`
	ExitCode  int                  `json:"exit_code"`
	Class     jwtutil.Class        `json:"class"`
	Error     string               `json:"error,omitempty"`
	JudgedAt  string               `json:"judged_at"`
	MediaWiki mediawiki.Version    `json:"mediawiki_version"`
	Token     *verifyTokenJSON     `json:"token,omitempty"`
	Checks    []verdict.Check      `json:"checks"`
	Verdicts  verdictsJSON         `json:"verdicts"`
	Gateway   *mediawiki.Gateway   `json:"gateway,omitempty"`
	Timeline  verdict.Timeline     `json:"timeline"`
	Database  *databaseJSON        `json:"database,omitempty"`
	WikiState *mediawiki.WikiState `json:"wiki_state,omitempty"`
	Options   map[string]any       `json:"options"`
}

type verifyTokenJSON struct {
	Kind        string            `json:"kind"`
	Alg         string            `json:"alg"`
	ConsumerKey string            `json:"consumer_key"`
	Subject     mediawiki.Subject `json:"subject"`
	JTI         string            `json:"jti,omitempty"`
}

type verdictsJSON struct {
	MediaWiki mediawiki.Verdict     `json:"mediawiki"`
	Envoy     *verdict.EnvoyVerdict `json:"envoy,omitempty"`
}

func verifyRun(opts *VerifyOptions) error {
	now, err := instantAt(opts.Now, opts.At)
	if err != nil {
		return err
	}
	w := opts.Wiki
	vo := verdict.Options{Now: now, Audience: opts.Audience, RequestURI: opts.RequestURI, EnvoySkew: opts.EnvoySkew,
		MediaWiki: w.Version, SubjectScope: w.SubjectScope, WikiID: w.WikiID, StaticApps: w.StaticApps}
	stdinUser := ""
	if tokenFromStdin(opts.Args) {
		stdinUser = "token"
	}
	if err := opts.load(opts.IO, &vo, stdinUser); err != nil {
		return err
	}
	rep := &verifyReport{vo: vo, options: map[string]any{"algs": vo.Algs, "leeway": opts.Leeway.String(), "envoy_skew": opts.EnvoySkew.String(),
		"issuer": vo.Issuer, "audience": vo.Audience, "subject_scope": vo.SubjectScope, "wiki": vo.WikiID, "static_apps": vo.StaticApps}}

	raw, tok, err := readToken(opts.IO, opts.Args)
	if err != nil {
		if !malformedRaw(raw, err) {
			return err
		}
		// Bytes mwoauth cannot parse still get a report, saying why,
		// with MediaWiki's and Envoy's own answers to the same bytes.
		rep.res, rep.err = verdict.Malformed(raw, err, vo), err
	} else {
		var dbInfo *databaseJSON
		if vo.WikiState, dbInfo, err = opts.readState(tok); err != nil {
			return err
		}
		rep.vo, rep.tok, rep.db = vo, tok, dbInfo
		rep.res = verdict.Verify(tok, vo)
		rep.ex = mediawiki.Explain(tok, now, vo.Rules())
	}
	rep.res.Envoy.Note = joinNotes(rep.res.Envoy.Note, envoySkewNote(opts.EnvoySkew))
	rep.code = cmdutil.ClassExitCode(rep.res.Class)
	if opts.Format == "json" {
		if err := cmdutil.WriteJSON(opts.IO.Out, rep.json()); err != nil {
			return err
		}
	} else if err := writeText(opts.IO, rep.print); err != nil {
		return err
	}
	switch {
	case rep.err != nil:
		return rep.err
	case rep.res.Valid:
		return nil
	}
	return cmdutil.Exit(rep.code, errors.New(rep.failLine()))
}

// verifyReport is one token judged: the token (nil when mwoauth could not
// parse it, err saying why), what the database said, and the verdicts.
type verifyReport struct {
	tok     *jwtutil.Token
	err     error
	ex      *mediawiki.Explanation
	res     *verdict.Result
	vo      verdict.Options
	code    int
	db      *databaseJSON
	options map[string]any
}

func (r *verifyReport) failLine() string {
	if fc := r.res.Failure(); fc != nil {
		return fc.Detail
	}
	return ""
}

func (r *verifyReport) json() verifyJSON {
	out := verifyJSON{
		Valid: r.res.Valid, ExitCode: r.code, Class: r.res.Class, Error: r.failLine(), JudgedAt: jwtutil.FormatUTC(r.vo.Now),
		MediaWiki: r.vo.MediaWiki, Checks: r.res.Checks,
		Verdicts: verdictsJSON{MediaWiki: r.res.MediaWiki, Envoy: &r.res.Envoy},
		Timeline: r.res.Timeline, Database: r.db, WikiState: r.vo.WikiState, Options: r.options,
	}
	if r.err != nil {
		out.Error = r.err.Error()
	}
	if r.tok != nil {
		ex := r.ex
		out.Token = &verifyTokenJSON{Kind: ex.Kind, Alg: r.tok.Alg(), ConsumerKey: ex.ConsumerKey, Subject: ex.Subject, JTI: ex.JTI}
		out.Gateway = &ex.Gateway
	}
	return out
}

func (r *verifyReport) print(w io.Writer, st *cmdutil.Styles) {
	tok, ex, res, vo, code := r.tok, r.ex, r.res, r.vo, r.code
	section := func(name string) { fmt.Fprintln(w, st.Bold.Render(name)) }
	kv := func(k, v string) { fmt.Fprintf(w, "  %s  %s\n", st.Key.Render(pad(k, 16)), v) }

	// Claims are attacker-controlled: every string from the token goes
	// through cmdutil.Safe on its way to the terminal.
	if tok != nil {
		sub := ex.Subject.Format
		if ex.Subject.Raw != "" {
			sub = fmt.Sprintf("%s (%s)", cmdutil.Safe(ex.Subject.Raw), ex.Subject.Format)
		}
		fmt.Fprintf(w, "%s  %s\n", st.Bold.Render(pad("Token", 9)), cmdutil.Safe(ex.KindLabel))
		fmt.Fprintf(w, "%s  consumer %s, sub %s, alg %s\n", pad("", 9), cmdutil.Safe(orDash(ex.ConsumerKey)), cmdutil.Safe(sub), cmdutil.Safe(orDash(tok.Alg())))
	} else {
		fmt.Fprintf(w, "%s  %s\n", st.Bold.Render(pad("Token", 9)), "not a JWT mwoauth can read")
	}
	fmt.Fprintf(w, "%s  %s\n", st.Bold.Render(pad("Judged at", 9)), jwtutil.FormatUTC(vo.Now))
	if r.db != nil {
		fmt.Fprintf(w, "%s  %s\n", st.Bold.Render(pad("Database", 9)), cmdutil.Safe(r.db.text()))
	}
	if res.Valid {
		fmt.Fprintf(w, "%s  %s\n", st.Bold.Render(pad("Result", 9)), st.OK.Render("VALID"))
	} else {
		fmt.Fprintf(w, "%s  %s\n", st.Bold.Render(pad("Result", 9)), st.Err.Render(fmt.Sprintf("INVALID: %s (exit %d)", res.Class, code)))
	}
	fmt.Fprintln(w)

	section("Checks")
	for _, c := range res.Checks {
		mark := st.OK.Render("✓")
		if !c.OK {
			mark = st.Err.Render("✗")
		}
		fmt.Fprintf(w, "  %s %s  %s\n", mark, st.Key.Render(pad(c.Name, 9)), cmdutil.Safe(c.Detail))
	}
	fmt.Fprintln(w)

	printMediaWiki(w, st, &res.MediaWiki, kv)
	fmt.Fprintln(w)
	if ex != nil {
		printGateway(w, st, &ex.Gateway, kv)
	}
	printEnvoy(w, st, &res.Envoy, kv)

	if len(res.Timeline) > 0 {
		fmt.Fprintln(w)
		section("Timeline")
		for _, e := range res.Timeline {
			line := fmt.Sprintf("  %s  %s", pad(e.UTC, 27), cmdutil.Safe(e.Event))
			if strings.HasPrefix(e.Event, "now") {
				line = st.Bold.Render(line)
			}
			fmt.Fprintln(w, line)
		}
	}
}

// addEnvoySkewFlag registers --envoy-skew, the gateway's clock_skew_seconds.
func addEnvoySkewFlag(cmd *cobra.Command, d *time.Duration, what string) {
	cmd.Flags().DurationVar(d, "envoy-skew", verdict.DefaultEnvoySkew, "The gateway's clock_skew_seconds, "+what+
		" (whole seconds; Envoy reads 0, or less than 1s, as its default 60s: it has no zero skew)")
}

// envoySkewNote explains an --envoy-skew Envoy reads as its default.
func envoySkewNote(d time.Duration) string {
	if d >= time.Second {
		return ""
	}
	return fmt.Sprintf("--envoy-skew %s: Envoy reads a clock_skew_seconds of 0 (or below one second) as its default, 60 s; it has no zero skew", d)
}

func joinNotes(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}
