package mediawiki

import "strconv"

// WikiState is what the wiki's database says about one token: the facts
// MediaWiki reads while it serves a request carrying it. Package wikistate
// fills it in (this package never queries a database); Judge turns the
// facts into MediaWiki's answer, so the rules can be tested as pure
// functions of these facts.
//
// A nil pointer means the row does not exist, provided it was looked up:
// Acceptance only when the token row names one (oaat_acceptance_id > 0),
// User only when there is an acceptance, SubjectUser only when sub names a
// central user.
type WikiState struct {
	TokenRow    *AccessToken `json:"token_row"`    // the jti's oauth2_access_tokens row
	Acceptance  *Acceptance  `json:"acceptance"`   // oaat_acceptance_id -> oauth_accepted_consumer
	User        *UserState   `json:"user"`         // oaac_user_id: who the request runs as
	SubjectID   int64        `json:"subject_id"`   // the central id sub names (0: none)
	SubjectUser *UserState   `json:"subject_user"` // that user (master's ResourceServer looks it up)
	Consumer    *Consumer    `json:"consumer"`     // the consumer behind aud
}

// StageLabel names the consumer's stage: "approved (stage 1)".
func (c *Consumer) StageLabel() string {
	return c.StageName() + " (stage " + strconv.Itoa(c.Stage) + ")"
}
