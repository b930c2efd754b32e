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
			Long: `Settings resolve in this order: command flag, environment, profile.

  MWOAUTH_CONFIG          configuration file (default $XDG_CONFIG_HOME/mwoauth/config)
  MWOAUTH_PROFILE         profile to use
  MWOAUTH_DB              database DSN: mysql:<go-sql-driver DSN> or sqlite:<path>
  MWOAUTH_DB_PASSWORD     database password when the DSN has none (else ~/.my.cnf [client])
  MWOAUTH_TABLE_PREFIX    $wgDBprefix
  MWOAUTH_CENTRALAUTH_DB  CentralAuth database DSN (owner names from globaluser)
  MWOAUTH_AS              performing admin for consumer actions
  MWOAUTH_PUBLIC_KEY      public key file (token verify)
  MWOAUTH_PRIVATE_KEY     private key file, or PEM text (token remint/mint)
  MWOAUTH_ISSUER          expected or minted iss
  MWOAUTH_AUDIENCE        expected aud
  MWOAUTH_NOW             pin the clock (RFC 3339 or unix seconds); for tests and demos
  NO_COLOR                no colour, whatever --color auto decides`,
		},
	}
}
