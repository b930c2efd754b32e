package cmdutil

import (
	"bytes"

	"github.com/spf13/cobra"
)

// AddPassphraseFlag registers --passphrase-file, the passphrase-file
// setting: the $wgOAuth2Passphrase of an encrypted private key.
func AddPassphraseFlag(cmd *cobra.Command) {
	cmd.Flags().String("passphrase-file", "", "`File` holding $wgOAuth2Passphrase, for an encrypted private key (a trailing newline is ignored)")
}

// Passphrase reads the passphrase-file setting for cmd (flag, env, profile):
// nil when none is set. One trailing line break is not part of it, as
// nobody means it to be; an empty passphrase is a usage error.
func (f *Factory) Passphrase(cmd *cobra.Command) ([]byte, error) {
	path, err := f.Setting(cmd, "passphrase-file")
	if err != nil {
		return nil, err
	}
	return ReadPassphrase(path)
}

// ReadPassphrase reads the passphrase file path names, as Passphrase does
// (nil when path is ""), for run functions that resolved the setting
// before they started.
func ReadPassphrase(path string) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	b, err := ReadFile(path, 64<<10, ExitUsage)
	if err != nil {
		return nil, err
	}
	if b = bytes.TrimSuffix(bytes.TrimSuffix(b, []byte("\n")), []byte("\r")); len(b) == 0 {
		return nil, FlagErrorf("passphrase file %s is empty", path)
	}
	return b, nil
}
