package probe

import (
	"context"
	"time"
)

// Clock is the time an expiry probe waits by. The real clock sleeps; tests
// pass a clock whose Sleep moves its Now.
type Clock interface {
	Now() time.Time
	Sleep(ctx context.Context, d time.Duration) error
}

// RealClock is the wall clock.
type RealClock struct{}

// Now is time.Now.
func (RealClock) Now() time.Time { return time.Now() }

// Sleep waits d or until ctx is done.
func (RealClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ExpiryMargin is how far from each boundary an expiry probe is sent, so
// that a server clock up to this far from ours still lands on the same side
// (the answer's Date header shows how far it really is).
const ExpiryMargin = time.Second

// Instant is one moment of an expiry probe.
type Instant struct {
	Label string    `json:"label"`
	At    time.Time `json:"-"`
	Why   string    `json:"why"`
}

// ExpiryPlan is when to probe a token that expires at exp, first sent no
// earlier than start, behind a gateway with clock skew skew:
//
//  1. just before exp: MediaWiki and the gateway both accept;
//  2. just after exp: MediaWiki (zero leeway, exp > now) refuses, the
//     gateway (exp + skew) still passes the token on;
//  3. just after the gateway's boundary: jwt_verify_lib truncates exp to
//     whole seconds and refuses once now > exp + skew, i.e. from
//     ⌊exp⌋ + skew + 1 s.
func ExpiryPlan(exp, start time.Time, skew time.Duration) []Instant {
	before := exp.Add(-ExpiryMargin)
	if before.Before(start) {
		before = start
	}
	gateway := exp.Truncate(time.Second).Add(skew + time.Second)
	return []Instant{
		{Label: "before exp", At: before, Why: "MediaWiki and the gateway accept the token"},
		{Label: "after exp", At: exp.Add(ExpiryMargin), Why: "MediaWiki refuses from exp (zero leeway); the gateway still passes it on"},
		{Label: "after exp + skew", At: gateway.Add(ExpiryMargin), Why: "the gateway refuses too: now > ⌊exp⌋ + skew"},
	}
}
