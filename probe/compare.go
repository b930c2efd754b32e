package probe

import (
	"fmt"
	"strings"
)

// Prediction is what mwoauth's own rules say MediaWiki and a gateway in
// front of it answer to the probed request, at the instant it is sent.
// The caller fills it from the verify verdicts; Compare fills Matches,
// Difference and Note.
type Prediction struct {
	MediaWiki MediaWikiPrediction `json:"mediawiki"`
	Gateway   GatewayPrediction   `json:"gateway"`
}

// RunsAs is who a MediaWiki prediction says the request runs as.
type RunsAs string

// The runs-as values of a MediaWiki prediction.
const (
	RunsAsAnonymous RunsAs = "anonymous"
	RunsAsUser      RunsAs = "user"
)

// MediaWikiPrediction is the wiki's predicted answer at the probed endpoint.
type MediaWikiPrediction struct {
	// Accepted: the endpoint serves the request with the token applied.
	Accepted bool   `json:"accepted"`
	Reason   string `json:"reason"`
	// RunsAs is "anonymous", "user", or "" when the rules cannot tell.
	RunsAs  RunsAs `json:"runs_as,omitempty"`
	Status  int    `json:"status,omitempty"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	Hint    string `json:"hint,omitempty"`
	// Assumptions the prediction had to make (no key, no database).
	Assumptions []string `json:"assumptions,omitempty"`

	Match
}

// GatewayPrediction is Envoy jwt_authn's predicted verdict.
type GatewayPrediction struct {
	Passes          bool     `json:"passes"`
	Status          int      `json:"status"`
	Reason          string   `json:"reason"`
	WWWAuthenticate string   `json:"www_authenticate,omitempty"`
	SkewSeconds     int64    `json:"skew_seconds"`
	Assumptions     []string `json:"assumptions,omitempty"`

	Match
}

// Match is how the answer of one layer compared with its prediction:
// Compare fills it, the caller leaves it zero. Its members follow the
// prediction's own in the JSON.
type Match struct {
	Matches    *bool  `json:"matches"` // null: this layer's answer was not seen
	Difference string `json:"difference,omitempty"`
	Note       string `json:"note,omitempty"`
}

// Compare judges the answer against the prediction, layer by layer, and
// reports whether every layer the answer shows matches (at least one must
// be seen). Whether a gateway stands in front of the wiki is known only
// from the answer: a gateway that was predicted to refuse the token, when
// the answer came from MediaWiki without passing through Envoy, means
// there is no gateway, not that it erred.
func Compare(a *Answer, p *Prediction) bool {
	mw, gw := &p.MediaWiki, &p.Gateway
	mw.Match, gw.Match = Match{}, Match{}
	switch {
	case a.AnsweredBy == LayerGateway:
		gw.Matches, gw.Difference = judge(gatewayDifference(a, gw))
		mw.Note = "not reached: the gateway answered"
	case a.AnsweredBy.IsMediaWiki():
		mw.Matches, mw.Difference = judge(mediaWikiDifference(a, mw))
		switch {
		case a.ThroughGateway && gw.Passes:
			gw.Matches = ptr(true)
		case a.ThroughGateway:
			gw.Matches, gw.Difference = ptr(false), fmt.Sprintf("the request passed through Envoy, which was predicted to refuse it (%s)", gw.Reason)
		case gw.Passes:
			gw.Note = "no gateway seen in the answer (no server: envoy): a gateway would pass the token"
		default:
			gw.Note = fmt.Sprintf("no gateway seen in the answer (no server: envoy); a gateway would refuse the token (%s)", gw.Reason)
		}
	default:
		mw.Note = "not seen: the answer came from neither MediaWiki nor the gateway"
		gw.Note = mw.Note
		return false
	}
	for _, m := range []*bool{mw.Matches, gw.Matches} {
		if m != nil && !*m {
			return false
		}
	}
	return mw.Matches != nil || gw.Matches != nil
}

// Differences lists what did not match, gateway first (it answers first).
func (p *Prediction) Differences() []string {
	var out []string
	if p.Gateway.Difference != "" {
		out = append(out, "gateway: "+p.Gateway.Difference)
	}
	if p.MediaWiki.Difference != "" {
		out = append(out, "MediaWiki: "+p.MediaWiki.Difference)
	}
	return out
}

func gatewayDifference(a *Answer, gw *GatewayPrediction) string {
	got := a.GatewayStatus
	if got == "" && a.Error != nil {
		got = a.Error.Message
	}
	switch {
	case gw.Passes:
		return fmt.Sprintf("the gateway refused the token (HTTP %d, %q); predicted to pass it", a.Status, got)
	case a.GatewayStatus != "" && a.GatewayStatus != gw.Reason:
		return fmt.Sprintf("the gateway says %q; predicted %q", a.GatewayStatus, gw.Reason)
	case a.Status != gw.Status:
		return fmt.Sprintf("the gateway answered HTTP %d; predicted %d (%s)", a.Status, gw.Status, gw.Reason)
	}
	return ""
}

func mediaWikiDifference(a *Answer, mw *MediaWikiPrediction) string {
	refused := IsTokenError(a)
	if mw.Accepted {
		switch {
		case refused:
			return fmt.Sprintf("MediaWiki refused the token (%s); predicted to accept it", errorText(a))
		case a.User != nil && mw.RunsAs == RunsAsUser && a.User.Anonymous:
			return "the request ran anonymously, so MediaWiki did not apply the token; predicted to run as the token's user"
		case a.User != nil && mw.RunsAs == RunsAsAnonymous && !a.User.Anonymous:
			return fmt.Sprintf("the request ran as %s; predicted to run anonymously", a.User.Name)
		}
		return ""
	}
	if !refused {
		who := ""
		if a.User != nil {
			who = " (ran as " + userText(a.User) + ")"
		}
		if a.Error != nil {
			who = " (answered " + errorText(a) + ", which is not about the token)"
		}
		return fmt.Sprintf("MediaWiki did not refuse the token%s; predicted to refuse it: %s", who, mw.Reason)
	}
	var diffs []string
	if mw.Status != 0 && a.Status != mw.Status {
		diffs = append(diffs, fmt.Sprintf("HTTP %d, predicted %d", a.Status, mw.Status))
	}
	got := a.Error.Code
	if code := MediaWikiCode(a.Error); code != "" {
		got = code
	}
	if mw.Code != "" && got != mw.Code {
		diffs = append(diffs, fmt.Sprintf("code %s, predicted %s", got, mw.Code))
	}
	if mw.Hint != "" && a.Hint != "" && a.Hint != mw.Hint {
		diffs = append(diffs, fmt.Sprintf("hint %q, predicted %q", a.Hint, mw.Hint))
	}
	return strings.Join(diffs, "; ")
}

func errorText(a *Answer) string {
	if a.Error == nil {
		return fmt.Sprintf("HTTP %d", a.Status)
	}
	if a.Error.Message != "" && a.Error.Message != a.Error.Code {
		return a.Error.Code + ": " + a.Error.Message
	}
	return a.Error.Code
}

func userText(u *User) string {
	if u.Anonymous {
		return "anonymous"
	}
	return u.Name
}

func judge(diff string) (*bool, string) { return ptr(diff == ""), diff }

func ptr(b bool) *bool { return &b }
