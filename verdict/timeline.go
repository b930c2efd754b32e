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
	At    jwtutil.NumericDate `json:"-"`
	UTC   string              `json:"utc"` // RFC 3339, or "year N (unix S)" beyond year 9999
	Unix  json.Number         `json:"unix"`
	Event string              `json:"event"`
}

// Timeline is sorted by time.
type Timeline []TimelineEvent

func timeline(t *jwtutil.Token, o Options) Timeline {
	var tl Timeline
	add := func(at jwtutil.NumericDate, event string) {
		tl = append(tl, TimelineEvent{At: at, UTC: jwtutil.FormatDate(at), Unix: json.Number(at.String()), Event: event})
	}
	ej := envoyJWT(t)
	eskew := envoy.ClockSkew(o.EnvoySkew)
	if iat := t.TimeClaim("iat"); iat.Numeric {
		add(iat.Date, "issued (iat)")
	}
	if nbf := t.TimeClaim("nbf"); nbf.Numeric {
		add(nbf.Date, "MediaWiki accepts from here (nbf)")
		if ej != nil {
			if at := ej.ValidFrom(eskew); !at.IsZero() {
				add(jwtutil.Date(at), fmt.Sprintf("gateway (Envoy jwt_authn) accepts from here (nbf truncated − %s skew)", skewText(eskew)))
			}
		}
	}
	if exp := t.TimeClaim("exp"); exp.Numeric {
		add(exp.Date, "MediaWiki rejects from here (exp, zero leeway)")
		if o.Leeway > 0 {
			add(exp.Date.Add(o.Leeway), fmt.Sprintf("mwoauth verify rejects from here (exp + %s leeway)", o.Leeway))
		}
		if ej != nil {
			if at, ok := ej.ExpiredFrom(eskew); ok {
				add(jwtutil.Date(at), fmt.Sprintf("gateway (Envoy jwt_authn) rejects from here (exp truncated + %s skew, then the next second)", skewText(eskew)))
			}
		}
	}
	if sxp := t.TimeClaim("sxp"); sxp.Numeric {
		add(sxp.Date, "soft expiry (sxp): edge treats the session as anonymous; MediaWiki does not")
	}
	add(jwtutil.Date(o.Now), "now (judged at)")
	sort.SliceStable(tl, func(i, j int) bool { return tl[i].At.Before(tl[j].At) })
	return tl
}

func skewText(d time.Duration) string {
	return fmt.Sprintf("%d s", int64(d/time.Second))
}
