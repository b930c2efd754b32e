package consumer

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/mediawiki"
	"github.com/mwoauth/mwoauth/review"
)

// What review and audit both show of a judged consumer: the JSON views
// (judgedItem, ownerView) and the human blocks and overview table.

// rfc3339 renders a time for JSON ("" for the zero time).
func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// ago says how long before now t was, in days.
func ago(now, t time.Time) string {
	d := int(now.Sub(t).Hours() / 24)
	switch {
	case d < 0:
		return "in the future"
	case d == 0:
		return "today"
	case d == 1:
		return "1 day ago"
	}
	return fmt.Sprintf("%d days ago", d)
}

// riskStyle colours a risk level on a terminal.
func riskStyle(st *cmdutil.Styles, r mediawiki.RiskGroup) cmdutil.Style {
	switch r {
	case mediawiki.RiskLow:
		return st.OK
	case mediawiki.RiskVandalism:
		return st.Warn
	}
	return st.Err
}

// judgedItem is what review's and audit's JSON say of every consumer.
type judgedItem struct {
	Key     string `json:"key"`
	Name    string `json:"name"`
	Version string `json:"version"`
	ID      int64  `json:"id"`
	riskView
	callbackView
	OwnerOnly    bool      `json:"owner_only"`
	OAuthVersion int       `json:"oauth_version"`
	Owner        ownerView `json:"owner"`
}

// riskView is the assessment's verdict: the risk, the reasons for it, and
// the grants with their own risk groups.
type riskView struct {
	Risk             mediawiki.RiskGroup `json:"risk"`
	Reasons          []review.Reason     `json:"reasons"`
	Grants           []review.GrantRisk  `json:"grants"`
	HighestGrantRisk mediawiki.RiskGroup `json:"highest_grant_risk"`
}

func judgedItemOf(a review.Assessment, now time.Time) judgedItem {
	c := a.Consumer
	return judgedItem{Key: c.Key, Name: c.Name, Version: c.Version, ID: c.ID,
		riskView:     riskView{Risk: a.Risk, Reasons: a.Reasons, Grants: a.Grants, HighestGrantRisk: a.Highest},
		callbackView: callbackOf(c), OwnerOnly: c.OwnerOnly,
		OAuthVersion: c.OAuthVersion, Owner: ownerOf(a, now)}
}

// judgedFieldsHelp documents judgedItem in both commands' help.
const judgedFieldsHelp = `key, name, version, id, risk, reasons [{code,
level, detail}], grants [{grant, risk}], highest_grant_risk, callback_url,
callback_is_prefix, owner_only, oauth_version, ` + ownerFieldsHelp

// ownerFieldsHelp documents ownerView in both commands' help.
const ownerFieldsHelp = `owner {name, central_id, exists,
registration, age_days, edit_count, groups, blocked, block_sitewide,
locked, lock_known, other_consumers {total, proposed, approved, rejected,
expired, disabled, suppressed}}`

// ownerView is the owner as review and audit JSON show it.
type ownerView struct {
	Name          string         `json:"name"`
	CentralID     int64          `json:"central_id"`
	Exists        bool           `json:"exists"`
	Registration  string         `json:"registration"`
	AgeDays       *int           `json:"age_days"`
	EditCount     int64          `json:"edit_count"`
	Groups        []string       `json:"groups"`
	Blocked       bool           `json:"blocked"`
	BlockSitewide bool           `json:"block_sitewide"`
	Locked        bool           `json:"locked"`
	LockKnown     bool           `json:"lock_known"`
	Consumers     ownerConsumers `json:"other_consumers"`
}

// ownerConsumers counts the owner's other consumers by how they ended.
type ownerConsumers struct {
	Total      int `json:"total"`
	Proposed   int `json:"proposed"`
	Approved   int `json:"approved"`
	Rejected   int `json:"rejected"`
	Expired    int `json:"expired"`
	Disabled   int `json:"disabled"`
	Suppressed int `json:"suppressed"`
}

// add counts n other consumers that ended as ending (a stage name, or
// "suppressed").
func (oc *ownerConsumers) add(ending string, n int) {
	oc.Total += n
	switch ending {
	case "suppressed":
		oc.Suppressed += n
	case mediawiki.StageName(mediawiki.StageProposed):
		oc.Proposed += n
	case mediawiki.StageName(mediawiki.StageApproved):
		oc.Approved += n
	case mediawiki.StageName(mediawiki.StageRejected):
		oc.Rejected += n
	case mediawiki.StageName(mediawiki.StageExpired):
		oc.Expired += n
	case mediawiki.StageName(mediawiki.StageDisabled):
		oc.Disabled += n
	}
}

func ownerOf(a review.Assessment, now time.Time) ownerView {
	c := a.Consumer
	v := ownerView{Name: ownerName(a), CentralID: c.OwnerID, Groups: []string{}}
	if u := a.Owner.State; u != nil {
		v.Exists, v.EditCount = true, u.EditCount
		v.Blocked, v.BlockSitewide, v.Locked, v.LockKnown = u.Blocked, u.BlockSitewide, u.Locked, u.LockKnown
		if u.Groups != nil {
			v.Groups = u.Groups
		}
		if reg, err := mediawiki.ParseTimestamp(u.Registration); err == nil {
			v.Registration = rfc3339(reg)
			d := int(now.Sub(reg).Hours() / 24)
			v.AgeDays = &d
		}
	}
	for ending, n := range a.Owner.OtherCounts() {
		v.Consumers.add(ending, n)
	}
	return v
}

// ownerName is the owner's name as the user table has it, or, when the
// owner was not found there, as the consumer row was read with.
func ownerName(a review.Assessment) string {
	if u := a.Owner.State; u != nil {
		return u.Name
	}
	return a.Consumer.OwnerName
}

// ownerLine is the owner for people: "Bob (central id 5): registered
// 2025-11-22 (365 days ago), 3 edits, groups none; other consumers: 1
// rejected, 1 suppressed".
func ownerLine(o ownerView) string {
	if !o.Exists {
		return fmt.Sprintf("(no such user: central id %d)", o.CentralID)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s (central id %d): ", cmdutil.Safe(o.Name), o.CentralID)
	if o.AgeDays != nil {
		fmt.Fprintf(&b, "registered %s (%d days ago), ", o.Registration[:10], *o.AgeDays)
	} else {
		b.WriteString("registration unknown, ")
	}
	edits := fmt.Sprintf("%d edits", o.EditCount)
	if o.EditCount == 1 {
		edits = "1 edit"
	}
	fmt.Fprintf(&b, "%s, groups %s", edits, cmdutil.Safe(orNone(strings.Join(o.Groups, ", "))))
	switch {
	case o.Blocked && o.BlockSitewide:
		b.WriteString(", BLOCKED sitewide")
	case o.Blocked:
		b.WriteString(", blocked (partial)")
	}
	if o.Locked {
		b.WriteString(", LOCKED")
	}
	oc := o.Consumers
	if oc.Total == 0 {
		b.WriteString("; no other consumers")
		return b.String()
	}
	var parts []string
	for _, p := range []struct {
		n    int
		name string
	}{{oc.Approved, "approved"}, {oc.Proposed, "proposed"}, {oc.Expired, "expired"}, {oc.Rejected, "rejected"}, {oc.Disabled, "disabled"}, {oc.Suppressed, "suppressed"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.name))
		}
	}
	fmt.Fprintf(&b, "; other consumers: %s", strings.Join(parts, ", "))
	return b.String()
}

// grantsLine is "basic (low), editsiteconfig (security)".
func grantsLine(gs []review.GrantRisk) string {
	if len(gs) == 0 {
		return "(none)"
	}
	parts := make([]string, len(gs))
	for i, g := range gs {
		parts[i] = fmt.Sprintf("%s (%s)", cmdutil.Safe(g.Grant), g.Risk)
	}
	return strings.Join(parts, ", ")
}

// printReasons prints a reason list, one per line, details escaped.
func printReasons(out io.Writer, st *cmdutil.Styles, reasons []review.Reason, indent string) {
	if len(reasons) == 0 {
		fmt.Fprintf(out, "%snone\n", indent)
		return
	}
	width := 0
	for _, r := range reasons {
		width = max(width, len(r.Code))
	}
	for _, r := range reasons {
		level := fmt.Sprintf("%-9s", r.Level)
		fmt.Fprintf(out, "%s%s  %-*s  %s\n", indent, riskStyle(st, r.Level).Render(level), width, r.Code, cmdutil.Safe(r.Detail))
	}
}

// summaryTable is the one-line-per-consumer overview above the blocks of
// review and audit: risk, key, name, owner, an extra column (the
// proposal's age, the approval's), and the reason codes. On a narrow
// terminal the names and codes are cut and the extra column goes first.
func summaryTable(ios *cmdutil.IOStreams, extra string) *cmdutil.Table {
	return cmdutil.NewTable(ios, "RISK", "KEY", "NAME", "OWNER", extra, "REASONS").KeepWhole(0, 1).Shrink(2, 3, 5).Optional(4, 5)
}

// summaryRow adds a to the overview. Cells are raw database text: the
// table escapes every cell.
func summaryRow(t *cmdutil.Table, st *cmdutil.Styles, a review.Assessment, extra string) {
	c := a.Consumer
	owner := ownerName(a)
	if owner == "" {
		owner = fmt.Sprintf("#%d", c.OwnerID)
	}
	codes := make([]string, 0, len(a.Reasons))
	for _, r := range a.Reasons {
		codes = append(codes, r.Code)
	}
	t.AddRow(cmdutil.S(string(a.Risk), riskStyle(st, a.Risk)), cmdutil.S(c.Key, st.Key), cmdutil.C(c.Name), cmdutil.C(owner),
		cmdutil.C(extra), cmdutil.C(orNone(strings.Join(codes, ", "))))
}

// field is one "name  value" line of a consumer's block.
type field struct{ name, value string }

// printBlock prints one consumer as review and audit show it: the heading
// (risk, name, version, key, id), the owner, fields, and the reasons.
// Field values are already escaped; the consumer's own strings are
// escaped here.
func printBlock(out io.Writer, st *cmdutil.Styles, a review.Assessment, owner ownerView, fields []field) {
	c := a.Consumer
	fmt.Fprintf(out, "%s  %s %s  %s (id %d)\n", riskStyle(st, a.Risk).Render(fmt.Sprintf("%-9s", a.Risk)),
		st.Bold.Render(cmdutil.Safe(c.Name)), cmdutil.Safe(c.Version), st.Key.Render(cmdutil.Safe(c.Key)), c.ID)
	for _, f := range append([]field{{"owner", ownerLine(owner)}}, fields...) {
		fmt.Fprintf(out, "  %-13s %s\n", f.name, f.value)
	}
	fmt.Fprintln(out, "  reasons")
	printReasons(out, st, a.Reasons, "    ")
}
