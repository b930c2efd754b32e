//go:build !purego

package logscan

// prefetch asks for the cache lines of b (PREFETCHT0) without waiting
// for them, and without faulting: a line of an unmapped page is skipped.
func prefetch(b []byte) {
	if len(b) > 0 {
		prefetchLines(&b[0], len(b))
	}
}

//go:noescape
func prefetchLines(p *byte, n int)
