package sandbox

import (
	"fmt"
	"time"

	"github.com/mwoauth/mwoauth/db"
	"github.com/mwoauth/mwoauth/jwtutil"
)

// The review and audit cases: proposals of every risk, owners with every
// kind of account, an owner-only bot whose owner lost the bot flag, a
// dormant consumer and a blocked owner, so "consumer review" and "consumer
// audit" have something to say about each of their reasons; the blocked
// owner's three consumers (approved, disabled and suppressed, approved)
// are what the bulk actions' tutorial and tests act on.
const (
	KeyTypoFixer     = "c0ffee00c0ffee00c0ffee00c0ffee01" // 12: proposed, low risk (Veteran)
	KeyMassProtector = "c0ffee00c0ffee00c0ffee00c0ffee02" // 13: proposed, vandalism grants, public client (Newbie)
	KeySiteStyler    = "c0ffee00c0ffee00c0ffee00c0ffee03" // 14: proposed, security grants (Veteran)
	KeyWebEditer     = "c0ffee00c0ffee00c0ffee00c0ffee04" // 15: proposed, near-duplicate of Web Editor, prefix callback (Blocked Dev)
	KeyClientAdmin   = "c0ffee00c0ffee00c0ffee00c0ffee05" // 16: proposed, internal grant (Veteran)
	KeyStatsExporter = "c0ffee00c0ffee00c0ffee00c0ffee06" // 17: proposed, an extension's grant of unknown risk (Veteran)
	KeyOldDashboard  = "c0ffee00c0ffee00c0ffee00c0ffee07" // 18: approved 400 days ago, last used 299 days ago: dormant (Veteran)
	KeyBlockedBot    = "c0ffee00c0ffee00c0ffee00c0ffee08" // 19: approved, its owner blocked since (Blocked Dev)
	KeyExBotOwnerBot = "c0ffee00c0ffee00c0ffee00c0ffee09" // 20: owner-only highvolume bot, its owner no longer a bot (Former Bot)
	KeyInterfaceTool = "c0ffee00c0ffee00c0ffee00c0ffee0a" // 21: approved OAuth 1, editinterface, prefix callback (Admin)
	KeyMirrorReborn  = "c0ffee00c0ffee00c0ffee00c0ffee0b" // 22: proposed over plain http by an owner whose mirror tool was disabled (Dev User)
	KeyScraper       = "c0ffee00c0ffee00c0ffee00c0ffee0c" // 23: disabled and suppressed (Blocked Dev)
	KeyUploader      = "c0ffee00c0ffee00c0ffee00c0ffee0d" // 24: approved (Blocked Dev): with 19 and 23, an owner to act on in bulk
)

// reviewUsers are the owners of the review cases (ids after the tutorial's).
var reviewUsers = []struct {
	id           int64
	name         string
	registered   time.Duration // ago
	edits        int64
	groups       []string
	blockedSince time.Duration // 0: not blocked
}{
	{8, "Veteran", 2000 * day, 15000, []string{"autopatrolled"}, 0},
	{9, "Newbie", 3 * day, 1, nil, 0},
	{10, "Blocked Dev", 500 * day, 800, nil, 20 * day},
	{11, "Former Bot", 1500 * day, 40000, nil, 0}, // the bot group was removed
}

// seedReviewUsers writes the review cases' owners: account, groups and
// blocks (a block's reason reuses the comment row of the same text, as
// CommentStore does).
func seedReviewUsers(sd *db.Seeder, ts func(time.Duration) string) error {
	for _, u := range reviewUsers {
		if err := sd.User(u.id, u.name, ts(u.registered), u.edits); err != nil {
			return err
		}
		for _, g := range u.groups {
			if err := sd.UserGroup(u.id, g, ""); err != nil {
				return err
			}
		}
		if u.blockedSince != 0 {
			if err := sd.Block(u.id, u.name, 1, "Spam", ts(u.blockedSince), "infinity", true); err != nil {
				return err
			}
		}
	}
	return nil
}

// seedReviewUse writes what the audit's dormancy reads: the dormant
// dashboard's one acceptance and its expired token, the blocked owner's
// bot in use, and the owner-only bot's acceptance and 1000-year token.
func seedReviewUse(sd *db.Seeder, now time.Time) error {
	for _, a := range []struct {
		id, user, consumer int64
		ago                time.Duration
		tokenExpires       string // a token row's oaat_expires
	}{
		{5, 8, 18, 300 * day, db.FormatTimestamp(now.Add(-299 * day))},
		{6, 8, 19, 30 * day, db.FormatTimestamp(now.Add(time.Hour))},
		{7, 11, 20, 700 * day, db.FormatTimestamp(now.Add(-700*day).AddDate(1000, 0, 0))},
	} {
		err := sd.Acceptance(db.Acceptance{ID: a.id, Wiki: "*", UserID: a.user, ConsumerID: a.consumer, Accepted: db.FormatTimestamp(now.Add(-a.ago)), OAuthVersion: 2},
			`["useoauth","editpage"]`, fmt.Sprintf("%032x", a.id*0x1111), fmt.Sprintf("%032x", a.id*0x2222))
		if err != nil {
			return err
		}
		jti, err := jwtutil.NewJTI()
		if err != nil {
			return err
		}
		if err := sd.AccessToken(jti, a.tokenExpires, a.id, false); err != nil {
			return err
		}
	}
	return nil
}
