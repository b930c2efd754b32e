package token

import (
	"bytes"
	"encoding/json"
	"strings"
)

// pad renders label padded to width, then styled (padding first, so ANSI
// codes do not break the alignment).
func pad(label string, width int) string {
	if n := width - len([]rune(label)); n > 0 {
		return label + strings.Repeat(" ", n)
	}
	return label
}

// claimText renders a claim value for people: strings bare (empty as ""),
// everything else as compact JSON exactly as written.
func claimText(raw []byte) string {
	var s string
	if len(raw) > 0 && raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
		if s == "" {
			return `""`
		}
		return strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return '?'
			}
			return r
		}, s)
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) == nil {
		return b.String()
	}
	return string(raw)
}
