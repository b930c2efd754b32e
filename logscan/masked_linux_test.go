package logscan

import (
	"bytes"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// TestCountNLStopsAtTheEnd: the vector count's last bytes are a masked
// load, which must not touch the page after them (here, none is mapped).
func TestCountNLStopsAtTheEnd(t *testing.T) {
	mem := pageBeforeHole(t)
	page := len(mem)
	for i := range page {
		mem[i] = "ab\n"[i%3]
	}
	for n := range 200 {
		b := mem[page-n : page]
		if got, want := countNL(b), bytes.Count(b, []byte{'\n'}); got != want {
			t.Fatalf("countNL(last %d bytes of a page) = %d, want %d", n, got, want)
		}
	}
}

// TestPolyKeyStopsAtTheEnd: the key's last block is a masked load too, of
// a token that may end where its buffer, and the memory mapped, ends.
func TestPolyKeyStopsAtTheEnd(t *testing.T) {
	mem := pageBeforeHole(t)
	page := len(mem)
	for i := range page {
		mem[i] = byte(i*7 + 3)
	}
	k := newPolyKey(bytes.Repeat([]byte{9}, 16))
	for n := range 200 {
		b := mem[page-n : page]
		if got, want := k.sum(b), referencePoly(k.powers[0], b); got != want {
			t.Fatalf("key of the last %d bytes of a page: %x, want %x", n, got, want)
		}
	}
}

// pageBeforeHole is a writable page with no page mapped after it (a read
// past its end faults), unmapped when the test ends.
func pageBeforeHole(t *testing.T) []byte {
	t.Helper()
	page := os.Getpagesize()
	mem, err := unix.Mmap(-1, 0, 2*page, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = unix.Munmap(mem) })
	if err := unix.Mprotect(mem[page:], unix.PROT_NONE); err != nil {
		t.Fatal(err)
	}
	return mem[:page]
}
