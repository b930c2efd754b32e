// Package verdict is the one judgement of a token that token verify, token
// decode, the log scanner (its fast path included) and probe share. It
// combines jwtutil's mechanics, mwoauth's own policy (the algorithm pin,
// RS256 unless told otherwise; HS* only with a shared secret that is not key
// material; crit refused as RFC 7515 asks), the wiki's rules from package
// mediawiki and the Envoy gateway's, at one instant, into a Result: every
// check, the most fundamental failure, what MediaWiki and Envoy would answer,
// and a timeline.
//
// The clock is always passed in (Options.Now); the package reads no
// database (the wiki's facts arrive as a mediawiki.WikiState).
package verdict
