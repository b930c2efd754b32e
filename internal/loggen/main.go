package loggen

import (
	"compress/gzip"
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/mwoauth/mwoauth/jwtutil/keys"
)

const usage = `mwoauth-loggen writes a synthetic access log full of OAuth 2 bearer tokens
and the counts a correct "mwoauth token scan" must report for it.

Usage:
  mwoauth-loggen --key PRIV.pem --forger-key OTHER.pem [flags]       generate
  mwoauth-loggen check [--mode MODE] EXPECT.json SCAN.jsonl           compare

Generate writes the log to --out (stdout by default; .gz names are
gzip-compressed), the expected counts to --expect (JSON), and with --db a
SQLite wiki database whose rows make revoked/no-row/disabled tokens fail.
The same seed always writes the same bytes.

Check reads "mwoauth token scan -o json" output and compares its summary
with the expectation for MODE: at, per-line, at+db or per-line+db.

Examples:
  mwoauth-loggen --key keys/oauth2-private.pem --forger-key keys/other-private.pem \
      --lines 20000 --seed 7 --out access.log --expect expect.json --db wiki.sqlite
  mwoauth token scan access.log --public-key keys/oauth2-public.pem \
      --at "$(jq -r .judged_at expect.json)" -o json > scan.jsonl
  mwoauth-loggen check --mode at expect.json scan.jsonl
`

// Main runs the generator's command line and returns the exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "check" {
		return mainCheck(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("mwoauth-loggen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage, "\nFlags:\n"); fs.PrintDefaults() }
	var (
		cfg                     Config
		keyPath, forgerPath     string
		out, expectPath, dbPath string
		tokensOut, start        string
		seed                    uint64
		mix                     string
		tokenShare, jsonShare   int
		duration                time.Duration
	)
	fs.IntVar(&cfg.Lines, "lines", 10000, "lines to write")
	fs.Uint64Var(&seed, "seed", 1, "random seed: the same seed writes the same log")
	fs.IntVar(&cfg.Tokens, "tokens", 0, "distinct tokens (default: token lines / --repeat)")
	fs.IntVar(&cfg.Repeat, "repeat", 100, "average uses per token when --tokens is not given")
	fs.IntVar(&cfg.Binary, "binary", 3, "binary lines (with a NUL byte) to mix in")
	fs.IntVar(&cfg.TooLong, "too-long", 1, "lines over 1 MiB to mix in")
	fs.IntVar(&tokenShare, "token-share", 700, "per-mille of lines that carry tokens")
	fs.IntVar(&jsonShare, "json-share", 300, "per-mille of token lines written as JSON (-1 for none, 1000 for all)")
	fs.DurationVar(&duration, "duration", 2*time.Hour, "time the log spans")
	fs.StringVar(&mix, "mix", "", "token kinds in per mille, e.g. valid=900,forged=100, or incident (valid=600,forged=200,expired=200) (default: a realistic mix)")
	fs.BoolVar(&cfg.Unique, "unique", false, "every token line gets a token of its own (benchmark of distinct tokens)")
	fs.StringVar(&start, "start", DefaultStart.Format(time.RFC3339), "first line's time (RFC 3339)")
	fs.StringVar(&keyPath, "key", "", "the wiki's private key (PEM) that signs real tokens")
	fs.StringVar(&forgerPath, "forger-key", "", "another private key (PEM) that signs forged tokens")
	fs.StringVar(&out, "out", "-", "log file to write (- for stdout; *.gz is gzip-compressed)")
	fs.StringVar(&expectPath, "expect", "", "write the expected counts here (JSON); default: stderr")
	fs.StringVar(&dbPath, "db", "", "also write a SQLite wiki database with consumers and token rows")
	fs.StringVar(&tokensOut, "tokens-out", "", "write the distinct RS256 tokens signed with either key, one per line (benchmarks)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "mwoauth-loggen: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	cfg.Seed, cfg.TokenShare, cfg.JSONShare, cfg.Duration = seed, tokenShare, jsonShare, duration
	if jsonShare == 0 {
		cfg.JSONShare = -1
	}
	var err error
	if mix != "" {
		if cfg.Mix, err = ParseMix(mix); err != nil {
			fmt.Fprintf(stderr, "mwoauth-loggen: --%v\n", err)
			return 2
		}
	}
	if cfg.Start, err = time.Parse(time.RFC3339, start); err != nil {
		fmt.Fprintf(stderr, "mwoauth-loggen: --start: %v\n", err)
		return 2
	}
	if keyPath == "" || forgerPath == "" {
		fmt.Fprintln(stderr, "mwoauth-loggen: --key and --forger-key are required")
		return 2
	}
	if cfg.Key, err = readKey(keyPath); err != nil {
		fmt.Fprintf(stderr, "mwoauth-loggen: %v\n", err)
		return 2
	}
	if cfg.Forger, err = readKey(forgerPath); err != nil {
		fmt.Fprintf(stderr, "mwoauth-loggen: %v\n", err)
		return 2
	}
	if err := run(cfg, out, expectPath, dbPath, tokensOut, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "mwoauth-loggen: %v\n", err)
		return 1
	}
	return 0
}

func readKey(path string) (*rsa.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	k, err := keys.ParsePrivateKey(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return k, nil
}

func run(cfg Config, out, expectPath, dbPath, tokensOut string, stdout, stderr io.Writer) error {
	var w io.Writer = stdout
	var closers []func() error
	if out != "-" && out != "" {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		closers = append(closers, f.Close)
		w = f
		if strings.HasSuffix(out, ".gz") {
			zw := gzip.NewWriter(f)
			closers = append([]func() error{zw.Close}, closers...)
			w = zw
		}
	}
	g, err := Generate(w, cfg)
	for _, c := range closers {
		if cerr := c(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return err
	}
	b, _ := json.MarshalIndent(g.Expect, "", "  ")
	b = append(b, '\n')
	if expectPath == "" {
		if _, err := stderr.Write(b); err != nil {
			return err
		}
	} else if err := os.WriteFile(expectPath, b, 0o644); err != nil {
		return err
	}
	if dbPath != "" {
		if err := WriteSQLite(context.Background(), dbPath, g); err != nil {
			return fmt.Errorf("write database: %v", err)
		}
	}
	if tokensOut != "" {
		var sb strings.Builder
		for _, t := range g.Tokens {
			if t.Kind != Malformed {
				sb.WriteString(t.Text)
				sb.WriteByte('\n')
			}
		}
		if err := os.WriteFile(tokensOut, []byte(sb.String()), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Compare checks a scan summary (decoded JSON) against the expectation for
// mode and returns one line per difference.
func Compare(e *Expect, mode string, summary map[string]any) []string {
	want, ok := e.Modes[mode]
	if !ok {
		return []string{fmt.Sprintf("no mode %q in the expectation (have at, per-line, at+db, per-line+db)", mode)}
	}
	var diffs []string
	num := func(name string, w int64) {
		got, ok := summary[name].(float64)
		if !ok || int64(got) != w {
			diffs = append(diffs, fmt.Sprintf("%s: scan says %v, generator wrote %d", name, summary[name], w))
		}
	}
	num("lines", e.Lines)
	num("bytes", e.Bytes)
	num("lines_with_tokens", e.LinesWithTokens)
	num("skipped_binary", e.SkippedBinary)
	num("skipped_too_long", e.SkippedTooLong)
	num("occurrences", e.Occurrences)
	num("unique_tokens", int64(e.UniqueTokens))
	for _, m := range []struct {
		name string
		want any
	}{{"tokens_by_verdict", want.TokensByVerdict}, {"uses_by_verdict", want.UsesByVerdict}} {
		got, _ := summary[m.name].(map[string]any)
		wb, _ := json.Marshal(m.want)
		var wantMap map[string]any
		_ = json.Unmarshal(wb, &wantMap)
		if !reflect.DeepEqual(got, wantMap) {
			keys := map[string]bool{}
			for k := range got {
				keys[k] = true
			}
			for k := range wantMap {
				keys[k] = true
			}
			var names []string
			for k := range keys {
				names = append(names, k)
			}
			sort.Strings(names)
			for _, k := range names {
				if got[k] != wantMap[k] {
					diffs = append(diffs, fmt.Sprintf("%s.%s: scan says %v, generator wrote %v", m.name, k, got[k], wantMap[k]))
				}
			}
		}
	}
	return diffs
}

func mainCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mwoauth-loggen check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	mode := fs.String("mode", "at", "expectation to compare with: at, per-line, at+db or per-line+db")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 2 {
		fmt.Fprintln(stderr, "usage: mwoauth-loggen check [--mode MODE] EXPECT.json SCAN.jsonl")
		return 2
	}
	var e Expect
	b, err := os.ReadFile(fs.Arg(0))
	if err == nil {
		err = json.Unmarshal(b, &e)
	}
	if err != nil {
		fmt.Fprintf(stderr, "mwoauth-loggen: %s: %v\n", fs.Arg(0), err)
		return 1
	}
	summary, err := ReadSummary(fs.Arg(1))
	if err != nil {
		fmt.Fprintf(stderr, "mwoauth-loggen: %v\n", err)
		return 1
	}
	diffs := Compare(&e, *mode, summary)
	if len(diffs) > 0 {
		for _, d := range diffs {
			fmt.Fprintln(stderr, "mismatch:", d)
		}
		return 1
	}
	fmt.Fprintf(stdout, "ok: %d lines, %d distinct tokens, %d uses match the generator (%s)\n", e.Lines, e.UniqueTokens, e.Occurrences, *mode)
	return 0
}

// ReadSummary finds the {"summary": …} line of a scan's JSON output.
func ReadSummary(path string) (map[string]any, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	var doc struct {
		Summary map[string]any `json:"summary"`
	}
	if len(lines) == 0 || json.Unmarshal([]byte(lines[len(lines)-1]), &doc) != nil || doc.Summary == nil {
		return nil, fmt.Errorf("%s: last line is not a {\"summary\": …} object", path)
	}
	return doc.Summary, nil
}
