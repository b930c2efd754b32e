package loggen

import (
	"bytes"
	"crypto/rsa"
	"testing"

	"github.com/mwoauth/mwoauth/internal/fixtures"
	"github.com/mwoauth/mwoauth/jwtutil"
	"github.com/mwoauth/mwoauth/jwtutil/keys"
)

func testKeys(t *testing.T) (*rsa.PrivateKey, *rsa.PrivateKey) {
	t.Helper()
	var out [2]*rsa.PrivateKey
	for i, name := range []string{"oauth2-private.pem", "other-private.pem"} {
		var err error
		if out[i], err = keys.ParsePrivateKey(fixtures.Key(name)); err != nil {
			t.Fatal(err)
		}
	}
	return out[0], out[1]
}

func TestGenerateIsDeterministicAndCounted(t *testing.T) {
	key, forger := testKeys(t)
	cfg := Config{Lines: 3000, Seed: 42, Key: key, Forger: forger, Binary: 4, TooLong: 1}
	var a, b, c bytes.Buffer
	ga, err := Generate(&a, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(&b, cfg); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("the same seed wrote different logs")
	}
	cfg.Seed = 43
	if _, err := Generate(&c, cfg); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Fatal("different seeds wrote the same log")
	}

	e := ga.Expect
	if got := int64(bytes.Count(a.Bytes(), []byte{'\n'})); got != e.Lines || e.Lines != 3000 {
		t.Errorf("lines: wrote %d, expect says %d", got, e.Lines)
	}
	if int64(a.Len()) != e.Bytes {
		t.Errorf("bytes: wrote %d, expect says %d", a.Len(), e.Bytes)
	}
	if e.SkippedBinary != 4 || e.SkippedTooLong != 1 {
		t.Errorf("special lines: %d binary, %d too long", e.SkippedBinary, e.SkippedTooLong)
	}
	kinds := 0
	for _, n := range e.Kinds {
		kinds += n
	}
	if kinds != e.UniqueTokens || len(ga.Tokens) != e.UniqueTokens {
		t.Errorf("kinds add up to %d, %d tokens used, unique %d", kinds, len(ga.Tokens), e.UniqueTokens)
	}
	for mode, c := range e.Modes {
		var toks int
		var uses int64
		for _, n := range c.TokensByVerdict {
			toks += n
		}
		for _, n := range c.UsesByVerdict {
			uses += n
		}
		if toks != e.UniqueTokens || uses != e.Occurrences {
			t.Errorf("%s: %d tokens and %d uses by verdict, want %d and %d", mode, toks, uses, e.UniqueTokens, e.Occurrences)
		}
	}
	// The database changes verdicts only through wiki-state, and the line
	// times only between ok and expired.
	if e.Modes["at+db"].TokensByVerdict["wiki-state"] == 0 || e.Modes["at"].TokensByVerdict["wiki-state"] != 0 {
		t.Errorf("wiki-state tokens: %v / %v", e.Modes["at"].TokensByVerdict, e.Modes["at+db"].TokensByVerdict)
	}
	if e.Modes["per-line"].UsesByVerdict["expired"] >= e.Modes["at"].UsesByVerdict["expired"] {
		t.Errorf("per-line times should turn some expired uses back into ok ones: %v vs %v",
			e.Modes["per-line"].UsesByVerdict, e.Modes["at"].UsesByVerdict)
	}
	// Every token the log carries is a real RS256 token (or a deliberate malformed one).
	for _, tk := range ga.Tokens {
		if !bytes.Contains(a.Bytes(), []byte(tk.Text)) {
			t.Fatalf("token %s... is not in the log", tk.Text[:20])
		}
		if tk.Kind == Malformed {
			continue
		}
		if _, err := jwtutil.Parse(tk.Text); err != nil {
			t.Errorf("%s token does not parse: %v", tk.Kind, err)
		}
	}
}

func TestParseMix(t *testing.T) {
	m, err := ParseMix("valid=900, forged=100")
	if err != nil || m[Valid] != 900 || m[Forged] != 100 || m[Expired] != 0 {
		t.Errorf("ParseMix: %v %v", m, err)
	}
	if m, err := ParseMix("incident"); err != nil || m[Valid] != 600 || m[Forged] != 200 || m[Expired] != 200 || m[Revoked] != 0 {
		t.Errorf("ParseMix(incident): %v %v", m, err)
	}
	for _, bad := range []string{"valid", "valid=x", "bogus=1", "valid=-1", "Incident"} {
		if _, err := ParseMix(bad); err == nil {
			t.Errorf("ParseMix(%q) accepted", bad)
		}
	}
}

func TestGenerateRefusesBadConfig(t *testing.T) {
	key, forger := testKeys(t)
	var buf bytes.Buffer
	if _, err := Generate(&buf, Config{Lines: 0, Key: key, Forger: forger}); err == nil {
		t.Error("zero lines accepted")
	}
	if _, err := Generate(&buf, Config{Lines: 10, Key: key}); err == nil {
		t.Error("missing forger key accepted")
	}
	if _, err := Generate(&buf, Config{Lines: 2, Binary: 3, Key: key, Forger: forger}); err == nil {
		t.Error("more special lines than lines accepted")
	}
}
