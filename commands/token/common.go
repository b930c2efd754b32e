package token

import (
	"bytes"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"io/fs"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/jwtutil"
)

// readToken reads TOKEN|-|@FILE (stdin when piped and no argument), finds
// the JWT in whatever was pasted and parses it. Malformed tokens exit 3.
func readToken(ios *cmdutil.IOStreams, args []string) (*jwtutil.Token, error) {
	arg, has := "", len(args) > 0
	if has {
		arg = args[0]
	}
	text, err := cmdutil.ReadInput(ios, arg, has, "token")
	if err != nil {
		return nil, err
	}
	raw, err := jwtutil.Extract(text)
	if err != nil {
		return nil, tokenError(err)
	}
	tok, err := jwtutil.Parse(raw)
	if err != nil {
		return nil, tokenError(err)
	}
	return tok, nil
}

// tokenFromStdin reports whether readToken will consume stdin, so a key
// cannot also be read from it.
func tokenFromStdin(args []string) bool {
	return len(args) == 0 || args[0] == "-"
}

func tokenError(err error) error {
	var e *jwtutil.Error
	if errors.As(err, &e) {
		return cmdutil.Exit(exitCode(e.Class), err)
	}
	return err
}

// exitCode maps a verification class to the documented exit status.
func exitCode(c jwtutil.Class) int {
	switch c {
	case jwtutil.ClassOK:
		return cmdutil.ExitOK
	case jwtutil.ClassMalformed:
		return cmdutil.ExitMalformed
	case jwtutil.ClassSignature:
		return cmdutil.ExitSignature
	case jwtutil.ClassExpired:
		return cmdutil.ExitExpired
	case jwtutil.ClassNotYetValid:
		return cmdutil.ExitNotYetValid
	case jwtutil.ClassClaims:
		return cmdutil.ExitClaims
	case jwtutil.ClassWikiState:
		return cmdutil.ExitWikiState
	}
	return cmdutil.ExitFailure
}

// readKey reads key material named by a setting value. A missing file is
// exit 9 (as in "mwoauth keys"), unreadable material exit 1.
func readKey(ios *cmdutil.IOStreams, what, value string) ([]byte, error) {
	// MediaWiki trims nothing, but a profile value "  /etc/key.pem " is
	// obviously a path; PEM text keeps its whitespace for the parser.
	if !strings.Contains(value, "-----BEGIN") {
		value = strings.TrimSpace(value)
	}
	b, err := cmdutil.ReadKeyMaterial(ios, value)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, cmdutil.Exitf(cmdutil.ExitNotFound, "%s: %v", what, err)
		}
		return nil, cmdutil.Exitf(cmdutil.ExitFailure, "%s: %v", what, err)
	}
	return b, nil
}

// privateKeySetting resolves --private-key (flag, MWOAUTH_PRIVATE_KEY,
// profile) and refuses key text typed on the command line.
func privateKeySetting(cmd *cobra.Command, f *cmdutil.Factory) (string, error) {
	if fl := cmd.Flags().Lookup("private-key"); fl != nil && fl.Changed && cmdutil.LooksLikeSecretOnArgv(fl.Value.String()) {
		return "", cmdutil.FlagErrorf("refusing private key material on the command line (it ends up in shell history and ps): pass a file, - for stdin, or set MWOAUTH_PRIVATE_KEY")
	}
	v, err := f.Setting(cmd, "private-key")
	if err != nil {
		return "", err
	}
	if v == "" {
		return "", cmdutil.FlagErrorf("no private key: pass --private-key FILE (or -), set MWOAUTH_PRIVATE_KEY, or add private-key = ... to a profile")
	}
	return v, nil
}

func loadPrivateKey(ios *cmdutil.IOStreams, value string) (*rsa.PrivateKey, error) {
	b, err := readKey(ios, "private key", value)
	if err != nil {
		return nil, err
	}
	k, err := jwtutil.ParsePrivateKey(b)
	if err != nil {
		return nil, cmdutil.Exitf(cmdutil.ExitUsage, "private key %s: %v", keyLabel(value), err)
	}
	return k, nil
}

func loadPublicKey(ios *cmdutil.IOStreams, value string) (*rsa.PublicKey, error) {
	b, err := readKey(ios, "public key", value)
	if err != nil {
		return nil, err
	}
	k, err := jwtutil.ParsePublicKey(b)
	if err != nil {
		return nil, cmdutil.Exitf(cmdutil.ExitUsage, "public key %s: %v", keyLabel(value), err)
	}
	return k, nil
}

func keyLabel(value string) string {
	switch {
	case value == "-":
		return "(stdin)"
	case strings.Contains(value, "-----BEGIN"):
		return "(PEM text)"
	}
	return strings.TrimSpace(value)
}

// instant resolves --at (or the factory clock).
func instant(f *cmdutil.Factory, at string) (time.Time, error) {
	if at == "" {
		return f.Now().UTC(), nil
	}
	t, err := cmdutil.ParseTime(at)
	if err != nil {
		return time.Time{}, cmdutil.FlagErrorf("--at: %v", err)
	}
	return t, nil
}

// orderedRaw renders a JSON object from a token segment with its keys in
// written order and every value's bytes as written (numbers stay
// 1795342075.525625, never 1.795342075525625e+09).
type orderedRaw []rawMember

type rawMember struct {
	Key   string
	Value json.RawMessage
}

func (o orderedRaw) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.Key)
		b.Write(k)
		b.WriteByte(':')
		b.Write(m.Value)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func rawObject(members []jwtutil.RawMember) orderedRaw {
	out := make(orderedRaw, 0, len(members))
	for _, m := range members {
		out = append(out, rawMember{Key: m.Name, Value: json.RawMessage(m.JSON)})
	}
	return out
}

// pad renders label padded to width, then styled (padding first, so ANSI
// codes do not break the alignment).
func pad(label string, width int) string {
	if n := width - len([]rune(label)); n > 0 {
		return label + strings.Repeat(" ", n)
	}
	return label
}

// claimText renders a claim value for people: strings bare (empty as ""),
// everything else as compact JSON exactly as written.
func claimText(raw []byte) string {
	var s string
	if len(raw) > 0 && raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
		if s == "" {
			return `""`
		}
		return strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return '?'
			}
			return r
		}, s)
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) == nil {
		return b.String()
	}
	return string(raw)
}
