package logscan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
)

// A large regular file is read by the workers themselves, each a range of
// it at a time with pread(2) into a buffer of its own, instead of by the
// reader into buffers a worker on the other core then searched (the
// copy, then the move between cores' caches: 1.3 to 1.6 s of system time
// on the 6.9 GB log) or through windows mapped from the page cache. On a
// VM a mapped page costs its page-table updates, its fault and its
// unmapping's TLB shootdown to the other core, which the host makes
// dearer when it is busy: streaming that log through two threads took
// 0.90 to 1.15 s mapped against 0.69 to 0.76 s read, in the same
// minutes. The reader only cuts the file into ranges; it reads nothing.
//
// A range's chunk is the lines that start in it, the last one read to its
// end past the range (rangeTail more, and more again for a longer one, as
// far as MaxLine: past that the worker skips the line without its end).
// The line that starts in the range before and runs into this one is the
// range before's: a range starts at the first line start at or after its
// offset, which the byte before the offset says.
//
// A file that shrinks while it is read (logrotate's copytruncate rotating
// the live log) reads short: the scan fails with ErrTruncated rather than
// report part of it. A file that grows is read as far as it has grown when
// the reader cuts the next ranges.

// ErrTruncated is the error of a scan whose file shrank under it.
var ErrTruncated = errors.New("the file shrank while it was being scanned (rotated by logrotate's copytruncate?)")

var (
	// rangeSize is a range's size; minRanged is the smallest file worth
	// reading in ranges. Variables, so tests can make ranges small enough
	// to cut lines. 256 KiB: a chunk is a channel send, a line-count
	// hand-over and a gate lock; 128 KiB chunks were 8 % slower, 512 KiB
	// no faster.
	rangeSize int64 = 4 * readTarget
	minRanged int64 = 1 << 20
	// rangeRestat is how much of a file the reader cuts into ranges before
	// it looks at the file's size again (a log that grows).
	rangeRestat int64 = 64 << 20
)

const (
	// rangeTail is how much a worker reads past its range for the last
	// line's end at first: a line of the logs measured is under a KiB.
	rangeTail = 4096
	// rangeAlign: a worker reads from an offset a multiple of it; the
	// kernel copied from an unaligned one four times slower.
	rangeAlign = 4096
)

// rangeHook, when set (by tests), is called after each range is queued;
// fillHook, when set, is called by a worker about to read a range.
var (
	rangeHook func()
	fillHook  func()
)

// fileRange is a chunk's part of a file: the lines that start in [off, end).
type fileRange struct {
	f        *os.File
	name     string
	off, end int64
	first    bool            // off starts a line: where the input was when it was fed
	read     *sync.WaitGroup // done when the range has been read (or skipped): Feed returns then
}

// feedRanged queues f in ranges for the workers to read, when f is a
// regular file large enough, not gzip; it reports whether it did.
func (s *Scanner) feedRanged(ctx context.Context, name string, f *os.File) (handled bool, err error) {
	pos, ok := rangedFrom(f)
	if !ok {
		return false, nil
	}
	file, err := s.addFile(name)
	if err != nil {
		return true, err
	}
	lines := newFileLines()
	ranges0 := s.ranges
	// Feed returns once every range of f has been read, not only queued:
	// the caller may close f then, as it may after a read to its end.
	var read sync.WaitGroup
	defer read.Wait()
	for {
		if err := ctx.Err(); err != nil {
			return true, err
		}
		if s.failed.Load() {
			return true, s.err
		}
		st, err := f.Stat()
		if err != nil {
			return true, fmt.Errorf("read %s: %v", name, err)
		}
		size := st.Size()
		if size < pos {
			err := fmt.Errorf("%s: %w", name, ErrTruncated)
			s.fail(err)
			return true, err
		}
		if pos == size {
			return true, nil
		}
		for end := min(size, pos+rangeRestat); pos < end; {
			r := &fileRange{f: f, name: name, off: pos, end: min(pos+rangeSize, end), first: s.ranges == ranges0, read: &read}
			c := chunk{rng: r, file: file}
			lines.stamp(&c)
			read.Add(1)
			select {
			case s.chunks <- c:
			case <-ctx.Done():
				read.Done()
				return true, ctx.Err()
			}
			s.ranges++
			s.bytesRead.Add(r.end - r.off)
			pos = r.end
			if rangeHook != nil {
				rangeHook()
			}
		}
	}
}

// rangedFrom is where in f a ranged read would start, and whether f is
// one to read so: a regular file with minRanged bytes or more from there,
// not gzip (the read path decompresses it). A file that cannot say is read.
func rangedFrom(f *os.File) (int64, bool) {
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return 0, false
	}
	pos, err := f.Seek(0, io.SeekCurrent)
	if err != nil || st.Size()-pos < minRanged {
		return 0, false
	}
	var magic [2]byte
	if n, _ := f.ReadAt(magic[:], pos); n == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		return 0, false
	}
	return pos, true
}

// fill reads c's range into the worker's buffer and sets c.data to its
// lines. A failed read fails the scan and leaves c empty.
func (w *worker) fill(c *chunk) {
	r := c.rng
	c.data = nil
	base := r.off &^ (rangeAlign - 1)
	if !r.first {
		base = (r.off - 1) &^ (rangeAlign - 1) // the byte before off says where its first line starts
	}
	need := int(r.end - base) // there when the reader looked
	b := w.rangeBuf(need + rangeTail)[:need+rangeTail]
	n, err := readAt(r.f, b, base)
	w.copied += int64(n)
	if err != nil {
		w.s.fail(fmt.Errorf("read %s: %v", r.name, err))
		return
	}
	if n < need {
		w.s.fail(fmt.Errorf("%s: %w", r.name, ErrTruncated))
		return
	}
	start := int(r.off - base)
	if !r.first {
		from := int(r.off - 1 - base)
		i := bytes.IndexByte(b[from:need], '\n')
		if i < 0 || from+i+1 == need {
			return // no line starts in the range: the middle of a long line
		}
		start = from + i + 1
	}
	// The last line ends at the first newline at or after the range's
	// last byte; at the file's end it may have none.
	last := start + bytes.LastIndexByte(b[start:need-1], '\n') + 1 // where it starts
	from := need - 1
	for {
		if i := bytes.IndexByte(b[from:n], '\n'); i >= 0 {
			n = from + i + 1
			break
		}
		if n < len(b) || n-last > MaxLine {
			break // the file's end, or a line the worker skips as too long
		}
		from = n
		want := min(2*len(b), last+MaxLine+2)
		b = w.rangeBuf(want)[:want]
		m, err := readAt(r.f, b[n:], base+int64(n))
		if err != nil {
			w.s.fail(fmt.Errorf("read %s: %v", r.name, err))
			return
		}
		n += m
		w.copied += int64(m)
		if m == 0 {
			break
		}
	}
	c.data = b[start:n]
}

// rangeBuf is the worker's read buffer, at least n bytes long (what it
// held is kept). The caller reads no more than it asks for: the buffer
// stays as long as the longest line made it.
func (w *worker) rangeBuf(n int) []byte {
	if len(w.rbuf) < n {
		nb := make([]byte, max(n, int(rangeSize)+rangeAlign+rangeTail))
		copy(nb, w.rbuf)
		w.rbuf = nb
	}
	return w.rbuf
}
