package verdict

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/mwoauth/mwoauth/envoy"
	"github.com/mwoauth/mwoauth/jwtutil"
)

// TimelineEvent is one instant that matters for the token.
type TimelineEvent struct {
	At    time.Time   `json:"-"`
	UTC   string      `json:"utc"`
	Unix  json.Number `json:"unix"`
	Event string      `json:"event"`
}

// Timeline is sorted by time.
type Timeline []TimelineEvent

func timeline(t *jwtutil.Token, o Options) Timeline {
	var tl Timeline
	add := func(at time.Time, event string) {
		tl = append(tl, TimelineEvent{At: at, UTC: jwtutil.FormatUTC(at), Unix: json.Number(jwtutil.PHPNumericDate(at)), Event: event})
	}
	ej := envoyJWT(t)
	eskew := envoy.ClockSkew(o.skew())
	if iat, ok := t.NumericTime("iat"); ok {
		add(iat, "issued (iat)")
	}
	if nbf, ok := t.NumericTime("nbf"); ok {
		add(nbf, "MediaWiki accepts from here (nbf)")
		if ej != nil {
			if at := ej.ValidFrom(eskew); !at.IsZero() {
				add(at, fmt.Sprintf("gateway (Envoy jwt_authn) accepts from here (nbf truncated − %s skew)", skewText(eskew)))
			}
		}
	}
	if exp, ok := t.NumericTime("exp"); ok {
		add(exp, "MediaWiki rejects from here (exp, zero leeway)")
		if o.Leeway > 0 {
			add(exp.Add(o.Leeway), fmt.Sprintf("mwoauth verify rejects from here (exp + %s leeway)", o.Leeway))
		}
		if ej != nil {
			if at, ok := ej.ExpiredFrom(eskew); ok {
				add(at, fmt.Sprintf("gateway (Envoy jwt_authn) rejects from here (exp truncated + %s skew, then the next second)", skewText(eskew)))
			}
		}
	}
	if sxp, ok := t.NumericTime("sxp"); ok {
		add(sxp, "soft expiry (sxp): edge treats the session as anonymous; MediaWiki does not")
	}
	add(o.Now.UTC(), "now (judged at)")
	sort.SliceStable(tl, func(i, j int) bool { return tl[i].At.Before(tl[j].At) })
	return tl
}

func skewText(d time.Duration) string {
	return fmt.Sprintf("%d s", int64(d/time.Second))
}
