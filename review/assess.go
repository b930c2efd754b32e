package review

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mwoauth/mwoauth/mediawiki"
)

// Policy is what the judgement depends on besides the consumer itself.
type Policy struct {
	// Grants is the wiki's grant configuration (risk groups, grant and
	// group rights).
	Grants mediawiki.GrantConfig
	// Sensitive are the grants Meta's OAuth app guidelines call highly
	// sensitive; each one requested is a grant-highly-sensitive reason at
	// security level, whatever its risk group.
	Sensitive []string
	// Now is the instant judged at (ages, auto-expiry, dormancy).
	Now time.Time
	// ExpirationAge is $wgMWOAuthRequestExpirationAge.
	ExpirationAge time.Duration
	// NewAccountAge and FewEdits: owners younger, or with fewer edits, are
	// reported (owner-new-account, owner-few-edits).
	NewAccountAge time.Duration
	FewEdits      int64
	// ShortDescription: descriptions with fewer characters are reported.
	ShortDescription int
	// Dormant: approved consumers without activity for this long are
	// reported by the audit (0: not checked).
	Dormant time.Duration
}

// DefaultSensitiveGrants are the highly sensitive grants of Meta's OAuth
// app guidelines.
var DefaultSensitiveGrants = []string{"editmycssjs", "editinterface", "editsiteconfig", "checkuser"}

// DefaultPolicy is the policy with core's defaults, judged at now.
func DefaultPolicy(now time.Time) Policy {
	return Policy{
		Grants:           mediawiki.DefaultGrantConfig(),
		Sensitive:        slices.Clone(DefaultSensitiveGrants),
		Now:              now,
		ExpirationAge:    mediawiki.DefaultRequestExpirationAge,
		NewAccountAge:    30 * 24 * time.Hour,
		FewEdits:         10,
		ShortDescription: 50,
	}
}

// maxSimilar is how many similar names an assessment keeps (it counts
// them all): a name like "Bot" a thousand consumers share says enough
// with twenty.
const maxSimilar = 20

// Known is a consumer as the rest of the table knows it: enough to tell an
// owner's history and to find similar names, without keeping every row.
type Known struct {
	ID         int64  `json:"id"`
	Key        string `json:"key"`
	Name       string `json:"name"`
	Version    string `json:"version"`
	OwnerID    int64  `json:"owner_id"`
	Stage      string `json:"stage"`
	Suppressed bool   `json:"suppressed"`

	stage int
}

// KnownOf reduces a consumer to what Known keeps. Its strings are cut at
// 255 bytes (MediaWiki's columns hold at most 128): what the table keeps
// per consumer is bounded, whatever a row holds.
func KnownOf(c *mediawiki.Consumer) Known {
	return Known{ID: c.ID, Key: clip(c.Key), Name: clip(c.Name), Version: clip(c.Version), OwnerID: c.OwnerID, Stage: c.StageName(),
		Suppressed: c.Deleted, stage: c.Stage}
}

// clip cuts s to at most 255 bytes on a character boundary.
func clip(s string) string {
	const most = 255
	if len(s) <= most {
		return s
	}
	i := most
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// Ending is how a consumer stands, as an owner's history counts it:
// "suppressed" (whatever its stage), else its stage name.
func (k Known) Ending() string {
	if k.Suppressed {
		return "suppressed"
	}
	return k.Stage
}

// historyNames is how many consumers of each bad ending an owner's
// history keeps by name: three to show, and one for the judged consumer
// itself, which is left out.
const historyNames = 4

// OwnerHistory is what the table says about an owner's consumers: how
// many stand each way, and the first few (lowest ids) of each bad ending
// by name. Memory per owner is bounded, however many consumers they own.
type OwnerHistory struct {
	Counts map[string]int // by Ending
	named  map[string][]Known
}

func (h *OwnerHistory) add(k Known) {
	if h.Counts == nil {
		h.Counts, h.named = map[string]int{}, map[string][]Known{}
	}
	e := k.Ending()
	h.Counts[e]++
	switch e {
	case "suppressed", mediawiki.StageName(mediawiki.StageDisabled), mediawiki.StageName(mediawiki.StageRejected):
		if len(h.named[e]) < historyNames {
			h.named[e] = append(h.named[e], k)
		}
	}
}

// Owner is what the wiki holds about a consumer's owner.
type Owner struct {
	// State is nil when no user has the owner's central id.
	State *mediawiki.UserState
	// History is the owner's consumers (the judged one included; Others
	// leaves it out); nil when the table was not read for it.
	History *OwnerHistory
	// Self is the judged consumer.
	Self Known
}

// OtherCounts counts the owner's other consumers by ending.
func (o Owner) OtherCounts() map[string]int {
	out := map[string]int{}
	if o.History != nil {
		for e, n := range o.History.Counts {
			out[e] = n
		}
	}
	if out[o.Self.Ending()] > 0 {
		out[o.Self.Ending()]--
	}
	return out
}

// othersEnded lists up to three of the owner's other consumers with the
// ending e.
func (o Owner) othersEnded(e string) []Known {
	if o.History == nil {
		return nil
	}
	var out []Known
	for _, k := range o.History.named[e] {
		if k.ID != o.Self.ID && len(out) < historyNames-1 {
			out = append(out, k)
		}
	}
	return out
}

// GrantRisk is one grant with its risk group.
type GrantRisk struct {
	Grant string              `json:"grant"`
	Risk  mediawiki.RiskGroup `json:"risk"`
}

// Assessment is the judgement of one consumer.
type Assessment struct {
	Consumer *mediawiki.Consumer
	Owner    Owner
	Risk     mediawiki.RiskGroup
	Reasons  []Reason
	Grants   []GrantRisk
	Highest  mediawiki.RiskGroup // the grants' highest risk group
	// Restrictions is oarc_restrictions decoded (empty lists when it is
	// unreadable: see the restrictions-unreadable reason).
	Restrictions mediawiki.Restrictions
	// AutoExpired: a proposal past $wgMWOAuthRequestExpirationAge, which
	// the wiki treats as expired (auto-maintenance pending).
	AutoExpired bool
	ExpiresAt   time.Time // when auto-maintenance expires the proposal (zero: not a proposal)
	// Stage is the stage as the wiki acts on it, in words
	// (mediawiki.Consumer.EffectiveStageName).
	Stage string
	// Similar are other owners' consumers with a near-duplicate name, the
	// first maxSimilar of SimilarCount.
	Similar      []Known
	SimilarCount int
	// Activity and LastActivity are the audit's (nil / zero for review).
	Activity     *mediawiki.ConsumerActivity
	LastActivity time.Time
}

// add records a reason.
func (a *Assessment) add(code string, level mediawiki.RiskGroup, format string, args ...any) {
	a.Reasons = append(a.Reasons, Reason{Code: code, Level: level, Detail: fmt.Sprintf(format, args...)})
}

// finish sets the risk (the highest reason level, low without reasons)
// and orders the reasons highest first, keeping the lens order within a
// level.
func (a *Assessment) finish() {
	a.Risk = mediawiki.RiskLow
	for _, r := range a.Reasons {
		if r.Level.Rank() > a.Risk.Rank() {
			a.Risk = r.Level
		}
	}
	sort.SliceStable(a.Reasons, func(i, j int) bool { return a.Reasons[i].Level.Rank() > a.Reasons[j].Level.Rank() })
	if a.Reasons == nil {
		a.Reasons = []Reason{}
	}
}

// Matches are the other owners' consumers whose names are near a
// proposal's (the similarity rule): the first ones, in id order, and how
// many there are.
type Matches struct {
	First []Known
	Count int
}

// MatchesOf makes Matches of a whole list.
func MatchesOf(ks []Known) Matches {
	m := Matches{First: ks, Count: len(ks)}
	if len(ks) > maxSimilar {
		m.First = ks[:maxSimilar:maxSimilar]
	}
	return m
}

// Proposal judges one proposal (stage 0) for the review queue; similar are
// the other owners' consumers whose names are near this one's.
func Proposal(p Policy, c *mediawiki.Consumer, owner Owner, similar Matches) Assessment {
	a := newAssessment(p, c, owner)
	a.AutoExpired = c.AutoExpired(p.Now, p.ExpirationAge)
	a.ExpiresAt = c.AutoExpiresAt(p.ExpirationAge)
	a.Stage = c.EffectiveStageName(p.Now, p.ExpirationAge)
	a.Similar, a.SimilarCount = similar.First, similar.Count
	a.grantReasons(p)
	a.callbackReasons(true)
	if a.Highest.Rank() > mediawiki.RiskLow.Rank() {
		if c.Wiki == "*" {
			a.add(CodeAllWikis, a.Highest, "usable on every wiki (*) with %s-level grants", a.Highest)
		}
		if a.Restrictions.AnyAddress() {
			a.add(CodeIPUnrestricted, a.Highest, "no IP restriction: %s-level grants usable from any address", a.Highest)
		}
	}
	if c.OAuthVersion == 2 && !c.OAuth2Confidential {
		a.add(CodePublicClient, mediawiki.RiskLow, "an OAuth 2 public client: it holds no secret, so PKCE is its only protection")
	}
	a.ownerStateReasons()
	a.ownerAccountReasons(p)
	a.ownerHistoryReasons()
	if similar.Count > 0 {
		var names []string
		for i, s := range similar.First {
			if i == 3 {
				break
			}
			names = append(names, fmt.Sprintf("%q (id %d, %s)", s.Name, s.ID, s.Stage))
		}
		if more := similar.Count - len(names); more > 0 {
			names = append(names, fmt.Sprintf("and %d more", more))
		}
		a.add(CodeNameSimilar, mediawiki.RiskVandalism, "the name is near %s of other owners: %s",
			plural(int64(similar.Count), "consumer"), strings.Join(names, ", "))
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(c.Description)); n < p.ShortDescription {
		a.add(CodeDescriptionShort, mediawiki.RiskLow, "the description has %d characters (fewer than %d)", n, p.ShortDescription)
	}
	if strings.TrimSpace(c.EmailAuthenticated) == "" {
		a.add(CodeEmailUnconfirmed, mediawiki.RiskLow, "the contact email is not confirmed")
	}
	a.finish()
	return a
}

// Approved judges one approved consumer for the audit. act is what the
// database shows of its use (nil when dormancy is not checked).
func Approved(p Policy, c *mediawiki.Consumer, owner Owner, act *mediawiki.ConsumerActivity) Assessment {
	a := newAssessment(p, c, owner)
	a.Activity = act
	a.grantReasons(p)
	a.callbackReasons(false)
	a.ownerStateReasons()
	if c.OwnerOnly && owner.State != nil {
		for _, u := range p.Grants.UnusableGrants(c.Grants, owner.State.Groups) {
			a.add(CodeOwnerLacksRights, mediawiki.RiskVandalism, "the owner holds none of the rights grant %s needs (%s): lost or never held (groups: %s)",
				u.Grant, strings.Join(u.Needs, ", "), groupList(owner.State.Groups))
		}
	}
	if p.Dormant > 0 && act != nil {
		a.dormancy(p, *act)
	}
	a.finish()
	return a
}

func newAssessment(p Policy, c *mediawiki.Consumer, owner Owner) Assessment {
	a := Assessment{Consumer: c, Owner: owner, Highest: p.Grants.HighestRisk(c.Grants), Grants: []GrantRisk{}, Stage: c.StageName()}
	for _, g := range c.Grants {
		a.Grants = append(a.Grants, GrantRisk{Grant: g, Risk: p.Grants.RiskOf(g)})
	}
	r, err := mediawiki.ParseRestrictions(c.Restrictions)
	if err != nil {
		a.add(CodeRestrictionsBad, mediawiki.RiskUnknown, "oarc_restrictions cannot be read: %v", err)
	}
	a.Restrictions = r
	return a
}

// grantReasons gives one reason per risk group above low (naming every
// grant in it), and one per highly sensitive grant.
func (a *Assessment) grantReasons(p Policy) {
	for _, level := range []struct {
		risk mediawiki.RiskGroup
		code string
	}{
		{mediawiki.RiskInternal, CodeGrantInternal},
		{mediawiki.RiskSecurity, CodeGrantSecurity},
		{mediawiki.RiskUnknown, CodeGrantUnknown},
		{mediawiki.RiskVandalism, CodeGrantVandalism},
	} {
		var in []string
		for _, g := range a.Grants {
			if g.Risk == level.risk {
				in = append(in, g.Grant)
			}
		}
		if len(in) == 0 {
			continue
		}
		if level.risk == mediawiki.RiskUnknown {
			a.add(level.code, level.risk, "%s: no risk group is configured (extension grants go in grant-risk-groups)", strings.Join(in, ", "))
			continue
		}
		a.add(level.code, level.risk, "%s: in the %s risk group ($wgGrantRiskGroups)", strings.Join(in, ", "), level.risk)
	}
	var sensitive []string
	for _, g := range a.Consumer.Grants {
		if slices.Contains(p.Sensitive, g) {
			sensitive = append(sensitive, g)
		}
	}
	if len(sensitive) > 0 {
		a.add(CodeGrantSensitive, mediawiki.RiskSecurity, "%s: highly sensitive (Meta's OAuth app guidelines; Wikitech: \"we don't approve consumers with highly security-sensitive permissions\")",
			strings.Join(sensitive, ", "))
	}
}

// callbackReasons judges the callback. Its reasons widen what the grants
// allow, so they carry the grants' highest level (low when all are low). A prefix callback counts for OAuth 1
// only (oarc_callback_is_prefix is read for OAuth 1 consumers). The audit
// reports a prefix only together with grants above low (the Wikitech
// policy allows it with minimal privileges).
func (a *Assessment) callbackReasons(review bool) {
	c := a.Consumer
	if c.CallbackIsPrefix && c.OAuthVersion != 2 && (review || a.Highest.Rank() > mediawiki.RiskLow.Rank()) {
		what := "only low-risk grants: Wikitech allows a prefix with very minimal privileges"
		if a.Highest.Rank() > mediawiki.RiskLow.Rank() {
			what = fmt.Sprintf("with %s-level grants: Wikitech allows a prefix only with very minimal privileges", a.Highest)
		}
		a.add(CodeCallbackPrefix, a.Highest, "the callback %q is a prefix (any URL under it receives the verifier), %s", c.CallbackURL, what)
	}
	if review && insecureCallback(c.CallbackURL) {
		a.add(CodeCallbackInsecure, a.Highest, "the callback %q is plain http to a host that is not loopback", c.CallbackURL)
	}
}

// insecureCallback: http:// to anything but loopback (a desktop app's
// local listener is fine).
func insecureCallback(cb string) bool {
	u, err := url.Parse(strings.TrimSpace(cb))
	if err != nil || !strings.EqualFold(u.Scheme, "http") {
		return false
	}
	switch h := strings.ToLower(u.Hostname()); {
	case h == "localhost", strings.HasSuffix(h, ".localhost"), h == "::1", strings.HasPrefix(h, "127."):
		return false
	}
	return true
}

func (a *Assessment) ownerStateReasons() {
	u := a.Owner.State
	c := a.Consumer
	switch {
	case u == nil:
		a.add(CodeOwnerMissing, mediawiki.RiskSecurity, "the owner's central id %d names no user", c.OwnerID)
		return
	case u.Locked:
		a.add(CodeOwnerLocked, mediawiki.RiskSecurity, "the owner %q is locked (CentralAuth)", u.Name)
	}
	switch {
	case u.Blocked && u.BlockSitewide:
		a.add(CodeOwnerBlocked, mediawiki.RiskSecurity, "the owner %q is blocked sitewide on the central wiki", u.Name)
	case u.Blocked:
		a.add(CodeOwnerBlocked, mediawiki.RiskVandalism, "the owner %q is partially blocked on the central wiki", u.Name)
	}
}

func (a *Assessment) ownerAccountReasons(p Policy) {
	u := a.Owner.State
	if u == nil {
		return
	}
	if reg, err := mediawiki.ParseTimestamp(u.Registration); err == nil && p.Now.Sub(reg) < p.NewAccountAge {
		a.add(CodeOwnerNewAccount, mediawiki.RiskLow, "the owner registered %s (%s ago)", reg.Format("2006-01-02"), days(p.Now.Sub(reg)))
	}
	if u.EditCount < p.FewEdits {
		a.add(CodeOwnerFewEdits, mediawiki.RiskLow, "the owner has %s (fewer than %d)", plural(u.EditCount, "edit"), p.FewEdits)
	}
}

// ownerHistoryReasons: how the owner's other consumers ended.
func (a *Assessment) ownerHistoryReasons() {
	counts := a.Owner.OtherCounts()
	for _, h := range []struct {
		ending, code string
		level        mediawiki.RiskGroup
	}{
		{"suppressed", CodeOwnerSuppressed, mediawiki.RiskSecurity},
		{mediawiki.StageName(mediawiki.StageDisabled), CodeOwnerDisabled, mediawiki.RiskVandalism},
		{mediawiki.StageName(mediawiki.StageRejected), CodeOwnerRejected, mediawiki.RiskLow},
	} {
		n := counts[h.ending]
		if n == 0 {
			continue
		}
		var names []string
		for _, k := range a.Owner.othersEnded(h.ending) {
			names = append(names, fmt.Sprintf("%q (id %d)", k.Name, k.ID))
		}
		list := strings.Join(names, ", ")
		if more := n - len(names); more > 0 {
			list += fmt.Sprintf(" and %d more", more)
		}
		a.add(h.code, h.level, "the owner has %s: %s", plural(int64(n), h.ending+" consumer"), list)
	}
}

// LastActivity is the definition the audit's dormancy uses: the latest of
// the consumer's latest acceptance (oaac_accepted), its latest attributable
// token row, and the time it was last approved or re-enabled
// (oarc_stage_timestamp: a consumer approved yesterday has had no time to
// be used). A token row records only its expiry, which is the last moment
// the token could be used; a row that has not expired yet (or never
// expires, as owner-only tokens) counts as activity now.
func LastActivity(c *mediawiki.Consumer, act mediawiki.ConsumerActivity, now time.Time) time.Time {
	var last time.Time
	later := func(t time.Time) {
		if t.After(last) {
			last = t
		}
	}
	if t, err := mediawiki.ParseTimestamp(c.StageTimestamp); err == nil {
		later(t)
	}
	if t, err := mediawiki.ParseTimestamp(act.LatestAcceptance); err == nil {
		later(t)
	}
	switch exp := act.LatestTokenExpiry; {
	case exp == "infinity":
		later(now)
	case exp != "":
		if t, err := mediawiki.ParseTimestamp(exp); err == nil {
			later(min64(t, now))
		}
	}
	return last
}

func min64(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func (a *Assessment) dormancy(p Policy, act mediawiki.ConsumerActivity) {
	c := a.Consumer
	a.LastActivity = LastActivity(c, act, p.Now)
	if ccOnly(c) {
		a.add(CodeActivityUnknown, mediawiki.RiskLow, "a client_credentials-only client: its tokens carry acceptance id 0, so the database cannot show its use")
		return
	}
	if p.Now.Sub(a.LastActivity) < p.Dormant {
		return
	}
	acc := "no acceptance"
	if act.Acceptances > 0 {
		acc = "latest acceptance " + dateOf(act.LatestAcceptance)
	}
	tok := "no attributable token"
	if act.Tokens > 0 {
		tok = "latest token expiry " + dateOf(act.LatestTokenExpiry)
	}
	a.add(CodeDormant, mediawiki.RiskLow, "no activity for %s (last %s: %s, %s, approved %s)", days(p.Now.Sub(a.LastActivity)),
		a.LastActivity.Format("2006-01-02"), acc, tok, dateOf(c.StageTimestamp))
}

// ccOnly: a normal (not owner-only) OAuth 2 client limited to
// client_credentials, whose use the database cannot attribute.
func ccOnly(c *mediawiki.Consumer) bool {
	return c.OAuthVersion == 2 && !c.OwnerOnly && len(c.OAuth2AllowedGrants) > 0 &&
		!slices.ContainsFunc(c.OAuth2AllowedGrants, func(g string) bool { return g != "client_credentials" })
}

func dateOf(ts string) string {
	if t, err := mediawiki.ParseTimestamp(ts); err == nil {
		return t.Format("2006-01-02")
	}
	return ts
}

func days(d time.Duration) string {
	n := int(d.Hours() / 24)
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

// plural is "1 edit", "3 edits".
func plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func groupList(groups []string) string {
	if len(groups) == 0 {
		return "none"
	}
	return strings.Join(groups, ", ")
}

// nameIndex holds every consumer's normalised name, bucketed by length, so
// a proposal is compared only with names the similarity rule can match
// (at most 2 characters longer or shorter).
type nameIndex struct {
	all     []Known
	norm    [][]rune
	byLen   map[int][]int
	scratch []int
}

func newNameIndex() *nameIndex { return &nameIndex{byLen: map[int][]int{}} }

func (x *nameIndex) add(k Known) {
	n := []rune(NormalizeName(k.Name))
	if len(n) > maxNameRunes {
		n = n[:maxNameRunes]
	}
	x.byLen[len(n)] = append(x.byLen[len(n)], len(x.all))
	x.all = append(x.all, k)
	x.norm = append(x.norm, n)
}

// similar returns the consumers not owned by ownerID and not the consumer
// id itself whose names are near duplicates of name (the similarity rule,
// Similar): the first limit of them in id order (all for limit < 0), and
// how many there are.
func (x *nameIndex) similar(name string, id, ownerID int64, limit int) Matches {
	norm := []rune(NormalizeName(name))
	if len(norm) > maxNameRunes {
		norm = norm[:maxNameRunes]
	}
	var hits []int
	for l := len(norm) - 2; l <= len(norm)+2; l++ {
		for _, i := range x.byLen[l] {
			k := x.all[i]
			if k.ID != id && k.OwnerID != ownerID && similarNormalized(norm, x.norm[i], &x.scratch) {
				hits = append(hits, i)
			}
		}
	}
	sort.Ints(hits)
	m := Matches{Count: len(hits)}
	if limit >= 0 && len(hits) > limit {
		hits = hits[:limit]
	}
	m.First = make([]Known, len(hits))
	for j, i := range hits {
		m.First[j] = x.all[i]
	}
	return m
}

// FindSimilar applies the similarity rule to name against index: the
// consumers, not owned by ownerID and not the consumer id itself, whose
// names are near duplicates, in index order.
func FindSimilar(name string, id, ownerID int64, index []Known) []Known {
	x := newNameIndex()
	for _, k := range index {
		x.add(k)
	}
	return x.similar(name, id, ownerID, -1).First
}

// Rank orders assessments riskiest first, then oldest (by stage
// timestamp: the proposal's time for the queue, the approval's for the
// audit), then by id.
func Rank(as []Assessment) {
	sort.SliceStable(as, func(i, j int) bool {
		a, b := as[i], as[j]
		if ra, rb := a.Risk.Rank(), b.Risk.Rank(); ra != rb {
			return ra > rb
		}
		if ta, tb := a.Consumer.StageTimestamp, b.Consumer.StageTimestamp; ta != tb {
			return ta < tb
		}
		return a.Consumer.ID < b.Consumer.ID
	})
}

// Reaches reports whether the assessment's risk is at level or above.
func (a Assessment) Reaches(level mediawiki.RiskGroup) bool { return a.Risk.Rank() >= level.Rank() }
