package logscan

import "fmt"

// Line numbers are counted by the workers, not the reader: counting is a
// pass over every byte, and a worker's count of the chunk it just read
// (or took from the reader's buffers) finds the bytes in its cache. A
// worker counts its chunk's lines as soon as it has it, then waits for the
// chunk before to say where its lines end. Workers take chunks in order
// and count before they do anything that can block (the gate, the
// database), so the wait is for a count already under way.

// A position (an input and a line in it) is one word in a worker's
// tally (packPos): the line number in the low lineBits bits, the input
// above. A scan, and a merge of partials, takes at most maxFiles inputs;
// a scan numbers at most maxLine lines in one (a terabyte of empty
// lines), and fails past that rather than count wrong.
const (
	lineBits = 40
	maxLine  = 1<<lineBits - 1
	maxFiles = 1 << (64 - lineBits)
)

// errTooManyLines is the error of an input with more than maxLine lines.
var errTooManyLines = fmt.Errorf("an input has more than %d lines, the most one scan numbers", int64(maxLine))

// lineMark is where a chunk's lines end: the line after its last one.
// line is written before done is closed, and read after.
type lineMark struct {
	done chan struct{}
	line int64
}

// fileLines numbers one input's chunks as the reader queues them.
type fileLines struct {
	next    *lineMark // where the next chunk starts
	skipped int64     // lines the reader dropped since the last chunk
}

func newFileLines() *fileLines {
	m := &lineMark{done: make(chan struct{}), line: 1}
	close(m.done)
	return &fileLines{next: m}
}

// stamp gives c the mark it starts at and the mark its end goes to.
func (f *fileLines) stamp(c *chunk) {
	c.start, c.skipped = f.next, f.skipped
	f.skipped = 0
	f.next = &lineMark{done: make(chan struct{})}
	c.end = f.next
}

// skip counts a line the reader dropped (too long to search) before the
// next chunk.
func (f *fileLines) skip() { f.skipped++ }

// number counts c's lines, waits for where the chunk before ends, and
// sets c's first line and where it ends. It runs for every chunk,
// a failed or aborted scan's too, or the next chunk's worker would wait
// for ever.
func (s *Scanner) number(c *chunk) {
	if !c.counted {
		c.n, c.counted = s.countLines(c), true
	}
	<-c.start.done
	s.setFirstLine(c)
}

// setFirstLine sets c's first line once the chunk before it has ended, and
// says where c ends.
func (s *Scanner) setFirstLine(c *chunk) {
	c.firstLine = c.start.line + c.skipped
	c.end.line = c.firstLine + c.n
	if c.end.line-1 > maxLine {
		s.fail(errTooManyLines)
	}
	c.numbered = true
	close(c.end.done)
	s.lines.Add(c.n)
}

// linesIn counts the lines in data: its newlines, and a last line
// without one (at the end of an input).
func linesIn(data []byte) int64 {
	n := int64(countNL(data))
	if len(data) > 0 && data[len(data)-1] != '\n' {
		n++
	}
	return n
}
