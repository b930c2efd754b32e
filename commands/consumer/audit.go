package consumer

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/mediawiki"
	"github.com/mwoauth/mwoauth/review"
)

// AuditOptions are what "consumer audit" runs with.
type AuditOptions struct {
	JudgeOptions
	// FailOn: exit 13 when a consumer's risk reaches it ("" never).
	FailOn mediawiki.RiskGroup
}

// auditReport is the stable JSON shape of "consumer audit". It is
// written streaming (writeAuditJSON): the summary, then one consumer at a
// time.
type auditReport struct {
	auditSummary
	Consumers []auditItem `json:"consumers"`
}

type auditSummary struct {
	JudgedAt     string              `json:"judged_at"`
	Audited      int                 `json:"audited"`
	WithFindings int                 `json:"with_findings"`
	Highest      mediawiki.RiskGroup `json:"highest"`
	DormantDays  int                 `json:"dormant_days"`
	FailOn       string              `json:"fail_on"`
	Failed       bool                `json:"failed"`
}

type auditItem struct {
	judgedItem
	Approved string        `json:"approved"`
	Activity *activityView `json:"activity"`
}

type activityView struct {
	Acceptances       int    `json:"acceptances"`
	LatestAcceptance  string `json:"latest_acceptance"`
	Tokens            int    `json:"tokens"`
	LatestTokenExpiry string `json:"latest_token_expiry"`
	LastActivity      string `json:"last_activity"`
}

func auditItemOf(a review.Assessment, now time.Time) auditItem {
	c := a.Consumer
	it := auditItem{judgedItem: judgedItemOf(a, now), Approved: when(c.StageTimestamp)}
	if act := a.Activity; act != nil {
		it.Activity = &activityView{Acceptances: act.Acceptances, LatestAcceptance: when(act.LatestAcceptance), Tokens: act.Tokens,
			LatestTokenExpiry: when(act.LatestTokenExpiry), LastActivity: rfc3339(a.LastActivity)}
	}
	return it
}

func newCmdAudit(f *cmdutil.Factory, runF func(*AuditOptions) error) *cobra.Command {
	opts := &AuditOptions{JudgeOptions: JudgeOptions{baseOptions: newBaseOptions(f)}}
	var dormant, failOn string
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Audit approved consumers: risky grants, prefix callbacks, owners blocked, locked or gone, dormancy",
		Long: `Judge every approved consumer (stage 1) with the lens of "consumer review"
and list those with findings, riskiest first. Nothing is written.

Findings: grants above low risk that are approved (security ones above
all); OAuth 1 prefix callbacks together with grants above low; owners who
are blocked, locked (with --centralauth-db) or gone; owner-only consumers
whose owner holds none of the privileged rights a grant needs (rights from
core's default $wgGrantPermissions and $wgGroupPermissions, or the
grant-permissions and group-permissions settings); and, with --dormant,
consumers without activity for that long.

Last activity is what the database holds: the latest of the consumer's
latest acceptance (oaac_accepted), its latest access-token row attributable
through an acceptance (a row records only its expiry, the last moment the
token could be used; one that has not expired, or never expires as
owner-only tokens, counts as now), and the time it was last approved or
re-enabled (oarc_stage_timestamp). client_credentials-only clients that are
not owner-only carry acceptance id 0 on their tokens, so their use cannot
be seen: they get activity-unknown instead of dormant.

Reason codes:

` + codesHelp("audit") + `

` + grantSettingsHelp + ` The settings grant-permissions and
group-permissions name files with the JSON of json_encode($wgGrantPermissions)
and json_encode($wgGroupPermissions) (e.g. from "php maintenance/run.php
eval"); the grants or groups they name replace the defaults of those.

--fail-on LEVEL makes the audit exit 13 (audit finding) when any approved
consumer's risk reaches LEVEL (security, vandalism; also internal, unknown,
or low for any finding at all), for a scheduled job; the report is printed
either way and stderr names how many reached it.

--output text (default), json, or csv (one row per finding: key, id, name,
owner, risk, code, level, detail). JSON is one object: judged_at, audited
(approved consumers judged), with_findings, highest, dormant_days, fail_on,
failed, consumers [{` + judgedFieldsHelp + `, approved, activity (null
without --dormant: {acceptances, latest_acceptance, tokens,
latest_token_expiry, last_activity})}]. MWOAUTH_NOW pins the instant judged
at.`,
		Example: `  mwoauth consumer audit
  mwoauth consumer audit --dormant 180d
  mwoauth consumer audit --fail-on security -o json > audit.json   # weekly job: exit 13 on a finding
  mwoauth consumer audit -o csv --group-permissions groups.json`,
		Args: cmdutil.Args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.bind(cmd, f, func() error { return opts.bindAudit(dormant, failOn) }); err != nil {
				return err
			}
			return cmdutil.Pick(runF, auditRun)(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&dormant, "dormant", "", "Report consumers without activity for this `long` (180d, 4320h)")
	fl.StringVar(&failOn, "fail-on", "", "Exit 13 when a finding reaches this `level` (security, vandalism)")
	addGrantFlags(cmd, true)
	addBaseFlags(cmd, "text", "json", "csv")
	return cmd
}

// bindAudit checks audit's own flags, --dormant and --fail-on, into opts.
func (opts *AuditOptions) bindAudit(dormant, failOn string) error {
	if dormant != "" {
		var err error
		if opts.Policy.Dormant, err = parseDays(dormant); err != nil {
			return cmdutil.FlagErrorf("--dormant: %v", err)
		}
	}
	if failOn != "" {
		r, err := mediawiki.ParseRiskGroup(failOn)
		if err != nil && strings.EqualFold(strings.TrimSpace(failOn), string(mediawiki.RiskUnknown)) {
			r, err = mediawiki.RiskUnknown, nil
		}
		if err != nil {
			return cmdutil.FlagErrorf("--fail-on: %v", err)
		}
		opts.FailOn = r
	}
	return nil
}

// parseDays reads --dormant: an age as parseAge reads it (180d, 4320h,
// seconds), at least a second and at most 100,000 days.
func parseDays(s string) (time.Duration, error) {
	d, ok := parseAge(s)
	if !ok || d < time.Second || d > 100_000*24*time.Hour {
		return 0, fmt.Errorf("%q is not a positive duration (like 180d or 4320h)", strings.TrimSpace(s))
	}
	return d, nil
}

func auditRun(opts *AuditOptions) error {
	var found []review.Assessment
	var audited int
	err := opts.withSource(func(src review.Source) (err error) {
		found, audited, err = review.Audit(opts.Ctx, src, opts.Policy)
		return err
	})
	if err != nil {
		return err
	}
	now := opts.Policy.Now
	rep := auditSummary{JudgedAt: rfc3339(now), Audited: audited, Highest: mediawiki.RiskLow, DormantDays: int(opts.Policy.Dormant.Hours() / 24),
		FailOn: string(opts.FailOn)}
	reached := 0
	for _, a := range found {
		if a.Risk.Rank() > rep.Highest.Rank() {
			rep.Highest = a.Risk
		}
		if opts.FailOn != "" && a.Reaches(opts.FailOn) {
			reached++
		}
	}
	rep.WithFindings, rep.Failed = len(found), reached > 0
	switch opts.Format {
	case "json":
		err = writeAuditJSON(opts.IO.Out, rep, found, now)
	case "csv":
		err = writeAuditCSV(opts.IO.Out, found)
	default:
		err = printAudit(opts.IO, rep, found, now)
	}
	if err != nil {
		return err
	}
	if rep.Failed {
		return cmdutil.Exitf(cmdutil.ExitAuditFinding, "%d approved consumer(s) have findings at %s level or above (--fail-on %s)", reached, opts.FailOn, opts.FailOn)
	}
	return nil
}

// writeAuditJSON writes the report as WriteJSON of the whole auditReport
// would, one consumer at a time, so printing it costs the memory of one
// item rather than of the whole document.
func writeAuditJSON(w io.Writer, sum auditSummary, found []review.Assessment, now time.Time) error {
	var head bytes.Buffer
	if err := cmdutil.WriteJSON(&head, sum); err != nil {
		return err
	}
	if _, err := w.Write(bytes.TrimSuffix(head.Bytes(), []byte("\n}\n"))); err != nil {
		return err
	}
	if len(found) == 0 {
		_, err := io.WriteString(w, ",\n  \"consumers\": []\n}\n")
		return err
	}
	for i, a := range found {
		sep := ",\n    "
		if i == 0 {
			sep = ",\n  \"consumers\": [\n    "
		}
		if _, err := io.WriteString(w, sep); err != nil {
			return err
		}
		if err := cmdutil.WriteJSONIndented(w, auditItemOf(a, now), "    "); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "\n  ]\n}\n")
	return err
}

func writeAuditCSV(w io.Writer, found []review.Assessment) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"key", "id", "name", "owner", "risk", "code", "level", "detail"}) //nolint:errcheck
	for _, a := range found {
		c := a.Consumer
		for _, r := range a.Reasons {
			cw.Write([]string{c.Key, strconv.FormatInt(c.ID, 10), c.Name, ownerName(a), string(a.Risk), r.Code, string(r.Level), r.Detail}) //nolint:errcheck
		}
	}
	cw.Flush()
	return cw.Error()
}

func printAudit(ios *cmdutil.IOStreams, rep auditSummary, found []review.Assessment, now time.Time) error {
	out := ios.Out
	st := ios.Styles()
	dormant := ""
	if rep.DormantDays > 0 {
		dormant = fmt.Sprintf(", dormant after %d days", rep.DormantDays)
	}
	fmt.Fprintf(out, "%s: %d approved consumers, %d with findings, highest %s (judged %s%s)\n", st.Bold.Render("Audit"),
		rep.Audited, rep.WithFindings, rep.Highest, now.Format("2006-01-02 15:04 UTC"), dormant)
	if len(found) > 0 {
		fmt.Fprintln(out)
		t := summaryTable(ios, "APPROVED")
		for _, a := range found {
			approved := "?"
			if ts, err := mediawiki.ParseTimestamp(a.Consumer.StageTimestamp); err == nil {
				approved = ts.Format("2006-01-02")
			}
			summaryRow(t, st, a, approved)
		}
		if err := t.Render(out); err != nil {
			return err
		}
	}
	for _, a := range found {
		c := a.Consumer
		it := auditItemOf(a, now)
		fmt.Fprintln(out)
		approved := "unknown"
		if t, err := mediawiki.ParseTimestamp(c.StageTimestamp); err == nil {
			approved = fmt.Sprintf("%s (%s)", t.Format("2006-01-02"), ago(now, t))
		}
		if c.OwnerOnly {
			approved += "; owner-only"
		}
		fields := []field{{"approved", approved}, {"grants", grantsLine(a.Grants)}}
		if it.Activity != nil && !a.LastActivity.IsZero() {
			fields = append(fields, field{"activity", fmt.Sprintf("last %s (%s); %d acceptance(s), %d attributable token row(s)",
				a.LastActivity.Format("2006-01-02"), ago(now, a.LastActivity), it.Activity.Acceptances, it.Activity.Tokens)})
		}
		printBlock(out, st, a, it.Owner, fields)
	}
	if rep.WithFindings == 0 {
		fmt.Fprintln(ios.ErrOut, "No findings.")
	}
	return nil
}
