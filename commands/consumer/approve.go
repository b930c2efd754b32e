package consumer

import "github.com/mwoauth/mwoauth/mediawiki"

// actionApprove is "consumer approve": approve proposed, rejected or
// expired consumers. The command is newCmdAction's; this is what differs.
var actionApprove = actionSpec{use: "approve", verb: "approve", past: "approved", action: mediawiki.ActionApprove,
	short: "Approve proposed, rejected or expired consumers",
	long: `Approve consumers as Special:OAuthManageConsumers does: oarc_stage becomes 1
(approved), oarc_stage_timestamp now, oarc_deleted 0, and one log entry with
log_action approve is written (on the owner's user page, with the reason),
plus its log_search row.

Proposed (0), rejected (2) and expired (3) consumers can be approved. A
proposal whose stage timestamp is older than $wgMWOAuthRequestExpirationAge
(setting request-expiration-age, default 30 days) is expired for the wiki
(its auto-maintenance marks it so when the management pages are viewed) and
is shown as "expired (auto-maintenance pending)". Approving an approved
consumer is reported and changes nothing (exit 0).`,
	example: `  mwoauth consumer list --stage proposed,expired
  mwoauth consumer approve 2e33175180a0c30649b032b29fd807a5 --reason "reviewed: grants match the description" --as Admin
  mwoauth consumer approve 4 --reason "reviewed" --as Admin --dry-run`}
