// Package probe sends one request carrying a bearer token to a wiki (or the
// gateway in front of it) and says who answered, as whom the request ran,
// what a client should do next, and whether that is what MediaWiki's and
// Envoy's rules predict.
//
// It is pure: no command-line flags, no styling, no database. The caller
// supplies the prediction (mwoauth's verify verdicts for the same token at
// the same instant) as a Prediction; Compare judges the answer against it.
//
// Safety rules the package enforces, whatever the caller asks:
//   - the token goes to the URL's origin only: redirects are never followed
//     (Send reports them, with whether the target is another origin);
//   - connecting and reading are bounded in time, and at most MaxBody bytes
//     of an answer are read, so a hostile or broken server cannot hold the
//     process or its memory;
//   - TLS certificates are verified unless Request.Insecure is set.
package probe
