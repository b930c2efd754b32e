package jwtutil

import (
	"errors"
	"strings"
	"testing"
)

func TestExtract(t *testing.T) {
	const tok = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"
	tests := []struct {
		name, in, want, wantErr string
	}{
		{name: "bare", in: tok, want: tok},
		{name: "whitespace and newline", in: "  " + tok + "\n", want: tok},
		{name: "double quotes", in: `"` + tok + `"`, want: tok},
		{name: "single quotes", in: `'` + tok + `'`, want: tok},
		{name: "bearer", in: "Bearer " + tok, want: tok},
		{name: "bearer lower case two spaces", in: "bearer  " + tok, want: tok},
		{name: "authorization header", in: "Authorization: Bearer " + tok, want: tok},
		{name: "authorization header in a curl line", in: `curl -H 'Authorization: Bearer ` + tok + `' https://wiki/w/api.php`, want: tok},
		{name: "authorization in a pasted request", in: "GET /w/api.php HTTP/1.1\r\nHost: wiki\r\nauthorization: Bearer " + tok + "\r\nAccept: */*\r\n", want: tok},
		{name: "session cookie pair", in: "sessionJwt=" + tok, want: tok},
		{name: "cookie header", in: "Cookie: enwikiSession=abc; sessionJwt=" + tok + "; other=1", want: tok},
		{name: "set-cookie", in: "Set-Cookie: sessionJwt=" + tok + "; path=/; secure; HttpOnly", want: tok},
		{name: "token endpoint response", in: `{"token_type":"Bearer","expires_in":3600,"access_token":"` + tok + `"}`, want: tok},
		{name: "implicit-grant redirect fragment", in: "https://tool.example/cb#access_token=" + tok + "&token_type=Bearer&expires_in=3600", want: tok},
		{name: "query parameter", in: "https://wiki.example/w/api.php?action=query&access_token=" + tok, want: tok},
		{name: "percent-encoded parameter", in: "https://x/cb#access_token=" + strings.ReplaceAll(tok, ".", "%2E") + "&state=s", want: tok},
		{name: "cookie pair in backticks (Markdown)", in: "`sessionJwt=" + tok + "`", want: tok},
		{name: "URL in backticks (Markdown)", in: "`https://x/cb#access_token=" + tok + "`", want: tok},
		{name: "empty cookie pair after a backtick (fuzz)", in: "`sessionJwt=", wantErr: "no token"},
		{name: "empty cookie pair after a vertical tab (fuzz)", in: "\"\vsessionJwt=", wantErr: "no token"},
		{name: "a cookie pair inside a cookie's value", in: "sessionJwt=sessionJwt=" + tok, want: tok},
		{name: "cookie pair after a comment's parenthesis", in: "(sessionJwt=" + tok, want: tok},
		{name: "empty", in: "  \n", wantErr: "no token in the input"},
		{name: "bearer and a comma (fuzz)", in: "BeArer,", wantErr: "no token"},
		{name: "bearer and a semicolon", in: "bearer;", wantErr: "no token"},
		{name: "bearer alone", in: "Bearer ", wantErr: "no token"},
		{name: "bad character", in: "abc.d€f.ghi", wantErr: "unexpected character"},
		{name: "too big", in: strings.Repeat("a", MaxTokenSize+1), wantErr: "64 KiB"},
		{name: "far too big", in: strings.Repeat("a", 5*MaxTokenSize), wantErr: "64 KiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Extract(tt.in)
			if tt.wantErr != "" {
				var e *Error
				if !errors.As(err, &e) || e.Class != ClassMalformed || !strings.Contains(e.Msg, tt.wantErr) {
					t.Fatalf("Extract() err = %v, want malformed %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Extract() = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
