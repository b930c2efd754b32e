package envoy

import "strings"

// BearerPrefix is the value_prefix of the default header location
// (extractor.cc JwtConstValues::BearerPrefix). It is case-sensitive.
const BearerPrefix = "Bearer "

const base64URLAndDot = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."

// ExtractBearer is what the default extractor takes from one Authorization
// header value (extractor.cc extract + extractJWT): the prefix "Bearer " is
// looked for anywhere in the value, and the token runs from the first
// base64url character or dot after it to the end of the value. Without the
// prefix there is no token (so "bearer x" is JwtMissed); with the prefix but
// no such character the whole value is the token, as upstream does for
// backwards compatibility. The default access_token query parameter is not
// modelled.
func ExtractBearer(value string) (string, bool) {
	pos := strings.Index(value, BearerPrefix)
	if pos < 0 {
		return "", false
	}
	start := strings.IndexAny(value[pos+len(BearerPrefix):], base64URLAndDot)
	if start < 0 {
		return value, true
	}
	return value[pos+len(BearerPrefix)+start:], true
}
