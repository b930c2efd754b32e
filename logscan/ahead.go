package logscan

import (
	"fmt"
	"runtime"
	"unsafe"
)

// A worker fetches its next chunk while it searches this one.
//
// The first pass over a mapped chunk is the one that brings it from
// memory, and that pass is the line count (lines.go), which does little
// else: the core waits for memory there, then searches the chunk from its
// cache. So a worker takes the chunk it will search next from the queue
// when it starts one, and while it searches, it asks for the next chunk's
// cache lines a little at a time (prefetch instructions do not wait for
// the data). When all are asked for, the next chunk is counted, from the
// cache, and numbered, so that the worker with the chunk after it does not
// wait; before a token is judged (RSA: far slower than a line) it is
// numbered at once. On the 6.9 GB log of repeated tokens the count fell
// from 18 % of the scan's CPU to 9 % (prefetch and count together), and
// the scan from 2.35-2.78 s to 2.07-2.21 s in five interleaved rounds
// (grep -c eyJ: 1.40-1.42 s, after a first round of 3.3 s).
//
// A prefetch of a page not yet in the page table is dropped, not faulted
// in, so the chunk ahead is first read, a byte every 64 KiB, before its
// lines are asked for (touchPage): that read faults its page in, and the
// kernel's fault-around (64 KiB by default, aligned) maps the pages
// around it too. A scan takes as many faults as with a byte read a page
// (126,000 on the 6.9 GB log, its heap's included), and a page that
// fault-around left out is faulted in by the line count instead. Windows
// used to be mapped with MAP_POPULATE instead, which walked every page in the
// reader's mmap call (7 % of a repeated-token scan's CPU in perf, under
// __mm_populate): faulted in by the workers, the scan's system time was
// 0.60-0.91 s against 0.72-1.60 s (four rounds interleaved).

// aheadStep is how much of the next chunk a line of this one asks for: a
// 690-byte line (the repeated-token log's mean) asks for 12 cache lines,
// a chunk's worth in about the chunk's lines, and no more at a time than
// the core's line-fill buffers hold (more stalled it: 2 KiB a line was
// slower than 768 bytes).
const aheadStep = 768

// run takes chunks from the queue until it is closed, each with the one
// after it in hand when the queue has it.
func (w *worker) run() {
	s := w.s
	var next chunk
	haveNext, open := false, true
	for {
		var c chunk
		if haveNext {
			c, haveNext = next, false
		} else {
			var ok bool
			if c, ok = <-s.chunks; !ok {
				return
			}
		}
		// The reader may be waiting for a P: the send or the window slot
		// it was blocked on was freed by a worker, which left it ready to
		// run on that worker's P, and a worker keeps its P until it
		// blocks. With a P for each worker and none to spare, the reader
		// ran only once a worker found the queue empty (a worker started
		// 1,300 to 1,900 of the big log's 26,500 chunks with none ahead,
		// and 0.16 to 0.20 s of its time went waiting for the queue, 0.1
		// to 0.3 s more for the chunk before to be numbered). Yielding at
		// every chunk lets it map and cut the next window at once:
		// a few of either, and the repeated-token scan took 0.90 to 0.93
		// of the time (eighteen rounds in alternating order).
		runtime.Gosched()
		if !c.numbered {
			s.number(&c)
		}
		// Only a mapped chunk is worth fetching ahead of; a read one is
		// in the cache already (the reader just wrote it).
		if open && c.win != nil {
			select {
			case n, ok := <-s.chunks:
				next, haveNext, open = n, ok, ok
			default:
			}
			if haveNext {
				if next.win != nil {
					w.ahead, w.aheadOff = &next, 0
				} else {
					s.number(&next)
				}
			}
		}
		s.gate.RLock()
		s.processChunk(w, c)
		s.gate.RUnlock()
		w.ahead = nil
		s.doneWith(c)
		if s.over() {
			// Numbered first: the worker with the chunk after it may be
			// waiting, and the spill waits for every worker.
			if haveNext && !next.numbered {
				s.number(&next)
			}
			s.spill()
		}
	}
}

// fetchAhead asks for the next aheadStep bytes of the chunk ahead, and,
// once all are asked for, numbers it if the chunk before it is numbered.
// It never blocks: it runs while the worker holds the gate.
func (w *worker) fetchAhead() {
	a := w.ahead
	if w.aheadOff < len(a.data) {
		n := min(aheadStep, len(a.data)-w.aheadOff)
		b := a.data[w.aheadOff : w.aheadOff+n]
		// The chunk's first byte, and the first byte of every 64 KiB
		// block b reaches (at most one: aheadStep is less).
		p := blockStart(b)
		if w.aheadOff == 0 || p == 0 {
			w.touchPage(a, b)
		}
		if p > 0 && p < len(b) {
			w.touchPage(a, b[p:])
		}
		prefetch(b)
		w.aheadOff += n
		return
	}
	if w.s.tryNumber(a) {
		w.ahead = nil
		w.s.numberedAhead.Add(1)
	}
}

// settleAhead numbers the chunk ahead now if it can, fetched or not:
// the worker is about to spend a long time on one token.
func (w *worker) settleAhead() {
	if w.ahead != nil {
		w.aheadOff = len(w.ahead.data)
		w.fetchAhead()
	}
}

// blockStart is where in b a 64 KiB block of memory starts (len(b) or
// more: nowhere).
func blockStart(b []byte) int {
	return (faultAround - int(uintptr(unsafe.Pointer(unsafe.SliceData(b))))&(faultAround-1)) & (faultAround - 1)
}

// faultAround is the kernel's default fault_around_bytes.
const faultAround = 64 << 10

// touchPage reads b's first byte, which faults its page in (and those
// around it). The chunk
// ahead may be of another file than the one being searched, so a fault
// (the file shrank under its mapping) fails the scan here, naming it.
func (w *worker) touchPage(a *chunk, b []byte) {
	defer func() {
		if r := recover(); r != nil {
			if !isFault(r) {
				panic(r)
			}
			w.s.fail(fmt.Errorf("%s: %w", a.win.name, ErrTruncated))
		}
	}()
	w.sink ^= b[0]
}
