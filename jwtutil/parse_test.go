package jwtutil

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseRealToken(t *testing.T) {
	tok := parseFixture(t, "tokens/15-tokenA-cc.jwt")
	if got := string(tok.HeaderJSON); got != `{"typ":"JWT","alg":"RS256"}` {
		t.Errorf("header = %s", got)
	}
	wantOrder := []string{"aud", "jti", "iat", "nbf", "exp", "sub", "iss", "scopes"}
	if !slices.Equal(tok.ClaimOrder, wantOrder) {
		t.Errorf("claim order = %v, want %v", tok.ClaimOrder, wantOrder)
	}
	if tok.Alg() != "RS256" || len(tok.Signature) != 256 {
		t.Errorf("alg %q, signature %d bytes", tok.Alg(), len(tok.Signature))
	}
	exp := tok.TimeClaim("exp")
	if exp.Raw != "1795342075.525625" || exp.Form != TimeFloat || exp.Date != Date(expA) {
		t.Errorf("exp = %+v", exp)
	}
	if iat := tok.TimeClaim("iat"); !iat.Numeric || iat.Date != Date(issuedA) {
		t.Errorf("iat = %+v, want %v", iat, issuedA)
	}
	if len(tok.Deviations) != 0 {
		t.Errorf("a real token has deviations %v", tok.Deviations)
	}
	if sub, ok := tok.StringClaim("sub"); !ok || sub != "" {
		t.Errorf("sub = %q %v", sub, ok)
	}
}

func TestParseMalformed(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"garbage", "not-a-jwt", "1 segment"},
		{"two segments", "eyJhIjoxfQ.eyJhIjoxfQ", "2 segment"},
		{"JWE", "a.b.c.d.e", "encrypted JWE"},
		{"bad base64 header", "e$J.eyJhIjoxfQ.", "header is not valid base64url"},
		{"standard base64", "eyJhIjoxfQ.eyJh+IjoxfQ.", "standard base64"},
		{"header not JSON", b64("{nope") + "." + b64(`{}`) + ".", "header is not valid JSON"},
		{"payload an array", b64(`{"alg":"RS256"}`) + "." + b64(`[1,2]`) + ".", "payload is not a JSON object"},
		{"payload a string", b64(`{"alg":"RS256"}`) + "." + b64(`"x"`) + ".", "payload is not a JSON object"},
		{"payload null", b64(`{"alg":"RS256"}`) + "." + b64(`null`) + ".", "payload is not a JSON object"},
		{"empty payload", b64(`{"alg":"RS256"}`) + "..", "payload segment is empty"},
		{"over 64 KiB", strings.Repeat("a", MaxTokenSize+1), "64 KiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.in)
			var e *Error
			if !errors.As(err, &e) || e.Class != ClassMalformed || !strings.Contains(e.Msg, tt.want) {
				t.Fatalf("Parse() err = %v, want malformed %q", err, tt.want)
			}
		})
	}
}

func TestParseKeepsNumbersAndDuplicates(t *testing.T) {
	raw := b64(`{"alg":"RS256"}`) + "." + b64(`{"exp":1795342075.525625,"iat":"1795338475","n":12345678901234567890,"sub":"1","sub":"2"}`) + "."
	tok, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if got := tok.Claims["n"].(interface{ String() string }).String(); got != "12345678901234567890" {
		t.Errorf("big number = %s", got)
	}
	if !slices.Equal(tok.Duplicates, []string{"sub"}) || tok.Claims["sub"] != "2" {
		t.Errorf("duplicates %v, sub %v", tok.Duplicates, tok.Claims["sub"])
	}
	iat := tok.TimeClaim("iat")
	if iat.Form != TimeString || !iat.Numeric || iat.Date.Sec != 1795338475 {
		t.Errorf("iat = %+v", iat)
	}
	if !tok.HasDeviation(DevDuplicateKey) {
		t.Error("duplicate sub not recorded")
	}
}

func TestNumericDateForms(t *testing.T) {
	tests := []struct {
		raw  string
		form string
		want time.Time
		ok   bool
	}{
		{`1795342075`, TimeInt, time.Unix(1795342075, 0), true},
		{`1795342075.525625`, TimeFloat, time.Unix(1795342075, 525625000), true},
		{`1.795342075e9`, TimeFloat, time.Unix(1795342075, 0), true},
		{`"1795342075.5"`, TimeString, time.Unix(1795342075, 500000000), true},
		{`"tomorrow"`, TimeString, time.Time{}, false},
		{`true`, TimeOther, time.Time{}, false},
		{`-5`, TimeInt, time.Unix(-5, 0), true},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			tok, err := Parse(b64(`{"alg":"RS256"}`) + "." + b64(`{"exp":`+tt.raw+`}`) + ".")
			if err != nil {
				t.Fatal(err)
			}
			tc := tok.TimeClaim("exp")
			if tc.Form != tt.form || tc.Numeric != tt.ok || (tt.ok && tc.Date != Date(tt.want)) {
				t.Errorf("TimeClaim = %+v, want form %s ok %v time %v", tc, tt.form, tt.ok, tt.want)
			}
		})
	}
}

func TestPHPNumericDate(t *testing.T) {
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Unix(1795342075, 525625000), "1795342075.525625"},
		{time.Unix(1795338475, 527430000), "1795338475.52743"}, // PHP drops the trailing zero
		{time.Unix(1795338475, 527432000), "1795338475.527432"},
		{time.Unix(1795342075, 0), "1795342075"},                 // zero µs: lcobucci writes an int
		{time.Unix(1795342075, 999), "1795342075"},               // below a microsecond
		{time.Unix(33352247249, 884230000), "33352247249.88423"}, // owner-only exp, year 3026
	}
	for _, tt := range tests {
		if got := PHPNumericDate(tt.t); got != tt.want {
			t.Errorf("PHPNumericDate(%v) = %s, want %s", tt.t, got, tt.want)
		}
	}
}

func TestHumanDuration(t *testing.T) {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		at   time.Time
		want string
	}{
		{now.Add(41*time.Minute + 10*time.Second), "expires in 41m"},
		{now.Add(-3*time.Hour - 5*time.Minute), "expired 3h5m ago"},
		{now.Add(-3 * time.Minute), "expired 3m ago"},
		{now.Add(30 * time.Second), "expires in 30s"},
		{now.Add(90 * time.Second), "expires in 1m30s"},
		{now.AddDate(0, 0, 3).Add(4 * time.Hour), "expires in 3d4h"},
		{now.AddDate(1000, 0, 0), "expires in 1000y"},
		{now, "expired just now"},
	}
	for _, tt := range tests {
		if got := Relative(now, tt.at, "expired", "expires"); got != tt.want {
			t.Errorf("Relative(%v) = %q, want %q", tt.at, got, tt.want)
		}
	}
}
