package token

import (
	"context"
	"errors"
	"io"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/logscan"
)

// ScanMergeOptions is everything "token scan merge" needs.
type ScanMergeOptions struct {
	IO      *cmdutil.IOStreams
	Context context.Context // cancelled by Ctrl-C
	Inputs  []string        // partial files; "-" (or none) is stdin
	Format  string          // text, json or partial
	scaleSettings
}

// NewCmdScanMerge builds "token scan merge"; runF, when not nil, replaces
// scanMergeRun.
func NewCmdScanMerge(f *cmdutil.Factory, runF func(*ScanMergeOptions) error) *cobra.Command {
	opts := &ScanMergeOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "merge [<partial>... | -]",
		Short: "Combine the partials of scans of parts of the logs into one report",
		Long: `Merge reads partials, the state "mwoauth token scan --output partial" writes
(files, or stdin when no file or - is given; one input may hold several
partials one after another), and prints the report one scan of all their
inputs would have printed: the same per-token lines, the same totals, by
verdict and by consumer, in every output format (text, json, and partial
again, so merges can be merged). The inputs count in the order of the
partials: merging the partials of a.log and b.log, in that order, gives what
"mwoauth token scan a.log b.log" gives. No key or database is needed here:
each part was judged where it was scanned.

Every part must have been judged alike: at the same instant (give each scan
the same --at, or MWOAUTH_NOW), by the same keys, --mediawiki, --issuer,
--audience, --leeway, wiki settings, time source and database, with the same
--id-key-file key or none. Partials that differ are refused, naming the
setting. A token seen by several parts counts once, with its uses added up
and its first and last sightings over all of them.

Tokens are named by a digest, never by their text: sha256(token), or with
"token scan --id-key-file FILE" HMAC-SHA256 under that key. Both resist a
log's author crafting two tokens that share a name (which would merge a
forged token into a valid one): SHA-256 is collision-resistant, and the id
is all 256 bits of it (the report shows 12 hex digits; the merge compares
all 64). The key only adds privacy: without it, whoever holds a token can
tell whether a partial saw it. Use at least 16 random bytes
(head -c 32 /dev/urandom > id.key) and the same file on every host.

The partial format, version 1: JSON lines, in this order:

  {"mwoauth_scan_partial":1,
   "settings":{"judged_at":"…","time_source":"at","database":false,
     "mediawiki_version":"master","ids":"sha256",
     "verify":{"algs":["RS256"],"keys":["<sha256 fingerprint>"],"secret":false,
       "issuer":"","audience":"","leeway":"0s","wiki":"","subject_scope":"",
       "static_apps":[]},
     "database_consulted":{…},"database_text":"…"},   (only with a database)
   "files":["access.log"],
   "totals":{"bytes":…,"lines":…,"lines_with_tokens":…,"skipped_binary":…,
     "skipped_too_long":…,"lines_without_time":…,"occurrences":…,
     "verdicts":{"ok":{"first":{…},"last":{…}},…}}}
  {"token":{"id":"<64 hex digits>","jti":"…","aud":"…","sub":"…",
     "count":120,"uses":{"ok":100,"expired":20},
     "first":{"file":0,"line":12,"sec":1795341601,"usec":0},
     "last":{"file":0,"line":9045},
     "details":{"expired":"…"},"mediawiki":{…},"token_row":{…},
     "consumer":{…}}}                                  one per token, by id
  {"consumer":{…}}     one per consumer, as in the JSON report's summary;
                       informational: merge recomputes the consumers
  {"end":{"tokens":N,"consumers":M}}

A position names a file by its index in "files" and a 1-based line; sec and
usec are the line's time when uses are judged at their line's time. A line
may start with a sort key and a tab ("KEY<TAB>{…}"), which is ignored: Hadoop
Streaming's shuffle sorts by such keys. A partial holds no token, no key and
no secret, and nothing of the database but what the report prints. Another
version, an unknown member or a damaged partial (counts that do not add up,
a truncated file) is refused with the line it was found on.

Memory is bounded by --memory-limit as in token scan: past it the merged
state spills to --temp-dir.

Exit status: 0 when every token is valid, 11 when some are not, 2 when an
input is not a partial this version reads or the partials disagree, 9 when a
file does not exist, 1 on another error.`,
		Example: `  mwoauth token scan merge host1.partial host2.partial host3.partial
  cat shards/*.partial | mwoauth token scan merge - -o json > report.jsonl
  mwoauth token scan merge day1.partial day2.partial -o partial > week.partial`,
		Args: cmdutil.Args(cobra.ArbitraryArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Format, err = cmdutil.OutputFormat(cmd); err != nil {
				return err
			}
			if err := opts.scaleSettings.bind(cmd, f); err != nil {
				return err
			}
			opts.Inputs = args
			opts.Context = cmdutil.CatchInterrupt(cmd)
			return cmdutil.Pick(runF, scanMergeRun)(opts)
		},
	}
	opts.scaleSettings.addFlags(cmd)
	cmdutil.AddOutputFlag(cmd, "text", "json", "partial")
	return cmd
}

func scanMergeRun(opts *ScanMergeOptions) error {
	ctx, stop := scanContext(opts.Context)
	defer stop()
	inputs, _, err := inputList(opts.IO, opts.Inputs, "give partial files, or pipe partials into stdin")
	if err != nil {
		return err
	}
	if err := opts.scaleSettings.check(); err != nil {
		return err
	}
	files, closeFiles, err := openLogs(inputs)
	if err != nil {
		return err
	}
	defer closeFiles()
	defer opts.scaleSettings.limitRuntime()()
	m := logscan.NewMerger(logscan.MergeOptions{Output: scanOutput(opts.Format), MemoryLimit: opts.MemoryLimit, TempDir: opts.TempDir})
	defer m.Close()
	for i, in := range inputs {
		var r io.Reader = opts.IO.In
		name := "(stdin)"
		if files[i] != nil {
			r, name = files[i], in
		}
		if err := m.Feed(ctx, name, r); err != nil {
			return mergeError(ctx, err)
		}
	}
	rep, err := m.Finish()
	if err != nil {
		return mergeError(ctx, err)
	}
	defer rep.Close()
	return writeReport(opts.IO, rep, opts.Format)
}

func mergeError(ctx context.Context, err error) error {
	if errors.Is(err, logscan.ErrJudgedOtherwise) {
		return cmdutil.Exitf(cmdutil.ExitUsage, "%v; scan every part with the same settings (--at, keys, --mediawiki, --db, --id-key-file)", err)
	}
	if errors.Is(err, logscan.ErrBadPartial) {
		return cmdutil.Exit(cmdutil.ExitUsage, errors.New(err.Error()))
	}
	return scanError(ctx, err)
}
