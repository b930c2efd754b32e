package mediawiki

import (
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/mwoauth/mwoauth/jwtutil"
)

// Input is what MediaWiki's verdict needs besides the token.
type Input struct {
	Rules Rules
	// Now is the instant to judge at (lcobucci's clock, zero leeway).
	Now time.Time
	// Keys are the wiki's $wgOAuth2PublicKey (candidates). Without any the
	// signature cannot be judged and is assumed not to verify.
	Keys []*rsa.PublicKey
	// Wiki holds the database's facts; nil when no database is configured,
	// and every condition that needs one is listed in DependsOn instead.
	Wiki *WikiState
	// WikiID is the wiki answering the request (WikiMap::getCurrentWikiId):
	// oaac_wiki and oarc_wiki are compared with it. "" when unknown.
	WikiID string
	// SubjectScope is the wiki's CentralIdLookup::getScope() ("CentralAuth:",
	// "local:metawiki"), which master compares a mw: sub with. "" unknown.
	SubjectScope string
	// StaticApps are the consumer keys $wgOAuthStaticApps configures
	// (master), judged as approved whatever their stage-5 shadow row says.
	StaticApps []string
	// AssumeSignature, without Keys, judges the token as if its signature
	// verified: what the wiki does with the token if it is genuine.
	AssumeSignature bool
	// Signature, when set, is the outcome of checking the token's RS256
	// signature with Keys, which the caller already has (verdict checks it
	// once, for its own check and for this one).
	Signature *bool
}

// Verdict predicts what the wiki answers to a request carrying the token.
type Verdict struct {
	Version    Version `json:"version"`
	Applicable bool    `json:"applicable"`
	// Accepted is null when the answer depends on configuration the tool
	// cannot see ($wgOAuthStaticApps, $wgBlockDisablesLogin): Reason says which.
	Accepted *bool `json:"accepted"`
	// Reason is MediaWiki's own reason text: lcobucci's exception or
	// constraint message, league's hint, or the session provider's message.
	Reason string `json:"reason"`
	// Step is where the request is decided: parse, validate, revocation,
	// subject, resource-server, session, or accepted.
	Step string `json:"step"`
	// Detail is mwoauth's one-line account of the refusal: which row or
	// claim, and MediaWiki's code.
	Detail string `json:"detail,omitempty"`
	// Check names the mwoauth verify check the refusal belongs to
	// (token-row, subject, user, consumer, acceptance, wiki, ...).
	Check string `json:"-"`
	// Violations are every lcobucci constraint the token violates (the
	// time constraint and the signature are both checked).
	Violations []string     `json:"violations,omitempty"`
	User       *RequestUser `json:"user,omitempty"`
	// DependsOn lists conditions the verdict assumes but could not check.
	DependsOn   []string    `json:"depends_on,omitempty"`
	ActionAPI   *HTTPAnswer `json:"action_api,omitempty"`
	RESTProfile *HTTPAnswer `json:"rest_profile,omitempty"`
	Note        string      `json:"note,omitempty"`
}

// RequestUser is who a request with the token runs as. MediaWiki takes it
// from the token row's acceptance, never from sub; Source "sub" is a guess
// made without a database.
type RequestUser struct {
	Anonymous bool    `json:"anonymous"`
	CentralID *int64  `json:"central_id"`
	Name      *string `json:"name"`
	Source    string  `json:"source"` // "acceptance" or "sub"
	Note      string  `json:"note,omitempty"`
}

// Steps of a request (Verdict.Step).
const (
	StepParse          = "parse"
	StepValidate       = "validate"
	StepRevocation     = "revocation"
	StepSubject        = "subject"
	StepResourceServer = "resource-server"
	StepSession        = "session"
	StepAccepted       = "accepted"
)

// judge carries one judgement along.
type judge struct {
	in  Input
	r   Rules
	v   Verdict
	tok *ParsedToken
	// stateOnly skips the constraints (times, signature): what the wiki's
	// state alone decides, as if the token verified.
	stateOnly bool
}

func boolPtr(b bool) *bool { return &b }

func (j *judge) depends(format string, a ...any) {
	j.v.DependsOn = append(j.v.DependsOn, fmt.Sprintf(format, a...))
}

// leagueRefusal: league's resource server refuses the token itself. The
// session provider drops league's hint: api.php says "Invalid access token".
func (j *judge) leagueRefusal(step, reason, hint string) Verdict {
	j.v.Accepted, j.v.Step, j.v.Reason = boolPtr(false), step, reason
	if j.v.Detail == "" {
		j.v.Detail = reason
	}
	text := MWInvalidAuthorizationMsg(MWInvalidAccessToken)
	j.v.ActionAPI = actionAPIError(MWInvalidAuthorization, text)
	if j.r.RESTSessionErrors {
		j.v.RESTProfile = restLocalized(MWInvalidAuthorization, text)
	} else {
		j.v.RESTProfile = leagueDenied(hint)
	}
	return j.v
}

// resourceServerRefusal: ResourceServer::setVerifiedInfo throws an
// HttpException, which the session provider catches whole.
func (j *judge) resourceServerRefusal(check, detail, msg string) Verdict {
	j.v.Accepted, j.v.Step, j.v.Reason = boolPtr(false), StepResourceServer, msg
	j.v.Check, j.v.Detail = check, detail
	text := MWInvalidAuthorizationMsg(msg)
	j.v.ActionAPI = actionAPIError(MWInvalidAuthorization, text)
	if j.r.RESTSessionErrors {
		j.v.RESTProfile = restLocalized(MWInvalidAuthorization, text)
	} else {
		j.v.RESTProfile = restHTTPError(403, msg)
	}
	return j.v
}

// sessionRefusal: the session provider refuses the request (code, text);
// REL1_43's REST API never sees it and the resource endpoint still answers.
func (j *judge) sessionRefusal(check, detail, code, text string) Verdict {
	j.v.Accepted, j.v.Step, j.v.Reason = boolPtr(false), StepSession, text
	j.v.Check, j.v.Detail = check, detail
	j.v.ActionAPI = actionAPIError(code, text)
	if j.r.RESTSessionErrors {
		j.v.RESTProfile = restLocalized(code, text)
	} else {
		j.v.RESTProfile = &HTTPAnswer{Status: 200, Note: "this MediaWiki's REST API does not see the session provider's refusal: the resource endpoint still answers"}
	}
	return j.v
}

// fatal: a PHP TypeError escapes every catch.
func (j *judge) fatal(step, where string) Verdict {
	j.v.Accepted, j.v.Step, j.v.Reason = boolPtr(false), step, "PHP TypeError: "+where
	j.v.Detail = "MediaWiki fails with an internal error: " + where
	j.v.ActionAPI = internalError(where)
	j.v.RESTProfile = internalError(where)
	return j.v
}

// Judge predicts MediaWiki's answer to a request whose Authorization header
// is "Bearer <raw>", for the version in.Rules. kind is the token's kind
// (DetectKind; KindAccessToken when the token does not parse).
//
// It follows the request as the wiki serves it: league's BearerTokenValidator
// (lcobucci's parser, LooseValidAt with zero leeway, SignedWith RS256, the
// revocation check), master's subject-scope check, ResourceServer's user and
// client lookups, then the session provider (acceptance, wiki, user, lock,
// block, consumer usability). The first refusal decides, with MediaWiki's
// exact code and text.
func Judge(raw, kind string, in Input) Verdict {
	return (&judge{in: in, r: in.Rules, v: Verdict{Version: in.Rules.Version, Applicable: true}}).run(raw, kind)
}

// JudgeWikiState is Judge as if the token's times and signature were
// fine: what the wiki's state alone (token row, subject, user, consumer,
// acceptance) decides. mwoauth verify reports it next to the time and
// signature checks, so every failing check shows at once.
func JudgeWikiState(raw, kind string, in Input) Verdict {
	return (&judge{in: in, r: in.Rules, v: Verdict{Version: in.Rules.Version, Applicable: true}, stateOnly: true}).run(raw, kind)
}

func (j *judge) run(raw, kind string) Verdict {
	switch kind {
	case KindIdentify:
		j.v.Applicable = false
		j.v.Note = "OAuth 1 identify JWTs are checked by the consumer with its secret; MediaWiki never receives them back"
		return j.v
	case KindSessionJWT:
		return j.sessionJWT(raw)
	}
	if strings.Trim(raw, " \t\n\r\x00\x0b") == "" {
		return j.leagueRefusal(StepParse, HintMissingBearer, HintMissingBearer)
	}
	out := ParseLikeLcobucci(raw, j.r.LcobucciMajor)
	switch {
	case out.TypeError:
		return j.fatal(StepParse, "lcobucci/jwt's Parser::convertDate: "+strings.TrimPrefix(out.Reason, "PHP TypeError: "))
	case out.Token == nil:
		return j.leagueRefusal(StepParse, out.Reason, out.Reason)
	}
	j.tok = out.Token
	if !j.stateOnly {
		if v, done := j.validate(); done {
			return v
		}
	}
	if v, done := j.revocation(); done {
		return v
	}
	userAttr, v, done := j.subject()
	if done {
		return v
	}
	if v, done := j.resourceServer(userAttr); done {
		return v
	}
	return j.session(userAttr)
}

// validate is league's $validator->assert(LooseValidAt, SignedWith): every
// violated constraint is collected; the hint is always the same.
func (j *judge) validate() (Verdict, bool) {
	p := j.tok
	date := func(name string) *jwtutil.NumericDate {
		if d, ok := p.Dates[name]; ok {
			return &d
		}
		return nil
	}
	var viol []string
	switch {
	case p.Alg() != "RS256":
		viol = append(timeViolation(date("iat"), date("nbf"), date("exp"), j.in.Now), LcobucciSignerMismatch)
	case len(j.in.Keys) == 0 && j.in.AssumeSignature:
		j.v.Note = "no wiki public key given: the signature is assumed genuine"
		viol = timeViolation(date("iat"), date("nbf"), date("exp"), j.in.Now)
	case len(j.in.Keys) == 0:
		viol = append(timeViolation(date("iat"), date("nbf"), date("exp"), j.in.Now), LcobucciSigMismatch)
		j.v.Note = "no wiki public key given: the signature is assumed not to verify"
	default:
		ok := false
		if j.in.Signature != nil {
			ok = *j.in.Signature
		} else {
			ok = VerifyRS256(p.HeaderB64+"."+p.PayloadB64, p.Signature, j.in.Keys)
		}
		viol = ValidateRS256(date("iat"), date("nbf"), date("exp"), j.in.Now, ok)
	}
	if len(viol) == 0 {
		return Verdict{}, false
	}
	j.v.Violations = viol
	return j.leagueRefusal(StepValidate, viol[0], HintNotVerified), true
}

// ValidateRS256 is league's $validator->assert(LooseValidAt, SignedWith)
// on an RS256 token whose signature check with the wiki's keys came out
// sigOK: every violated constraint, LooseValidAt's (at now, zero leeway)
// before SignedWith's. The date claims are nil when absent. The log
// scanner's fast path calls it for the tokens it judges itself.
func ValidateRS256(iat, nbf, exp *jwtutil.NumericDate, now time.Time, sigOK bool) []string {
	viol := timeViolation(iat, nbf, exp, now)
	if !sigOK {
		viol = append(viol, LcobucciSigMismatch)
	}
	return viol
}

// timeViolation is LooseValidAt with zero leeway: it stops at its first
// violation, iat, then nbf, then exp.
func timeViolation(iat, nbf, exp *jwtutil.NumericDate, at time.Time) []string {
	now := jwtutil.Date(at)
	switch {
	case iat != nil && iat.After(now):
		return []string{LcobucciIssuedInFuture}
	case nbf != nil && nbf.After(now):
		return []string{LcobucciNotYet}
	case exp != nil && !now.Before(*exp):
		return []string{LcobucciExpired}
	}
	return nil
}

// VerifyRS256 is lcobucci's Rsa\Sha256 verify over the exact signing input,
// with any of keys (golang-jwt does the cryptography).
func VerifyRS256(input string, sig []byte, keys []*rsa.PublicKey) bool {
	for _, k := range keys {
		if jwt.SigningMethodRS256.Verify(input, sig, k) == nil {
			return true
		}
	}
	return false
}

// revocation is $accessTokenRepository->isAccessTokenRevoked($claims->get('jti')).
func (j *judge) revocation() (Verdict, bool) {
	j.v.Check = "token-row"
	jti, isStr := j.tok.Claims["jti"].(string)
	if !isStr {
		if j.r.TypedRepositories {
			return j.fatal(StepRevocation, "isAccessTokenRevoked(string $tokenId) is given a jti that is "+phpType(j.tok.Claims["jti"])), true
		}
		j.v.Detail = "no string jti: MediaWiki finds no oauth2_access_tokens row and treats the token as revoked"
		return j.leagueRefusal(StepRevocation, HintRevoked, HintRevoked), true
	}
	if w := j.in.Wiki; w != nil {
		if d := RowProblem(w.TokenRow, jti); d != "" {
			j.v.Detail = d
			return j.leagueRefusal(StepRevocation, HintRevoked, HintRevoked), true
		}
		j.v.Check = ""
		return Verdict{}, false
	}
	j.v.Check = ""
	j.depends("the jti's oauth2_access_tokens row exists and is not revoked (else %q)", HintRevoked)
	return Verdict{}, false
}

// subject is Extension:OAuth's BearerTokenValidator on master: a mw: sub
// must carry the wiki's lookup scope and a numeric id, which becomes the
// user id; any other sub is taken as it is. It returns the oauth_user_id
// attribute as PHP holds it (a string; "" for none).
func (j *judge) subject() (string, Verdict, bool) {
	sub, ok := phpString(j.tok.Claims["sub"])
	if !ok {
		if j.r.SubjectScopeCheck {
			return "", j.fatal(StepSubject, "str_starts_with() is given a sub that is "+phpType(j.tok.Claims["sub"])), true
		}
		return "", Verdict{}, false // REL1_43: setUser's lookup of an array finds nobody
	}
	if !j.r.SubjectScopeCheck || !strings.HasPrefix(sub, "mw:") {
		return sub, Verdict{}, false
	}
	cut := strings.LastIndexByte(sub, ':')
	scope, id := sub[:cut], sub[cut+1:]
	switch {
	case !phpIsNumeric(id):
		j.v.Check, j.v.Detail = "subject", fmt.Sprintf("sub %q does not end in a numeric central id: %q", sub, HintInvalidScope)
		return "", j.leagueRefusal(StepSubject, HintInvalidScope, HintInvalidScope), true
	case j.in.SubjectScope != "" && scope != "mw:"+j.in.SubjectScope:
		j.v.Check, j.v.Detail = "subject", fmt.Sprintf("sub %q has scope %q; the wiki's CentralIdLookup scope is %q: %q", sub, strings.TrimPrefix(scope, "mw:"), j.in.SubjectScope, HintInvalidScope)
		return "", j.leagueRefusal(StepSubject, HintInvalidScope, HintInvalidScope), true
	case j.in.SubjectScope == "":
		j.depends("the wiki's CentralIdLookup scope is %q, the scope in sub (else %q)", strings.TrimPrefix(scope, "mw:"), HintInvalidScope)
	}
	return id, Verdict{}, false
}

// resourceServer is ResourceServer::setVerifiedInfo: the user named by the
// user id attribute, then the client named by aud[0].
func (j *judge) resourceServer(userAttr string) (Verdict, bool) {
	if phpTruthy(userAttr) && j.r.SubjectUserCheck {
		id, ok := centralID(userAttr)
		switch {
		case !ok:
			return j.resourceServerRefusal("subject", fmt.Sprintf("sub names no central user id (%q): %q", userAttr, InvalidUserRS), InvalidUserRS), true
		case j.in.Wiki != nil && (j.in.Wiki.SubjectUser == nil || j.in.Wiki.SubjectID != id):
			return j.resourceServerRefusal("subject", fmt.Sprintf("central user %d, whom sub names, does not exist: %q", id, InvalidUserRS), InvalidUserRS), true
		case j.in.Wiki == nil:
			j.depends("central user %d, whom sub names, exists (else %q)", id, InvalidUserRS)
		}
	}
	key, hasAud := clientKey(j.tok.Claims)
	if !hasAud && j.r.TypedRepositories {
		return j.fatal(StepResourceServer, "ConsumerRepository::getByKey(string $consumerKey) is given null: the token has no aud"), true
	}
	if j.static(key) {
		return Verdict{}, false
	}
	if w := j.in.Wiki; w != nil {
		switch c := w.Consumer; {
		case c == nil || c.Key != key:
			return j.resourceServerRefusal("consumer", fmt.Sprintf("no consumer with key %q: %q", key, InvalidClientRS), InvalidClientRS), true
		case c.OAuthVersion != 2:
			return j.resourceServerRefusal("consumer", fmt.Sprintf("consumer %q is an OAuth %d consumer; OAuth 2 tokens need an OAuth 2 client: %q", c.Name, c.OAuthVersion, InvalidClientRS), InvalidClientRS), true
		}
		return Verdict{}, false
	}
	j.depends("aud %q is an OAuth 2 consumer of this wiki (else %q)", key, InvalidClientRS)
	return Verdict{}, false
}

// static reports whether $wgOAuthStaticApps configures the consumer key.
func (j *judge) static(key string) bool {
	return j.r.StaticApps && key != "" && slices.Contains(j.in.StaticApps, key)
}

// session is SessionProvider::provideSessionInfo after the token verified:
// the acceptance (0: an anonymous client_credentials session), its wiki,
// the user, lock and block, then the consumer's usability and wiki.
func (j *judge) session(userAttr string) Verdict {
	w := j.in.Wiki
	key, _ := clientKey(j.tok.Claims)
	if w == nil {
		return j.sessionWithoutDatabase(userAttr, key)
	}
	c := w.Consumer
	static := j.static(key)
	if static {
		// Configuration wins over the shadow row: approved, for everyone.
		c = &Consumer{Key: key, Name: key, Stage: StageApproved, Wiki: "*", OAuthVersion: 2}
		if w.Consumer != nil {
			c.ID, c.Name, c.OwnerID = w.Consumer.ID, w.Consumer.Name, w.Consumer.OwnerID
		}
	}
	var runAs *UserState
	accWiki := c.Wiki
	if w.TokenRow.AcceptanceID == 0 {
		switch {
		case c.OwnerOnly:
			return j.sessionRefusal("acceptance", fmt.Sprintf("oaat_acceptance_id is 0 but consumer %q is owner-only: %q", c.Name, MWNoUserApproval), MWInvalidAuthorization, MWInvalidAuthorizationMsg(MWNoUserApproval))
		case !j.r.AnonymousIgnoresSub && phpTruthy(userAttr):
			// $resourceServer->getUser()->getId() === 0 fails: sub names a user.
			if id, ok := centralID(userAttr); !ok || w.SubjectUser == nil || w.SubjectID != id {
				return j.fatal(StepSession, "getId() on the false that getLocalUserFromCentralId returned for sub")
			}
			return j.sessionRefusal("acceptance", fmt.Sprintf("oaat_acceptance_id is 0 but sub names a user (MediaWiki %s requires none): %q", j.r.Version, MWNoUserApproval), MWInvalidAuthorization, MWInvalidAuthorizationMsg(MWNoUserApproval))
		}
		j.v.User = &RequestUser{Anonymous: true, Source: "acceptance",
			Note: "oaat_acceptance_id is 0: a client_credentials token of a normal client runs anonymously, whatever its sub says"}
	} else {
		a := w.Acceptance
		if a == nil || a.ID != w.TokenRow.AcceptanceID {
			return j.sessionRefusal("acceptance", fmt.Sprintf("no oauth_accepted_consumer row %d (the token row's oaat_acceptance_id): %q", w.TokenRow.AcceptanceID, MWNoUserApproval), MWInvalidAuthorization, MWInvalidAuthorizationMsg(MWNoUserApproval))
		}
		accWiki = a.Wiki
		if c.ID != 0 && a.ConsumerID != c.ID {
			j.v.Note = fmt.Sprintf("the acceptance belongs to consumer #%d, not to aud's consumer #%d: MediaWiki judges the acceptance's consumer", a.ConsumerID, c.ID)
		}
		id := a.UserID
		j.v.User = &RequestUser{CentralID: &id, Source: "acceptance"}
		if w.User != nil {
			name := w.User.Name
			j.v.User.Name = &name
		}
		runAs = w.User
	}
	if v, done := j.wiki(accWiki, "the acceptance"); done {
		return v
	}
	if j.v.User.Anonymous {
		// An anonymous session: no user to lock or block.
	} else {
		switch u := runAs; {
		case u == nil:
			return j.sessionRefusal("user", fmt.Sprintf("central user %d of the acceptance does not exist: %s", *j.v.User.CentralID, MWInvalidUser), MWInvalidUser, MWInvalidUserMsg)
		case u.Locked:
			return j.sessionRefusal("user", fmt.Sprintf("user %q is locked (CentralAuth): %s", u.Name, MWBlockedUser), MWBlockedUser, MWBlockedUserMsg)
		case !u.LockKnown:
			j.depends("user %q is not locked (no CentralAuth database consulted)", u.Name)
		}
		if u := runAs; u.Blocked && u.BlockSitewide {
			j.v.Accepted, j.v.Step = nil, StepSession
			j.v.Reason = "depends on $wgBlockDisablesLogin: the user is blocked sitewide"
			j.v.Check, j.v.Detail = "user", fmt.Sprintf("user %q is blocked sitewide: with $wgBlockDisablesLogin MediaWiki answers %s, without it (the default) the request runs and edits are refused", u.Name, MWBlockedUser)
			j.v.ActionAPI = actionAPIError(MWBlockedUser, MWBlockedUserMsg)
			j.v.ActionAPI.Note = "with $wgBlockDisablesLogin; without it (the default) the request runs as the blocked user, who cannot edit"
			j.v.RESTProfile = &HTTPAnswer{Status: 200, Note: "without $wgBlockDisablesLogin"}
			return j.v
		}
	}
	if j.r.StaticApps && c.Stage == StageConfigurationBased && !static {
		j.v.Accepted, j.v.Step = nil, StepSession
		j.v.Reason = "depends on $wgOAuthStaticApps"
		j.v.Check, j.v.Detail = "consumer", fmt.Sprintf("consumer %q is configuration-based (stage 5): approved if $wgOAuthStaticApps defines it, else unusable", c.Name)
		j.v.ActionAPI = &HTTPAnswer{Status: 200, Note: "if $wgOAuthStaticApps configures the app; else " + MWNotApproved}
		return j.v
	}
	var uid int64
	if runAs != nil {
		uid = runAs.CentralID
	}
	if !c.UsableBy(uid) {
		return j.sessionRefusal("consumer", fmt.Sprintf("consumer %q is %s: not usable by %s, MediaWiki answers %s", c.Name, c.StageLabel(), j.who(), MWNotApproved), MWNotApproved, MWNotApprovedMsg(c.Name))
	}
	j.v.Check, j.v.Detail = "consumer", fmt.Sprintf("consumer %q is %s and usable by %s", c.Name, c.StageLabel(), j.who())
	if static {
		j.v.Detail = fmt.Sprintf("consumer %q is configured in $wgOAuthStaticApps: approved", c.Name)
	}
	if c.Deleted {
		j.v.Detail += " (suppressed, which MediaWiki does not consult)"
	}
	if v, done := j.wiki(c.Wiki, "the consumer"); done {
		return v
	}
	return j.accepted()
}

// wiki compares oaac_wiki or oarc_wiki with the wiki answering.
func (j *judge) wiki(wiki, whose string) (Verdict, bool) {
	switch {
	case wiki == "*" || wiki == "":
	case j.in.WikiID == "":
		j.depends("this wiki is %q, %s's wiki (else %s)", wiki, whose, MWWrongWiki)
	case wiki != j.in.WikiID:
		return j.sessionRefusal("wiki", fmt.Sprintf("%s is for wiki %q, this wiki is %q: %s", whose, wiki, j.in.WikiID, MWWrongWiki), MWWrongWiki, MWWrongWikiMsg(j.in.WikiID)), true
	}
	return Verdict{}, false
}

// who names the request's user for messages.
func (j *judge) who() string {
	u := j.v.User
	switch {
	case u == nil || u.Anonymous || u.CentralID == nil:
		return "anonymous (user id 0)"
	case u.Name != nil:
		return fmt.Sprintf("%s (central user id %d)", *u.Name, *u.CentralID)
	}
	return fmt.Sprintf("central user id %d", *u.CentralID)
}

func (j *judge) accepted() Verdict {
	j.v.Accepted, j.v.Step, j.v.Reason = boolPtr(true), StepAccepted, "accepted"
	j.v.ActionAPI = &HTTPAnswer{Status: 200, Message: "request runs as " + j.who()}
	j.v.RESTProfile = &HTTPAnswer{Status: 200}
	return j.v
}

// sessionWithoutDatabase guesses who the request runs as from sub and lists
// what the session provider would check.
func (j *judge) sessionWithoutDatabase(userAttr, key string) Verdict {
	grant, _ := j.tok.Claims["grant_type"].(string)
	j.v.User = guess(userAttr, grant, j.r)
	j.depends("the token row's acceptance exists (else %q)", MWInvalidAuthorizationMsg(MWNoUserApproval))
	j.depends("the consumer is usable by that user: approved, or proposed and used by its owner (else %s)", MWNotApproved)
	j.depends("the acceptance's and the consumer's wiki is this wiki or * (else %s)", MWWrongWiki)
	j.depends("the user exists and is not locked (else %s / %s)", MWInvalidUser, MWBlockedUser)
	v := j.accepted()
	v.Note = strings.TrimSpace(v.Note + " no database configured: wiki state not checked")
	return v
}

// SubjectGuess is who a request with a token whose sub is sub, and whose
// grant_type is not client_credentials, runs as, guessed without a
// database (Source "sub"): the same guess Judge makes.
func SubjectGuess(sub string, r Rules) *RequestUser {
	attr := sub
	if r.SubjectScopeCheck && strings.HasPrefix(sub, "mw:") {
		attr = sub[strings.LastIndexByte(sub, ':')+1:]
	}
	return guess(attr, "", r)
}

// guess is who the request runs as, from the token alone. Where the version
// runs a client_credentials token of a normal client anonymously whatever
// its sub says (master: the token row's acceptance is 0), its grant_type
// claim tells: only such tokens carry grant_type client_credentials, as
// owner-only tokens carry none.
func guess(userAttr, grantType string, r Rules) *RequestUser {
	u := &RequestUser{Source: "sub"}
	if r.AnonymousIgnoresSub && grantType == GrantClientCredentials {
		u.Anonymous = true
		u.Note = "a guess from the token: grant_type client_credentials is a normal client's client_credentials token, whose token row's acceptance is 0, so it runs anonymously whatever its sub says; give a database to read the acceptance"
		return u
	}
	if id, ok := centralID(userAttr); ok && phpTruthy(userAttr) {
		u.CentralID = &id
		u.Note = "a guess from sub: MediaWiki takes the user from the token row's acceptance (oaat_acceptance_id -> oaac_user_id); give a database to read it"
		if r.AnonymousIgnoresSub {
			u.Note += "; a client_credentials token of a normal client (acceptance 0) runs anonymously whatever sub says"
		}
		return u
	}
	u.Anonymous = true
	u.Note = "a guess from sub: no user in sub, as in a client_credentials token of a normal client (acceptance 0); give a database to read the acceptance"
	return u
}

// sessionJWT judges a core sessionJwt cookie (JwtSessionCookieHelper): its
// parse and LooseValidAt+signature, nothing of the OAuth tables. MediaWiki
// ignores sxp.
func (j *judge) sessionJWT(raw string) Verdict {
	j.v.Note = "sessionJwt cookie: MediaWiki ignores sxp (soft expiry); rejections surface as " + MWInvalidJWTCookie
	out := ParseLikeLcobucci(raw, j.r.LcobucciMajor)
	reason := out.Reason
	if out.Token != nil {
		j.tok = out.Token
		if v, done := j.validate(); done {
			reason = v.Reason
		}
	}
	if reason == "" {
		j.v.Accepted, j.v.Step, j.v.Reason = boolPtr(true), StepAccepted, "accepted"
		j.v.ActionAPI, j.v.RESTProfile = nil, nil
		return j.v
	}
	if reason == LcobucciExpired {
		reason = "JWT error: hard-expired"
	}
	j.v.Accepted, j.v.Reason = boolPtr(false), reason
	j.v.ActionAPI = actionAPIError(MWInvalidJWTCookie, MWInvalidJWTCookieMsg(reason))
	j.v.RESTProfile = nil
	return j.v
}

// clientKey is league's $claims->get('aud')[0] after lcobucci's (array)
// cast: a string aud is a one-element list. ok is false without aud.
func clientKey(claims map[string]any) (string, bool) {
	a, ok := claims["aud"]
	if !ok || a == nil {
		return "", false
	}
	switch v := a.(type) {
	case []any:
		if len(v) == 0 {
			return "", false
		}
		s, _ := phpString(v[0])
		return s, true
	default:
		s, _ := phpString(v)
		return s, true
	}
}

// phpString is a claim as PHP converts it to a string outside strict mode;
// ok is false for arrays and objects (a TypeError).
func phpString(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", true
	case string:
		return x, true
	case bool:
		if x {
			return "1", true
		}
		return "", true
	case json.Number:
		return x.String(), true
	}
	return "", false
}

// phpType names a decoded JSON value's PHP type for messages.
func phpType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a bool"
	case json.Number:
		return "a number"
	case string:
		return "a string"
	}
	return "an array"
}

// phpTruthy is PHP's boolean conversion of a string: "" and "0" are false.
func phpTruthy(s string) bool { return s != "" && s != "0" }

// centralID reads a user id attribute as the central id lookup does: digits,
// or a numeric string with an integral value.
func centralID(s string) (int64, bool) {
	if !phpIsNumeric(s) {
		return 0, false
	}
	t := strings.Trim(s, " \t\n\r\v\f")
	if n, err := strconv.ParseInt(t, 10, 64); err == nil {
		return n, n > 0
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f != math.Trunc(f) || f <= 0 || f >= math.MaxInt64 {
		return 0, false
	}
	return int64(f), true
}

// phpIsNumeric is PHP's is_numeric for strings.
func phpIsNumeric(s string) bool { return jwtutil.PHPIsNumeric(s) }

// RowProblem is MediaWiki's revocation rule for a jti (league's
// isAccessTokenRevoked: no row, or oaat_revoked set; oaat_expires is never
// read), worded; "" when the row lets the token through.
func RowProblem(row *AccessToken, jti string) string {
	switch {
	case jti == "":
		return "no jti: MediaWiki finds no oauth2_access_tokens row and treats the token as revoked"
	case row == nil || row.Identifier != jti:
		return "no oauth2_access_tokens row for this jti: MediaWiki treats the token as revoked"
	case row.Revoked:
		return "oauth2_access_tokens row is revoked (oaat_revoked=1)"
	}
	return ""
}
