package mediawiki

import "time"

// AutoExpiresAt is when the wiki's auto-maintenance expires this proposal
// (AutoExpired from then on): its stage timestamp plus age. It is the zero
// time when the consumer is not a proposal, auto-expiry is off (age <= 0)
// or the timestamp is unreadable.
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
