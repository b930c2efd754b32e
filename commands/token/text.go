package token

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/mediawiki"
	"github.com/mwoauth/mwoauth/verdict"
)

// writeText writes a text report, as print renders it, in one write, not
// one per line: each write is a system call, and these commands run once
// per token in scripts.
func writeText(ios *cmdutil.IOStreams, print func(w io.Writer, st *cmdutil.Styles)) error {
	var buf bytes.Buffer
	print(&buf, ios.Styles())
	_, err := ios.Out.Write(buf.Bytes())
	return err
}

// pad renders label padded to width, then styled (padding first, so ANSI
// codes do not break the alignment).
func pad(label string, width int) string {
	if n := width - len([]rune(label)); n > 0 {
		return label + strings.Repeat(" ", n)
	}
	return label
}

// claimText renders a claim value for people: strings bare (empty as ""),
// everything else as compact JSON exactly as written, through
// cmdutil.Safe (a claim is attacker-controlled).
func claimText(raw []byte) string {
	var s string
	if len(raw) > 0 && raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
		if s == "" {
			return `""`
		}
		return cmdutil.Safe(s)
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) == nil {
		return cmdutil.Safe(b.String())
	}
	return cmdutil.Safe(string(raw))
}

// printMediaWiki renders MediaWiki's verdict (verify's section; decode
// shows the parser's part of it through its warnings).
func printMediaWiki(w io.Writer, st *cmdutil.Styles, mw *mediawiki.Verdict, kv func(k, v string)) {
	fmt.Fprintln(w, st.Bold.Render(fmt.Sprintf("MediaWiki %s would answer (zero leeway, RS256 only)", mw.Version)))
	if !mw.Applicable {
		kv("n/a", mw.Note)
		return
	}
	switch {
	case mw.Accepted == nil:
		kv("verdict", st.Warn.Render("depends")+": "+cmdutil.Safe(mw.Reason))
		if strings.HasPrefix(mw.Reason, "depends on $wgOAuthStaticApps") {
			kv("hint", "--static-app KEY says $wgOAuthStaticApps defines the app (setting static-apps)")
		}
	case *mw.Accepted:
		kv("verdict", st.OK.Render("accepted"))
	default:
		kv("verdict", st.Err.Render("rejected")+": "+cmdutil.Safe(mw.Reason))
	}
	if mw.Detail != "" && mw.Detail != mw.Reason {
		kv("why", cmdutil.Safe(mw.Detail))
	}
	if len(mw.Violations) > 1 {
		kv("violations", cmdutil.Safe(strings.Join(mw.Violations, "; ")))
	}
	if u := mw.User; u != nil {
		kv("runs as", userText(u))
	}
	if a := mw.ActionAPI; a != nil {
		kv("api.php", cmdutil.Safe(httpLine(a)))
	}
	if r := mw.RESTProfile; r != nil {
		kv("oauth2/resource", cmdutil.Safe(httpLine(r)))
	}
	for _, d := range mw.DependsOn {
		kv("if", cmdutil.Safe(d))
	}
	if mw.Note != "" {
		kv("note", cmdutil.Safe(mw.Note))
	}
}

// userText words who a request runs as.
func userText(u *mediawiki.RequestUser) string {
	var s string
	switch {
	case u.Anonymous:
		s = "anonymous (user id 0)"
	case u.Name != nil && u.CentralID != nil:
		s = fmt.Sprintf("%s (central user id %d)", cmdutil.Safe(*u.Name), *u.CentralID)
	case u.CentralID != nil:
		s = fmt.Sprintf("central user id %d", *u.CentralID)
	default:
		s = "unknown"
	}
	if u.Source == "sub" {
		// From the token alone: its sub, or (master) its grant_type
		// client_credentials; the JSON's note says which.
		return s + " (a guess from the token: MediaWiki reads the user from the token row's acceptance; give a database to read it)"
	}
	if u.Anonymous {
		return s + " (the token row's acceptance is 0: a client_credentials token of a normal client, whatever its sub says)"
	}
	return s + " (from the token row's acceptance)"
}

// printGateway renders what Wikimedia's edge keys a request on.
func printGateway(w io.Writer, st *cmdutil.Styles, g *mediawiki.Gateway, kv func(k, v string)) {
	fmt.Fprintln(w, st.Bold.Render("Gateway keys (Wikimedia's edge)"))
	kv("sub", orDash(quoteIfEmpty(cmdutil.Safe(g.Sub))))
	kv("rlc", orDash(cmdutil.Safe(g.RLC)))
	kv("ratelimit", orDash(cmdutil.Safe(g.RateLimit)))
	for _, n := range g.Notes {
		kv("note", cmdutil.Safe(n))
	}
	fmt.Fprintln(w)
}

func quoteIfEmpty(s string) string {
	if s == "" {
		return `""`
	}
	return s
}

// printEnvoy renders Envoy jwt_authn's verdict (verify's and decode's).
func printEnvoy(w io.Writer, st *cmdutil.Styles, env *verdict.EnvoyVerdict, kv func(k, v string)) {
	fmt.Fprintln(w, st.Bold.Render(fmt.Sprintf("Envoy jwt_authn would answer (clock skew %d s)", env.SkewSeconds)))
	if env.Status == 200 {
		kv("verdict", st.OK.Render("passed to the upstream"))
	} else {
		kv("verdict", st.Err.Render(fmt.Sprintf("HTTP %d", env.Status))+" "+cmdutil.Safe(env.Reason))
		kv("WWW-Authenticate", cmdutil.Safe(env.WWWAuthenticate))
		kv("details", cmdutil.Safe(env.Details))
	}
	if env.JWKSStatus != "" {
		kv("jwks", cmdutil.Safe(env.JWKSStatus))
	}
	if env.Note != "" {
		kv("note", cmdutil.Safe(env.Note))
	}
}

// httpLine words one of MediaWiki's HTTP answers on a line: status,
// headers but the content type, error code, and hint or message.
func httpLine(a *mediawiki.HTTPAnswer) string {
	parts := []string{fmt.Sprintf("HTTP %d", a.Status)}
	for _, h := range a.Headers {
		if !strings.HasPrefix(h, "Content-type") {
			parts = append(parts, h)
		}
	}
	if a.Code != "" && !strings.Contains(strings.Join(a.Headers, " "), a.Code) {
		parts = append(parts, a.Code)
	}
	if a.Hint != "" {
		parts = append(parts, `hint "`+a.Hint+`"`)
	} else if a.Message != "" {
		parts = append(parts, `"`+a.Message+`"`)
	}
	line := strings.Join(parts, ", ")
	if a.Note != "" {
		line += " (" + a.Note + ")"
	}
	return line
}

// orDash shows an empty value as "-".
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
