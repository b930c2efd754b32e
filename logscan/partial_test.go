package logscan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// shards cuts a log into n parts at line boundaries.
func shards(log []byte, n int) [][]byte {
	lines := bytes.SplitAfter(log, []byte{'\n'})
	var out [][]byte
	for i := 0; i < n; i++ {
		out = append(out, bytes.Join(lines[i*len(lines)/n:(i+1)*len(lines)/n], nil))
	}
	return out
}

func scanToPartial(t testing.TB, o Options, name string, log []byte) []byte {
	t.Helper()
	o.Output = OutputPartial
	rep := scanReport(t, o, map[string][]byte{name: log}, name)
	defer rep.Close()
	var buf bytes.Buffer
	if err := rep.WritePartial(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func merge(t testing.TB, o MergeOptions, inputs ...[]byte) (*Report, error) {
	t.Helper()
	m := NewMerger(o)
	for i, in := range inputs {
		if err := m.Feed(context.Background(), fmt.Sprintf("p%d", i), bytes.NewReader(in)); err != nil {
			m.Close()
			return nil, err
		}
	}
	return m.Finish()
}

// TestMergeMatchesOneScan is the "done when" at test size: four
// shards of a generated log, each scanned to a partial, merge into exactly
// the report one scan of the four shards makes, in every mode; with a
// small memory limit on the merge (spilling) too; and the merge's partial
// is the one scan's partial, byte for byte.
func TestMergeMatchesOneScan(t *testing.T) {
	g := testLog(t)
	parts := shards(g.log, 4)
	inputs, names := map[string][]byte{}, []string{}
	for i, p := range parts {
		name := fmt.Sprintf("shard-%d.log", i+1)
		inputs[name] = p
		names = append(names, name)
	}
	for name, o := range scanModes(t) {
		t.Run(name, func(t *testing.T) {
			one := runScan(t, o, inputs, names...)
			var partials [][]byte
			for _, n := range names {
				partials = append(partials, scanToPartial(t, o, n, inputs[n]))
			}
			for _, limit := range []int64{0, 1} {
				rep, err := merge(t, MergeOptions{Output: o.Output, MemoryLimit: limit, TempDir: t.TempDir()}, partials...)
				if err != nil {
					t.Fatal(err)
				}
				if a, b := reportJSON(t, one), reportJSON(t, collect(t, rep)); !bytes.Equal(a, b) {
					t.Errorf("limit %d: merged report differs:\none scan %s\nmerged   %s", limit, a, b)
				}
			}
			// Concatenated in one stream, each line behind a shuffle key.
			var stream bytes.Buffer
			for i, p := range partials {
				for j, line := range bytes.SplitAfter(p, []byte{'\n'}) {
					if len(line) > 0 {
						fmt.Fprintf(&stream, "%02d:%08d\t%s", i, j, line)
					}
				}
			}
			rep, err := merge(t, MergeOptions{Output: o.Output}, stream.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			if a, b := reportJSON(t, one), reportJSON(t, collect(t, rep)); !bytes.Equal(a, b) {
				t.Errorf("one stream with shuffle keys: merged report differs")
			}
			// A merge's partial is the one scan's partial.
			op := o
			op.Output = OutputPartial
			whole := scanReport(t, op, inputs, names...)
			var want, got bytes.Buffer
			if err := whole.WritePartial(&want); err != nil {
				t.Fatal(err)
			}
			whole.Close()
			rep, err = merge(t, MergeOptions{Output: OutputPartial}, partials...)
			if err != nil {
				t.Fatal(err)
			}
			if err := rep.WritePartial(&got); err != nil {
				t.Fatal(err)
			}
			rep.Close()
			if !bytes.Equal(want.Bytes(), got.Bytes()) {
				t.Errorf("merged partial differs from one scan's")
			}
		})
	}
}

// TestMergeIDKey: with an id key every host names a token alike (so the
// merge matches one scan), the ids differ from sha256's, and partials of
// another key, or of none, are refused.
func TestMergeIDKey(t *testing.T) {
	g := testLog(t)
	parts := shards(g.log, 2)
	o := scanModes(t)["tokens"]
	o.IDKey = []byte("0123456789abcdef0123456789abcdef")
	one := runScan(t, o, map[string][]byte{"a": parts[0], "b": parts[1]}, "a", "b")
	pa, pb := scanToPartial(t, o, "a", parts[0]), scanToPartial(t, o, "b", parts[1])
	rep, err := merge(t, MergeOptions{Output: OutputTokens}, pa, pb)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := reportJSON(t, one), reportJSON(t, collect(t, rep)); !bytes.Equal(a, b) {
		t.Error("keyed: merged report differs from one scan")
	}
	plain := runScan(t, scanModes(t)["tokens"], map[string][]byte{"a": parts[0], "b": parts[1]}, "a", "b")
	if plain.Tokens[0].ID == one.Tokens[0].ID {
		t.Error("the keyed id is sha256's")
	}
	if bytes.Contains(pa, []byte(plain.Tokens[0].ID)) {
		t.Error("a keyed partial holds a sha256 id")
	}
	for _, other := range [][]byte{nil, []byte("another key, just as long as it")} {
		o2 := o
		o2.IDKey = other
		_, err := merge(t, MergeOptions{}, pa, scanToPartial(t, o2, "b", parts[1]))
		if !errors.Is(err, ErrBadPartial) || !strings.Contains(err.Error(), "ids ") {
			t.Errorf("key %q: %v", other, err)
		}
	}
}

// TestMergeRefuses: what is not a partial of this version, partials
// judged otherwise, and damaged or truncated partials each get one clear
// error naming the input and line.
func TestMergeRefuses(t *testing.T) {
	g := testLog(t)
	o := scanModes(t)["tokens"]
	good := scanToPartial(t, o, "a", shards(g.log, 4)[0])
	lines := strings.SplitAfter(string(good), "\n")
	later := o
	later.At = later.At.Add(1)
	// lateFirst moves the first span in line i of the partial past its
	// last sighting: i 0 is the header's totals, 1 the first token.
	lateFirst := func(i int) string {
		l := append([]string(nil), lines...)
		l[i] = strings.Replace(l[i], `"first":{"file":0,"line":`, `"first":{"file":0,"line":99999999`, 1)
		return strings.Join(l, "")
	}
	cases := map[string]struct {
		in   []string
		want string
	}{
		"empty":                         {[]string{""}, "p0:1: no partial in the input"},
		"a log":                         {[]string{string(g.log[:2000])}, "p0:1: not a partial"},
		"version 2":                     {[]string{strings.Replace(string(good), `{"mwoauth_scan_partial":1`, `{"mwoauth_scan_partial":2`, 1)}, "partial format version 2; this mwoauth reads version 1"},
		"truncated":                     {[]string{strings.Join(lines[:len(lines)-3], "")}, "ends without its end line"},
		"count off":                     {[]string{strings.Replace(string(good), `"count":`, `"count":1`, 1)}, "is not the sum of the uses"},
		"unknown field":                 {[]string{strings.Replace(string(good), `{"token":{`, `{"token":{"x":1,`, 1)}, `unknown field "x"`},
		"end off":                       {[]string{strings.Replace(string(good), `{"end":{"tokens":`, `{"end":{"tokens":9`, 1)}, "the end line counts"},
		"other --at":                    {[]string{string(good), string(scanToPartial(t, later, "b", shards(g.log, 4)[1]))}, "p1:1: judged otherwise than the partials before it: judged_at"},
		"bad file":                      {[]string{strings.Replace(string(good), `"first":{"file":0`, `"first":{"file":7`, 1)}, "file 7: there are 1"},
		"verdict ends before it starts": {[]string{lateFirst(0)}, "p0:1: totals expired: last sighting before the first"},
		"token ends before it starts":   {[]string{lateFirst(1)}, "p0:2: token: last sighting before the first"},
	}
	for name, c := range cases {
		var in [][]byte
		for _, s := range c.in {
			in = append(in, []byte(s))
		}
		_, err := merge(t, MergeOptions{}, in...)
		if !errors.Is(err, ErrBadPartial) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
		if err != nil && strings.Count(err.Error(), "\n") > 0 {
			t.Errorf("%s: a multi-line error: %q", name, err)
		}
	}
}

// FuzzReadPartial: whatever the input, the reader returns a report or an
// error, never panics, and what it accepts writes back as a partial it
// accepts again with the same report.
func FuzzReadPartial(f *testing.F) {
	f.Add([]byte(`{"mwoauth_scan_partial":1,"settings":{"judged_at":"2026-11-22T12:00:00Z","time_source":"at","database":false,"mediawiki_version":"master","ids":"sha256","verify":{"algs":["RS256"],"keys":[],"secret":false,"issuer":"","audience":"","leeway":"0s","wiki":"","subject_scope":"","static_apps":[]}},"files":["a.log"],"totals":{"bytes":10,"lines":1,"lines_with_tokens":1,"skipped_binary":0,"skipped_too_long":0,"lines_without_time":0,"occurrences":1,"verdicts":{"ok":{"first":{"file":0,"line":1},"last":{"file":0,"line":1}}}}}
{"token":{"id":"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff","jti":"j","aud":"a","sub":"1","count":1,"uses":{"ok":1},"first":{"file":0,"line":1,"sec":1795341601,"usec":5},"last":{"file":0,"line":1}}}
{"end":{"tokens":1,"consumers":0}}
`))
	f.Add([]byte("{\"mwoauth_scan_partial\":7}\n"))
	f.Add([]byte("k\t{\"end\":{}}\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		rep, err := merge(t, MergeOptions{Output: OutputPartial, MemoryLimit: 1, TempDir: t.TempDir()}, in)
		if err != nil {
			if !errors.Is(err, ErrBadPartial) {
				t.Fatalf("error without ErrBadPartial: %v", err)
			}
			return
		}
		var out bytes.Buffer
		if err := rep.WritePartial(&out); err != nil {
			t.Fatal(err)
		}
		first := reportJSON(t, collect(t, rep))
		again, err := merge(t, MergeOptions{Output: OutputPartial}, out.Bytes())
		if err != nil {
			t.Fatalf("a written partial is refused: %v\n%s", err, out.Bytes())
		}
		if second := reportJSON(t, collect(t, again)); !bytes.Equal(first, second) {
			t.Fatalf("the report changed on the way through a partial:\n%s\n%s", first, second)
		}
	})
}
