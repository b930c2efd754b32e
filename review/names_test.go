package review

import (
	"strings"
	"testing"
)

func TestNormalizeName(t *testing.T) {
	for in, want := range map[string]string{
		"Web-Editor":         "webeditor",
		"web editor":         "webeditor",
		"WebEditor\u200b":    "webeditor",
		"Web\u202eEditor":    "webeditor",
		"ÉDIT Bot 2.0":       "éditbot20",
		"!!!":                "",
		"Ｗｅｂ":                "ｗｅｂ", // full-width letters are letters (no NFKC folding)
		"Alice's Owner-only": "alicesowneronly",
	} {
		if got := NormalizeName(in); got != want {
			t.Errorf("NormalizeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSimilar(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"Web Editor", "web-editor", true},                                   // equal after normalising
		{"Web Editor", "Web Editer", true},                                   // 9 chars, 1 edit
		{"Web Editor", "Web Edtr", false},                                    // 9 chars, 2 edits
		{"Leaky Client Credentials App", "Leaky Client Credential Ap", true}, // long, 2 edits
		{"Leaky Client Credentials App", "Leaky Clint Credential Ap", false}, // 3 edits
		{"Bot", "Bit", false},                                                // short names match exactly only
		{"Bot", "B.O.T", true},
		{"Tool", "Tool2", true}, // longer has 5 chars: 1 edit allowed
		{"", "", false},
		{"!!", "??", false}, // nothing left to compare
	} {
		if got := Similar(c.a, c.b); got != c.want {
			t.Errorf("Similar(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
		if got := Similar(c.b, c.a); got != c.want {
			t.Errorf("Similar(%q, %q) = %v, want %v (not symmetric)", c.b, c.a, got, c.want)
		}
	}
}

// levenshtein is the plain full-table distance the banded one must agree
// with.
func levenshtein(a, b []rune) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// Differential: the banded check answers as the full distance does, for
// every band width the rule uses.
func FuzzWithinDistance(f *testing.F) {
	f.Add("webeditor", "webediter")
	f.Add("kitten", "sitting")
	f.Add("", "ab")
	f.Add("abc", "cab")
	f.Fuzz(func(t *testing.T, a, b string) {
		ra, rb := []rune(a), []rune(b)
		if len(ra) > 64 || len(rb) > 64 {
			t.Skip()
		}
		d := levenshtein(ra, rb)
		for k := 0; k <= 3; k++ {
			if got := withinDistance(ra, rb, k, nil); got != (d <= k) {
				t.Fatalf("withinDistance(%q, %q, %d) = %v, distance is %d", a, b, k, got, d)
			}
		}
	})
}

func TestFindSimilarSkipsSameOwnerAndItself(t *testing.T) {
	index := []Known{
		{ID: 1, Name: "Web Editor", OwnerID: 1},
		{ID: 2, Name: "Web Editer", OwnerID: 2},
		{ID: 3, Name: "web editor", OwnerID: 3},
		{ID: 4, Name: "Something Else", OwnerID: 3},
	}
	got := FindSimilar("Web Editer", 2, 2, index)
	if len(got) != 2 || got[0].ID != 1 || got[1].ID != 3 {
		t.Errorf("FindSimilar = %+v, want ids 1 and 3", got)
	}
	if got := FindSimilar("Web Editer", 2, 1, index); len(got) != 1 || got[0].ID != 3 {
		t.Errorf("same owner not skipped: %+v", got)
	}
}

// A hostile 100 KB name costs no more than a 128-character one.
func TestSimilarBoundsLongNames(t *testing.T) {
	long := strings.Repeat("a", 100000)
	if !Similar(long, long+"b") {
		t.Error("two long names that agree on their first 128 characters are not similar")
	}
}

// BenchmarkFindSimilar is one proposal against 10,000 names of similar
// lengths (the worst case for the length buckets).
func BenchmarkFindSimilar(b *testing.B) {
	index := make([]Known, 10000)
	for i := range index {
		index[i] = KnownOf(consumer(int64(i+1), int64(i%500+1), "Tool number "+strings.Repeat("x", i%7)+string(rune('a'+i%26))))
	}
	x := newNameIndex()
	for _, k := range index {
		x.add(k)
	}
	for b.Loop() {
		x.similar("Tool number xxxq", 0, 0, maxSimilar)
	}
}

// A proposal whose name many consumers share keeps the first twenty and
// counts the rest.
func TestSimilarKeepsTheFirstAndCounts(t *testing.T) {
	x := newNameIndex()
	for i := int64(1); i <= 500; i++ {
		x.add(Known{ID: i, Name: "Bot", OwnerID: i})
	}
	m := x.similar("BOT", 1000, 0, maxSimilar)
	if m.Count != 500 || len(m.First) != maxSimilar || m.First[0].ID != 1 || m.First[19].ID != 20 {
		t.Errorf("count %d, first %d ids %d..%d", m.Count, len(m.First), m.First[0].ID, m.First[len(m.First)-1].ID)
	}
	if got := MatchesOf(FindSimilar("BOT", 1000, 0, x.all)); got.Count != 500 || len(got.First) != maxSimilar {
		t.Errorf("MatchesOf: %d of %d", len(got.First), got.Count)
	}
}
