package consumer

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/mediawiki"
)

// Flag parsing, settings and validation are tested apart from the work:
// runF receives the options the run function would, and no database is
// opened (the DSNs name files that are empty or absent).

// optionsFactory is a factory whose configuration file and environment are
// the test's alone. In config, DIR stands for a folder holding an empty
// wiki.sqlite, which a profile's db may name.
func optionsFactory(t *testing.T, config string, env map[string]string) (*cmdutil.Factory, string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "wiki.sqlite"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "config")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(config, "DIR", dir)), 0o600); err != nil {
		t.Fatal(err)
	}
	ios, _, _, _ := cmdutil.Test()
	f := cmdutil.NewFactory(ios)
	f.ConfigPath = path
	f.Getenv = func(k string) string { return env[k] }
	pinned := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	f.Now = func() time.Time { return pinned }
	return f, dir
}

// execute runs cmd with args as the root would, errors returned unprinted.
func execute(cmd *cobra.Command, args ...string) error {
	cmd.SetArgs(args)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	cmd.SetFlagErrorFunc(cmdutil.FriendlyFlagError) // as the root does
	return cmd.Execute()
}

// usageErr checks that err is a usage error (exit 2) whose message holds
// want.
func usageErr(t *testing.T, what string, err error, want string) {
	t.Helper()
	if cmdutil.ExitCode(err) != cmdutil.ExitUsage || err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("%s: err = %v (exit %d), want exit %d with %q", what, err, cmdutil.ExitCode(err), cmdutil.ExitUsage, want)
	}
}

// notRun is a runF that fails the test: the flags should have been refused.
func notRun[T any](t *testing.T) func(*T) error {
	return func(*T) error { t.Helper(); t.Error("the run function ran"); return nil }
}

const profiles = `default = def

[profile def]
db = sqlite:DIR/wiki.sqlite
table-prefix = defp_
as = DefaultProfileAdmin
request-expiration-age = 10d

[profile chosen]
db = sqlite:DIR/wiki.sqlite
as = ChosenAdmin
manager-groups = oauthadmin
`

// The performer and the database follow the one precedence: flag >
// chosen profile > environment > default profile; a database given by
// flag keeps the default profile's other identity settings out.
func TestActionOptions(t *testing.T) {
	var got *actionOptions
	capture := func(o *actionOptions) error { got = o; return nil }
	for _, tc := range []struct {
		name     string
		env      map[string]string
		profile  string // --profile
		args     []string
		as       string
		dbSource cmdutil.Source
		prefix   string
	}{
		{"default profile", nil, "", nil, "DefaultProfileAdmin", cmdutil.SourceProfile, "defp_"},
		{"env beats the default profile", map[string]string{"MWOAUTH_AS": "EnvAdmin"}, "", nil, "EnvAdmin", cmdutil.SourceProfile, "defp_"},
		{"chosen profile beats env", map[string]string{"MWOAUTH_AS": "EnvAdmin", "MWOAUTH_PROFILE": "chosen"}, "", nil, "ChosenAdmin", cmdutil.SourceProfile, ""},
		{"--profile", map[string]string{"MWOAUTH_AS": "EnvAdmin"}, "chosen", nil, "ChosenAdmin", cmdutil.SourceProfile, ""},
		{"flag beats all", map[string]string{"MWOAUTH_AS": "EnvAdmin"}, "chosen", []string{"--as", "FlagAdmin"}, "FlagAdmin", cmdutil.SourceProfile, ""},
		{"--db leaves the default profile's wiki", nil, "", []string{"--db", "sqlite:other.sqlite"}, "DefaultProfileAdmin", cmdutil.SourceFlag, ""},
		{"MWOAUTH_DB too", map[string]string{"MWOAUTH_DB": "sqlite:env.sqlite"}, "", nil, "DefaultProfileAdmin", cmdutil.SourceEnv, ""},
	} {
		f, _ := optionsFactory(t, profiles, tc.env)
		f.Profile = tc.profile
		got = nil
		args := append([]string{"5096568cc6652b5ad36358427f1bd60c", "--reason", " secret leaked "}, tc.args...)
		if err := execute(newCmdAction(f, actionDisable, capture), args...); err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got.As != tc.as || got.DB.DB.Source != tc.dbSource || got.DB.TablePrefix.Value != tc.prefix {
			t.Errorf("%s: as %q, db from %s, prefix %q; want %q, %s, %q", tc.name, got.As, got.DB.DB.Source, got.DB.TablePrefix.Value, tc.as, tc.dbSource, tc.prefix)
		}
	}

	f, _ := optionsFactory(t, profiles, nil)
	got = nil
	if err := execute(newCmdAction(f, actionDisable, capture), "a", "b", "--reason", "leak", "--suppress", "--revoke-tokens",
		"--manager-groups", " sysop, ,steward ", "--request-expiration-age", "0", "--dry-run", "-o", "json"); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Refs, []string{"a", "b"}) || got.Reason != "leak" || !got.Suppress || !got.RevokeTokens || !got.DryRun || got.Yes ||
		got.Format != "json" || got.ExpirationAge >= 0 || got.Spec.action != mediawiki.ActionDisable {
		t.Errorf("disable: %+v", got)
	}
	if !reflect.DeepEqual(got.Rights.Manager, []string{"sysop", "steward"}) || !reflect.DeepEqual(got.Rights.Suppressor, mediawiki.DefaultGroupRights().Suppressor) {
		t.Errorf("rights: %+v", got.Rights)
	}
	if got.Ctx == nil || got.Confirm == nil || got.IO != f.IO || !got.Now().Equal(f.Now()) || got.DB.WallNow == nil {
		t.Errorf("run-time fields unset: %+v", got)
	}
	if err := execute(newCmdAction(f, actionApprove, capture), "-", "--reason", "reviewed", "--yes"); err != nil || !reflect.DeepEqual(got.Refs, []string{"-"}) || !got.Yes ||
		got.ExpirationAge != 10*24*time.Hour || got.Owner != "" {
		t.Errorf("approve -: %+v %v", got, err)
	}
	if err := execute(newCmdAction(f, actionEnable, capture), "--owner", "Locked Dev", "--reason", "r"); err != nil || got.Owner != "Locked Dev" || len(got.Refs) != 0 {
		t.Errorf("enable --owner: %+v %v", got, err)
	}

	// One wording for a missing or an empty --reason; the others refused
	// before anything runs.
	for _, tc := range []struct {
		spec actionSpec
		env  map[string]string
		args []string
		want string
	}{
		{actionDisable, nil, []string{"k"}, "--reason is required: it is stored in the wiki's log, as the form requires"},
		{actionDisable, nil, []string{"k", "--reason", "  "}, "--reason is required: it is stored in the wiki's log, as the form requires"},
		{actionDisable, nil, []string{"k", "--reason", "two\nlines"}, "--reason: "},
		{actionReject, map[string]string{"MWOAUTH_PROFILE": "none"}, []string{"k", "--reason", "r"}, `no profile "none"`},
		{actionDisable, nil, []string{"k", "--owner", "Bob", "--reason", "r"}, "--owner chooses the consumers: give no KEY|ID with it"},
		{actionDisable, nil, []string{"--reason", "r"}, "--owner NAME"},
		{actionApprove, nil, []string{"k", "--reason", "r", "--revoke-tokens"}, "--revoke-tokens"},
		{actionEnable, nil, []string{"k", "--reason", "r", "--suppress"}, "--suppress"},
		{actionDisable, nil, []string{"k", "--reason", "r", "--request-expiration-age", "soon"}, `request-expiration-age "soon"`},
		{actionDisable, nil, []string{"k", "--reason", "r", "-o", "yaml"}, "yaml"},
	} {
		f, _ := optionsFactory(t, profiles, tc.env)
		usageErr(t, strings.Join(tc.args, " "), execute(newCmdAction(f, tc.spec, notRun[actionOptions](t)), tc.args...), tc.want)
	}
	// No performer and no database: each said before any work.
	f, _ = optionsFactory(t, "", nil)
	usageErr(t, "no --as", execute(newCmdAction(f, actionDisable, notRun[actionOptions](t)), "k", "--reason", "r"), "--as USER is required")
	usageErr(t, "no database", execute(newCmdAction(f, actionDisable, notRun[actionOptions](t)), "k", "--reason", "r", "--as", "A"), "no database configured")
}

func TestListOptions(t *testing.T) {
	f, dir := optionsFactory(t, profiles, map[string]string{"MWOAUTH_DB": "sqlite:env.sqlite"})
	var got *listOptions
	capture := func(o *listOptions) error { got = o; return nil }
	if err := execute(newCmdList(f, capture), "--stage", "approved,disabled", "--stage", " proposed", "--owner-only=false", "--oauth-version", "2",
		"--grant", "editpage", "--search", "leak", "--registered-since", "2025-01-02", "--include-suppressed", "--after", "7", "-o", "table"); err != nil {
		t.Fatal(err)
	}
	fl := got.Filter
	if !reflect.DeepEqual(fl.Stages, []int{mediawiki.StageApproved, mediawiki.StageDisabled, mediawiki.StageProposed}) || fl.OwnerOnly == nil || *fl.OwnerOnly ||
		fl.OAuthVersion != 2 || fl.Grant != "editpage" || fl.Search != "leak" || fl.RegisteredSince != "20250102000000" || fl.RegisteredBefore != "" ||
		!fl.IncludeSuppressed || fl.AfterID != 7 || !fl.Brief || fl.Limit != 0 {
		t.Errorf("filter: %+v", fl)
	}
	if got.Format != "table" || !got.TableAsked || got.Limit != defaultLimit || got.All || got.ExpirationAge != 10*24*time.Hour ||
		got.DB.DB.Value != "sqlite:env.sqlite" || got.DB.DB.Source != cmdutil.SourceEnv || got.Ctx == nil {
		t.Errorf("list: %+v, db %+v", got, got.DB.Settings)
	}
	if err := execute(newCmdList(f, capture), "--owner", "Dev User", "-o", "csv", "--limit", "5", "--db", "sqlite:"+dir+"/wiki.sqlite"); err != nil ||
		got.Owner != "Dev User" || got.Limit != 5 || got.Format != "csv" || got.Filter.OwnerOnly != nil || got.DB.DB.Source != cmdutil.SourceFlag {
		t.Errorf("list -o csv --limit 5: %+v %v", got, err)
	}
	if err := execute(newCmdList(f, capture), "-o", "keys", "--all"); err != nil || !got.All || got.Format != "keys" {
		t.Errorf("list -o keys --all: %+v %v", got, err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--stage", "live"}, `--stage "live" is not one of`},
		{[]string{"--oauth-version", "3"}, "--oauth-version must be 1 or 2"},
		{[]string{"--registered-before", "yesterday"}, "--registered-before: "},
		{[]string{"--limit", "0"}, "--limit must be at least 1"},
		{[]string{"--after", "-1"}, "--after must be a consumer id"},
		{[]string{"-o", "csv"}, "--output csv has no room for a next-page hint"},
		{[]string{"extra"}, "extra"},
	} {
		usageErr(t, strings.Join(tc.args, " "), execute(newCmdList(f, notRun[listOptions](t)), tc.args...), tc.want)
	}
}

func TestShowOptions(t *testing.T) {
	f, _ := optionsFactory(t, profiles, map[string]string{"MWOAUTH_REQUEST_EXPIRATION_AGE": "2592000"})
	f.Profile = "chosen"
	var got *showOptions
	if err := execute(newCmdShow(f, func(o *showOptions) error { got = o; return nil }), "42", "-o", "json"); err != nil {
		t.Fatal(err)
	}
	if got.Ref != "42" || got.Format != "json" || got.ExpirationAge != 30*24*time.Hour || got.DB.DB.Profile != "chosen" || got.Ctx == nil || got.Now == nil {
		t.Errorf("show: %+v", got)
	}
	usageErr(t, "show a b", execute(newCmdShow(f, notRun[showOptions](t)), "a", "b"), "a consumer KEY or ID")
	f, _ = optionsFactory(t, "", nil)
	usageErr(t, "show without a database", execute(newCmdShow(f, notRun[showOptions](t)), "a"), "no database configured")
}

func TestRevokeOptions(t *testing.T) {
	f, _ := optionsFactory(t, profiles, nil)
	var got *revokeOptions
	if err := execute(newCmdRevoke(f, func(o *revokeOptions) error { got = o; return nil }), "10", "--user", "Bob", "--on-wiki", "*", "--dry-run", "-y"); err != nil {
		t.Fatal(err)
	}
	if got.Ref != "10" || got.User != "Bob" || got.Wiki != "*" || !got.DryRun || !got.Yes || got.Format != "text" || got.Confirm == nil || got.DB.DB.Value == "" {
		t.Errorf("revoke: %+v", got)
	}
	usageErr(t, "revoke without --user", execute(newCmdRevoke(f, notRun[revokeOptions](t)), "10"), "--user NAME is required")
}

func TestReviewAuditOptions(t *testing.T) {
	f, _ := optionsFactory(t, profiles, nil)
	var rev *ReviewOptions
	if err := execute(newCmdReview(f, func(o *ReviewOptions) error { rev = o; return nil }), "--approve-low-risk", "--grant-risk-groups", "checkuser:security"); err != nil {
		t.Fatal(err)
	}
	if !rev.ApproveLowRisk || rev.ApprovePrefix != "mwoauth consumer approve" || rev.Policy.ExpirationAge != 10*24*time.Hour || !rev.Policy.Now.Equal(f.Now()) ||
		rev.Policy.Grants.RiskOf("checkuser") != mediawiki.RiskSecurity || rev.DB == nil {
		t.Errorf("review: %+v", rev)
	}
	// Only what was given by flag is carried into the printed commands,
	// and never a password.
	f, _ = optionsFactory(t, profiles, nil)
	f.Profile = "chosen" // as --profile sets it (the factory reads the configuration once)
	if err := execute(newCmdReview(f, func(o *ReviewOptions) error { rev = o; return nil }), "--approve-low-risk", "--db", "mysql:admin:hunter2@unix(/run/m.sock)/metawiki",
		"--table-prefix", "mw_"); err != nil {
		t.Fatal(err)
	}
	if want := "mwoauth --profile chosen consumer approve --db 'mysql:admin:***@unix(/run/m.sock)/metawiki' --table-prefix mw_"; rev.ApprovePrefix != want {
		t.Errorf("approve prefix %s, want %s", rev.ApprovePrefix, want)
	}
	usageErr(t, "review --approve-low-risk -o json", execute(newCmdReview(f, notRun[ReviewOptions](t)), "--approve-low-risk", "-o", "json"), "--approve-low-risk prints commands, not --output json")

	var aud *AuditOptions
	if err := execute(newCmdAudit(f, func(o *AuditOptions) error { aud = o; return nil }), "--dormant", "180d", "--fail-on", "Unknown", "-o", "csv"); err != nil {
		t.Fatal(err)
	}
	if aud.Policy.Dormant != 180*24*time.Hour || aud.FailOn != mediawiki.RiskUnknown || aud.Format != "csv" || aud.DB.DB.Profile != "chosen" {
		t.Errorf("audit: dormant %v, fail on %s, format %s, db %+v", aud.Policy.Dormant, aud.FailOn, aud.Format, aud.DB.DB)
	}
	usageErr(t, "audit --dormant 0d", execute(newCmdAudit(f, notRun[AuditOptions](t)), "--dormant", "0d"), "--dormant: ")
	usageErr(t, "audit --fail-on severe", execute(newCmdAudit(f, notRun[AuditOptions](t)), "--fail-on", "severe"), "--fail-on: ")
}
