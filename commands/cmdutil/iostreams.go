package cmdutil

import (
	"bytes"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"golang.org/x/term"

	"github.com/mwoauth/mwoauth/mediawiki"
)

// IOStreams are the process streams plus what we know about them. Commands
// write to Out (data) and ErrOut (talk: warnings, progress, errors).
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdinTTY  bool
	stdoutTTY bool
	stderrTTY bool

	// ColorMode is auto, always or never (--color).
	ColorMode  string
	noColorEnv bool

	// termWidth is stdout's width in columns: -1 until asked, 0 unknown.
	termWidth int
	sizeFunc  func() int

	styles *Styles
}

// System returns streams bound to the real process. It does not query the
// terminal (no background or colour-profile probes): start-up stays fast and
// nothing is written to a terminal that is not ours.
func System() *IOStreams {
	// no-color.org: NO_COLOR disables colour when present *and not empty*.
	noColor := os.Getenv("NO_COLOR") != ""
	return &IOStreams{
		In:         os.Stdin,
		Out:        os.Stdout,
		ErrOut:     os.Stderr,
		stdinTTY:   term.IsTerminal(int(os.Stdin.Fd())),
		stdoutTTY:  term.IsTerminal(int(os.Stdout.Fd())),
		stderrTTY:  term.IsTerminal(int(os.Stderr.Fd())),
		ColorMode:  "auto",
		noColorEnv: noColor || os.Getenv("TERM") == "dumb",
		termWidth:  -1,
		sizeFunc: func() int {
			if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil && w > 0 {
				return w
			}
			// A terminal that does not answer (some CI pseudo-terminals).
			if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
				return n
			}
			return 0
		},
	}
}

// TerminalWidth is stdout's width in columns, or 0 when stdout is not a
// terminal or does not say. Tables fit their rows to it.
func (s *IOStreams) TerminalWidth() int {
	if !s.stdoutTTY {
		return 0
	}
	if s.termWidth < 0 {
		s.termWidth = 0
		if s.sizeFunc != nil {
			s.termWidth = s.sizeFunc()
		}
	}
	return s.termWidth
}

// SetTerminalWidth fixes the terminal width (tests).
func (s *IOStreams) SetTerminalWidth(w int) { s.termWidth = w }

// SetNoColorEnv records NO_COLOR as the environment would (tests).
func (s *IOStreams) SetNoColorEnv(on bool) {
	s.noColorEnv = on
	s.styles = nil
}

// Test returns streams backed by buffers, none of them a TTY.
func Test() (ios *IOStreams, in *bytes.Buffer, out *bytes.Buffer, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut, ColorMode: "auto", termWidth: -1}, in, out, errOut
}

// IsStdinTTY reports whether stdin is a terminal (so no token is piped in).
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// IsStdoutTTY reports whether stdout is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether stderr is a terminal (progress lines go there).
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// SetTTY overrides TTY detection (tests).
func (s *IOStreams) SetTTY(stdin, stdout, stderr bool) {
	s.stdinTTY, s.stdoutTTY, s.stderrTTY = stdin, stdout, stderr
	s.styles = nil
}

// CanPrompt reports whether we may ask the user a question.
func (s *IOStreams) CanPrompt() bool { return s.stdinTTY && s.stderrTTY }

// ColorEnabled decides colour once: --color always/never win; auto means
// stdout is a terminal and NO_COLOR is unset or empty.
func (s *IOStreams) ColorEnabled() bool {
	switch s.ColorMode {
	case "always":
		return true
	case "never":
		return false
	}
	return s.stdoutTTY && !s.noColorEnv
}

// Styles is the small fixed palette. Plain 16-colour numbers follow the
// user's terminal theme.
type Styles struct {
	OK, Warn, Err, Dim, Bold, Key Style
	color                         bool
}

// Style is one colour of the palette.
type Style struct {
	ls    lipgloss.Style
	color bool
}

// Render styles strs joined by spaces, as lipgloss.Style.Render does.
// Without colour, a single line without tabs comes back as it is, without
// going through lipgloss, which would measure and rewrite it to the same
// text: for "token verify" that was a tenth of the work after start-up.
// Several lines or tabs still go through lipgloss (it pads lines to one
// width and expands tabs), so output does not depend on the shortcut.
func (s Style) Render(strs ...string) string {
	if !s.color {
		t := strings.Join(strs, " ")
		if !strings.ContainsAny(t, "\n\t\r") {
			return t
		}
	}
	return s.ls.Render(strs...)
}

// Stage is the style of a consumer stage: approved green, disabled and
// rejected red, the others (proposed, expired, configuration-based)
// yellow. Every command that shows a stage uses it.
func (st *Styles) Stage(stage int) Style {
	switch stage {
	case mediawiki.StageApproved:
		return st.OK
	case mediawiki.StageDisabled, mediawiki.StageRejected:
		return st.Err
	}
	return st.Warn
}

// Color reports whether the styles emit escape codes.
func (st *Styles) Color() bool { return st.color }

// Styles returns the palette for Out.
func (s *IOStreams) Styles() *Styles {
	if s.styles != nil {
		return s.styles
	}
	r := lipgloss.NewRenderer(s.Out)
	r.SetHasDarkBackground(true) // never probe the terminal
	on := s.ColorEnabled()
	if on {
		r.SetColorProfile(termenv.ANSI)
	} else {
		r.SetColorProfile(termenv.Ascii)
	}
	style := func(ls lipgloss.Style) Style { return Style{ls: ls, color: on} }
	s.styles = &Styles{
		OK:    style(r.NewStyle().Foreground(lipgloss.Color("2"))),
		Warn:  style(r.NewStyle().Foreground(lipgloss.Color("3"))),
		Err:   style(r.NewStyle().Foreground(lipgloss.Color("1")).Bold(true)),
		Dim:   style(r.NewStyle().Faint(true)),
		Bold:  style(r.NewStyle().Bold(true)),
		Key:   style(r.NewStyle().Foreground(lipgloss.Color("6"))),
		color: on,
	}
	return s.styles
}
