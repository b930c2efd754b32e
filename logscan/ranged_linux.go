package logscan

import (
	"os"
	"syscall"
	"unsafe"
)

// readAt reads len(b) bytes of f at off, fewer at the file's end, with
// pread(2) called raw: the worker keeps its P. Through the runtime's
// syscall path a read of a range (tens of microseconds) outlasted the
// 20 µs after which the runtime hands the P to another thread: three
// times the context switches, half again the system time, and the
// repeated-token scan 1.2 times as long.
func readAt(f *os.File, b []byte, off int64) (int, error) {
	fd := f.Fd()
	n := 0
	for n < len(b) {
		r, _, errno := syscall.RawSyscall6(syscall.SYS_PREAD64, fd, uintptr(unsafe.Pointer(&b[n])), uintptr(len(b)-n), uintptr(off+int64(n)), 0, 0)
		switch {
		case errno == syscall.EINTR:
			continue
		case errno != 0:
			return n, errno // fill names the file
		case r == 0:
			return n, nil // the end of the file
		}
		n += int(r)
	}
	return n, nil
}
