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

// reviewConsumers go through the same seeding as the tutorial's, without
// log entries and actor rows of their own: the tutorial's log, comment,
// actor and token ids stay what its guides show.
var reviewConsumers = []consumerSeed{
	{id: 12, key: KeyTypoFixer, name: "Typo Fixer", version: "1.2", desc: "Suggests typo fixes in articles; every edit is reviewed and saved by a person.",
		cb: "https://typofixer.sandbox.test/oauth/callback", prefix: "0", owner: 8, oauthVersion: 2,
		grants: `["useoauth","editpage"]`, oauth2Grants: `["authorization_code","refresh_token"]`, wiki: "enwiki", stage: 0,
		registeredAgo: 6 * day, stageAgo: 6 * day, email: "veteran@sandbox.test"},
	{id: 13, key: KeyMassProtector, name: "Mass Protector", version: "0.1", desc: "Protects pages",
		cb: "https://protector.sandbox.test/cb", prefix: "0", owner: 9, oauthVersion: 2, public: true, emailUnconfirmed: true,
		grants: `["useoauth","editprotected","protect","rollback"]`, oauth2Grants: `["authorization_code"]`, stage: 0,
		registeredAgo: 1 * day, stageAgo: 1 * day, email: "newbie@sandbox.test"},
	{id: 14, key: KeySiteStyler, name: "Site Styler", version: "2.0", desc: "Deploys the wiki's common.css and gadgets from a Git repository.",
		cb: "https://styler.sandbox.test/oauth2/callback", prefix: "0", owner: 8, oauthVersion: 2,
		grants: `["useoauth","editsiteconfig","editmycssjs"]`, oauth2Grants: `["authorization_code","refresh_token"]`, stage: 0,
		registeredAgo: 10 * day, stageAgo: 10 * day, email: "veteran@sandbox.test",
		restrictions: `{"IPAddresses":["198.51.100.0/24"]}`},
	{id: 15, key: KeyWebEditer, name: "Web Editer", version: "1.0", desc: "Edit from the web, with refresh tokens. Same as the real one!",
		cb: "https://editer.sandbox.test/", prefix: "1", owner: 10, oauthVersion: 1,
		grants: `["useoauth","editpage"]`, oauth2Grants: `["authorization_code","refresh_token"]`, stage: 0,
		registeredAgo: 4 * day, stageAgo: 4 * day, email: "blocked@sandbox.test"},
	{id: 16, key: KeyClientAdmin, name: "Client Manager", version: "1.0", desc: "Lets a developer manage their own OAuth clients from a script.",
		cb: "https://clients.sandbox.test/callback", prefix: "0", owner: 8, oauthVersion: 2,
		grants: `["useoauth","oauthmanageownclient"]`, oauth2Grants: `["authorization_code"]`, stage: 0,
		registeredAgo: 3 * day, stageAgo: 3 * day, email: "veteran@sandbox.test",
		restrictions: `{"IPAddresses":["203.0.113.7"]}`},
	{id: 17, key: KeyStatsExporter, name: "Stats Exporter", version: "0.9", desc: "Exports page view statistics with this wiki's sandbox-export extension.",
		cb: "https://stats.sandbox.test/callback", prefix: "0", owner: 8, oauthVersion: 2,
		grants: `["useoauth","sandbox-export"]`, oauth2Grants: `["authorization_code"]`, wiki: "enwiki", stage: 0,
		registeredAgo: 40 * day, stageAgo: 40 * day, email: "veteran@sandbox.test",
		restrictions: `{"IPAddresses":["192.0.2.0/24","2001:db8::/32"]}`},
	{id: 18, key: KeyOldDashboard, name: "Old Dashboard", version: "1.0", desc: "A dashboard nobody uses any more.",
		cb: "https://dashboard.sandbox.test/callback", prefix: "0", owner: 8, oauthVersion: 2,
		grants: `["useoauth","editpage"]`, oauth2Grants: `["authorization_code","refresh_token"]`, stage: 1,
		registeredAgo: 401 * day, stageAgo: 400 * day, email: "veteran@sandbox.test"},
	{id: 19, key: KeyBlockedBot, name: "Blocked Dev's Bot", version: "3.1", desc: "Archives talk pages every night.",
		cb: "https://archiver.sandbox.test/callback", prefix: "0", owner: 10, oauthVersion: 2,
		grants: `["useoauth","editpage","createeditmovepage"]`, oauth2Grants: `["authorization_code","refresh_token"]`, stage: 1,
		registeredAgo: 300 * day, stageAgo: 299 * day, email: "blocked@sandbox.test"},
	{id: 20, key: KeyExBotOwnerBot, name: "Former Bot's Owner-only Bot", version: "1.0", desc: "Mass category changes (owner-only).",
		cb: "/index.php/Special:OAuth/verified", prefix: "0", owner: 11, ownerOnly: true, oauthVersion: 2,
		grants: `["useoauth","highvolume","editpage"]`, oauth2Grants: `["client_credentials"]`, stage: 1,
		registeredAgo: 700 * day, stageAgo: 700 * day, email: "formerbot@sandbox.test"},
	{id: 21, key: KeyInterfaceTool, name: "Interface Tool", version: "1.0", desc: "Edits MediaWiki: messages for translators.",
		cb: "https://interface.sandbox.test/", prefix: "1", owner: 1, oauthVersion: 1,
		grants: `["useoauth","editinterface"]`, oauth2Grants: `["authorization_code","refresh_token"]`, stage: 1,
		registeredAgo: 50 * day, stageAgo: 49 * day, email: "admin@sandbox.test"},
	{id: 22, key: KeyMirrorReborn, name: "Mirror Tool Reborn", version: "2.0", desc: "Mirrors pages elsewhere, now with a slower crawler, promised.",
		cb: "http://mirror.sandbox.test/callback", prefix: "0", owner: 3, oauthVersion: 2,
		grants: `["useoauth"]`, oauth2Grants: `["authorization_code","refresh_token"]`, stage: 0,
		registeredAgo: 5 * day, stageAgo: 5 * day, email: "dev@sandbox.test"},
	{id: 23, key: KeyScraper, name: "Blocked Dev's Scraper", version: "0.3", desc: "Copied deleted revisions to another site.",
		cb: "https://scraper.sandbox.test/callback", prefix: "0", owner: 10, oauthVersion: 2,
		grants: `["useoauth","viewdeleted"]`, oauth2Grants: `["authorization_code"]`, stage: 4, deleted: true,
		registeredAgo: 250 * day, stageAgo: 200 * day, email: "blocked@sandbox.test"},
	{id: 24, key: KeyUploader, name: "Blocked Dev's Uploader", version: "1.4", desc: "Uploads scans of public-domain books with their metadata.",
		cb: "https://uploader.sandbox.test/callback", prefix: "0", owner: 10, oauthVersion: 2,
		grants: `["useoauth","uploadfile"]`, oauth2Grants: `["authorization_code","refresh_token"]`, stage: 1,
		registeredAgo: 120 * day, stageAgo: 119 * day, email: "blocked@sandbox.test"},
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
