package cmdutil

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/mwoauth/mwoauth/jwtutil/keys"
)

// MaxInput bounds what ReadInput reads; token parsers apply their own,
// smaller limits and say so.
const MaxInput = 1 << 20

// ReadInput returns the text named by arg: the argument itself, "-" for
// stdin, "@FILE" for a file's contents. With no argument it reads stdin when
// stdin is piped, and is a usage error on a terminal (nothing would arrive).
func ReadInput(ios *IOStreams, arg string, hasArg bool, what string) (string, error) {
	switch {
	case !hasArg && ios.IsStdinTTY():
		return "", FlagErrorf("no %s given: pass it as an argument, - for stdin, or @FILE", what)
	case !hasArg || arg == "-":
		return readLimited(ios.In, "stdin")
	case strings.HasPrefix(arg, "@"):
		b, err := ReadFile(arg[1:], MaxInput, ExitMalformed)
		if err != nil {
			return "", Exit(ExitCode(err), fmt.Errorf("%s: %w", what, err))
		}
		return string(b), nil
	}
	return arg, nil
}

func readLimited(r io.Reader, name string) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxInput+1))
	if err != nil {
		return "", fmt.Errorf("read %s: %w", name, err)
	}
	if len(b) > MaxInput {
		return "", Exitf(ExitMalformed, "%s: input over %d bytes", name, MaxInput)
	}
	return string(b), nil
}

// ReadKeyMaterial returns key bytes from a setting value: a path (an optional
// file:// prefix is stripped, as MediaWiki does), "-" for stdin, env:NAME for
// an environment variable, or PEM text itself (only valid when the value
// came from the environment or a profile, never argv: see RefusePEMOnArgv).
func ReadKeyMaterial(ios *IOStreams, value string) ([]byte, error) {
	switch {
	case value == "":
		return nil, fmt.Errorf("no key given")
	case value == "-":
		s, err := readLimited(ios.In, "stdin")
		return []byte(s), err
	case strings.HasPrefix(value, "env:"):
		v, ok := os.LookupEnv(value[4:])
		if !ok {
			return nil, fmt.Errorf("environment variable %s is not set", value[4:])
		}
		return []byte(v), nil
	case strings.Contains(value, "-----BEGIN"):
		return []byte(value), nil
	}
	// Bounded: a key is a few KiB, and a path such as /dev/zero must not
	// eat the machine's memory.
	return ReadFile(strings.TrimPrefix(value, "file://"), MaxInput, ExitUsage)
}

// ReadFile reads a file the user named, at most limit bytes, and gives each
// failure its exit code and a message that names the path once: a missing
// file is exit 9, a directory exit 2 (a wrong argument), a file over limit
// exit tooBig, any other I/O error exit 1.
func ReadFile(path string, limit int64, tooBig int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			// "open PATH: no such file or directory", as token scan says it.
			return nil, Exit(ExitNotFound, err)
		}
		return nil, Exit(ExitFailure, err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, Exitf(ExitUsage, "%s is a directory, not a file", path)
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, Exit(ExitFailure, err)
	}
	if int64(len(b)) > limit {
		return nil, Exitf(tooBig, "%s: over %d bytes", path, limit)
	}
	return b, nil
}

// LooksLikeSecretOnArgv reports whether a flag value is private key
// material itself rather than a reference to it. Such values end up in
// shell history and ps output, so commands refuse them (Run already does,
// for every argument, before any command runs).
func LooksLikeSecretOnArgv(value string) bool {
	return keys.IsPrivateKeyMaterial(value)
}
