package logscan

import (
	"bufio"
	"container/heap"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
)

// The scan's state past its memory budget lives in sorted runs: files of
// one encoded item per line, in the order of the item type's compare
// function. A run holds what a partial holds (keyed digests, counts,
// verdicts), never token text. At the end the runs and what is still in
// memory are merged into one sorted stream, so the report is the one an
// in-memory scan makes.

// budget is the memory the scan's state may hold, shared by every sorter
// of one scan or merge. The figures are estimates (see the size funcs);
// the command sets the Go runtime's memory limit to the user's limit, of
// which the state gets a fraction (Options.MemoryLimit).
type budget struct {
	limit int64 // 0: unbounded
	held  atomic.Int64
}

func (b *budget) over() bool { return b.limit > 0 && b.held.Load() > b.limit }

// spillDir is one scan's temporary directory, made on first use and
// removed, with every run in it, by remove.
type spillDir struct {
	parent string // "" is os.TempDir()
	mu     sync.Mutex
	path   string
	n      int
	err    error
}

func (d *spillDir) create() (*os.File, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.err != nil {
		return nil, d.err
	}
	if d.path == "" {
		// 0700: runs name tokens by keyed digests, and the digests are
		// nobody else's business either.
		p, err := os.MkdirTemp(d.parent, "mwoauth-scan-")
		if err != nil {
			d.err = fmt.Errorf("temporary directory for the scan's state: %w", err)
			return nil, d.err
		}
		d.path = p
	}
	d.n++
	return os.OpenFile(filepath.Join(d.path, fmt.Sprintf("run-%06d", d.n)), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
}

// remove deletes the directory and every run; safe to call more than once.
func (d *spillDir) remove() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.path == "" {
		return nil
	}
	err := os.RemoveAll(d.path)
	d.path = ""
	return err
}

// codec says how a sorter orders, combines, sizes and stores its items.
type codec[T any] struct {
	cmp func(a, b *T) int
	// combine folds src into dst, which compare equal; nil keeps equal
	// items apart.
	combine func(dst, src *T)
	// key, with combine, names an item for combining in memory as it is
	// added (consumers by aud): otherwise duplicates are combined when
	// the items are read back.
	key  func(*T) string
	size func(*T) int64
	enc  func(b []byte, v *T) []byte
	dec  func(line []byte, v *T) error
}

// maxRuns is how many runs are read at once; more are merged first.
const maxRuns = 32

// sorter holds items in memory until the budget is spent, then writes
// them sorted to a run; each reads everything back in order.
type sorter[T any] struct {
	c     *codec[T]
	b     *budget
	dir   *spillDir
	items []*T
	index map[string]*T
	held  int64
	runs  []string
	// refuse, when set, is the error a spill returns instead of spilling
	// (--show-tokens: token text is never written to disk).
	refuse error
}

func newSorter[T any](c *codec[T], b *budget, dir *spillDir) *sorter[T] {
	s := &sorter[T]{c: c, b: b, dir: dir}
	if c.key != nil && c.combine != nil {
		s.index = map[string]*T{}
	}
	return s
}

// add takes v (the sorter owns it from now on) and spills when the
// budget is spent.
func (s *sorter[T]) add(v *T) error {
	if s.index != nil {
		k := s.c.key(v)
		if have, ok := s.index[k]; ok {
			before := s.c.size(have)
			s.c.combine(have, v)
			s.account(s.c.size(have) - before)
			return nil
		}
		s.index[k] = v
	}
	s.items = append(s.items, v)
	s.account(s.c.size(v) + 8)
	if s.b.over() && len(s.items) > 1 {
		return s.spill()
	}
	return nil
}

func (s *sorter[T]) account(n int64) {
	s.held += n
	s.b.held.Add(n)
}

func (s *sorter[T]) release() {
	s.b.held.Add(-s.held)
	s.held = 0
	s.items = nil
	if s.index != nil {
		s.index = map[string]*T{}
	}
}

// spill writes what is in memory to a new run.
func (s *sorter[T]) spill() error {
	if len(s.items) == 0 {
		return nil
	}
	if s.refuse != nil {
		return s.refuse
	}
	s.sortItems()
	path, err := s.writeRun(func(emit func(*T) error) error {
		for _, v := range s.items {
			if err := emit(v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.runs = append(s.runs, path)
	s.release()
	if len(s.runs) > maxRuns {
		return s.compact()
	}
	return nil
}

// sortItems sorts what is in memory. Unstable is enough: the orders are
// total (ties are broken by the token's digest, the consumer's key), and
// items that compare equal are combined.
func (s *sorter[T]) sortItems() {
	slices.SortFunc(s.items, s.c.cmp)
}

// find is the item in memory with key (codecs with a key), or nil: the
// caller may change it in place (its size must not change).
func (s *sorter[T]) find(key string) *T {
	if s.index == nil {
		return nil
	}
	return s.index[key]
}

// spilled reports whether some items are in runs.
func (s *sorter[T]) spilled() bool { return len(s.runs) > 0 }

// inMemory is what the sorter holds, in no particular order, while nothing
// is spilled: for passes that do not need an order.
func (s *sorter[T]) inMemory() []*T { return s.items }

// writeRun writes the items fill emits, in order, to a new run file.
func (s *sorter[T]) writeRun(fill func(emit func(*T) error) error) (string, error) {
	f, err := s.dir.create()
	if err != nil {
		return "", err
	}
	w := bufio.NewWriterSize(f, 256<<10)
	var line []byte
	err = fill(func(v *T) error {
		line = append(s.c.enc(line[:0], v), '\n')
		_, err := w.Write(line)
		return err
	})
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("write the scan's state to %s: %w", s.dir.parent, err)
	}
	return f.Name(), nil
}

// compact merges every run into one, so that reading back never holds
// more than maxRuns files open.
func (s *sorter[T]) compact() error {
	old := s.runs
	s.runs = nil
	path, err := s.writeRun(func(emit func(*T) error) error {
		return s.merge(old, nil, emit)
	})
	if err != nil {
		return err
	}
	for _, p := range old {
		os.Remove(p)
	}
	s.runs = []string{path}
	return nil
}

// each calls fn with every item in order, equal items combined. Items
// read from runs are fresh; fn may keep them.
func (s *sorter[T]) each(fn func(*T) error) error {
	s.sortItems()
	if len(s.runs) == 0 {
		return s.combined(s.items, fn)
	}
	return s.merge(s.runs, s.items, fn)
}

// combined walks sorted in-memory items, folding equal neighbours.
func (s *sorter[T]) combined(items []*T, fn func(*T) error) error {
	for i := 0; i < len(items); {
		v := items[i]
		i++
		if s.c.combine != nil {
			if i < len(items) && s.c.cmp(v, items[i]) == 0 {
				acc := *v // never change an item the sorter still holds
				v = &acc
				for ; i < len(items) && s.c.cmp(v, items[i]) == 0; i++ {
					s.c.combine(v, items[i])
				}
			}
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return nil
}

// source is one sorted input of a merge: a run file, or the items in memory.
type source[T any] struct {
	r     *bufio.Reader
	f     *os.File
	path  string
	items []*T
	head  *T
	order int // ties between sources go to the earlier one: a stable merge
}

func (src *source[T]) next(c *codec[T]) error {
	if src.r == nil {
		if len(src.items) == 0 {
			src.head = nil
			return nil
		}
		src.head, src.items = src.items[0], src.items[1:]
		return nil
	}
	line, err := src.r.ReadBytes('\n')
	if len(line) == 0 && errors.Is(err, io.EOF) {
		src.head = nil
		return nil
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read the scan's state back from %s: %w", src.path, err)
	}
	v := new(T)
	if err := c.dec(line, v); err != nil {
		return fmt.Errorf("the scan's state in %s is damaged: %w", src.path, err)
	}
	src.head = v
	return nil
}

type sourceHeap[T any] struct {
	c   *codec[T]
	all []*source[T]
}

func (h *sourceHeap[T]) Len() int { return len(h.all) }
func (h *sourceHeap[T]) Less(i, j int) bool {
	if c := h.c.cmp(h.all[i].head, h.all[j].head); c != 0 {
		return c < 0
	}
	return h.all[i].order < h.all[j].order
}
func (h *sourceHeap[T]) Swap(i, j int) { h.all[i], h.all[j] = h.all[j], h.all[i] }
func (h *sourceHeap[T]) Push(x any)    { h.all = append(h.all, x.(*source[T])) }
func (h *sourceHeap[T]) Pop() any {
	x := h.all[len(h.all)-1]
	h.all = h.all[:len(h.all)-1]
	return x
}

// merge reads the runs and the sorted in-memory items in order, folding
// equal items when the codec combines.
func (s *sorter[T]) merge(runs []string, items []*T, fn func(*T) error) error {
	h := &sourceHeap[T]{c: s.c}
	defer func() {
		for _, src := range h.all {
			if src.f != nil {
				src.f.Close()
			}
		}
	}()
	for i, p := range runs {
		f, err := os.Open(p)
		if err != nil {
			return fmt.Errorf("read the scan's state back: %w", err)
		}
		src := &source[T]{f: f, r: bufio.NewReaderSize(f, 64<<10), path: p, order: i}
		h.all = append(h.all, src)
		if err := src.next(s.c); err != nil {
			return err
		}
	}
	if len(items) > 0 {
		src := &source[T]{items: items, order: len(runs)}
		if err := src.next(s.c); err != nil {
			return err
		}
		h.all = append(h.all, src)
	}
	live := h.all[:0]
	for _, src := range h.all {
		if src.head != nil {
			live = append(live, src)
		} else if src.f != nil {
			src.f.Close()
		}
	}
	h.all = live
	heap.Init(h)
	var pending *T
	flush := func() error {
		if pending == nil {
			return nil
		}
		v := pending
		pending = nil
		return fn(v)
	}
	for h.Len() > 0 {
		src := h.all[0]
		v := src.head
		if err := src.next(s.c); err != nil {
			return err
		}
		if src.head == nil {
			heap.Pop(h)
			if src.f != nil {
				src.f.Close()
				src.f = nil
			}
		} else {
			heap.Fix(h, 0)
		}
		if pending != nil && s.c.combine != nil && s.c.cmp(pending, v) == 0 {
			if src.r == nil { // an in-memory item: combine into a copy
				cp := *v
				v = &cp
			}
			s.c.combine(pending, v)
			continue
		}
		if err := flush(); err != nil {
			return err
		}
		if s.c.combine != nil && src.r == nil {
			cp := *v // pending may be combined into: never an item the sorter holds
			v = &cp
		}
		pending = v
	}
	return flush()
}
