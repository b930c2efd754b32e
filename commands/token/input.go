package token

import (
	"time"

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
		return nil, err
	}
	tok, err := jwtutil.Parse(raw)
	if err != nil {
		return nil, err
	}
	return tok, nil
}

// tokenFromStdin reports whether readToken will consume stdin, so a key
// cannot also be read from it.
func tokenFromStdin(args []string) bool {
	return len(args) == 0 || args[0] == "-"
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
