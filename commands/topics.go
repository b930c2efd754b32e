package commands

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
)

// ExitCodesText is the exit-code table as the help topic and docs show it.
func ExitCodesText() string {
	var b strings.Builder
	b.WriteString("Every mwoauth command exits with one of these codes:\n\n")
	for _, e := range cmdutil.ExitCodeTable {
		fmt.Fprintf(&b, "  %3d  %-14s %s\n", e.Code, e.Name, e.Meaning)
	}
	b.WriteString(`
token verify exits with the most fundamental failure when several checks
fail: malformed (3) before signature (4) before time (5, 6) before claims (7)
before wiki state (8). Errors are printed as one line on stderr.

Ctrl-C (130): commands that open a database, scan logs, create a sandbox,
generate keys or probe a wiki catch it, undo what they started (a
transaction rolls back, no half key pair is written), print "error:
interrupted" and exit 130. The
others finish in milliseconds and are simply ended by the signal, which a
shell also reports as 130.`)
	return b.String()
}

// ConfigText is what "mwoauth help config" (the config command's help)
// says: where settings come from, in which order, and every key (from the
// one settings table). It is the one place the order is written.
func ConfigText() string {
	var b strings.Builder
	b.WriteString(`Every setting a command reads is resolved in this order; the first that
has a value wins:

  1. the command's flag (--db, --public-key, ...)
  2. the profile chosen with --profile NAME or MWOAUTH_PROFILE=NAME
  3. the environment variable MWOAUTH_<KEY> (an empty one counts as unset)
  4. the default profile (default = NAME in the file)
  5. the built-in default

A profile is a unit. The wiki-identity settings (marked * below) say which
wiki a command talks about. When one that points at a wiki (db, wiki-db,
centralauth-db, issuer, public-key, private-key, jwks) is given by a flag or
an MWOAUTH_* variable, no identity setting is taken from the default
profile: an explicit key, issuer or database names another wiki than the
default one, and mixing the two would judge a real token with the
sandbox's issuer, or write to a database nobody named. The others only
describe a wiki (mediawiki, wiki, subject-scope, static-apps, table-prefix,
audience): --mediawiki 1.43 alone keeps the default profile's wiki. A profile chosen with --profile still
applies (flags override single settings of it). "mwoauth config show"
prints every value with its source and says when the default profile was
set aside. --no-profile uses no profile at all.

A file a profile names (database, key, JWKS) that does not exist is an
error naming the profile and what to run (exit 9); a command given that
setting by flag is unaffected.

The configuration file is --config FILE, else $MWOAUTH_CONFIG, else
$XDG_CONFIG_HOME/mwoauth/config (~/.config/mwoauth/config). It is INI, but
strict: only [profile NAME] sections and key = value lines with the keys
below (underscores may stand for dashes), plus default = NAME before the
first section; comments (# or ;) on lines of their own. Anything else is an
error naming the line (exit 2), as is a --config file that does not exist.

  default = metawiki
  [profile metawiki]
  db = mysql:wikiadmin@tcp(db1:3306)/metawiki
  public-key = /etc/mediawiki/oauth2-public.pem
  issuer = https://meta.wikimedia.org

"mwoauth config set KEY VALUE --profile NAME", "config unset", "config use
NAME" and "config list" change and list it, keeping comments and order.
A password in a mysql DSN is always shown as ***; the password is better
kept in MWOAUTH_DB_PASSWORD or ~/.my.cnf [client] than in the DSN. What a
mysql DSN leaves out (user, password, and for mysql:user@/db the host, port
and socket) comes from ~/.my.cnf as the mysql client reads it.

Keys (flag --KEY, variable MWOAUTH_KEY with dashes as underscores):

`)
	for _, s := range cmdutil.Settings {
		mark := " "
		if s.Identity {
			mark = "*"
		}
		fmt.Fprintf(&b, "  %s %-18s %s\n", mark, s.Key, s.Help)
	}
	return strings.TrimRight(b.String(), "\n")
}

// EnvironmentText is the "mwoauth help environment" topic.
func EnvironmentText() string {
	var b strings.Builder
	b.WriteString(`Settings resolve in this order: flag, profile chosen with --profile or
MWOAUTH_PROFILE, environment, default profile (see "mwoauth help config").

  MWOAUTH_CONFIG            configuration file (default $XDG_CONFIG_HOME/mwoauth/config)
  MWOAUTH_PROFILE           profile to use (as --profile)
`)
	for _, s := range cmdutil.Settings {
		fmt.Fprintf(&b, "  %-25s %s\n", cmdutil.EnvName(s.Key), s.Help)
	}
	b.WriteString(`  MWOAUTH_DB_PASSWORD       database password when the DSN has none (else ~/.my.cnf [client] or [mysql])
  MWOAUTH_NOW               pin the clock for judging tokens (RFC 3339 or unix seconds); never stamps a write
  NO_COLOR                  when set and not empty: no colour, whatever --color auto decides`)
	return b.String()
}

func newHelpTopics() []*cobra.Command {
	return []*cobra.Command{
		{
			Use:   "exit-codes",
			Short: "Exit codes of every mwoauth command",
			Long:  ExitCodesText(),
		},
		{
			Use:   "environment",
			Short: "Environment variables mwoauth reads",
			Long:  EnvironmentText(),
		},
	}
}
