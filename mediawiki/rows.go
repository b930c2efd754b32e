package mediawiki

import (
	"errors"
	"strings"
	"time"
)

// ErrNotFound is returned when a consumer, token, acceptance or user does
// not exist. The database layer returns this same value, so code that only
// sees these types (the wiki-state reader, the log scanner) can test for it
// without linking a database driver.
var ErrNotFound = errors.New("not found")

// TimestampFormat is MediaWiki's TS_MW: UTC YYYYMMDDHHMMSS.
const TimestampFormat = "20060102150405"

// FormatTimestamp renders t as TS_MW in UTC.
func FormatTimestamp(t time.Time) string { return t.UTC().Format(TimestampFormat) }

// ParseTimestamp reads a TS_MW value (MySQL BINARY(14) may pad with NULs).
func ParseTimestamp(s string) (time.Time, error) {
	return time.ParseInLocation(TimestampFormat, strings.TrimRight(s, "\x00 "), time.UTC)
}

// AccessToken is one oauth2_access_tokens row (the JWT's jti is Identifier).
type AccessToken struct {
	ID           int64  `json:"id"`
	Identifier   string `json:"jti"`
	Expires      string `json:"expires"` // TS_MW or "infinity"
	AcceptanceID int64  `json:"acceptance_id"`
	Revoked      bool   `json:"revoked"`
}

// ExpiresAt parses Expires; infinite is true for "infinity".
func (t *AccessToken) ExpiresAt() (at time.Time, infinite bool, err error) {
	if t.Expires == "infinity" {
		return time.Time{}, true, nil
	}
	at, err = ParseTimestamp(t.Expires)
	return at, false, err
}

// Live reports whether the row is unrevoked and its stored expiry is after
// now. MediaWiki itself never reads oaat_expires when it validates a token
// (it judges the JWT's exp); this is the admin's view of which rows still
// matter, and the one definition of "live" every query and report uses.
func (t *AccessToken) Live(now time.Time) bool {
	if t.Revoked {
		return false
	}
	at, inf, err := t.ExpiresAt()
	return inf || (err == nil && at.After(now))
}

// Acceptance is one oauth_accepted_consumer row (secrets left out).
type Acceptance struct {
	ID           int64    `json:"id"`
	Wiki         string   `json:"wiki"`
	UserID       int64    `json:"user_id"`
	UserName     string   `json:"user,omitempty"`
	ConsumerID   int64    `json:"consumer_id"`
	Grants       []string `json:"grants"`
	Accepted     string   `json:"accepted"`
	OAuthVersion int      `json:"oauth_version"`
}

// UserState is what the wiki knows about a central user that MediaWiki's
// checks read: whether the user exists, their name and groups, and whether
// a block or a CentralAuth lock stops them.
type UserState struct {
	CentralID int64    `json:"central_id"`
	Name      string   `json:"name"`
	Groups    []string `json:"groups"`  // explicit groups in force: unexpired user_groups (+ global_user_groups)
	Blocked   bool     `json:"blocked"` // a block in force on the central wiki
	// BlockSitewide is set when the block is sitewide (partial blocks do
	// not stop a session).
	BlockSitewide bool   `json:"block_sitewide"`
	Locked        bool   `json:"locked"`                 // CentralAuth globaluser.gu_locked
	LockKnown     bool   `json:"lock_known"`             // a CentralAuth database was consulted
	Registration  string `json:"registration,omitempty"` // TS_MW, "" when unknown
	EditCount     int64  `json:"edit_count"`
}
