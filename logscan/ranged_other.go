//go:build !linux

package logscan

import (
	"errors"
	"io"
	"os"
)

// readAt reads len(b) bytes of f at off, fewer at the file's end.
func readAt(f *os.File, b []byte, off int64) (int, error) {
	n, err := f.ReadAt(b, off)
	var pe *os.PathError
	switch {
	case err == io.EOF:
		err = nil
	case errors.As(err, &pe):
		err = pe.Err // fill names the file
	}
	return n, err
}
