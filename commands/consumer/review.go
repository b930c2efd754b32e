package consumer

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/commands/dbcmd"
	"github.com/mwoauth/mwoauth/mediawiki"
	"github.com/mwoauth/mwoauth/review"
)

// ReviewOptions are what "consumer review" runs with.
type ReviewOptions struct {
	JudgeOptions
	ApproveLowRisk bool
	// ApprovePrefix is what the printed approve commands start with: the
	// command and the database flags this run was given.
	ApprovePrefix string
}

// reviewItem is the stable JSON shape of one proposal.
type reviewItem struct {
	judgedItem
	Stage            string   `json:"stage"`
	AutoExpired      bool     `json:"auto_expired"`
	AutoExpires      string   `json:"auto_expires"`
	Proposed         string   `json:"proposed"`
	AgeDays          int      `json:"age_days"`
	Wiki             string   `json:"wiki"`
	IPRestrictions   []string `json:"ip_restrictions"`
	AnyAddress       bool     `json:"any_address"`
	PageRestrictions []string `json:"page_restrictions"`
	oauth2View
	DescriptionLength  int            `json:"description_length"`
	Email              string         `json:"email"`
	EmailAuthenticated bool           `json:"email_authenticated"`
	SimilarNames       []review.Known `json:"similar_names"`
	SimilarCount       int            `json:"similar_count"`
}

func reviewItemOf(a review.Assessment, now time.Time) reviewItem {
	c := a.Consumer
	it := reviewItem{judgedItem: judgedItemOf(a, now), Stage: a.Stage, AutoExpired: a.AutoExpired, AutoExpires: rfc3339(a.ExpiresAt),
		Wiki: c.Wiki, IPRestrictions: a.Restrictions.IPAddresses, AnyAddress: a.Restrictions.AnyAddress(),
		PageRestrictions: a.Restrictions.Pages, oauth2View: oauth2Of(c),
		DescriptionLength: utf8.RuneCountInString(c.Description), Email: c.Email,
		EmailAuthenticated: strings.TrimSpace(c.EmailAuthenticated) != "", SimilarNames: a.Similar, SimilarCount: a.SimilarCount}
	if t, err := mediawiki.ParseTimestamp(c.StageTimestamp); err == nil {
		it.Proposed = rfc3339(t)
		it.AgeDays = int(now.Sub(t).Hours() / 24)
	}
	if it.SimilarNames == nil {
		it.SimilarNames = []review.Known{}
	}
	return it
}

func newCmdReview(f *cmdutil.Factory, runF func(*ReviewOptions) error) *cobra.Command {
	opts := &ReviewOptions{JudgeOptions: JudgeOptions{baseOptions: newBaseOptions(f)}}
	cmd := &cobra.Command{
		Use:   "review",
		Short: "The proposal queue, riskiest first, with the reasons the guidelines care about",
		Long: `Judge every proposed consumer (stage 0) the way the OAuth policies do, and
list them riskiest first, then oldest first. Nothing is written.

Per proposal: its grants with their risk groups and the highest one; the
callback and whether it is a prefix; * (every wiki) or its wiki; owner-only;
IP restrictions (0.0.0.0/0 and ::/0 mean none); OAuth version and
confidentiality; the owner's account (registration, edit count, groups,
block, CentralAuth lock with --centralauth-db) and their other consumers and
how those ended; near-duplicate names of other owners' consumers; the
description's length; whether the contact email is confirmed; and
auto-expiry: a proposal older than $wgMWOAuthRequestExpirationAge (setting
request-expiration-age, default 30 days) is expired for the wiki
(auto-maintenance pending), which can be approved but no longer rejected.

Every point of risk is a reason with a stable code and a level; the
proposal's risk is its highest reason level (low when it has none). Levels,
lowest first: low, vandalism, unknown, security, internal. Reason codes:

` + codesHelp("review") + `

` + grantSettingsHelp + `

The policies: the Wikitech OAuth page ("We don't approve consumers with
highly security-sensitive permissions (e.g. Javascript editing) ... We
sometimes approve consumers with no limit on the return URL when they have
very minimal privileges") and Meta's OAuth app guidelines (highly sensitive
grants: editmycssjs, editinterface, editsiteconfig, checkuser).

Similar names: both names in lower case with everything but letters and
digits dropped; similar when equal, or one edit apart (names of 5 to 11
such characters), or two (12 or more). Only other owners' consumers count,
in any stage.

--approve-low-risk prints, instead of the queue, one "mwoauth consumer
approve" command per low-risk proposal, for you to read and run; it writes
nothing itself.

--output json prints an array of proposals, riskiest first, each with: ` + judgedFieldsHelp + `,
then stage, auto_expired, auto_expires, proposed (RFC 3339), age_days,
wiki, ip_restrictions, any_address, page_restrictions,
oauth2_is_confidential, oauth2_allowed_grants, description_length, email,
email_authenticated, similar_names (the first 20) [{id, key, name,
version, owner_id, stage, suppressed}], similar_count. MWOAUTH_NOW pins the
instant proposals are judged at.`,
		Example: `  mwoauth consumer review
  mwoauth consumer review -o json | jq -r '.[] | select(.risk == "security") | .key'
  mwoauth consumer review --grant-risk-groups checkuser:security,editinterface:security
  mwoauth consumer review --approve-low-risk`,
		Args: cmdutil.Args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.bind(cmd, f, func() error {
				if opts.ApproveLowRisk && opts.Format != "text" {
					return cmdutil.FlagErrorf("--approve-low-risk prints commands, not --output %s", opts.Format)
				}
				return nil
			}); err != nil {
				return err
			}
			opts.ApprovePrefix = approvePrefix(f.Profile, opts.DB.Settings)
			return cmdutil.Pick(runF, reviewRun)(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.ApproveLowRisk, "approve-low-risk", false, "Print the approve commands for the low-risk proposals (writes nothing)")
	addGrantFlags(cmd, false)
	addExpiryFlag(cmd)
	addBaseFlags(cmd, "text", "json")
	return cmd
}

// approvePrefix carries the database a run was pointed at by flag into the
// commands it prints, so they act on the same wiki: profile is --profile's
// value ("" when not given), s the database settings. A DSN's password is
// never printed (MWOAUTH_DB_PASSWORD or ~/.my.cnf supplies it).
func approvePrefix(profile string, s dbcmd.Settings) string {
	parts := []string{"mwoauth"}
	if profile != "" {
		parts = append(parts, "--profile", shellQuote(profile))
	}
	parts = append(parts, "consumer", "approve")
	for _, v := range []cmdutil.Value{s.DB, s.TablePrefix, s.CentralAuth} {
		if v.Source == cmdutil.SourceFlag {
			parts = append(parts, "--"+v.Key, shellQuote(v.Shown()))
		}
	}
	return strings.Join(parts, " ")
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@=,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func reviewRun(opts *ReviewOptions) error {
	var queue []review.Assessment
	err := opts.withSource(func(src review.Source) (err error) {
		queue, err = review.Queue(opts.Ctx, src, opts.Policy)
		return err
	})
	if err != nil {
		return err
	}
	now := opts.Policy.Now
	switch {
	case opts.Format == "json":
		items := make([]reviewItem, 0, len(queue))
		for _, a := range queue {
			items = append(items, reviewItemOf(a, now))
		}
		return cmdutil.WriteJSON(opts.IO.Out, items)
	case opts.ApproveLowRisk:
		return printApproveCommands(opts, queue)
	}
	return printQueue(opts.IO, queue, now)
}

// printApproveCommands prints one approve command per low-risk proposal.
// The keys are the database's, checked to be 32 hex digits before they are
// put in a command line.
func printApproveCommands(opts *ReviewOptions, queue []review.Assessment) error {
	n, skipped := 0, 0
	for _, a := range queue {
		if a.Risk != mediawiki.RiskLow {
			skipped++
			continue
		}
		if !isKey(a.Consumer.Key) {
			fmt.Fprintf(opts.IO.ErrOut, "skipped consumer %d: its key %s is not 32 hex digits\n", a.Consumer.ID, cmdutil.Safe(a.Consumer.Key))
			continue
		}
		fmt.Fprintf(opts.IO.Out, "%s %s --reason %s\n", opts.ApprovePrefix, a.Consumer.Key,
			shellQuote(fmt.Sprintf("Low risk in review (%s)", summary(a))))
		n++
	}
	fmt.Fprintf(opts.IO.ErrOut, "%d low-risk proposal(s) of %d; %d left for a closer look. Nothing was written: read the commands, then run them.\n",
		n, len(queue), skipped)
	return nil
}

// summary is the grants of a proposal in a few words, for an approve reason.
func summary(a review.Assessment) string {
	var gs []string
	for _, g := range a.Grants {
		if !mediawiki.IsHiddenGrant(g.Grant) {
			gs = append(gs, cmdutil.Safe(g.Grant)) // one line, whatever the row holds
		}
	}
	if len(gs) == 0 {
		return "basic grants only"
	}
	s := "grants: " + strings.Join(gs, ", ")
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

func isKey(s string) bool {
	if len(s) != 32 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}

// printQueue renders the queue for people: one block per proposal.
func printQueue(ios *cmdutil.IOStreams, queue []review.Assessment, now time.Time) error {
	out := ios.Out
	st := ios.Styles()
	if len(queue) == 0 {
		fmt.Fprintln(ios.ErrOut, "No proposals are waiting.")
		return nil
	}
	counts := map[mediawiki.RiskGroup]int{}
	for _, a := range queue {
		counts[a.Risk]++
	}
	var parts []string
	for _, r := range []mediawiki.RiskGroup{mediawiki.RiskInternal, mediawiki.RiskSecurity, mediawiki.RiskUnknown, mediawiki.RiskVandalism, mediawiki.RiskLow} {
		if counts[r] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[r], r))
		}
	}
	fmt.Fprintf(out, "%s: %d, riskiest first (%s; judged %s)\n\n", st.Bold.Render("Proposals"), len(queue), strings.Join(parts, ", "),
		now.Format("2006-01-02 15:04 UTC"))
	t := summaryTable(ios, "AGE")
	for _, a := range queue {
		age := "?"
		if ts, err := mediawiki.ParseTimestamp(a.Consumer.StageTimestamp); err == nil {
			age = fmt.Sprintf("%dd", int(now.Sub(ts).Hours()/24))
		}
		summaryRow(t, st, a, age)
	}
	if err := t.Render(out); err != nil {
		return err
	}
	for _, a := range queue {
		fmt.Fprintln(out)
		printProposal(out, st, a, now)
	}
	return nil
}

func printProposal(out io.Writer, st *cmdutil.Styles, a review.Assessment, now time.Time) {
	it := reviewItemOf(a, now)
	c := a.Consumer
	var fields []field
	add := func(name, value string) { fields = append(fields, field{name, value}) }
	proposed := "unknown"
	if it.Proposed != "" {
		t, _ := time.Parse(time.RFC3339, it.Proposed)
		proposed = fmt.Sprintf("%s (%s)", t.Format("2006-01-02 15:04 UTC"), ago(now, t))
	}
	switch {
	case a.AutoExpired:
		proposed += "; " + st.Warn.Render("expired for the wiki since "+a.ExpiresAt.Format("2006-01-02")+" (auto-maintenance pending): approve or leave, not reject")
	case !a.ExpiresAt.IsZero():
		proposed += "; auto-expires " + a.ExpiresAt.Format("2006-01-02")
	}
	add("proposed", proposed)
	add("grants", fmt.Sprintf("%s; highest %s", grantsLine(a.Grants), a.Highest))
	cb := cmdutil.Safe(orNone(c.CallbackURL))
	if c.CallbackIsPrefix && c.OAuthVersion != 2 {
		cb += " (prefix)"
	} else {
		cb += " (exact)"
	}
	add("callback", cb)
	wiki := cmdutil.Safe(c.Wiki)
	if c.Wiki == "*" {
		wiki = "* (every wiki)"
	}
	add("wiki", wiki)
	add("owner-only", yesNo(c.OwnerOnly))
	ips := "none (any address)"
	if !a.Restrictions.AnyAddress() {
		ips = cmdutil.Safe(strings.Join(a.Restrictions.IPAddresses, ", "))
	}
	if len(a.Restrictions.Pages) > 0 {
		ips += "; pages: " + cmdutil.Safe(strings.Join(a.Restrictions.Pages, ", "))
	}
	add("restrictions", ips)
	oauth := fmt.Sprintf("OAuth %d", c.OAuthVersion)
	if c.OAuthVersion == 2 {
		conf := "public client"
		if c.OAuth2Confidential {
			conf = "confidential"
		}
		oauth += fmt.Sprintf(", %s, %s", conf, cmdutil.Safe(orNone(strings.Join(c.OAuth2AllowedGrants, ", "))))
	}
	add("oauth", oauth)
	add("description", fmt.Sprintf("%d characters", it.DescriptionLength))
	email := "not confirmed"
	if it.EmailAuthenticated {
		email = "confirmed"
	}
	add("email", cmdutil.Safe(orNone(c.Email))+" ("+email+")")
	if len(a.Similar) > 0 {
		var names []string
		for _, s := range a.Similar {
			names = append(names, fmt.Sprintf("%s (id %d, %s)", cmdutil.Safe(s.Name), s.ID, s.Stage))
		}
		if more := a.SimilarCount - len(a.Similar); more > 0 {
			names = append(names, fmt.Sprintf("and %d more", more))
		}
		add("similar", strings.Join(names, "; "))
	}
	printBlock(out, st, a, it.Owner, fields)
}
