package probe

import (
	"strings"

	"github.com/mwoauth/mwoauth/envoy"
)

// Envoy's jwt_authn sends a jwt_verify_lib status text as the body of its
// 401/403 (facts §6.2). The texts are envoy's table (envoy.StatusOf); this
// file only adds what a client should do about each.

// gatewayAdvice is the advice for a status the gateway answered with.
func gatewayAdvice(st envoy.Status) Advice {
	switch {
	case st == envoy.JwtExpired, st == envoy.JwtVerificationFail:
		return AdviceRefresh
	case st == envoy.JwksKidAlgMismatch:
		// The gateway holds no key for the token's kid/alg: after a key
		// rotation a fresh token is signed with a key it has.
		return AdviceRefresh
	case st == envoy.JwtUnknownIssuer, st == envoy.JwtAudienceNotAllowed:
		return AdviceReauthorize
	case st == envoy.JwtNotYetValid, st.IsJWKS():
		// A clock, or the gateway's own key set broken or unreachable:
		// nothing the client can change.
		return AdviceUnknown
	}
	// JwtMissed and every status about the token's form.
	return AdviceFixRequest
}

// requirementFailure prefixes jwt_authn's 403 when a per-route requirement
// name cannot be resolved (facts §6.2).
const requirementFailure = "Failed JWT authentication: "

// gatewayStatus reports whether s is a jwt_verify_lib failure status as
// jwt_authn sends it, and returns the status.
func gatewayStatus(s string) (envoy.Status, bool) {
	st, ok := envoy.StatusOf(s)
	if !ok {
		if rest, cut := strings.CutPrefix(s, requirementFailure); cut {
			st, ok = envoy.StatusOf(rest)
		}
	}
	return st, ok && st != envoy.OK
}

// IsGatewayStatus reports whether s is one of jwt_verify_lib's failure
// status strings, as Envoy's jwt_authn puts them in its answer.
func IsGatewayStatus(s string) bool {
	_, ok := gatewayStatus(s)
	return ok
}
