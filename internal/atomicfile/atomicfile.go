// Package atomicfile writes a file whole or not at all: the data goes to a
// temporary file in the target's directory (same filesystem, so the final
// step is one rename or link), with exactly the mode asked for and synced,
// and only then takes its name. A crash, a full disk or Ctrl-C leaves either
// the old file or the new one, never half of one, and no temporary file is
// left behind by an error.
//
// Every file mwoauth writes for the user (keys, the configuration file, the
// sandbox's tokens and access log) goes through here, so the rule is written
// once: a private key is never readable by others for an instant, whatever
// the umask, and a racing writer is never overwritten where the caller said
// the name must be new.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrExist is returned (wrapped with the name) by LinkNew and Create when
// the name is already taken; errors.Is(err, fs.ErrExist) holds too.
var ErrExist = fs.ErrExist

// Temp writes data to a new file in dir named after pattern (as
// os.CreateTemp takes it) and returns its name. Its mode is exactly mode,
// set with chmod, so the umask neither widens nor narrows it, and it is
// synced before Temp returns. On error the file is removed.
func Temp(dir, pattern string, data []byte, mode fs.FileMode) (name string, err error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return "", err
	}
	name = f.Name()
	defer func() {
		if err != nil {
			_ = f.Close() // the write already failed; that error is the one to report
			os.Remove(name)
		}
	}()
	if err = f.Chmod(mode); err != nil {
		return "", err
	}
	if _, err = f.Write(data); err != nil {
		return "", err
	}
	if err = f.Sync(); err != nil {
		return "", err
	}
	if err = f.Close(); err != nil {
		return "", err
	}
	return name, nil
}

// LinkNew gives the temporary file tmp the name final, unless final exists:
// then the error wraps ErrExist and final is untouched. A hard link fails
// atomically if the name is taken, so even a writer racing for the same name
// is never overwritten. On a filesystem without hard links it falls back to
// a checked rename (a tiny race window that only such filesystems have).
// tmp stays for the caller to remove (a no-op after the fallback's rename).
func LinkNew(tmp, final string) error {
	err := os.Link(tmp, final)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrExist):
		return fmt.Errorf("%s: %w", final, ErrExist)
	}
	if _, serr := os.Lstat(final); serr == nil {
		return fmt.Errorf("%s: %w", final, ErrExist)
	}
	return os.Rename(tmp, final)
}

// Create writes path whole with exactly mode, and refuses (an error wrapping
// ErrExist, path untouched) if it exists.
func Create(path string, data []byte, mode fs.FileMode) error {
	tmp, err := Temp(filepath.Dir(path), tempPattern(path), data, mode)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	return LinkNew(tmp, path)
}

// Replace writes path whole with exactly mode, replacing what stood there:
// a reader sees the old file or the new one, never a mix.
func Replace(path string, data []byte, mode fs.FileMode) error {
	tmp, err := Temp(filepath.Dir(path), tempPattern(path), data, mode)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// tempPattern hides the temporary file (a leading dot) and names it after
// its target, so a stray one, should the machine die mid-write, says whose
// it was.
func tempPattern(path string) string {
	return "." + filepath.Base(path) + ".*.tmp"
}
