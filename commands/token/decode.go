package token

import (
	"bytes"
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
)

type decodeOptions struct {
	At         string
	StaticApps []string
	Format     string
}

func newCmdDecode(f *cmdutil.Factory) *cobra.Command {
	opts := &decodeOptions{}
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
malformed (not three base64url segments of JSON objects, or over 64 KiB).`,
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
			format, err := cmdutil.OutputFormat(cmd, "text", "json")
			if err != nil {
				return err
			}
			opts.Format = format
			return runDecode(cmd, f, opts, args)
		},
	}
	cmdutil.AddOutputFlag(cmd, "text", "json")
	cmd.Flags().StringVar(&opts.At, "at", "", "Judge relative times at this `time` (RFC 3339, unix, or +2h / -30m from now) instead of now")
	addWikiFlags(cmd, &opts.StaticApps)
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

func runDecode(cmd *cobra.Command, f *cmdutil.Factory, opts *decodeOptions, args []string) error {
	now, err := instant(f, opts.At)
	if err != nil {
		return err
	}
	w, err := resolveWiki(cmd, f, opts.StaticApps)
	if err != nil {
		return err
	}
	_, tok, err := readToken(f.IO, args)
	if err != nil {
		return err
	}
	rules := w.Version.Rules()
	ex := mediawiki.Explain(tok, now, rules)
	d := decoded{tok: tok, ex: ex, now: now}
	// Decode is a display command: a database problem is a warning.
	if st, info, err := openWiki(cmd, f); err != nil {
		fmt.Fprintf(f.IO.ErrOut, "warning: database not consulted: %s\n", cmdutil.Safe(err.Error()))
	} else if st != nil {
		d.db = info
		d.ws, err = readWikiState(cmd.Context(), st, tok)
		st.Close()
		if err != nil {
			fmt.Fprintf(f.IO.ErrOut, "warning: database not consulted: %s\n", cmdutil.Safe(err.Error()))
			d.db = nil
		}
	}
	// Who the request runs as: the same judgement verify makes of the
	// wiki's state (the token's times and signature aside).
	in := mediawiki.Input{Rules: rules, Now: now, Wiki: d.ws, WikiID: w.WikiID, SubjectScope: w.SubjectScope, StaticApps: w.StaticApps}
	d.user = mediawiki.JudgeWikiState(tok.Raw, ex.Kind, in).User
	if opts.Format == "json" {
		return cmdutil.WriteJSON(f.IO.Out, d.json(rules))
	}
	// One write, not one per line: each is a system call, and this
	// command is run once per token in scripts.
	var buf bytes.Buffer
	d.print(&buf, f.IO.Styles())
	_, err = f.IO.Out.Write(buf.Bytes())
	return err
}

// decoded is one decoded token and what the wiki says about it.
type decoded struct {
	tok  *jwtutil.Token
	ex   *mediawiki.Explanation
	now  time.Time
	db   *databaseJSON
	ws   *mediawiki.WikiState
	user *mediawiki.RequestUser
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
		Header:     rawObject(tok.RawHeader()),
		Claims:     rawObject(tok.RawClaims()),
		Signature:  signatureJSON{Alg: tok.Alg(), Bytes: len(tok.Signature)},
		Deviations: tok.Deviations,
		Times:      map[string]timeJSON{},
		Gateway:    ex.Gateway,
		Warnings:   ex.Warnings,
		JudgedAt:   jwtutil.FormatUTC(d.now),
		Database:   d.db,
		WikiState:  d.ws,
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

	if len(ex.Warnings) > 0 {
		section("Warnings")
		for _, wn := range ex.Warnings {
			fmt.Fprintf(w, "  %s %s\n", st.Warn.Render("!"), cmdutil.Safe(wn.Message))
		}
	}
}
