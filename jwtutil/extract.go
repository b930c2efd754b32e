package jwtutil

import (
	"net/url"
	"regexp"
	"strings"
	"sync"
)

// MaxTokenSize bounds a single token. MediaWiki's tokens are under 1 KiB;
// anything near this size is an attack or a paste accident, and refusing it
// keeps base64 and JSON decoding bounded.
const MaxTokenSize = 64 << 10

// Regexps compile on first use: a one-token-per-process verify should not
// pay for patterns it never runs.
var (
	// "access_token":"…" from a pasted token-endpoint response.
	accessTokenJSON = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`"access_token"\s*:\s*"([^"]*)"`) })
	// sessionJwt=… as a cookie pair, in a Cookie: or Set-Cookie: header or
	// alone: the name starts the text or follows a character that cannot
	// be part of a token (a separator, a quote of any kind, Markdown's
	// backtick, any space TrimSpace removes).
	sessionCookie = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?:^|[^A-Za-z0-9_.=+/-])sessionJwt=([^;\s\v"',` + "`" + `]*)`)
	})
	// An Authorization header, in a pasted request or a curl -H argument.
	authHeader = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?im)authorization\s*:\s*(.*)$`) })
	// "Bearer" with any case, then whitespace; league strips it the same way.
	bearerPrefix = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)^\s*bearer(\s+|$)`) })
	// access_token=… in a pasted URL: the query of a resource request or
	// the fragment of an implicit-grant redirect (#access_token=…&…),
	// after any character that cannot be part of a token.
	urlParam = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?:^|[^A-Za-z0-9_.=+/-])access_token=([^&#;\s\v"'` + "`" + `]*)`)
	})
)

// Extract pulls one compact JWT out of pasted text: a bare token, "Bearer …",
// an "Authorization: Bearer …" line (also inside a curl command or a whole
// pasted request), a "sessionJwt=…" cookie pair (also inside a Cookie: or
// Set-Cookie: header), a token-endpoint JSON response, a URL carrying
// access_token= in its query or fragment, with surrounding quotes and
// whitespace. Errors are *Error with Class ClassMalformed.
//
// Extract only finds the token; Parse judges its structure.
func Extract(text string) (string, error) {
	if len(text) > 4*MaxTokenSize {
		return "", malformedf("input is %d bytes; a token is at most %d bytes (64 KiB)", len(text), MaxTokenSize)
	}
	s := strings.TrimSpace(text)
	// The common case, a bare token (from a file, an argument or a pipe),
	// needs none of the patterns below: compiling them is most of what
	// a one-token verify process would spend here. Only token characters
	// means no quotes, no header, no JSON and no space ('=' is a token
	// character, so a cookie pair is excluded by name); the one other text
	// the patterns would change is a lone "Bearer".
	if bareToken(s) {
		return s, nil
	}
	return extractPasted(s)
}

// bareToken reports whether Extract would return s unchanged; a test holds
// it to extractPasted's answer.
func bareToken(s string) bool {
	return s != "" && len(s) <= MaxTokenSize && allTokenChars(s) && !strings.EqualFold(s, "bearer") &&
		!strings.Contains(s, "sessionJwt=") && !strings.Contains(s, "access_token=")
}

// extractPasted finds the token in trimmed pasted text. What one pass
// finds may itself be pasted text ("Bearer Bearer x", "sessionJwt=" inside
// a cookie's value), so passes repeat until one changes nothing: Extract
// of its own answer is that answer. Each pass that changes the text
// shortens it, so this ends.
func extractPasted(s string) (string, error) {
	for {
		next, err := extractOnce(s)
		if err != nil || next == s {
			return next, err
		}
		s = next
	}
}

func extractOnce(s string) (string, error) {
	switch {
	case s == "":
		return "", malformedf("no token in the input")
	case strings.Contains(s, `"access_token"`):
		if m := accessTokenJSON().FindStringSubmatch(s); m != nil {
			s = m[1]
		}
	case strings.Contains(s, "sessionJwt="):
		if m := sessionCookie().FindStringSubmatch(s); m != nil {
			s = m[1]
		}
	case strings.Contains(s, "access_token="):
		if m := urlParam().FindStringSubmatch(s); m != nil {
			s = m[1]
			if strings.Contains(s, "%") {
				if u, err := url.QueryUnescape(s); err == nil {
					s = u
				}
			}
		}
	default:
		if m := authHeader().FindStringSubmatch(s); m != nil {
			s = m[1]
		}
	}
	s = trimQuotes(strings.TrimSpace(s))
	s = bearerPrefix().ReplaceAllString(s, "")
	// The token ends at the first space: the rest of a curl line or request.
	if i := strings.IndexAny(s, " \t\r\n"); i >= 0 {
		s = s[:i]
	}
	s = trimQuotes(s)
	s = strings.TrimRight(s, ";,")
	if s == "" || strings.EqualFold(s, "bearer") {
		// "Bearer," or "Bearer;" is the scheme word alone, not a token.
		return "", malformedf("no token in the input")
	}
	if len(s) > MaxTokenSize {
		return "", malformedf("token is %d bytes; the limit is %d bytes (64 KiB)", len(s), MaxTokenSize)
	}
	for i, r := range s {
		if !isTokenChar(r) {
			return "", malformedf("not a JWT: unexpected character %q at offset %d (a JWT is base64url segments joined by dots)", r, i)
		}
	}
	return s, nil
}

func allTokenChars(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isTokenChar(rune(s[i])) {
			return false
		}
	}
	return true
}

func trimQuotes(s string) string {
	for len(s) >= 1 {
		c := s[0]
		if c != '"' && c != '\'' && c != '`' {
			break
		}
		s = strings.TrimSpace(s[1:])
		if n := len(s); n > 0 && s[n-1] == c {
			s = strings.TrimSpace(s[:n-1])
		}
	}
	for n := len(s); n > 0 && (s[n-1] == '"' || s[n-1] == '\'' || s[n-1] == '`'); n = len(s) {
		s = s[:n-1]
	}
	return s
}

// isTokenChar accepts base64url, the dot separator and '=' padding (which
// Parse tolerates with a warning) plus '+' and '/' so that standard base64
// gets a precise error from Parse rather than a vague one here.
func isTokenChar(r rune) bool {
	switch {
	case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		return true
	case r == '-' || r == '_' || r == '.' || r == '=' || r == '+' || r == '/':
		return true
	}
	return false
}
