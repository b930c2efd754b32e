package logscan

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"unsafe"

	"github.com/mwoauth/mwoauth/jwtutil"
)

// record is one distinct token's state once the workers are done with it:
// its judgement (what the report says about it) and its tally (uses by
// verdict, first and last sighting). Spill runs and partials hold records;
// the report is built from them; records of one token from two runs, or
// two hosts, combine into the record one scan of everything would hold.
// A record never holds token text, except text, in memory only, for
// --show-tokens.
type record struct {
	// ident names the token: its stable digest (sha256, or HMAC-SHA256
	// under the --id-key-file key) when the scan reports per token, else
	// the scan's own GMAC tag (see tokenKey), zero-padded.
	ident         [32]byte
	jti, aud, sub string
	details       *[nClasses]string // first failing check's detail per class
	wiki          WikiView
	counts
	text string
}

// verdict is the token's verdict: the most fundamental class among its
// uses (Class order is jwtutil's order of fundamentality).
func (r *record) verdict() jwtutil.Class {
	for c := 1; c < nClasses; c++ {
		if r.byClass[c] > 0 {
			return jwtutil.Class(c)
		}
	}
	return jwtutil.ClassOK
}

func (r *record) detail(c jwtutil.Class) string {
	if r.details == nil {
		return ""
	}
	return r.details[c]
}

// id is the report's name for the token: 12 hex digits of its digest.
func (r *record) id() string { return hex.EncodeToString(r.ident[:6]) }

// combineRecords folds src's tally into dst: both are the same token.
// The judgement is dst's (the same token judged with the same settings).
func combineRecords(dst, src *record) {
	dst.add(&src.counts)
	if dst.text == "" {
		dst.text = src.text
	}
}

var recordSize = int64(unsafe.Sizeof(record{}))

// size estimates the memory a record holds.
func (r *record) size() int64 {
	n := recordSize + int64(len(r.jti)+len(r.aud)+len(r.sub)+len(r.text))
	if r.details != nil {
		n += int64(unsafe.Sizeof(*r.details))
		for _, d := range r.details {
			n += int64(len(d))
		}
	}
	return n + r.wiki.size()
}

func cmpIdent(a, b *record) int { return bytes.Compare(a.ident[:], b.ident[:]) }

// cmpFirstSeen is the report's order: first sighting, then digest.
func cmpFirstSeen(a, b *record) int {
	switch {
	case a.first.less(b.first):
		return -1
	case b.first.less(a.first):
		return 1
	}
	return cmpIdent(a, b)
}

// byIdent combines records of one token: the scan's spill runs, partials.
var byIdent = &codec[record]{cmp: cmpIdent, combine: combineRecords, size: (*record).size, enc: appendRecordJSON, dec: decodeRecordJSON}

// byFirstSeen orders the report's per-token lines.
var byFirstSeen = &codec[record]{cmp: cmpFirstSeen, size: (*record).size, enc: appendRecordJSON, dec: decodeRecordJSON}

// The record's JSON form, in spill runs and (as the member "token") in
// partials; docs: the partial format in "mwoauth token scan merge --help".
type wireRecord struct {
	ID    string           `json:"id"` // 64 hex digits
	JTI   string           `json:"jti"`
	Aud   string           `json:"aud"`
	Sub   string           `json:"sub"`
	Count int64            `json:"count"`
	Uses  map[string]int64 `json:"uses"`
	wireSpan
	Details map[string]string `json:"details,omitempty"`
	WikiView
}

// wireSighting is a position (file index, line) and, for uses judged at
// their line's time, that time as whole seconds and microseconds.
type wireSighting struct {
	File int32  `json:"file"`
	Line int64  `json:"line"`
	Sec  *int64 `json:"sec,omitempty"`
	Usec int32  `json:"usec,omitempty"`
}

// wireSpan is where something was first and last seen: a token, a
// consumer or a verdict, in spill runs and partials. Embedded, so that its
// members stand where "first" and "last" always stood.
type wireSpan struct {
	First wireSighting `json:"first"`
	Last  wireSighting `json:"last"`
}

func toWireSpan(first pos, firstT jwtutil.NumericDate, last pos, lastT jwtutil.NumericDate) wireSpan {
	return wireSpan{First: toWireSighting(first, firstT), Last: toWireSighting(last, lastT)}
}

// sightings is the span as it was written, unchecked: for spill runs,
// which this scan wrote itself.
func (sp wireSpan) sightings() (first pos, firstT jwtutil.NumericDate, last pos, lastT jwtutil.NumericDate) {
	first, firstT = sp.First.sighting()
	last, lastT = sp.Last.sighting()
	return first, firstT, last, lastT
}

// check is the span read from a partial, which anyone may have written:
// both sightings in the partial's files, and the last not before the
// first.
func (sp wireSpan) check(files int32) (first pos, firstT jwtutil.NumericDate, last pos, lastT jwtutil.NumericDate, err error) {
	if first, firstT, err = sp.First.check(files); err != nil {
		return first, firstT, last, lastT, fmt.Errorf("first: %w", err)
	}
	if last, lastT, err = sp.Last.check(files); err != nil {
		return first, firstT, last, lastT, fmt.Errorf("last: %w", err)
	}
	if last.less(first) {
		return first, firstT, last, lastT, fmt.Errorf("last sighting before the first")
	}
	return first, firstT, last, lastT, nil
}

func toWireSighting(p pos, t jwtutil.NumericDate) wireSighting {
	w := wireSighting{File: p.file, Line: p.line}
	if t != noTime {
		sec := t.Sec
		w.Sec, w.Usec = &sec, t.Usec
	}
	return w
}

func (w wireSighting) sighting() (pos, jwtutil.NumericDate) {
	t := noTime
	if w.Sec != nil {
		t = jwtutil.NumericDate{Sec: *w.Sec, Usec: w.Usec}
	}
	return pos{w.File, w.Line}, t
}

func (r *record) wire() *wireRecord {
	w := &wireRecord{ID: hex.EncodeToString(r.ident[:]), JTI: r.jti, Aud: r.aud, Sub: r.sub, Count: r.count,
		Uses: map[string]int64{}, wireSpan: toWireSpan(r.first, r.firstT, r.last, r.lastT), WikiView: r.wiki}
	for c, n := range r.byClass {
		if n > 0 {
			w.Uses[jwtutil.Class(c).String()] = n
		}
	}
	if r.details != nil {
		for c, d := range r.details {
			if d != "" {
				if w.Details == nil {
					w.Details = map[string]string{}
				}
				w.Details[jwtutil.Class(c).String()] = d
			}
		}
	}
	return w
}

func appendRecordJSON(b []byte, r *record) []byte {
	out, err := json.Marshal(r.wire())
	if err != nil {
		panic(err) // strings, numbers and maps of them always marshal
	}
	return append(b, out...)
}

func decodeRecordJSON(line []byte, r *record) error {
	var w wireRecord
	if err := strictUnmarshal(line, &w); err != nil {
		return err
	}
	return w.record(r, math.MaxInt32)
}

// classByName maps "ok", "expired", … back to classes.
var classByName = func() map[string]jwtutil.Class {
	m := map[string]jwtutil.Class{}
	for c := 0; c < nClasses; c++ {
		m[jwtutil.Class(c).String()] = jwtutil.Class(c)
	}
	return m
}()

// record checks w and turns it into r; files is how many files the
// positions may name.
func (w *wireRecord) record(r *record, files int32) error {
	*r = record{jti: w.JTI, aud: w.Aud, sub: w.Sub, counts: counts{hotCounts: hotCounts{count: w.Count}}, wiki: w.WikiView}
	if len(w.ID) != 64 {
		return fmt.Errorf("token id %q is not 64 hex digits", w.ID)
	}
	if _, err := hex.Decode(r.ident[:], []byte(w.ID)); err != nil {
		return fmt.Errorf("token id %q is not 64 hex digits", w.ID)
	}
	var sum int64
	for name, n := range w.Uses {
		c, ok := classByName[name]
		switch {
		case !ok:
			return fmt.Errorf("unknown verdict %q in uses", name)
		case n <= 0 || n > w.Count:
			return fmt.Errorf("uses %q is %d of %d", name, n, w.Count)
		}
		r.byClass[c] = n
		sum += n
	}
	if w.Count <= 0 || sum != w.Count {
		return fmt.Errorf("count %d is not the sum of the uses (%d)", w.Count, sum)
	}
	for name, d := range w.Details {
		c, ok := classByName[name]
		if !ok {
			return fmt.Errorf("unknown verdict %q in details", name)
		}
		if r.details == nil {
			r.details = new([nClasses]string)
		}
		r.details[c] = d
	}
	var err error
	if r.first, r.firstT, r.last, r.lastT, err = w.check(files); err != nil {
		return err
	}
	if m := r.wiki.MediaWiki; m != nil && m.User != nil && m.User.Source == "" {
		return fmt.Errorf("mediawiki.user without a source")
	}
	return nil
}

func (w wireSighting) check(files int32) (pos, jwtutil.NumericDate, error) {
	p, t := w.sighting()
	switch {
	case p.file < 0 || p.file >= files:
		return p, t, fmt.Errorf("file %d: there are %d", p.file, files)
	case p.line < 1:
		return p, t, fmt.Errorf("line %d", p.line)
	case w.Sec != nil && (w.Usec < 0 || w.Usec >= 1e6 || *w.Sec == math.MinInt64):
		return p, t, fmt.Errorf("time %d.%06d", *w.Sec, w.Usec)
	}
	return p, t, nil
}

// strictUnmarshal decodes one JSON value, refusing members the format does
// not have and anything after the value.
func strictUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("more than one JSON value on the line")
	}
	return nil
}
