package jwtutil

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// PHPNumericDate renders t the way lcobucci/jwt's
// MicrosecondBasedDateConversion and PHP's json_encode do: an integer when
// the microseconds are zero, else (float)"U.u" printed with PHP's
// serialize_precision -1, i.e. the shortest text that round-trips the
// float64 (1795342075.525625, 1795338475.52743). Sub-microsecond parts are
// dropped, as PHP's DateTimeImmutable has none.
func PHPNumericDate(t time.Time) string {
	t = t.Truncate(time.Microsecond)
	sec, us := t.Unix(), t.Nanosecond()/1000
	if us == 0 {
		return strconv.FormatInt(sec, 10)
	}
	f, err := strconv.ParseFloat(fmt.Sprintf("%d.%06d", sec, us), 64)
	if err != nil || sec < 0 {
		return strconv.FormatInt(sec, 10)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// FormatNumericDate renders t in the given form (TimeInt or TimeFloat).
// An int claim stays an int (seconds, truncated); a float claim follows
// PHPNumericDate.
func FormatNumericDate(t time.Time, form string) string {
	if form == TimeFloat {
		return PHPNumericDate(t)
	}
	return strconv.FormatInt(t.Unix(), 10)
}

// FormatUTC renders t in RFC 3339, UTC, with microseconds only when there
// are any (2026-11-22T10:07:55.525625Z, 2026-11-22T10:00:00Z).
func FormatUTC(t time.Time) string {
	t = t.UTC()
	if t.Nanosecond() == 0 {
		return t.Format("2006-01-02T15:04:05Z")
	}
	// Token times carry microseconds (PHP's DateTimeImmutable); a wall-clock
	// "now" carries nanoseconds nobody needs to read.
	return t.Format("2006-01-02T15:04:05.000000Z")
}

// Relative says when t is from now's point of view: "expires in 41m",
// "expired 3h ago", "expires in 1000y". past and future are the verbs
// ("expired", "expires"). Both are taken at the microsecond, as MediaWiki's
// clock reads them.
func Relative(now, t time.Time, past, future string) string {
	return RelativeDate(Date(now), Date(t), past, future)
}

// RelativeDate is Relative for NumericDates (any year).
func RelativeDate(now, d NumericDate, past, future string) string {
	switch {
	case d.After(now):
		return future + " in " + SpanDate(now, d)
	case d.Before(now):
		return past + " " + SpanDate(d, now) + " ago"
	}
	return past + " just now"
}

// HumanDuration renders d in at most two units, rounded down: 45s, 3m12s
// (under ten minutes), 41m, 2h5m, 3d4h, 1000y.
func HumanDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	const day = 24 * time.Hour
	const year = 36525 * day / 100
	switch {
	case d < time.Second:
		return "0s"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < 10*time.Minute:
		m, s := int(d/time.Minute), int(d%time.Minute/time.Second)
		if s == 0 {
			return fmt.Sprintf("%dm", m)
		}
		return fmt.Sprintf("%dm%ds", m, s)
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < day:
		return twoUnits(int(d/time.Hour), "h", int(d%time.Hour/time.Minute), "m")
	case d < year:
		return twoUnits(int(d/day), "d", int(d%day/time.Hour), "h")
	}
	// time.Duration tops out near 292 years; longer spans arrive capped, so
	// callers with far-future times use HumanSpan.
	return fmt.Sprintf("%dy", int(d/year))
}

// HumanSpan is HumanDuration for spans that may exceed time.Duration
// (the owner-only token's 1000 years).
func HumanSpan(from, to time.Time) string { return SpanDate(Date(from), Date(to)) }

// SpanDate is HumanSpan for NumericDates: calendar years when both ends are
// within years 1..9999 (so iat + P1000Y reads "1000y"), mean Gregorian
// years beyond.
func SpanDate(from, to NumericDate) string {
	if to.Before(from) {
		from, to = to, from
	}
	secs := to.Seconds(from)
	if secs < 200*365*24*3600 {
		return HumanDuration(time.Duration(to.Sec-from.Sec)*time.Second + time.Duration(to.Usec-from.Usec)*time.Microsecond)
	}
	ft, ok1 := from.Time()
	tt, ok2 := to.Time()
	if ok1 && ok2 {
		years := tt.Year() - ft.Year()
		if ft.AddDate(years, 0, 0).After(tt) {
			years--
		}
		return fmt.Sprintf("%dy", years)
	}
	return strconv.FormatFloat(math.Floor(secs/31556952), 'f', 0, 64) + "y"
}

func twoUnits(a int, ua string, b int, ub string) string {
	if b == 0 {
		return fmt.Sprintf("%d%s", a, ua)
	}
	return fmt.Sprintf("%d%s%d%s", a, ua, b, ub)
}

// TimeClaimNames are the claims read as NumericDates, in the order
// MediaWiki writes them (sxp is core's soft expiry).
var TimeClaimNames = []string{"iat", "nbf", "exp", "sxp"}

// RelativeFor words t relative to now for the claim it came from: "expires
// in 41m", "valid since 3h ago", "issued 2m in the future".
func RelativeFor(claim string, now, t time.Time) string {
	return RelativeForDate(claim, Date(now), Date(t))
}

// RelativeForDate is RelativeFor for NumericDates.
func RelativeForDate(claim string, now, t NumericDate) string {
	past, future := t.Before(now), t.After(now)
	switch {
	case claim == "exp":
		return RelativeDate(now, t, "expired", "expires")
	case claim == "sxp":
		return RelativeDate(now, t, "soft-expired", "soft-expires")
	case claim == "nbf" && future:
		return "not valid for another " + SpanDate(now, t)
	case claim == "nbf" && past:
		return "valid since " + SpanDate(t, now) + " ago"
	case claim == "nbf":
		return "valid from just now"
	case claim == "iat" && future:
		return "issued " + SpanDate(now, t) + " in the future"
	case claim == "iat" && past:
		return "issued " + SpanDate(t, now) + " ago"
	case claim == "iat":
		return "issued just now"
	}
	return RelativeDate(now, t, "was", "is")
}
