// Package mediawiki holds the rules of MediaWiki's Extension:OAuth (and the
// parts of core and league/oauth2-server, lcobucci/jwt it relies on) that
// mwoauth reproduces: which version does what (Version, Rules), how the
// wiki names and judges tokens, consumers and their stages, and the exact
// texts it answers with.
//
// Each rule is written once here and called by every command, the log
// scanner and the database layer alike. The package is pure: no cobra, no
// terminal styling, no database, no clock of its own.
package mediawiki
