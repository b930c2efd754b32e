package token

import (
	"encoding/json"
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

// DecodeOptions is everything "token decode" needs; decodeRun never sees
// cobra.
type DecodeOptions struct {
	IO *cmdutil.IOStreams
	// Now is the clock relative times count from (MWOAUTH_NOW pins it).
	Now func() time.Time
	wikiReader

	Args   []string // the token: TOKEN, - or @FILE; none reads stdin
	At     string
	Format string
}

// NewCmdDecode builds "token decode"; runF, when not nil, replaces
// decodeRun.
func NewCmdDecode(f *cmdutil.Factory, runF func(*DecodeOptions) error) *cobra.Command {
	opts := &DecodeOptions{IO: f.IO, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "decode [<token> | - | @file]",
		Short: "Show a token's header, claims and MediaWiki meaning without a key",
		Long: `Decode finds the JWT in what you paste (a bare token, "Bearer …", an
"Authorization: Bearer …" line, a curl command, a "sessionJwt=…" cookie, a
token-endpoint JSON response, a URL with access_token= in its query or
#access_token= in its fragment, with or without quotes) and shows:

  - the header and the claims, values exactly as written;
  - every time claim (iat, nbf, exp, sxp) in UTC and relative to now;
  - what MediaWiki makes of it: the kind of token (OAuth 2 access token,
    owner-only access token with its 1000-year exp, core sessionJwt with its
    soft expiry sxp, OAuth 1 identify JWT), the sub decoded (legacy bare
    central id, mw:CentralAuth::ID, mw:local:WIKI:ID, empty, mw:anon), the
    consumer key in aud, scopes, ratelimit, grant_type and rlc;
  - what Wikimedia's edge keys on: sub, the rate-limit class rlc and the
    ratelimit claim (which the gateway does not enforce);
  - what Envoy's jwt_authn answers without a key: how its parser reads
    the token and whether its times pass (clock skew 60 s); the
    signature is token verify's;
  - warnings, for the MediaWiki version --mediawiki names (master by
    default): what its parser refuses and why (padding, a second base64
    spelling, invalid UTF-8, empty keys, enc, dates PHP cannot read), an
    empty or bare sub, list-valued aud, string or millisecond times, iat
    after exp, alg none, a kid (which MediaWiki never sets), crit headers
    (which mwoauth verify refuses and MediaWiki ignores) and more; they say
    what token verify's MediaWiki verdict says.

The signature is NOT checked: use "mwoauth token verify" before trusting
anything decode prints. Tokens with alg "none" still decode, with a warning.

With a database configured (--db, MWOAUTH_DB or the profile's db), decode
also names the consumer behind aud and its stage, and who a request with
the token runs as (from the token row's acceptance); without one, that is a
guess from sub, and the report says so.

The token comes from the argument, from @FILE, or from stdin ("-", or when
stdin is piped and no argument is given).

Exit status: 0 when the token decodes (expired or not), 3 when it is
malformed (not three base64url segments of JSON objects, or over 64 KiB).
A malformed token still gets a report, on stdout: what MediaWiki's parser
and Envoy answer to the same bytes (--output json: {"error", "exit_code",
"judged_at", "mediawiki": {"version", "parses", "parse_error"},
"envoy"}).`,
		Example: `  mwoauth token decode "$TOKEN"
  mwoauth token decode @token.jwt
  pbpaste | mwoauth token decode
  mwoauth token decode 'Authorization: Bearer eyJ0eXAiOiJKV1Qi…'
  mwoauth token decode 'https://tool.example/callback#access_token=eyJ0eXAiOiJKV1Qi…&token_type=Bearer'
  mwoauth token decode @token.jwt --output json | jq .mediawiki.subject
  mwoauth token decode @token.jwt --at 2026-11-22T10:00:00Z
  mwoauth token decode @token.jwt --db sqlite:wiki.sqlite`,
		Args: cmdutil.Args(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Args = args
			var err error
			if opts.Format, err = cmdutil.OutputFormat(cmd); err != nil {
				return err
			}
			if err := opts.wikiReader.bind(cmd, f); err != nil {
				return err
			}
			return cmdutil.Pick(runF, decodeRun)(opts)
		},
	}
	cmdutil.AddOutputFlag(cmd, "text", "json")
	cmd.Flags().StringVar(&opts.At, "at", "", "Judge relative times at this `time` (RFC 3339, unix, or +2h / -30m from now) instead of now")
	opts.wikiReader.addFlags(cmd)
	dbcmd.AddFlags(cmd)
	return cmd
}

// consumerInfo is what the database says about aud.
type consumerInfo struct {
	Found      bool   `json:"found"`
	Name       string `json:"name,omitempty"`
	Version    string `json:"version,omitempty"`
	Stage      *int   `json:"stage,omitempty"`
	StageName  string `json:"stage_name,omitempty"`
	OwnerOnly  bool   `json:"owner_only,omitempty"`
	Owner      string `json:"owner,omitempty"`
	Suppressed bool   `json:"suppressed,omitempty"`
}

type timeJSON struct {
	UTC      string          `json:"utc"`
	Unix     json.RawMessage `json:"unix"`
	Form     string          `json:"form"`
	Relative string          `json:"relative"`
}

type decodeJSON struct {
	Header     orderedRaw           `json:"header"`
	Claims     orderedRaw           `json:"claims"`
	Signature  signatureJSON        `json:"signature"`
	Deviations []jwtutil.Deviation  `json:"deviations"`
	Times      map[string]timeJSON  `json:"times"`
	MediaWiki  mediawikiJSON        `json:"mediawiki"`
	Gateway    mediawiki.Gateway    `json:"gateway"`
	Warnings   []mediawiki.Warning  `json:"warnings"`
	JudgedAt   string               `json:"judged_at"`
	Database   *databaseJSON        `json:"database,omitempty"`
	WikiState  *mediawiki.WikiState `json:"wiki_state,omitempty"`
	Envoy      verdict.EnvoyVerdict `json:"envoy"` // no key: key_assumed, the signature decides
}

// decodeMalformedJSON is decode's --output json for bytes mwoauth cannot
// parse: why, and what MediaWiki's and Envoy's parsers answer to them.
type decodeMalformedJSON struct {
	Error     string               `json:"error"`
	ExitCode  int                  `json:"exit_code"`
	JudgedAt  string               `json:"judged_at"`
	MediaWiki parserJSON           `json:"mediawiki"`
	Envoy     verdict.EnvoyVerdict `json:"envoy"`
}

type parserJSON struct {
	Version    mediawiki.Version `json:"version"`
	Parses     bool              `json:"parses"`
	ParseError string            `json:"parse_error,omitempty"`
}

type signatureJSON struct {
	Alg      string `json:"alg"`
	Bytes    int    `json:"bytes"`
	Verified bool   `json:"verified"`
}

type mediawikiJSON struct {
	Version     mediawiki.Version      `json:"version"`
	Parses      bool                   `json:"parses"`
	ParseError  string                 `json:"parse_error,omitempty"` // the parser's reason text
	User        *mediawiki.RequestUser `json:"user,omitempty"`
	Kind        string                 `json:"kind"`
	KindLabel   string                 `json:"kind_label"`
	Subject     mediawiki.Subject      `json:"subject"`
	ConsumerKey string                 `json:"consumer_key"`
	Consumer    *consumerInfo          `json:"consumer,omitempty"`
	Issuer      string                 `json:"issuer,omitempty"`
	JTI         string                 `json:"jti,omitempty"`
	Scopes      []string               `json:"scopes"`
	RateLimit   string                 `json:"ratelimit,omitempty"`
	GrantType   string                 `json:"grant_type,omitempty"`
	RLC         string                 `json:"rlc,omitempty"`
}

func decodeRun(opts *DecodeOptions) error {
	now, err := instantAt(opts.Now, opts.At)
	if err != nil {
		return err
	}
	w := opts.Wiki
	rules := w.Version.Rules()
	raw, tok, err := readToken(opts.IO, opts.Args)
	if err != nil {
		if !malformedRaw(raw, err) {
			return err
		}
		if werr := writeMalformed(opts, raw, err, now, rules); werr != nil {
			return werr
		}
		return err
	}
	ex := mediawiki.Explain(tok, now, rules)
	d := decoded{tok: tok, ex: ex, now: now, envoy: verdict.Envoy(tok.Raw, verdict.Options{Now: now})}
	// Decode is a display command: a database problem is a warning.
	if d.ws, d.db, err = opts.readState(tok); err != nil {
		fmt.Fprintf(opts.IO.ErrOut, "warning: database not consulted: %s\n", cmdutil.SafeError(err))
	}
	// Who the request runs as: the same judgement verify makes of the
	// wiki's state (the token's times and signature aside).
	in := mediawiki.Input{Rules: rules, Now: now, Wiki: d.ws, WikiID: w.WikiID, SubjectScope: w.SubjectScope, StaticApps: w.StaticApps}
	d.user = mediawiki.JudgeWikiState(tok.Raw, ex.Kind, in).User
	if opts.Format == "json" {
		return cmdutil.WriteJSON(opts.IO.Out, d.json(rules))
	}
	return writeText(opts.IO, d.print)
}

// writeMalformed reports bytes mwoauth's parser refused (err): what
// MediaWiki's parser and Envoy's answer to the same bytes, for they answer
// every request.
func writeMalformed(opts *DecodeOptions, raw string, err error, now time.Time, rules mediawiki.Rules) error {
	parsed := mediawiki.ParseLikeLcobucci(raw, rules.LcobucciMajor)
	env := verdict.Envoy(raw, verdict.Options{Now: now})
	if opts.Format == "json" {
		return cmdutil.WriteJSON(opts.IO.Out, decodeMalformedJSON{
			Error: err.Error(), ExitCode: cmdutil.ExitMalformed, JudgedAt: jwtutil.FormatUTC(now),
			MediaWiki: parserJSON{Version: rules.Version, Parses: parsed.Token != nil, ParseError: parsed.Reason}, Envoy: env,
		})
	}
	return writeText(opts.IO, func(w io.Writer, st *cmdutil.Styles) {
		kv := func(k, v string) { fmt.Fprintf(w, "  %s  %s\n", st.Key.Render(pad(k, 16)), v) }
		fmt.Fprintf(w, "%s  %s\n", st.Bold.Render(pad("Token", 9)), st.Err.Render("malformed: "+cmdutil.SafeError(err)))
		fmt.Fprintln(w)
		fmt.Fprintln(w, st.Bold.Render(fmt.Sprintf("MediaWiki %s's parser", rules.Version)))
		if parsed.Token != nil {
			kv("verdict", "reads it (mwoauth is stricter here)")
		} else {
			kv("verdict", st.Err.Render("refuses it")+": "+cmdutil.Safe(parsed.Reason))
		}
		fmt.Fprintln(w)
		printEnvoy(w, st, &env, kv)
	})
}

// decoded is one decoded token and what the wiki says about it.
type decoded struct {
	tok   *jwtutil.Token
	ex    *mediawiki.Explanation
	now   time.Time
	db    *databaseJSON
	ws    *mediawiki.WikiState
	user  *mediawiki.RequestUser
	envoy verdict.EnvoyVerdict // no key: the signature step is assumed
}

// consumer is the database's view of aud, when a database was read.
func (d *decoded) consumer() *consumerInfo {
	if d.ws == nil || d.ex.ConsumerKey == "" {
		return nil
	}
	c := d.ws.Consumer
	if c == nil {
		return &consumerInfo{Found: false}
	}
	stage := c.Stage
	return &consumerInfo{Found: true, Name: c.Name, Version: c.Version, Stage: &stage, StageName: c.StageName(),
		OwnerOnly: c.OwnerOnly, Owner: c.OwnerName, Suppressed: c.Deleted}
}

func (d *decoded) json(rules mediawiki.Rules) decodeJSON {
	tok, ex := d.tok, d.ex
	out := decodeJSON{
		Header:     orderedRaw(tok.RawHeader()),
		Claims:     orderedRaw(tok.RawClaims()),
		Signature:  signatureJSON{Alg: tok.Alg(), Bytes: len(tok.Signature)},
		Deviations: tok.Deviations,
		Times:      map[string]timeJSON{},
		Gateway:    ex.Gateway,
		Warnings:   ex.Warnings,
		JudgedAt:   jwtutil.FormatUTC(d.now),
		Database:   d.db,
		WikiState:  d.ws,
		Envoy:      d.envoy,
		MediaWiki: mediawikiJSON{
			Version: rules.Version, Parses: ex.Parse.Token != nil, ParseError: ex.Parse.Reason, User: d.user,
			Kind: ex.Kind, KindLabel: ex.KindLabel, Subject: ex.Subject, ConsumerKey: ex.ConsumerKey, Consumer: d.consumer(),
			Issuer: ex.Issuer, JTI: ex.JTI, Scopes: ex.Scopes, RateLimit: ex.RateLimit, GrantType: ex.GrantType, RLC: ex.RLC,
		},
	}
	if out.Deviations == nil {
		out.Deviations = []jwtutil.Deviation{}
	}
	if out.MediaWiki.Scopes == nil {
		out.MediaWiki.Scopes = []string{}
	}
	for _, ti := range ex.Times {
		raw, _ := tok.RawClaim(ti.Claim)
		tj := timeJSON{Unix: json.RawMessage(raw), Form: ti.Form, Relative: ti.Relative}
		if ti.Numeric {
			tj.UTC = jwtutil.FormatDate(ti.Date)
		}
		out.Times[ti.Claim] = tj
	}
	return out
}

func (d *decoded) print(w io.Writer, st *cmdutil.Styles) {
	tok, ex, now, cons := d.tok, d.ex, d.now, d.consumer()
	section := func(name string) { fmt.Fprintln(w, st.Bold.Render(name)) }
	// Member names and values are attacker-controlled: cmdutil.Safe.
	width := 6
	for _, m := range append(tok.RawHeader(), tok.RawClaims()...) {
		width = max(width, len([]rune(cmdutil.Safe(m.Name))))
	}
	times := map[string]mediawiki.TimeInfo{}
	for _, ti := range ex.Times {
		times[ti.Claim] = ti
	}

	section("Header")
	for _, m := range tok.RawHeader() {
		fmt.Fprintf(w, "  %s  %s\n", st.Key.Render(pad(cmdutil.Safe(m.Name), width)), claimText(m.JSON))
	}
	section("Claims")
	for _, m := range tok.RawClaims() {
		val := claimText(m.JSON)
		if ti, ok := times[m.Name]; ok && ti.Numeric {
			rel := ti.Relative
			future := ti.Date.After(jwtutil.Date(now))
			if m.Name == "exp" && future {
				rel = st.OK.Render(rel)
			} else if m.Name == "exp" {
				rel = st.Err.Render(rel)
			} else if future {
				rel = st.Warn.Render(rel)
			}
			val = fmt.Sprintf("%s  %s  %s", val, jwtutil.FormatDate(ti.Date), rel)
		}
		fmt.Fprintf(w, "  %s  %s\n", st.Key.Render(pad(cmdutil.Safe(m.Name), width)), val)
	}
	fmt.Fprintf(w, "  %s  %s\n", st.Dim.Render(pad("(now)", width)), st.Dim.Render(jwtutil.FormatUTC(now)))

	if d.db != nil {
		fmt.Fprintf(w, "  %s  %s\n", st.Dim.Render(pad("(db)", width)), st.Dim.Render(cmdutil.Safe(d.db.text())))
	}

	section("MediaWiki")
	kv := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "  %s  %s\n", st.Key.Render(pad(k, 10)), v)
		}
	}
	kv("kind", cmdutil.Safe(ex.KindLabel))
	sub := ex.Subject.Format
	if ex.Subject.Meaning != "" {
		sub += ": " + cmdutil.Safe(ex.Subject.Meaning)
	}
	kv("subject", cmdutil.Safe(sub))
	if d.user != nil {
		kv("runs as", userText(d.user))
	}
	consumer := cmdutil.Safe(ex.ConsumerKey)
	if consumer != "" {
		consumer += " (aud)"
	}
	if cons != nil {
		switch {
		case !cons.Found:
			consumer += ", " + st.Warn.Render("no such consumer in the database")
		default:
			state := cons.StageName
			if cons.Suppressed {
				state += ", suppressed"
			}
			consumer += fmt.Sprintf(", %q %s (%s)", cons.Name, cmdutil.Safe(cons.Version), cmdutil.Safe(state))
		}
	}
	kv("consumer", consumer)
	kv("issuer", cmdutil.Safe(ex.Issuer))
	kv("scopes", cmdutil.Safe(strings.Join(ex.Scopes, ", ")))
	kv("grant_type", cmdutil.Safe(ex.GrantType))
	fmt.Fprintln(w)
	printGateway(w, st, &ex.Gateway, func(k, v string) { fmt.Fprintf(w, "  %s  %s\n", st.Key.Render(pad(k, 10)), v) })
	d.printEnvoy(w, st)

	if len(ex.Warnings) > 0 {
		section("Warnings")
		for _, wn := range ex.Warnings {
			fmt.Fprintf(w, "  %s %s\n", st.Warn.Render("!"), cmdutil.Safe(wn.Message))
		}
	}
}

// printEnvoy is Envoy's answer without a key: its parser's and its times'
// verdict, or, when the token gets as far as the signature, that the key
// decides.
func (d *decoded) printEnvoy(w io.Writer, st *cmdutil.Styles) {
	env := &d.envoy
	v := "reads the token and its times pass: the signature decides (token verify checks it)"
	if !env.KeyAssumed {
		v = st.Err.Render(fmt.Sprintf("HTTP %d", env.Status)) + " " + cmdutil.Safe(env.Reason)
	}
	fmt.Fprintln(w, st.Bold.Render(fmt.Sprintf("Envoy jwt_authn (clock skew %d s)", env.SkewSeconds)))
	fmt.Fprintf(w, "  %s  %s\n\n", st.Key.Render(pad("verdict", 10)), v)
}
