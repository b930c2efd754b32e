package probe_test

import (
	"net/http/httptest"
	"testing"

	"github.com/mwoauth/mwoauth/probe"
	"github.com/mwoauth/mwoauth/probe/probetest"
)

// BenchmarkClassify: parse and classify one answer, for the shapes a probe
// meets (the Action API's refusal, league's, the gateway's, an HTML page).
func BenchmarkClassify(b *testing.B) {
	req := httptest.NewRequest("GET", "http://127.0.0.1:1/w/api.php", nil)
	for _, c := range []struct {
		name string
		wire []byte
	}{
		{"action-api", probetest.Raw("200 OK", []string{"MediaWiki-API-Error: mwoauth-invalid-authorization", "Content-Type: application/json"}, invalidBody)},
		{"league", probetest.Raw("401 Unauthorized", []string{"Content-type: application/json"}, leagueBody)},
		{"gateway", probetest.Gateway("Jwt is expired")(req)},
		{"html", probetest.HTML502(req)},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				resp, err := probe.ParseResponse(c.wire)
				if err != nil {
					b.Fatal(err)
				}
				p := probe.Prediction{MediaWiki: mwInvalid, Gateway: gwExpired}
				probe.Compare(probe.Classify(resp, probe.EndpointAction), &p)
			}
		})
	}
}
