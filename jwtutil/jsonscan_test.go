package jwtutil

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestScanObject(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	tests := []struct {
		doc  string
		want JSONProblem
		keys []string
	}{
		{`{}`, JSONOK, nil},
		{` { "a" : 1 , "b":[true,false,null,{"c":"d"}] } `, JSONOK, []string{"a", "b"}},
		{`{"a\u0062":"x\n","":0}`, JSONOK, []string{"ab", ""}},
		{`{"a":"\ud83d\ude00"}`, JSONOK, []string{"a"}}, // a paired surrogate
		{`{"a":1,}`, JSONSyntax, nil},
		{`{"a":[1,]}`, JSONSyntax, nil},
		{`{"a":01}`, JSONSyntax, nil},
		{`{"a":1}x`, JSONSyntax, nil},
		{`{"a":"` + "\x01" + `"}`, JSONSyntax, nil},
		{`{"a":"` + "\xff" + `"}`, JSONUTF8, nil},
		{`{"a":"\ud800"}`, JSONSurrogate, nil},
		{`{"a":"\udc00x"}`, JSONSurrogate, nil},
		{`{"a":` + deep(511) + `}`, JSONOK, []string{"a"}}, // 512 levels with the object
		{`{"a":` + deep(512) + `}`, JSONDepth, nil},        // 513
		{`[1]`, JSONNotAnObject, nil},
		{`"x"`, JSONNotAnObject, nil},
		{``, JSONSyntax, nil},
	}
	for _, tt := range tests {
		s := ScanObject([]byte(tt.doc))
		var m Member
		var keys []string
		for s.Next(&m) {
			keys = append(keys, m.Key([]byte(tt.doc)))
		}
		if s.Problem() != tt.want {
			t.Errorf("%.40q: problem %v, want %v", tt.doc, s.Problem(), tt.want)
			continue
		}
		if tt.want == JSONOK && strings.Join(keys, ",") != strings.Join(tt.keys, ",") {
			t.Errorf("%.40q: keys %q, want %q", tt.doc, keys, tt.keys)
		}
	}
	// A tolerant scan reads past what only PHP refuses, and notes it.
	s := ScanObjectTolerant([]byte(`{"a":"` + "\xff" + `","b":"\ud800"}`))
	var m Member
	n := 0
	for s.Next(&m) {
		n++
	}
	if s.Problem() != JSONOK || n != 2 || s.Noted() != JSONUTF8 {
		t.Errorf("tolerant scan: problem %v, %d members, noted %v", s.Problem(), n, s.Noted())
	}
}

// Parse reads past what lcobucci refuses but a lenient reader can show,
// and records each deviation; MediaWiki's parser refuses every one.
func TestParseRecordsDeviations(t *testing.T) {
	hdr := b64(`{"typ":"JWT","alg":"RS256"}`)
	// "e30" is {}; "e31" decodes to the same bytes with non-zero unused bits.
	if a, _ := base64.RawURLEncoding.DecodeString("e30"); string(a) != "{}" {
		t.Fatal("fixture")
	}
	tests := []struct {
		name, raw, code string
	}{
		{"padding", hdr + "=." + b64(`{"a":1}`) + ".c2ln", DevPadding},
		{"trailing bits", hdr + ".e31.c2ln", DevTrailingBits},
		{"invalid utf-8", hdr + "." + b64("{\"a\":\"\xff\"}") + ".c2ln", DevInvalidUTF8},
		{"surrogate", hdr + "." + b64(`{"a":"\udc00"}`) + ".c2ln", DevSurrogate},
		{"depth", hdr + "." + b64(`{"a":`+strings.Repeat("[", 600)+strings.Repeat("]", 600)+`}`) + ".c2ln", DevDepth},
		{"empty key", hdr + "." + b64(`{"":1}`) + ".c2ln", DevEmptyKey},
		{"duplicate", hdr + "." + b64(`{"sub":"1","sub":"2"}`) + ".c2ln", DevDuplicateKey},
	}
	for _, tt := range tests {
		tok, err := Parse(tt.raw)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !tok.HasDeviation(tt.code) {
			t.Errorf("%s: deviations %v, want %s", tt.name, tok.Deviations, tt.code)
		}
	}
	// The second spelling decodes to the same bytes as the canonical one,
	// but only the canonical one passes the strict decoder.
	if a, ok := DecodeSegment("e30"); !ok || string(a) != "{}" {
		t.Error("canonical segment refused")
	}
	for _, bad := range []string{"e31", "e30=", "e3\n0", "e3+0"} {
		if _, ok := DecodeSegment(bad); ok {
			t.Errorf("DecodeSegment(%q) accepted", bad)
		}
	}
}

// FuzzScanObject holds the one scanner to encoding/json: whatever it
// accepts strictly is valid JSON to Go, and what Go accepts that is valid
// UTF-8 without escapes in the surrogate range, it accepts tolerantly.
func FuzzScanObject(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1,"b":[{"c":null}]}`, `{"a":"\ud800"}`, "{\"\xff\":1}", `{"a":1e999}`, `[1,2]`, `{"a":` + strings.Repeat("[", 600)} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s := ScanObject(b)
		var m Member
		var last int
		for s.Next(&m) {
			if m.Start < last || m.ValStart <= m.Start || m.End < m.ValStart || m.End > len(b) {
				t.Fatalf("bad offsets %+v", m)
			}
			last = m.End
			_ = m.Key(b)
		}
		strictOK := s.Problem() == JSONOK
		goOK := json.Valid(b) && len(b) > 0 && strings.HasPrefix(strings.TrimLeft(string(b), " \t\r\n"), "{")
		if strictOK && !goOK {
			t.Fatalf("strict scan accepts %q, which Go refuses", b)
		}
		tol := ScanObjectTolerant(b)
		for tol.Next(&m) {
		}
		if tol.Problem() == JSONOK && !goOK {
			t.Fatalf("tolerant scan accepts %q, which Go refuses", b)
		}
		if goOK && utf8.Valid(b) && !strings.Contains(strings.ToLower(string(b)), `\ud`) && strings.Count(string(b), "[")+strings.Count(string(b), "{") < 500 && !strictOK {
			t.Fatalf("strict scan refuses %q (%v), which is plain valid JSON", b, s.Problem())
		}
	})
}

// FuzzPHPDate: every JSON value gets a status, never a panic, a number
// and its string spelling get the same date, and PHPDateValue (the scan's
// shortcut for the numbers MediaWiki writes) gives PHPDate's date.
func FuzzPHPDate(f *testing.F) {
	for _, s := range []string{`1795342075.525625`, `4294967295.999999`, `4294967296.5`, `0.0000005`, `1e16`, `-1.5`, `"12 "`, `true`, `1e400`, `33352247249.88423`, `9223372036854775807`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		kind, p := ValidateJSON([]byte(s))
		if p != JSONOK {
			return
		}
		d, st, _ := PHPDate(kind, []byte(s))
		if dv, stv := PHPDateValue(kind, []byte(s)); dv != d || stv != st {
			t.Fatalf("PHPDateValue(%s) = %+v/%d, PHPDate %+v/%d", s, dv, stv, d, st)
		}
		if st == DateOK && (d.Usec < 0 || d.Usec > 999999) {
			t.Fatalf("PHPDate(%s) microseconds out of range: %+v", s, d)
		}
		if kind == KindNumber {
			d2, st2, _ := PHPDate(KindString, []byte(`"`+s+`"`))
			if st != st2 || d != d2 {
				t.Fatalf("%s and \"%s\" differ: %+v/%d vs %+v/%d", s, s, d, st, d2, st2)
			}
		}
	})
}
