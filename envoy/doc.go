// Package envoy predicts what Envoy's jwt_authn filter answers to a request
// carrying a token, by reproducing google/jwt_verify_lib (the library the
// filter is built on) and the filter's own order of checks, from the raw
// token string.
//
// It does not reuse mwoauth's JWT parser on purpose: Envoy splits, decodes
// and reads JSON by its own rules, and those rules decide its answer. In
// particular:
//
//   - the token is split on dots with empty parts dropped, so "h..p.s" and
//     "h.p.s." are well formed and "h.p." (an unsigned token) is not;
//   - segments are decoded with Abseil's web-safe base64, which skips
//     whitespace, takes padding or none, and ignores trailing bits;
//   - header and payload are read into a protobuf Struct by protobuf's JSON
//     parser in its default (legacy) mode: duplicate keys are errors, single
//     quotes, bare keys and trailing commas are accepted;
//   - iat, nbf and exp are doubles truncated to whole seconds, so
//     MediaWiki's fractional times are fine; a negative one or one of 2^64
//     or more is "not a positive 64 bit integer";
//   - a JWK without alg is tried for every token alg; the kty decides the
//     check (an oct key HMACs even an "RS256" token).
//
// The entry points are Parse (Jwt::parseFromString), ParseJWKS and ParsePEM
// (Jwks::createFrom), VerifySignature (verifyJwtWithoutTimeChecking),
// AudiencesAllowed (CheckAudience), ExtractBearer (the default extractor)
// and Verify, which runs them in the authenticator's order and returns the
// filter's HTTP answer. Every Status carries its exact upstream text.
//
// Sources reproduced: google/jwt_verify_lib at b59e807 (src/jwt.cc,
// jwks.cc, verify.cc, check_audience.cc, struct_utils.cc, status.cc),
// envoyproxy/envoy source/extensions/filters/http/jwt_authn (authenticator.cc,
// filter.cc, extractor.cc, jwks_cache.cc) and filters/http/common/
// jwks_fetcher.cc, Abseil's Base64UnescapeInternal and protobuf's
// json/internal lexer.cc and parser.cc. Key checks follow BoringSSL. The
// package is pure: no I/O, no clock (now is an argument), no CLI.
package envoy
