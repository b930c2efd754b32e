package token

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
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
// everything else as compact JSON exactly as written, through
// cmdutil.Safe (a claim is attacker-controlled).
func claimText(raw []byte) string {
	var s string
	if len(raw) > 0 && raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
		if s == "" {
			return `""`
		}
		return cmdutil.Safe(s)
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) == nil {
		return cmdutil.Safe(b.String())
	}
	return cmdutil.Safe(string(raw))
}
