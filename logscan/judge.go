package logscan

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"time"
	"unsafe"

	"github.com/mwoauth/mwoauth/jwtutil"
	"github.com/mwoauth/mwoauth/mediawiki"
	"github.com/mwoauth/mwoauth/verdict"
	"github.com/mwoauth/mwoauth/wikistate"
)

// lookup returns the shared entry for a candidate, judging it first if
// nobody has seen it yet. Concurrent first sightings wait for one judgement.
func (s *Scanner) lookup(k tokenKey, cand []byte, oversize bool, w *worker) (*entry, bool) {
	sh := &s.shards[k.shard()]
	sh.mu.Lock()
	if e, ok := sh.m[k]; ok {
		sh.mu.Unlock()
		e.judged.Wait()
		return e, false
	}
	e := w.newEntry()
	e.key, e.creator = k, w
	e.judged.Add(1)
	e.own = noCounts
	e.info.oversize = oversize
	sh.m[k] = e
	sh.mu.Unlock()
	s.unique.Add(1)
	if s.o.KeepTokens && !oversize {
		e.text = string(cand) // read by the report only, after every Wait
	}
	s.judge(s.ctx, e, cand, w)
	s.held.Add(e.cost())
	e.judged.Done()
	return e, true
}

// Memory estimates for the spill budget: an entry with its share of a
// shard map and a slab (Go maps hold a slot per entry and grow by
// doubling, so a slot costs up to twice its size); a worker's tally is
// tallyCost. TestStateEstimate holds the estimate near what the heap shows.
var entryBase = int64(unsafe.Sizeof(entry{})) + 2*int64(unsafe.Sizeof(tokenKey{})+8)

func (e *entry) cost() int64 {
	in := &e.info
	n := entryBase + int64(len(e.text)+len(in.jti)+len(in.sub))
	if in.details != nil {
		n += int64(unsafe.Sizeof(*in.details))
		for _, d := range in.details {
			n += int64(len(d))
		}
	}
	n += int64(len(in.mw.reason))
	if in.mw.user != nil {
		n += 96
	}
	if in.wiki != nil {
		n += 512 // the rows' structs, shared consumers not counted
	}
	// Each allocation is rounded up to a size class, and the judgement of
	// a token that fails makes several: the heap grows by about half as
	// much again as the sizes above add up to (TestStateEstimate).
	return n * 3 / 2
}

// judge parses and verifies a token once: signature, claims and, with a
// database, the wiki's state, all at Options.At; the time claims are kept
// so that each use can be re-judged at its own time. raw is the token as
// it sits in the chunk: the fast path reads it without copying; anything
// kept from it must be copied, as the chunk's buffer is reused.
func (s *Scanner) judge(ctx context.Context, e *entry, raw []byte, w *worker) {
	in := &e.info
	if e.info.oversize {
		s.setDigest(in, raw)
		in.static, in.atClass = jwtutil.ClassMalformed, jwtutil.ClassMalformed
		in.setDetail(jwtutil.ClassMalformed, fmt.Sprintf("candidate is over %d bytes", jwtutil.MaxTokenSize))
		return
	}
	if s.fast != nil && s.fastJudge(e, raw, w) {
		return
	}
	if s.stable && in.digest == ([32]byte{}) { // the fast path sets it when it got as far as hashing
		s.setDigest(in, raw)
	}
	t, err := jwtutil.Parse(string(raw))
	if err != nil {
		in.static, in.atClass = jwtutil.ClassMalformed, jwtutil.ClassMalformed
		in.setDetail(jwtutil.ClassMalformed, err.Error())
		return
	}
	in.jti, _ = t.StringClaim("jti")
	in.aud = mediawiki.ConsumerKey(t) // a list-valued aud names its consumer too
	in.sub, _ = t.StringClaim("sub")
	in.times, _ = verdict.TimesOf(t)
	o := s.o.Verify
	o.Now, o.Lean = s.o.At, true
	if s.o.Wiki != nil {
		ws, err := wikistate.Lookup(ctx, s.o.Wiki, t)
		if err != nil {
			s.fail(err)
		}
		o.WikiState = ws
		in.wiki = ws
	}
	r := verdict.Verify(t, o)
	in.atClass = r.Class
	in.mw = summarize(&r.MediaWiki)
	for _, c := range r.Checks {
		if c.OK {
			continue
		}
		if in.detail(c.Class) == "" {
			in.setDetail(c.Class, c.Detail)
		}
		if c.Class != jwtutil.ClassExpired && c.Class != jwtutil.ClassNotYetValid && jwtutil.MoreFundamental(c.Class, in.static) {
			in.static = c.Class
		}
	}
}

// setDigest sets the token's stable id: sha256(token), or HMAC-SHA256
// under Options.IDKey. Without per-token reports nothing names a token,
// and it is not computed.
func (s *Scanner) setDigest(in *tokenInfo, token []byte) {
	if !s.stable {
		return
	}
	if s.o.IDKey != nil {
		m := hmac.New(sha256.New, s.o.IDKey)
		m.Write(token)
		m.Sum(in.digest[:0])
		return
	}
	in.digest = sha256.Sum256(token)
}

func (in *tokenInfo) detail(c jwtutil.Class) string {
	if in.details == nil {
		return ""
	}
	return in.details[c]
}

func (in *tokenInfo) setDetail(c jwtutil.Class, d string) {
	if in.details == nil {
		in.details = new([nClasses]string)
	}
	in.details[c] = d
}

// classAt is the verdict of a use at time now: the time-independent failure
// if any, else verdict's time rule at now, the more fundamental of the two
// winning.
func (in *tokenInfo) classAt(now jwtutil.NumericDate, leeway time.Duration) jwtutil.Class {
	tc := in.times.Class(now, leeway)
	if jwtutil.MoreFundamental(in.static, tc) {
		return in.static
	}
	return tc
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

func (s *Scanner) mediaWikiRef(in *tokenInfo) *MediaWikiRef {
	if in.mw.fast {
		yes := true
		return &MediaWikiRef{Accepted: &yes, Reason: "accepted", User: mediawiki.SubjectGuess(in.sub, s.rules)}
	}
	if in.mw.reason == "" {
		return nil // malformed before MediaWiki was asked, or an oversize candidate
	}
	return &MediaWikiRef{Accepted: in.mw.accepted, Reason: in.mw.reason, User: in.mw.user}
}
