package logscan

import (
	"errors"
	"fmt"
	"sync/atomic"
)

// A large log file is scanned where it lies in the page cache, mapped into
// memory a window at a time, instead of being copied into the reader's
// buffers by read(2): the kernel's copy was a tenth of a scan of repeated
// tokens. Chunks point into the window, which is unmapped when its last
// chunk is done, so a scan maps at most maxWindows windows at once and its
// memory stays bounded (mapped file pages count in its RSS).
//
// The hazard of a mapping is a file that shrinks while it is read, as
// logrotate's copytruncate does to a live log: a mapped page past the new
// end raises SIGBUS. The reader and the workers run with
// debug.SetPanicOnFault, so that the fault is a panic they recover from:
// the scan fails with ErrTruncated, nothing half-counted is reported, and
// no goroutine is left waiting on a token another one was judging. Input
// from a pipe is read: the read path sees a truncation as the end of the
// file, and reports what it read.

// ErrTruncated is the error of a scan whose mapped input shrank under it.
var ErrTruncated = errors.New("the file shrank while it was being scanned (rotated by logrotate's copytruncate?)")

var (
	// mapWindow is how much of a file one mapping covers; minMapped is
	// the smallest file worth mapping. Variables, so tests can make
	// windows small enough to cut lines.
	mapWindow int64 = 4 << 20
	minMapped int64 = 1 << 20
)

// mapHook, when set (by tests), is called after a window is mapped
// ("mapped") and after each chunk of it is queued ("queued").
var mapHook func(stage string)

// mappedChunk is the size of a mapped window's chunks: four read
// buffers' worth. Each chunk is a channel send, a line-count hand-over and
// a gate lock, which a mapped chunk (no copy to amortise them) made a few
// per cent of a repeated-token scan; a chunk of distinct tokens is still
// only milliseconds of RSA, so the workers finish together. On the
// 6.9 GB log: 3.42-4.51 s against 4.10-4.94 s with 64 KiB chunks (four
// rounds interleaved); 1 MiB chunks gained nothing more.
const mappedChunk = 4 * readTarget

// maxWindows is how many windows may be mapped at once: one being cut
// into chunks, one whose chunks wait in the queue, one draining.
const maxWindows = 3

// window is one mapping of part of a file. refs counts the chunks that
// point into it, and the reader while it cuts them.
type window struct {
	mem  []byte
	refs atomic.Int32
	name string
	s    *Scanner
}

func (w *window) release() {
	if w.refs.Add(-1) == 0 {
		unmap(w.mem)
		<-w.s.windows
	}
}

// isFault reports whether a recovered panic is a memory fault (what
// debug.SetPanicOnFault turns SIGBUS into).
func isFault(r any) bool {
	_, ok := r.(interface{ Addr() uintptr })
	return ok
}

// processChunk runs w over c; a fault reading a mapped chunk fails the
// scan instead of crashing it.
func (s *Scanner) processChunk(w *worker, c chunk) {
	if c.win == nil {
		w.process(c)
		return
	}
	defer func() {
		if r := recover(); r != nil {
			if !isFault(r) {
				panic(r)
			}
			w.nb = 0 // the batch points into the lost pages
			s.fail(fmt.Errorf("%s: %w", c.win.name, ErrTruncated))
		}
	}()
	w.process(c)
}

// doneWith gives a processed chunk's memory back.
func (s *Scanner) doneWith(c chunk) {
	if c.win != nil {
		c.win.release()
		return
	}
	s.putBuf(c.buf)
}

// countLines is linesIn(c.data); a fault reading a mapped chunk fails the
// scan and counts nothing.
func (s *Scanner) countLines(c *chunk) (n int64) {
	if c.win == nil {
		return linesIn(c.data)
	}
	defer func() {
		if r := recover(); r != nil {
			if !isFault(r) {
				panic(r)
			}
			n = 0
			s.fail(fmt.Errorf("%s: %w", c.win.name, ErrTruncated))
		}
	}()
	return linesIn(c.data)
}
