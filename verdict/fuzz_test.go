package verdict

import (
	"testing"
	"time"

	"github.com/mwoauth/mwoauth/jwtutil"
	"github.com/mwoauth/mwoauth/mediawiki"
)

// FuzzExplain: whatever Parse accepts can be explained and judged, and
// nothing verifies without a key.
func FuzzExplain(f *testing.F) {
	f.Add(`{"typ":"JWT","alg":"RS256"}`, `{"aud":"a","jti":"j","iat":1795338475.52743,"exp":1795342075.525625,"sub":"mw:local:w:1","scopes":["basic"]}`)
	f.Add(`{"alg":"none","kid":1,"crit":[]}`, `{"aud":[1,"x"],"exp":"x","sxp":1e300,"ratelimit":{"unit":1}}`)
	now := time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, header, payload string) {
		tok, err := jwtutil.Parse(b64(header) + "." + b64(payload) + ".c2ln")
		if err != nil {
			return
		}
		e := mediawiki.Explain(tok, now, mediawiki.Master.Rules())
		if e.Kind == "" || e.KindLabel == "" || len(e.Warnings) == 0 {
			t.Fatalf("incomplete explanation %+v", e)
		}
		r := Verify(tok, Options{Now: now})
		if r.Valid {
			t.Fatal("a token verified without any key")
		}
		if r.Envoy.Reason == "" || len(r.Timeline) == 0 {
			t.Fatalf("incomplete verdict %+v", r)
		}
	})
}
