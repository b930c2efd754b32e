package doctest

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Script is the bash program that runs one document's shell blocks.
type Script struct {
	Text   string
	Blocks []Block // the blocks that run, in order
	mdLine []int   // script line (1-based index) -> Markdown line; 0 for harness lines
}

// MarkdownLine maps a line of the script (as bash's $LINENO counts) to the
// Markdown line it came from, or 0 when the line is the harness's own.
func (s *Script) MarkdownLine(scriptLine int) int {
	if scriptLine < 1 || scriptLine >= len(s.mdLine) {
		return 0
	}
	return s.mdLine[scriptLine]
}

// Names the script uses; a document must not define them.
const (
	fnFail   = "__doctest_fail"
	fnExpect = "__doctest_expect"
	fnBlock  = "__doctest_block"
	varSt    = "__doctest_st"
)

// exitNote is the trailing "# exit N" comment that declares a command's
// expected exit status ("# exit 5", "# exit 5: expired").
var exitNote = regexp.MustCompile(`^#\s*exit\s+(\d{1,3})(?:$|[\s:;,(])`)

// Build writes the script for blocks. statusPath is the file the script
// reports to (one line per event: "fail LINE STATUS" for a command that
// failed unannounced (a script line, see MarkdownLine), "exit MDLINE GOT
// WANT" for an announced status not met (a Markdown line),
// "done" at the end); marker starts the line that separates the output of
// each block ("MARKER INDEX").
//
// The shell runs with -u (an unset variable is an error, as a doc that
// uses an undefined $TOKEN is wrong) and pipefail (a failing mwoauth in
// front of jq is a failure, not jq's success). Every command must exit 0
// unless its line ends in "# exit N"; then it must exit exactly N.
func Build(blocks []Block, statusPath, marker string) (*Script, error) {
	s := &Script{mdLine: []int{0}}
	var out strings.Builder
	emit := func(md int, line string) {
		out.WriteString(line)
		out.WriteByte('\n')
		s.mdLine = append(s.mdLine, md)
	}
	emit(0, "set -uo pipefail")
	emit(0, "exec 9>>"+shellQuote(statusPath))
	emit(0, fnFail+`() { printf 'fail %s %s\n' "$2" "$1" >&9; }`)
	emit(0, fnExpect+`() { [ "$1" = "$2" ] || printf 'exit %s %s %s\n' "$3" "$1" "$2" >&9; }`)
	emit(0, fnBlock+`() { printf '\n%s %s\n' `+shellQuote(marker)+` "$1"; }`)
	emit(0, `trap '`+fnFail+` "$?" "$LINENO"' ERR`)
	for _, b := range blocks {
		if !b.Runs() {
			continue
		}
		lines, err := annotate(b)
		if err != nil {
			return nil, err
		}
		emit(b.Line, fnBlock+" "+strconv.Itoa(len(s.Blocks)))
		s.Blocks = append(s.Blocks, b)
		for j, l := range lines {
			md := b.Line + 1 + j
			emit(md, l)
		}
	}
	emit(0, `printf 'done\n' >&9`)
	s.Text = out.String()
	return s, nil
}

// annotate rewrites the lines of b that carry "# exit N" so that the status
// is checked instead of trapped: the logical command (with its backslash
// continuations) becomes `__doctest_st=0; CMD || __doctest_st=$?;
// __doctest_expect "$__doctest_st" N LINE`. A command in an || list does
// not fire the ERR trap, so the expected failure is not reported twice.
// The check names the Markdown line, so the report needs no mapping.
func annotate(b Block) ([]string, error) {
	lines := append([]string(nil), b.Body...)
	lx := lexer{}
	start := 0 // first line of the current logical command
	for j, l := range b.Body {
		if strings.Contains(l, "__doctest") {
			return nil, fmt.Errorf("line %d: __doctest names are the harness's", b.Line+1+j)
		}
		if lx.atCommandStart() {
			start = j
		}
		comment := lx.line(l)
		if comment < 0 {
			continue
		}
		m := exitNote.FindStringSubmatch(l[comment:])
		if m == nil {
			continue
		}
		code, _ := strconv.Atoi(m[1])
		cmd := strings.TrimRight(l[:comment], " \t")
		if code > 255 {
			return nil, fmt.Errorf("line %d: exit status %d is over 255", b.Line+1+j, code)
		}
		if strings.TrimSpace(cmd) == "" {
			return nil, fmt.Errorf("line %d: \"# exit %d\" on a line without a command", b.Line+1+j, code)
		}
		if lx.pendingHeredoc() || strings.HasSuffix(cmd, "|") || strings.HasSuffix(cmd, "&&") || strings.HasSuffix(cmd, "||") {
			return nil, fmt.Errorf("line %d: \"# exit %d\" must end the command it is about", b.Line+1+j, code)
		}
		suffix := fmt.Sprintf(` || %s=$?; %s "$%s" %d %d`, varSt, fnExpect, varSt, code, b.Line+1+j)
		if start == j {
			lines[j] = varSt + "=0; " + cmd + suffix
		} else {
			lines[start] = varSt + "=0; " + lines[start]
			lines[j] = cmd + suffix
		}
	}
	if !lx.atCommandStart() {
		return nil, fmt.Errorf("line %d: the block ends inside a quote, heredoc or continued line", b.Line)
	}
	return lines, nil
}

// lexer follows just enough of bash's syntax across lines to find comments
// and where a command ends: quotes, backslashes, heredocs, and trailing
// operators that continue a command on the next line.
type lexer struct {
	quote    byte     // open ' or " carried to the next line
	cont     bool     // the last line ended in an operator or a backslash
	heredoc  []string // delimiters waiting for their bodies, in order
	inDoc    bool     // reading a heredoc body (heredoc[0] ends it)
	stripTab []bool   // <<- for each pending delimiter
}

func (lx *lexer) atCommandStart() bool {
	return lx.quote == 0 && !lx.cont && !lx.inDoc && len(lx.heredoc) == 0
}

func (lx *lexer) pendingHeredoc() bool { return len(lx.heredoc) > 0 }

// line consumes one line and returns the byte offset of its comment, or -1.
func (lx *lexer) line(l string) int {
	if lx.inDoc {
		body := l
		if lx.stripTab[0] {
			body = strings.TrimLeft(body, "\t")
		}
		if body == lx.heredoc[0] {
			lx.heredoc, lx.stripTab = lx.heredoc[1:], lx.stripTab[1:]
			lx.inDoc = len(lx.heredoc) > 0
		}
		return -1
	}
	comment := -1
	lx.cont = false
	i := 0
	for i < len(l) {
		c := l[i]
		switch {
		case lx.quote == '\'':
			if c == '\'' {
				lx.quote = 0
			}
		case lx.quote == '"':
			if c == '\\' {
				i++
			} else if c == '"' {
				lx.quote = 0
			}
		case c == '\\':
			if i == len(l)-1 {
				lx.cont = true
			}
			i++
		case c == '\'' || c == '"':
			lx.quote = c
		case c == '#' && (i == 0 || strings.IndexByte(" \t;&|()", l[i-1]) >= 0):
			comment = i
			i = len(l)
			continue
		case c == '<' && strings.HasPrefix(l[i:], "<<") && !strings.HasPrefix(l[i:], "<<<"):
			i = lx.heredocStart(l, i+2)
			continue
		}
		i++
	}
	code := l
	if comment >= 0 {
		code = l[:comment]
	}
	code = strings.TrimRight(code, " \t")
	if lx.quote == 0 && (strings.HasSuffix(code, "|") || strings.HasSuffix(code, "&&")) {
		lx.cont = true
	}
	if lx.quote == 0 && len(lx.heredoc) > 0 {
		lx.inDoc = true
	}
	return comment
}

// heredocStart reads the delimiter after "<<" (optionally "-", spaces, and a
// quoted or bare word) and returns the offset after it.
func (lx *lexer) heredocStart(l string, i int) int {
	strip := false
	if i < len(l) && l[i] == '-' {
		strip = true
		i++
	}
	for i < len(l) && (l[i] == ' ' || l[i] == '\t') {
		i++
	}
	var word strings.Builder
	for i < len(l) && strings.IndexByte(" \t;&|()<>", l[i]) < 0 {
		if l[i] == '\'' || l[i] == '"' {
			q := l[i]
			end := strings.IndexByte(l[i+1:], q)
			if end < 0 {
				word.WriteString(l[i+1:])
				i = len(l)
				break
			}
			word.WriteString(l[i+1 : i+1+end])
			i += end + 2
			continue
		}
		if l[i] == '\\' && i+1 < len(l) {
			i++
		}
		word.WriteByte(l[i])
		i++
	}
	if word.Len() > 0 {
		lx.heredoc = append(lx.heredoc, word.String())
		lx.stripTab = append(lx.stripTab, strip)
	}
	return i
}

// shellQuote quotes s for bash in single quotes.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
