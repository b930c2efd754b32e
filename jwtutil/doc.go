// Package jwtutil decodes, explains, verifies, re-mints and mints the JWTs
// MediaWiki's Extension:OAuth and core issue: OAuth 2 access tokens, the
// owner-only registration token, core sessionJwt cookies and OAuth 1
// identify JWTs.
//
// It is a pure library: no cobra, no terminal styling, no database. The
// clock is always passed in (VerifyOptions.Now, the now argument of Explain
// and Mint), so every judgement is reproducible. Tokens keep their raw
// segments, which lets Remint change one claim while every other byte of the
// header and payload stays as MediaWiki wrote it.
//
// WARNING: Parse and Explain do not check the signature. Only Verify (or
// VerifySignature) says whether a token can be trusted.
package jwtutil
