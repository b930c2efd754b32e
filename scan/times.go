package scan

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"time"
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

// NewTimeSource checks a --time-field/--time-regex pair.
func NewTimeSource(field, re string) (TimeSource, error) {
	if field != "" && re != "" {
		return TimeSource{}, fmt.Errorf("--time-field and --time-regex are exclusive")
	}
	ts := TimeSource{Field: field}
	if re != "" {
		rx, err := regexp.Compile(re)
		if err != nil {
			return ts, fmt.Errorf("--time-regex: %v", err)
		}
		if rx.NumSubexp() < 1 {
			return ts, fmt.Errorf("--time-regex %q has no capture group: put the time in (…)", re)
		}
		ts.Regex = rx
	}
	return ts, nil
}

// lineClock reads line times for one worker. It remembers the last raw
// value, since consecutive lines mostly share their second.
type lineClock struct {
	src     TimeSource
	key     []byte // `"field"`
	lastRaw []byte
	last    time.Time
	lastOK  bool
}

func newLineClock(src TimeSource) *lineClock {
	c := &lineClock{src: src}
	if src.Field != "" {
		c.key = []byte(strconv.Quote(src.Field))
	}
	return c
}

// Time returns the line's time, or false when it has none that parses.
func (c *lineClock) Time(line []byte) (time.Time, bool) {
	var raw []byte
	if c.key != nil {
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
		return time.Time{}, false
	}
	if c.lastRaw != nil && bytes.Equal(raw, c.lastRaw) {
		return c.last, c.lastOK
	}
	c.last, c.lastOK = ParseLogTime(raw)
	c.lastRaw = append(c.lastRaw[:0], raw...)
	return c.last, c.lastOK
}

// jsonField returns the raw value of the first member named key (quoted,
// e.g. `"time"`): a string's content or a number's text. It does not parse
// the whole line; a key that appears only inside a string value can fool
// it, which for a time field in a log is acceptable.
func jsonField(line, key []byte) []byte {
	i := 0
	for {
		k := bytes.Index(line[i:], key)
		if k < 0 {
			return nil
		}
		j := i + k + len(key)
		i = j
		for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
			j++
		}
		if j >= len(line) || line[j] != ':' {
			continue // the name was a value, not a member name
		}
		j++
		for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
			j++
		}
		if j >= len(line) {
			return nil
		}
		if line[j] == '"' {
			end := bytes.IndexByte(line[j+1:], '"')
			if end < 0 {
				return nil
			}
			return line[j+1 : j+1+end]
		}
		end := j
		for end < len(line) && (line[end] >= '0' && line[end] <= '9' || line[end] == '.' || line[end] == '-' || line[end] == 'e' || line[end] == 'E' || line[end] == '+') {
			end++
		}
		return line[j:end]
	}
}

// Log time layouts tried in order after unix seconds.
var logLayouts = []string{
	time.RFC3339Nano,
	"02/Jan/2006:15:04:05 -0700", // common/combined log format, without the brackets
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999", // no zone: UTC
	"2006-01-02 15:04:05.999999999",
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
