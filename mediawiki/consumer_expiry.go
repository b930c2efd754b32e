package mediawiki

import "time"

// DefaultRequestExpirationAge is $wgMWOAuthRequestExpirationAge's default
// (extension.json: 2592000 s): a proposal whose stage timestamp is older is
// expired by Utils::runAutoMaintenance.
const DefaultRequestExpirationAge = 30 * 24 * time.Hour

// AutoExpired reports whether the wiki's auto-maintenance would turn this
// proposal into an expired one at now: stage proposed and
// oarc_stage_timestamp older than now - age. age <= 0 turns auto-expiry
// off, as $wgMWOAuthRequestExpirationAge <= 0 does.
//
// runAutoMaintenance runs as a deferred update whenever the list or
// management pages are viewed, so on a wiki someone looks at, such a row is
// stage 3 by the time an admin acts on it; until then the row still says 0.
func (c *Consumer) AutoExpired(now time.Time, age time.Duration) bool {
	if c.Stage != StageProposed || age <= 0 {
		return false
	}
	ts, err := ParseTimestamp(c.StageTimestamp)
	return err == nil && ts.Before(now.Add(-age))
}

// AutoExpiresAt is when auto-maintenance expires this proposal (zero when
// it is not a proposal, auto-expiry is off, or its timestamp is unreadable).
func (c *Consumer) AutoExpiresAt(age time.Duration) time.Time {
	if c.Stage != StageProposed || age <= 0 {
		return time.Time{}
	}
	ts, err := ParseTimestamp(c.StageTimestamp)
	if err != nil {
		return time.Time{}
	}
	return ts.Add(age)
}
