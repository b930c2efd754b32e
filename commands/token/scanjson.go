package token

import (
	"bufio"
	"io"
	"slices"
	"strconv"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/logscan"
	"github.com/mwoauth/mwoauth/mediawiki"
)

// token scan -o json writes a line per distinct token: tens of thousands
// of lines in an incident's log. They are encoded by hand, without
// reflection, exactly as cmdutil.WriteJSONLine would encode the same
// structs (TestScanJSONMatchesWriteJSON and FuzzScanJSONLine hold the two
// together), and the summary line streams its consumers, which a log of
// forged tokens may hold as many of as tokens.

// writeScanJSON writes rep's per-token lines, then its summary line.
func writeScanJSON(w io.Writer, rep *logscan.Report) error {
	// Buffered: one write per line would be one syscall per distinct token.
	bw := bufio.NewWriterSize(w, 256<<10)
	if err := rep.WriteTokens(bw, appendTokenLine); err != nil {
		return err
	}
	if err := writeSummaryLine(bw, rep); err != nil {
		return err
	}
	return bw.Flush()
}

func appendTokenLine(b []byte, tr *logscan.TokenReport) []byte {
	b = append(b, `{"id":`...)
	b = str(b, tr.ID)
	b = append(b, `,"jti":`...)
	b = str(b, tr.JTI)
	b = append(b, `,"aud":`...)
	b = str(b, tr.Aud)
	b = append(b, `,"sub":`...)
	b = str(b, tr.Sub)
	b = append(b, `,"verdict":`...)
	b = str(b, tr.Verdict.String())
	b = append(b, `,"exit_code":`...)
	b = strconv.AppendInt(b, int64(cmdutil.ClassExitCode(tr.Verdict)), 10)
	if tr.Detail != "" {
		b = append(b, `,"detail":`...)
		b = str(b, tr.Detail)
	}
	b = append(b, `,"count":`...)
	b = strconv.AppendInt(b, tr.Count, 10)
	b = append(b, `,"first_seen":`...)
	b = appendSeen(b, &tr.FirstSeen)
	b = append(b, `,"last_seen":`...)
	b = appendSeen(b, &tr.LastSeen)
	if len(tr.Uses) > 0 {
		b = append(b, `,"uses":`...)
		b = appendCounts(b, tr.Uses)
	}
	if m := tr.MediaWiki; m != nil {
		b = append(b, `,"mediawiki":{"accepted":`...)
		b = appendBoolPtr(b, m.Accepted)
		b = append(b, `,"reason":`...)
		b = str(b, m.Reason)
		if u := m.User; u != nil {
			b = append(b, `,"user":`...)
			b = appendUser(b, u)
		}
		b = append(b, '}')
	}
	if r := tr.TokenRow; r != nil {
		b = append(b, `,"token_row":{"found":`...)
		b = strconv.AppendBool(b, r.Found)
		b = append(b, `,"revoked":`...)
		b = strconv.AppendBool(b, r.Revoked)
		b = append(b, `,"acceptance_id":`...)
		b = strconv.AppendInt(b, r.AcceptanceID, 10)
		b = append(b, '}')
	}
	if c := tr.Consumer; c != nil {
		b = append(b, `,"consumer":`...)
		b = appendConsumerRef(b, c)
	}
	if tr.Token != "" {
		b = append(b, `,"token":`...)
		b = str(b, tr.Token)
	}
	return append(b, "}\n"...)
}

// writeSummaryLine writes {"summary":{…}}: the scanner's summary, the
// MediaWiki version judged by and the database consulted.
func writeSummaryLine(w io.Writer, rep *logscan.Report) error {
	s := &rep.Summary
	b := make([]byte, 0, 4096)
	b = append(b, `{"summary":{"files":[`...)
	for i, f := range s.Files {
		if i > 0 {
			b = append(b, ',')
		}
		b = str(b, f)
	}
	b = append(b, ']')
	for _, f := range []struct {
		name string
		n    int64
	}{{"bytes", s.Bytes}, {"lines", s.Lines}, {"lines_with_tokens", s.LinesWithTokens}, {"skipped_binary", s.SkippedBinary},
		{"skipped_too_long", s.SkippedTooLong}, {"lines_without_time", s.LinesWithoutTime}, {"occurrences", s.Occurrences},
		{"unique_tokens", int64(s.UniqueTokens)}} {
		b = append(b, `,"`...)
		b = append(b, f.name...)
		b = append(b, `":`...)
		b = strconv.AppendInt(b, f.n, 10)
	}
	b = append(b, `,"valid":`...)
	b = strconv.AppendBool(b, s.Valid)
	b = append(b, `,"judged_at":`...)
	b = str(b, s.JudgedAt)
	b = append(b, `,"time_source":`...)
	b = str(b, s.TimeSource)
	b = append(b, `,"database":`...)
	b = strconv.AppendBool(b, s.Database)
	b = append(b, `,"tokens_by_verdict":`...)
	b = appendCounts(b, s.TokensByVerdict)
	b = append(b, `,"uses_by_verdict":`...)
	b = appendCounts(b, s.UsesByVerdict)
	b = append(b, `,"verdicts":[`...)
	for i := range s.Verdicts {
		v := &s.Verdicts[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"verdict":`...)
		b = str(b, v.Verdict.String())
		b = append(b, `,"exit_code":`...)
		b = strconv.AppendInt(b, int64(cmdutil.ClassExitCode(v.Verdict)), 10)
		b = append(b, `,"tokens":`...)
		b = strconv.AppendInt(b, int64(v.Tokens), 10)
		b = append(b, `,"uses":`...)
		b = strconv.AppendInt(b, v.Uses, 10)
		b = append(b, `,"first_seen":`...)
		b = appendSeenPtr(b, v.FirstSeen)
		b = append(b, `,"last_seen":`...)
		b = appendSeenPtr(b, v.LastSeen)
		b = append(b, '}')
	}
	b = append(b, `],"consumers":[`...)
	n := 0
	err := rep.EachConsumer(func(c *logscan.ConsumerSummary) error {
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = appendConsumerSummary(b, c)
		if len(b) < 64<<10 {
			return nil
		}
		_, err := w.Write(b)
		b = b[:0]
		return err
	})
	if err != nil {
		return err
	}
	b = append(b, `],"mediawiki_version":`...)
	b = str(b, rep.Meta.MediaWiki)
	if len(rep.Meta.DatabaseConsulted) > 0 {
		b = append(b, `,"database_consulted":`...)
		b = append(b, rep.Meta.DatabaseConsulted...)
	}
	b = append(b, "}}\n"...)
	_, err = w.Write(b)
	return err
}

func appendConsumerSummary(b []byte, c *logscan.ConsumerSummary) []byte {
	b = append(b, `{"aud":`...)
	b = str(b, c.Aud)
	if c.Consumer != nil {
		b = append(b, `,"consumer":`...)
		b = appendConsumerRef(b, c.Consumer)
	}
	b = append(b, `,"tokens":`...)
	b = strconv.AppendInt(b, int64(c.Tokens), 10)
	b = append(b, `,"uses":`...)
	b = strconv.AppendInt(b, c.Uses, 10)
	b = append(b, `,"tokens_by_verdict":`...)
	b = appendCounts(b, c.TokensByVerdict)
	b = append(b, `,"uses_by_verdict":`...)
	b = appendCounts(b, c.UsesByVerdict)
	b = append(b, `,"first_seen":`...)
	b = appendSeen(b, &c.FirstSeen)
	b = append(b, `,"last_seen":`...)
	b = appendSeen(b, &c.LastSeen)
	return append(b, '}')
}

func appendConsumerRef(b []byte, c *logscan.ConsumerRef) []byte {
	b = append(b, `{"found":`...)
	b = strconv.AppendBool(b, c.Found)
	if c.Name != "" {
		b = append(b, `,"name":`...)
		b = str(b, c.Name)
	}
	b = append(b, `,"stage":`...)
	b = strconv.AppendInt(b, int64(c.Stage), 10)
	if c.StageName != "" {
		b = append(b, `,"stage_name":`...)
		b = str(b, c.StageName)
	}
	return append(b, '}')
}

func appendUser(b []byte, u *mediawiki.RequestUser) []byte {
	b = append(b, `{"anonymous":`...)
	b = strconv.AppendBool(b, u.Anonymous)
	b = append(b, `,"central_id":`...)
	if u.CentralID == nil {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendInt(b, *u.CentralID, 10)
	}
	b = append(b, `,"name":`...)
	if u.Name == nil {
		b = append(b, "null"...)
	} else {
		b = str(b, *u.Name)
	}
	b = append(b, `,"source":`...)
	b = str(b, u.Source)
	if u.Note != "" {
		b = append(b, `,"note":`...)
		b = str(b, u.Note)
	}
	return append(b, '}')
}

func appendSeen(b []byte, s *logscan.Seen) []byte {
	b = append(b, `{"file":`...)
	b = str(b, s.File)
	b = append(b, `,"line":`...)
	b = strconv.AppendInt(b, s.Line, 10)
	if s.Time != "" {
		b = append(b, `,"time":`...)
		b = str(b, s.Time)
	}
	return append(b, '}')
}

func appendSeenPtr(b []byte, s *logscan.Seen) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return appendSeen(b, s)
}

func appendBoolPtr(b []byte, v *bool) []byte {
	if v == nil {
		return append(b, "null"...)
	}
	return strconv.AppendBool(b, *v)
}

// appendCounts writes a map of counts with its keys sorted, as
// encoding/json does.
func appendCounts[N int | int64](b []byte, m map[string]N) []byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = str(b, k)
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(m[k]), 10)
	}
	return append(b, '}')
}

func str(b []byte, s string) []byte { return cmdutil.AppendJSONString(b, s) }
