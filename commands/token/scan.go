package token

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/commands/dbcmd"
	"github.com/mwoauth/mwoauth/jwtutil"
	"github.com/mwoauth/mwoauth/mediawiki"
	"github.com/mwoauth/mwoauth/scan"
	"github.com/mwoauth/mwoauth/verdict"
)

type scanOptions struct {
	keyFlags
	TimeField  string
	TimeRegex  string
	ShowTokens bool
	Jobs       int
	StaticApps []string
	Format     string
}

func newCmdScan(f *cmdutil.Factory) *cobra.Command {
	opts := &scanOptions{}
	cmd := &cobra.Command{
		Use:   "scan [<file>... | -] (--public-key <file> | --jwks <file> | --secret-file <file>)",
		Short: "Find and verify every token in access or application logs",
		Long: `Scan reads logs (files, or stdin when no file or - is given; gzip is
recognised by its magic bytes) and finds every bearer token in them:
"Authorization: Bearer …" values, access_token= query and form parameters,
"access_token" JSON members, and bare JWTs anywhere in a line (several per
line are fine). A value after "Bearer " or access_token that is not a JWT is
counted as a malformed token.

Each distinct token is verified once, in parallel on all cores, with the same
rules and key flags as "mwoauth token verify" (RS256 unless --alg says
otherwise, zero leeway, optional --issuer/--audience); repeats are counted, not
re-verified. Another spelling of a token ('=' padding, non-zero trailing bits
in a segment's last character) is the same token, and each such use is
malformed: MediaWiki's parser refuses that spelling. Tokens are judged at --at (default now). With --time-field NAME
(JSON logs) or --time-regex RE (its first capture group that matched;
RFC 3339, common log format like 22/Nov/2026:10:07:55 +0000, or unix
seconds), each use is judged
at its own line's time instead: a token valid at 10:00 and used at 11:30 was
used expired. The signature is checked once per token, the times per use.
Uses on lines without a readable time are judged at --at.

MediaWiki's verdict follows --mediawiki (master by default), exactly as
token verify judges: each token line says whether MediaWiki accepts it and
who its requests run as. With a database configured (--db, MWOAUTH_DB or
the profile's db), each token's jti row, its acceptance and user, and its
consumer are read once per distinct token, acceptance, user and consumer,
and judged as verify judges them (--wiki, --subject-scope, --static-app
likewise); without one, the user is a guess from sub. A list-valued aud
names its consumer by its first element, as MediaWiki reads it.

The text report gives totals, a table by verdict and one by consumer (aud),
with first and last sightings as FILE:LINE. The token text is never printed
unless --show-tokens is given; tokens are named by their id, the first 12 hex
digits of sha256(token).

Lines with a NUL byte or invalid UTF-8 (binary junk) and lines over 1 MiB are
counted and skipped. Memory grows with the number of distinct tokens (about
0.6 KB each, 1.1 KB with --output json and its line per token; a keyed
digest names a token, its text is kept only for --show-tokens), not with the
size of the logs. On a terminal a progress line is shown on stderr.

--output json prints one JSON object per distinct token, in order of first
sighting, then one summary object (schema below; fields are only ever added):

  {"id":"3f2a9c0d1e4b","jti":"…","aud":"<consumer key>","sub":"…",
   "verdict":"expired","exit_code":5,"detail":"…","count":120,
   "first_seen":{"file":"access.log","line":12,"time":"2026-11-22T10:00:01Z"},
   "last_seen":{"file":"access.log","line":9045,"time":"…"},
   "uses":{"ok":100,"expired":20},                  (only with per-line times)
   "mediawiki":{"accepted":true,"reason":"accepted",
     "user":{"anonymous":false,"central_id":3,"name":"…","source":"acceptance"}},
   "token_row":{"found":true,"revoked":false,"acceptance_id":2}, (only with a database)
   "consumer":{"found":true,"name":"…","stage":1,"stage_name":"approved"},
   "token":"eyJ…"}                                  (only with --show-tokens)
  {"summary":{"files":["access.log"],"bytes":…,"lines":…,
   "lines_with_tokens":…,"skipped_binary":…,"skipped_too_long":…,
   "lines_without_time":…,"occurrences":…,"unique_tokens":…,"valid":false,
   "judged_at":"…","time_source":"at|field:NAME|regex:RE","database":false,
   "tokens_by_verdict":{"ok":…,"malformed":…,"signature":…,"expired":…,
     "not-yet-valid":…,"claims":…,"wiki-state":…},
   "uses_by_verdict":{…same keys…},
   "verdicts":[{"verdict":"ok","exit_code":0,"tokens":…,"uses":…,
     "first_seen":{…},"last_seen":{…}}],
   "consumers":[{"aud":"…","consumer":{…},"tokens":…,"uses":…,
     "tokens_by_verdict":{…},"uses_by_verdict":{…},
     "first_seen":{…},"last_seen":{…}}],
   "mediawiki_version":"master",
   "database_consulted":{"dsn":"sqlite:wiki.sqlite","engine":"sqlite",…}}}

A token's verdict is its most fundamental failure (malformed, signature,
expired, not-yet-valid, claims, wiki-state); judged per line, it is the most
fundamental failure among its uses, and "ok" only if every use was valid.

Exit status: 0 when every token found is valid (or none was found), 11 when
some are not, 9 when a log file (or the SQLite database) does not exist,
1 on another error (an unreadable file, the database), 2 on a usage error.`,
		Example: `  mwoauth token scan /var/log/nginx/access.log --public-key /etc/mediawiki/oauth2-public.pem
  zcat access.log.*.gz | mwoauth token scan --public-key oauth2-public.pem --time-regex '\[([^\]]+)\]'
  mwoauth token scan app.jsonl --public-key oauth2-public.pem --time-field time --db sqlite:wiki.sqlite
  mwoauth token scan access.log --public-key oauth2-public.pem --at 2026-11-22T12:00:00Z -o json | jq 'select(.verdict=="expired")'`,
		Args: cmdutil.Args(cobra.ArbitraryArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := cmdutil.OutputFormat(cmd, "text", "json")
			if err != nil {
				return err
			}
			opts.Format = format
			return runScan(cmd, f, opts, args)
		},
	}
	opts.addFlags(cmd)
	fl := cmd.Flags()
	fl.String("audience", "", "Expected aud (consumer key); only from this flag, since a log holds many consumers")
	fl.StringVar(&opts.TimeField, "time-field", "", "Judge each use at its line's time, read from this JSON `member` (e.g. time, @timestamp)")
	fl.StringVar(&opts.TimeRegex, "time-regex", "", "Judge each use at its line's time: the first capture group (that matched) of this `regexp`")
	fl.BoolVar(&opts.ShowTokens, "show-tokens", false, "Include the token text in the JSON output (it is a credential)")
	fl.IntVar(&opts.Jobs, "jobs", 0, "Worker goroutines (default: one per core)")
	cmdutil.AddOutputFlag(cmd, "text", "json")
	addWikiFlags(cmd, &opts.StaticApps)
	dbcmd.AddFlags(cmd)
	return cmd
}

func runScan(cmd *cobra.Command, f *cmdutil.Factory, opts *scanOptions, args []string) error {
	ctx := cmdutil.CatchInterrupt(cmd)
	at, err := instant(f, opts.At)
	if err != nil {
		return err
	}
	if opts.Leeway < 0 {
		return cmdutil.FlagErrorf("--leeway cannot be negative")
	}
	if opts.Jobs < 0 {
		return cmdutil.FlagErrorf("--jobs cannot be negative")
	}
	times, err := scan.NewTimeSource(opts.TimeField, opts.TimeRegex)
	switch {
	case errors.Is(err, scan.ErrTimeSourceBoth):
		return cmdutil.FlagErrorf("--time-field and --time-regex are exclusive")
	case errors.Is(err, scan.ErrNoCaptureGroup):
		return cmdutil.FlagErrorf("--time-regex %q has no capture group: put the time in (…)", cmdutil.Safe(opts.TimeRegex))
	case err != nil:
		return cmdutil.FlagErrorf("--time-regex: %v", err)
	}
	inputs := args
	if len(inputs) == 0 {
		if f.IO.IsStdinTTY() {
			return cmdutil.FlagErrorf("no input: give log files, or pipe a log into stdin")
		}
		inputs = []string{"-"}
	}
	stdinUses := 0
	for _, in := range inputs {
		if in == "-" {
			stdinUses++
		}
	}
	if stdinUses > 1 {
		return cmdutil.FlagErrorf("- (stdin) can be given only once")
	}
	if opts.ShowTokens && opts.Format != "json" {
		// The text report names no token at all; a flag that silently did
		// nothing would leave the user looking for the tokens.
		return cmdutil.FlagErrorf("--show-tokens puts tokens in the per-token lines of --output json; the text report has none")
	}
	vo, err := scanVerifyOptions(cmd, f, opts, stdinUses > 0)
	if err != nil {
		return err
	}
	// Open every file before reading any: a typo fails at once, not after
	// an hour of scanning.
	files := make([]*os.File, len(inputs))
	defer func() {
		for _, fh := range files {
			if fh != nil {
				fh.Close()
			}
		}
	}()
	for i, in := range inputs {
		if in == "-" {
			continue
		}
		fh, err := os.Open(in)
		if err != nil {
			code := cmdutil.ExitFailure
			if errors.Is(err, fs.ErrNotExist) {
				code = cmdutil.ExitNotFound // as for every other file the tool reads
			}
			return cmdutil.Exitf(code, "open %s: %v", in, unwrapPathError(err))
		}
		if st, err := fh.Stat(); err == nil && st.IsDir() {
			fh.Close()
			return cmdutil.Exitf(cmdutil.ExitUsage, "%s is a directory, not a file", in)
		}
		files[i] = fh
	}

	o := scan.Options{Verify: vo, At: at, Times: times, Workers: opts.Jobs, KeepTokens: opts.ShowTokens && opts.Format == "json", SummaryOnly: opts.Format != "json"}
	st, dbInfo, err := openWiki(cmd, f)
	if err != nil {
		return err
	}
	if st != nil {
		defer st.Close()
		o.Wiki = st
	}

	if _, set := os.LookupEnv("GOGC"); !set { //nolint:forbidigo // the Go runtime's variable, not a setting
		// What a scan keeps grows slowly (one entry per distinct token);
		// what it throws away is crypto/rsa's few KiB per verification.
		// At the default 100 the collector then runs every few megabytes
		// while the kept heap is small: about 2 % of a scan of distinct
		// tokens. At 200 it runs half as often, for at most one more
		// kept heap's worth of memory. GOGC, when set, is the user's.
		debug.SetGCPercent(200)
	}
	sc := scan.New(o)
	stop := startProgress(f.IO, sc)
	for i, in := range inputs {
		var r io.Reader = f.IO.In
		name := "(stdin)"
		if files[i] != nil {
			r, name = files[i], in
		}
		if err := sc.Feed(ctx, name, r); err != nil {
			stop()
			return scanError(ctx, err)
		}
	}
	rep, err := sc.Finish()
	stop()
	if err != nil {
		return scanError(ctx, err)
	}

	if opts.Format == "json" {
		// Buffered: one write per line would be one syscall per distinct token.
		bw := bufio.NewWriterSize(f.IO.Out, 256<<10)
		for i := range rep.Tokens {
			rep.Tokens[i].ExitCode = cmdutil.ClassExitCode(rep.Tokens[i].Verdict)
			if err := cmdutil.WriteJSONLine(bw, rep.Tokens[i]); err != nil {
				return err
			}
		}
		for i := range rep.Summary.Verdicts {
			rep.Summary.Verdicts[i].ExitCode = cmdutil.ClassExitCode(rep.Summary.Verdicts[i].Verdict)
		}
		if err := cmdutil.WriteJSONLine(bw, map[string]any{"summary": scanSummaryJSON{Summary: rep.Summary, MediaWiki: vo.MediaWiki, Database: dbInfo}}); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
	} else {
		printScan(f.IO, rep, vo.MediaWiki, dbInfo)
	}
	if rep.Summary.Valid {
		return nil
	}
	return cmdutil.SilentExit(cmdutil.ExitBatchInvalid)
}

// scanVerifyOptions resolves the key flags exactly as token verify does.
// --audience is taken from the flag only: a profile's audience names one
// consumer, and a log holds many.
func scanVerifyOptions(cmd *cobra.Command, f *cmdutil.Factory, opts *scanOptions, logFromStdin bool) (verdict.Options, error) {
	var vo verdict.Options
	vo.Audience, _ = cmd.Flags().GetString("audience")
	w, err := resolveWiki(cmd, f, opts.StaticApps)
	if err != nil {
		return vo, err
	}
	vo.MediaWiki, vo.SubjectScope, vo.WikiID, vo.StaticApps = w.Version, w.SubjectScope, w.WikiID, w.StaticApps
	stdinUser := ""
	if logFromStdin {
		stdinUser = "log"
	}
	err = opts.resolve(cmd, f, &vo, stdinUser)
	return vo, err
}

// scanSummaryJSON is the summary line: the scanner's summary, plus the
// MediaWiki version judged by and the database consulted.
type scanSummaryJSON struct {
	scan.Summary
	MediaWiki mediawiki.Version `json:"mediawiki_version"`
	Database  *databaseJSON     `json:"database_consulted,omitempty"`
}

func scanError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return cmdutil.Exit(cmdutil.ExitInterrupted, fmt.Errorf("interrupted"))
	}
	return err
}

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
func startProgress(ios *cmdutil.IOStreams, sc *scan.Scanner) func() {
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

func printScan(ios *cmdutil.IOStreams, rep *scan.Report, ver mediawiki.Version, dbInfo *databaseJSON) {
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
	fmt.Fprintf(w, "MediaWiki %s's rules\n", ver)
	if dbInfo != nil {
		fmt.Fprintf(w, "Database: %s: token rows, acceptances, users and consumers checked\n", cmdutil.Safe(dbInfo.text()))
	}
	if s.UniqueTokens == 0 {
		fmt.Fprintln(w, "\nNo tokens found.")
		return
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
	for i, c := range s.Consumers {
		if i == maxConsumers {
			break
		}
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
	}
	consumers.Render(w) //nolint:errcheck
	if n := len(s.Consumers) - maxConsumers; n > 0 {
		fmt.Fprintf(w, "… and %s more (see --output json)\n", plural(int64(n), "consumer", "consumers"))
	}

	fmt.Fprintln(w)
	invalid := s.UniqueTokens - s.TokensByVerdict["ok"]
	if invalid == 0 {
		fmt.Fprintln(w, st.OK.Render(fmt.Sprintf("✓ all %s valid", plural(int64(s.UniqueTokens), "token", "tokens"))))
	} else {
		fmt.Fprintln(w, st.Err.Render(fmt.Sprintf("✗ %s of %s not valid", groupDigits(int64(invalid)), plural(int64(s.UniqueTokens), "token", "tokens"))))
	}
}

func seenText(s *scan.Seen) string {
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
