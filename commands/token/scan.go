package token

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/commands/dbcmd"
	"github.com/mwoauth/mwoauth/logscan"
	"github.com/mwoauth/mwoauth/verdict"
	"github.com/mwoauth/mwoauth/wikistate"
)

// ScanOptions is everything "token scan" needs: typed settings resolved
// from flags, profile and environment, the streams and the clock, and a
// factory for the wiki-state source. scanRun never sees cobra.
type ScanOptions struct {
	IO      *cmdutil.IOStreams
	Now     func() time.Time
	Context context.Context // cancelled by Ctrl-C
	// OpenWiki opens the configured wiki database as a wiki-state source,
	// or returns a nil source when none is configured.
	OpenWiki func() (wikistate.Source, *databaseJSON, io.Closer, error)

	Inputs     []string // log files; none or "-" is stdin
	Keys       keyFlags // the key settings, bound; read by scanRun
	Audience   string   // from the flag only: a log holds many consumers
	At         string
	Wiki       wikiSettings
	TimeField  string
	TimeRegex  string
	ShowTokens bool
	Jobs       int
	scaleSettings
	IDKeyFile string // setting id-key-file; "" names tokens by sha256
	Label     string // prefixes every input's name in the report
	Format    string // text, json or partial

	staticApps []string
}

// NewCmdScan builds "token scan"; runF, when not nil, replaces scanRun
// (tests check flag parsing through it, without logs or a database).
func NewCmdScan(f *cmdutil.Factory, runF func(*ScanOptions) error) *cobra.Command {
	opts := &ScanOptions{IO: f.IO, Now: f.Now}
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
digits of sha256(token) (of HMAC-SHA256 under the key, with --id-key-file).

Lines with a NUL byte or invalid UTF-8 (binary junk) and lines over 1 MiB are
counted and skipped. On a terminal a progress line is shown on stderr.

A log file of 1 MiB or more is read by the scan's workers, each a range of
it at a time. If such a file shrinks while it is scanned (logrotate's
copytruncate rotating the live log), the scan stops with an error (exit 1)
rather than report part of it: scan the rotated copy, or pipe the log in
(cat access.log | mwoauth token scan -), which reads as far as the file
goes. A file that grows is read as far as it has grown.

Memory grows with the number of distinct tokens, not with the size of the
logs, and is bounded by --memory-limit (setting memory-limit; default a
quarter of the memory the machine or container has, at most 1 GiB): past
its share of the limit, the scan writes its distinct-token state to sorted
runs in --temp-dir (default $TMPDIR) and merges them at the end, so the
report is the one an in-memory scan makes, however many distinct tokens an
attacker sends. The runs hold keyed digests, counts and verdicts, never a
token, and are removed however the scan ends, Ctrl-C included. A token seen
again after a spill is verified again. --show-tokens keeps every token in
memory, and the scan fails rather than spill them. One scan reads at most
16,777,216 inputs and numbers at most 1,099,511,627,775 lines in each;
past either it stops with an error (exit 1).

--output partial writes the scan's state instead of a report, for "mwoauth
token scan merge": scan parts of a fleet's logs apart (one per host, or
shards of one log, with GNU parallel or a Hadoop or Spark job) and merge the
partials into the report one scan of all the parts would make. Give every
part the same --at (or MWOAUTH_NOW), keys and settings; tokens are named by
sha256(token), or with --id-key-file FILE by HMAC-SHA256 under that key (the
same file on every host; setting id-key-file), and --label names the part
in the report (--label "$(hostname):" prefixes every file name). See
"mwoauth token scan merge --help" for the format, and
docs/guides/scan-at-scale.md for GNU parallel, ssh, Hadoop and Spark.

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
some are not (with --output partial 0: the merge says), 9 when a log file (or the SQLite database) does not exist,
1 on another error (an unreadable file, the database, the temporary
directory), 2 on a usage error.`,
		Example: `  mwoauth token scan /var/log/nginx/access.log --public-key /etc/mediawiki/oauth2-public.pem
  zcat access.log.*.gz | mwoauth token scan --public-key oauth2-public.pem --time-regex '\[([^\]]+)\]'
  mwoauth token scan app.jsonl --public-key oauth2-public.pem --time-field time --db sqlite:wiki.sqlite
  mwoauth token scan access.log --public-key oauth2-public.pem --at 2026-11-22T12:00:00Z -o json | jq 'select(.verdict=="expired")'
  mwoauth token scan flood.log --public-key oauth2-public.pem --memory-limit 256MiB --temp-dir /var/tmp
  mwoauth token scan access.log --public-key oauth2-public.pem --at 2026-11-22T12:00:00Z -o partial > host1.partial`,
		Args: cmdutil.Args(cobra.ArbitraryArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Format, err = cmdutil.OutputFormat(cmd); err != nil {
				return err
			}
			opts.Inputs, opts.At = args, opts.Keys.At
			if err := opts.Keys.bind(cmd, f); err != nil {
				return err
			}
			if opts.Wiki, err = resolveWiki(cmd, f, opts.staticApps); err != nil {
				return err
			}
			if err := opts.scaleSettings.bind(cmd, f); err != nil {
				return err
			}
			if err := f.Bind(cmd, cmdutil.StringSetting("id-key-file", &opts.IDKeyFile)); err != nil {
				return err
			}
			// --audience from the flag only: a profile's audience names one
			// consumer, and a log holds many.
			opts.Audience, _ = cmd.Flags().GetString("audience")
			opts.Context = cmdutil.CatchInterrupt(cmd)
			opts.OpenWiki = func() (wikistate.Source, *databaseJSON, io.Closer, error) {
				st, info, err := openWiki(cmd, f)
				if err != nil || st == nil {
					return nil, nil, nil, err
				}
				return st, info, st, nil
			}
			return cmdutil.Pick(runF, scanRun)(opts)
		},
	}
	opts.Keys.addFlags(cmd)
	fl := cmd.Flags()
	fl.String("audience", "", "Expected aud (consumer key); only from this flag, since a log holds many consumers")
	fl.StringVar(&opts.TimeField, "time-field", "", "Judge each use at its line's time, read from this JSON `member` (e.g. time, @timestamp)")
	fl.StringVar(&opts.TimeRegex, "time-regex", "", "Judge each use at its line's time: the first capture group (that matched) of this `regexp`")
	fl.BoolVar(&opts.ShowTokens, "show-tokens", false, "Include the token text in the JSON output (it is a credential)")
	fl.IntVar(&opts.Jobs, "jobs", 0, "Worker goroutines (default: one per core)")
	opts.scaleSettings.addFlags(cmd)
	fl.StringVar(&opts.Label, "label", "", "Prefix every input's name in the report with this `text` (e.g. the host, when partials of many hosts are merged)")
	fl.String("id-key-file", "", "Name tokens by HMAC-SHA256 under the key in this `file` (at least 16 bytes; the same file on every host whose partials are merged)")
	cmdutil.AddOutputFlag(cmd, "text", "json", "partial")
	addWikiFlags(cmd, &opts.staticApps)
	dbcmd.AddFlags(cmd)
	cmd.AddCommand(NewCmdScanMerge(f, nil))
	return cmd
}

func scanRun(opts *ScanOptions) error {
	ctx, stop := scanContext(opts.Context)
	defer stop()
	at, err := instantAt(opts.Now, opts.At)
	if err != nil {
		return err
	}
	if opts.Keys.Leeway < 0 {
		return cmdutil.FlagErrorf("--leeway cannot be negative")
	}
	if opts.Jobs < 0 {
		return cmdutil.FlagErrorf("--jobs cannot be negative")
	}
	times, err := logscan.NewTimeSource(opts.TimeField, opts.TimeRegex)
	switch {
	case errors.Is(err, logscan.ErrTimeSourceBoth):
		return cmdutil.FlagErrorf("--time-field and --time-regex are exclusive")
	case errors.Is(err, logscan.ErrNoCaptureGroup):
		return cmdutil.FlagErrorf("--time-regex %q has no capture group: put the time in (…)", opts.TimeRegex)
	case err != nil:
		return cmdutil.FlagErrorf("--time-regex: %v", err)
	}
	inputs, fromStdin, err := inputList(opts.IO, opts.Inputs, "give log files, or pipe a log into stdin")
	if err != nil {
		return err
	}
	switch {
	case opts.ShowTokens && opts.Format == "partial":
		return cmdutil.FlagErrorf("--show-tokens: a partial never holds tokens")
	case opts.ShowTokens && opts.Format != "json":
		// The text report names no token at all; a flag that silently did
		// nothing would leave the user looking for the tokens.
		return cmdutil.FlagErrorf("--show-tokens puts tokens in the per-token lines of --output json; the text report has none")
	}
	if err := opts.scaleSettings.check(); err != nil {
		return err
	}
	vo := verdict.Options{Audience: opts.Audience, MediaWiki: opts.Wiki.Version, SubjectScope: opts.Wiki.SubjectScope,
		WikiID: opts.Wiki.WikiID, StaticApps: opts.Wiki.StaticApps}
	stdinUser := ""
	if fromStdin {
		stdinUser = "log"
	}
	if err := opts.Keys.load(opts.IO, &vo, stdinUser); err != nil {
		return err
	}
	idKey, err := readIDKey(opts.IO, opts.IDKeyFile)
	if err != nil {
		return err
	}
	files, closeFiles, err := openLogs(inputs)
	if err != nil {
		return err
	}
	defer closeFiles()

	o := logscan.Options{Verify: vo, At: at, Times: times, Workers: opts.Jobs, KeepTokens: opts.ShowTokens,
		Output: scanOutput(opts.Format), MemoryLimit: opts.MemoryLimit, TempDir: opts.TempDir, IDKey: idKey}
	src, dbInfo, closer, err := opts.OpenWiki()
	if err != nil {
		return err
	}
	if closer != nil {
		defer closer.Close()
	}
	if src != nil {
		o.Wiki = src
		if o.DatabaseConsulted, err = jsonLine(dbInfo); err != nil {
			return err
		}
		o.DatabaseText = dbInfo.text()
	}
	defer opts.scaleSettings.limitRuntime()()

	sc := logscan.New(o)
	defer sc.Close() // the runs of an interrupted scan; nothing after Finish
	stopProgress := startProgress(opts.IO, sc)
	for i, in := range inputs {
		var r io.Reader = opts.IO.In
		name := "(stdin)"
		if files[i] != nil {
			r, name = files[i], in
		}
		if err := sc.Feed(ctx, opts.Label+name, r); err != nil {
			stopProgress()
			return scanError(ctx, err)
		}
	}
	rep, err := sc.Finish()
	stopProgress()
	if err != nil {
		return scanError(ctx, err)
	}
	defer rep.Close()
	return writeReport(opts.IO, rep, opts.Format)
}

// writeReport prints a finished scan or merge in format; the exit status
// says whether every token was valid.
func writeReport(ios *cmdutil.IOStreams, rep *logscan.Report, format string) error {
	var err error
	switch format {
	case "json":
		err = writeScanJSON(ios.Out, rep)
	case "partial":
		err = rep.WritePartial(ios.Out)
	default:
		err = printScan(ios, rep)
	}
	if err != nil {
		return err
	}
	// A partial is not a verdict: the merge's exit status is. A mapper
	// that exited 11 would fail a Hadoop job or a parallel --halt.
	if rep.Summary.Valid || format == "partial" {
		return nil
	}
	return cmdutil.SilentExit(cmdutil.ExitBatchInvalid)
}

func scanOutput(format string) logscan.Output {
	switch format {
	case "json":
		return logscan.OutputTokens
	case "partial":
		return logscan.OutputPartial
	}
	return logscan.OutputSummary
}

// inputList is the inputs to read: those given, or stdin ("-") when none
// are and stdin is not a terminal (hint says what to give then). Stdin may
// be named once; fromStdin says whether it is.
func inputList(ios *cmdutil.IOStreams, inputs []string, hint string) (_ []string, fromStdin bool, _ error) {
	if len(inputs) == 0 {
		if ios.IsStdinTTY() {
			return nil, false, cmdutil.FlagErrorf("no input: %s", hint)
		}
		inputs = []string{"-"}
	}
	n := 0
	for _, in := range inputs {
		if in == "-" {
			n++
		}
	}
	if n > 1 {
		return nil, false, cmdutil.FlagErrorf("- (stdin) can be given only once")
	}
	return inputs, n > 0, nil
}

// openLogs opens every file before any is read: a typo fails at once, not
// after an hour of scanning. "-" is stdin (a nil file).
func openLogs(inputs []string) ([]*os.File, func(), error) {
	files := make([]*os.File, len(inputs))
	closeAll := func() {
		for _, fh := range files {
			if fh != nil {
				fh.Close()
			}
		}
	}
	for i, in := range inputs {
		if in == "-" {
			continue
		}
		fh, err := os.Open(in)
		if err != nil {
			closeAll()
			code := cmdutil.ExitFailure
			if errors.Is(err, fs.ErrNotExist) {
				code = cmdutil.ExitNotFound // as for every other file the tool reads
			}
			return nil, nil, cmdutil.Exitf(code, "open %s: %v", in, unwrapPathError(err))
		}
		if st, err := fh.Stat(); err == nil && st.IsDir() {
			fh.Close()
			closeAll()
			return nil, nil, cmdutil.Exitf(cmdutil.ExitUsage, "%s is a directory, not a file", in)
		}
		files[i] = fh
	}
	return files, closeAll, nil
}

// minIDKey is the shortest --id-key-file key: 128 bits.
const minIDKey = 16

// readIDKey reads the id key file, if any. A final newline, which editors
// add, is not part of the key (as for --secret-file).
func readIDKey(ios *cmdutil.IOStreams, path string) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	b, err := readKey(ios, "--id-key-file", path)
	if err != nil {
		return nil, err
	}
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	if len(b) < minIDKey {
		return nil, cmdutil.FlagErrorf("--id-key-file %s holds %d bytes; a key needs at least %d (e.g. head -c 32 /dev/urandom > FILE)", path, len(b), minIDKey)
	}
	return b, nil
}

// jsonLine encodes v as WriteJSONLine does, without the newline: what the
// summary line embeds.
func jsonLine(v any) ([]byte, error) {
	var buf bytes.Buffer
	if err := cmdutil.WriteJSONLine(&buf, v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), nil
}

// scanContext is ctx (Ctrl-C) also cancelled by SIGTERM: a scan or merge
// that is stopped, by a job runner or an operator, removes its temporary
// files as it does on Ctrl-C.
func scanContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if ctx == nil {
		ctx = context.Background()
	}
	return signal.NotifyContext(ctx, syscall.SIGTERM)
}

func scanError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return cmdutil.Exit(cmdutil.ExitInterrupted, fmt.Errorf("interrupted"))
	}
	if errors.Is(err, logscan.ErrTruncated) {
		return cmdutil.Exitf(cmdutil.ExitFailure, "%v: scan the rotated copy, or pipe the log in (cat LOG | mwoauth token scan -)", err)
	}
	if errors.Is(err, logscan.ErrKeepTokensOverLimit) {
		return cmdutil.Exitf(cmdutil.ExitFailure, "%v: drop --show-tokens (the per-token lines still name each token by id) or raise --memory-limit", err)
	}
	return err
}
