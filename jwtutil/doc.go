// Package jwtutil holds JWT mechanics and nothing else: finding a token in
// pasted text (Extract), splitting and decoding it while recording every
// deviation a verifier cares about (Parse, Token), the one JSON object
// scanner, NumericDate times and PHP's float formatting, and the byte
// building behind minting and re-minting (SignRS256, Remint). Failures carry
// a Class (malformed, signature, expired, ...) so callers can map them to
// exit codes without reading message text.
//
// What MediaWiki makes of a token lives in package mediawiki; the
// combination of both with mwoauth's own policy (RS256 pin, keys, times)
// lives in package verdict.
//
// It is a pure library: no cobra, no terminal styling, no database, no
// clock of its own. Tokens keep their raw segments, which lets Remint
// change one claim while every other byte of the header and payload stays
// as MediaWiki wrote it.
//
// WARNING: Parse does not check the signature. Only package verdict says
// whether a token can be trusted.
package jwtutil
