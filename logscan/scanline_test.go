package logscan

import (
	"bytes"
	"slices"
	"testing"
	"unicode/utf8"
)

// referenceExtract is the extractor as it was before scanLine: on a line
// already split and stripped of its '\r', "eyJ" found by bytes.Index, each
// keyword searched for over its whole gap, the token run by the table
// loop. What a JWT's run adds (jwtCandidate) is the one rule both call.
func referenceExtract(line []byte) []Span {
	var dst []Span
	i := 0
	for {
		j := bytes.Index(line[i:], jwtPrefix)
		if j < 0 {
			j = len(line)
		} else {
			j += i
		}
		var ctxJWT bool
		dst, ctxJWT = contextCandidates(line, i, j, dst, i, i+len("access"))
		if j == len(line) {
			return dst
		}
		var dots runDots
		end := tokenRunTable(line, j+len(jwtPrefix), &dots)
		dst, i = jwtCandidate(line, j, end, &dots, ctxJWT, dst, 0)
	}
}

// checkScanLines walks data line by line as the worker does, and holds
// scanLine to the reference: the same line end, the same spans in the same
// order, and plain exactly when the line's bytes outside its bare JWT runs
// hold no NUL and nothing over 0x7f (then the line is text).
func checkScanLines(t *testing.T, data []byte) {
	t.Helper()
	for len(data) > 0 {
		spans, n, plain := scanLine(data, nil)
		want := bytes.IndexByte(data, '\n')
		if want < 0 {
			want = len(data)
		}
		if n != want {
			t.Fatalf("scanLine(%q): line ends at %d, want %d", data, n, want)
		}
		line := bytes.TrimSuffix(data[:n], []byte{'\r'})
		if ref := referenceExtract(line); !slices.Equal(spans, ref) {
			t.Fatalf("scanLine(%q): spans %v, reference %v", line, spans, ref)
		}
		ascii := !bytes.ContainsFunc(data[:n], func(r rune) bool { return r == 0 || r >= utf8.RuneSelf })
		if plain && !ascii {
			t.Fatalf("scanLine(%q): plain, but the line has a NUL or a byte over 0x7f", line)
		}
		if ascii && !plain {
			t.Fatalf("scanLine(%q): not plain, but the line is ASCII without NUL", line)
		}
		if plain && len(spans) > 0 && !textOutside(line, slices.Clone(spans)) {
			t.Fatalf("scanLine(%q): plain, but not text outside %v", line, spans)
		}
		if n == len(data) {
			return
		}
		data = data[n+1:]
	}
}

func TestScanLineAgrees(t *testing.T) {
	tok := fixtureToken(t, "15-tokenA-cc.jwt")
	for _, s := range []string{
		"Authorization: Bearer " + tok + "\r\nnext line eyJ" + tok[3:] + "\n",
		"a\x00b Bearer " + tok + "\nx\xffy " + tok + " Bearer\n\n\r\n",
		`{"client_ip":"1","access_token":"` + tok + `","b":"Bearer short"}` + "\n" + tok,
		"access_token=abc~Bearer+" + tok + "\nBearer%20" + tok + "\r",
		"ééé Bearer " + tok + " ünd access_token=" + tok + "~x\n",
		tok + tok + "\n" + tok + "." + tok,
		"Authorization: Bearer opaque\nHTTP_AUTHORIZATION=Bearer x\n",
	} {
		checkScanLines(t, []byte(s))
		if haveAVX2 {
			haveAVX2 = false
			checkScanLines(t, []byte(s))
			haveAVX2 = true
		}
	}
}

func FuzzScanLine(f *testing.F) {
	tok := fixtureToken(f, "15-tokenA-cc.jwt")
	for _, s := range []string{
		"Authorization: Bearer " + tok + "\r\nnext " + tok, "a\x00b eyJa.b.c\n\xff Bearer " + tok,
		`{"access_token":"` + tok + `"}` + "\n_B_J\n", "access_token=abc~Bearer+" + tok,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkScanLines(t, data)
	})
}

// gapEnd runs gapNext to the gap's end (its first stop other than 'B'
// and '_'), handling each 'B' and '_' it returns as scanLine does, and
// returns where and the keywords noted, the vector loop's or not.
func gapEnd(line []byte, i, from int, vector bool) (int, [2]int) {
	defer func(v bool) { haveAVX2 = v }(haveAVX2)
	haveAVX2 = haveAVX2 && vector
	kw := [2]int{-1, -1}
	for {
		k := gapNext(line, i, from, &kw)
		if k == len(line) || line[k] != 'B' && line[k] != '_' {
			return k, kw
		}
		if line[k] == 'B' {
			if kw[0] < 0 && wordAt(line, k, from, bearerWord) {
				kw[0] = k
			}
		} else if kw[1] < 0 && wordAt(line, k-len("access"), from, accessToken) {
			kw[1] = k
		}
		i = k + 1
	}
}

// TestGapNextAgrees holds the vector loop (its stops, and the keywords it
// notes instead of returning them) to the byte loop, with every stop byte
// and both keywords, whole or cut, at every place in lines of up to 100
// bytes.
func TestGapNextAgrees(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no vector loop on this CPU")
	}
	pieces := []string{"J", "B", "_", "\n", "\x00", "\x80", "\xff", ".", "\r", "I", "A", "^", "`",
		"Bearer", "Beare", "access_token", "ccess_token", "access_toke", "x_token", "Bearer Bearer"}
	for _, p := range pieces {
		for size := 0; size < 100; size++ {
			for at := 0; at <= size; at++ {
				line := bytes.Repeat([]byte{'a'}, size)
				line = append(line[:at], append([]byte(p), line[at:]...)...)
				line = append(line, "_Bearer"[:size%8]...)
				for from := 0; from <= min(len(line), 40); from += 7 {
					for i := from; i <= min(len(line), from+13); i += 6 {
						gk, gkw := gapEnd(line, i, from, true)
						wk, wkw := gapEnd(line, i, from, false)
						if gk != wk || gkw != wkw {
							t.Fatalf("gapNext(%q, %d, from %d): stops at %d with %v, byte loop %d with %v", line, i, from, gk, gkw, wk, wkw)
						}
					}
				}
			}
		}
	}
}
