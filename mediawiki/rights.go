package mediawiki

import (
	"fmt"
	"slices"
	"strings"
)

// The rights Special:OAuthManageConsumers checks (extension.json
// AvailableRights). extension.json grants them to no group: the wiki's
// $wgGroupPermissions does (Wikimedia: oauthadmin and stewards).
const (
	RightManageConsumer = "mwoauthmanageconsumer"
	RightSuppress       = "mwoauthsuppress"
)

// BadAccessText is core's badaccess-group0, the message every refused
// performer gets from ConsumerSubmitControl (no right, blocked, locked).
const BadAccessText = "You are not allowed to execute the action you have requested."

// DefaultManagerGroups and DefaultSuppressorGroups mirror a typical
// $wgGroupPermissions (Wikimedia's oauthadmin and steward, plus sysop as on
// most single wikis and the real 1.43 test wiki). They live in PHP, which
// mwoauth cannot read: the settings manager-groups and suppressor-groups
// say what the wiki's LocalSettings.php says.
var (
	DefaultManagerGroups    = []string{"sysop", "oauthadmin", "steward"}
	DefaultSuppressorGroups = []string{"sysop", "oauthadmin", "steward", "suppress"}
)

// GroupRights says which groups hold the two rights on the central wiki.
type GroupRights struct {
	Manager    []string // groups holding mwoauthmanageconsumer
	Suppressor []string // groups holding mwoauthsuppress
}

// DefaultGroupRights is GroupRights from the defaults.
func DefaultGroupRights() GroupRights {
	return GroupRights{Manager: slices.Clone(DefaultManagerGroups), Suppressor: slices.Clone(DefaultSuppressorGroups)}
}

// Groups returns the groups holding right.
func (g GroupRights) Groups(right string) []string {
	switch right {
	case RightManageConsumer:
		return g.Manager
	case RightSuppress:
		return g.Suppressor
	}
	return nil
}

// Has reports whether u holds right through one of its explicit groups.
func (g GroupRights) Has(u *UserState, right string) bool {
	for _, grp := range g.Groups(right) {
		if slices.Contains(u.Groups, grp) {
			return true
		}
	}
	return false
}

// RequiredRights lists the rights ConsumerSubmitControl checks for action
// on a consumer (deleted: it is suppressed now; suppress: the form's flag):
// mwoauthmanageconsumer always, and mwoauthsuppress to set the flag or to
// act on a consumer that is suppressed.
func RequiredRights(action ConsumerAction, deleted, suppress bool) []string {
	need := []string{RightManageConsumer}
	if deleted || (suppress && action.SuppressFlag()) {
		need = append(need, RightSuppress)
	}
	return need
}

// PermissionError is a performer the wiki would refuse: MediaWiki shows
// badaccess-group0 for each case; Reason says which case it was.
type PermissionError struct {
	Performer string
	Reason    string // why, e.g. "is blocked on the central wiki"
}

func (e *PermissionError) Error() string {
	return fmt.Sprintf("%s (badaccess-group0): %s %s", BadAccessText, e.Performer, e.Reason)
}

// CheckPerformer applies checkBasePermissions and the action's rights
// checks to the performer u: a locked account, a blocked one, or one
// without a needed right is refused.
//
// MediaWiki refuses a blocked performer when $wgBlockDisablesLogin is set
// (and a locked one always). mwoauth refuses every performer with a block in
// force, sitewide or partial: it cannot read LocalSettings.php, and an entry
// in the wiki's audit log under a blocked admin's name is what a reviewer
// would least expect.
func CheckPerformer(u *UserState, g GroupRights, need []string) *PermissionError {
	switch {
	case u.Locked:
		return &PermissionError{Performer: u.Name, Reason: "is locked (CentralAuth globaluser.gu_locked)"}
	case u.Blocked && u.BlockSitewide:
		return &PermissionError{Performer: u.Name, Reason: "is blocked sitewide on the central wiki"}
	case u.Blocked:
		return &PermissionError{Performer: u.Name, Reason: "is blocked (partially) on the central wiki"}
	}
	for _, right := range need {
		if !g.Has(u, right) {
			groups := "none"
			if len(u.Groups) > 0 {
				groups = strings.Join(u.Groups, ", ")
			}
			return &PermissionError{Performer: u.Name, Reason: fmt.Sprintf("lacks %s: their groups (%s) include none of %s (settings manager-groups / suppressor-groups mirror $wgGroupPermissions)",
				right, groups, strings.Join(g.Groups(right), ", "))}
		}
	}
	return nil
}
