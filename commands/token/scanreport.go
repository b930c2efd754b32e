package token

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/jwtutil"
	"github.com/mwoauth/mwoauth/logscan"
)

// What token scan and token scan merge print besides JSON: the text
// report, the progress line and their formatting helpers.

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// startProgress shows a self-overwriting status line on stderr while the
// scan runs, only when stderr is a terminal. The returned func stops it and
// clears the line.
func startProgress(ios *cmdutil.IOStreams, sc *logscan.Scanner) func() {
	if !ios.IsStderrTTY() {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	start := time.Now()
	width := 0
	show := func() {
		b, lines, unique := sc.Progress()
		secs := max(time.Since(start).Seconds(), 1e-3)
		// Plain \r and padding rather than an erase-line escape: NO_COLOR users
		// and dumb terminals get no control sequences at all.
		line := fmt.Sprintf("scanning: %s read, %s lines (%s lines/s), %s distinct tokens",
			humanBytes(b), groupDigits(lines), groupDigits(int64(float64(lines)/secs)), groupDigits(unique))
		if n := len(line); n < width {
			line += strings.Repeat(" ", width-n)
		}
		width = len(line)
		fmt.Fprint(ios.ErrOut, "\r"+line)
	}
	show() // at once, so a pipe that stalls still shows that we are reading
	go func() {
		defer close(finished)
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				fmt.Fprint(ios.ErrOut, "\r"+strings.Repeat(" ", width)+"\r")
				return
			case <-tick.C:
				show()
			}
		}
	}()
	return func() {
		select {
		case <-done:
		default:
			close(done)
			<-finished
		}
	}
}

// printScan writes the text report: totals, the verdict table and the
// consumers with the most uses.
func printScan(ios *cmdutil.IOStreams, rep *logscan.Report) error {
	w, st := ios.Out, ios.Styles()
	s := rep.Summary
	files := "1 file"
	if len(s.Files) != 1 {
		files = fmt.Sprintf("%d files", len(s.Files))
	}
	fmt.Fprintf(w, "%s %s: %s lines, %s; %s token uses on %s lines; %s distinct tokens\n",
		st.Bold.Render("Scanned"), files, groupDigits(s.Lines), humanBytes(s.Bytes),
		groupDigits(s.Occurrences), groupDigits(s.LinesWithTokens), groupDigits(int64(s.UniqueTokens)))
	var skipped []string
	if s.SkippedBinary > 0 {
		skipped = append(skipped, plural(s.SkippedBinary, "binary line", "binary lines"))
	}
	if s.SkippedTooLong > 0 {
		skipped = append(skipped, plural(s.SkippedTooLong, "line over 1 MiB", "lines over 1 MiB"))
	}
	if len(skipped) > 0 {
		fmt.Fprintf(w, "Skipped %s\n", strings.Join(skipped, ", "))
	}
	if s.TimeSource == "at" {
		fmt.Fprintf(w, "Judged at %s\n", s.JudgedAt)
	} else {
		fmt.Fprintf(w, "Each use judged at its line's time (%s)", s.TimeSource)
		if s.LinesWithoutTime > 0 {
			fmt.Fprintf(w, "; %s without a time judged at %s", plural(s.LinesWithoutTime, "line", "lines"), s.JudgedAt)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "MediaWiki %s's rules\n", cmdutil.Safe(rep.Meta.MediaWiki))
	if rep.Meta.Database {
		fmt.Fprintf(w, "Database: %s: token rows, acceptances, users and consumers checked\n", cmdutil.Safe(rep.Meta.DatabaseText))
	}
	if s.UniqueTokens == 0 {
		_, err := fmt.Fprintln(w, "\nNo tokens found.")
		return err
	}

	fmt.Fprintln(w)
	verdicts := cmdutil.NewTable(ios, "VERDICT", "TOKENS", "USES", "FIRST SEEN", "LAST SEEN").RightAlign(1, 2)
	for _, v := range s.Verdicts {
		style := st.Err
		if v.Verdict == jwtutil.ClassOK {
			style = st.OK
		}
		verdicts.AddRow(cmdutil.S(v.Verdict.String(), style), cmdutil.C(groupDigits(int64(v.Tokens))), cmdutil.C(groupDigits(v.Uses)),
			cmdutil.C(seenText(v.FirstSeen)), cmdutil.C(seenText(v.LastSeen)))
	}
	verdicts.Render(w) //nolint:errcheck // a failed write shows in the next one

	fmt.Fprintln(w)
	const maxConsumers = 20
	consumers := cmdutil.NewTable(ios, "CONSUMER (aud)", "NAME", "STAGE", "TOKENS", "USES", "INVALID USES", "FIRST SEEN", "LAST SEEN").RightAlign(3, 4, 5).KeepWhole(0)
	shown := 0
	errShown := errors.New("shown")
	err := rep.EachConsumer(func(c *logscan.ConsumerSummary) error {
		if shown == maxConsumers {
			return errShown
		}
		shown++
		name, stage := cmdutil.C(""), cmdutil.C("")
		if c.Consumer != nil {
			name = cmdutil.C("(not in database)")
			if c.Consumer.Found {
				name, stage = cmdutil.C(c.Consumer.Name), cmdutil.S(c.Consumer.StageName, st.Stage(c.Consumer.Stage))
			}
		}
		if name.Text == "" {
			name.Text = "-"
		}
		if stage.Text == "" {
			stage.Text = "-"
		}
		aud := c.Aud
		if aud == "" {
			aud = "(none)"
		}
		invalid := cmdutil.C(groupDigits(c.Uses - c.UsesByVerdict["ok"]))
		if invalid.Text != "0" {
			invalid.Style = &st.Err
		}
		consumers.AddRow(cmdutil.C(aud), name, stage, cmdutil.C(groupDigits(int64(c.Tokens))), cmdutil.C(groupDigits(c.Uses)), invalid,
			cmdutil.C(seenText(&c.FirstSeen)), cmdutil.C(seenText(&c.LastSeen)))
		return nil
	})
	if err != nil && !errors.Is(err, errShown) {
		return err
	}
	consumers.Render(w) //nolint:errcheck
	if n := rep.NumConsumers - maxConsumers; n > 0 {
		fmt.Fprintf(w, "… and %s more (see --output json)\n", plural(int64(n), "consumer", "consumers"))
	}

	fmt.Fprintln(w)
	invalid := s.UniqueTokens - s.TokensByVerdict["ok"]
	if invalid == 0 {
		_, err = fmt.Fprintln(w, st.OK.Render(fmt.Sprintf("✓ all %s valid", plural(int64(s.UniqueTokens), "token", "tokens"))))
	} else {
		_, err = fmt.Fprintln(w, st.Err.Render(fmt.Sprintf("✗ %s of %s not valid", groupDigits(int64(invalid)), plural(int64(s.UniqueTokens), "token", "tokens"))))
	}
	return err
}

func seenText(s *logscan.Seen) string {
	if s == nil || s.File == "" {
		return "-"
	}
	t := cmdutil.Safe(s.File) + ":" + strconv.FormatInt(s.Line, 10)
	if s.Time != "" {
		t += " " + s.Time
	}
	return t
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return groupDigits(n) + " " + many
}

// groupDigits writes 1234567 as 1,234,567.
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func humanBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}
