package token

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/jwtutil"
)

// readToken reads TOKEN|-|@FILE (stdin when piped and no argument), finds
// the JWT in whatever was pasted and parses it. Malformed tokens exit 3;
// raw is the token found ("" when none was), for reports on it.
func readToken(ios *cmdutil.IOStreams, args []string) (raw string, tok *jwtutil.Token, err error) {
	arg, has := "", len(args) > 0
	if has {
		arg = args[0]
	}
	text, err := cmdutil.ReadInput(ios, arg, has, "token")
	if err != nil {
		return "", nil, err
	}
	if raw, err = jwtutil.Extract(text); err != nil {
		return "", nil, err
	}
	if tok, err = jwtutil.Parse(raw); err != nil {
		return raw, nil, err
	}
	return raw, tok, nil
}

// malformedRaw reports whether readToken's err still leaves bytes to report
// on: it found a token (raw) that mwoauth's parser refused (exit 3). Decode
// and verify then say what MediaWiki's and Envoy's parsers, which answer
// every request, make of the same bytes.
func malformedRaw(raw string, err error) bool {
	return raw != "" && cmdutil.ExitCode(err) == cmdutil.ExitMalformed
}

// tokenFromStdin reports whether readToken will consume stdin, so a key
// cannot also be read from it.
func tokenFromStdin(args []string) bool {
	return len(args) == 0 || args[0] == "-"
}

// instantAt resolves --at (or the clock): a time, or a span from the clock
// such as +2h, -30m or +1d (QA's "two hours from now").
func instantAt(clock func() time.Time, at string) (time.Time, error) {
	now := clock().UTC()
	if at == "" {
		return now, nil
	}
	if s := strings.TrimSpace(at); len(s) > 1 && (s[0] == '+' || s[0] == '-') && !isNumber(s[1:]) {
		d, err := parseSpan(s[1:])
		if err != nil {
			return time.Time{}, cmdutil.FlagErrorf("--at %s: %v", at, err)
		}
		if s[0] == '-' {
			d = -d
		}
		return now.Add(d), nil
	}
	t, err := cmdutil.ParseTime(at)
	if err != nil {
		return time.Time{}, cmdutil.FlagErrorf("--at: %v", err)
	}
	return t, nil
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// parseSpan reads a duration as QA writes one: Go's units plus days,
// "1d", "2d3h", "90m", "1d12h30m".
func parseSpan(s string) (time.Duration, error) {
	var days int64
	if i := strings.IndexByte(s, 'd'); i > 0 {
		n, err := strconv.ParseInt(s[:i], 10, 64)
		if err != nil || n < 0 || n > 106751 {
			return 0, fmt.Errorf("invalid duration %q (want e.g. 90s, 30m, 4h, 1d or 2d3h)", s)
		}
		days, s = n, s[i+1:]
	}
	var rest time.Duration
	if s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 {
			return 0, fmt.Errorf("invalid duration %q (want e.g. 90s, 30m, 4h, 1d or 2d3h)", s)
		}
		rest = d
	}
	return time.Duration(days)*24*time.Hour + rest, nil
}

// spanValue is a pflag.Value for durations with days (--expires-in 1d):
// negative spans are kept so the command can say which flag to use.
type spanValue struct {
	d   *time.Duration
	set bool
}

func newSpanValue(d *time.Duration, def time.Duration) *spanValue {
	*d = def
	return &spanValue{d: d}
}

func (v *spanValue) Set(s string) error {
	neg := strings.HasPrefix(s, "-")
	d, err := parseSpan(strings.TrimPrefix(s, "-"))
	if err != nil {
		return err
	}
	if neg {
		d = -d
	}
	*v.d, v.set = d, true
	return nil
}

func (v *spanValue) String() string {
	if v.d == nil {
		return "0s"
	}
	return v.d.String()
}

func (v *spanValue) Type() string { return "duration" }
