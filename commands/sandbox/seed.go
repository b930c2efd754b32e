package sandbox

import (
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"time"

	"github.com/mwoauth/mwoauth/db"
	"github.com/mwoauth/mwoauth/mediawiki"
)

// The sandbox's consumers have fixed keys so that tutorials, docs and tests
// can name them. They are shaped like real ones (32 lowercase hex).
const (
	KeyOAuth1      = "8a1f0c3e5b7d9f21436587a9cbedf013" // 1: OAuth 1.0a, Admin, approved, grants stored as an object
	KeyLeaky       = "3c9e1d7a5f2b4086c1e3a5b7d9f0e2c4" // 2: OAuth 2 client_credentials, Dev User, approved (the tutorial's leak)
	KeyOwnerOnly   = "b4d6f8a0c2e4a6b8d0f2a4c6e8b0d2f4" // 3: OAuth 2 owner-only, Alice, approved
	KeyProposed    = "d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6" // 4: OAuth 2 authorization_code, Bob, proposed
	KeyRejected    = "e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0" // 5: rejected
	KeyExpired     = "f0e1d2c3b4a5968778695a4b3c2d1e0f" // 6: expired proposal
	KeyDisabled    = "0a1b2c3d4e5f60718293a4b5c6d7e8f9" // 7: disabled
	KeySuppressed  = "9f8e7d6c5b4a39281706f5e4d3c2b1a0" // 8: disabled and suppressed
	KeyConfigBased = "1234abcd5678ef901234abcd5678ef90" // 9: configuration-based shadow row
	KeyWebEditor   = "6b0f3e2a9c8d7e6f5a4b3c2d1e0f9a8b" // 10: OAuth 2 authorization_code + refresh_token, Admin, approved, in use
	KeyStale       = "7c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f" // 11: proposed 45 days ago: expired for the wiki, auto-maintenance pending
)

// Issuer is the sandbox wiki's canonical server (the JWT iss).
const Issuer = "https://meta.sandbox.test"

// Users of the sandbox wiki (central ids equal local ids, as with
// LocalIdLookup), each showing one case of the performer checks: Admin is
// a sysop (holds every OAuth right by default), Dev User has no groups,
// Mallory is an oauthadmin under a sitewide block, Sam is a steward with
// no actor row yet (acting as Sam creates it, as ActorStore does).
var users = []struct {
	id     int64
	name   string
	actor  bool
	groups []string
}{
	{1, "Admin", true, []string{"sysop", "bureaucrat"}}, {2, "MediaWiki default", true, nil}, {3, "Dev User", true, nil},
	{4, "Alice", true, nil}, {5, "Bob", true, nil}, {6, "Mallory", true, []string{"oauthadmin"}}, {7, "Sam", false, []string{"steward"}},
}

type consumerSeed struct {
	id                           int64
	key, name, version, desc, cb string
	owner                        int64
	ownerOnly                    bool
	oauthVersion                 int
	grants, oauth2Grants         string
	stage                        int
	deleted                      bool
	registeredAgo, stageAgo      time.Duration
	prefix                       string // oarc_callback_is_prefix
	email                        string
	log                          []logSeed
	// The review cases vary these; the zero values are the tutorial's:
	// every wiki, no IP restriction, a confirmed email, a confidential client.
	wiki, restrictions       string
	emailUnconfirmed, public bool
}

type logSeed struct {
	action string
	actor  int64
	ago    time.Duration
	reason string
}

const day = 24 * time.Hour

var consumers = []consumerSeed{
	{id: 1, key: KeyOAuth1, name: "Sandbox OAuth1 Tool", version: "1.0", desc: "OAuth 1.0a consumer created by createOAuthConsumer.php",
		cb: "https://tool.sandbox.test/oauth1/callback", prefix: "1", owner: 1, oauthVersion: 1,
		grants: `{"0":"useoauth","2":"editpage"}`, oauth2Grants: `["authorization_code","refresh_token"]`, stage: 1,
		registeredAgo: 90 * day, stageAgo: 90 * day, email: "admin@sandbox.test",
		log: []logSeed{{"propose", 1, 90 * day, "OAuth 1.0a consumer created by createOAuthConsumer.php"}, {"approve", 1, 90 * day, "Approved by maintenance script"}}},
	{id: 2, key: KeyLeaky, name: "Leaky Client Credentials App", version: "2.3", desc: "Nightly report bot (client_credentials)",
		cb: "https://reports.sandbox.test/oauth2/callback", prefix: "0", owner: 3, oauthVersion: 2,
		grants: `["useoauth","highvolume","editpage"]`, oauth2Grants: `["client_credentials"]`, stage: 1,
		registeredAgo: 60 * day, stageAgo: 59 * day, email: "dev@sandbox.test",
		log: []logSeed{{"propose", 3, 60 * day, "Nightly report bot (client_credentials)"}, {"approve", 1, 59 * day, "Looks fine"}}},
	{id: 3, key: KeyOwnerOnly, name: "Alice's Owner-only Bot", version: "1.0", desc: "Personal maintenance bot",
		cb: "/index.php/Special:OAuth/verified", prefix: "0", owner: 4, ownerOnly: true, oauthVersion: 2,
		grants: `["useoauth","editpage"]`, oauth2Grants: `["client_credentials"]`, stage: 1,
		registeredAgo: 30 * day, stageAgo: 30 * day, email: "alice@sandbox.test",
		log: []logSeed{{"create-owner-only", 4, 30 * day, "Personal maintenance bot"}}},
	{id: 4, key: KeyProposed, name: "Proposed Wiki Tool", version: "0.1", desc: "Waiting for review",
		cb: "https://wikitool.sandbox.test/callback", prefix: "0", owner: 5, oauthVersion: 2,
		grants: `["useoauth","editpage","createeditmovepage"]`, oauth2Grants: `["authorization_code","refresh_token"]`, stage: 0,
		registeredAgo: 2 * day, stageAgo: 2 * day, email: "bob@sandbox.test",
		log: []logSeed{{"propose", 5, 2 * day, "Waiting for review"}}},
	{id: 5, key: KeyRejected, name: "Rejected Spam App", version: "1.0", desc: "Buy cheap watches",
		cb: "https://spam.sandbox.test/", prefix: "0", owner: 5, oauthVersion: 2,
		grants: `["useoauth","editpage"]`, oauth2Grants: `["authorization_code"]`, stage: 2,
		registeredAgo: 20 * day, stageAgo: 19 * day, email: "bob@sandbox.test",
		log: []logSeed{{"propose", 5, 20 * day, "Buy cheap watches"}, {"reject", 1, 19 * day, "Spam"}}},
	{id: 6, key: KeyExpired, name: "Old Expired Proposal", version: "1.0", desc: "Never reviewed",
		cb: "https://old.sandbox.test/callback", prefix: "0", owner: 3, oauthVersion: 1,
		grants: `["useoauth"]`, oauth2Grants: `["authorization_code","refresh_token"]`, stage: 3,
		registeredAgo: 120 * day, stageAgo: 89 * day, email: "dev@sandbox.test",
		log: []logSeed{{"propose", 3, 120 * day, "Never reviewed"}}},
	{id: 7, key: KeyDisabled, name: "Disabled Mirror Tool", version: "1.2", desc: "Mirrors pages elsewhere",
		cb: "https://mirror.sandbox.test/callback", prefix: "0", owner: 3, oauthVersion: 2,
		grants: `["useoauth"]`, oauth2Grants: `["authorization_code","refresh_token"]`, stage: 4,
		registeredAgo: 80 * day, stageAgo: 10 * day, email: "dev@sandbox.test",
		log: []logSeed{{"propose", 3, 80 * day, "Mirrors pages elsewhere"}, {"approve", 1, 79 * day, "OK"}, {"disable", 1, 10 * day, "Scraping too fast"}}},
	{id: 8, key: KeySuppressed, name: "Suppressed Abuse App", version: "6.6", desc: "Harassment tool",
		cb: "https://abuse.sandbox.test/callback", prefix: "0", owner: 5, oauthVersion: 2,
		grants: `["useoauth","editpage"]`, oauth2Grants: `["client_credentials"]`, stage: 4, deleted: true,
		registeredAgo: 40 * day, stageAgo: 35 * day, email: "bob@sandbox.test",
		log: []logSeed{{"propose", 5, 40 * day, "Harassment tool"}, {"approve", 1, 39 * day, "OK"}, {"disable", 1, 35 * day, "Used for harassment"}}},
	{id: 9, key: KeyConfigBased, name: "Static Config App", version: "1.0", desc: "Defined in $wgOAuthStaticApps",
		cb: "https://static.sandbox.test/callback", prefix: "0", owner: 1, oauthVersion: 2,
		grants: `["useoauth"]`, oauth2Grants: `["client_credentials"]`, stage: 5,
		registeredAgo: 200 * day, stageAgo: 200 * day, email: "admin@sandbox.test"},
	{id: 10, key: KeyWebEditor, name: "Web Editor", version: "3.0", desc: "Edit from the web, with refresh tokens",
		cb: "https://editor.sandbox.test/oauth2/callback", prefix: "0", owner: 1, oauthVersion: 2,
		grants: `["useoauth","editpage","highvolume"]`, oauth2Grants: `["authorization_code","refresh_token"]`, stage: 1,
		registeredAgo: 100 * day, stageAgo: 99 * day, email: "admin@sandbox.test",
		log: []logSeed{{"propose", 1, 100 * day, "Edit from the web, with refresh tokens"}, {"approve", 1, 99 * day, "Approved"}}},
	{id: 11, key: KeyStale, name: "Forgotten Proposal", version: "0.9", desc: "Proposed and never reviewed",
		cb: "https://forgotten.sandbox.test/callback", prefix: "0", owner: 4, oauthVersion: 2,
		grants: `["useoauth","editpage"]`, oauth2Grants: `["authorization_code","refresh_token"]`, stage: 0,
		registeredAgo: 45 * day, stageAgo: 45 * day, email: "alice@sandbox.test",
		log: []logSeed{{"propose", 4, 45 * day, "Proposed and never reviewed"}}},
}

// seed fills an empty sandbox database and mints its sample tokens. Every
// row goes through db's seeder; log entries through the writer consumer
// actions use.
func seed(ctx context.Context, st *db.Store, key *rsa.PrivateKey, now time.Time) (map[string]string, error) {
	var files map[string]string
	err := st.Seed(ctx, func(sd *db.Seeder) error {
		var err error
		files, err = seedRows(sd, key, now)
		return err
	})
	return files, err
}

func seedRows(sd *db.Seeder, key *rsa.PrivateKey, now time.Time) (map[string]string, error) {
	now = now.UTC().Truncate(time.Second)
	ts := func(ago time.Duration) string { return db.FormatTimestamp(now.Add(-ago)) }
	names := map[int64]string{}
	for _, u := range users {
		names[u.id] = u.name
		if err := sd.User(u.id, u.name, ts(365*day), 0); err != nil {
			return nil, err
		}
		if u.actor {
			if err := sd.Actor(u.id, u.id, u.name); err != nil {
				return nil, err
			}
		}
		for _, g := range u.groups {
			if err := sd.UserGroup(u.id, g, ""); err != nil {
				return nil, err
			}
		}
	}
	// Dev User has a user page: log entries about their consumers get its page id.
	if err := sd.Page(1, 0, "Main_Page", ts(365*day)); err != nil {
		return nil, err
	}
	if err := sd.Page(2, 2, "Dev_User", ts(365*day)); err != nil {
		return nil, err
	}
	if _, err := sd.Comment(""); err != nil {
		return nil, err
	}
	// Mallory holds oauthadmin but is blocked sitewide: refused as a performer.
	if err := sd.Block(6, "Mallory", 1, "Compromised account", ts(3*day), "infinity", true); err != nil {
		return nil, err
	}
	type logRow struct {
		at     string
		action string
		actor  int64
		owner  string
		reason string
		key    string
	}
	var logs []logRow
	for _, u := range reviewUsers {
		names[u.id] = u.name
	}
	for _, c := range append(consumers, reviewConsumers...) {
		// A stored secret (oarc_secret_key), deterministic like everything
		// but the keys; commands must only ever say "set".
		sum := sha256.Sum256([]byte("sandbox secret " + c.key))
		row := db.ConsumerRow{ID: c.id, Key: c.key, Name: c.name, Version: c.version, CallbackURL: c.cb, IsPrefix: c.prefix,
			Description: c.desc, Email: c.email, EmailAuthenticated: ts(c.registeredAgo), Wiki: "*", OwnerID: c.owner, OwnerOnly: c.ownerOnly,
			Grants: c.grants, Registration: ts(c.registeredAgo), Secret: hex.EncodeToString(sum[:16]),
			Restrictions: `{"IPAddresses":["0.0.0.0/0","::/0"]}`, Stage: c.stage, StageTimestamp: ts(c.stageAgo), Deleted: c.deleted,
			OAuthVersion: c.oauthVersion, OAuth2AllowedGrants: c.oauth2Grants, Confidential: !c.public, DeveloperAgreement: true}
		if c.wiki != "" {
			row.Wiki = c.wiki
		}
		if c.restrictions != "" {
			row.Restrictions = c.restrictions
		}
		if c.emailUnconfirmed {
			row.EmailAuthenticated = ""
		}
		err := sd.Consumer(row)
		if err != nil {
			return nil, err
		}
		for _, l := range c.log {
			logs = append(logs, logRow{at: ts(l.ago), action: l.action, actor: l.actor, owner: names[c.owner], reason: l.reason, key: c.key})
		}
	}
	// Log entries in time order, as the wiki wrote them.
	sort.SliceStable(logs, func(i, j int) bool { return logs[i].at < logs[j].at })
	for _, l := range logs {
		if _, err := sd.LogEntry(db.Action(l.action), l.at, db.Performer{Name: names[l.actor], UserID: l.actor, ActorID: l.actor}, l.owner, l.key, l.reason); err != nil {
			return nil, err
		}
	}

	if err := seedReviewUsers(sd, ts); err != nil {
		return nil, err
	}

	// Acceptances: Alice's owner-only bot (made at registration), and the
	// Web Editor authorised by Alice (everywhere) and Bob (one wiki).
	for _, a := range []struct {
		id, user, consumer int64
		wiki, grants       string
		ago                time.Duration
	}{
		{1, 4, 3, "*", `["useoauth","editpage"]`, 30 * day},
		{2, 4, 10, "*", `["useoauth","editpage"]`, 50 * day},
		{3, 5, 10, "enwiki", `["useoauth"]`, 5 * day},
		{4, 3, 7, "*", `["useoauth"]`, 60 * day},
	} {
		if err := sd.Acceptance(db.Acceptance{ID: a.id, Wiki: a.wiki, UserID: a.user, ConsumerID: a.consumer, Accepted: ts(a.ago), OAuthVersion: 2},
			a.grants, fmt.Sprintf("%032x", a.id*0x1111), fmt.Sprintf("%032x", a.id*0x2222)); err != nil {
			return nil, err
		}
	}

	// Sample tokens with their rows, and older expired rows, as real
	// wikis accumulate them (no file: they only show in the counts).
	files, err := mintSamples(sd, key, now)
	if err != nil {
		return nil, err
	}
	for _, o := range []struct {
		acceptance int64
		o          mediawiki.MintOptions
	}{
		{2, mediawiki.MintOptions{ClientID: KeyWebEditor, UserID: 4, Now: now.Add(-48 * time.Hour)}},
		{0, mediawiki.MintOptions{ClientID: KeyLeaky, ClientCredentials: true, UserID: 3, Now: now.Add(-26 * time.Hour)}},
	} {
		if _, err := mintRow(sd, key, o.acceptance, false, o.o); err != nil {
			return nil, fmt.Errorf("mint sample token: %v", err)
		}
	}

	if err := seedReviewUse(sd, now); err != nil {
		return nil, err
	}

	// Edits tagged by consumers, as change_tag_def counts them.
	for _, t := range []struct {
		id    int64
		name  string
		count int
	}{{1, "OAuth CID: 10", 1234}, {2, "OAuth CID: 2", 87}, {3, "OAuth CID: 7", 15}, {4, "mw-undo", 3}} {
		if err := sd.ChangeTagDef(t.id, t.name, int64(t.count)); err != nil {
			return nil, err
		}
	}
	return files, nil
}
