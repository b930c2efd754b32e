package probe

import (
	"testing"

	"github.com/mwoauth/mwoauth/envoy"
)

// Every jwt_verify_lib failure text Envoy can send is recognised, with the
// advice of its kind; OK and near misses are not gateway statuses.
func TestGatewayStatuses(t *testing.T) {
	n := 0
	for st := envoy.Status(1); st.Valid(); st++ {
		n++
		for _, body := range []string{st.String(), requirementFailure + st.String()} {
			if got, ok := gatewayStatus(body); !ok || got != st {
				t.Errorf("gatewayStatus(%q) = %s, %v", body, got.Name(), ok)
			}
		}
		want := AdviceFixRequest
		switch {
		case st == envoy.JwtExpired || st == envoy.JwtVerificationFail || st == envoy.JwksKidAlgMismatch:
			want = AdviceRefresh
		case st == envoy.JwtUnknownIssuer || st == envoy.JwtAudienceNotAllowed:
			want = AdviceReauthorize
		case st == envoy.JwtNotYetValid || st >= envoy.JwksParseError:
			want = AdviceUnknown
		}
		if got := gatewayAdvice(st); got != want {
			t.Errorf("%s: advice %s, want %s", st.Name(), got, want)
		}
	}
	if n != 72 {
		t.Errorf("%d failure statuses, jwt_verify_lib has 72", n)
	}
	for _, s := range []string{"", "OK", "jwt is expired", "Jwt is expired.", requirementFailure, requirementFailure + "OK"} {
		if IsGatewayStatus(s) {
			t.Errorf("IsGatewayStatus(%q)", s)
		}
	}
}
