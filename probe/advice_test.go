package probe_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/mwoauth/mwoauth/mediawiki"
	"github.com/mwoauth/mwoauth/probe"
	"github.com/mwoauth/mwoauth/probe/probetest"
)

// TestLeagueHints: the probe reads league's access_denied answers as
// package mediawiki predicts them (REL1_43's rest.php/oauth2/resource/profile,
// where league's hint reaches the client), one per hint mediawiki knows,
// and the real wiki's recorded one, and gives each hint its advice. (An
// invalid subject scope and a token lcobucci cannot parse get "unknown"
// today: their hints name no token.)
func TestLeagueHints(t *testing.T) {
	in := mediawiki.Input{Rules: mediawiki.V1_43.Rules(), Now: time.Unix(1795331275, 0)}
	empty := mediawiki.Judge("", mediawiki.KindAccessToken, in).RESTProfile
	if empty == nil || empty.Hint != mediawiki.HintMissingBearer || empty.Body == "" {
		t.Fatalf("mediawiki's answer to an empty token: %+v", empty)
	}
	// mediawiki's league answer with another hint in it.
	withHint := func(hint string) string {
		from, _ := json.Marshal(mediawiki.HintMissingBearer)
		to, _ := json.Marshal(hint)
		return strings.Replace(empty.Body, string(from), string(to), 1)
	}
	garbage := mediawiki.Judge("garbage", mediawiki.KindAccessToken, in).RESTProfile
	if garbage == nil || garbage.Hint != mediawiki.LcobucciTwoDots {
		t.Fatalf("mediawiki's answer to a token without dots: %+v", garbage)
	}
	const verifyWhy, revokedWhy, noHintWhy = "could not verify the token", "revoked", "without a hint that names the token"
	type hintCase struct {
		name, body, hint string
		advice           probe.Advice
		why              string
	}
	cases := []hintCase{
		{"missing bearer", empty.Body, mediawiki.HintMissingBearer, probe.AdviceRefresh, verifyWhy},
		{"not verified", withHint(mediawiki.HintNotVerified), mediawiki.HintNotVerified, probe.AdviceRefresh, verifyWhy},
		{"revoked", withHint(mediawiki.HintRevoked), mediawiki.HintRevoked, probe.AdviceRefresh, revokedWhy},
		{"subject scope", withHint(mediawiki.HintInvalidScope), mediawiki.HintInvalidScope, probe.AdviceUnknown, noHintWhy},
		{"lcobucci parse", garbage.Body, mediawiki.LcobucciTwoDots, probe.AdviceUnknown, noHintWhy},
		// e2e-findings §6-7, responses 34 and 43 (a disabled consumer asking
		// for a new token).
		{"client not usable", withHint("Client 5096568cc6652b5ad36358427f1bd60c is not usable by user with ID 0"), "", probe.AdviceReauthorize, "consumer is not usable"},
	}
	for _, rec := range responses(t) {
		if strings.Contains(string(rec.Body), `"hint"`) {
			cases = append(cases, hintCase{"recorded " + rec.Name, string(rec.Body), mediawiki.HintNotVerified, probe.AdviceRefresh, verifyWhy})
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := classifyWire(t, probetest.Raw("401 Unauthorized", []string{"Content-type: application/json"}, c.body), probe.EndpointRESTProfile)
			if a.AnsweredBy != probe.LayerOAuth2Resource || a.Error == nil || a.Error.Code != mediawiki.LeagueAccessDenied || (c.hint != "" && a.Hint != c.hint) {
				t.Fatalf("read as %s, error %+v, hint %q; evidence %q", a.AnsweredBy, a.Error, a.Hint, a.Evidence)
			}
			if !probe.IsTokenError(a) || a.Advice != c.advice || !strings.Contains(a.AdviceReason, c.why) {
				t.Errorf("token error %v, advice %s (%s); want %s (…%s…)", probe.IsTokenError(a), a.Advice, a.AdviceReason, c.advice, c.why)
			}
		})
	}
}
