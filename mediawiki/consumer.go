package mediawiki

import (
	"encoding/json"
	"strconv"
	"strings"
)

// Stage constants (Consumer::STAGE_*, src/Backend/Consumer.php:64-69).
const (
	StageProposed           = 0
	StageApproved           = 1
	StageRejected           = 2
	StageExpired            = 3
	StageDisabled           = 4
	StageConfigurationBased = 5 // master only: a shadow row of $wgOAuthStaticApps
)

var stageNames = []string{"proposed", "approved", "rejected", "expired", "disabled", "configuration-based"}

// StageName returns Consumer::$stageNames for stage, or "stage-N" for an
// unknown value.
func StageName(stage int) string {
	if stage >= 0 && stage < len(stageNames) {
		return stageNames[stage]
	}
	return "stage-" + strconv.Itoa(stage)
}

// ParseStage reads a stage name (or its number).
func ParseStage(name string) (int, bool) {
	n := strings.ToLower(strings.TrimSpace(name))
	for i, s := range stageNames {
		if n == s || n == strconv.Itoa(i) {
			return i, true
		}
	}
	if n == "configuration" || n == "config" {
		return StageConfigurationBased, true
	}
	return 0, false
}

// StageNames lists every stage name, in order.
func StageNames() []string { return append([]string(nil), stageNames...) }

// Consumer is one oauth_registered_consumer row, decoded. The stored secret
// is never kept: only whether one is set.
type Consumer struct {
	ID                   int64           `json:"id"`
	Key                  string          `json:"key"`
	Name                 string          `json:"name"`
	Version              string          `json:"version"`
	OwnerID              int64           `json:"owner_id"`
	OwnerName            string          `json:"owner"`
	CallbackURL          string          `json:"callback_url"`
	CallbackIsPrefix     bool            `json:"callback_is_prefix"`
	Description          string          `json:"description"`
	Email                string          `json:"email"`
	EmailAuthenticated   string          `json:"email_authenticated,omitempty"`
	DeveloperAgreement   bool            `json:"developer_agreement"`
	OwnerOnly            bool            `json:"owner_only"`
	Wiki                 string          `json:"wiki"`
	Grants               []string        `json:"grants"`
	GrantsStoredAsObject bool            `json:"grants_stored_as_object,omitempty"`
	Registration         string          `json:"registration"`
	HasSecret            bool            `json:"-"`
	HasRSAKey            bool            `json:"-"`
	Restrictions         json.RawMessage `json:"restrictions"`
	Stage                int             `json:"stage"`
	StageTimestamp       string          `json:"stage_timestamp"`
	Deleted              bool            `json:"suppressed"`
	OAuthVersion         int             `json:"oauth_version"`
	OAuth2AllowedGrants  []string        `json:"oauth2_allowed_grants,omitempty"`
	OAuth2Confidential   bool            `json:"oauth2_is_confidential"`
}

// StageName is the consumer's stage as a word.
func (c *Consumer) StageName() string { return StageName(c.Stage) }

// UsableBy follows Consumer::isUsableBy: approved and not owner-only, or
// approved/proposed and owned by the user. oarc_deleted is not consulted.
// centralUserID 0 is nobody (an anonymous client_credentials session).
func (c *Consumer) UsableBy(centralUserID int64) bool {
	owner := centralUserID != 0 && c.OwnerID == centralUserID
	switch {
	case c.Stage == StageApproved && !c.OwnerOnly:
		return true
	case c.Stage == StageApproved && owner:
		return true
	case c.Stage == StageProposed && owner:
		return true
	}
	return false
}
