package probe_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/mwoauth/mwoauth/probe"
	"github.com/mwoauth/mwoauth/probe/probetest"
)

// addRecordings seeds a fuzzer with the real wiki's recordings when
// ../shared is there (the committed corpus in testdata/fuzz has the rest).
func addRecordings(f *testing.F, whole bool) {
	dir := probetest.FindResponses(".")
	if dir == "" {
		return
	}
	paths, _ := filepath.Glob(filepath.Join(dir, "*.http"))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		if whole {
			f.Add(b)
			continue
		}
		if rec, err := probe.ParseRecording(b); err == nil {
			f.Add(rec.Wire())
		}
	}
}

// FuzzParseRecording: the .http parser never panics, and what it reads
// serves back (Wire) as the same response.
func FuzzParseRecording(f *testing.F) {
	addRecordings(f, true)
	f.Add([]byte("# ---- response ----\nHTTP/1.1 200 OK\nX: a\n b\n\nbody"))
	f.Fuzz(func(t *testing.T, b []byte) {
		rec, err := probe.ParseRecording(b)
		if err != nil {
			return
		}
		wire := rec.Wire()
		resp, err := probe.ParseResponse(wire)
		if err != nil {
			t.Fatalf("Wire() does not parse back: %v\n%q", err, wire)
		}
		orig, err := rec.Answer()
		if err != nil {
			t.Fatalf("Answer: %v", err)
		}
		if resp.Status != orig.Status || !bytes.Equal(resp.Body, orig.Body) || len(resp.Header) != len(orig.Header) {
			t.Fatalf("round trip changed the response: %d %q %v -> %d %q %v", orig.Status, orig.Body, orig.Header, resp.Status, resp.Body, resp.Header)
		}
		if len(wire) > 2*len(b)+64 {
			t.Fatalf("Wire() is %d bytes from %d of input", len(wire), len(b))
		}
	})
}

var (
	layers  = map[probe.Layer]bool{probe.LayerActionAPI: true, probe.LayerREST: true, probe.LayerOAuth2Resource: true, probe.LayerGateway: true, probe.LayerOther: true}
	advices = map[probe.Advice]bool{probe.AdviceNone: true, probe.AdviceRefresh: true, probe.AdviceReauthorize: true, probe.AdviceRetryAfter: true, probe.AdviceFixRequest: true, probe.AdviceUnknown: true}
)

// FuzzClassify: any response, for every endpoint, gets a known layer and
// advice with a reason, an error when neither MediaWiki served it, bounded
// evidence, and a comparison that never panics.
func FuzzClassify(f *testing.F) {
	addRecordings(f, false)
	f.Fuzz(func(t *testing.T, b []byte) {
		resp, err := probe.ParseResponse(b)
		if err != nil {
			return
		}
		for _, ep := range []probe.Endpoint{probe.EndpointAction, probe.EndpointRESTProfile, probe.EndpointREST} {
			a := probe.Classify(resp, ep)
			if !layers[a.AnsweredBy] || !advices[a.Advice] || a.AdviceReason == "" {
				t.Fatalf("%s: layer %q advice %q reason %q", ep, a.AnsweredBy, a.Advice, a.AdviceReason)
			}
			if (a.AnsweredBy == probe.LayerGateway || a.AnsweredBy == probe.LayerOther) && (a.Error == nil || a.User != nil || a.Authenticated) {
				t.Fatalf("%s: %s answer with error %v user %v", ep, a.AnsweredBy, a.Error, a.User)
			}
			if a.Authenticated && (a.User == nil || a.User.Anonymous) {
				t.Fatalf("authenticated without a named user: %+v", a.User)
			}
			for _, e := range a.Evidence {
				if len(e) > 1000 {
					t.Fatalf("evidence of %d bytes", len(e))
				}
			}
			for _, v := range a.Headers {
				if len(v) > 1000 {
					t.Fatalf("header of %d bytes", len(v))
				}
			}
			for _, p := range []probe.Prediction{
				{MediaWiki: mwInvalid, Gateway: gwExpired},
				{MediaWiki: mwUser, Gateway: gwPasses},
			} {
				if probe.Compare(a, &p) && a.AnsweredBy == probe.LayerOther {
					t.Fatal("an answer from neither layer matched a prediction")
				}
			}
		}
	})
}
