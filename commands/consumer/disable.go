package consumer

import "github.com/mwoauth/mwoauth/mediawiki"

// actionDisable is "consumer disable": disable (and optionally suppress)
// approved consumers, the first thing to do when a secret leaks. The
// command is newCmdAction's; this is what differs.
var actionDisable = actionSpec{use: "disable", verb: "disable", past: "disabled", action: mediawiki.ActionDisable, suppress: true, revoke: true,
	short: "Disable (and optionally suppress) approved consumers",
	long: `Disable consumers as Special:OAuthManageConsumers does: oarc_stage becomes 4
(disabled), oarc_stage_timestamp now, oarc_deleted 0 (or 1 with --suppress),
and one log entry is written (log_type mwoauthconsumer, log_action disable,
on the owner's user page, with the reason), plus its log_search row. Nothing
else changes: acceptances and tokens stay, so MediaWiki rejects the
consumer's tokens per request and accepts them again after "enable".

Only approved consumers can be disabled; a disabled one can be disabled again
to change its suppression. A consumer already in the requested state is
reported and left alone (exit 0).

A gateway that validates JWTs alone (Envoy jwt_authn) does not read the wiki:
it keeps accepting the consumer's access tokens until they expire. The
preview shows the latest expiry.

--revoke-tokens also deletes, in the same transaction, every
oauth2_access_tokens row attributable to the consumer through an acceptance,
as MediaWiki's own revocation does (AccessTokenRepository::deleteForApprovalId):
the access tokens are refused at once, and their refresh tokens die with them
(MediaWiki honours a refresh token only while its access token's row exists),
so re-enabling the consumer later does not bring them back. Every deleted row
(jti, expiry, acceptance) is in the result (revoked_tokens in JSON), for the
incident record. Client-credentials tokens of normal (not owner-only) clients
have acceptance id 0: they cannot be attributed from the database and die
only at their exp.`,
	example: `  mwoauth consumer disable 5096568cc6652b5ad36358427f1bd60c --reason "secret leaked" --as Admin
  mwoauth consumer disable 5 --suppress --revoke-tokens --reason "abusive app" --as Admin --yes
  mwoauth consumer disable 5096568cc6652b5ad36358427f1bd60c --reason "leak" --as Admin --dry-run
  mwoauth consumer list --search leak --all --output keys | xargs mwoauth consumer disable --reason "leak" --as Admin --yes`}
