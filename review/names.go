package review

import (
	"strings"
	"unicode"
)

// NormalizeName is the first half of the similarity rule: the name in
// lower case with everything but letters and digits dropped, so case,
// spaces, punctuation, symbols and invisible characters (zero-width, bidi
// controls) do not tell two names apart: "Web-Editor", "web editor" and
// "WebEditor\u200b" all become "webeditor".
func NormalizeName(name string) string {
	var b strings.Builder
	for _, r := range name {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// maxNameRunes bounds the work of one comparison: oarc_name is at most 128
// bytes, so a longer value is not a real name and only its start counts.
const maxNameRunes = 128

// Similar is the similarity rule: two consumer names are near duplicates
// when their normalised forms (NormalizeName) are equal and not empty, or,
// for a longer of 5 to 11 characters, at most 1 edit apart, or, for 12
// characters or more, at most 2 edits apart (Levenshtein distance over
// characters: insert, delete or replace one). Short names must match
// exactly: "Bot" and "Bit" are different tools.
func Similar(a, b string) bool {
	return similarNormalized([]rune(NormalizeName(a)), []rune(NormalizeName(b)), nil)
}

// similarNormalized applies the rule to normalised names; scratch, when
// not nil, is reused for the distance rows across calls.
func similarNormalized(a, b []rune, scratch *[]int) bool {
	if len(a) > maxNameRunes {
		a = a[:maxNameRunes]
	}
	if len(b) > maxNameRunes {
		b = b[:maxNameRunes]
	}
	n := max(len(a), len(b))
	limit := 0
	switch {
	case n == 0:
		return false
	case n >= 12:
		limit = 2
	case n >= 5:
		limit = 1
	}
	return withinDistance(a, b, limit, scratch)
}

// withinDistance reports whether the edit distance of a and b is at most
// k, filling only the diagonal band of width 2k+1 (a cell outside it is
// more than k edits away), so a comparison costs O(len·k), not O(len²).
func withinDistance(a, b []rune, k int, scratch *[]int) bool {
	if d := len(a) - len(b); d > k || -d > k {
		return false
	}
	if k == 0 {
		return string(a) == string(b)
	}
	const far = 1 << 30
	var buf []int
	if scratch != nil {
		buf = *scratch
	}
	if cap(buf) < 2*(len(b)+1) {
		buf = make([]int, 2*(len(b)+1))
		if scratch != nil {
			*scratch = buf
		}
	}
	buf = buf[:2*(len(b)+1)]
	prev, cur := buf[:len(b)+1], buf[len(b)+1:]
	for j := range prev {
		prev[j] = j
		if j > k {
			prev[j] = far
		}
	}
	for i := 1; i <= len(a); i++ {
		lo, hi := max(1, i-k), min(len(b), i+k)
		for j := range cur {
			cur[j] = far
		}
		if i <= k {
			cur[0] = i
		}
		best := cur[0]
		for j := lo; j <= hi; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > k {
			return false
		}
		prev, cur = cur, prev
	}
	return prev[len(b)] <= k
}
