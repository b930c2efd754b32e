package consumer

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/commands/dbcmd"
	"github.com/mwoauth/mwoauth/db"
	"github.com/mwoauth/mwoauth/mediawiki"
)

// The settings the consumer commands share: what every one of them runs
// with (baseOptions: the output format, the database, the interrupt-aware
// context), the performer's rights as $wgGroupPermissions grants them, and
// $wgMWOAuthRequestExpirationAge. Each is resolved here, once, into a
// typed option before a run function starts.

// addRightsFlags adds the performer-rights settings.
func addRightsFlags(cmd *cobra.Command, skip *bool) {
	fl := cmd.Flags()
	fl.String("manager-groups", "", "Groups holding mwoauthmanageconsumer, as $wgGroupPermissions says (`list`; default sysop,oauthadmin,steward)")
	fl.String("suppressor-groups", "", "Groups holding mwoauthsuppress, as $wgGroupPermissions says (`list`; default sysop,oauthadmin,steward,suppress)")
	addExpiryFlag(cmd)
	fl.BoolVar(skip, "skip-rights-check", false, "Write even if MediaWiki would refuse the performer (shown loudly in the preview)")
}

// addExpiryFlag adds request-expiration-age (to the writing commands too,
// through addRightsFlags).
func addExpiryFlag(cmd *cobra.Command) {
	cmd.Flags().String("request-expiration-age", "", "$wgMWOAuthRequestExpirationAge: `age` after which a proposal is expired (default 30d; 0 = never)")
}

// addWriteFlags adds --dry-run and --yes, which every command that writes
// to the wiki (the actions, revoke) takes.
func addWriteFlags(cmd *cobra.Command, dryRun, yes *bool) {
	fl := cmd.Flags()
	fl.BoolVar(dryRun, "dry-run", false, "Print the SQL script that would run (stdout) and the preview (stderr); write nothing")
	fl.BoolVarP(yes, "yes", "y", false, "Do not ask for confirmation")
}

// groupRights resolves manager-groups and suppressor-groups.
func groupRights(cmd *cobra.Command, f *cmdutil.Factory) (mediawiki.GroupRights, error) {
	g := mediawiki.DefaultGroupRights()
	var manager, suppressor string
	if err := f.Bind(cmd, cmdutil.StringSetting("manager-groups", &manager), cmdutil.StringSetting("suppressor-groups", &suppressor)); err != nil {
		return g, err
	}
	for _, s := range []struct {
		value string
		dst   *[]string
	}{{manager, &g.Manager}, {suppressor, &g.Suppressor}} {
		if strings.TrimSpace(s.value) == "" {
			continue
		}
		var groups []string
		for _, p := range strings.Split(s.value, ",") {
			if p = strings.TrimSpace(p); p != "" {
				groups = append(groups, p)
			}
		}
		*s.dst = groups
	}
	return g, nil
}

// expirationAge resolves request-expiration-age: a Go duration, a number of
// days with d ("30d"), or seconds as MediaWiki writes it ("2592000"). 0 (or
// a negative value) turns auto-expiry off.
func expirationAge(cmd *cobra.Command, f *cmdutil.Factory) (time.Duration, error) {
	var v string
	if err := f.Bind(cmd, cmdutil.StringSetting("request-expiration-age", &v)); err != nil || strings.TrimSpace(v) == "" {
		return mediawiki.DefaultRequestExpirationAge, err
	}
	d, ok := parseAge(v)
	if !ok {
		return 0, cmdutil.FlagErrorf("request-expiration-age %q: want seconds, 30d or a duration like 720h", strings.TrimSpace(v))
	}
	if d <= 0 {
		return -1, nil // off
	}
	return d, nil
}

// expirySetting is $wgMWOAuthRequestExpirationAge as list, show and the
// actions hold it (review and audit hold it in their review.Policy):
// addExpiryFlag registers it, expirationAge resolves it.
type expirySetting struct {
	ExpirationAge time.Duration // < 0: off
}

// expiryAt is the setting judged at now.
func (s expirySetting) expiryAt(now time.Time) expiry {
	return expiry{now: now, age: s.ExpirationAge}
}

// expiry is when auto-expiry is judged and after how long.
type expiry struct {
	now time.Time
	age time.Duration // <= 0: off
}

// cutoff is the TS_MW a proposal's stage timestamp must reach to be live.
func (e expiry) cutoff() string {
	if e.age <= 0 {
		return ""
	}
	return db.FormatTimestamp(e.now.Add(-e.age))
}

// stage is the consumer's stage as the wiki acts on it, and as people read it.
func (e expiry) stage(c *db.Consumer) (stage int, text string, auto bool) {
	return c.EffectiveStage(e.now, e.age), c.EffectiveStageName(e.now, e.age), c.AutoExpired(e.now, e.age)
}

// parseAge reads an age as MediaWiki settings and people write it: a Go
// duration (720h), days with d (30d, 1.5d), or seconds (2592000).
func parseAge(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	var n float64
	switch {
	case strings.HasSuffix(v, "d") && scanFloat(strings.TrimSuffix(v, "d"), &n):
		return time.Duration(n * float64(24*time.Hour)), true
	case scanFloat(v, &n):
		return time.Duration(n * float64(time.Second)), true
	}
	d, err := time.ParseDuration(v)
	return d, err == nil
}

func scanFloat(s string, n *float64) bool {
	_, err := fmt.Sscanf(s, "%g", n)
	return err == nil && strings.Trim(s, "0123456789.") == ""
}

// baseOptions are what every consumer command runs with, whatever else it
// takes: the streams, the judging clock, the output format, the store
// factory and the interrupt-aware context. Each command's options embed
// them; resolve fills them.
type baseOptions struct {
	IO  *cmdutil.IOStreams
	Ctx context.Context // Ctrl-C cancels it (cmdutil.CatchInterrupt)
	// Now judges (auto-expiry, which tokens are live); a write is stamped
	// by the store with DB.WallNow, never with Now.
	Now func() time.Time
	// DB opens the wiki database the settings name (the store factory).
	DB     *dbcmd.Opener
	Format string // one of the formats the command registered (-o)
}

func newBaseOptions(f *cmdutil.Factory) baseOptions {
	return baseOptions{IO: f.IO, Now: f.Now}
}

// addBaseFlags adds the flags resolve reads: --output, offering formats
// (the first is the default), and the database settings (dbcmd).
func addBaseFlags(cmd *cobra.Command, formats ...string) {
	cmdutil.AddOutputFlag(cmd, formats...)
	dbcmd.AddFlags(cmd)
}

// resolve checks cmd's flags and resolves its settings in the order a
// user's mistakes are reported: the output format, then what the command
// checks itself (own, when not nil), then the database, which every
// consumer command needs: none configured is a usage error at once, before
// any work.
func (o *baseOptions) resolve(cmd *cobra.Command, f *cmdutil.Factory, own func() error) error {
	var err error
	if o.Format, err = cmdutil.OutputFormat(cmd); err != nil {
		return err
	}
	if own != nil {
		if err := own(); err != nil {
			return err
		}
	}
	if o.DB, err = dbcmd.NewOpener(cmd, f); err != nil {
		return err
	}
	if err := o.DB.Require(); err != nil {
		return err
	}
	o.Ctx = cmdutil.CatchInterrupt(cmd)
	return nil
}

// withStore opens the database with open (o.DB.Open to read, OpenAdmin
// to write the audit trail), runs fn on it and closes it.
func (o *baseOptions) withStore(open func(context.Context) (*db.Store, error), fn func(*db.Store) error) error {
	st, err := open(o.Ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(st)
}
