package jwtutil

import "fmt"

// Class is how fundamental a verification failure is. The order matters:
// a lower non-zero Class is more fundamental (a malformed token cannot have
// a meaningful signature, a forged token's times mean nothing), and the
// command's exit code is taken from the most fundamental failure.
type Class int

// Failure classes, from most to least fundamental.
const (
	ClassOK Class = iota
	ClassMalformed
	ClassSignature
	ClassExpired
	ClassNotYetValid
	ClassClaims
	ClassWikiState
)

var classNames = [...]string{"ok", "malformed", "signature", "expired", "not-yet-valid", "claims", "wiki-state"}

func (c Class) String() string {
	if c < 0 || int(c) >= len(classNames) {
		return fmt.Sprintf("class(%d)", int(c))
	}
	return classNames[c]
}

// MarshalText renders the class name in JSON.
func (c Class) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// MoreFundamental reports whether a should win over b when both failed:
// the one rule for picking a token's verdict among its failures.
func MoreFundamental(a, b Class) bool {
	if a == ClassOK {
		return false
	}
	return b == ClassOK || a < b
}

// Error is a classified token error: Msg is one lower-case line fit for
// "error: <msg>" on stderr.
type Error struct {
	Class Class
	Msg   string
}

func (e *Error) Error() string { return e.Msg }

func malformedf(format string, a ...any) error {
	return &Error{Class: ClassMalformed, Msg: fmt.Sprintf(format, a...)}
}
