package consumer

import "github.com/mwoauth/mwoauth/mediawiki"

// actionEnable is "consumer enable": re-enable disabled consumers. The
// command is newCmdAction's; this is what differs.
var actionEnable = actionSpec{use: "enable", verb: "re-enable", past: "re-enabled", action: mediawiki.ActionReenable,
	short: "Re-enable disabled consumers (clears suppression)",
	long: `Re-enable disabled consumers as Special:OAuthManageConsumers does: oarc_stage
becomes 1 (approved), oarc_stage_timestamp now, oarc_deleted 0 (re-enabling
always un-suppresses), and a log entry with log_action reenable is written.

Only disabled consumers can be re-enabled. Their tokens that have not expired
(and were not revoked) work again at once, client-credentials tokens
included: rotate the secret first.`,
	example: `  mwoauth consumer enable 5096568cc6652b5ad36358427f1bd60c --reason "secret rotated" --as Admin
  mwoauth consumer enable 2 --reason "false alarm" --as Admin --yes --output json`}
