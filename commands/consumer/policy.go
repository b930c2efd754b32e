package consumer

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/db"
	"github.com/mwoauth/mwoauth/mediawiki"
	"github.com/mwoauth/mwoauth/review"
)

// *db.Store is what review and audit read.
var _ review.Source = (*db.Store)(nil)

// addGrantFlags adds the settings that describe the wiki's grants:
// --grant-risk-groups, and for the audit --grant-permissions and
// --group-permissions.
func addGrantFlags(cmd *cobra.Command, permissions bool) {
	fl := cmd.Flags()
	fl.String("grant-risk-groups", "", "The wiki's $wgGrantRiskGroups changes: `grant:group,...` or a file of such pairs or JSON (setting grant-risk-groups)")
	if permissions {
		fl.String("grant-permissions", "", "`File` with json_encode($wgGrantPermissions) (setting grant-permissions)")
		fl.String("group-permissions", "", "`File` with json_encode($wgGroupPermissions) (setting group-permissions)")
	}
}

// grantSettingsHelp is what review and audit say about the grant settings.
const grantSettingsHelp = `Risk groups are MediaWiki core's default $wgGrantRiskGroups (low,
vandalism, security, internal; a grant without one is "unknown"), with
Extension:OAuth's own grants. A wiki that changes them, or adds
extensions' grants (CheckUser's checkuser, ...), says so with the setting
grant-risk-groups: comma-separated grant:group pairs
("checkuser:security,editinterface:security"), or, when the value has no
colon, the path of a file holding such pairs (one per line or
comma-separated, # comments) or the JSON object that
json_encode($wgGrantRiskGroups) prints. Pairs replace the default of that
grant only.`

// grantConfig resolves the grant settings into the wiki's configuration.
func grantConfig(f *cmdutil.Factory, cmd *cobra.Command) (mediawiki.GrantConfig, error) {
	g := mediawiki.DefaultGrantConfig()
	var risk, grants, groups cmdutil.Value
	binds := []cmdutil.Binding{cmdutil.ValueSetting("grant-risk-groups", &risk)}
	if cmd.Flags().Lookup("grant-permissions") != nil {
		binds = append(binds, cmdutil.ValueSetting("grant-permissions", &grants), cmdutil.ValueSetting("group-permissions", &groups))
	}
	if err := f.Bind(cmd, binds...); err != nil {
		return g, err
	}
	var riskMap map[string]mediawiki.RiskGroup
	if v := strings.TrimSpace(risk.Value); v != "" {
		text := v
		if !strings.Contains(v, ":") {
			b, err := cmdutil.ReadFile(v, cmdutil.MaxInput, cmdutil.ExitUsage)
			if err != nil {
				return g, cmdutil.Exit(cmdutil.ExitCode(err), fmt.Errorf("grant-risk-groups (%s): %w", risk.Origin(), err))
			}
			text = string(b)
		}
		m, err := mediawiki.ParseGrantRiskGroups(text)
		if err != nil {
			return g, cmdutil.FlagErrorf("grant-risk-groups (%s): %v", risk.Origin(), err)
		}
		riskMap = m
	}
	perms := func(v cmdutil.Value) (map[string][]string, error) {
		if strings.TrimSpace(v.Value) == "" {
			return nil, nil
		}
		b, err := cmdutil.ReadFile(v.Value, cmdutil.MaxInput, cmdutil.ExitUsage)
		if err != nil {
			return nil, cmdutil.Exit(cmdutil.ExitCode(err), fmt.Errorf("%s (%s): %w", v.Key, v.Origin(), err))
		}
		m, err := mediawiki.ParsePermissions(b)
		if err != nil {
			return nil, cmdutil.FlagErrorf("%s (%s): %v", v.Key, v.Origin(), err)
		}
		return m, nil
	}
	grantMap, err := perms(grants)
	if err != nil {
		return g, err
	}
	groupMap, err := perms(groups)
	if err != nil {
		return g, err
	}
	g.Override(riskMap, grantMap, groupMap)
	return g, nil
}

// policy is review's policy for this run: the wiki's grants, judged at the
// factory's clock (MWOAUTH_NOW pins it: this is judgement, not a write).
func policy(f *cmdutil.Factory, cmd *cobra.Command) (review.Policy, error) {
	g, err := grantConfig(f, cmd)
	if err != nil {
		return review.Policy{}, err
	}
	p := review.DefaultPolicy(f.Now().UTC())
	p.Grants = g
	if cmd.Flags().Lookup("request-expiration-age") != nil {
		if p.ExpirationAge, err = expirationAge(cmd, f); err != nil {
			return p, err
		}
	}
	return p, nil
}

// codesHelp renders the reason codes of a lens for a command's help.
func codesHelp(lens string) string {
	var b strings.Builder
	for _, c := range review.Codes {
		if c.Lens != lens && c.Lens != "both" {
			continue
		}
		fmt.Fprintf(&b, "  %-25s %s [%s]\n", c.Code, c.Meaning, c.Level)
	}
	return strings.TrimRight(b.String(), "\n")
}

// JudgeOptions are what review and audit both run with.
type JudgeOptions struct {
	baseOptions
	Policy review.Policy
}

// bind resolves the options of cmd in the order a user's mistakes are
// reported: the output format, the policy (the wiki's grant settings, the
// factory's clock), then what the command checks itself (own, when not
// nil), then the database.
func (o *JudgeOptions) bind(cmd *cobra.Command, f *cmdutil.Factory, own func() error) error {
	return o.resolve(cmd, f, func() error {
		var err error
		if o.Policy, err = policy(f, cmd); err != nil || own == nil {
			return err
		}
		return own()
	})
}

// withSource opens the database, runs fn on what judging reads of it (a
// review.Source) and closes it.
func (o *JudgeOptions) withSource(fn func(review.Source) error) error {
	return o.withStore(o.DB.Open, func(st *db.Store) error { return fn(st) })
}
