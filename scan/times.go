package scan

import (
	"bytes"
	"errors"
	"regexp"
	"strconv"
	"time"

	"github.com/mwoauth/mwoauth/jwtutil"
)

// TimeSource says where a log line's time is. The zero value means no
// per-line times: every use is judged at Options.At.
type TimeSource struct {
	// Field names a JSON member ("time", "@timestamp", "ts"): the first
	// member with that name in the line is read, string or number.
	Field string
	// Regex's first capture group is the time (with alternatives, the
	// first group that matched).
	Regex *regexp.Regexp
}

// Enabled reports whether lines carry their own times.
func (ts TimeSource) Enabled() bool { return ts.Field != "" || ts.Regex != nil }

// String describes the source for reports: "field:time", "regex:…" or "at".
func (ts TimeSource) String() string {
	switch {
	case ts.Field != "":
		return "field:" + ts.Field
	case ts.Regex != nil:
		return "regex:" + ts.Regex.String()
	}
	return "at"
}

// Time source errors; the command names its flags.
var (
	// ErrTimeSourceBoth: a field and a regex cannot both say where the time is.
	ErrTimeSourceBoth = errors.New("a time field and a time regex are exclusive")
	// ErrNoCaptureGroup: the regex has no group to hold the time.
	ErrNoCaptureGroup = errors.New("the regex has no capture group: put the time in (…)")
)

// NewTimeSource checks a field/regex pair. A bad regex is an error wrapping
// regexp's; one without a group wraps ErrNoCaptureGroup.
func NewTimeSource(field, re string) (TimeSource, error) {
	if field != "" && re != "" {
		return TimeSource{}, ErrTimeSourceBoth
	}
	ts := TimeSource{Field: field}
	if re != "" {
		rx, err := regexp.Compile(re)
		if err != nil {
			return ts, err
		}
		if rx.NumSubexp() < 1 {
			return ts, ErrNoCaptureGroup
		}
		ts.Regex = rx
	}
	return ts, nil
}

// lineClock reads line times for one worker. It remembers the last raw
// value, since consecutive lines mostly share their second.
type lineClock struct {
	src     TimeSource
	key     string // the JSON member that holds the time
	lastRaw []byte
	last    jwtutil.NumericDate
	lastOK  bool
}

func newLineClock(src TimeSource) *lineClock {
	c := &lineClock{src: src}
	c.key = src.Field
	return c
}

// Time returns the line's time, or false when it has none that parses.
func (c *lineClock) Time(line []byte) (jwtutil.NumericDate, bool) {
	var raw []byte
	if c.key != "" {
		raw = jsonField(line, c.key)
	} else {
		m := c.src.Regex.FindSubmatchIndex(line)
		// The first group that took part in the match: with alternatives
		// like \[(…)\]|"time":"(…)" each line format has its own group.
		for g := 2; g+1 < len(m); g += 2 {
			if m[g] >= 0 {
				raw = line[m[g]:m[g+1]]
				break
			}
		}
	}
	if len(raw) == 0 {
		return jwtutil.NumericDate{}, false
	}
	if c.lastRaw != nil && bytes.Equal(raw, c.lastRaw) {
		return c.last, c.lastOK
	}
	c.last, c.lastOK = parseLogDate(raw)
	c.lastRaw = append(c.lastRaw[:0], raw...)
	return c.last, c.lastOK
}

// jsonField returns the raw value of the top-level member named key in a
// JSON-object line, read with jwtutil's one JSON scanner: a string's
// content (escapes are not expected in a time) or a number's text. nil when
// the line is not a JSON object or has no such member.
func jsonField(line []byte, key string) []byte {
	sc := jwtutil.ScanObjectTolerant(line)
	var m jwtutil.Member
	for sc.Next(&m) {
		if string(m.RawKey(line)) != key {
			continue
		}
		switch m.Kind {
		case jwtutil.KindString:
			v := m.Value(line)
			return v[1 : len(v)-1]
		case jwtutil.KindNumber:
			return m.Value(line)
		}
		return nil
	}
	return nil
}

// Log time layouts tried in order after unix seconds.
var logLayouts = []string{
	time.RFC3339Nano,
	"02/Jan/2006:15:04:05 -0700", // common/combined log format, without the brackets
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999", // no zone: UTC
	"2006-01-02 15:04:05.999999999",
}

// parseLogDate is ParseLogTime as a NumericDate, for any year: unix
// seconds are read by the same rule as token times (jwtutil.ParseDate).
func parseLogDate(raw []byte) (jwtutil.NumericDate, bool) {
	t := bytes.TrimSuffix(bytes.TrimPrefix(bytes.TrimSpace(raw), []byte("[")), []byte("]"))
	if len(t) > 0 && t[0] >= '0' && t[0] <= '9' && isNumber(t) {
		d, err := jwtutil.ParseDate(string(t))
		if err != nil {
			return jwtutil.NumericDate{}, false
		}
		if d.Sec >= 1e12 { // milliseconds (JavaScript Date.now(), Java loggers)
			d = jwtutil.NumericDate{Sec: d.Sec / 1000, Usec: int32(d.Sec%1000)*1000 + d.Usec/1000}
		}
		return d, true
	}
	tm, ok := ParseLogTime(raw)
	return jwtutil.Date(tm), ok
}

// ParseLogTime reads a log timestamp: RFC 3339, the common log format
// ("22/Nov/2026:10:07:55 +0000", brackets optional), or unix seconds
// (fractions allowed; 13-digit values are taken as milliseconds).
func ParseLogTime(raw []byte) (time.Time, bool) {
	raw = bytes.TrimSpace(raw)
	raw = bytes.TrimPrefix(raw, []byte("["))
	raw = bytes.TrimSuffix(raw, []byte("]"))
	if len(raw) == 0 {
		return time.Time{}, false
	}
	if raw[0] >= '0' && raw[0] <= '9' && isNumber(raw) {
		f, err := strconv.ParseFloat(string(raw), 64)
		if err != nil {
			return time.Time{}, false
		}
		if f >= 1e12 { // milliseconds (JavaScript Date.now(), Java loggers)
			f /= 1000
		}
		sec := int64(f)
		return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC(), true
	}
	s := string(raw)
	for _, layout := range logLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func isNumber(b []byte) bool {
	dot := false
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return true
}
