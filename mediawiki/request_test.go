package mediawiki

import (
	"crypto/rsa"
	"strings"
	"testing"
)

const (
	testKey = "5096568cc6652b5ad36358427f1bd60c"
	testJTI = "c0214717c4d1b4f8ef6c757787bf3822f6f07486d05e367b026d0f00cb88dc00b102a92f20036c98"
)

// claimsFor is a master-shaped payload valid at validAt.
func claimsFor(sub string) string {
	return `{"aud":"` + testKey + `","jti":"` + testJTI + `","iat":1795338475.52743,"nbf":1795338475.52743,"exp":1795342075.52743,"sub":"` + sub + `","iss":"https://meta.wikimedia.org","grant_type":"authorization_code","scopes":["basic"]}`
}

// facts is a wiki where the token row names acceptance acc of user 3 on
// consumer 2 (approved, normal, all wikis).
func facts(acc int64) *WikiState {
	ws := &WikiState{
		TokenRow: &AccessToken{Identifier: testJTI, AcceptanceID: acc},
		Consumer: &Consumer{ID: 2, Key: testKey, Name: "E2E Client Credentials App", OwnerID: 1, Stage: StageApproved, Wiki: "*", OAuthVersion: 2},
	}
	if acc > 0 {
		ws.Acceptance = &Acceptance{ID: acc, Wiki: "*", UserID: 3, ConsumerID: 2, OAuthVersion: 2}
		ws.User = &UserState{CentralID: 3, Name: "Dev User", LockKnown: true}
	}
	return ws
}

func judgeIt(t *testing.T, raw string, v Version, keys []*rsa.PublicKey, ws *WikiState, tweak func(*Input)) Verdict {
	t.Helper()
	in := Input{Rules: v.Rules(), Now: validAt, Keys: keys, Wiki: ws}
	if tweak != nil {
		tweak(&in)
	}
	return Judge(raw, KindAccessToken, in)
}

func accepted(v Verdict) string {
	switch {
	case v.Accepted == nil:
		return "depends"
	case *v.Accepted:
		return "accepted"
	}
	return "rejected"
}

// MediaWiki's parser, version by version, from the token's bytes, with its
// exact exception texts (league hands them on as the hint).
func TestJudgeParser(t *testing.T) {
	key := privateKey(t, "oauth2-private.pem")
	pub := []*rsa.PublicKey{&key.PublicKey}
	hdr := `{"typ":"JWT","alg":"RS256"}`
	good := craft(t, hdr, claimsFor("mw:CentralAuth::3"), key)
	parts := strings.Split(good, ".")
	tests := []struct {
		name     string
		raw      string
		master   string // reason on master ("" = parses, reason then checked elsewhere)
		rel143   string
		typeErr  bool
		accepted bool // on master, without a database
	}{
		{"two dots", parts[0] + "." + parts[1], LcobucciTwoDots, LcobucciTwoDots, false, false},
		{"empty signature", parts[0] + "." + parts[1] + ".", LcobucciMissingSig, LcobucciSigMismatch, false, false},
		{"empty header", "." + parts[1] + "." + parts[2], LcobucciMissingHeader, LcobucciBadJSON, false, false},
		{"padding", parts[0] + "=." + parts[1] + "." + parts[2], LcobucciBadBase64, LcobucciBadBase64, false, false},
		{"a newline", parts[0] + "." + parts[1][:10] + "\n" + parts[1][10:] + "." + parts[2], LcobucciBadBase64, LcobucciBadBase64, false, false},
		{"invalid utf-8", craft(t, hdr, "{\"aud\":\"\xff\"}", key), LcobucciBadJSON, LcobucciBadJSON, false, false},
		{"unpaired surrogate", craft(t, hdr, `{"aud":"\udc00"}`, key), LcobucciBadJSON, LcobucciBadJSON, false, false},
		{"header a string", b64(`"x"`) + "." + parts[1] + "." + parts[2], "headers must be an array with non-empty-string keys", "headers must be an array", false, false},
		{"empty key", craft(t, hdr, `{"":1,"jti":"x"}`, key), "claims must be an array with non-empty-string keys", "accepted", false, false},
		{"enc", craft(t, `{"alg":"RS256","enc":"A256GCM"}`, claimsFor("1"), key), LcobucciEncryption, LcobucciEncryption, false, false},
		{"exp a word", craft(t, hdr, `{"exp":"tomorrow"}`, key), LcobucciDateFormat + "tomorrow", LcobucciDateFormat + "tomorrow", false, false},
		{"exp overflows to INF", craft(t, hdr, `{"exp":1e400}`, key), LcobucciDateFormat + "INF", LcobucciDateFormat + "INF", false, false},
		{"exp beyond int64", craft(t, hdr, `{"exp":1e19}`, key), LcobucciDateFormat + "10000000000000000000.000000", LcobucciDateFormat + "10000000000000000000.000000", false, false},
		{"exp true", craft(t, hdr, `{"exp":true}`, key), "", "", true, false},
		{"crit is never read", craft(t, `{"typ":"JWT","alg":"RS256","crit":["exp"]}`, claimsFor("1"), key), "accepted", "accepted", false, true},
		{"1e16 and its integer spelling alike", craft(t, hdr, strings.Replace(claimsFor("1"), "1795342075.52743", "1e16", 1), key), "accepted", "accepted", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, c := range []struct {
				v    Version
				want string
			}{{Master, tt.master}, {V1_43, tt.rel143}} {
				got := judgeIt(t, tt.raw, c.v, pub, nil, nil)
				if tt.typeErr {
					if got.ActionAPI == nil || got.ActionAPI.Status != 500 || !strings.HasPrefix(got.Reason, "PHP TypeError") {
						t.Errorf("%s: want a PHP TypeError (HTTP 500), got %+v", c.v, got)
					}
					continue
				}
				if got.Reason != c.want {
					t.Errorf("%s: reason %q, want %q", c.v, got.Reason, c.want)
				}
				if c.v == Master && (accepted(got) == "accepted") != tt.accepted {
					t.Errorf("%s: %s", c.v, accepted(got))
				}
			}
		})
	}
}

// The request's answers per version: league's refusal texts, and where
// master's REST API surfaces the session provider's message instead.
func TestJudgeAnswers(t *testing.T) {
	key := privateKey(t, "oauth2-private.pem")
	other := privateKey(t, "other-private.pem")
	pub := []*rsa.PublicKey{&key.PublicKey}
	expired := craft(t, `{"typ":"JWT","alg":"RS256"}`, strings.Replace(claimsFor("1"), `"exp":1795342075.52743`, `"exp":1795339000`, 1), other)

	m := judgeIt(t, expired, Master, pub, nil, nil)
	if m.Reason != LcobucciExpired || strings.Join(m.Violations, "|") != LcobucciExpired+"|"+LcobucciSigMismatch {
		t.Errorf("master: %q %v", m.Reason, m.Violations)
	}
	if a := m.ActionAPI; a.Code != MWInvalidAuthorization || a.Message != "The authorization headers in your request are not valid: Invalid access token" {
		t.Errorf("api.php %+v", a)
	}
	if r := m.RESTProfile; r.Status != 403 || !strings.Contains(r.Body, `"messageTranslations":{"en":"The authorization headers in your request are not valid: Invalid access token"}`) {
		t.Errorf("master REST %+v", r)
	}
	old := judgeIt(t, expired, V1_43, pub, nil, nil)
	if r := old.RESTProfile; r.Status != 401 || r.Hint != HintNotVerified {
		t.Errorf("1.43 REST %+v", r)
	}
	if Judge("", KindAccessToken, Input{Rules: Master.Rules(), Now: validAt}).Reason != HintMissingBearer {
		t.Error(`an empty token is not 'Missing "Bearer" token'`)
	}
}

// Who the request runs as and what the session provider refuses, as pure
// functions of the wiki's facts.
func TestJudgeWikiFacts(t *testing.T) {
	key := privateKey(t, "oauth2-private.pem")
	pub := []*rsa.PublicKey{&key.PublicKey}
	tok := func(sub string) string { return craft(t, `{"typ":"JWT","alg":"RS256"}`, claimsFor(sub), key) }
	mwOwner := tok("mw:CentralAuth::1") // master's client_credentials shape: the owner's sub
	user3 := tok("mw:CentralAuth::3")
	withSubject := func(ws *WikiState, id int64, u *UserState) *WikiState {
		ws.SubjectID, ws.SubjectUser = id, u
		return ws
	}
	owner := &UserState{CentralID: 1, Name: "Admin", LockKnown: true}
	dev := &UserState{CentralID: 3, Name: "Dev User", LockKnown: true}
	tests := []struct {
		name     string
		v        Version
		raw      string
		ws       *WikiState
		tweak    func(*Input)
		verdict  string // accepted, rejected, depends
		reason   string
		check    string
		anon     bool
		user     int64
		apiCode  string
		apiTexts string
	}{
		{"acceptance 0: anonymous whatever sub says", Master, mwOwner, withSubject(facts(0), 1, owner), nil, "accepted", "accepted", "consumer", true, 0, "", ""},
		{"acceptance 3: runs as its user", Master, user3, withSubject(facts(3), 3, dev), nil, "accepted", "accepted", "consumer", false, 3, "", ""},
		{"no token row", Master, user3, &WikiState{Consumer: facts(0).Consumer, SubjectID: 3, SubjectUser: dev}, nil, "rejected", HintRevoked, "token-row", false, 0, MWInvalidAuthorization, ""},
		{"revoked row", Master, user3, func() *WikiState { w := withSubject(facts(3), 3, dev); w.TokenRow.Revoked = true; return w }(), nil, "rejected", HintRevoked, "token-row", false, 0, MWInvalidAuthorization, ""},
		{"acceptance row missing", Master, user3, func() *WikiState { w := withSubject(facts(7), 3, dev); w.Acceptance, w.User = nil, nil; return w }(), nil, "rejected", "The authorization headers in your request are not valid: " + MWNoUserApproval, "acceptance", false, 0, MWInvalidAuthorization, MWNoUserApproval},
		{"acceptance 0 of an owner-only client", Master, mwOwner, func() *WikiState { w := withSubject(facts(0), 1, owner); w.Consumer.OwnerOnly = true; return w }(), nil, "rejected", "The authorization headers in your request are not valid: " + MWNoUserApproval, "acceptance", false, 0, MWInvalidAuthorization, ""},
		{"1.43: acceptance 0 with a user in sub", V1_43, tok("1"), withSubject(facts(0), 1, owner), nil, "rejected", "The authorization headers in your request are not valid: " + MWNoUserApproval, "acceptance", false, 0, MWInvalidAuthorization, ""},
		{"1.43: acceptance 0 with an empty sub", V1_43, tok(""), facts(0), nil, "accepted", "accepted", "consumer", true, 0, "", ""},
		{"user gone", Master, user3, func() *WikiState { w := withSubject(facts(3), 3, dev); w.User = nil; return w }(), nil, "rejected", MWInvalidUserMsg, "user", false, 3, MWInvalidUser, ""},
		{"user locked", Master, user3, func() *WikiState {
			w := withSubject(facts(3), 3, dev)
			w.User = &UserState{CentralID: 3, Name: "Dev User", Locked: true, LockKnown: true}
			return w
		}(), nil, "rejected", MWBlockedUserMsg, "user", false, 3, MWBlockedUser, ""},
		{"user blocked sitewide", Master, user3, func() *WikiState {
			w := withSubject(facts(3), 3, dev)
			w.User.Blocked, w.User.BlockSitewide = true, true
			return w
		}(), nil, "depends", "depends on $wgBlockDisablesLogin: the user is blocked sitewide", "user", false, 3, MWBlockedUser, ""},
		{"consumer disabled", Master, mwOwner, func() *WikiState { w := withSubject(facts(0), 1, owner); w.Consumer.Stage = StageDisabled; return w }(), nil, "rejected", MWNotApprovedMsg("E2E Client Credentials App"), "consumer", true, 0, MWNotApproved, ""},
		{"proposed consumer used by its owner", Master, tok("mw:CentralAuth::1"), func() *WikiState {
			w := withSubject(facts(3), 1, owner)
			w.Consumer.Stage, w.Acceptance.UserID, w.User = StageProposed, 1, owner
			return w
		}(), nil, "accepted", "accepted", "consumer", false, 1, "", ""},
		{"stage 5 on master depends on the configuration", Master, mwOwner, func() *WikiState {
			w := withSubject(facts(0), 1, owner)
			w.Consumer.Stage = StageConfigurationBased
			return w
		}(), nil, "depends", "depends on $wgOAuthStaticApps", "consumer", true, 0, "", ""},
		{"stage 5 configured", Master, mwOwner, func() *WikiState {
			w := withSubject(facts(0), 1, owner)
			w.Consumer.Stage = StageConfigurationBased
			return w
		}(), func(in *Input) { in.StaticApps = []string{testKey} }, "accepted", "accepted", "consumer", true, 0, "", ""},
		{"stage 5 on 1.43 is just unusable", V1_43, tok(""), func() *WikiState { w := facts(0); w.Consumer.Stage = StageConfigurationBased; return w }(), nil, "rejected", MWNotApprovedMsg("E2E Client Credentials App"), "consumer", true, 0, MWNotApproved, ""},
		{"acceptance for another wiki", Master, user3, func() *WikiState { w := withSubject(facts(3), 3, dev); w.Acceptance.Wiki = "enwiki"; return w }(), func(in *Input) { in.WikiID = "metawiki" }, "rejected", "The authorization headers in your request are not valid for metawiki", "wiki", false, 3, MWWrongWiki, ""},
		{"consumer for another wiki", Master, mwOwner, func() *WikiState { w := withSubject(facts(0), 1, owner); w.Consumer.Wiki = "enwiki"; return w }(), func(in *Input) { in.WikiID = "metawiki" }, "rejected", "The authorization headers in your request are not valid for metawiki", "wiki", true, 0, MWWrongWiki, ""},
		{"subject scope mismatch", Master, tok("mw:local:otherwiki:3"), withSubject(facts(3), 3, dev), func(in *Input) { in.SubjectScope = CentralAuthScope }, "rejected", HintInvalidScope, "subject", false, 0, MWInvalidAuthorization, ""},
		{"1.43 has no subject scope check", V1_43, tok("3"), withSubject(facts(3), 3, dev), func(in *Input) { in.SubjectScope = CentralAuthScope }, "accepted", "accepted", "consumer", false, 3, "", ""},
		{"master: the user sub names must exist", Master, user3, withSubject(facts(3), 3, nil), nil, "rejected", InvalidUserRS, "subject", false, 0, MWInvalidAuthorization, InvalidUserRS},
		{"not an OAuth 2 client", Master, mwOwner, func() *WikiState { w := withSubject(facts(0), 1, owner); w.Consumer.OAuthVersion = 1; return w }(), nil, "rejected", InvalidClientRS, "consumer", false, 0, MWInvalidAuthorization, InvalidClientRS},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := judgeIt(t, tt.raw, tt.v, pub, tt.ws, tt.tweak)
			if accepted(got) != tt.verdict || got.Reason != tt.reason || got.Check != tt.check {
				t.Fatalf("%s %q check %q; want %s %q check %q (%s)", accepted(got), got.Reason, got.Check, tt.verdict, tt.reason, tt.check, got.Detail)
			}
			if tt.apiCode != "" && (got.ActionAPI == nil || got.ActionAPI.Code != tt.apiCode || !strings.Contains(got.ActionAPI.Message, tt.apiTexts)) {
				t.Errorf("api.php %+v, want code %s with %q", got.ActionAPI, tt.apiCode, tt.apiTexts)
			}
			if tt.verdict == "accepted" || tt.user != 0 || tt.anon {
				u := got.User
				switch {
				case u == nil:
					t.Fatal("no user")
				case u.Anonymous != tt.anon || u.Source != "acceptance":
					t.Errorf("user %+v, want anonymous=%v from the acceptance", u, tt.anon)
				case !tt.anon && tt.user != 0 && (u.CentralID == nil || *u.CentralID != tt.user):
					t.Errorf("user %+v, want %d", u, tt.user)
				}
			}
			// The state alone decides the same way whatever the token's times.
			if st := JudgeWikiState(tt.raw, KindAccessToken, Input{Rules: tt.v.Rules(), Now: validAt.AddDate(1, 0, 0), Wiki: tt.ws, WikiID: map[bool]string{true: "metawiki"}[tt.tweak != nil], SubjectScope: subjectScopeOf(tt.tweak), StaticApps: staticOf(tt.tweak)}); accepted(st) != tt.verdict {
				t.Errorf("JudgeWikiState: %s %q", accepted(st), st.Reason)
			}
		})
	}
}

func subjectScopeOf(tweak func(*Input)) string {
	var in Input
	if tweak != nil {
		tweak(&in)
	}
	return in.SubjectScope
}

func staticOf(tweak func(*Input)) []string {
	var in Input
	if tweak != nil {
		tweak(&in)
	}
	return in.StaticApps
}

// Without a database the user is a guess from sub, said to be one.
func TestJudgeWithoutDatabaseGuesses(t *testing.T) {
	key := privateKey(t, "oauth2-private.pem")
	pub := []*rsa.PublicKey{&key.PublicKey}
	for sub, want := range map[string]int64{"mw:CentralAuth::3": 3, "12": 12, "": 0} {
		v := judgeIt(t, craft(t, `{"typ":"JWT","alg":"RS256"}`, claimsFor(sub), key), Master, pub, nil, nil)
		u := v.User
		if accepted(v) != "accepted" || u == nil || u.Source != "sub" || u.Note == "" || len(v.DependsOn) == 0 {
			t.Fatalf("sub %q: %+v", sub, v)
		}
		if (want == 0) != u.Anonymous || want != 0 && *u.CentralID != want {
			t.Errorf("sub %q: user %+v", sub, u)
		}
		if g := SubjectGuess(sub, Master.Rules()); g.Anonymous != u.Anonymous {
			t.Errorf("SubjectGuess(%q) disagrees with Judge", sub)
		}
	}
	// master's client_credentials token of a normal client carries its
	// owner's sub and runs anonymously: its grant_type says which it is.
	// MediaWiki 1.43 writes no grant_type, and its sub decides.
	for v, anon := range map[Version]bool{Master: true, V1_43: false} {
		sub := map[Version]string{Master: "mw:CentralAuth::3", V1_43: "3"}[v]
		cc := strings.Replace(claimsFor(sub), "authorization_code", GrantClientCredentials, 1)
		u := judgeIt(t, craft(t, `{"typ":"JWT","alg":"RS256"}`, cc, key), v, pub, nil, nil).User
		if u == nil || u.Anonymous != anon || u.Source != "sub" || u.Note == "" {
			t.Errorf("%s client_credentials token without a database: user %+v, want anonymous %v", v, u, anon)
		}
	}
}
