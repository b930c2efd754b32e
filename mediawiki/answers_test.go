package mediawiki

import "testing"

// Every text MediaWiki sends for a session-provider error reads back as
// its code, so the parts sessionErrorTexts matches stay parts of the texts.
func TestSessionErrorCode(t *testing.T) {
	for _, tc := range []struct{ text, code string }{
		{MWInvalidAuthorizationMsg(MWInvalidAccessToken), MWInvalidAuthorization},
		{MWInvalidAuthorizationMsg(MWNoUserApproval), MWInvalidAuthorization},
		{MWWrongWikiMsg("enwiki"), MWWrongWiki},
		{MWNotApprovedMsg("Some app"), MWNotApproved},
		{MWInvalidUserMsg, MWInvalidUser},
		{MWWrongUserMsg, MWWrongUser},
		{MWBlockedUserMsg, MWBlockedUser},
		{MWInvalidJWTCookieMsg("JWT error: hard-expired"), MWInvalidJWTCookie},
		{"Permission denied", ""},
	} {
		if got := SessionErrorCode("rest-read-denied", tc.text); got != tc.code {
			t.Errorf("SessionErrorCode(%q) = %q, want %q", tc.text, got, tc.code)
		}
	}
	if got := SessionErrorCode(MWBlockedUser, MWInvalidUserMsg); got != MWBlockedUser {
		t.Errorf("an mwoauth- code is its own: got %q", got)
	}
}
