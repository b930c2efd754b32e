package sandbox

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
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

// consumerSeed is one consumer of consumers.json: its row, as
// Special:OAuthConsumerRegistration and the management actions leave it,
// and its log history. Times are days before the sandbox's now. The review
// cases set wiki, restrictions, email_unconfirmed and public_client; left
// out, they are the tutorial's: every wiki, no IP restriction, a confirmed
// email, a confidential client.
type consumerSeed struct {
	ID               int64           `json:"id"`
	Key              string          `json:"key"`
	Name             string          `json:"name"`
	Version          string          `json:"version"`
	Desc             string          `json:"description"`
	Callback         string          `json:"callback"`
	IsPrefix         string          `json:"callback_is_prefix"` // oarc_callback_is_prefix, "0" or "1"
	Owner            int64           `json:"owner"`
	OwnerOnly        bool            `json:"owner_only"`
	OAuthVersion     int             `json:"oauth_version"`
	Grants           json.RawMessage `json:"grants"` // stored compacted, as written
	OAuth2Grants     json.RawMessage `json:"oauth2_grants"`
	Wiki             string          `json:"wiki"`
	Restrictions     json.RawMessage `json:"restrictions"`
	Stage            int             `json:"stage"`
	Deleted          bool            `json:"deleted"`
	RegisteredAgo    int             `json:"registered_days_ago"`
	StageAgo         int             `json:"stage_days_ago"`
	Email            string          `json:"email"`
	EmailUnconfirmed bool            `json:"email_unconfirmed"`
	Public           bool            `json:"public_client"`
	Log              []logSeed       `json:"log"`
}

type logSeed struct {
	Action  string `json:"action"`
	Actor   int64  `json:"actor"`
	DaysAgo int    `json:"days_ago"`
	Reason  string `json:"reason"`
}

const day = 24 * time.Hour

// consumersJSON is every consumer of the sandbox, in id order: the
// tutorial's (1 to 11, with their log history) and then the review cases
// (12 to 24; their owners and keys are in seed_review.go), which go through
// the same seeding without log entries of their own, so that the
// tutorial's log, comment, actor and token ids stay what its guides show.
// The Key constants name them (TestConsumerKeys holds them together).
//
//go:embed consumers.json
var consumersJSON []byte

// loadConsumers reads consumersJSON once, when a sandbox is seeded: the
// other commands do not pay for it.
var loadConsumers = sync.OnceValues(func() ([]consumerSeed, error) {
	var cs []consumerSeed
	dec := json.NewDecoder(bytes.NewReader(consumersJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cs); err != nil {
		return nil, fmt.Errorf("consumers.json: %w", err)
	}
	return cs, nil
})

// compactJSON is a JSON value of consumers.json as the row stores it,
// without the file's spacing.
func compactJSON(raw json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return string(raw) // the decoder has checked it
	}
	return b.String()
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
	cs, err := loadConsumers()
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		// A stored secret (oarc_secret_key), deterministic like everything
		// but the keys; commands must only ever say "set".
		sum := sha256.Sum256([]byte("sandbox secret " + c.Key))
		registered := ts(time.Duration(c.RegisteredAgo) * day)
		row := db.ConsumerRow{ID: c.ID, Key: c.Key, Name: c.Name, Version: c.Version, CallbackURL: c.Callback, IsPrefix: c.IsPrefix,
			Description: c.Desc, Email: c.Email, EmailAuthenticated: registered, Wiki: "*", OwnerID: c.Owner, OwnerOnly: c.OwnerOnly,
			Grants: compactJSON(c.Grants), Registration: registered, Secret: hex.EncodeToString(sum[:16]),
			Restrictions: `{"IPAddresses":["0.0.0.0/0","::/0"]}`, Stage: c.Stage, StageTimestamp: ts(time.Duration(c.StageAgo) * day), Deleted: c.Deleted,
			OAuthVersion: c.OAuthVersion, OAuth2AllowedGrants: compactJSON(c.OAuth2Grants), Confidential: !c.Public, DeveloperAgreement: true}
		if c.Wiki != "" {
			row.Wiki = c.Wiki
		}
		if c.Restrictions != nil {
			row.Restrictions = compactJSON(c.Restrictions)
		}
		if c.EmailUnconfirmed {
			row.EmailAuthenticated = ""
		}
		if err := sd.Consumer(row); err != nil {
			return nil, err
		}
		for _, l := range c.Log {
			logs = append(logs, logRow{at: ts(time.Duration(l.DaysAgo) * day), action: l.Action, actor: l.Actor, owner: names[c.Owner], reason: l.Reason, key: c.Key})
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
