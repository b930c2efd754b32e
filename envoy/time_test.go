package envoy

import (
	"testing"
	"time"
)

// TestCheckTimeUpstream is jwt_verify_lib test/jwt_time_test.cc
// (VerifyExpTest.*), on a token with exp 1605052800 and nbf 1605050800.
func TestCheckTimeUpstream(t *testing.T) {
	const exp, nbf = 1605052800, 1605050800
	j, st := Parse(unsigned(rs256, `{
  "iss": "https://example.com",
  "sub": "test@example.com",
  "exp": 1605052800,
  "nbf": 1605050800
}`, "sig"))
	if st != OK || j.Exp != exp || j.Nbf != nbf {
		t.Fatalf("%s %+v", st.Name(), j)
	}
	const skew = DefaultClockSkewSeconds
	cases := []struct {
		name      string
		nbf, exp  uint64
		now, skew uint64
		want      Status
	}{
		{"BothNbfExp", nbf, exp, exp + skew - 10, skew, OK},
		{"BothNbfExp", nbf, exp, exp + skew + 10, skew, JwtExpired},
		{"BothNbfExp", nbf, exp, nbf - skew + 10, skew, OK},
		{"BothNbfExp", nbf, exp, nbf - skew - 10, skew, JwtNotYetValid},
		{"BothNbfExpWithCustomClockSkew", nbf, exp, exp + 10 - 1, 10, OK},
		{"BothNbfExpWithCustomClockSkew", nbf, exp, exp + 10 + 1, 10, JwtExpired},
		{"BothNbfExpWithCustomClockSkew", nbf, exp, nbf - 10 + 1, 10, OK},
		{"BothNbfExpWithCustomClockSkew", nbf, exp, nbf - 10 - 1, 10, JwtNotYetValid},
		{"OnlyExp", 0, exp, exp + skew - 10, skew, OK},
		{"OnlyExp", 0, exp, exp + skew + 10, skew, JwtExpired},
		{"OnlyExp", 0, exp, 0, skew, OK},
		{"OnlyNbf", nbf, 0, 9223372036854775810, skew, OK},
		{"OnlyNbf", nbf, 0, nbf - skew + 10, skew, OK},
		{"OnlyNbf", nbf, 0, nbf - skew - 10, skew, JwtNotYetValid},
		{"NotTimeConstraint", 0, 0, 9223372036854775810, skew, OK},
		{"NotTimeConstraint", 0, 0, 0, skew, OK},
		// The boundaries: exp + skew itself is still valid, nbf − skew too.
		{"boundary", nbf, exp, exp + skew, skew, OK},
		{"boundary", nbf, exp, exp + skew + 1, skew, JwtExpired},
		{"boundary", nbf, exp, nbf - skew, skew, OK},
		{"boundary", nbf, exp, nbf - skew - 1, skew, JwtNotYetValid},
		// uint64 arithmetic: exp + skew wraps for an exp within skew of
		// 2^64, and the token reads as expired. The largest exp a double
		// gives is 2^64 − 2048, so it takes a skew of 2048 s or more.
		{"wrap", 0, 18446744073709549568, 1795338475, 4096, JwtExpired},
		{"no wrap", 0, 18446744073709549568, 1795338475, 2047, OK},
	}
	for _, tc := range cases {
		j.Nbf, j.Exp = tc.nbf, tc.exp
		if got := j.CheckTime(tc.now, tc.skew); got != tc.want {
			t.Errorf("%s: nbf %d exp %d now %d skew %d = %s, want %s", tc.name, tc.nbf, tc.exp, tc.now, tc.skew, got.Name(), tc.want.Name())
		}
	}
}

// TestCheckTimeIgnoresIat: iat is parsed (types checked) but never judged.
func TestCheckTimeIgnoresIat(t *testing.T) {
	j, st := Parse(unsigned(rs256, `{"iat":4000000000}`, "sig"))
	if st != OK || j.CheckTime(1000, 60) != OK {
		t.Fatalf("%s", st.Name())
	}
}

func TestSkewSeconds(t *testing.T) {
	for d, want := range map[time.Duration]uint64{
		0: 60, -time.Second: 60, 500 * time.Millisecond: 60, // Envoy reads 0 as the default
		time.Second: 1, 1500 * time.Millisecond: 1, 300 * time.Second: 300,
		1 << 62: 1<<32 - 1, // clock_skew_seconds is a uint32
	} {
		if got := skewSeconds(d); got != want {
			t.Errorf("skewSeconds(%v) = %d, want %d", d, got, want)
		}
	}
}

func TestValidWindow(t *testing.T) {
	j := &JWT{Nbf: 1000, Exp: 2000}
	if got := j.ValidFrom(0); !got.Equal(time.Unix(940, 0)) {
		t.Errorf("ValidFrom = %v", got)
	}
	if got, ok := j.ExpiredFrom(10 * time.Second); !ok || !got.Equal(time.Unix(2011, 0)) {
		t.Errorf("ExpiredFrom = %v %v", got, ok)
	}
	// The first expired second really is expired, the one before is not.
	at, _ := j.ExpiredFrom(0)
	if j.CheckTime(uint64(at.Unix()), 60) != JwtExpired || j.CheckTime(uint64(at.Unix())-1, 60) != OK {
		t.Error("ExpiredFrom disagrees with CheckTime")
	}
	if got := (&JWT{Nbf: 30}).ValidFrom(0); !got.IsZero() {
		t.Errorf("nbf within skew: %v", got)
	}
	if _, ok := (&JWT{}).ExpiredFrom(0); ok {
		t.Error("no exp expires")
	}
	if _, ok := (&JWT{Exp: 1 << 63}).ExpiredFrom(0); ok {
		t.Error("exp beyond time.Time expires")
	}
	if got, ok := (&JWT{Exp: 18446744073709549568}).ExpiredFrom(4096 * time.Second); !ok || got.Unix() > 4096 {
		t.Errorf("wrapping exp: %v %v", got, ok)
	}
}
