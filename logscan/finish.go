package logscan

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"

	"github.com/mwoauth/mwoauth/jwtutil/keys"
)

// metaOf is how the options judge, as reports and partials say it.
func metaOf(o Options) Meta {
	m := Meta{
		JudgedAt: o.At.UTC().Format(time.RFC3339Nano), TimeSource: o.Times.String(), Database: o.Wiki != nil,
		MediaWiki: o.Verify.MediaWiki.String(), IDs: "sha256",
		DatabaseConsulted: o.DatabaseConsulted, DatabaseText: o.DatabaseText,
		Verify: VerifyMeta{Algs: o.Verify.Algs, Keys: []string{}, Secret: len(o.Verify.Secret) > 0, Issuer: o.Verify.Issuer,
			Audience: o.Verify.Audience, Leeway: o.Verify.Leeway.String(), WikiID: o.Verify.WikiID,
			SubjectScope: o.Verify.SubjectScope, StaticApps: o.Verify.StaticApps},
	}
	if m.Verify.StaticApps == nil {
		m.Verify.StaticApps = []string{}
	}
	for _, k := range o.Verify.Keys {
		m.Verify.Keys = append(m.Verify.Keys, keys.Fingerprint(k))
	}
	for _, k := range o.Verify.JWKS {
		if k.Key != nil {
			m.Verify.Keys = append(m.Verify.Keys, keys.Fingerprint(k.Key)+" kid="+k.Kid+" alg="+k.Alg)
		}
	}
	if o.IDKey != nil {
		m.IDs = "hmac-sha256:" + IDKeyCheck(o.IDKey)
	}
	return m
}

// IDKeyCheck names an id key without revealing it, so that partials made
// with different keys are told apart: 16 hex digits of an HMAC under it.
func IDKeyCheck(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("mwoauth token scan: id key check"))
	return hex.EncodeToString(m.Sum(nil)[:8])
}

func (s *Scanner) over() bool {
	l := s.state.budget.limit
	return l > 0 && s.held.Load() > l
}

// spill writes the distinct tokens in memory to a run and starts afresh:
// a token seen again is judged again (the same verdict: the same token,
// options and database), and the runs combine at the end.
func (s *Scanner) spill() {
	s.gate.Lock()
	defer s.gate.Unlock()
	if !s.over() || s.failed.Load() {
		return // another worker spilled first
	}
	if err := s.flushEntries(true); err != nil {
		s.fail(err)
	}
}

// fold adds every worker's tallies to the entry's own, which holds its
// first sighting (all counted against the same verdict: settled later).
// The entries are split between goroutines by a byte of their key, which
// every worker's tally of a token has too, so no two goroutines add to
// the same entry: each walks every table and takes its share. The adds
// miss the cache, entry after entry, and fold ran alone at the end of a
// scan (63 perf samples of a repeated-token scan, about 30 ms).
func (s *Scanner) fold() {
	parts := len(s.workers)
	var wg sync.WaitGroup
	for g := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, w := range s.workers {
				w.local.eachPart(g, parts, func(e *entry, c *counts) { e.own.add(c) })
			}
		}()
	}
	wg.Wait()
}

// flushEntries turns every entry into a record for the state, and drops
// the entries: to a new run when toRun (a spill), else into the state's
// memory (the end of the scan, whose sorter spills if it must). Each
// worker's entries are converted on a goroutine of their own, slab by
// slab, so that a converted slab can be collected.
func (s *Scanner) flushEntries(toRun bool) error {
	s.fold()
	s.resetShards()
	s.held.Store(0) // the records are counted by the state's sorter
	converted := make([][][]record, len(s.workers))
	var wg sync.WaitGroup
	for i, w := range s.workers {
		w.forget()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j, slab := range w.slabs {
				recs := make([]record, 0, len(slab))
				for k := range slab {
					if e := &slab[k]; e.creator != nil { // the newest slab's tail is unused
						recs = append(recs, record{})
						s.recordOf(e, &recs[len(recs)-1])
					}
				}
				converted[i] = append(converted[i], recs)
				w.slabs[j] = nil
			}
			w.slabs, w.slab = nil, nil
		}()
	}
	wg.Wait()
	tokens := s.state.tokens
	for _, slabs := range converted {
		for _, recs := range slabs {
			for k := range recs {
				if err := tokens.add(&recs[k]); err != nil {
					return err
				}
			}
		}
	}
	if toRun {
		return tokens.spill()
	}
	return nil
}

// eachEntry passes every entry, as a record, to fn; the record is reused.
func (s *Scanner) eachEntry(fn func(*record) error) error {
	var r record
	for _, w := range s.workers {
		for _, slab := range w.slabs {
			for k := range slab {
				if e := &slab[k]; e.creator != nil {
					s.recordOf(e, &r)
					if err := fn(&r); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// recordOf fills r from e, keeping what the report will show.
func (s *Scanner) recordOf(e *entry, r *record) {
	in, u := &e.info, &e.own
	*r = record{jti: in.jti, aud: in.aud, sub: in.sub, counts: u.settled(in.atClass)}
	if s.stable {
		r.ident = in.digest
	} else {
		copy(r.ident[:], e.key[:])
	}
	ws := in.wiki
	if ws != nil {
		r.wiki.Consumer = consumerRef(ws)
	}
	if s.o.Output == OutputSummary {
		return
	}
	r.details = in.details
	r.wiki.MediaWiki = s.mediaWikiRef(in)
	if ws != nil {
		r.wiki.TokenRow = &TokenRowRef{Found: ws.TokenRow != nil}
		if ws.TokenRow != nil {
			r.wiki.TokenRow.Revoked, r.wiki.TokenRow.AcceptanceID = ws.TokenRow.Revoked, ws.TokenRow.AcceptanceID
		}
	}
	if s.o.KeepTokens && !in.oversize {
		r.text = e.text
	}
}

// Finish waits for the workers and returns the report. Close it when
// done: its state may be on disk.
func (s *Scanner) Finish() (*Report, error) {
	s.close()
	if s.err != nil {
		_ = s.state.dir.remove() // the error at hand is the one to report
		return nil, s.err
	}
	var direct func(func(*record) error) error
	if s.o.Output == OutputSummary && !s.state.tokens.spilled() {
		s.fold()
		direct = s.eachEntry
	} else if err := s.flushEntries(false); err != nil {
		_ = s.state.dir.remove() // the error at hand is the one to report
		return nil, err
	}
	st := s.state
	st.ctx = s.ctx
	st.files = append([]string{}, s.files...)
	t := &st.totals
	t.Bytes, t.Lines, t.SkippedTooLong = s.bytesRead.Load(), s.lines.Load(), s.readerTooLong.Load()
	for _, w := range s.workers {
		t.add(&w.totals, 0)
	}
	rep, err := st.reportFrom(direct)
	if err != nil {
		_ = st.dir.remove() // the error at hand is the one to report
		return nil, err
	}
	s.finished = true
	return rep, nil
}

// Close stops a scan that is not finished (Feed failed, or was
// interrupted) and removes its temporary files. After Finish it does
// nothing: the Report owns them.
func (s *Scanner) Close() error {
	s.aborted.Store(true)
	s.close()
	if s.finished {
		return nil
	}
	return s.state.dir.remove()
}
