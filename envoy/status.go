package envoy

import "fmt"

// Status is google::jwt_verify::Status (jwt_verify_lib/status.h). The
// numbering follows the upstream enum, so Code() is the number Envoy writes
// as "code" into failed_status_in_metadata (authenticator.cc doneWithStatus:
// enumToInt(status)).
type Status int

// The statuses, in upstream order. Some can only happen when BoringSSL runs
// out of memory (JwksX509BioWriteError, JwksBioAllocError,
// JwksEcCreateKeyFail, JwksPemGetRawEd25519Error) or in code paths Envoy's
// jwt_authn does not reach (JwtMultipleTokens); they are listed so that every
// code has its name and exact text.
const (
	OK Status = iota
	JwtMissed
	JwtNotYetValid
	JwtExpired
	JwtBadFormat
	JwtHeaderParseErrorBadBase64
	JwtHeaderParseErrorBadJSON
	JwtHeaderBadAlg
	JwtHeaderNotImplementedAlg
	JwtHeaderBadKid
	JwtPayloadParseErrorBadBase64
	JwtPayloadParseErrorBadJSON
	JwtPayloadParseErrorIssNotString
	JwtPayloadParseErrorSubNotString
	JwtPayloadParseErrorIatNotInteger
	JwtPayloadParseErrorIatOutOfRange
	JwtPayloadParseErrorNbfNotInteger
	JwtPayloadParseErrorNbfOutOfRange
	JwtPayloadParseErrorExpNotInteger
	JwtPayloadParseErrorExpOutOfRange
	JwtPayloadParseErrorJtiNotString
	JwtPayloadParseErrorAudNotString
	JwtSignatureParseErrorBadBase64
	JwtEd25519SignatureWrongLength
	JwtUnknownIssuer
	JwtAudienceNotAllowed
	JwtVerificationFail
	JwtMultipleTokens

	JwksParseError
	JwksNoKeys
	JwksBadKeys
	JwksNoValidKeys
	JwksKidAlgMismatch
	JwksRsaParseError
	JwksEcCreateKeyFail
	JwksEcXorYBadBase64
	JwksEcParseError
	JwksOctBadBase64
	JwksOKPXBadBase64
	JwksOKPXWrongLength
	JwksFetchFail

	JwksMissingKty
	JwksBadKty
	JwksNotImplementedKty

	JwksRSAKeyBadAlg
	JwksRSAKeyMissingN
	JwksRSAKeyBadN
	JwksRSAKeyMissingE
	JwksRSAKeyBadE

	JwksECKeyBadAlg
	JwksECKeyBadCrv
	JwksECKeyAlgOrCrvUnsupported
	JwksECKeyAlgNotCompatibleWithCrv
	JwksECKeyMissingX
	JwksECKeyBadX
	JwksECKeyMissingY
	JwksECKeyBadY

	JwksHMACKeyBadAlg
	JwksHMACKeyMissingK
	JwksHMACKeyBadK

	JwksOKPKeyBadAlg
	JwksOKPKeyMissingCrv
	JwksOKPKeyBadCrv
	JwksOKPKeyCrvUnsupported
	JwksOKPKeyMissingX
	JwksOKPKeyBadX

	JwksX509BioWriteError
	JwksX509ParseError
	JwksX509GetPubkeyError

	JwksPemNotImplementedKty
	JwksPemBadBase64
	JwksPemGetRawEd25519Error

	JwksBioAllocError

	numStatuses // not a status: the count, for tests and validation
)

// statuses holds each status's enumerator name (jwt_verify_lib/status.h)
// and its text (src/status.cc getStatusString), byte for byte: Envoy sends
// the text as the 401/403 body and, spaces turned into '_', as the response
// code details.
var statuses = [numStatuses]struct{ name, text string }{
	OK:                                {"Ok", "OK"},
	JwtMissed:                         {"JwtMissed", "Jwt is missing"},
	JwtNotYetValid:                    {"JwtNotYetValid", "Jwt not yet valid"},
	JwtExpired:                        {"JwtExpired", "Jwt is expired"},
	JwtBadFormat:                      {"JwtBadFormat", "Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections"},
	JwtHeaderParseErrorBadBase64:      {"JwtHeaderParseErrorBadBase64", "Jwt header is an invalid Base64url encoded"},
	JwtHeaderParseErrorBadJSON:        {"JwtHeaderParseErrorBadJson", "Jwt header is an invalid JSON"},
	JwtHeaderBadAlg:                   {"JwtHeaderBadAlg", "Jwt header [alg] field is required and must be a string"},
	JwtHeaderNotImplementedAlg:        {"JwtHeaderNotImplementedAlg", "Jwt header [alg] is not supported"},
	JwtHeaderBadKid:                   {"JwtHeaderBadKid", "Jwt header [kid] field is not a string"},
	JwtPayloadParseErrorBadBase64:     {"JwtPayloadParseErrorBadBase64", "Jwt payload is an invalid Base64url encoded"},
	JwtPayloadParseErrorBadJSON:       {"JwtPayloadParseErrorBadJson", "Jwt payload is an invalid JSON"},
	JwtPayloadParseErrorIssNotString:  {"JwtPayloadParseErrorIssNotString", "Jwt payload [iss] field is not a string"},
	JwtPayloadParseErrorSubNotString:  {"JwtPayloadParseErrorSubNotString", "Jwt payload [sub] field is not a string"},
	JwtPayloadParseErrorIatNotInteger: {"JwtPayloadParseErrorIatNotInteger", "Jwt payload [iat] field is not an integer"},
	JwtPayloadParseErrorIatOutOfRange: {"JwtPayloadParseErrorIatOutOfRange", "Jwt payload [iat] field is not a positive 64 bit integer"},
	JwtPayloadParseErrorNbfNotInteger: {"JwtPayloadParseErrorNbfNotInteger", "Jwt payload [nbf] field is not an integer"},
	JwtPayloadParseErrorNbfOutOfRange: {"JwtPayloadParseErrorNbfOutOfRange", "Jwt payload [nbf] field is not a positive 64 bit integer"},
	JwtPayloadParseErrorExpNotInteger: {"JwtPayloadParseErrorExpNotInteger", "Jwt payload [exp] field is not an integer"},
	JwtPayloadParseErrorExpOutOfRange: {"JwtPayloadParseErrorExpOutOfRange", "Jwt payload [exp] field is not a positive 64 bit integer"},
	JwtPayloadParseErrorJtiNotString:  {"JwtPayloadParseErrorJtiNotString", "Jwt payload [jti] field is not a string"},
	JwtPayloadParseErrorAudNotString:  {"JwtPayloadParseErrorAudNotString", "Jwt payload [aud] field is not a string or string list"},
	JwtSignatureParseErrorBadBase64:   {"JwtSignatureParseErrorBadBase64", "Jwt signature is an invalid Base64url encoded"},
	JwtEd25519SignatureWrongLength:    {"JwtEd25519SignatureWrongLength", "Jwt ED25519 signature is wrong length"},
	JwtUnknownIssuer:                  {"JwtUnknownIssuer", "Jwt issuer is not configured"},
	JwtAudienceNotAllowed:             {"JwtAudienceNotAllowed", "Audiences in Jwt are not allowed"},
	JwtVerificationFail:               {"JwtVerificationFail", "Jwt verification fails"},
	JwtMultipleTokens:                 {"JwtMultipleTokens", "Found multiple Jwt tokens"},
	JwksParseError:                    {"JwksParseError", "Jwks is an invalid JSON"},
	JwksNoKeys:                        {"JwksNoKeys", "Jwks does not have [keys] field"},
	JwksBadKeys:                       {"JwksBadKeys", "[keys] in Jwks is not an array"},
	JwksNoValidKeys:                   {"JwksNoValidKeys", "Jwks doesn't have any valid public key"},
	JwksKidAlgMismatch:                {"JwksKidAlgMismatch", "Jwks doesn't have key to match kid or alg from Jwt"},
	JwksRsaParseError:                 {"JwksRsaParseError", "Jwks RSA [n] or [e] field is missing or has a parse error"},
	JwksEcCreateKeyFail:               {"JwksEcCreateKeyFail", "Jwks EC create key fail"},
	JwksEcXorYBadBase64:               {"JwksEcXorYBadBase64", "Jwks EC [x] or [y] field is an invalid Base64."},
	JwksEcParseError:                  {"JwksEcParseError", "Jwks EC [x] and [y] fields have a parse error."},
	JwksOctBadBase64:                  {"JwksOctBadBase64", "Jwks Oct key is an invalid Base64"},
	JwksOKPXBadBase64:                 {"JwksOKPXBadBase64", "Jwks OKP [x] field is an invalid Base64."},
	JwksOKPXWrongLength:               {"JwksOKPXWrongLength", "Jwks OKP [x] field is wrong length."},
	JwksFetchFail:                     {"JwksFetchFail", "Jwks remote fetch is failed"},
	JwksMissingKty:                    {"JwksMissingKty", "[kty] is missing in [keys]"},
	JwksBadKty:                        {"JwksBadKty", "[kty] is bad in [keys]"},
	JwksNotImplementedKty:             {"JwksNotImplementedKty", "[kty] is not supported in [keys]"},
	JwksRSAKeyBadAlg:                  {"JwksRSAKeyBadAlg", "[alg] is not started with [RS] or [PS] for an RSA key"},
	JwksRSAKeyMissingN:                {"JwksRSAKeyMissingN", "[n] field is missing for a RSA key"},
	JwksRSAKeyBadN:                    {"JwksRSAKeyBadN", "[n] field is not string for a RSA key"},
	JwksRSAKeyMissingE:                {"JwksRSAKeyMissingE", "[e] field is missing for a RSA key"},
	JwksRSAKeyBadE:                    {"JwksRSAKeyBadE", "[e] field is not string for a RSA key"},
	JwksECKeyBadAlg:                   {"JwksECKeyBadAlg", "[alg] is not started with [ES] for an EC key"},
	JwksECKeyBadCrv:                   {"JwksECKeyBadCrv", "[crv] field is not string for an EC key"},
	JwksECKeyAlgOrCrvUnsupported:      {"JwksECKeyAlgOrCrvUnsupported", "[crv] or [alg] field is not supported for an EC key"},
	JwksECKeyAlgNotCompatibleWithCrv:  {"JwksECKeyAlgNotCompatibleWithCrv", "[crv] field specified is not compatible with [alg] for an EC key"},
	JwksECKeyMissingX:                 {"JwksECKeyMissingX", "[x] field is missing for an EC key"},
	JwksECKeyBadX:                     {"JwksECKeyBadX", "[x] field is not string for an EC key"},
	JwksECKeyMissingY:                 {"JwksECKeyMissingY", "[y] field is missing for an EC key"},
	JwksECKeyBadY:                     {"JwksECKeyBadY", "[y] field is not string for an EC key"},
	JwksHMACKeyBadAlg:                 {"JwksHMACKeyBadAlg", "[alg] does not start with [HS] for an HMAC key"},
	JwksHMACKeyMissingK:               {"JwksHMACKeyMissingK", "[k] field is missing for an HMAC key"},
	JwksHMACKeyBadK:                   {"JwksHMACKeyBadK", "[k] field is not string for an HMAC key"},
	JwksOKPKeyBadAlg:                  {"JwksOKPKeyBadAlg", "[alg] is not [EdDSA] for an OKP key"},
	JwksOKPKeyMissingCrv:              {"JwksOKPKeyMissingCrv", "[crv] field is missing for an OKP key"},
	JwksOKPKeyBadCrv:                  {"JwksOKPKeyBadCrv", "[crv] field is not string for an OKP key"},
	JwksOKPKeyCrvUnsupported:          {"JwksOKPKeyCrvUnsupported", "[crv] field is not supported for an OKP key"},
	JwksOKPKeyMissingX:                {"JwksOKPKeyMissingX", "[x] field is missing for an OKP key"},
	JwksOKPKeyBadX:                    {"JwksOKPKeyBadX", "[x] field is not string for an OKP key"},
	JwksX509BioWriteError:             {"JwksX509BioWriteError", "X509 parse pubkey internal fails: memory allocation"},
	JwksX509ParseError:                {"JwksX509ParseError", "X509 parse pubkey fails"},
	JwksX509GetPubkeyError:            {"JwksX509GetPubkeyError", "X509 parse pubkey internal fails: get pubkey"},
	JwksPemNotImplementedKty:          {"JwksPemNotImplementedKty", "PEM Key type is not supported"},
	JwksPemBadBase64:                  {"JwksPemBadBase64", "PEM pubkey parse fails"},
	JwksPemGetRawEd25519Error:         {"JwksPemGetRawEd25519Error", "PEM failed to get raw ED25519 key"},
	JwksBioAllocError:                 {"JwksBioAllocError", "Failed to create BIO due to memory allocation failure"},
}

// Valid reports whether s is one of the upstream statuses.
func (s Status) Valid() bool { return s >= 0 && s < numStatuses }

// String is the upstream text (getStatusString), e.g. "Jwt is expired".
func (s Status) String() string {
	if !s.Valid() {
		return fmt.Sprintf("Status(%d)", int(s))
	}
	return statuses[s].text
}

// StatusOf returns the status whose text is text, as Envoy sends it in a
// 401/403 body ("Jwt is expired" is JwtExpired); false for any other text.
func StatusOf(text string) (Status, bool) {
	for s := range numStatuses {
		if statuses[s].text == text {
			return s, true
		}
	}
	return 0, false
}

// Name is the upstream enumerator, e.g. "JwtExpired".
func (s Status) Name() string {
	if !s.Valid() {
		return fmt.Sprintf("Status(%d)", int(s))
	}
	return statuses[s].name
}

// Code is the enum's number, as Envoy puts it in failed_status_in_metadata.
func (s Status) Code() int { return int(s) }

// IsJWKS reports whether s describes the key set rather than the token.
func (s Status) IsJWKS() bool { return s >= JwksParseError && s < numStatuses }

// MarshalText writes the enumerator name, which is stable across releases
// where the text might be reworded.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.Name()), nil }
