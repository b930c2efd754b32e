package logscan

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"golang.org/x/sys/unix"
)

func unmap(b []byte) { _ = unix.Munmap(b) }

// feedMapped scans f through windows mapped from it, when f is a regular
// file large enough to gain from it and not gzip. handled is false when
// it did not start (the caller reads f instead); then nothing of f was
// consumed.
func (s *Scanner) feedMapped(ctx context.Context, name string, f *os.File) (handled bool, err error) {
	if s.windows == nil {
		return false, nil
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() || st.Size() < minMapped {
		return false, nil
	}
	pos, err := f.Seek(0, io.SeekCurrent)
	if err != nil || st.Size()-pos < minMapped {
		return false, nil
	}
	var magic [2]byte
	if n, _ := f.ReadAt(magic[:], pos); n == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		return false, nil // gzip: the read path decompresses it
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	var held *window // the window the reader is cutting
	defer func() {
		if r := recover(); r != nil {
			if !isFault(r) {
				panic(r)
			}
			handled, err = true, fmt.Errorf("%s: %w", name, ErrTruncated)
			s.fail(err)
		}
		if held != nil {
			held.release()
		}
	}()

	file, err := s.addFile(name)
	if err != nil {
		return true, err
	}
	lines := newFileLines()
	skipping := false // in a line longer than a window
	page := int64(os.Getpagesize())
	for first := true; ; first = false {
		if err := ctx.Err(); err != nil {
			return true, err
		}
		if s.failed.Load() {
			return true, s.err
		}
		// The size now: a log that grows is read as far as it has grown,
		// like a read to its end would.
		if st, err = f.Stat(); err != nil {
			return true, fmt.Errorf("read %s: %v", name, err)
		}
		size := st.Size()
		if pos >= size {
			return true, nil
		}
		base := pos &^ (page - 1)
		// A window holds any line the workers search (MaxLine) whole,
		// wherever in its first page the line starts.
		n := min(max(mapWindow, MaxLine+2*page), size-base)
		select {
		case s.windows <- struct{}{}:
		case <-ctx.Done():
			return true, ctx.Err()
		}
		// Not MAP_POPULATE: a worker faults a chunk's pages in as it
		// fetches the chunk ahead (ahead.go), on its own core, with the
		// kernel's fault-around mapping the pages beside each one.
		mem, err := unix.Mmap(int(f.Fd()), base, int(n), unix.PROT_READ, unix.MAP_SHARED)
		if err != nil {
			<-s.windows
			if first {
				// A file system that cannot map (some FUSE and network
				// ones): read it instead, from where it was.
				s.files = s.files[:file]
				return false, nil
			}
			return true, fmt.Errorf("map %s: %v", name, err)
		}
		s.mappedWindows++
		held = &window{mem: mem, name: name, s: s}
		held.refs.Store(1)
		if mapHook != nil {
			mapHook("mapped")
		}
		eof := base+n == size
		data := mem[pos-base:]
		start := pos
		if skipping {
			i := bytes.IndexByte(data, '\n')
			if i < 0 {
				pos = base + n
			} else {
				data, pos, skipping = data[i+1:], pos+int64(i)+1, false
			}
		}
		if !skipping {
			body := data
			if !eof {
				last := bytes.LastIndexByte(data, '\n')
				if last < 0 {
					// A line longer than a window, far over MaxLine:
					// counted and skipped like the read path's.
					s.readerTooLong.Add(1)
					s.lines.Add(1)
					lines.skip()
					skipping = true
					body = nil
					pos = base + n
				} else {
					body = data[:last+1]
				}
			}
			if len(body) > 0 {
				if err = s.queueWindow(ctx, held, body, file, lines); err != nil {
					return true, err
				}
				pos += int64(len(body))
			}
		}
		s.bytesRead.Add(pos - start)
		w := held
		held = nil
		w.release()
		if eof && pos == size {
			return true, nil
		}
	}
}

// queueWindow cuts body (whole lines, the last perhaps without its
// newline at the end of the file) into chunks of about mappedChunk bytes
// and queues them.
func (s *Scanner) queueWindow(ctx context.Context, w *window, body []byte, file int32, lines *fileLines) error {
	for len(body) > 0 {
		cut := len(body)
		if cut > mappedChunk {
			if i := bytes.IndexByte(body[mappedChunk:], '\n'); i >= 0 {
				cut = mappedChunk + i + 1
			}
		}
		c := chunk{data: body[:cut], file: file, win: w}
		body = body[cut:]
		lines.stamp(&c)
		w.refs.Add(1)
		select {
		case s.chunks <- c:
		case <-ctx.Done():
			w.release()
			return ctx.Err()
		}
		if mapHook != nil {
			mapHook("queued")
		}
	}
	return nil
}
