package jwtutil

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// The fuzz targets assert the promises the commands rely on: never panic,
// errors are always a classified *Error, and what Parse accepts can be
// explained, verified and re-serialised. Seed corpora live in
// testdata/fuzz/<target>; a plain "go test" replays them.

func FuzzExtract(f *testing.F) {
	f.Add("Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln")
	f.Add("Cookie: a=b; sessionJwt=eyJ0.eyJ1.c; c=d")
	f.Add(`{"access_token":"a.b.c"}`)
	f.Fuzz(func(t *testing.T, in string) {
		got, err := Extract(in)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Class != ClassMalformed {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		if got == "" || len(got) > MaxTokenSize {
			t.Fatalf("Extract returned %d bytes", len(got))
		}
		if again, err := Extract(got); err != nil || again != got {
			t.Fatalf("Extract is not idempotent: %q -> %q, %v", got, again, err)
		}
	})
}

// FuzzExtractBareToken holds Extract's shortcut for bare tokens to the
// pattern-based path it skips.
func FuzzExtractBareToken(f *testing.F) {
	for _, s := range []string{"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln", "Bearer", "bEaReR", "bearerx", "sessionJwt=a.b.c",
		"xsessionJwt=a", "a=b", "a.b.c==", "a+b/c", "Authorization", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s := strings.TrimSpace(in)
		if !bareToken(s) {
			return
		}
		got, err := extractPasted(s)
		if err != nil || got != s {
			t.Fatalf("shortcut returns %q, the patterns give %q, %v", s, got, err)
		}
	})
}

func FuzzParse(f *testing.F) {
	f.Add("eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJhIiwiZXhwIjoxNzk1MzQyMDc1LjUyNTYyNX0.c2ln")
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, in string) {
		tok, err := Parse(in)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Class != ClassMalformed {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		if len(tok.ClaimOrder) != len(tok.Claims) {
			t.Fatalf("claim order %v does not match %d claims", tok.ClaimOrder, len(tok.Claims))
		}
		// Untouched rewriting must give the payload back byte for byte.
		same, err := rewriteObject(tok.PayloadJSON, nil, nil, nil)
		if err != nil || string(same) != string(tok.PayloadJSON) {
			t.Fatalf("identity rewrite changed the payload: %q -> %q (%v)", tok.PayloadJSON, same, err)
		}
		for _, n := range tok.ClaimOrder {
			edited, err := rewriteObject(tok.PayloadJSON, nil, nil, map[string]bool{n: true})
			if err != nil || !json.Valid(edited) {
				t.Fatalf("removing %q gave invalid JSON %q (%v)", n, edited, err)
			}
		}
	})
}
