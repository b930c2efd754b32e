package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"testing"
	"time"

	"github.com/mwoauth/mwoauth/db"
	"github.com/mwoauth/mwoauth/jwtutil"
)

func TestParseTime(t *testing.T) {
	for in, want := range map[string]time.Time{
		"2026-11-22T10:07:55Z":       time.Date(2026, 11, 22, 10, 7, 55, 0, time.UTC),
		"2026-11-22T11:07:55+01:00":  time.Date(2026, 11, 22, 10, 7, 55, 0, time.UTC),
		"2026-11-22":                 time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC),
		"1795342075":                 time.Unix(1795342075, 0).UTC(),
		"1795342075.525625":          time.Unix(1795342075, 525625000).UTC(),
		" 2026-11-22T10:07:55.5Z \n": time.Date(2026, 11, 22, 10, 7, 55, 500000000, time.UTC),
	} {
		got, err := ParseTime(in)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "yesterday", "2026-13-01", "12:00",
		// Numbers go through the claim parser, which refuses what is no instant.
		"NaN", "Inf", "1e300"} {
		if _, err := ParseTime(bad); err == nil {
			t.Errorf("ParseTime(%q): want an error", bad)
		}
	}
}

func TestExitCode(t *testing.T) {
	for _, c := range []struct {
		err  error
		want int
	}{
		{nil, 0},
		{errors.New("boom"), ExitFailure},
		{FlagErrorf("bad flag"), ExitUsage},
		{fmt.Errorf("wrapped: %w", Exitf(ExitExpired, "expired")), ExitExpired},
		{SilentExit(ExitBatchInvalid), ExitBatchInvalid},
		{fmt.Errorf("run: %w", context.Canceled), ExitInterrupted},
		// Library errors carry their class; commands return them as they are.
		{&jwtutil.Error{Class: jwtutil.ClassExpired, Msg: "expired"}, ExitExpired},
		{fmt.Errorf("token: %w", &jwtutil.Error{Class: jwtutil.ClassMalformed}), ExitMalformed},
		{fmt.Errorf("%w: no slash", db.ErrBadDSN), ExitUsage},
		{fmt.Errorf("%w: reason is empty", db.ErrInvalidReason), ExitUsage},
		{&db.RefusedError{Msg: "not approved"}, ExitRefused},
		{fmt.Errorf("consumer 7: %w", db.ErrNotFound), ExitNotFound},
		{&db.PerformerNotFoundError{Name: "X"}, ExitNotFound},
		{&os.PathError{Op: "open", Path: "/nope", Err: fs.ErrNotExist}, ExitNotFound},
		{&db.SchemaError{Table: "oauth_registered_consumer"}, ExitFailure},
		// A hint keeps the class.
		{WithHint(&db.RefusedError{Msg: "x"}, "see --help"), ExitRefused},
		// A command's explicit code wins over the class inside.
		{Exit(ExitUsage, db.ErrNotFound), ExitUsage},
	} {
		if got := ExitCode(c.err); got != c.want {
			t.Errorf("ExitCode(%v) = %d, want %d", c.err, got, c.want)
		}
	}
	if !IsSilent(SilentExit(5)) || IsSilent(Exitf(5, "x")) {
		t.Error("IsSilent wrong")
	}
}

// TestPlainRenderIsLipgloss: without colour, Style.Render's shortcut gives
// exactly what lipgloss gives, for every style and for text with and
// without the characters that make lipgloss rewrite it.
func TestPlainRenderIsLipgloss(t *testing.T) {
	ios, _, _, _ := Test()
	st := ios.Styles()
	if st.Color() {
		t.Fatal("test streams have colour")
	}
	inputs := [][]string{
		{""}, {"plain"}, {"✓ valid"}, {"a", "b"}, {"  padded  "}, {"with\ttab"}, {"two\nlines"},
		{"long line of text that is wider than any terminal would be, or so one hopes, to see that nothing wraps it at all"},
		{"crlf\r\nline"}, {"emoji 🔑 and CJK 漢字"}, {"trailing\n"},
	}
	for _, s := range []Style{st.OK, st.Warn, st.Err, st.Dim, st.Bold, st.Key} {
		for _, in := range inputs {
			if got, want := s.Render(in...), s.ls.Render(in...); got != want {
				t.Errorf("Render(%q) = %q, lipgloss gives %q", in, got, want)
			}
		}
	}
}

func TestHints(t *testing.T) {
	base := fmt.Errorf("%w: the reason is required", db.ErrInvalidReason)
	err := HintIf(base, db.ErrInvalidReason, "give --reason TEXT")
	if got := err.Error(); got != "invalid reason: the reason is required (give --reason TEXT)" {
		t.Errorf("HintIf: %q", got)
	}
	if !errors.Is(err, db.ErrInvalidReason) || ExitCode(err) != ExitUsage {
		t.Error("the hint hides the error's class")
	}
	if got := HintIf(db.ErrNotFound, db.ErrInvalidReason, "x"); got != db.ErrNotFound {
		t.Errorf("HintIf added a hint to another error: %v", got)
	}
	if WithHint(nil, "x") != nil {
		t.Error("WithHint(nil) is not nil")
	}
	if got := FlagRequired("--reason TEXT", "it is stored in the wiki's log").Error(); got != "--reason TEXT is required: it is stored in the wiki's log" {
		t.Errorf("FlagRequired: %q", got)
	}
}

// MWOAUTH_NOW pins the judging clock, never the write clock.
func TestWallNowIgnoresPinnedClock(t *testing.T) {
	t.Setenv("MWOAUTH_NOW", "2026-11-22T09:30:00Z")
	ios, _, _, _ := Test()
	f := NewFactory(ios)
	if !f.ClockPinned || !f.Now().Equal(time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)) {
		t.Errorf("Now = %v, pinned %v", f.Now(), f.ClockPinned)
	}
	if d := time.Since(f.WallNow()); d < 0 || d > time.Minute {
		t.Errorf("WallNow = %v, not the real time", f.WallNow())
	}
}
