package jwtutil

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
)

// NumericDate is an instant the way MediaWiki's JWT library holds one: whole
// seconds since the epoch and microseconds (PHP's DateTimeImmutable keeps no
// more). Sec spans all of int64, so no value MediaWiki can emit overflows:
// the owner-only token's exp 1000 years ahead, year 3026, 1e16 seconds and
// beyond. Every judgement of a time claim (verify, decode, every scan path,
// the generator's expectations) compares NumericDates, never time.Time
// (whose Unix range ends near year 292277026596) nor int64 nanoseconds
// (which end in 2262).
type NumericDate struct {
	Sec  int64
	Usec int32 // 0..999999, added to Sec (also when Sec is negative, as PHP does)
}

// Date is the NumericDate of t, truncated to the microsecond: "now" as
// MediaWiki's clock would read it.
func Date(t time.Time) NumericDate {
	return NumericDate{Sec: t.Unix(), Usec: int32(t.Nanosecond() / 1000)}
}

// Compare returns -1, 0 or +1.
func (d NumericDate) Compare(e NumericDate) int {
	switch {
	case d.Sec < e.Sec:
		return -1
	case d.Sec > e.Sec:
		return 1
	case d.Usec < e.Usec:
		return -1
	case d.Usec > e.Usec:
		return 1
	}
	return 0
}

// Before reports d < e.
func (d NumericDate) Before(e NumericDate) bool { return d.Compare(e) < 0 }

// After reports d > e.
func (d NumericDate) After(e NumericDate) bool { return d.Compare(e) > 0 }

// Add moves d by dur (leeway, skew), saturating at the ends of int64
// seconds rather than wrapping.
func (d NumericDate) Add(dur time.Duration) NumericDate {
	us := int64(d.Usec) + int64(dur%time.Second)/1000
	sec := int64(dur / time.Second)
	for us < 0 {
		us += 1e6
		sec--
	}
	for us >= 1e6 {
		us -= 1e6
		sec++
	}
	switch {
	case sec > 0 && d.Sec > math.MaxInt64-sec:
		return NumericDate{Sec: math.MaxInt64, Usec: 999999}
	case sec < 0 && d.Sec < math.MinInt64-sec:
		return NumericDate{Sec: math.MinInt64}
	}
	return NumericDate{Sec: d.Sec + sec, Usec: int32(us)}
}

// The instants Time converts: ±1e15 seconds (some 31.7 million years),
// well inside what time.Time computes dates for without overflowing.
const (
	minTimeSec = -1e15
	maxTimeSec = 1e15
)

// Time converts d to a time.Time; ok is false beyond ±1e15 seconds, where
// FormatDate says what it is instead.
func (d NumericDate) Time() (time.Time, bool) {
	if d.Sec < minTimeSec || d.Sec > maxTimeSec {
		return time.Time{}, false
	}
	return time.Unix(d.Sec, int64(d.Usec)*1000).UTC(), true
}

// String is d in seconds, the way PHP's json_encode writes lcobucci's
// microsecond dates (PHPNumericDate), or as a plain decimal when the
// float cannot hold it.
func (d NumericDate) String() string {
	if t, ok := d.Time(); ok {
		return PHPNumericDate(t)
	}
	if d.Usec == 0 {
		return strconv.FormatInt(d.Sec, 10)
	}
	return strconv.FormatInt(d.Sec, 10) + "." + strings.TrimRight(strconv.FormatInt(int64(d.Usec)+1e6, 10)[1:], "0")
}

// FormatDate renders d in RFC 3339 UTC (microseconds only when there are
// any; years past 9999 with more digits), or, beyond ±1e15 seconds, as
// "year N (unix S)".
func FormatDate(d NumericDate) string {
	if t, ok := d.Time(); ok {
		return FormatUTC(t)
	}
	return "year " + strconv.FormatInt(YearOf(d), 10) + " (unix " + d.String() + ")"
}

// YearOf is the Gregorian year of d (beyond time.Time's range, by mean
// Gregorian years of 365.2425 days: close enough for a human label).
func YearOf(d NumericDate) int64 {
	if t, ok := d.Time(); ok {
		return int64(t.Year())
	}
	return 1970 + int64(math.Floor(float64(d.Sec)/31556952))
}

// Seconds is d - e in seconds, as a float (for spans that may exceed
// time.Duration's 292 years).
func (d NumericDate) Seconds(e NumericDate) float64 {
	return float64(d.Sec) - float64(e.Sec) + float64(d.Usec-e.Usec)/1e6
}

// DateStatus is how PHP's conversion of a date claim ended.
type DateStatus byte

// Date statuses (lcobucci/jwt Parser::convertDate).
const (
	DateOK          DateStatus = iota
	DateNotNumeric             // a string PHP's is_numeric refuses: "Value is not in the allowed date format: <the string>"
	DateUnparseable            // number_format's text is refused by DateTimeImmutable::createFromFormat('U.u'): "... <that text>"
	DateTypeError              // true, false, null, an array or an object: a PHP TypeError, not a parse error
)

// PHPDate is what MediaWiki's parser makes of one date claim (iat, nbf,
// exp): json_decode turns the JSON value into an int, a float or a string;
// lcobucci/jwt's convertDate requires is_numeric, writes (float) of it
// with number_format(…, 6, '.', ”) and reads that back with
// createFromFormat('U.u'). Every JSON spelling of the same number gives the
// same date ("exp":10000000000000000 and "exp":1e16 alike), as in PHP.
//
// Text is the value lcobucci names in its message: the string itself for
// DateNotNumeric, number_format's output for DateUnparseable.
//
// Where mwoauth may differ from PHP: number_format's pre-rounding (PHP's
// round() before printing) only matters for values below 1e9 seconds whose
// seventh decimal is a tie; those are read as correctly rounded here.
func PHPDate(kind ValueKind, raw []byte) (d NumericDate, status DateStatus, text string) {
	var f float64
	switch kind {
	case KindNumber:
		f = phpJSONNumber(strings.TrimSpace(string(raw)))
	case KindString:
		s, ok := unquote(raw)
		if !ok || !PHPIsNumeric(s) {
			return NumericDate{}, DateNotNumeric, s
		}
		f = phpNumericStringValue(s)
	default:
		return NumericDate{}, DateTypeError, string(raw)
	}
	text = phpNumberFormat6(f)
	d, ok := phpParseUdotu(text)
	if !ok {
		return NumericDate{}, DateUnparseable, text
	}
	return d, DateOK, text
}

// PHPDateValue is PHPDate without the text, for readers that need only
// the date. The JSON numbers MediaWiki writes (seconds, a '.', up to six
// digits of microseconds, as 1795342075.525625) are read directly when the
// seconds are below 2^32: json_decode's double is then within 2^-21 of
// the literal, so number_format's six decimals give the literal back, and
// createFromFormat reads those seconds and microseconds
// (TestPHPDateValue holds the two to the same dates).
func PHPDateValue(kind ValueKind, raw []byte) (NumericDate, DateStatus) {
	if kind == KindNumber {
		if d, ok := plainDate(raw); ok {
			return d, DateOK
		}
	}
	d, st, _ := PHPDate(kind, raw)
	return d, st
}

// plainDate reads digits with an optional fraction of one to six digits,
// the seconds below 2^32; ok is false for anything else.
func plainDate(raw []byte) (NumericDate, bool) {
	var sec int64
	i := 0
	for ; i < len(raw) && raw[i] >= '0' && raw[i] <= '9'; i++ {
		if sec = sec*10 + int64(raw[i]-'0'); sec >= 1<<32 {
			return NumericDate{}, false
		}
	}
	if i == 0 {
		return NumericDate{}, false
	}
	if i == len(raw) {
		return NumericDate{Sec: sec}, true
	}
	if raw[i] != '.' || len(raw)-i-1 < 1 || len(raw)-i-1 > 6 {
		return NumericDate{}, false
	}
	var usec int32
	for _, c := range raw[i+1:] {
		if c < '0' || c > '9' {
			return NumericDate{}, false
		}
		usec = usec*10 + int32(c-'0')
	}
	for n := len(raw) - i - 1; n < 6; n++ {
		usec *= 10
	}
	return NumericDate{Sec: sec, Usec: usec}, true
}

// phpJSONNumber is the float json_decode gives a JSON number: an integer
// literal that fits int64 is an int (then cast to float, rounding to
// nearest as C does), anything else a correctly rounded double (±Inf on
// overflow, which PHP keeps).
func phpJSONNumber(s string) float64 {
	if !strings.ContainsAny(s, ".eE") {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return float64(n)
		}
	}
	f, _ := strconv.ParseFloat(s, 64) // ±Inf with ErrRange, as PHP's zend_strtod
	return f
}

// PHPIsNumeric is PHP 8's is_numeric for strings: optional leading and
// trailing whitespace (" \t\n\r\v\f"), an optional sign, digits with an
// optional fraction (or a fraction alone), an optional exponent. No hex,
// no "1_000", no "inf".
func PHPIsNumeric(s string) bool {
	s = strings.Trim(s, phpSpace)
	if s == "" {
		return false
	}
	i := 0
	if s[0] == '+' || s[0] == '-' {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	i, ok := exponentEnd(s, i)
	return ok && i == len(s)
}

// phpSpace is the whitespace PHP's numeric strings may start and end with.
const phpSpace = " \t\n\r\v\f"

// phpNumericStringValue is (float) of a string is_numeric accepted.
func phpNumericStringValue(s string) float64 {
	s = strings.Trim(s, phpSpace)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return float64(n)
	}
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

// phpNumberFormat6 is number_format($f, 6, '.', ”): the value printed
// with six decimals, correctly rounded; INF (either sign) prints "INF",
// the sign lost as PHP loses it.
func phpNumberFormat6(f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return "INF"
	}
	return strconv.FormatFloat(f, 'f', 6, 64)
}

// phpParseUdotu reads number_format's text with createFromFormat('U.u'):
// an optionally signed run of at most 24 digits that strtoll must fit in
// int64 ("Number out of range" otherwise), a '.', then the six digits of
// microseconds, which PHP adds to the seconds whatever their sign.
func phpParseUdotu(s string) (NumericDate, bool) {
	i := 0
	neg := false
	for i < len(s) && (s[i] == '+' || s[i] == '-') {
		if s[i] == '-' {
			neg = !neg
		}
		i++
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' && i-start < 24 {
		i++
	}
	if i == start {
		return NumericDate{}, false
	}
	digits := s[start:i]
	if neg {
		digits = "-" + digits
	}
	sec, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return NumericDate{}, false
	}
	if i >= len(s) || s[i] != '.' {
		return NumericDate{}, false
	}
	i++
	us := s[i:]
	if len(us) != 6 {
		return NumericDate{}, false
	}
	u, err := strconv.Atoi(us)
	if err != nil || u < 0 {
		return NumericDate{}, false
	}
	return NumericDate{Sec: sec, Usec: int32(u)}, true
}

func unquote(raw []byte) (string, bool) {
	if len(raw) >= 2 && raw[0] == '"' && !containsByte(raw, '\\') {
		return string(raw[1 : len(raw)-1]), true
	}
	// A copy for json.Unmarshal, which escape analysis takes to keep its
	// input: raw is often a buffer on its caller's stack (the scan's
	// decoded payload, 2 KiB that would otherwise be allocated per token).
	var s string
	if err := json.Unmarshal(append([]byte(nil), raw...), &s); err != nil {
		return "", false
	}
	return s, true
}
