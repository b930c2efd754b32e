package logscan

import (
	"bytes"
	"crypto/rsa"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mwoauth/mwoauth/jwtutil"
	"github.com/mwoauth/mwoauth/verdict"
)

// respell sets spare bits in the last character of the token's signature
// (256 bytes: 342 characters, the last carries 2 bits of data).
func respell(t *testing.T, tok string) string {
	t.Helper()
	last := tok[len(tok)-1]
	v := strings.IndexByte(b64urlAlphabet, last)
	if v < 0 || v&0x0f != 0 {
		t.Fatalf("unexpected last character %q", last)
	}
	return tok[:len(tok)-1] + string(b64urlAlphabet[v|0x05])
}

func TestCanonicalSpelling(t *testing.T) {
	tok := fixtureToken(t, "15-tokenA-cc.jwt")
	other := respell(t, tok)
	for _, tc := range []struct{ in, want string }{
		{tok, tok},
		{other, tok},
		{"eyJhIjoxfQ==.eyJiIjoyfQ.c2ln", "eyJhIjoxfQ.eyJiIjoyfQ.c2ln"},
		{"QR.QS.QT", "QQ.QQ.QQ"}, // 2 characters: 2 data bits in the last
		{"QUJ.QUL", "QUI.QUI"},   // 3 characters: 4 data bits in the last
		{"not-a-jwt", "not-a-jwt"},
		{"a.b=c.d", "a.b=c.d"}, // '=' inside a segment is no padding
	} {
		got, respelled := canonicalSpelling([]byte(tc.in), nil)
		if string(got) != tc.want || respelled != (tc.in != tc.want) {
			t.Errorf("canonicalSpelling(%q) = %q, %v; want %q", tc.in, got, respelled, tc.want)
		}
	}
}

// Two spellings of one token are one token; the use of the other spelling
// is malformed (MediaWiki's parser refuses it), the other use is judged
// as usual.
func TestRespelledTokenIsOneToken(t *testing.T) {
	k := loadKeys(t)
	tok := fixtureToken(t, "15-tokenA-cc.jwt")
	if _, err := jwtutil.Parse(respell(t, tok)); err != nil {
		t.Fatalf("the other spelling must parse for mwoauth: %v", err)
	}
	log := fmt.Sprintf("[2026-11-22T09:30:00Z] Bearer %s\n[2026-11-22T09:31:00Z] Bearer %s\n", tok, respell(t, tok))
	for _, perLine := range []bool{false, true} {
		o := Options{Output: OutputTokens, Verify: verdict.Options{Keys: []*rsa.PublicKey{k.pub}}, At: time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)}
		if perLine {
			var err error
			if o.Times, err = NewTimeSource("", `\[([^\]]+)\]`); err != nil {
				t.Fatal(err)
			}
		}
		rep := runScan(t, o, map[string][]byte{"a.log": []byte(log)}, "a.log")
		if len(rep.Tokens) != 1 || rep.Summary.UniqueTokens != 1 {
			t.Fatalf("per-line %v: %d tokens: %+v", perLine, len(rep.Tokens), rep.Tokens)
		}
		tr := rep.Tokens[0]
		if tr.Count != 2 || tr.Verdict != jwtutil.ClassMalformed || tr.Uses["ok"] != 1 || tr.Uses["malformed"] != 1 || tr.Detail != respelledDetail {
			t.Errorf("per-line %v: %+v", perLine, tr)
		}
	}
}

func FuzzCanonicalSpelling(f *testing.F) {
	f.Add([]byte("eyJhIjoxfQ==.eyJiIjoyfQ.c2lo"))
	f.Add([]byte("QR.QS.QT"))
	f.Add([]byte("=.=="))
	f.Fuzz(func(t *testing.T, cand []byte) {
		for _, c := range cand {
			if b64urlValue[c] < 0 && c != '.' && c != '=' {
				t.Skip() // Go's decoder skips line breaks; sodium's does not
			}
		}
		got, respelled := canonicalSpelling(cand, nil)
		if needsRespelling(got) {
			t.Fatalf("%q respelled to %q, which is not canonical", cand, got)
		}
		if !respelled && !bytes.Equal(got, cand) {
			t.Fatalf("%q changed without saying so", cand)
		}
		// Each segment decodes to the same bytes (as lenient base64url).
		a, b := bytes.Split(cand, []byte{'.'}), bytes.Split(got, []byte{'.'})
		if len(a) != len(b) {
			t.Fatalf("%q: segments %d -> %d", cand, len(a), len(b))
		}
		for i := range a {
			x, errX := base64.RawURLEncoding.DecodeString(strings.TrimRight(string(a[i]), "="))
			y, errY := base64.RawURLEncoding.Strict().DecodeString(string(b[i]))
			if errX == nil && (errY != nil || !bytes.Equal(x, y)) {
				t.Fatalf("%q segment %d: %x -> %x (%v)", cand, i, x, y, errY)
			}
		}
	})
}

// TestSpanNeedsRespelling: the extractor's check of a bare JWT's three
// segment ends is needsRespelling's, for
// every length mod 4 of each segment (an empty last one too) and every
// character of the run's alphabet (base64url) at its end.
func TestSpanNeedsRespelling(t *testing.T) {
	seg := func(n int, last byte) string {
		if n == 0 {
			return ""
		}
		return strings.Repeat("A", n-1) + string(last)
	}
	for which := range 3 {
		for n := 0; n < 8; n++ {
			if n == 0 && which < 2 || which == 0 && n < 4 {
				continue // the header is "eyJ…", the first two segments are never empty
			}
			for _, c := range []byte(b64urlAlphabet) {
				parts := []string{"eyJA", "AAAA", "AAAA"}
				parts[which] = seg(n, c)
				if which == 0 {
					parts[0] = "eyJ" + seg(n-3, c)
				}
				cand := []byte(strings.Join(parts, "."))
				d1 := len(parts[0])
				sp := Span{End: len(cand), dot1: int32(d1), dot2: int32(d1 + 1 + len(parts[1]))}
				if got, want := spanNeedsRespelling(cand, sp), needsRespelling(cand); got != want {
					t.Fatalf("%q: spanNeedsRespelling %v, needsRespelling %v", cand, got, want)
				}
			}
		}
	}
}
