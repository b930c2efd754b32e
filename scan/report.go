package scan

import (
	"sort"
	"time"

	"github.com/mwoauth/mwoauth/jwtutil"
)

// ClassExitCodes maps a verdict to the exit code "mwoauth token verify"
// gives it (commands/cmdutil's table; a test keeps the two in step).
var ClassExitCodes = [nClasses]int{0, 3, 4, 5, 6, 7, 8}

// Classes lists every verdict in order, for reports that show zeros too.
func Classes() []jwtutil.Class {
	out := make([]jwtutil.Class, nClasses)
	for i := range out {
		out[i] = jwtutil.Class(i)
	}
	return out
}

// Seen is where (and, with per-line times, when) a token was seen.
type Seen struct {
	File string `json:"file"`
	Line int64  `json:"line"`
	Time string `json:"time,omitempty"` // RFC 3339 UTC; only with --time-field/--time-regex
}

// ConsumerRef is the database's view of a token's consumer.
type ConsumerRef struct {
	Found     bool   `json:"found"`
	Name      string `json:"name,omitempty"`
	Stage     int    `json:"stage"`
	StageName string `json:"stage_name,omitempty"`
}

// TokenReport is one distinct token (one JSON line of --output json).
type TokenReport struct {
	ID        string           `json:"id"` // first 12 hex digits of sha256(token)
	JTI       string           `json:"jti"`
	Aud       string           `json:"aud"`
	Sub       string           `json:"sub"`
	Verdict   jwtutil.Class    `json:"verdict"`
	ExitCode  int              `json:"exit_code"`
	Detail    string           `json:"detail,omitempty"`
	Count     int64            `json:"count"`
	FirstSeen Seen             `json:"first_seen"`
	LastSeen  Seen             `json:"last_seen"`
	Uses      map[string]int64 `json:"uses,omitempty"` // per verdict; only with per-line times
	TokenRow  *TokenRowRef     `json:"token_row,omitempty"`
	Consumer  *ConsumerRef     `json:"consumer,omitempty"`
	Token     string           `json:"token,omitempty"` // only with --show-tokens
}

// TokenRowRef is the jti's oauth2_access_tokens row as the database has it.
type TokenRowRef struct {
	Found   bool `json:"found"`
	Revoked bool `json:"revoked"`
}

// VerdictSummary is one line of the by-verdict table.
type VerdictSummary struct {
	Verdict   jwtutil.Class `json:"verdict"`
	ExitCode  int           `json:"exit_code"`
	Tokens    int           `json:"tokens"`
	Uses      int64         `json:"uses"`
	FirstSeen *Seen         `json:"first_seen"`
	LastSeen  *Seen         `json:"last_seen"`
}

// ConsumerSummary groups tokens by aud (the consumer key).
type ConsumerSummary struct {
	Aud             string           `json:"aud"`
	Consumer        *ConsumerRef     `json:"consumer,omitempty"`
	Tokens          int              `json:"tokens"`
	Uses            int64            `json:"uses"`
	TokensByVerdict map[string]int   `json:"tokens_by_verdict"`
	UsesByVerdict   map[string]int64 `json:"uses_by_verdict"`
	FirstSeen       Seen             `json:"first_seen"`
	LastSeen        Seen             `json:"last_seen"`
}

// Summary is the last JSON line ({"summary": …}) and the text report.
type Summary struct {
	Files            []string          `json:"files"`
	Bytes            int64             `json:"bytes"`
	Lines            int64             `json:"lines"`
	LinesWithTokens  int64             `json:"lines_with_tokens"`
	SkippedBinary    int64             `json:"skipped_binary"`
	SkippedTooLong   int64             `json:"skipped_too_long"`
	LinesWithoutTime int64             `json:"lines_without_time"`
	Occurrences      int64             `json:"occurrences"`
	UniqueTokens     int               `json:"unique_tokens"`
	Valid            bool              `json:"valid"`
	JudgedAt         string            `json:"judged_at"`
	TimeSource       string            `json:"time_source"`
	Database         bool              `json:"database"`
	TokensByVerdict  map[string]int    `json:"tokens_by_verdict"`
	UsesByVerdict    map[string]int64  `json:"uses_by_verdict"`
	Verdicts         []VerdictSummary  `json:"verdicts"`
	Consumers        []ConsumerSummary `json:"consumers"`
}

// Report is a finished scan.
type Report struct {
	Summary Summary
	Tokens  []TokenReport // in order of first sighting
}

type agg struct {
	e             *entry
	count         int64
	first, last   pos
	firstT, lastT int64
	byClass       [nClasses]int64
}

func (s *Scanner) report() *Report {
	perLine := s.o.Times.Enabled()
	sum := Summary{
		Files:           append([]string{}, s.files...),
		Bytes:           s.bytesRead.Load(),
		Lines:           s.lines.Load(),
		SkippedTooLong:  s.readerTooLong.Load(),
		JudgedAt:        s.o.At.UTC().Format(time.RFC3339Nano),
		TimeSource:      s.o.Times.String(),
		Database:        s.o.Wiki != nil,
		TokensByVerdict: map[string]int{},
		UsesByVerdict:   map[string]int64{},
		Valid:           true,
	}
	if sum.Files == nil {
		sum.Files = []string{}
	}
	var vFirst, vLast [nClasses]pos
	var vFirstT, vLastT [nClasses]int64
	for i := range vFirst {
		vFirst[i], vFirstT[i], vLastT[i] = maxPos, noTime, noTime
	}
	// One agg per entry, found through the entry's index (no map): the
	// creator's tally first, then the other workers' tallies.
	n := 0
	for i := range s.shards {
		n += len(s.shards[i].m)
	}
	aggs := make([]agg, 0, n)
	for i := range s.shards {
		for _, e := range s.shards[i].m {
			e.aggIdx = len(aggs)
			u := &e.own
			aggs = append(aggs, agg{e: e, count: u.count, first: u.first, last: u.last, firstT: u.firstT, lastT: u.lastT, byClass: u.byClass})
		}
	}
	for _, w := range s.workers {
		sum.LinesWithTokens += w.linesWithTokens
		sum.SkippedBinary += w.binary
		sum.SkippedTooLong += w.tooLong
		sum.LinesWithoutTime += w.untimed
		sum.Occurrences += w.occurrences
		for c := 0; c < nClasses; c++ {
			if w.vFirst[c].less(vFirst[c]) {
				vFirst[c], vFirstT[c] = w.vFirst[c], w.vFirstT[c]
			}
			if vLast[c].less(w.vLast[c]) {
				vLast[c], vLastT[c] = w.vLast[c], w.vLastT[c]
			}
		}
		for _, u := range w.local {
			if u == &u.e.own {
				continue // already counted
			}
			a := &aggs[u.e.aggIdx]
			a.count += u.count
			if u.first.less(a.first) {
				a.first, a.firstT = u.first, u.firstT
			}
			if a.last.less(u.last) {
				a.last, a.lastT = u.last, u.lastT
			}
			for c := range u.byClass {
				a.byClass[c] += u.byClass[c]
			}
		}
	}
	list := make([]*agg, len(aggs))
	for i := range aggs {
		list[i] = &aggs[i]
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].first != list[j].first {
			return list[i].first.less(list[j].first)
		}
		return list[i].e.key < list[j].e.key
	})

	rep := &Report{Tokens: make([]TokenReport, 0, len(list))}
	var tokensBy [nClasses]int
	var usesBy [nClasses]int64
	consumers := map[string]*ConsumerSummary{}
	var audOrder []string
	for _, a := range list {
		in := &a.e.info
		verdict := in.atClass
		if perLine {
			verdict = jwtutil.ClassOK
			for c := 1; c < nClasses; c++ {
				if a.byClass[c] > 0 {
					verdict = jwtutil.Class(c)
					break
				}
			}
		}
		tr := TokenReport{
			ID: in.id, JTI: in.jti, Aud: in.aud, Sub: in.sub,
			Verdict: verdict, ExitCode: ClassExitCodes[verdict], Count: a.count,
			FirstSeen: s.seen(a.first, a.firstT), LastSeen: s.seen(a.last, a.lastT),
		}
		if verdict != jwtutil.ClassOK {
			tr.Detail = in.details[verdict]
			if tr.Detail == "" {
				// Judged per line: the detail at Options.At may be about
				// another class (the token was fine then).
				tr.Detail = timeDetail(verdict)
			}
			sum.Valid = false
		}
		if perLine {
			tr.Uses = map[string]int64{}
			for c, n := range a.byClass {
				if n > 0 {
					tr.Uses[jwtutil.Class(c).String()] = n
				}
			}
		}
		if ws := in.wiki; ws != nil {
			tr.TokenRow = &TokenRowRef{Found: ws.TokenRowFound, Revoked: ws.Revoked}
			tr.Consumer = &ConsumerRef{Found: ws.ConsumerFound, Name: ws.ConsumerName, Stage: ws.ConsumerStage, StageName: ws.StageName}
			if !ws.ConsumerFound {
				tr.Consumer = &ConsumerRef{}
			}
		}
		if s.o.KeepTokens && !in.oversize {
			tr.Token = a.e.key
		}
		rep.Tokens = append(rep.Tokens, tr)

		tokensBy[verdict]++
		for c, n := range a.byClass {
			usesBy[c] += n
		}
		cs := consumers[in.aud]
		if cs == nil {
			cs = &ConsumerSummary{Aud: in.aud, TokensByVerdict: map[string]int{}, UsesByVerdict: map[string]int64{},
				FirstSeen: tr.FirstSeen, LastSeen: tr.LastSeen}
			consumers[in.aud] = cs
			audOrder = append(audOrder, in.aud)
			if tr.Consumer != nil {
				cs.Consumer = tr.Consumer
			}
		}
		cs.Tokens++
		cs.Uses += a.count
		cs.TokensByVerdict[verdict.String()]++
		for c, n := range a.byClass {
			if n > 0 {
				cs.UsesByVerdict[jwtutil.Class(c).String()] += n
			}
		}
		if lessSeen(cs.LastSeen, tr.LastSeen, sum.Files) {
			cs.LastSeen = tr.LastSeen
		}
	}
	for c := 0; c < nClasses; c++ {
		name := jwtutil.Class(c).String()
		sum.TokensByVerdict[name] = tokensBy[c]
		sum.UsesByVerdict[name] = usesBy[c]
		if usesBy[c] == 0 && tokensBy[c] == 0 {
			continue
		}
		vs := VerdictSummary{Verdict: jwtutil.Class(c), ExitCode: ClassExitCodes[c], Tokens: tokensBy[c], Uses: usesBy[c]}
		if usesBy[c] > 0 {
			f, l := s.seen(vFirst[c], vFirstT[c]), s.seen(vLast[c], vLastT[c])
			vs.FirstSeen, vs.LastSeen = &f, &l
		}
		sum.Verdicts = append(sum.Verdicts, vs)
	}
	sum.UniqueTokens = len(list)
	// Consumers with the most uses first; ties by key, so output is stable.
	sort.SliceStable(audOrder, func(i, j int) bool {
		a, b := consumers[audOrder[i]], consumers[audOrder[j]]
		if a.Uses != b.Uses {
			return a.Uses > b.Uses
		}
		return a.Aud < b.Aud
	})
	sum.Consumers = []ConsumerSummary{}
	for _, aud := range audOrder {
		sum.Consumers = append(sum.Consumers, *consumers[aud])
	}
	if sum.Verdicts == nil {
		sum.Verdicts = []VerdictSummary{}
	}
	rep.Summary = sum
	return rep
}

func (s *Scanner) seen(p pos, t int64) Seen {
	if p == maxPos {
		return Seen{}
	}
	sn := Seen{File: s.files[p.file], Line: p.line}
	if t != noTime {
		sn.Time = time.Unix(0, t).UTC().Format(time.RFC3339Nano)
	}
	return sn
}

// lessSeen orders positions by file (in the order given) then line.
func lessSeen(a, b Seen, files []string) bool {
	ia, ib := indexOf(files, a.File), indexOf(files, b.File)
	if ia != ib {
		return ia < ib
	}
	return a.Line < b.Line
}

func indexOf(files []string, f string) int {
	for i, x := range files {
		if x == f {
			return i
		}
	}
	return -1
}

func timeDetail(c jwtutil.Class) string {
	switch c {
	case jwtutil.ClassExpired:
		return "used after exp"
	case jwtutil.ClassNotYetValid:
		return "used before nbf/iat"
	}
	return ""
}
