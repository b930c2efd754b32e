package probe

import "strings"

// jwt_verify_lib's status strings (google/jwt_verify_lib src/status.cc
// getStatusString; mediawiki-oauth-facts §6.2), which Envoy's jwt_authn
// sends as the body of its 401/403, with what a client should do about
// each. The list is here only to recognise the gateway's answer; the
// verdict Envoy would give a token is the envoy emulation's business.
//
// TODO(lead): when envoy/ is on main, take the strings from its Status
// table and keep only the advice column here.
var gatewayStatuses = map[string]Advice{
	"Jwt is missing":    AdviceFixRequest,
	"Jwt not yet valid": AdviceUnknown,
	"Jwt is expired":    AdviceRefresh,
	"Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections": AdviceFixRequest,
	"Jwt header is an invalid Base64url encoded":                                      AdviceFixRequest,
	"Jwt header is an invalid JSON":                                                   AdviceFixRequest,
	"Jwt header [alg] field is required and must be a string":                         AdviceFixRequest,
	"Jwt header [alg] is not supported":                                               AdviceFixRequest,
	"Jwt header [kid] field is not a string":                                          AdviceFixRequest,
	"Jwt payload is an invalid Base64url encoded":                                     AdviceFixRequest,
	"Jwt payload is an invalid JSON":                                                  AdviceFixRequest,
	"Jwt payload [iss] field is not a string":                                         AdviceFixRequest,
	"Jwt payload [sub] field is not a string":                                         AdviceFixRequest,
	"Jwt payload [iat] field is not an integer":                                       AdviceFixRequest,
	"Jwt payload [iat] field is not a positive 64 bit integer":                        AdviceFixRequest,
	"Jwt payload [nbf] field is not an integer":                                       AdviceFixRequest,
	"Jwt payload [nbf] field is not a positive 64 bit integer":                        AdviceFixRequest,
	"Jwt payload [exp] field is not an integer":                                       AdviceFixRequest,
	"Jwt payload [exp] field is not a positive 64 bit integer":                        AdviceFixRequest,
	"Jwt payload [jti] field is not a string":                                         AdviceFixRequest,
	"Jwt payload [aud] field is not a string or string list":                          AdviceFixRequest,
	"Jwt signature is an invalid Base64url encoded":                                   AdviceFixRequest,
	"Jwt ED25519 signature is wrong length":                                           AdviceFixRequest,
	"Jwt issuer is not configured":                                                    AdviceReauthorize,
	"Audiences in Jwt are not allowed":                                                AdviceReauthorize,
	"Jwt verification fails":                                                          AdviceRefresh,
	"Found multiple Jwt tokens":                                                       AdviceFixRequest,
	// The gateway holds no key for the token's kid/alg: after a key
	// rotation a fresh token is signed with a key it has.
	"Jwks doesn't have key to match kid or alg from Jwt": AdviceRefresh,
	// The gateway's own key set is broken or unreachable: nothing the client
	// can change.
	"Jwks is an invalid JSON":                                          AdviceUnknown,
	"Jwks does not have [keys] field":                                  AdviceUnknown,
	"[keys] in Jwks is not an array":                                   AdviceUnknown,
	"Jwks doesn't have any valid public key":                           AdviceUnknown,
	"Jwks RSA [n] or [e] field is missing or has a parse error":        AdviceUnknown,
	"Jwks EC create key fail":                                          AdviceUnknown,
	"Jwks EC [x] or [y] field is an invalid Base64.":                   AdviceUnknown,
	"Jwks EC [x] and [y] fields have a parse error.":                   AdviceUnknown,
	"Jwks Oct key is an invalid Base64":                                AdviceUnknown,
	"Jwks OKP [x] field is an invalid Base64.":                         AdviceUnknown,
	"Jwks OKP [x] field is wrong length.":                              AdviceUnknown,
	"Jwks remote fetch is failed":                                      AdviceUnknown,
	"[kty] is missing in [keys]":                                       AdviceUnknown,
	"[kty] is bad in [keys]":                                           AdviceUnknown,
	"[kty] is not supported in [keys]":                                 AdviceUnknown,
	"[alg] is not started with [RS] or [PS] for an RSA key":            AdviceUnknown,
	"[n] field is missing for a RSA key":                               AdviceUnknown,
	"[n] field is not string for a RSA key":                            AdviceUnknown,
	"[e] field is missing for a RSA key":                               AdviceUnknown,
	"[e] field is not string for a RSA key":                            AdviceUnknown,
	"[alg] is not started with [ES] for an EC key":                     AdviceUnknown,
	"[crv] field is not string for an EC key":                          AdviceUnknown,
	"[crv] or [alg] field is not supported for an EC key":              AdviceUnknown,
	"[crv] field specified is not compatible with [alg] for an EC key": AdviceUnknown,
	"[x] field is missing for an EC key":                               AdviceUnknown,
	"[x] field is not string for an EC key":                            AdviceUnknown,
	"[y] field is missing for an EC key":                               AdviceUnknown,
	"[y] field is not string for an EC key":                            AdviceUnknown,
	"[alg] does not start with [HS] for an HMAC key":                   AdviceUnknown,
	"[k] field is missing for an HMAC key":                             AdviceUnknown,
	"[k] field is not string for an HMAC key":                          AdviceUnknown,
	"[alg] is not [EdDSA] for an OKP key":                              AdviceUnknown,
	"[crv] field is missing for an OKP key":                            AdviceUnknown,
	"[crv] field is not string for an OKP key":                         AdviceUnknown,
	"[crv] field is not supported for an OKP key":                      AdviceUnknown,
	"[x] field is missing for an OKP key":                              AdviceUnknown,
	"[x] field is not string for an OKP key":                           AdviceUnknown,
	"X509 parse pubkey internal fails: memory allocation":              AdviceUnknown,
	"X509 parse pubkey fails":                                          AdviceUnknown,
	"X509 parse pubkey internal fails: get pubkey":                     AdviceUnknown,
	"PEM Key type is not supported":                                    AdviceUnknown,
	"PEM pubkey parse fails":                                           AdviceUnknown,
	"PEM failed to get raw ED25519 key":                                AdviceUnknown,
	"Failed to create BIO due to memory allocation failure":            AdviceUnknown,
}

// requirementFailure prefixes jwt_authn's 403 when a per-route requirement
// name cannot be resolved (facts §6.2).
const requirementFailure = "Failed JWT authentication: "

// gatewayStatus reports whether s is a jwt_verify_lib status as jwt_authn
// sends it, and returns the status itself.
func gatewayStatus(s string) (string, bool) {
	if _, ok := gatewayStatuses[s]; ok && s != "" {
		return s, true
	}
	if rest, ok := strings.CutPrefix(s, requirementFailure); ok {
		if _, known := gatewayStatuses[rest]; known {
			return rest, true
		}
	}
	return "", false
}

// IsGatewayStatus reports whether s is one of jwt_verify_lib's status
// strings, as Envoy's jwt_authn puts them in its answer.
func IsGatewayStatus(s string) bool {
	_, ok := gatewayStatus(s)
	return ok
}
