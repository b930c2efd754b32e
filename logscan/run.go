package logscan

import "runtime"

// run takes chunks from the queue until it is closed: a range of a file
// is read first (ranged.go), then every chunk is numbered and searched.
func (w *worker) run() {
	s := w.s
	for c := range s.chunks {
		// The reader may be waiting for a P: the send it was blocked on
		// was freed by a worker, which left it ready to run on that
		// worker's P, and a worker keeps its P until it blocks. With a P
		// for each worker and none to spare, the reader ran only once a
		// worker found the queue empty (a worker started 1,300 to 1,900
		// of the big log's 26,500 chunks with none ahead, and 0.16 to 0.20
		// s of its time went waiting for the queue, 0.1 to 0.3 s more for
		// the chunk before to be numbered). Yielding at every chunk lets
		// it queue the next at once: a few of either, and the
		// repeated-token scan took 0.90 to 0.93 of the time (eighteen
		// rounds in alternating order).
		runtime.Gosched()
		if c.rng != nil {
			if !s.failed.Load() && !s.aborted.Load() {
				if fillHook != nil {
					fillHook()
				}
				w.fill(&c)
			}
			c.rng.read.Done()
		}
		// Numbered even in a failed scan: the worker with the chunk
		// after it waits for its end.
		s.number(&c)
		s.gate.RLock()
		w.process(c)
		s.gate.RUnlock()
		s.doneWith(c)
		if s.over() {
			s.spill()
		}
	}
}

// doneWith gives a processed chunk's memory back: a read buffer to the
// pool (a range's buffer is its worker's).
func (s *Scanner) doneWith(c chunk) {
	if c.rng == nil {
		s.putBuf(c.buf)
	}
}

// countLines is linesIn(c.data).
func (s *Scanner) countLines(c *chunk) int64 { return linesIn(c.data) }
