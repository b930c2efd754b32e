// Package review judges OAuth consumers the way an oauthadmin does: the
// proposal queue, ranked by risk and then age, and an audit of what is
// approved. Every point of risk is a Reason with a stable code, a level
// (core's grant risk groups: low, vandalism, unknown, security, internal)
// and a detail sentence; a consumer's risk is the highest level among its
// reasons.
//
// The policy it applies is written down once, in Codes: core's
// $wgGrantRiskGroups (mediawiki.GrantConfig), the Wikitech OAuth page ("We
// don't approve consumers with highly security-sensitive permissions (e.g.
// Javascript editing) … We sometimes approve consumers with no limit on the
// return URL when they have very minimal privileges") and Meta's OAuth app
// guidelines (highly sensitive grants such as editmycssjs, editinterface,
// editsiteconfig, checkuser).
//
// The package is pure: it reads the wiki through the Source interface
// (*db.Store satisfies it), knows no terminal, flag or clock of its own, and
// its details quote database strings as they are (commands escape them on
// human output).
package review

import (
	"github.com/mwoauth/mwoauth/mediawiki"
)

// Reason is one point of risk.
type Reason struct {
	Code   string              `json:"code"`
	Level  mediawiki.RiskGroup `json:"level"`
	Detail string              `json:"detail"`
}

// The reason codes. They are stable: scripts match on them. Codes lists
// each with its level and meaning.
const (
	CodeGrantInternal    = "grant-internal"
	CodeGrantSecurity    = "grant-security"
	CodeGrantUnknown     = "grant-unknown"
	CodeGrantVandalism   = "grant-vandalism"
	CodeGrantSensitive   = "grant-highly-sensitive"
	CodeCallbackPrefix   = "callback-prefix"
	CodeCallbackInsecure = "callback-insecure"
	CodeAllWikis         = "all-wikis"
	CodeIPUnrestricted   = "ip-unrestricted"
	CodeRestrictionsBad  = "restrictions-unreadable"
	CodePublicClient     = "public-client"
	CodeOwnerMissing     = "owner-missing"
	CodeOwnerBlocked     = "owner-blocked"
	CodeOwnerLocked      = "owner-locked"
	CodeOwnerNewAccount  = "owner-new-account"
	CodeOwnerFewEdits    = "owner-few-edits"
	CodeOwnerRejected    = "owner-history-rejected"
	CodeOwnerDisabled    = "owner-history-disabled"
	CodeOwnerSuppressed  = "owner-history-suppressed"
	CodeNameSimilar      = "name-similar"
	CodeDescriptionShort = "description-short"
	CodeEmailUnconfirmed = "email-unconfirmed"
	CodeDormant          = "dormant"
	CodeActivityUnknown  = "activity-unknown"
	CodeOwnerLacksRights = "owner-lacks-rights"
)

// CodeDoc documents one reason code.
type CodeDoc struct {
	Code    string
	Level   string // the level it carries, in words
	Lens    string // "review", "audit" or "both"
	Meaning string
}

// Codes is the one list of reason codes, in the order reports give them;
// the commands' help and the guides render it.
var Codes = []CodeDoc{
	{CodeGrantInternal, "internal", "both", "a grant in core's internal risk group ($wgGrantRiskGroups): not to be handed out"},
	{CodeGrantSecurity, "security", "both", "a grant in the security risk group: damage that is hard or impossible to undo"},
	{CodeGrantUnknown, "unknown", "both", "a grant with no risk group (an extension's grant not configured in grant-risk-groups, or a typo)"},
	{CodeGrantVandalism, "vandalism", "both", "a grant in the vandalism risk group: disruption a new account could not cause"},
	{CodeGrantSensitive, "security", "both", "a grant Meta's OAuth app guidelines call highly sensitive (editmycssjs, editinterface, editsiteconfig, checkuser)"},
	{CodeCallbackPrefix, "the grants' highest level (low when they are all low)", "both", "OAuth 1 callback used as a prefix: any URL under it receives the verifier; Wikitech allows it only with very minimal privileges"},
	{CodeCallbackInsecure, "the grants' highest level (low when they are all low)", "review", "callback over plain http to a host that is not loopback: the code or verifier crosses the network in clear"},
	{CodeAllWikis, "the grants' highest level", "review", "usable on every wiki (*) with grants above low"},
	{CodeIPUnrestricted, "the grants' highest level", "review", "no IP restriction (none, or 0.0.0.0/0 and ::/0) with grants above low"},
	{CodeRestrictionsBad, "unknown", "both", "oarc_restrictions is not MWRestrictions JSON"},
	{CodePublicClient, "low", "review", "OAuth 2 public (non-confidential) client: no secret, PKCE is its only protection"},
	{CodeOwnerMissing, "security", "both", "the owner's central id names no user (account gone or wrong database)"},
	{CodeOwnerBlocked, "security (sitewide) or vandalism (partial)", "both", "the owner is blocked on the central wiki"},
	{CodeOwnerLocked, "security", "both", "the owner's global account is locked (CentralAuth)"},
	{CodeOwnerNewAccount, "low", "review", "the owner registered less than 30 days ago (core's $wgExperiencedUserMemberSince)"},
	{CodeOwnerFewEdits, "low", "review", "the owner has fewer than 10 edits (core's $wgLearnerEdits)"},
	{CodeOwnerRejected, "low", "review", "the owner has rejected consumers"},
	{CodeOwnerDisabled, "vandalism", "review", "the owner has disabled consumers"},
	{CodeOwnerSuppressed, "security", "review", "the owner has suppressed consumers (hidden for abuse)"},
	{CodeNameSimilar, "vandalism", "review", "the name is near another owner's consumer's name (see the similarity rule)"},
	{CodeDescriptionShort, "low", "review", "the description is shorter than 50 characters"},
	{CodeEmailUnconfirmed, "low", "review", "the contact email is not confirmed (oarc_email_authenticated empty)"},
	{CodeDormant, "low", "audit", "no acceptance or attributable token within the dormancy period (see last activity)"},
	{CodeActivityUnknown, "low", "audit", "client_credentials-only client: its tokens carry acceptance id 0, so the database cannot show its use"},
	{CodeOwnerLacksRights, "vandalism", "audit", "owner-only consumer whose owner holds none of the privileged rights a grant needs ($wgGrantPermissions, $wgGroupPermissions)"},
}
