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
	b = member(b, `{"id":`, tr.ID)
	b = member(b, `,"jti":`, tr.JTI)
	b = member(b, `,"aud":`, tr.Aud)
	b = member(b, `,"sub":`, tr.Sub)
	b = member(b, `,"verdict":`, tr.Verdict.String())
	b = intMember(b, `,"exit_code":`, int64(cmdutil.ClassExitCode(tr.Verdict)))
	b = optStr(b, `,"detail":`, tr.Detail)
	b = intMember(b, `,"count":`, tr.Count)
	b = seenMember(b, `,"first_seen":`, &tr.FirstSeen)
	b = seenMember(b, `,"last_seen":`, &tr.LastSeen)
	if len(tr.Uses) > 0 {
		b = countsMember(b, `,"uses":`, tr.Uses)
	}
	if m := tr.MediaWiki; m != nil {
		b = append(b, `,"mediawiki":{"accepted":`...)
		b = appendBoolPtr(b, m.Accepted)
		b = member(b, `,"reason":`, m.Reason)
		if u := m.User; u != nil {
			b = append(b, `,"user":`...)
			b = appendUser(b, u)
		}
		b = append(b, '}')
	}
	if r := tr.TokenRow; r != nil {
		b = boolMember(b, `,"token_row":{"found":`, r.Found)
		b = boolMember(b, `,"revoked":`, r.Revoked)
		b = intMember(b, `,"acceptance_id":`, r.AcceptanceID)
		b = append(b, '}')
	}
	if c := tr.Consumer; c != nil {
		b = append(b, `,"consumer":`...)
		b = appendConsumerRef(b, c)
	}
	b = optStr(b, `,"token":`, tr.Token)
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
		key string
		n   int64
	}{{`,"bytes":`, s.Bytes}, {`,"lines":`, s.Lines}, {`,"lines_with_tokens":`, s.LinesWithTokens}, {`,"skipped_binary":`, s.SkippedBinary},
		{`,"skipped_too_long":`, s.SkippedTooLong}, {`,"lines_without_time":`, s.LinesWithoutTime}, {`,"occurrences":`, s.Occurrences},
		{`,"unique_tokens":`, int64(s.UniqueTokens)}} {
		b = intMember(b, f.key, f.n)
	}
	b = boolMember(b, `,"valid":`, s.Valid)
	b = member(b, `,"judged_at":`, s.JudgedAt)
	b = member(b, `,"time_source":`, s.TimeSource)
	b = boolMember(b, `,"database":`, s.Database)
	b = countsMember(b, `,"tokens_by_verdict":`, s.TokensByVerdict)
	b = countsMember(b, `,"uses_by_verdict":`, s.UsesByVerdict)
	b = append(b, `,"verdicts":[`...)
	for i := range s.Verdicts {
		v := &s.Verdicts[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = member(b, `{"verdict":`, v.Verdict.String())
		b = intMember(b, `,"exit_code":`, int64(cmdutil.ClassExitCode(v.Verdict)))
		b = intMember(b, `,"tokens":`, int64(v.Tokens))
		b = intMember(b, `,"uses":`, v.Uses)
		b = seenMember(b, `,"first_seen":`, v.FirstSeen)
		b = seenMember(b, `,"last_seen":`, v.LastSeen)
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
	b = member(b, `],"mediawiki_version":`, rep.Meta.MediaWiki)
	if len(rep.Meta.DatabaseConsulted) > 0 {
		b = append(b, `,"database_consulted":`...)
		b = append(b, rep.Meta.DatabaseConsulted...)
	}
	b = append(b, "}}\n"...)
	_, err = w.Write(b)
	return err
}

func appendConsumerSummary(b []byte, c *logscan.ConsumerSummary) []byte {
	b = member(b, `{"aud":`, c.Aud)
	if c.Consumer != nil {
		b = append(b, `,"consumer":`...)
		b = appendConsumerRef(b, c.Consumer)
	}
	b = intMember(b, `,"tokens":`, int64(c.Tokens))
	b = intMember(b, `,"uses":`, c.Uses)
	b = countsMember(b, `,"tokens_by_verdict":`, c.TokensByVerdict)
	b = countsMember(b, `,"uses_by_verdict":`, c.UsesByVerdict)
	b = seenMember(b, `,"first_seen":`, &c.FirstSeen)
	b = seenMember(b, `,"last_seen":`, &c.LastSeen)
	return append(b, '}')
}

func appendConsumerRef(b []byte, c *logscan.ConsumerRef) []byte {
	b = boolMember(b, `{"found":`, c.Found)
	b = optStr(b, `,"name":`, c.Name)
	b = intMember(b, `,"stage":`, int64(c.Stage))
	b = optStr(b, `,"stage_name":`, c.StageName)
	return append(b, '}')
}

func appendUser(b []byte, u *mediawiki.RequestUser) []byte {
	b = boolMember(b, `{"anonymous":`, u.Anonymous)
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
	b = member(b, `,"source":`, u.Source)
	b = optStr(b, `,"note":`, u.Note)
	return append(b, '}')
}

// seenMember appends a {"file","line","time"} member, null when s is nil.
func seenMember(b []byte, key string, s *logscan.Seen) []byte {
	b = append(b, key...)
	if s == nil {
		return append(b, "null"...)
	}
	b = member(b, `{"file":`, s.File)
	b = intMember(b, `,"line":`, s.Line)
	b = optStr(b, `,"time":`, s.Time)
	return append(b, '}')
}

func appendBoolPtr(b []byte, v *bool) []byte {
	if v == nil {
		return append(b, "null"...)
	}
	return strconv.AppendBool(b, *v)
}

// countsMember appends a map of counts with its keys sorted, as
// encoding/json does.
func countsMember[N int | int64](b []byte, key string, m map[string]N) []byte {
	b = append(b, key...)
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

// member appends a string member; key is what precedes the value
// (`,"name":`, or `{"name":` for the first).
func member(b []byte, key, s string) []byte { return str(append(b, key...), s) }

// intMember appends a number member.
func intMember(b []byte, key string, n int64) []byte {
	return strconv.AppendInt(append(b, key...), n, 10)
}

// boolMember appends a true/false member.
func boolMember(b []byte, key string, v bool) []byte { return strconv.AppendBool(append(b, key...), v) }

// optStr appends a string member only when s is not empty (omitempty).
func optStr(b []byte, key, s string) []byte {
	if s == "" {
		return b
	}
	return member(b, key, s)
}
