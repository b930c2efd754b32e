package docgen

import (
	"fmt"
	"strings"
)

// roffText escapes s for running text: backslashes, "-" as \- (so that
// "--public-key" renders as two ASCII hyphen-minus a reader can paste),
// a leading "." or "'" (which would start a request), and every non-ASCII
// character as a \[uXXXX] escape, which groff and mandoc render in any
// locale without relying on preconv.
func roffText(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\e`)
		case r == '-':
			b.WriteString(`\-`)
		case (r == '.' || r == '\'') && i == 0:
			b.WriteString(`\&` + string(r))
		case r == '\t':
			b.WriteString("    ")
		case r < 0x20 || r == 0x7f:
			// Help text has no control characters; never emit one.
			fmt.Fprintf(&b, `\[u%04X]`, r)
		case r >= 0x80:
			fmt.Fprintf(&b, `\[u%04X]`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// roffLiteral escapes one line of a no-fill block (examples, indented
// help text); leading spaces are kept, as .nf keeps them.
func roffLiteral(s string) string {
	trimmed := strings.TrimLeft(s, " ")
	return strings.Repeat(" ", len(s)-len(trimmed)) + roffText(trimmed)
}

// roffArg quotes a macro argument.
func roffArg(s string) string {
	return `"` + strings.ReplaceAll(roffText(s), `"`, `\(dq`) + `"`
}

// roffParagraphs renders a cobra Long text. Blank lines separate
// paragraphs. Lines that start at the margin are prose and are filled;
// indented lines (lists, tables, INI and command samples, as the terminal
// help shows them) are kept as they are, in a no-fill block.
func roffParagraphs(text string) string {
	var b strings.Builder
	for _, para := range splitParagraphs(text) {
		b.WriteString(".PP\n")
		inLiteral := false
		for _, l := range para {
			literal := strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t")
			switch {
			case literal && !inLiteral:
				b.WriteString(".nf\n")
			case !literal && inLiteral:
				b.WriteString(".fi\n")
			}
			inLiteral = literal
			if literal {
				b.WriteString(roffLiteral(strings.ReplaceAll(l, "\t", "    ")))
			} else {
				b.WriteString(roffText(strings.TrimSpace(l)))
			}
			b.WriteByte('\n')
		}
		if inLiteral {
			b.WriteString(".fi\n")
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func splitParagraphs(text string) [][]string {
	var paras [][]string
	var cur []string
	for _, l := range strings.Split(strings.Trim(text, "\n"), "\n") {
		l = strings.TrimRight(l, " \t")
		if l == "" {
			if len(cur) > 0 {
				paras = append(paras, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, l)
	}
	if len(cur) > 0 {
		paras = append(paras, cur)
	}
	return paras
}
