package jwtutil

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"
)

// PHP's conversion of a date claim, spelling by spelling: json_decode, then
// is_numeric, (float), number_format(…, 6) and createFromFormat('U.u').
func TestPHPDate(t *testing.T) {
	tests := []struct {
		json   string
		status DateStatus
		want   NumericDate
		text   string // lcobucci's text for refusals
	}{
		{`1795342075`, DateOK, NumericDate{1795342075, 0}, ""},
		{`1795342075.525625`, DateOK, NumericDate{1795342075, 525625}, ""},
		{`1795338475.52743`, DateOK, NumericDate{1795338475, 527430}, ""},
		{`1.795342075525625e9`, DateOK, NumericDate{1795342075, 525625}, ""},
		{`33352247249.88423`, DateOK, NumericDate{33352247249, 884232}, ""}, // the owner-only exp, year 3026: the nearest double prints .884232
		// One number, one verdict: every spelling of 1e16 and 1.5e15 is the same date.
		{`10000000000000000`, DateOK, NumericDate{1e16, 0}, ""},
		{`1e16`, DateOK, NumericDate{1e16, 0}, ""},
		{`1E+16`, DateOK, NumericDate{1e16, 0}, ""},
		{`10000000000000000.0`, DateOK, NumericDate{1e16, 0}, ""},
		{`"1e16"`, DateOK, NumericDate{1e16, 0}, ""},
		{`1500000000000000`, DateOK, NumericDate{15e14, 0}, ""},
		{`1.5e15`, DateOK, NumericDate{15e14, 0}, ""},
		// Numeric strings: PHP 8's is_numeric.
		{`"1795342075"`, DateOK, NumericDate{1795342075, 0}, ""},
		{`" 1795342075 "`, DateOK, NumericDate{1795342075, 0}, ""},
		{`".5"`, DateOK, NumericDate{0, 500000}, ""},
		{`"5."`, DateOK, NumericDate{5, 0}, ""},
		{`"+7"`, DateOK, NumericDate{7, 0}, ""},
		{`"tomorrow"`, DateNotNumeric, NumericDate{}, "tomorrow"},
		{`""`, DateNotNumeric, NumericDate{}, ""},
		{`"0x1A"`, DateNotNumeric, NumericDate{}, "0x1A"},
		{`"1e"`, DateNotNumeric, NumericDate{}, "1e"},
		{`"1_000"`, DateNotNumeric, NumericDate{}, "1_000"},
		{`"inf"`, DateNotNumeric, NumericDate{}, "inf"},
		// PHP adds the microseconds to the seconds, whatever their sign.
		{`-1.5`, DateOK, NumericDate{-1, 500000}, ""},
		{`-5`, DateOK, NumericDate{-5, 0}, ""},
		// Out of range: int64 seconds, and the float's overflow to INF.
		{`1e19`, DateUnparseable, NumericDate{}, "10000000000000000000.000000"},
		{`1e400`, DateUnparseable, NumericDate{}, "INF"},
		{`-1e400`, DateUnparseable, NumericDate{}, "INF"},
		{`9223372036854775807`, DateUnparseable, NumericDate{}, "9223372036854775808.000000"},
		// Not a number at all: a TypeError in convertDate.
		{`true`, DateTypeError, NumericDate{}, "true"},
		{`null`, DateTypeError, NumericDate{}, "null"},
		{`[1]`, DateTypeError, NumericDate{}, "[1]"},
	}
	for _, tt := range tests {
		kind, p := ValidateJSON([]byte(tt.json))
		if p != JSONOK {
			t.Fatalf("%s: test input is not JSON", tt.json)
		}
		d, st, text := PHPDate(kind, []byte(tt.json))
		if st != tt.status || (st == DateOK && d != tt.want) || (st != DateOK && text != tt.text) {
			t.Errorf("PHPDate(%s) = %+v, %d, %q; want %+v, %d, %q", tt.json, d, st, text, tt.want, tt.status, tt.text)
		}
	}
}

// The owner-only token's exp and 1e16 compare correctly with any instant:
// no representation in between overflows.
func TestNumericDateNeverOverflows(t *testing.T) {
	ownerOnly := NumericDate{33352247249, 884230}
	huge := NumericDate{1e16, 0}
	for _, now := range []time.Time{
		time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC),
		time.Date(2999, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
	} {
		d := Date(now)
		if !ownerOnly.After(d) && now.Year() < 3026 || !huge.After(d) {
			t.Errorf("at %v: owner-only %v / 1e16 not in the future", now, ownerOnly)
		}
	}
	if got := (NumericDate{math.MaxInt64 - 1, 0}).Add(time.Hour); got.Sec != math.MaxInt64 {
		t.Errorf("Add does not saturate: %+v", got)
	}
	if got := (NumericDate{math.MinInt64 + 1, 0}).Add(-time.Hour); got.Sec != math.MinInt64 {
		t.Errorf("Add does not saturate below: %+v", got)
	}
	if got := (NumericDate{10, 900000}).Add(200 * time.Millisecond); got != (NumericDate{11, 100000}) {
		t.Errorf("Add carries microseconds wrong: %+v", got)
	}
	if got := FormatDate(NumericDate{1e17, 0}); got != "year 3168875820 (unix 100000000000000000)" {
		t.Errorf("FormatDate(1e16) = %q", got)
	}
	if got := FormatDate(ownerOnly); got != "3026-11-22T09:07:29.884230Z" {
		t.Errorf("FormatDate(owner-only) = %q", got)
	}
	if got := SpanDate(Date(time.Date(2026, 11, 22, 9, 7, 29, 884230000, time.UTC)), ownerOnly); got != "1000y" {
		t.Errorf("SpanDate to the owner-only exp = %q", got)
	}
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]NumericDate{
		"1795342075.525625": {1795342075, 525625}, "1795342075": {1795342075, 0}, " 1e16 ": {1e16, 0},
	} {
		if got, err := ParseDate(in); err != nil || got != want {
			t.Errorf("ParseDate(%q) = %+v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "x", "1e400", `"1"`, "1795342075.5.5"} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) accepted", bad)
		}
	}
	if _, err := ParseNumericDate("1e16"); err == nil {
		t.Error("ParseNumericDate gave a time.Time beyond year 9999")
	}
}

// PHPDateValue's shortcut for plain seconds and microseconds gives
// PHPDate's date: around the shortcut's bounds (2^32 seconds, six
// decimals), leading zeros, values it leaves to PHPDate, and random
// seconds with random fractions of every length.
func TestPHPDateValue(t *testing.T) {
	raws := []string{"0", "7", "00", "0123", "1795342075", "1795342075.525625", "1795338475.52743", "4294967295.999999",
		"4294967296", "4294967296.5", "4294967295.9999995", "1795342075.", "1795342075.1234567", ".5", "1.5e3",
		"999999999999999", "99999999999999999999", "-5", "-5.5", "1e9", " 1795342075", "1795342075 ", "0.000001", "0.0000005"}
	for n := int64(1); n < 1e18; n = n*10 + 3 {
		raws = append(raws, strconv.FormatInt(n, 10))
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		sec := r.Int64N(1 << 32)
		if r.IntN(4) == 0 {
			sec = 1<<32 - 1 - r.Int64N(1000)
		}
		frac := strconv.FormatInt(r.Int64N(1e6), 10)
		frac = strings.Repeat("0", 6-len(frac)) + frac
		raws = append(raws, fmt.Sprintf("%d.%s", sec, frac[:1+r.IntN(6)]))
	}
	for _, raw := range raws {
		want, wantSt, _ := PHPDate(KindNumber, []byte(raw))
		got, st := PHPDateValue(KindNumber, []byte(raw))
		if got != want || st != wantSt {
			t.Errorf("PHPDateValue(%q) = %v, %v; PHPDate: %v, %v", raw, got, st, want, wantSt)
		}
	}
	if d, st := PHPDateValue(KindString, []byte(`"1795342075"`)); st != DateOK || d != (NumericDate{Sec: 1795342075}) {
		t.Errorf("string date: %v %v", d, st)
	}
}
