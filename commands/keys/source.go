package keys

import (
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	jwtkeys "github.com/mwoauth/mwoauth/jwtutil/keys"
)

// keySource is key material plus where it came from. Mode is set only for
// files, whose permissions matter to MediaWiki.
type keySource struct {
	Label  string // path, "stdin", "env:NAME", or a description of inline text
	Data   []byte
	IsFile bool
	Mode   fs.FileMode
}

// readKeySource reads a key reference: a path (file:// stripped as MediaWiki
// does), - for stdin, env:NAME, or PEM text. PEM text that holds a private
// key is refused when it came from the command line (shell history, ps);
// from the environment or a profile (onArgv false) it is accepted.
func readKeySource(ios *cmdutil.IOStreams, value string, onArgv bool) (*keySource, error) {
	if onArgv && jwtkeys.IsPrivateKeyMaterial(value) {
		// Run refuses it before any command runs; this guards callers
		// that build arguments themselves.
		return nil, cmdutil.FlagErrorf("refusing private key material on the command line: pass a file, - for stdin or env:NAME")
	}
	data, err := cmdutil.ReadKeyMaterial(ios, value)
	if err != nil {
		if value == "" {
			return nil, cmdutil.FlagErrorf("no key given")
		}
		// ReadKeyMaterial says what went wrong and with which exit code
		// (missing file 9, directory or oversized 2, other I/O 1).
		return nil, cmdutil.Exit(cmdutil.ExitCode(err), fmt.Errorf("read key: %w", err))
	}
	src := &keySource{Label: value, Data: data}
	switch {
	case value == "-":
		src.Label = "stdin"
	case strings.HasPrefix(value, "env:"):
	case strings.Contains(value, "-----BEGIN"):
		src.Label = "(PEM text)"
	default:
		path := strings.TrimPrefix(value, "file://")
		if st, err := os.Stat(path); err == nil {
			src.IsFile, src.Mode = true, st.Mode()
		}
	}
	return src, nil
}

// readArgKey reads and parses the key a command-line argument names (keys
// fingerprint, keys jwks): unreadable is readKeySource's error; material
// that holds no usable RSA key is a bad argument (exit 2), named by the
// source's label, which is also returned.
func readArgKey(ios *cmdutil.IOStreams, arg string) (*jwtkeys.KeyInfo, string, error) {
	src, err := readKeySource(ios, arg, true)
	if err != nil {
		return nil, "", err
	}
	k, err := jwtkeys.ParseKey(src.Data)
	if err != nil {
		return nil, "", cmdutil.Exitf(cmdutil.ExitUsage, "%s: %v", src.Label, err)
	}
	return k, src.Label, nil
}

// keyKind names public/private for people.
func keyKind(k *jwtkeys.KeyInfo) string {
	if k.IsPrivate() {
		return "private"
	}
	return "public"
}
