package token

import (
	"bufio"
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/envoy"
	"github.com/mwoauth/mwoauth/jwtutil"
	"github.com/mwoauth/mwoauth/jwtutil/keys"
	"github.com/mwoauth/mwoauth/mediawiki"
	"github.com/mwoauth/mwoauth/probe"
	"github.com/mwoauth/mwoauth/verdict"
)

// ProbeOptions are the settings of "token probe", resolved.
type ProbeOptions struct {
	IO *cmdutil.IOStreams
	// Now is the judging clock of a single probe (MWOAUTH_NOW pins it, so
	// a recorded answer can be judged at the instant it was recorded).
	Now func() time.Time
	// Clock is what --expiry re-mints by and waits on: the real clock, or
	// a test clock whose Sleep moves its Now.
	Clock probe.Clock
	Ctx   context.Context

	URL            string
	Args           []string // the token: TOKEN, - or @FILE; none reads stdin
	Endpoint       probe.Endpoint
	Yes            bool
	Insecure       bool
	ConnectTimeout time.Duration
	ReadTimeout    time.Duration
	EnvoySkew      time.Duration
	Format         string

	MediaWiki        mediawiki.Version // whose rules predict the wiki's answer
	Issuer, Audience string            // the gateway's provider, when known
	PublicKeyRef     string            // the public-key setting; "": signatures not checked by the prediction
	PrivateKeyRef    string            // the private-key setting (--expiry only)
	PassphraseFile   string

	// AnswerFile is a captured answer to judge instead of sending the token.
	AnswerFile string

	Expiry    bool
	ExpiresIn time.Duration

	// What probeRun reads first: the token and the keys.
	Token      *jwtutil.Token
	PublicKey  *rsa.PublicKey  // nil: signatures not checked by the prediction
	PrivateKey *rsa.PrivateKey // --expiry only
}

// NewCmdProbe builds "token probe". runF replaces the run (tests).
func NewCmdProbe(f *cmdutil.Factory, runF func(*ProbeOptions) error) *cobra.Command {
	opts := &ProbeOptions{IO: f.IO, Now: f.Now, Clock: probe.RealClock{}}
	var endpoint string
	cmd := &cobra.Command{
		Use:   "probe <url> [<token> | - | @file]",
		Short: "Send the token to a wiki and compare the real answer with the prediction",
		Long: `Probe sends one request carrying the token (Authorization: Bearer) to a
wiki, or the gateway in front of it, and reports who answered, as whom the
request ran, the error, and what a client should do about it. It then
compares the answer with what "token verify" predicts for the same token at
the same instant, and shows a mismatch first: that is the finding.

URL is the wiki's base (https://wiki/ means its script path /w;
https://wiki/w/, .../w/api.php and .../w/rest.php name it), which gets the
--endpoint's route, or a full api.php?... or rest.php/... URL, used as given:
  action        api.php?action=query&meta=userinfo&format=json (default)
  rest-profile  rest.php/oauth2/resource/profile (Extension:OAuth)
  rest          rest.php/v1/page/Main_Page/bare (core REST)

Who answered (answered_by):
  mediawiki-action-api  a MediaWiki-API-Error header, an error/errors member,
                        or a query result
  oauth2-resource       league's JSON error (error, error_description, hint),
                        or the profile
  mediawiki-rest        core REST's messageTranslations/httpCode/httpReason
  gateway               Envoy jwt_authn: a jwt_verify_lib status as the body
                        (or its httpReason), WWW-Authenticate with error=,
                        server: envoy
  other                 HTML error pages, captive portals, proxies, redirects

Advice: none; refresh (invalid or expired token: refresh it, retry once);
reauthorize (consumer disabled or not approved, wrong wiki, blocked user: a
new token will not help); retry-after (429/503 with Retry-After); fix-request;
unknown.

The prediction is verify's: MediaWiki with zero leeway, RS256; the gateway
with --envoy-skew, and --issuer/--audience when given. With --public-key
(flag, MWOAUTH_PUBLIC_KEY or the profile) signatures are checked too,
otherwise they are assumed genuine. Whether a gateway is in front is read
from the answer: a gateway predicted to refuse is only a mismatch when the
answer passed through Envoy.

--answer FILE judges an answer that was already received (curl -i output,
or a .http recording) for URL and the token: nothing is sent, and the
prediction is for the instant of the answer's Date header (now without one).

--expiry (for QA) re-mints the token with the private key (--private-key,
MWOAUTH_PRIVATE_KEY or the profile; never key text on the command line) to
expire --expires-in from now, then probes just before exp, just after it
(MediaWiki's zero leeway) and just after exp + --envoy-skew (the gateway's
boundary), and prints the three real answers next to the predicted ones: a
four-hour wait for expiry in about a minute. It runs on the real clock.

Safety: the token goes to the URL's origin only. Redirects are never
followed, to another origin or the same one: the redirect is the answer.
Certificates are verified unless --insecure. Connecting and reading time
out (--connect-timeout, --timeout); at most 1 MiB of an answer is read. A
token whose iss is another origin than URL's gets a warning, and a question
on a terminal; scripts pass --yes to send it anyway. The token itself is
never printed: its id is the first 12 hex digits of its SHA-256, as in
"token scan".

--output json prints {"url", "status", "answered_by", "evidence",
"authenticated", "user", "error", "advice", "predicted": {"mediawiki",
"gateway"}, "matches_prediction", "headers"}; with --expiry, {"url",
"token_id", "exp", "envoy_skew_seconds", "matches_prediction", "probes":
[{"instant", "at", "why", "answer": {...the same object...}}]}.

Exit status: 0 when the answer matches the prediction (accepted or not), 12
when it does not, 1 when no answer came (connection, TLS, timeout), 2 for
usage errors (and an iss mismatch without --yes off a terminal).`,
		Example: `  mwoauth token probe https://meta.wikimedia.org/ @token.jwt
  mwoauth token probe https://wiki.example/w/ @token.jwt --endpoint rest-profile --public-key oauth2-public.pem
  mwoauth token probe http://127.0.0.1:8089/api.php @token.jwt --yes --output json | jq .answered_by
  mwoauth token probe https://wiki.example/w/ @token.jwt --expiry --private-key oauth2-private.pem
  curl -si -H "Authorization: Bearer $(cat token.jwt)" 'https://wiki.example/w/api.php?action=query&meta=userinfo&format=json' > answer.http
  mwoauth token probe https://wiki.example/w/ @token.jwt --answer answer.http`,
		Args: cmdutil.Args(cobra.RangeArgs(1, 2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := cmdutil.OutputFormat(cmd)
			if err != nil {
				return err
			}
			opts.Format, opts.URL = format, args[0]
			if endpoint != "" {
				if opts.Endpoint, err = probe.ParseEndpoint(endpoint); err != nil {
					return cmdutil.FlagErrorf("--endpoint: %v", err)
				}
			}
			if _, err := probe.ResolveTarget(opts.URL, opts.Endpoint); err != nil {
				return cmdutil.FlagErrorf("%v", err)
			}
			if opts.Expiry && opts.AnswerFile != "" {
				return cmdutil.FlagErrorf("--answer judges one captured answer; --expiry sends three requests: use one of them")
			}
			if err := bindProbe(cmd, f, opts); err != nil {
				return err
			}
			opts.Args = args[1:]
			opts.Ctx = cmdutil.CatchInterrupt(cmd)
			return cmdutil.Pick(runF, probeRun)(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&endpoint, "endpoint", "", "Route appended to a wiki's base: `action`, rest-profile or rest (default action)")
	fl.BoolVar(&opts.Yes, "yes", false, "Send the token even though its iss is another origin (no question asked)")
	fl.BoolVar(&opts.Insecure, "insecure", false, "Do not verify the server's TLS certificate (a test wiki's self-signed one)")
	fl.DurationVar(&opts.ConnectTimeout, "connect-timeout", probe.DefaultConnectTimeout, "Give up connecting (TCP and TLS) after this `duration`")
	fl.DurationVar(&opts.ReadTimeout, "timeout", probe.DefaultReadTimeout, "Give up waiting for the answer after this `duration`")
	addEnvoySkewFlag(cmd, &opts.EnvoySkew, "for its prediction and --expiry's last probe")
	fl.String("public-key", "", "Wiki's public key `file`, so the prediction checks signatures (env MWOAUTH_PUBLIC_KEY, profile public-key)")
	fl.String("issuer", "", "The gateway's expected iss (env MWOAUTH_ISSUER, profile issuer)")
	fl.String("audience", "", "The gateway's allowed aud (env MWOAUTH_AUDIENCE, profile audience)")
	fl.StringVar(&opts.AnswerFile, "answer", "", "Judge a captured answer `file` (curl -i output or a .http recording) instead of sending the token")
	fl.BoolVar(&opts.Expiry, "expiry", false, "Re-mint the token to expire soon and probe before exp, after exp and after exp + skew")
	fl.DurationVar(&opts.ExpiresIn, "expires-in", 5*time.Second, "With --expiry: the re-minted token expires this `duration` from now")
	fl.String("private-key", "", "With --expiry: RSA private key `file`, or - for stdin (env MWOAUTH_PRIVATE_KEY, profile private-key)")
	cmdutil.AddOutputFlag(cmd, "text", "json")
	return cmd
}

// bindProbe checks the flags and resolves the settings into opts.
func bindProbe(cmd *cobra.Command, f *cmdutil.Factory, opts *ProbeOptions) error {
	if opts.ConnectTimeout <= 0 || opts.ReadTimeout <= 0 {
		return cmdutil.FlagErrorf("--connect-timeout and --timeout must be positive")
	}
	if opts.EnvoySkew < 0 {
		return cmdutil.FlagErrorf("--envoy-skew cannot be negative")
	}
	if cmd.Flags().Changed("expires-in") && !opts.Expiry {
		return cmdutil.FlagErrorf("--expires-in needs --expiry")
	}
	if opts.Expiry && opts.ExpiresIn <= 0 {
		return cmdutil.FlagErrorf("--expires-in must be positive: the probe watches the token expire")
	}
	if err := f.Bind(cmd, cmdutil.MediaWikiSetting(&opts.MediaWiki), cmdutil.StringSetting("issuer", &opts.Issuer),
		cmdutil.StringSetting("audience", &opts.Audience), cmdutil.StringSetting("public-key", &opts.PublicKeyRef)); err != nil {
		return err
	}
	if opts.Expiry {
		if err := bindPrivateKey(cmd, f, &opts.PrivateKeyRef, &opts.PassphraseFile); err != nil {
			return err
		}
		return requirePrivateKey(opts.PrivateKeyRef)
	} else if cmd.Flags().Changed("private-key") {
		return cmdutil.FlagErrorf("--private-key is for --expiry (a plain probe never signs anything)")
	}
	return nil
}

// load reads the keys and the token the settings name.
func (opts *ProbeOptions) load() error {
	if tokenFromStdin(opts.Args) && (opts.PublicKeyRef == "-" || opts.PrivateKeyRef == "-") {
		return cmdutil.FlagErrorf("the token and a key cannot both come from stdin: pass the token as an argument or @FILE")
	}
	var err error
	if opts.PrivateKeyRef != "" {
		if opts.PrivateKey, err = loadPrivateKey(opts.IO, opts.PrivateKeyRef, opts.PassphraseFile); err != nil {
			return err
		}
		opts.PublicKey = &opts.PrivateKey.PublicKey
	}
	if opts.PublicKeyRef != "" {
		pub, err := loadPublicKey(opts.IO, opts.PublicKeyRef)
		if err != nil {
			return err
		}
		if opts.PrivateKey != nil && !keys.SamePair(opts.PrivateKey, pub) {
			return cmdutil.Exitf(cmdutil.ExitRefused, "the private key is not the pair of the public key %s: tokens re-minted with it would not verify on the wiki", keyLabel(opts.PublicKeyRef))
		}
		opts.PublicKey = pub
	}
	_, opts.Token, err = readToken(opts.IO, opts.Args)
	return err
}

func probeRun(opts *ProbeOptions) error {
	target, err := probe.ResolveTarget(opts.URL, opts.Endpoint)
	if err != nil {
		return cmdutil.FlagErrorf("%v", err)
	}
	if err := opts.load(); err != nil {
		return err
	}
	if opts.Ctx == nil {
		opts.Ctx = context.Background()
	}
	var res *probeResult
	if opts.AnswerFile != "" {
		if res, err = judgeCaptured(opts, target); err != nil {
			return err
		}
	} else {
		if err := checkDestination(opts, target); err != nil {
			return err
		}
		if opts.Expiry {
			return expiryRun(opts, target)
		}
		if res, err = probeOnce(opts, target, opts.Token, opts.Now().UTC()); err != nil {
			return err
		}
	}
	if opts.Format == "json" {
		if err := cmdutil.WriteJSON(opts.IO.Out, res.json(target)); err != nil {
			return err
		}
	} else if err := writeText(opts.IO, func(w io.Writer, st *cmdutil.Styles) {
		printProbe(w, st, target, res, tokenID(opts.Token.Raw))
	}); err != nil {
		return err
	}
	return mismatchError(res, "")
}

// probeResult is one request, its answer and the prediction it was judged by.
type probeResult struct {
	At         time.Time
	Answer     *probe.Answer
	Prediction *probe.Prediction
	Matches    bool
}

func probeOnce(opts *ProbeOptions, target *probe.Target, tok *jwtutil.Token, at time.Time) (*probeResult, error) {
	pred := predict(tok, at, opts, target)
	resp, err := probe.Send(opts.Ctx, probe.Request{
		URL: target.URL, Token: tok.Raw, Insecure: opts.Insecure,
		ConnectTimeout: opts.ConnectTimeout, ReadTimeout: opts.ReadTimeout,
		UserAgent: "mwoauth-token-probe (https://github.com/mwoauth/mwoauth)",
	})
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, interrupted()
		}
		// A broken answer's bytes can end up in the error text.
		return nil, cmdutil.Exitf(cmdutil.ExitFailure, "%s", err.Error())
	}
	return judge(resp, target, &pred, at), nil
}

func judge(resp *probe.Response, target *probe.Target, pred *probe.Prediction, at time.Time) *probeResult {
	a := probe.Classify(resp, target.Endpoint)
	return &probeResult{At: at, Answer: a, Prediction: pred, Matches: probe.Compare(a, pred)}
}

// judgeCaptured reads an answer someone already got (curl -i output, a
// .http recording) and judges it as if the probe had received it, at the
// instant its Date header names (the server's verdict was for that
// instant), or now when it has none. Nothing is sent.
func judgeCaptured(opts *ProbeOptions, target *probe.Target) (*probeResult, error) {
	b, err := cmdutil.ReadFile(opts.AnswerFile, probe.MaxBody+64<<10, cmdutil.ExitUsage)
	if err != nil {
		return nil, cmdutil.Exit(cmdutil.ExitCode(err), fmt.Errorf("--answer: %w", err))
	}
	var resp *probe.Response
	if rec, rerr := probe.ParseRecording(b); rerr == nil {
		resp, err = rec.Answer()
	} else if errors.Is(rerr, probe.ErrNotRecording) {
		resp, err = probe.ParseResponse(b)
	} else {
		err = rerr
	}
	if err != nil {
		return nil, cmdutil.Exitf(cmdutil.ExitUsage, "--answer %s: not an HTTP response: %s", opts.AnswerFile, err.Error())
	}
	resp.Redirect = probe.RedirectOf(target.URL, resp.Status, resp.Header.Get("Location"))
	at := opts.Now().UTC()
	if d, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		at = d.UTC()
	}
	pred := predict(opts.Token, at, opts, target)
	return judge(resp, target, &pred, at), nil
}

// predict is the one place the probe reads mwoauth's verify verdicts
// (verdict.Verify, the same call token verify makes): the MediaWiki answer
// at the probed endpoint and the gateway's, for tok at at.
//
// Who the request runs as is the verdict's (verdicts.mediawiki.user): with
// no database it is MediaWiki's guess from the token, in which a master
// client_credentials token runs anonymously although its sub names the
// client's owner. No database is consulted, so the jti row and the
// consumer's stage are stated as assumptions.
func predict(tok *jwtutil.Token, at time.Time, opts *ProbeOptions, target *probe.Target) probe.Prediction {
	vo := verdict.Options{MediaWiki: opts.MediaWiki, Now: at, Issuer: opts.Issuer, Audience: opts.Audience, RequestURI: target.URL.String(), EnvoySkew: opts.EnvoySkew,
		AssumeSignature: opts.PublicKey == nil}
	if opts.PublicKey != nil {
		vo.Keys = []*rsa.PublicKey{opts.PublicKey}
	}
	res := verdict.Verify(tok, vo)
	mwv, env := res.MediaWiki, res.Envoy
	noKey := opts.PublicKey == nil
	var mwAssumed, gwAssumed []string
	if noKey {
		mwAssumed = append(mwAssumed, "no public key given: the signature is assumed genuine")
		gwAssumed = mwAssumed
	}
	mwAssumed = append(mwAssumed, "no database: the jti's row and the consumer's stage are assumed fine")
	if opts.Issuer == "" {
		gwAssumed = append(gwAssumed, "no issuer given: any iss is assumed allowed")
	}

	mw := probe.MediaWikiPrediction{Reason: mwv.Reason, Assumptions: mwAssumed}
	// Without a key the prediction takes the signature as genuine
	// (AssumeSignature): the probe's question is what the wiki does with a
	// genuine token.
	accepted := mwv.Accepted != nil && *mwv.Accepted
	if accepted {
		mw.Reason = "accepted"
		mw.RunsAs = probe.RunsAsUser
		if mwv.User != nil && mwv.User.Anonymous {
			mw.RunsAs = probe.RunsAsAnonymous
		}
	}
	switch {
	case !mwv.Applicable:
		mw.Reason, mw.Status, mw.Code = "not an access token: "+mwv.Note, 200, mediawiki.MWInvalidAuthorization
	case target.Endpoint == probe.EndpointAction && accepted:
		mw.Accepted, mw.Status = true, 200
	case target.Endpoint == probe.EndpointAction && mwv.ActionAPI != nil:
		mw.Status, mw.Code, mw.Message = mwv.ActionAPI.Status, mwv.ActionAPI.Code, mwv.ActionAPI.Message
	case target.Endpoint == probe.EndpointRESTProfile && accepted:
		mw.Accepted, mw.Status = true, 200
	case target.Endpoint == probe.EndpointRESTProfile && mwv.RESTProfile != nil:
		r := mwv.RESTProfile
		// The profile route does not check the consumer's stage (e2e §6.5).
		mw.Accepted, mw.Status, mw.Code, mw.Hint = r.Status == 200, r.Status, r.Code, r.Hint
	default: // core REST: refused or not; its codes are not predicted
		mw.Accepted = accepted
	}

	gw := probe.GatewayPrediction{Passes: env.Status == 200, Status: env.Status, Reason: env.Reason, WWWAuthenticate: env.WWWAuthenticate, SkewSeconds: env.SkewSeconds, Assumptions: gwAssumed}
	if noKey && !gw.Passes && env.Reason == envoy.JwtVerificationFail.String() {
		gw = probe.GatewayPrediction{Passes: true, Status: 200, Reason: envoy.OK.String(), SkewSeconds: env.SkewSeconds, Assumptions: gwAssumed}
	}
	return probe.Prediction{MediaWiki: mw, Gateway: gw}
}

// checkDestination warns before the token goes somewhere it may not
// belong: an origin other than its issuer (ask on a terminal, --yes
// otherwise), plain http off this machine, --insecure.
func checkDestination(opts *ProbeOptions, target *probe.Target) error {
	dest := probe.Origin(target.URL)
	w := opts.IO.ErrOut
	if opts.Insecure {
		fmt.Fprintf(w, "warning: --insecure: the TLS certificate of %s is not verified\n", dest)
	}
	if target.URL.Scheme == "http" && !probe.IsLoopback(target.URL) {
		fmt.Fprintf(w, "warning: %s is plain http: the token crosses the network unencrypted\n", dest)
	}
	iss, ok := opts.Token.StringClaim("iss")
	if !ok {
		return nil
	}
	issOrigin, isURL := probe.IssuerOrigin(iss)
	if isURL && issOrigin == dest {
		return nil
	}
	fmt.Fprintf(w, "warning: the token was issued by %s, not by %s (a wiki farm's tokens come from its central wiki: fine if %s is part of it)\n", cmdutil.Safe(iss), dest, dest)
	if opts.Yes {
		return nil
	}
	if !opts.IO.CanPrompt() {
		return cmdutil.FlagErrorf("not sending the token to %s, which did not issue it: pass --yes to send it anyway", dest)
	}
	fmt.Fprintf(w, "Send the token to %s anyway? [y/N] ", dest)
	line, _ := bufio.NewReader(opts.IO.In).ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
		return cmdutil.Exitf(cmdutil.ExitRefused, "not sent")
	}
	return nil
}

// interrupted is the end of a probe cut short by Ctrl-C: nothing is left
// behind (the re-minted token was never written anywhere), exit 130.
func interrupted() error {
	return cmdutil.Exit(cmdutil.ExitInterrupted, errors.New("interrupted"))
}

// tokenID names a token without showing it, as token scan does: the first
// 12 hex digits of its SHA-256.
func tokenID(raw string) string {
	sum := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(sum[:6])
}

// mismatchError is the exit of a probe whose answer is not the predicted
// one (12), with the first difference as the one stderr line.
func mismatchError(r *probeResult, at string) error {
	if r.Matches {
		return nil
	}
	if at != "" {
		at = " " + at
	}
	return cmdutil.Exitf(cmdutil.ExitMismatch, "answer%s does not match the prediction: %s", at, firstDifference(r))
}

// firstDifference says in one line why an answer is not the predicted one.
func firstDifference(r *probeResult) string {
	a := r.Answer
	if rd := a.Redirect; rd != nil {
		where := "the same origin"
		if !rd.SameOrigin {
			where = "another origin"
		}
		return fmt.Sprintf("HTTP %d redirect to %s (%s), not followed: the token was sent only to the URL given", a.Status, rd.Location, where)
	}
	if d := r.Prediction.Differences(); len(d) > 0 {
		return d[0]
	}
	code := fmt.Sprintf("HTTP %d", a.Status)
	if a.Error != nil {
		code = a.Error.Code
	}
	return "the answer came from neither MediaWiki nor the gateway (" + code + ")"
}

// probeJSON is the --output json object, exactly the schema.
type probeJSON struct {
	URL               string            `json:"url"`
	Status            int               `json:"status"`
	AnsweredBy        probe.Layer       `json:"answered_by"`
	Evidence          []string          `json:"evidence"`
	Authenticated     bool              `json:"authenticated"`
	User              *probe.User       `json:"user"`
	Error             *probe.Error      `json:"error"`
	Advice            probe.Advice      `json:"advice"`
	Predicted         *probe.Prediction `json:"predicted"`
	MatchesPrediction bool              `json:"matches_prediction"`
	Headers           map[string]string `json:"headers"`
}

func (r *probeResult) json(target *probe.Target) probeJSON {
	a := r.Answer
	ev := a.Evidence
	if ev == nil {
		ev = []string{}
	}
	return probeJSON{
		URL: target.URL.String(), Status: a.Status, AnsweredBy: a.AnsweredBy, Evidence: ev,
		Authenticated: a.Authenticated, User: a.User, Error: a.Error, Advice: a.Advice,
		Predicted: r.Prediction, MatchesPrediction: r.Matches, Headers: a.Headers,
	}
}

func printProbe(w io.Writer, st *cmdutil.Styles, target *probe.Target, r *probeResult, id string) {
	a, p := r.Answer, r.Prediction
	kv := func(k, v string) { fmt.Fprintf(w, "  %s  %s\n", st.Key.Render(pad(k, 9)), v) }
	if !r.Matches {
		fmt.Fprintln(w, st.Err.Render("MISMATCH")+"  the real answer is not the predicted one")
		diffs := p.Differences()
		if len(diffs) == 0 {
			diffs = []string{firstDifference(r)}
		}
		for _, d := range diffs {
			fmt.Fprintf(w, "  %s\n", cmdutil.Safe(d))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%s  GET %s\n", st.Bold.Render(pad("Probe", 9)), cmdutil.Safe(target.URL.String()))
	fmt.Fprintf(w, "%s  id %s\n", st.Bold.Render(pad("Token", 9)), id)
	fmt.Fprintf(w, "%s  %s\n", st.Bold.Render(pad("Judged at", 9)), jwtutil.FormatUTC(r.At))
	fmt.Fprintln(w)
	printAnswer(w, st, a, r.At)
	fmt.Fprintln(w)
	fmt.Fprintln(w, st.Bold.Render("Predicted"))
	kv("MediaWiki", layerLine(st, mediaWikiText(&p.MediaWiki), p.MediaWiki.Matches, p.MediaWiki.Note))
	kv("gateway", layerLine(st, gatewayText(&p.Gateway), p.Gateway.Matches, p.Gateway.Note))
	for _, s := range unique(p.MediaWiki.Assumptions, p.Gateway.Assumptions) {
		kv("assumed", s)
	}
	fmt.Fprintln(w)
	if r.Matches {
		fmt.Fprintf(w, "%s  %s\n", st.Bold.Render(pad("Result", 9)), st.OK.Render("the answer matches the prediction"))
	} else {
		fmt.Fprintf(w, "%s  %s\n", st.Bold.Render(pad("Result", 9)), st.Err.Render(fmt.Sprintf("MISMATCH (exit %d)", cmdutil.ExitMismatch)))
	}
}

func printAnswer(w io.Writer, st *cmdutil.Styles, a *probe.Answer, at time.Time) {
	kv := func(k, v string) { fmt.Fprintf(w, "  %s  %s\n", st.Key.Render(pad(k, 9)), v) }
	fmt.Fprintf(w, "%s  HTTP %d from %s\n", st.Bold.Render(pad("Answer", 9)), a.Status, st.Bold.Render(string(a.AnsweredBy)))
	for i, e := range a.Evidence {
		k := ""
		if i == 0 {
			k = "evidence"
		}
		kv(k, cmdutil.Safe(e))
	}
	switch {
	case a.User != nil && a.User.Anonymous:
		kv("runs as", "anonymous ("+cmdutil.Safe(a.User.Name)+", "+a.User.Source+")")
	case a.User != nil:
		id := ""
		if a.User.ID != nil {
			id = fmt.Sprintf(", id %d", *a.User.ID)
		} else if a.User.CentralID != "" {
			id = ", central id " + cmdutil.Safe(a.User.CentralID)
		}
		kv("runs as", cmdutil.Safe(a.User.Name)+id+" ("+a.User.Source+")")
	}
	if e := a.Error; e != nil {
		kv("error", cmdutil.Safe(strings.TrimSuffix(e.Code+": "+e.Message, ": ")))
	}
	advice := st.OK.Render(string(a.Advice))
	if a.Advice != probe.AdviceNone {
		advice = st.Warn.Render(string(a.Advice))
	}
	kv("advice", advice+": "+cmdutil.Safe(a.AdviceReason))
	for _, h := range []string{"content-type", "server", "www-authenticate", "mediawiki-api-error", "retry-after", "location", "access-control-allow-origin"} {
		if v, ok := a.Headers[h]; ok {
			kv("header", h+": "+cmdutil.Safe(v))
		}
	}
	if !a.ServerDate.IsZero() && !at.IsZero() {
		if d := a.ServerDate.Sub(at.Truncate(time.Second)); d >= 2*time.Second || d <= -2*time.Second {
			kv("clock", fmt.Sprintf("the server's Date is %s %s the instant judged: its verdict is for its own clock", jwtutil.HumanDuration(absDuration(d)), aheadBehind(d)))
		}
	}
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

func aheadBehind(d time.Duration) string {
	if d < 0 {
		return "behind"
	}
	return "ahead of"
}

func mediaWikiText(p *probe.MediaWikiPrediction) string {
	if p.Accepted {
		s := "accepts"
		if p.RunsAs != "" {
			s += ", runs " + map[probe.RunsAs]string{probe.RunsAsAnonymous: "anonymously", probe.RunsAsUser: "as the token's user"}[p.RunsAs]
		}
		return s
	}
	parts := []string{}
	if p.Status != 0 {
		parts = append(parts, fmt.Sprintf("HTTP %d", p.Status))
	}
	if p.Code != "" {
		parts = append(parts, p.Code)
	}
	if p.Hint != "" {
		parts = append(parts, fmt.Sprintf("hint %q", p.Hint))
	}
	s := "refuses: " + cmdutil.Safe(p.Reason)
	if len(parts) > 0 {
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	return s
}

func gatewayText(p *probe.GatewayPrediction) string {
	if p.Passes {
		return fmt.Sprintf("passes the token on (skew %d s)", p.SkewSeconds)
	}
	return fmt.Sprintf("refuses: HTTP %d %q (skew %d s)", p.Status, p.Reason, p.SkewSeconds)
}

func layerLine(st *cmdutil.Styles, text string, m *bool, note string) string {
	switch {
	case m == nil && note != "":
		return text + st.Dim.Render(" — "+note)
	case m == nil:
		return text
	case *m:
		return text + "  " + st.OK.Render("✓ matches")
	}
	return text + "  " + st.Err.Render("✗ differs")
}

func unique(lists ...[]string) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range lists {
		for _, s := range l {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}

// expiryRun re-mints the token to expire soon and probes the three
// instants around exp on the real clock (opts.Clock).
func expiryRun(opts *ProbeOptions, target *probe.Target) error {
	tok := opts.Token
	if c := verdict.VerifySignature(tok, verdict.Options{Keys: []*rsa.PublicKey{opts.PublicKey}, Now: opts.Clock.Now()}); !c.OK {
		return cmdutil.Exitf(cmdutil.ExitSignature, "the token does not verify with the key pair (%s): re-minting it would launder a forged token", c.Detail)
	}
	// Whole seconds: exp is then an integer in either number form, and the
	// gateway's truncation of exp changes nothing.
	start := opts.Clock.Now().Truncate(time.Second)
	exp := start.Add(opts.ExpiresIn)
	raw, _, err := jwtutil.Remint(tok, opts.PrivateKey, jwtutil.RemintOptions{Exp: &exp})
	if err != nil {
		return cmdutil.Exitf(cmdutil.ExitRefused, "%v", err)
	}
	short, err := jwtutil.Parse(raw)
	if err != nil {
		return err
	}
	if t, ok := short.TimeClaim("exp").Time(); ok {
		exp = t
	}
	// Envoy reads a clock_skew_seconds below one second as its default.
	skew := envoy.ClockSkew(opts.EnvoySkew)
	plan := probe.ExpiryPlan(exp, opts.Clock.Now(), skew)
	id := tokenID(short.Raw)
	total := plan[len(plan)-1].At.Sub(opts.Clock.Now()).Round(time.Second)
	fmt.Fprintf(opts.IO.ErrOut, "re-minted the token (id %s) to expire at %s; probing %s three times over the next %s\n",
		id, jwtutil.FormatUTC(exp), probe.Origin(target.URL), jwtutil.HumanDuration(total))
	if iat, ok := short.TimeClaim("iat").Time(); ok && iat.After(start) {
		fmt.Fprintf(opts.IO.ErrOut, "note: iat is %s in the future: MediaWiki refuses the token until then\n", jwtutil.HumanSpan(start, iat))
	}

	results := make([]*probeResult, 0, len(plan))
	for i, in := range plan {
		if d := in.At.Sub(opts.Clock.Now()); d > 0 {
			if opts.IO.IsStderrTTY() {
				fmt.Fprintf(opts.IO.ErrOut, "waiting %s for probe %d of %d (%s)…\n", jwtutil.HumanDuration(d.Round(time.Second)), i+1, len(plan), in.Label)
			}
			if err := opts.Clock.Sleep(opts.Ctx, d); err != nil {
				return interrupted()
			}
		}
		r, err := probeOnce(opts, target, short, opts.Clock.Now().UTC())
		if err != nil {
			return err
		}
		results = append(results, r)
	}

	if opts.Format == "json" {
		if err := cmdutil.WriteJSON(opts.IO.Out, expiryJSONOf(target, id, exp, skew, plan, results)); err != nil {
			return err
		}
	} else if err := writeText(opts.IO, func(w io.Writer, st *cmdutil.Styles) {
		printExpiry(w, st, target, id, exp, skew, plan, results)
	}); err != nil {
		return err
	}
	for i, r := range results {
		if err := mismatchError(r, plan[i].Label); err != nil {
			return err
		}
	}
	return nil
}

type expiryJSON struct {
	URL               string            `json:"url"`
	TokenID           string            `json:"token_id"`
	Exp               string            `json:"exp"`
	EnvoySkewSeconds  int64             `json:"envoy_skew_seconds"`
	MatchesPrediction bool              `json:"matches_prediction"`
	Probes            []expiryProbeJSON `json:"probes"`
}

type expiryProbeJSON struct {
	Instant string    `json:"instant"`
	At      string    `json:"at"`
	Why     string    `json:"why"`
	Answer  probeJSON `json:"answer"`
}

func expiryJSONOf(target *probe.Target, id string, exp time.Time, skew time.Duration, plan []probe.Instant, results []*probeResult) expiryJSON {
	out := expiryJSON{URL: target.URL.String(), TokenID: id, Exp: jwtutil.FormatUTC(exp), EnvoySkewSeconds: int64(skew / time.Second), MatchesPrediction: true}
	for i, r := range results {
		out.MatchesPrediction = out.MatchesPrediction && r.Matches
		out.Probes = append(out.Probes, expiryProbeJSON{Instant: plan[i].Label, At: jwtutil.FormatUTC(r.At), Why: plan[i].Why, Answer: r.json(target)})
	}
	return out
}

func printExpiry(w io.Writer, st *cmdutil.Styles, target *probe.Target, id string, exp time.Time, skew time.Duration, plan []probe.Instant, results []*probeResult) {
	for i, r := range results {
		if !r.Matches {
			fmt.Fprintf(w, "%s  at %s (%s): %s\n", st.Err.Render("MISMATCH"), plan[i].Label, jwtutil.FormatUTC(r.At), cmdutil.Safe(firstDifference(r)))
		}
	}
	fmt.Fprintf(w, "%s  GET %s\n", st.Bold.Render(pad("Probe", 9)), cmdutil.Safe(target.URL.String()))
	fmt.Fprintf(w, "%s  id %s, re-minted to expire at %s; gateway clock skew %d s\n\n", st.Bold.Render(pad("Token", 9)), id, jwtutil.FormatUTC(exp), int64(skew/time.Second))

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "INSTANT\tAT (UTC)\tANSWERED BY\tHTTP\tANSWER\tADVICE\tPREDICTED\tMATCH")
	for i, r := range results {
		a := r.Answer
		match := "yes"
		if !r.Matches {
			match = "NO"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n", plan[i].Label, r.At.Format("2006-01-02T15:04:05Z"), a.AnsweredBy, a.Status,
			cmdutil.Safe(answerSummary(a)), a.Advice, predictedSummary(r.Prediction), match)
	}
	_ = tw.Flush()
	fmt.Fprintln(w)
	for i, r := range results {
		fmt.Fprintf(w, "%s %s — %s\n", st.Bold.Render(fmt.Sprintf("%d.", i+1)), st.Bold.Render(plan[i].Label), plan[i].Why)
		printAnswer(w, st, r.Answer, r.At)
		fmt.Fprintln(w)
	}
}

func answerSummary(a *probe.Answer) string {
	switch {
	case a.Error != nil && a.AnsweredBy == probe.LayerGateway:
		return fmt.Sprintf("%q", a.Error.Message)
	case a.Error != nil:
		return a.Error.Code
	case a.User != nil && a.User.Anonymous:
		return "anonymous"
	case a.User != nil:
		return "as " + a.User.Name
	}
	return "served"
}

func predictedSummary(p *probe.Prediction) string {
	mw := "MediaWiki refuses"
	if p.MediaWiki.Accepted {
		mw = "MediaWiki accepts"
	}
	gw := "gateway passes"
	if !p.Gateway.Passes {
		gw = "gateway refuses (" + p.Gateway.Reason + ")"
	}
	return mw + "; " + gw
}
