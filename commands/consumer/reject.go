package consumer

import "github.com/mwoauth/mwoauth/mediawiki"

// actionReject is "consumer reject": reject (and optionally suppress)
// proposed consumers. The command is newCmdAction's; this is what differs.
var actionReject = actionSpec{use: "reject", verb: "reject", past: "rejected", action: mediawiki.ActionReject, suppress: true,
	short: "Reject (and optionally suppress) proposed consumers",
	long: `Reject proposed consumers as Special:OAuthManageConsumers does: oarc_stage
becomes 2 (rejected), oarc_stage_timestamp now, oarc_deleted 0 (or 1 with
--suppress), and a log entry with log_action reject is written.

Only proposed consumers can be rejected. A proposal past auto-expiry
(request-expiration-age, default 30 days) is expired for the wiki and cannot
be rejected, only approved.`,
	example: `  mwoauth consumer reject 2e33175180a0c30649b032b29fd807a5 --reason "no description" --as Admin
  mwoauth consumer reject 4 --suppress --reason "spam" --as Admin --yes`}
