package logscan

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/mwoauth/mwoauth/jwtutil"
)

// A partial is a scan's state written out (token scan -o partial), so
// that scans of parts of a fleet's logs, on as many hosts, combine into
// the report one scan of everything would have made (token scan merge).
// It is JSON lines, version PartialVersion:
//
//	{"mwoauth_scan_partial":1,"settings":{…},"files":[…],"totals":{…}}
//	{"token":{…}}        one per distinct token, by id
//	{"consumer":{…}}     one per consumer (aud), most uses first
//	{"end":{"tokens":N,"consumers":M}}
//
// Several partials may follow one another in one stream. A line may carry
// a sort key before a tab ("KEY\t{…}"), which is ignored: what Hadoop
// Streaming's shuffle needs to keep each partial's lines together and in
// order. The fields are documented in "mwoauth token scan merge --help".

// PartialVersion is the partial format this package writes and reads.
const PartialVersion = 1

// ErrBadPartial: the input is not a partial this version reads, or the
// partials cannot be merged (they were judged differently).
var ErrBadPartial = errors.New("bad partial")

// ErrJudgedOtherwise comes with ErrBadPartial when a partial's settings
// differ from the first one's; the error names the setting that differs.
var ErrJudgedOtherwise = errors.New("judged otherwise than the partials before it")

type partialHeader struct {
	Version int        `json:"mwoauth_scan_partial"`
	Meta    Meta       `json:"settings"`
	Files   []string   `json:"files"`
	Totals  wireTotals `json:"totals"`
}

type wireTotals struct {
	LineCounts
	Verdicts map[string]wireSpan `json:"verdicts"` // first and last use per verdict
}

type partialLine struct {
	Token    *wireRecord      `json:"token,omitempty"`
	Consumer *ConsumerSummary `json:"consumer,omitempty"`
	End      *partialEnd      `json:"end,omitempty"`
}

type partialEnd struct {
	Tokens    int `json:"tokens"`
	Consumers int `json:"consumers"`
}

func (t *totals) wire() wireTotals {
	w := wireTotals{LineCounts: t.LineCounts, Verdicts: map[string]wireSpan{}}
	for c := 0; c < nClasses; c++ {
		if t.vFirst[c] != maxPos {
			w.Verdicts[jwtutil.Class(c).String()] = toWireSpan(t.vFirst[c], t.vFirstT[c], t.vLast[c], t.vLastT[c])
		}
	}
	return w
}

func (w *wireTotals) totals(files int32) (totals, error) {
	t := newTotals()
	t.LineCounts = w.LineCounts
	for _, n := range []int64{t.Bytes, t.Lines, t.LinesWithTokens, t.SkippedBinary, t.SkippedTooLong, t.LinesWithoutTime, t.Occurrences} {
		if n < 0 {
			return t, fmt.Errorf("negative total %d", n)
		}
	}
	for name, sp := range w.Verdicts {
		c, ok := classByName[name]
		if !ok {
			return t, fmt.Errorf("unknown verdict %q in totals", name)
		}
		var err error
		if t.vFirst[c], t.vFirstT[c], t.vLast[c], t.vLastT[c], err = sp.check(files); err != nil {
			return t, fmt.Errorf("totals %s: %w", name, err)
		}
	}
	return t, nil
}

// WritePartial writes the report's state as a partial. Only a report made
// for it (OutputPartial) has its tokens.
func (r *Report) WritePartial(w io.Writer) error {
	if r.st.output != OutputPartial {
		return errors.New("logscan: WritePartial on a report not made with OutputPartial")
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	line := func(v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if _, err := bw.Write(b); err != nil {
			return err
		}
		return bw.WriteByte('\n')
	}
	st := r.st
	if err := line(partialHeader{Version: PartialVersion, Meta: st.meta, Files: st.files, Totals: st.totals.wire()}); err != nil {
		return err
	}
	var end partialEnd
	if err := st.tokens.each(func(rec *record) error {
		end.Tokens++
		return line(partialLine{Token: rec.wire()})
	}); err != nil {
		return err
	}
	if err := r.EachConsumer(func(cs *ConsumerSummary) error {
		end.Consumers++
		return line(partialLine{Consumer: cs})
	}); err != nil {
		return err
	}
	if err := line(partialLine{End: &end}); err != nil {
		return err
	}
	return bw.Flush()
}

// MergeOptions configure a merge of partials.
type MergeOptions struct {
	Output      Output
	MemoryLimit int64 // as Options.MemoryLimit
	TempDir     string
}

// Merger combines partials into the report one scan of all their inputs
// would have made: the inputs in the order the partials are fed.
type Merger struct {
	ctx      context.Context // the first Feed's: it stops Finish too
	o        MergeOptions
	st       *state
	partials int
}

// NewMerger prepares a merge.
func NewMerger(o MergeOptions) *Merger { return &Merger{o: o} }

// maxPartialLine bounds one line of a partial: a record holds a token's
// claims and details, never the token; anything longer is not a partial.
const maxPartialLine = 4 << 20

// byIdentIndexed combines a token's records as they are added: partials
// from several hosts mostly share their tokens.
var byIdentIndexed = &codec[record]{cmp: cmpIdent, combine: combineRecords, key: func(r *record) string { return string(r.ident[:]) },
	size: (*record).size, enc: appendRecordJSON, dec: decodeRecordJSON}

// Feed reads one input: one partial or several, one after another.
func (m *Merger) Feed(ctx context.Context, name string, r io.Reader) error {
	if m.ctx == nil {
		m.ctx = ctx
	}
	br := bufio.NewReaderSize(r, 256<<10)
	n := 0 // line number
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s:%d: %s", ErrBadPartial, name, n, fmt.Sprintf(format, a...))
	}
	var (
		in                bool // inside a partial (after its header)
		files             int32
		offset            int32
		tokens, consumers int
		any               bool
	)
	for {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		line, err := readLine(br)
		if errors.Is(err, io.EOF) {
			switch {
			case in:
				return bad("the partial ends without its end line (truncated?)")
			case !any:
				n++
				return bad("no partial in the input")
			}
			return nil
		}
		n++
		if err != nil {
			if errors.Is(err, errLineTooLong) {
				return bad("line over %d bytes: not a partial", maxPartialLine)
			}
			return fmt.Errorf("read %s: %w", name, err)
		}
		if len(line) > 0 && line[0] != '{' {
			if i := bytes.IndexByte(line, '\t'); i >= 0 {
				line = line[i+1:] // a shuffle's sort key
			}
		}
		if !in {
			h, err := readHeader(line)
			if err != nil {
				return bad("%v", err)
			}
			if err := m.begin(h); err != nil {
				return fmt.Errorf("%w: %s:%d: %w", ErrBadPartial, name, n, err)
			}
			in, any, files, tokens, consumers = true, true, int32(len(h.Files)), 0, 0
			offset = int32(len(m.st.files) - len(h.Files))
			t, err := h.Totals.totals(files)
			if err != nil {
				return bad("%v", err)
			}
			m.st.totals.add(&t, offset)
			continue
		}
		var pl partialLine
		if err := strictUnmarshal(line, &pl); err != nil {
			return bad("%v", err)
		}
		switch {
		case pl.Token != nil && pl.Consumer == nil && pl.End == nil:
			if consumers > 0 {
				return bad("a token after the consumers")
			}
			r := new(record)
			if err := pl.Token.record(r, files); err != nil {
				return bad("token: %v", err)
			}
			r.first.file += offset
			r.last.file += offset
			tokens++
			if err := m.st.tokens.add(r); err != nil {
				return err
			}
		case pl.Consumer != nil && pl.Token == nil && pl.End == nil:
			consumers++ // the consumers are recomputed from the tokens: a token seen on two hosts counts once
		case pl.End != nil && pl.Token == nil && pl.Consumer == nil:
			if pl.End.Tokens != tokens || pl.End.Consumers != consumers {
				return bad("the end line counts %d tokens and %d consumers; the partial has %d and %d (damaged?)", pl.End.Tokens, pl.End.Consumers, tokens, consumers)
			}
			in = false
			m.partials++
		default:
			return bad("a line holds one of token, consumer or end")
		}
	}
}

func readHeader(line []byte) (*partialHeader, error) {
	var probe struct {
		Version *int `json:"mwoauth_scan_partial"`
	}
	if err := json.Unmarshal(line, &probe); err != nil || probe.Version == nil {
		return nil, errors.New("not a partial of token scan -o partial (no header line)")
	}
	if *probe.Version != PartialVersion {
		return nil, fmt.Errorf("partial format version %d; this mwoauth reads version %d", *probe.Version, PartialVersion)
	}
	var h partialHeader
	if err := strictUnmarshal(line, &h); err != nil {
		return nil, fmt.Errorf("header: %v", err)
	}
	if len(h.Files) == 0 || len(h.Files) > 1<<20 {
		return nil, fmt.Errorf("header names %d files", len(h.Files))
	}
	if h.Meta.TimeSource == "" || h.Meta.JudgedAt == "" {
		return nil, errors.New("header: settings without judged_at or time_source")
	}
	return &h, nil
}

// begin checks a partial's settings against the first one's and takes
// its files.
func (m *Merger) begin(h *partialHeader) error {
	if m.st == nil {
		m.st = newState(h.Meta, m.o.Output, stateBudgetOf(m.o.MemoryLimit, 0), m.o.TempDir)
		m.st.ctx = m.ctx
		m.st.tokens = newSorter(byIdentIndexed, m.st.budget, m.st.dir)
	} else if diff := metaDiff(&m.st.meta, &h.Meta); diff != "" {
		return fmt.Errorf("%w: %s", ErrJudgedOtherwise, diff)
	}
	if len(m.st.files)+len(h.Files) > maxFiles {
		return errors.New("too many files")
	}
	m.st.files = append(m.st.files, h.Files...)
	return nil
}

// metaDiff names the settings two partials disagree on, "" when none.
func metaDiff(a, b *Meta) string {
	same := func(x, y any) bool {
		bx, _ := json.Marshal(x)
		by, _ := json.Marshal(y)
		return bytes.Equal(bx, by)
	}
	var d []string
	for _, f := range []struct {
		name string
		x, y any
	}{
		{"judged_at", a.JudgedAt, b.JudgedAt}, {"time_source", a.TimeSource, b.TimeSource}, {"database", a.Database, b.Database},
		{"mediawiki_version", a.MediaWiki, b.MediaWiki}, {"ids", a.IDs, b.IDs}, {"verify", a.Verify, b.Verify},
		{"database_consulted", a.DatabaseConsulted, b.DatabaseConsulted},
	} {
		if !same(f.x, f.y) {
			d = append(d, fmt.Sprintf("%s %s, not %s", f.name, jsonText(f.y), jsonText(f.x)))
		}
	}
	if len(d) == 0 {
		return ""
	}
	return d[0]
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 120 {
		return string(b[:120]) + "…"
	}
	return string(b)
}

// Finish returns the merged report. Close it when done.
func (m *Merger) Finish() (*Report, error) {
	if m.st == nil {
		return nil, fmt.Errorf("%w: no partial to merge", ErrBadPartial)
	}
	rep, err := m.st.report()
	if err != nil {
		_ = m.st.dir.remove() // the error at hand is the one to report
		return nil, err
	}
	return rep, nil
}

// Close removes the merge's temporary files when it did not finish.
func (m *Merger) Close() error {
	if m.st == nil {
		return nil
	}
	return m.st.dir.remove()
}

var errLineTooLong = errors.New("line too long")

// readLine returns the next line without its newline; a last line
// without one counts.
func readLine(br *bufio.Reader) ([]byte, error) {
	var long []byte
	for {
		frag, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			if len(long)+len(frag) > maxPartialLine {
				return nil, errLineTooLong
			}
			long = append(long, frag...)
			continue
		}
		if long != nil {
			long = append(long, frag...)
			frag = long
		}
		if len(frag) > maxPartialLine {
			return nil, errLineTooLong
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		if len(frag) == 0 && errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		return bytes.TrimSuffix(bytes.TrimSuffix(frag, []byte{'\n'}), []byte{'\r'}), nil
	}
}
