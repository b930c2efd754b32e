// Package dbcmd wires the database flags (--db, --wiki-db, --table-prefix,
// --centralauth-db) into commands and opens the configured wiki database.
// A command resolves them into Settings while it checks its flags and
// keeps an Opener on its options; its run function opens through that.
// It never falls back to the sandbox: a command that needs a database and has
// none configured is a usage error.
package dbcmd

import (
	"context"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/db"
	"github.com/mwoauth/mwoauth/db/mycnf"
)

// AddFlags adds --db, --table-prefix and --centralauth-db to cmd. Their
// values resolve flag → MWOAUTH_* environment → profile.
func AddFlags(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.String("db", "", "Database `DSN` of the OAuth tables: mysql:<go-sql-driver DSN> or sqlite:<path> (env MWOAUTH_DB; what it leaves out from MWOAUTH_DB_PASSWORD and ~/.my.cnf)")
	fl.String("wiki-db", "", "The central wiki's database `DSN` (logging, actor, user, user_groups, block), when not --db's (env MWOAUTH_WIKI_DB)")
	fl.String("table-prefix", "", "The wiki's $wgDBprefix (env MWOAUTH_TABLE_PREFIX)")
	fl.String("centralauth-db", "", "CentralAuth database `DSN`, to name owners from globaluser (env MWOAUTH_CENTRALAUTH_DB)")
}

// Settings are a command's database settings, resolved by cmdutil's one
// resolver (flag > chosen profile > environment > default profile) before
// its run function starts: the run function opens the database through
// an Opener and never looks a setting up by flag name.
type Settings struct {
	DB          cmdutil.Value // the OAuth tables' DSN, and where it came from
	TablePrefix cmdutil.Value // $wgDBprefix
	CentralAuth cmdutil.Value // CentralAuth's DSN, to name owners from globaluser
	WikiDB      cmdutil.Value // the central wiki's own DSN, when not DB's
}

// ResolveSettings resolves the database settings for cmd. When no
// database is configured the others are not read: nothing would use them.
func ResolveSettings(cmd *cobra.Command, f *cmdutil.Factory) (Settings, error) {
	var s Settings
	if err := f.Bind(cmd, cmdutil.ValueSetting("db", &s.DB)); err != nil || s.DB.Value == "" {
		return s, err
	}
	err := f.Bind(cmd, cmdutil.ValueSetting("table-prefix", &s.TablePrefix), cmdutil.ValueSetting("centralauth-db", &s.CentralAuth),
		cmdutil.ValueSetting("wiki-db", &s.WikiDB))
	return s, err
}

// Opener is the store factory of a command's options: its settings,
// resolved, and what opening needs from the factory (~/.my.cnf warnings,
// MWOAUTH_DB_PASSWORD, the selected profile, the clocks).
type Opener struct {
	Settings
	// Now judges group memberships and blocks (MWOAUTH_NOW pins it);
	// WallNow stamps writes, whatever MWOAUTH_NOW says.
	Now, WallNow func() time.Time

	f *cmdutil.Factory
}

// NewOpener resolves cmd's database settings into an Opener.
func NewOpener(cmd *cobra.Command, f *cmdutil.Factory) (*Opener, error) {
	s, err := ResolveSettings(cmd, f)
	if err != nil {
		return nil, err
	}
	return OpenerFor(f, s), nil
}

// OpenerFor is the Opener of settings already resolved.
func OpenerFor(f *cmdutil.Factory, s Settings) *Opener {
	return &Opener{Settings: s, Now: f.Now, WallNow: f.WallNow, f: f}
}

// Configured: a database is configured (by flag, environment or profile).
func (o *Opener) Configured() bool { return o.DB.Value != "" }

// Require is the usage error (exit 2) of a command that needs a database
// and has none configured, saying where to configure one; nil when one is.
// Commands call it while checking their flags, so the mistake is reported
// before any work starts.
func (o *Opener) Require() error {
	if o.Configured() {
		return nil
	}
	return cmdutil.FlagErrorf("no database configured: pass --db mysql:user@unix(/run/mysqld/mysqld.sock)/wikidb (or sqlite:<path>), set MWOAUTH_DB, or add db = ... to a profile (try: mwoauth sandbox)")
}

// Open opens the configured database for reading only (a replica, a file
// the user may only read). No database configured is a usage error (exit 2)
// that says where to configure one. ctx is the command's, Ctrl-C caught
// (cmdutil.CatchInterrupt): a server that hangs or a transaction that must
// roll back is cancelled, not killed.
func (o *Opener) Open(ctx context.Context) (*db.Store, error) {
	return o.open(ctx, false, false, true)
}

// OpenAdmin is Open for commands that write the audit trail: read-write,
// and logging, log_search and comment are checked too.
func (o *Opener) OpenAdmin(ctx context.Context) (*db.Store, error) {
	return o.open(ctx, false, true, false)
}

// OpenWritable opens the configured database to write rows that are not
// consumer actions (token mint --create-row): read-write, without the
// audit-trail tables' check.
func (o *Opener) OpenWritable(ctx context.Context) (*db.Store, error) {
	return o.open(ctx, false, false, false)
}

// OpenOptional returns (nil, nil) when no database is configured (token
// verify/decode/scan use the database only when there is one). It reads
// only; group memberships and blocks are judged at Now.
func (o *Opener) OpenOptional(ctx context.Context) (*db.Store, error) {
	return o.open(ctx, true, false, true)
}

// Where names the database(s) st touches (see the function Where).
func (o *Opener) Where(st *db.Store) string { return Where(o.f, st) }

// Profile names the profile st's database came from (see the function
// Profile).
func (o *Opener) Profile(st *db.Store) string { return Profile(o.f, st) }

func (o *Opener) open(ctx context.Context, optional, admin, readOnly bool) (*db.Store, error) {
	dsn := o.DB.Value
	if dsn == "" {
		if optional {
			return nil, nil
		}
		return nil, o.Require()
	}
	wiki, central := o.WikiDB.Value, o.CentralAuth.Value
	lg := &login{}
	if isMySQL(dsn) || isMySQL(wiki) || isMySQL(central) {
		var err error
		if lg, err = readLogin(o.f); err != nil {
			return nil, err
		}
	}
	st, err := db.Open(ctx, dsn, db.Options{
		TablePrefix: o.TablePrefix.Value, Password: lg.password, Client: lg.client, WikiDSN: wiki, CentralAuthDSN: central, CentralAuthPassword: lg.password,
		Admin: admin, ReadOnly: readOnly, Now: o.Now, WallNow: o.WallNow,
	})
	if err != nil {
		return nil, lg.explain(err, dsn)
	}
	origins.Store(st, o.DB)
	return st, nil
}

// Open, OpenAdmin, OpenWritable and OpenOptional open cmd's database as
// the Opener methods of the same names do, for commands whose run
// function still takes cmd. From here on Ctrl-C cancels cmd's context.
func Open(cmd *cobra.Command, f *cmdutil.Factory) (*db.Store, error) {
	return openFor(cmd, f, (*Opener).Open)
}

// OpenAdmin: see Open.
func OpenAdmin(cmd *cobra.Command, f *cmdutil.Factory) (*db.Store, error) {
	return openFor(cmd, f, (*Opener).OpenAdmin)
}

// OpenWritable: see Open.
func OpenWritable(cmd *cobra.Command, f *cmdutil.Factory) (*db.Store, error) {
	return openFor(cmd, f, (*Opener).OpenWritable)
}

// OpenOptional: see Open.
func OpenOptional(cmd *cobra.Command, f *cmdutil.Factory) (*db.Store, error) {
	return openFor(cmd, f, (*Opener).OpenOptional)
}

func openFor(cmd *cobra.Command, f *cmdutil.Factory, open func(*Opener, context.Context) (*db.Store, error)) (*db.Store, error) {
	o, err := NewOpener(cmd, f)
	if err != nil {
		return nil, err
	}
	return open(o, cmdutil.CatchInterrupt(cmd))
}

// origins remembers where each open store's DSN came from (flag, env or
// which profile), so previews and results name that, not merely the
// selected profile: "--db sqlite:other.sqlite" with a sandbox profile
// selected writes to other.sqlite, and must not read "profile sandbox".
var origins sync.Map // *db.Store -> cmdutil.Value

func isMySQL(dsn string) bool {
	return strings.HasPrefix(dsn, "mysql:") || strings.HasPrefix(dsn, "mariadb:")
}

// Where names the database(s) a store touches, for previews, prompts and
// results: engine, host or socket and database (never the password), or
// the SQLite file; the wiki database when it is another; the profile and
// the table prefix.
func Where(f *cmdutil.Factory, st *db.Store) string {
	t := st.Target()
	parts := []string{t.OAuth.String()}
	if t.Wiki != nil {
		how := "another server: written after the OAuth tables"
		if t.SameTransaction {
			how = "same server, one transaction"
		}
		parts[0] = "OAuth tables " + parts[0]
		parts = append(parts, fmt.Sprintf("wiki tables %s (%s)", t.Wiki.String(), how))
	}
	origin := "profile none"
	if p := Profile(f, st); p != "" {
		origin = "profile " + p
	} else if v, ok := origins.Load(st); ok {
		if o := v.(cmdutil.Value).Origin(); o != "default" {
			origin = "from " + o
		}
	}
	prefix := t.Prefix
	if prefix == "" {
		prefix = "none"
	}
	return fmt.Sprintf("%s (%s, table prefix %s)", strings.Join(parts, "; "), origin, prefix)
}

// Profile names the profile st's database came from, "" when the DSN was
// given by flag or environment (or st was not opened here, and no profile
// is selected).
func Profile(f *cmdutil.Factory, st *db.Store) string {
	if v, ok := origins.Load(st); ok {
		return v.(cmdutil.Value).Profile
	}
	if cfg, err := f.Config(); err == nil {
		return cfg.ProfileName
	}
	return ""
}

// login is what a mysql DSN that leaves out the user, the password or the
// address is completed with: MWOAUTH_DB_PASSWORD, then ~/.my.cnf as the
// mysql client reads it (db/mycnf: the groups the mariadb client reads,
// the last value winning), then the login name for the user. Nothing is
// ever taken from argv but the DSN itself.
type login struct {
	client   db.ClientDefaults
	password string
	pwFrom   string // where password came from, for errors: "MWOAUTH_DB_PASSWORD", "~/.my.cnf line 3"
	cnf      string // ~/.my.cnf as people read it
	noPW     string // why ~/.my.cnf gave no password
}

func readLogin(f *cmdutil.Factory) (*login, error) {
	lg := &login{cnf: "~/.my.cnf"}
	home, herr := os.UserHomeDir()
	var res *mycnf.Result
	if herr == nil {
		path := filepath.Join(home, ".my.cnf")
		var err error
		if res, err = mycnf.Read(path, mycnf.ClientGroups...); err != nil {
			return nil, cmdutil.Exitf(cmdutil.ExitUsage, "%s (the mysql client refuses this file too)", tildeHome(err.Error(), home))
		}
		for _, w := range res.Warnings {
			f.WarnOnce("mycnf "+w, "warning: "+cmdutil.Safe(tildeHome(w, home)))
		}
		str := func(key string) string {
			if o, ok := res.Last(key); ok && o.HasValue {
				return o.Value
			}
			return ""
		}
		lg.client = db.ClientDefaults{User: str("user"), Host: str("host"), Port: str("port"), Socket: str("socket"), Protocol: str("protocol")}
		switch o, ok := res.Last("password"); {
		case len(res.Files) == 0 && len(res.Warnings) > 0:
			lg.noPW = lg.cnf + " was not read (" + tildeHome(res.Warnings[0], home) + ")"
		case len(res.Files) == 0:
			lg.noPW = "there is no " + lg.cnf
		case !ok:
			lg.noPW = lg.cnf + " has no password in [client] or [mysql]"
		case !o.HasValue:
			lg.noPW = fmt.Sprintf("%s line %d says password without a value, which makes the mysql client prompt; mwoauth does not", tildeHome(o.File, home), o.Line)
		default:
			lg.password, lg.pwFrom = o.Value, fmt.Sprintf("%s line %d", tildeHome(o.File, home), o.Line)
		}
	}
	// Set but empty means "no password" here (a server without one), as
	// the variable always meant.
	if v, ok := f.LookupEnv("MWOAUTH_DB_PASSWORD"); ok {
		lg.password, lg.pwFrom = v, "MWOAUTH_DB_PASSWORD"
	}
	if lg.client.User == "" {
		// The mysql client's default user is the login name.
		if u, err := user.Current(); err == nil {
			lg.client.User = u.Username
		}
	}
	return lg, nil
}

// explain adds to a refused login where the password came from, or where
// one was looked for: "using password: NO" alone sends people guessing.
func (lg *login) explain(err error, dsn string) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "(using password: NO)"):
		where := []string{"the DSN has none", "MWOAUTH_DB_PASSWORD is not set"}
		if lg.pwFrom == "MWOAUTH_DB_PASSWORD" {
			where = []string{"the DSN has none", "MWOAUTH_DB_PASSWORD is set but empty"}
		} else if lg.noPW != "" {
			where = append(where, lg.noPW)
		}
		return fmt.Errorf("%w; no password was sent: %s (put it in MWOAUTH_DB_PASSWORD, or under [client] in %s as password=...)", err, strings.Join(where, ", "), lg.cnf)
	case strings.Contains(msg, "(using password: YES)"):
		from := lg.pwFrom
		if cmdutil.DSNHasPassword(dsn) {
			from = "the DSN"
		}
		if from != "" {
			return fmt.Errorf("%w; the password came from %s", err, from)
		}
	}
	return err
}

// tildeHome writes the home directory as ~ in s, as people know the file.
func tildeHome(s, home string) string {
	if home == "" || home == "/" {
		return s
	}
	return strings.ReplaceAll(s, home+string(filepath.Separator), "~"+string(filepath.Separator))
}
