package mediawiki

// ConsumerActivity is what a wiki's database holds about a consumer's use:
// its acceptances (oauth_accepted_consumer) and the OAuth 2 access-token
// rows attributable to it through an acceptance (oaat_acceptance_id).
// Token rows carry no issue time: their stored expiry is the only instant
// they record. client_credentials tokens of a client that is not
// owner-only carry acceptance id 0 and are attributable to no consumer.
type ConsumerActivity struct {
	Acceptances       int    `json:"acceptances"`
	LatestAcceptance  string `json:"latest_acceptance"` // TS_MW of the latest oaac_accepted; "" when none
	Tokens            int    `json:"tokens"`
	LatestTokenExpiry string `json:"latest_token_expiry"` // TS_MW or "infinity"; "" when none
}
