package logscan

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

func fixtureToken(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile("../commands/testdata/fixtures/tokens/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func TestExtract(t *testing.T) {
	tok := fixtureToken(t, "15-tokenA-cc.jwt")
	none := fixtureToken(t, "crafted/alg-none.jwt")
	other := fixtureToken(t, "16-tokenB-cc.jwt")
	cases := []struct {
		name, line string
		want       []string
	}{
		{"authorization header", "GET / HTTP/1.1\" 200 \"Authorization: Bearer " + tok + "\"", []string{tok}},
		{"query string", "GET /w/api.php?action=query&access_token=" + tok + "&format=json HTTP/1.1", []string{tok}},
		{"json field", `{"time":"2026-11-22T10:00:00Z","access_token":"` + tok + `","x":1}`, []string{tok}},
		{"json field with spaces", `{"access_token" : "` + tok + `"}`, []string{tok}},
		{"escaped json", `{"msg":"{\"access_token\":\"` + tok + `\"}"}`, []string{tok}},
		{"bare", "token=" + tok + " next", []string{tok}},
		{"bare at start and end", tok, []string{tok}},
		{"sentence dot", "the token " + tok + ". was used", []string{tok}},
		{"alg none keeps its empty signature", "Bearer " + none, []string{none}},
		{"two per line", "Bearer " + tok + " then access_token=" + other, []string{tok, other}},
		{"same token twice", tok + " " + tok, []string{tok, tok}},
		{"url-encoded bearer", "Authorization=Bearer%20" + tok, []string{tok}},
		{"garbage in authorization header", "Authorization: Bearer not-a-jwt", []string{"not-a-jwt"}},
		{"garbage in json authorization", `{"authorization":"Bearer xyz"}`, []string{"xyz"}},
		{"long opaque bearer elsewhere", `"Bearer abcdefghijklmnopqrstuvwxyz0123"`, []string{"abcdefghijklmnopqrstuvwxyz0123"}},
		{"prose is not a token", "error: missing Bearer authentication header", nil},
		{"two segments after bearer", "Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0", []string{"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0"}},
		{"two segments bare are not a JWT", "cursor=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0 ok", nil},
		{"four dots is a JWE-ish blob", "x eyJa.b.c.d.e y", nil},
		{"inside a longer base64 run", "xyzeyJhbGc.eyJzdWI.sig", nil},
		{"junk after the jwt in a bearer value", "Authorization: Bearer " + tok + "~x", []string{tok + "~x"}},
		{"access_token word in prose", "the access_token was empty", nil},
		{"my_access_token= is another key", "my_access_token=abc", nil},
		{"empty", "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			spans := Extract([]byte(c.line), nil)
			var got []string
			for _, s := range spans {
				got = append(got, c.line[s.Start:s.End])
			}
			if strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Errorf("Extract(%q)\n got %q\nwant %q", c.line, got, c.want)
			}
		})
	}
}

func TestExtractDoesNotAllocate(t *testing.T) {
	line := []byte(`192.0.2.1 - - [22/Nov/2026:10:07:55 +0000] "GET / HTTP/1.1" 200 1 "-" "curl" "Bearer ` + fixtureToken(t, "15-tokenA-cc.jwt") + `"`)
	dst := make([]Span, 0, 8)
	if n := testing.AllocsPerRun(100, func() { dst = Extract(line, dst[:0]) }); n != 0 {
		t.Errorf("Extract allocates %v times per line", n)
	}
}

func TestParseLogTime(t *testing.T) {
	want := time.Date(2026, 11, 22, 10, 7, 55, 0, time.UTC)
	for _, in := range []string{
		"2026-11-22T10:07:55Z", "2026-11-22T11:07:55+01:00", "22/Nov/2026:10:07:55 +0000", "[22/Nov/2026:11:07:55 +0100]",
		"1795342075", "1795342075000", "2026-11-22 10:07:55", "2026-11-22T10:07:55",
	} {
		got, ok := ParseLogTime([]byte(in))
		if !ok || !got.Equal(want) {
			t.Errorf("ParseLogTime(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	if got, ok := ParseLogTime([]byte("1795342075.5")); !ok || got.Sub(want) != 500*time.Millisecond {
		t.Errorf("fractional unix seconds: %v %v", got, ok)
	}
	for _, bad := range []string{"", "yesterday", "22/Nov/2026", "12ab"} {
		if _, ok := ParseLogTime([]byte(bad)); ok {
			t.Errorf("ParseLogTime(%q) accepted", bad)
		}
	}
}

func TestLineClock(t *testing.T) {
	field, _ := NewTimeSource("ts", "")
	c := newLineClock(field)
	if tm, ok := c.Time([]byte(`{"msg":"ts","ts": 1795342075, "x":"y"}`)); !ok || tm.Sec != 1795342075 {
		t.Errorf("numeric field: %v %v", tm, ok)
	}
	if tm, ok := c.Time([]byte(`{"ts":"2026-11-22T10:07:55Z"}`)); !ok || tm.Sec != 1795342075 {
		t.Errorf("string field: %v %v", tm, ok)
	}
	if _, ok := c.Time([]byte(`not json`)); ok {
		t.Error("a line without the field has a time")
	}
	re, err := NewTimeSource("", `\[([^\]]+)\]`)
	if err != nil {
		t.Fatal(err)
	}
	c = newLineClock(re)
	for i := 0; i < 2; i++ { // second round is served from the cache
		if tm, ok := c.Time([]byte(`192.0.2.1 - - [22/Nov/2026:10:07:55 +0000] "GET /"`)); !ok || tm.Sec != 1795342075 {
			t.Errorf("regex: %v %v", tm, ok)
		}
	}
	if _, err := NewTimeSource("", `\[.*\]`); err == nil {
		t.Error("a regex without a group was accepted")
	}
	if _, err := NewTimeSource("time", `(x)`); err == nil {
		t.Error("both sources were accepted")
	}
}

// FuzzExtract holds the extractor to its own rules on any line: spans lie
// in the line; the vector token loop and the table loop find the same
// spans; and a bare JWT's recorded dots are its
// dots, so the spelling check that reads them agrees with the one that
// searches.
func FuzzExtract(f *testing.F) {
	tok := fixtureToken(f, "15-tokenA-cc.jwt")
	for _, s := range []string{
		"Authorization: Bearer " + tok, "the token " + tok + ". was used", tok + " " + tok,
		"x eyJa.b.c.d.e y", "Authorization: Bearer " + tok + "~x", `{"access_token":"` + tok + `"}`,
		"eyJa.b.. eyJa..b eyJ.a.b", "access_token=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0A.c2ln=",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		spans := Extract(line, nil)
		for k, sp := range spans {
			if sp.Start < 0 || sp.End > len(line) || sp.Start >= sp.End {
				t.Fatalf("span %d %+v outside %q", k, sp, line)
			}
			cand := line[sp.Start:sp.End]
			if d1, d2 := int(sp.dot1), int(sp.dot2); d1 != 0 {
				if bytes.Count(cand, []byte{'.'}) != 2 || cand[d1] != '.' || cand[d2] != '.' {
					t.Fatalf("span %q: dots recorded at %d and %d", cand, d1, d2)
				}
			}
			if spanNeedsRespelling(cand, sp) != needsRespelling(cand) {
				t.Fatalf("span %q: the spelling checks disagree", cand)
			}
		}
		if haveAVX2 {
			haveAVX2 = false
			table := Extract(line, nil)
			haveAVX2 = true
			if !slices.Equal(spans, table) {
				t.Fatalf("Extract(%q): vector %v, table %v", line, spans, table)
			}
		}
	})
}

// TestIsWord holds isWord's two loads to bytes.HasPrefix, at every length
// and with each byte of the word changed.
func TestIsWord(t *testing.T) {
	for _, word := range [][]byte{bearerWord, accessToken} {
		for _, s := range []string{string(word) + " x", "Bearer", "access_token", "access_tokens", "Bearers", "bearer ", "ACCESS_TOKEN"} {
			b := []byte(s)
			for n := 0; n <= len(b); n++ {
				if got, want := isWord(b[:n], word), bytes.HasPrefix(b[:n], word); got != want {
					t.Errorf("isWord(%q, %q) = %v, want %v", b[:n], word, got, want)
				}
			}
			for i := range min(len(b), len(word)) {
				c := slices.Clone(b)
				c[i] ^= 0x20
				if got, want := isWord(c, word), bytes.HasPrefix(c, word); got != want {
					t.Errorf("isWord(%q, %q) = %v, want %v", c, word, got, want)
				}
			}
		}
	}
}

// TestContextFastPath: a gap that ends "Bearer " before its JWT is taken
// without the searches; the searches, started before the Bearer, must say
// the same, whatever is around it.
func TestContextFastPath(t *testing.T) {
	for _, gap := range []string{"Bearer ", "Authorization: Bearer ", "xBearer ", "_Bearer ", "-Bearer ",
		"Bearer  ", "a Bearer Bearer ", "access_token=x Bearer ", "Bearer", "earer ", "\"Bearer "} {
		for _, rest := range []string{"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln", ""} {
			line := []byte(gap + rest)
			to := len(gap)
			at := bytes.Index(line[:to], bearerWord) // the gap's first, as scanLine passes it
			firstU := bytes.Index(line[:to], []byte("_token"))
			fast, fastJWT := contextCandidates(line, 0, to, nil, at, firstU)
			slow, slowJWT := contextCandidates(line, 0, to, nil, 0, max(firstU, 0))
			if firstU < 0 {
				slow, slowJWT = contextCandidates(line, 0, to, nil, 0, -1)
			}
			if !slices.Equal(fast, slow) || fastJWT != slowJWT {
				t.Errorf("%q: from the Bearer %v %v, from the gap's start %v %v", line, fast, fastJWT, slow, slowJWT)
			}
		}
	}
}

// TestContextFastPathAccessToken: "access_token=" just before the JWT,
// the gap's only keyword, is the access_token fast path; whatever the
// gap, contextCandidates answers as its searches do (started from the
// gap's start, with the fast paths' conditions made false: a Bearer
// position past the gap, where none is found).
func TestContextFastPathAccessToken(t *testing.T) {
	for _, gap := range []string{"access_token=", "GET /w/api.php?format=json&access_token=", "?access_token=",
		"xaccess_token=", "_access_token=", "-access_token=", "access_token==", "access_token=x&access_token=",
		"access_token=abcdefghijklmnopqrstuvwxyz&access_token=", "Bearer abcdefghijklmnopqrstuvwxyz access_token=",
		"ccess_token=", "access_token", "access_token =", "\"access_token\":\"", "access_tokens=", "access_token=%20"} {
		for _, rest := range []string{"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln", ""} {
			line := []byte(gap + rest)
			to := len(gap)
			firstB := bytes.Index(line[:to], bearerWord)
			firstU := -1
			if at := bytes.Index(line[:to], accessToken); at >= 0 {
				firstU = at + len("access") // the gap's first, as scanLine passes it
			}
			fast, fastJWT := contextCandidates(line, 0, to, nil, firstB, firstU)
			slowB := to
			if firstB >= 0 {
				slowB = 0
			}
			slow, slowJWT := contextCandidates(line, 0, to, nil, slowB, len("access"))
			if !slices.Equal(fast, slow) || fastJWT != slowJWT {
				t.Errorf("%q: from the gap's keywords %v %v, searched %v %v", line, fast, fastJWT, slow, slowJWT)
			}
		}
	}
}
