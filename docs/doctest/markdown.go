// Package doctest runs the shell blocks of the README and the guides as a
// reader pastes them: every fenced sh block of a file, in order, in one bash
// shell, with the exit status of every command checked. The conventions a
// document follows are described in docs/README.md ("Docs are tested").
//
// This file finds the blocks; script.go turns them into the bash script.
package doctest

import (
	"bytes"
	"fmt"
	"strings"
)

// Block is one fenced code block of a Markdown file.
type Block struct {
	Line int      // 1-based line of the opening fence
	Lang string   // first word of the info string ("sh", "ini", …)
	Body []string // the lines between the fences, the fence's indentation removed
	Skip string   // reason given by <!-- doc-test: skip: REASON -->; "" when the block runs
}

// IsShell reports whether a block in this language is run: sh, bash or shell.
func IsShell(lang string) bool {
	switch lang {
	case "sh", "bash", "shell":
		return true
	}
	return false
}

// Runs reports whether the harness runs the block.
func (b Block) Runs() bool { return IsShell(b.Lang) && b.Skip == "" }

// directivePrefix starts the only HTML comment the harness reads.
const directivePrefix = "<!-- doc-test:"

// Parse returns every fenced code block of a Markdown document. It rejects
// what would let a block escape testing or silently change meaning: an
// unterminated fence, a fence without a language (say sh to run it, text
// for output), a "console" block (write sh without prompts), an unknown or
// empty doc-test directive, and a directive that is not directly followed
// (blank lines allowed) by a shell block.
func Parse(md []byte) ([]Block, error) {
	lines := strings.Split(string(bytes.TrimSuffix(md, []byte("\n"))), "\n")
	var (
		blocks  []Block
		pending *Block // a directive waiting for its block
		pendAt  int
	)
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSuffix(lines[i], "\r")
		indent, char, n, info, ok := openingFence(line)
		if !ok {
			trimmed := strings.TrimSpace(line)
			switch {
			case strings.HasPrefix(trimmed, directivePrefix):
				if pending != nil {
					return nil, fmt.Errorf("line %d: doc-test directive of line %d is not followed by a code block", i+1, pendAt)
				}
				reason, err := parseDirective(trimmed)
				if err != nil {
					return nil, fmt.Errorf("line %d: %v", i+1, err)
				}
				pending, pendAt = &Block{Skip: reason}, i+1
			case trimmed == "":
			case pending != nil:
				return nil, fmt.Errorf("line %d: doc-test directive is not followed by a code block", pendAt)
			}
			continue
		}
		b := Block{Line: i + 1}
		if pending != nil {
			b.Skip = pending.Skip
			pending = nil
		}
		b.Lang, _, _ = strings.Cut(strings.TrimSpace(info), " ")
		switch {
		case b.Lang == "":
			return nil, fmt.Errorf("line %d: code block without a language (sh runs it; text, ini, json… do not)", i+1)
		case b.Lang == "console":
			return nil, fmt.Errorf("line %d: console block: write it as sh, without prompts, so that it runs", i+1)
		case b.Skip != "" && !IsShell(b.Lang):
			return nil, fmt.Errorf("line %d: doc-test skip on a %s block, which never runs", i+1, b.Lang)
		}
		closed := false
		for i++; i < len(lines); i++ {
			l := strings.TrimSuffix(lines[i], "\r")
			if closingFence(l, char, n) {
				closed = true
				break
			}
			b.Body = append(b.Body, dedent(l, indent))
		}
		if !closed {
			return nil, fmt.Errorf("line %d: code block is never closed", b.Line)
		}
		blocks = append(blocks, b)
	}
	if pending != nil {
		return nil, fmt.Errorf("line %d: doc-test directive at the end of the file", pendAt)
	}
	return blocks, nil
}

// parseDirective reads "<!-- doc-test: skip: REASON -->".
func parseDirective(s string) (reason string, err error) {
	body, ok := strings.CutSuffix(s, "-->")
	if !ok {
		return "", fmt.Errorf("doc-test directive must be one line ending in -->")
	}
	body = strings.TrimSpace(strings.TrimPrefix(body, directivePrefix))
	reason, ok = strings.CutPrefix(body, "skip:")
	if !ok {
		return "", fmt.Errorf("unknown doc-test directive %q (only \"skip: REASON\")", body)
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return "", fmt.Errorf("doc-test skip needs a reason")
	}
	return reason, nil
}

// openingFence recognises a CommonMark code fence: up to three spaces, then
// three or more backticks or tildes, then the info string (which may not
// contain a backtick for a backtick fence).
func openingFence(line string) (indent int, char byte, n int, info string, ok bool) {
	for indent < len(line) && indent < 4 && line[indent] == ' ' {
		indent++
	}
	if indent > 3 || indent >= len(line) || (line[indent] != '`' && line[indent] != '~') {
		return 0, 0, 0, "", false
	}
	char = line[indent]
	for n = 0; indent+n < len(line) && line[indent+n] == char; n++ {
	}
	if n < 3 {
		return 0, 0, 0, "", false
	}
	info = line[indent+n:]
	if char == '`' && strings.ContainsRune(info, '`') {
		return 0, 0, 0, "", false
	}
	return indent, char, n, info, true
}

// closingFence: up to three spaces, at least n fence characters, then only
// spaces.
func closingFence(line string, char byte, n int) bool {
	i := 0
	for i < len(line) && i < 4 && line[i] == ' ' {
		i++
	}
	if i > 3 {
		return false
	}
	m := 0
	for i+m < len(line) && line[i+m] == char {
		m++
	}
	return m >= n && strings.TrimSpace(line[i+m:]) == ""
}

// dedent removes up to indent leading spaces, as CommonMark does for the
// content of an indented fence.
func dedent(line string, indent int) string {
	for k := 0; k < indent && strings.HasPrefix(line, " "); k++ {
		line = line[1:]
	}
	return line
}
