package logscan

import (
	"testing"
	"unsafe"
)

// TestTallyFirstLine: what a use of a token reads and writes (the key,
// verdict, entry, count and last sighting) is a slot of 64 bytes, one
// cache line, so that the batch's one read of a slot brings in all of it
// and the table is as small as it can be (worker.go).
func TestTallyFirstLine(t *testing.T) {
	var tl tally
	if n := unsafe.Sizeof(tl); n != 64 {
		t.Errorf("a slot is %d bytes, not one cache line", n)
	}
	base := uintptr(unsafe.Pointer(&tl))
	for name, end := range map[string]uintptr{
		"key":   uintptr(unsafe.Pointer(&tl.key)) + unsafe.Sizeof(tl.key),
		"class": uintptr(unsafe.Pointer(&tl.class)) + unsafe.Sizeof(tl.class),
		"entry": uintptr(unsafe.Pointer(&tl.e)) + unsafe.Sizeof(tl.e),
		"count": uintptr(unsafe.Pointer(&tl.count)) + unsafe.Sizeof(tl.count),
		"last":  uintptr(unsafe.Pointer(&tl.last)) + unsafe.Sizeof(tl.last),
	} {
		if end-base > 64 {
			t.Errorf("%s ends at byte %d of the slot, past its first cache line", name, end-base)
		}
	}
}
