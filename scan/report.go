package scan

import (
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mwoauth/mwoauth/jwtutil"
	"github.com/mwoauth/mwoauth/mediawiki"
)

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
	ExitCode  int              `json:"exit_code"` // set by the command (cmdutil.ClassExitCode)
	Detail    string           `json:"detail,omitempty"`
	Count     int64            `json:"count"`
	FirstSeen Seen             `json:"first_seen"`
	LastSeen  Seen             `json:"last_seen"`
	Uses      map[string]int64 `json:"uses,omitempty"` // per verdict; only with per-line times
	MediaWiki *MediaWikiRef    `json:"mediawiki,omitempty"`
	TokenRow  *TokenRowRef     `json:"token_row,omitempty"`
	Consumer  *ConsumerRef     `json:"consumer,omitempty"`
	Token     string           `json:"token,omitempty"` // only with --show-tokens
}

// TokenRowRef is the jti's oauth2_access_tokens row as the database has it.
type TokenRowRef struct {
	Found        bool  `json:"found"`
	Revoked      bool  `json:"revoked"`
	AcceptanceID int64 `json:"acceptance_id"`
}

// VerdictSummary is one line of the by-verdict table.
type VerdictSummary struct {
	Verdict   jwtutil.Class `json:"verdict"`
	ExitCode  int           `json:"exit_code"` // set by the command (cmdutil.ClassExitCode)
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
	var vFirstT, vLastT [nClasses]jwtutil.NumericDate
	for i := range vFirst {
		vFirst[i], vFirstT[i], vLastT[i] = maxPos, noTime, noTime
	}
	// Each entry's own tally (its creator's) becomes the token's total:
	// the other workers' tallies are added to it. The scan is over, so
	// the entries are the report's to change; no copy of the tallies.
	n := 0
	for i := range s.shards {
		n += len(s.shards[i].m)
	}
	list := make([]*use, 0, n)
	for _, w := range s.workers {
		for _, slab := range w.slabs {
			for i := range slab {
				if e := &slab[i]; e.creator != nil { // the newest slab's tail is unused
					list = append(list, &e.own)
				}
			}
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
			a := &u.e.own
			if u == a {
				continue // already counted
			}
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
	rep := &Report{}
	if !s.o.SummaryOnly {
		slices.SortFunc(list, func(a, b *use) int {
			if a.first != b.first {
				if a.first.less(b.first) {
					return -1
				}
				return 1
			}
			// Tokens first seen on the same line: by id, a stable order.
			return strings.Compare(a.e.info.id, b.e.info.id)
		})
		// One TokenReport per token, filled in parallel: with many
		// distinct tokens this is tens of megabytes of fresh memory, and
		// the workers' cores are idle by now.
		rep.Tokens = make([]TokenReport, len(list))
		var wg sync.WaitGroup
		parts := max(1, min(s.o.Workers, len(list)/1024))
		for p := 0; p < parts; p++ {
			lo, hi := p*len(list)/parts, (p+1)*len(list)/parts
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := lo; i < hi; i++ {
					s.tokenReport(list[i], perLine, &rep.Tokens[i])
				}
			}()
		}
		wg.Wait()
	}

	// Tallies in arrays, turned into maps once at the end: a map update
	// per token hashes a string per token. Positions stay positions until
	// then: formatting a time per token would cost more than the tally.
	type consAcc struct {
		sum           ConsumerSummary
		first, last   pos
		firstT, lastT jwtutil.NumericDate
		consumer      *mediawiki.WikiState
		tokensBy      [nClasses]int
		usesBy        [nClasses]int64
		usesByFound   [nClasses]bool
	}
	var tokensBy [nClasses]int
	var usesBy [nClasses]int64
	consumers := map[string]*consAcc{}
	var audOrder []*consAcc
	var cs *consAcc
	for _, a := range list {
		in := &a.e.info
		verdict := tokenVerdict(a)
		if verdict != jwtutil.ClassOK {
			sum.Valid = false
		}
		tokensBy[verdict]++
		for c, n := range a.byClass {
			usesBy[c] += n
		}
		if cs == nil || cs.sum.Aud != in.aud {
			cs = consumers[in.aud]
		}
		if cs == nil {
			cs = &consAcc{sum: ConsumerSummary{Aud: in.aud}, first: maxPos, firstT: noTime, lastT: noTime}
			consumers[in.aud] = cs
			audOrder = append(audOrder, cs)
		}
		if cs.consumer == nil && in.wiki != nil {
			cs.consumer = in.wiki
		}
		cs.sum.Tokens++
		cs.sum.Uses += a.count
		cs.tokensBy[verdict]++
		for c, n := range a.byClass {
			if n > 0 {
				cs.usesBy[c] += n
				cs.usesByFound[c] = true
			}
		}
		if a.first.less(cs.first) {
			cs.first, cs.firstT = a.first, a.firstT
		}
		if cs.last.less(a.last) {
			cs.last, cs.lastT = a.last, a.lastT
		}
	}
	for _, cs := range audOrder {
		cs.sum.FirstSeen, cs.sum.LastSeen = s.seen(cs.first, cs.firstT), s.seen(cs.last, cs.lastT)
		if cs.consumer != nil {
			cs.sum.Consumer = consumerRef(cs.consumer)
		}
		cs.sum.TokensByVerdict = map[string]int{}
		cs.sum.UsesByVerdict = map[string]int64{}
		for c := 0; c < nClasses; c++ {
			if cs.tokensBy[c] > 0 {
				cs.sum.TokensByVerdict[jwtutil.Class(c).String()] = cs.tokensBy[c]
			}
			if cs.usesByFound[c] {
				cs.sum.UsesByVerdict[jwtutil.Class(c).String()] = cs.usesBy[c]
			}
		}
	}
	for c := 0; c < nClasses; c++ {
		name := jwtutil.Class(c).String()
		sum.TokensByVerdict[name] = tokensBy[c]
		sum.UsesByVerdict[name] = usesBy[c]
		if usesBy[c] == 0 && tokensBy[c] == 0 {
			continue
		}
		vs := VerdictSummary{Verdict: jwtutil.Class(c), Tokens: tokensBy[c], Uses: usesBy[c]}
		if usesBy[c] > 0 {
			f, l := s.seen(vFirst[c], vFirstT[c]), s.seen(vLast[c], vLastT[c])
			vs.FirstSeen, vs.LastSeen = &f, &l
		}
		sum.Verdicts = append(sum.Verdicts, vs)
	}
	sum.UniqueTokens = len(list)
	// Consumers with the most uses first; ties by key, so output is stable.
	slices.SortStableFunc(audOrder, func(a, b *consAcc) int {
		if a.sum.Uses != b.sum.Uses {
			if a.sum.Uses > b.sum.Uses {
				return -1
			}
			return 1
		}
		return strings.Compare(a.sum.Aud, b.sum.Aud)
	})
	sum.Consumers = make([]ConsumerSummary, 0, len(audOrder))
	for _, cs := range audOrder {
		sum.Consumers = append(sum.Consumers, cs.sum)
	}
	if sum.Verdicts == nil {
		sum.Verdicts = []VerdictSummary{}
	}
	rep.Summary = sum
	return rep
}

// tokenReport fills tr for one token and returns its verdict.
func (s *Scanner) tokenReport(a *use, perLine bool, tr *TokenReport) {
	in := &a.e.info
	verdict := tokenVerdict(a)
	*tr = TokenReport{
		ID: in.id, JTI: in.jti, Aud: in.aud, Sub: in.sub,
		Verdict: verdict, Count: a.count,
		FirstSeen: s.seen(a.first, a.firstT), LastSeen: s.seen(a.last, a.lastT),
	}
	if verdict != jwtutil.ClassOK {
		tr.Detail = in.detail(verdict)
		if tr.Detail == "" {
			// Judged per line: the detail at Options.At may be about
			// another class (the token was fine then).
			tr.Detail = timeDetail(verdict)
		}
	}
	if perLine || a.byClass[jwtutil.ClassMalformed] > 0 && a.byClass[jwtutil.ClassMalformed] < a.count {
		tr.Uses = map[string]int64{}
		for c, n := range a.byClass {
			if n > 0 {
				tr.Uses[jwtutil.Class(c).String()] = n
			}
		}
	}
	if ws := in.wiki; ws != nil {
		tr.TokenRow = &TokenRowRef{Found: ws.TokenRow != nil}
		if ws.TokenRow != nil {
			tr.TokenRow.Revoked, tr.TokenRow.AcceptanceID = ws.TokenRow.Revoked, ws.TokenRow.AcceptanceID
		}
		tr.Consumer = consumerRef(ws)
	}
	tr.MediaWiki = s.mediaWikiRef(in)
	if s.o.KeepTokens && !in.oversize {
		tr.Token = a.e.text
	}
}

// tokenVerdict is a token's verdict: the most fundamental failure among
// its uses. Without per-line times every use has the verdict at
// Options.At, except uses of another spelling of the token, which are
// malformed.
func tokenVerdict(a *use) jwtutil.Class {
	for c := 1; c < nClasses; c++ {
		if a.byClass[c] > 0 {
			return jwtutil.Class(c)
		}
	}
	return jwtutil.ClassOK
}

func consumerRef(ws *mediawiki.WikiState) *ConsumerRef {
	c := ws.Consumer
	if c == nil {
		return &ConsumerRef{}
	}
	return &ConsumerRef{Found: true, Name: c.Name, Stage: c.Stage, StageName: c.StageName()}
}

// mwSummary is what the report keeps of MediaWiki's verdict on a token.
// The fast path leaves it empty (fast): its tokens are accepted, and who
// they run as is the guess from sub that Judge makes without a database.
type mwSummary struct {
	fast     bool
	accepted *bool
	reason   string
	user     *mediawiki.RequestUser
}

func summarize(v *mediawiki.Verdict) mwSummary {
	if !v.Applicable {
		return mwSummary{reason: "not applicable"}
	}
	return mwSummary{accepted: v.Accepted, reason: v.Reason, user: v.User}
}

// MediaWikiRef is MediaWiki's verdict in a token's report line: the same
// accepted, reason and user as token verify's verdicts.mediawiki.
type MediaWikiRef struct {
	Accepted *bool                  `json:"accepted"`
	Reason   string                 `json:"reason"`
	User     *mediawiki.RequestUser `json:"user,omitempty"`
}

func (s *Scanner) mediaWikiRef(in *tokenInfo) *MediaWikiRef {
	if in.mw.fast {
		yes := true
		return &MediaWikiRef{Accepted: &yes, Reason: "accepted", User: mediawiki.SubjectGuess(in.sub, s.o.Verify.Rules())}
	}
	if in.mw.reason == "" {
		return nil // malformed before MediaWiki was asked, or an oversize candidate
	}
	return &MediaWikiRef{Accepted: in.mw.accepted, Reason: in.mw.reason, User: in.mw.user}
}

func (s *Scanner) seen(p pos, t jwtutil.NumericDate) Seen {
	if p == maxPos {
		return Seen{}
	}
	sn := Seen{File: s.files[p.file], Line: p.line}
	if t != noTime {
		if tt, ok := t.Time(); ok {
			sn.Time = tt.Format(time.RFC3339Nano)
		} else {
			sn.Time = jwtutil.FormatDate(t)
		}
	}
	return sn
}

// respelledDetail explains a malformed use of a token that is otherwise
// not malformed: canonicalSpelling's case.
const respelledDetail = "used in another spelling ('=' padding or non-zero trailing bits in a segment's last character), which MediaWiki's parser refuses"

func timeDetail(c jwtutil.Class) string {
	switch c {
	case jwtutil.ClassMalformed:
		return respelledDetail
	case jwtutil.ClassExpired:
		return "used after exp"
	case jwtutil.ClassNotYetValid:
		return "used before nbf/iat"
	}
	return ""
}
