// Package cmdutil holds the plumbing every mwoauth command shares: streams,
// styles, exit codes, flag helpers, configuration and input readers. It knows
// nothing about tokens or databases beyond what commands pass it.
package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/mwoauth/mwoauth/db"
	"github.com/mwoauth/mwoauth/jwtutil"
	"github.com/mwoauth/mwoauth/mediawiki"
)

// Exit codes, one table for the whole tool (docs/exit-codes.md, `mwoauth help exit-codes`).
const (
	ExitOK           = 0
	ExitFailure      = 1
	ExitUsage        = 2
	ExitMalformed    = 3  // token malformed
	ExitSignature    = 4  // wrong key, disallowed alg, tampered
	ExitExpired      = 5  // exp passed
	ExitNotYetValid  = 6  // nbf/iat in the future
	ExitClaims       = 7  // issuer/audience mismatch
	ExitWikiState    = 8  // jti row missing or revoked, consumer not usable
	ExitNotFound     = 9  // no such consumer, user or file
	ExitRefused      = 10 // declined, concurrent change, transition not allowed, safety guard
	ExitBatchInvalid = 11 // a batch contained invalid tokens
	ExitMismatch     = 12 // token probe: the real answer is not the predicted one
	ExitAuditFinding = 13 // consumer audit --fail-on: a finding reached the level
	ExitInterrupted  = 130
)

// ExitCodeTable documents every code once; the help topic and docs render it.
var ExitCodeTable = []struct {
	Code    int
	Name    string
	Meaning string
}{
	{ExitOK, "ok", "success; for verify: the token is valid"},
	{ExitFailure, "error", "unexpected failure: I/O, database, bug"},
	{ExitUsage, "usage", "bad flag or argument (a directory for a file), unknown subcommand, missing configuration, --yes required"},
	{ExitMalformed, "malformed", "the token is not a well-formed JWT (or is over 64 KiB)"},
	{ExitSignature, "signature", "signature invalid: wrong key, disallowed or unknown alg, tampered token"},
	{ExitExpired, "expired", "the token's exp has passed"},
	{ExitNotYetValid, "not-yet-valid", "nbf (or iat) is in the future"},
	{ExitClaims, "claims", "issuer or audience mismatch"},
	{ExitWikiState, "wiki-state", "rejected by the wiki's state: jti row missing or revoked, consumer not usable"},
	{ExitNotFound, "not-found", "the consumer, user or file asked for does not exist"},
	{ExitRefused, "refused", "declined, concurrent change, transition not allowed, safety guard"},
	{ExitBatchInvalid, "batch-invalid", "a batch (token scan) contained invalid tokens"},
	{ExitMismatch, "probe-mismatch", "token probe: the wiki's or the gateway's real answer is not the predicted one"},
	{ExitAuditFinding, "audit-finding", "consumer audit --fail-on LEVEL: an approved consumer has a finding at that level or above"},
	{ExitInterrupted, "interrupted", "interrupted (Ctrl-C)"},
}

// ExitError carries an exit code with an error. Main prints Err once on
// stderr (unless Silent) and exits with Code.
type ExitError struct {
	Code   int
	Err    error
	Silent bool // the command already reported; print nothing more
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// Exit wraps err with an exit code.
func Exit(code int, err error) error { return &ExitError{Code: code, Err: err} }

// Exitf formats an error with an exit code.
func Exitf(code int, format string, a ...any) error {
	return &ExitError{Code: code, Err: fmt.Errorf(format, a...)}
}

// SilentExit ends the command with code and no further message: the command
// has already said what went wrong (e.g. a verify report).
func SilentExit(code int) error { return &ExitError{Code: code, Silent: true} }

// FlagError is a usage mistake: Main prints it with a hint and exits 2.
type FlagError struct{ Err error }

func (e *FlagError) Error() string { return e.Err.Error() }
func (e *FlagError) Unwrap() error { return e.Err }

// FlagErrorf formats a usage error.
func FlagErrorf(format string, a ...any) error {
	return &FlagError{Err: fmt.Errorf(format, a...)}
}

// ExitCode maps an error to the process exit code. It is the one mapper:
// commands return library errors as they are and this function knows their
// classes, so no command converts errors by hand.
//
//	*ExitError                      its Code (a command decided)
//	*FlagError                      2 usage
//	context.Canceled                130 interrupted
//	*jwtutil.Error                  its Class (3 malformed ... 8 wiki-state)
//	db.ErrBadDSN, db.ErrInvalidReason  2 usage (the user typed it)
//	*db.RefusedError                10 refused
//	mediawiki.ErrNotFound (= db.ErrNotFound), fs.ErrNotExist  9 not found
//	anything else                   1 failure
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	var fe *FlagError
	if errors.As(err, &fe) {
		return ExitUsage
	}
	if errors.Is(err, context.Canceled) {
		return ExitInterrupted
	}
	var te *jwtutil.Error
	if errors.As(err, &te) {
		return ClassExitCode(te.Class)
	}
	if errors.Is(err, db.ErrBadDSN) || errors.Is(err, db.ErrInvalidReason) {
		return ExitUsage
	}
	var re *db.RefusedError
	if errors.As(err, &re) {
		return ExitRefused
	}
	if errors.Is(err, mediawiki.ErrNotFound) || errors.Is(err, fs.ErrNotExist) {
		return ExitNotFound
	}
	return ExitFailure
}

// ClassExitCode is the exit code of a verdict class: what token verify
// exits with and what token scan reports per token.
func ClassExitCode(c jwtutil.Class) int {
	switch c {
	case jwtutil.ClassOK:
		return ExitOK
	case jwtutil.ClassMalformed:
		return ExitMalformed
	case jwtutil.ClassSignature:
		return ExitSignature
	case jwtutil.ClassExpired:
		return ExitExpired
	case jwtutil.ClassNotYetValid:
		return ExitNotYetValid
	case jwtutil.ClassClaims:
		return ExitClaims
	case jwtutil.ClassWikiState:
		return ExitWikiState
	}
	return ExitFailure
}

// WithHint adds what to do about err, in the command's words: libraries
// never name flags, so a command that knows which flag fixes an error adds
// it here ("give --reason TEXT"). The exit code stays err's.
func WithHint(err error, hint string) error {
	if err == nil || hint == "" {
		return err
	}
	return &hintError{err: err, hint: hint}
}

// HintIf is WithHint for one kind of error: the hint is added only when
// err is (or wraps) target.
func HintIf(err, target error, hint string) error {
	if errors.Is(err, target) {
		return WithHint(err, hint)
	}
	return err
}

type hintError struct {
	err  error
	hint string
}

func (e *hintError) Error() string { return e.err.Error() + " (" + e.hint + ")" }
func (e *hintError) Unwrap() error { return e.err }

// FlagRequired is the one wording of a missing required flag:
// "--reason TEXT is required: it is stored in the wiki's log".
func FlagRequired(flag, why string) error {
	if why == "" {
		return FlagErrorf("%s is required", flag)
	}
	return FlagErrorf("%s is required: %s", flag, why)
}

// ErrorLine renders err as the one line Main prints: "error: " and the
// message folded onto one line (a wrapped database or cobra message with
// newlines must not become several lines for scripts and log collectors),
// through Safe, because a message can quote a token, a log or a database.
func ErrorLine(err error) string {
	return "error: " + escape(strings.Join(strings.Fields(err.Error()), " "), false)
}

// IsSilent reports whether the error should not be printed again.
func IsSilent(err error) bool {
	var ee *ExitError
	return errors.As(err, &ee) && ee.Silent
}
