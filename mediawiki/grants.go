package mediawiki

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
)

// RiskGroup is a grant's risk classification: GrantsInfo::RISK_* (core
// includes/Permissions/GrantsInfo.php), plus "unknown", which core's
// GrantsInfo::getRiskGroupsByGrant gives a grant with no configured group.
type RiskGroup string

// The risk groups, as core names them.
const (
	RiskLow       RiskGroup = "low"       // abuse is easy to undo; no worse than a new account
	RiskVandalism RiskGroup = "vandalism" // disruptive vandalism a new account could not do
	RiskSecurity  RiskGroup = "security"  // damage that is hard or impossible to undo (private data, XSS)
	RiskInternal  RiskGroup = "internal"  // for internal use: not to be handed out
	RiskUnknown   RiskGroup = "unknown"   // no risk group configured for the grant
)

// RiskGroups lists the groups a configuration may assign, in rank order.
func RiskGroups() []RiskGroup {
	return []RiskGroup{RiskLow, RiskVandalism, RiskSecurity, RiskInternal}
}

// Rank orders the groups by how much harm they allow: low < vandalism <
// unknown < security < internal. An unknown grant ranks above vandalism:
// nothing says it is harmless, and the wiki that defines it may call it
// security.
func (r RiskGroup) Rank() int {
	switch r {
	case RiskLow:
		return 0
	case RiskVandalism:
		return 1
	case RiskSecurity:
		return 3
	case RiskInternal:
		return 4
	}
	return 2
}

// ParseRiskGroup reads a risk group name as $wgGrantRiskGroups holds it.
func ParseRiskGroup(s string) (RiskGroup, error) {
	g := RiskGroup(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(RiskGroups(), g) {
		return g, nil
	}
	names := make([]string, 0, 4)
	for _, r := range RiskGroups() {
		names = append(names, string(r))
	}
	return "", fmt.Errorf("unknown risk group %q (want one of: %s)", s, strings.Join(names, ", "))
}

// The defaults below are MediaWiki core's, as they stand in
// includes/MainConfigSchema.php of wikimedia/mediawiki at commit
// 001ed0718eafc0e245591b67ca624acbfcc91187 (the constants GrantRiskGroups,
// GrantPermissions, GroupPermissions, ImplicitGroups), plus what
// Extension:OAuth's extension.json (wikimedia/mediawiki-extensions-OAuth
// 00f52c9d8b596b6eca00e18f10871119ada596e5) adds to each. The stored copy
// of MainConfigSchema.php that was read carries no line numbers; search it
// for "public const GrantRiskGroups" and its neighbours. Rights a grant or
// group maps to false are left out, as core's array_filter does.

// coreGrantRiskGroups is core's default $wgGrantRiskGroups. Core leaves
// GrantPermissions' "editmywatchlist" without a group and names
// "editviewmywatchlist" instead, which no GrantPermissions entry defines;
// both are kept as core has them.
var coreGrantRiskGroups = map[string]RiskGroup{
	"basic":               RiskLow,
	"editpage":            RiskLow,
	"createeditmovepage":  RiskLow,
	"editprotected":       RiskVandalism,
	"patrol":              RiskLow,
	"uploadfile":          RiskLow,
	"uploadeditmovefile":  RiskLow,
	"sendemail":           RiskSecurity,
	"viewmywatchlist":     RiskLow,
	"editviewmywatchlist": RiskLow,
	"editmycssjs":         RiskSecurity,
	"editmyoptions":       RiskSecurity,
	"editinterface":       RiskVandalism,
	"editsiteconfig":      RiskSecurity,
	"rollback":            RiskLow,
	"blockusers":          RiskVandalism,
	"delete":              RiskVandalism,
	"viewdeleted":         RiskVandalism,
	"viewrestrictedlogs":  RiskSecurity,
	"protect":             RiskVandalism,
	"oversight":           RiskSecurity,
	"createaccount":       RiskLow,
	"mergehistory":        RiskVandalism,
	"import":              RiskSecurity,
	"highvolume":          RiskLow,
	"privateinfo":         RiskLow,
}

// oauthGrantRiskGroups is what Extension:OAuth adds: its own
// oauthmanageownclient grant (extension.json GrantRiskGroups), and the two
// identity-only grants, which the extension handles itself (they are in no
// $wgGrantPermissions entry and carry no rights) and which mwoauth
// classifies as low: they let an app learn who the user is, and
// mwoauth-authonlyprivate also the user's email address and real name.
var oauthGrantRiskGroups = map[string]RiskGroup{
	"oauthmanageownclient":    RiskInternal,
	"mwoauth-authonly":        RiskLow,
	"mwoauth-authonlyprivate": RiskLow,
}

// coreGrantPermissions is core's default $wgGrantPermissions: the rights
// each grant lets a consumer use (a grant does nothing for a user who
// lacks the right).
var coreGrantPermissions = map[string][]string{
	"basic":              {"autocreateaccount", "autoconfirmed", "autopatrol", "editsemiprotected", "ipblock-exempt", "nominornewtalk", "patrolmarks", "read", "unwatchedpages"},
	"highvolume":         {"bot", "apihighlimits", "noratelimit", "markbotedits"},
	"import":             {"import", "importupload"},
	"editpage":           {"edit", "minoredit", "applychangetags", "changetags", "editcontentmodel", "pagelang"},
	"editprotected":      {"edit", "minoredit", "applychangetags", "changetags", "editcontentmodel", "editprotected"},
	"editmycssjs":        {"edit", "minoredit", "applychangetags", "changetags", "editcontentmodel", "editmyusercss", "editmyuserjson", "editmyuserjs"},
	"editmyoptions":      {"editmyoptions", "editmyuserjson"},
	"editinterface":      {"edit", "minoredit", "applychangetags", "changetags", "editcontentmodel", "editinterface", "edituserjson", "editsitejson"},
	"editsiteconfig":     {"edit", "minoredit", "applychangetags", "changetags", "editcontentmodel", "editinterface", "edituserjson", "editsitejson", "editusercss", "edituserjs", "editsitecss", "editsitejs"},
	"createeditmovepage": {"edit", "minoredit", "applychangetags", "changetags", "editcontentmodel", "createpage", "createtalk", "delete-redirect", "move", "move-rootuserpages", "move-subpages", "move-categorypages", "suppressredirect"},
	"uploadfile":         {"upload", "reupload-own"},
	"uploadeditmovefile": {"upload", "reupload-own", "reupload", "reupload-shared", "upload_by_url", "movefile", "suppressredirect"},
	"patrol":             {"patrol"},
	"rollback":           {"rollback"},
	"blockusers":         {"block", "blockemail"},
	"viewdeleted":        {"browsearchive", "deletedhistory", "deletedtext"},
	"viewrestrictedlogs": {"suppressionlog"},
	"delete":             {"edit", "minoredit", "applychangetags", "changetags", "editcontentmodel", "browsearchive", "deletedhistory", "deletedtext", "delete", "bigdelete", "deletelogentry", "deleterevision", "undelete"},
	"oversight":          {"suppressrevision", "viewsuppressed"},
	"protect":            {"edit", "minoredit", "applychangetags", "changetags", "editcontentmodel", "editprotected", "protect"},
	"viewmywatchlist":    {"viewmywatchlist"},
	"editmywatchlist":    {"editmywatchlist"},
	"sendemail":          {"sendemail"},
	"createaccount":      {"createaccount"},
	"privateinfo":        {"viewmyprivateinfo"},
	"mergehistory":       {"mergehistory"},
}

// oauthGrantPermissions is Extension:OAuth's extension.json GrantPermissions.
var oauthGrantPermissions = map[string][]string{
	"oauthmanageownclient": {"mwoauthproposeconsumer", "mwoauthupdateownconsumer", "mwoauthmanagemygrants"},
}

// coreGroupPermissions is core's default $wgGroupPermissions. Extension:OAuth
// adds mwoauthmanagemygrants to "user"; it grants the consumer-management
// rights to no group (the wiki's LocalSettings.php does: see the settings
// manager-groups and suppressor-groups).
var coreGroupPermissions = map[string][]string{
	"*": {"createaccount", "read", "edit", "createpage", "createtalk", "viewmyprivateinfo", "editmyprivateinfo", "editmyoptions"},
	"user": {"move", "move-subpages", "move-rootuserpages", "move-categorypages", "movefile", "read", "edit", "createpage", "createtalk",
		"upload", "reupload", "reupload-shared", "minoredit", "editmyusercss", "editmyuserjson", "editmyuserjs", "editmyuserjsredirect",
		"sendemail", "applychangetags", "changetags", "editcontentmodel", "viewmywatchlist", "editmywatchlist",
		"mwoauthmanagemygrants"}, // the last one: Extension:OAuth's extension.json
	"autoconfirmed": {"autoconfirmed", "editsemiprotected"},
	"bot":           {"bot", "autoconfirmed", "editsemiprotected", "nominornewtalk", "autopatrol", "suppressredirect", "apihighlimits"},
	"sysop": {"block", "createaccount", "delete", "bigdelete", "deletedhistory", "deletedtext", "undelete", "editinterface", "editsitejson",
		"edituserjson", "import", "importupload", "move", "move-subpages", "move-rootuserpages", "move-categorypages", "patrol", "autopatrol",
		"protect", "editprotected", "rollback", "upload", "reupload", "reupload-shared", "unwatchedpages", "autoconfirmed", "editsemiprotected",
		"ipblock-exempt", "blockemail", "markbotedits", "apihighlimits", "browsearchive", "noratelimit", "movefile", "unblockself",
		"suppressredirect", "mergehistory", "managechangetags", "deletechangetags"},
	"interface-admin": {"editinterface", "editsitecss", "editsitejson", "editsitejs", "editusercss", "edituserjson", "edituserjs"},
	"bureaucrat":      {"userrights", "noratelimit", "renameuser"},
	"suppress":        {"hideuser", "suppressrevision", "viewsuppressed", "suppressionlog", "deleterevision", "deletelogentry"},
}

// coreImplicitGroups is core's default $wgImplicitGroups. With core's
// defaults ($wgAutoConfirmAge = 0, $wgAutoConfirmCount = 0, the
// $wgAutopromote rule for autoconfirmed) every registered user is in all
// three.
var coreImplicitGroups = []string{"*", "user", "autoconfirmed"}

// hiddenGrants are the grants core's $wgGrantPermissionGroups puts in the
// "hidden" group: every consumer has them implicitly, so they say nothing
// about what a consumer asked for.
var hiddenGrants = []string{"basic"}

// GrantConfig is what a wiki's configuration says about grants and
// groups: the risk group of each grant, the rights each grant and each
// group gives, and the implicit groups every registered user is in. The
// zero value knows nothing; DefaultGrantConfig is core's defaults (with
// Extension:OAuth's additions), and Override replaces entries with what a
// wiki's LocalSettings.php sets.
type GrantConfig struct {
	RiskGroups       map[string]RiskGroup
	GrantPermissions map[string][]string
	GroupPermissions map[string][]string
	ImplicitGroups   []string
}

// DefaultGrantConfig returns a fresh copy of the defaults (callers may
// change it).
func DefaultGrantConfig() GrantConfig {
	g := GrantConfig{
		RiskGroups:       maps.Clone(coreGrantRiskGroups),
		GrantPermissions: cloneLists(coreGrantPermissions),
		GroupPermissions: cloneLists(coreGroupPermissions),
		ImplicitGroups:   slices.Clone(coreImplicitGroups),
	}
	maps.Copy(g.RiskGroups, oauthGrantRiskGroups)
	maps.Copy(g.GrantPermissions, cloneLists(oauthGrantPermissions))
	return g
}

func cloneLists(m map[string][]string) map[string][]string {
	out := make(map[string][]string, len(m))
	for k, v := range m {
		out[k] = slices.Clone(v)
	}
	return out
}

// Override replaces the entries a wiki configures: each grant of risk gets
// that risk group, each grant of grants and each group of groups the rights
// listed (an empty list takes every right away). Entries not named keep
// their defaults, as $wgGrantRiskGroups['x'] = ... in LocalSettings.php
// does.
func (g *GrantConfig) Override(risk map[string]RiskGroup, grants, groups map[string][]string) {
	if g.RiskGroups == nil {
		g.RiskGroups = map[string]RiskGroup{}
	}
	if g.GrantPermissions == nil {
		g.GrantPermissions = map[string][]string{}
	}
	if g.GroupPermissions == nil {
		g.GroupPermissions = map[string][]string{}
	}
	maps.Copy(g.RiskGroups, risk)
	maps.Copy(g.GrantPermissions, cloneLists(grants))
	maps.Copy(g.GroupPermissions, cloneLists(groups))
}

// RiskOf is the grant's risk group, RiskUnknown when none is configured
// (core's getRiskGroupsByGrant default).
func (g GrantConfig) RiskOf(grant string) RiskGroup {
	if r, ok := g.RiskGroups[grant]; ok {
		return r
	}
	return RiskUnknown
}

// HighestRisk is the highest risk group among grants (RiskLow for none).
func (g GrantConfig) HighestRisk(grants []string) RiskGroup {
	best := RiskLow
	for _, gr := range grants {
		if r := g.RiskOf(gr); r.Rank() > best.Rank() {
			best = r
		}
	}
	return best
}

// IsHiddenGrant reports whether every consumer holds grant implicitly
// (core's "hidden" grant group: basic).
func IsHiddenGrant(grant string) bool { return slices.Contains(hiddenGrants, grant) }

// GroupRights returns the rights a user in groups (explicit groups; the
// implicit ones are added) holds, by $wgGroupPermissions. It does not
// apply blocks or locks: callers judge those separately.
func (g GrantConfig) GroupRights(groups []string) map[string]bool {
	rights := map[string]bool{}
	for _, grp := range append(slices.Clone(g.ImplicitGroups), groups...) {
		for _, r := range g.GroupPermissions[grp] {
			rights[r] = true
		}
	}
	return rights
}

// PrivilegedRights lists the rights of grant that make it more than an
// ordinary account: those a registered user in no explicit group does not
// hold but some group of $wgGroupPermissions grants (what editinterface
// adds to edit is editinterface, edituserjson, editsitejson; a right no
// group grants, such as editpage's pagelang, nobody can lose). only is set
// when every right of the grant that some group grants is privileged
// (highvolume, patrol, rollback): the grant is good for nothing else. The
// hidden grants (basic) have none.
func (g GrantConfig) PrivilegedRights(grant string) (priv []string, only bool) {
	if IsHiddenGrant(grant) {
		return nil, false
	}
	base := g.GroupRights(nil)
	granted := map[string]bool{}
	for _, rights := range g.GroupPermissions {
		for _, r := range rights {
			granted[r] = true
		}
	}
	only = true
	for _, r := range g.GrantPermissions[grant] {
		switch {
		case base[r]:
			only = false
		case granted[r]:
			priv = append(priv, r)
		}
	}
	sort.Strings(priv)
	return priv, only && len(priv) > 0
}

// UnusableGrants lists the grants a user in groups (explicit groups) gets
// nothing from that the grant exists for: grants above low risk, or whose
// rights are all privileged, of whose privileged rights (PrivilegedRights)
// the user holds none. A grant does nothing for a user without the right,
// so an owner-only consumer holding such a grant has an owner who lost (or
// never had) what it was made for: a bot whose owner lost the bot flag,
// an interface tool whose owner is no longer a sysop. Low-risk grants that
// mostly give ordinary rights (createeditmovepage also gives
// suppressredirect) are not reported.
func (g GrantConfig) UnusableGrants(grants, groups []string) []UnusableGrant {
	rights := g.GroupRights(groups)
	var out []UnusableGrant
	for _, gr := range grants {
		need, only := g.PrivilegedRights(gr)
		if len(need) == 0 || (!only && g.RiskOf(gr).Rank() <= RiskLow.Rank()) {
			continue
		}
		held := false
		for _, r := range need {
			if rights[r] {
				held = true
				break
			}
		}
		if !held {
			out = append(out, UnusableGrant{Grant: gr, Needs: need})
		}
	}
	return out
}

// UnusableGrant is a grant whose rights its user holds none of.
type UnusableGrant struct {
	Grant string   `json:"grant"`
	Needs []string `json:"needs"`
}

// ParseGrantRiskGroups reads an override of $wgGrantRiskGroups: either
// comma- or newline-separated grant:group pairs ("editinterface:security,
// checkuser:security"; # starts a comment line), or a JSON object
// {"grant": "group"} as json_encode($wgGrantRiskGroups) prints it. Every
// group must be one of low, vandalism, security, internal.
func ParseGrantRiskGroups(text string) (map[string]RiskGroup, error) {
	t := strings.TrimSpace(text)
	out := map[string]RiskGroup{}
	put := func(grant, group string) error {
		if err := checkName("grant", grant); err != nil {
			return err
		}
		r, err := ParseRiskGroup(group)
		if err != nil {
			return fmt.Errorf("grant risk groups: %s: %v", grant, err)
		}
		out[grant] = r
		return nil
	}
	if strings.HasPrefix(t, "{") {
		var m map[string]string
		if err := json.Unmarshal([]byte(t), &m); err != nil {
			return nil, fmt.Errorf("grant risk groups: not a JSON object of grant: group strings: %v", err)
		}
		for grant, group := range m {
			if err := put(grant, group); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	for _, line := range strings.Split(t, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		for _, pair := range strings.Split(line, ",") {
			pair = strings.TrimSpace(pair)
			if pair == "" {
				continue
			}
			grant, group, ok := strings.Cut(pair, ":")
			if !ok {
				return nil, fmt.Errorf("grant risk groups: %q is not grant:group", pair)
			}
			if err := put(strings.TrimSpace(grant), group); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// ParsePermissions reads an override of $wgGrantPermissions or
// $wgGroupPermissions as json_encode prints it: {"name": {"right": true,
// "other": false}}, where rights mapped to false are dropped (as core's
// array_filter does) and an empty PHP array ([]) means no rights. A list
// of rights ({"name": ["right", ...]}) is accepted too.
func ParsePermissions(data []byte) (map[string][]string, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("permissions: not a JSON object of name: {right: true} (json_encode of the PHP setting): %v", err)
	}
	out := make(map[string][]string, len(raw))
	for name, v := range raw {
		if err := checkName("name", name); err != nil {
			return nil, err
		}
		rights := []string{}
		var obj map[string]bool
		var list []string
		switch {
		case json.Unmarshal(v, &obj) == nil:
			for r, on := range obj {
				if on {
					rights = append(rights, r)
				}
			}
		case json.Unmarshal(v, &list) == nil:
			rights = append(rights, list...)
		default:
			return nil, fmt.Errorf("permissions: %s: want {\"right\": true, ...} or [\"right\", ...]", name)
		}
		for _, r := range rights {
			if err := checkName("right", r); err != nil {
				return nil, err
			}
		}
		sort.Strings(rights)
		out[name] = slices.Compact(rights)
	}
	return out, nil
}

// checkName refuses names no MediaWiki configuration holds: empty ones and
// ones with control characters, so nothing odd reaches a report.
func checkName(what, s string) error {
	if s == "" {
		return fmt.Errorf("an empty %s name", what)
	}
	if len(s) > 255 {
		return fmt.Errorf("a %s name of %d bytes (at most 255)", what, len(s))
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("the %s name %q has a control character", what, s)
		}
	}
	return nil
}
