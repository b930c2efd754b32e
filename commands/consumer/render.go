package consumer

import (
	"fmt"
	"strings"
	"time"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/db"
)

// How the consumer commands write the values of the wiki's rows, for
// people and for JSON, each the same in every command that shows it.

// when renders a TS_MW value as RFC 3339 for JSON ("" stays "").
func when(ts string) string {
	if ts == "" || ts == "infinity" {
		return ts
	}
	t, err := db.ParseTimestamp(ts)
	if err != nil {
		return ts
	}
	return t.Format(time.RFC3339)
}

// human renders a TS_MW value for people (a value that is no timestamp
// is shown as it is, through cmdutil.Safe).
func human(ts string) string {
	if ts == "" || ts == "infinity" {
		return ts
	}
	t, err := db.ParseTimestamp(ts)
	if err != nil {
		return cmdutil.Safe(ts)
	}
	return t.Format("2006-01-02 15:04:05 UTC")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func setEmpty(b bool) string {
	if b {
		return "set"
	}
	return "empty"
}

// callbackView is a consumer's callback as the JSON of show, review and
// audit gives it.
type callbackView struct {
	CallbackURL      string `json:"callback_url"`
	CallbackIsPrefix bool   `json:"callback_is_prefix"`
}

func callbackOf(c *db.Consumer) callbackView {
	return callbackView{CallbackURL: c.CallbackURL, CallbackIsPrefix: c.CallbackIsPrefix}
}

// oauth2View is a consumer's OAuth 2 settings as the JSON of show and
// review gives them: oauth2_allowed_grants is [] (not null) when the row
// holds none.
type oauth2View struct {
	Confidential bool     `json:"oauth2_is_confidential"`
	OAuth2Grants []string `json:"oauth2_allowed_grants"`
}

func oauth2Of(c *db.Consumer) oauth2View {
	v := oauth2View{Confidential: c.OAuth2Confidential, OAuth2Grants: c.OAuth2AllowedGrants}
	if v.OAuth2Grants == nil {
		v.OAuth2Grants = []string{}
	}
	return v
}

// acceptances totals a consumer's acceptances and renders them for people:
// "none", or "3 (*: 2, enwiki: 1)". Show and the action preview agree.
func acceptances(accs []db.AcceptanceCount) (total int, text string) {
	parts := make([]string, 0, len(accs))
	for _, a := range accs {
		total += a.Count
		parts = append(parts, fmt.Sprintf("%s: %d", a.Wiki, a.Count))
	}
	if total == 0 {
		return 0, "none"
	}
	return total, fmt.Sprintf("%d (%s)", total, strings.Join(parts, ", "))
}

// orNone is an empty value for people: "(none)".
func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
