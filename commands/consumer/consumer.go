// Package consumer holds the "mwoauth consumer" commands: find a consumer,
// see its blast radius, and disable, re-enable or reject it by writing the
// wiki's database exactly as Special:OAuthManageConsumers does.
package consumer

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/db"
)

// NewCmdConsumer builds the "consumer" group.
func NewCmdConsumer(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.Group(&cobra.Command{
		Use:   "consumer <command>",
		Short: "Find, inspect, disable, re-enable and reject OAuth consumers",
		Long: `Work on Extension:OAuth consumers (OAuth 1 consumers and OAuth 2 clients)
directly in the central wiki's database, the way Special:OAuthManageConsumers
does: the consumer row, the log entry (logging, log_search, comment, actor)
and nothing else.

The database comes from --db, MWOAUTH_DB or the profile's db setting:
  mysql:<go-sql-driver DSN>   e.g. mysql:wikiadmin@unix(/run/mysqld/mysqld.sock)/metawiki
  sqlite:<path>               e.g. sqlite:./mwoauth-sandbox/wiki.sqlite
The password is read from MWOAUTH_DB_PASSWORD or the [client] section of
~/.my.cnf, never from the command line. Try everything on the practice wiki
first: "mwoauth sandbox".`,
		Example: `  mwoauth consumer list --stage approved --search "bot"
  mwoauth consumer show 5096568cc6652b5ad36358427f1bd60c
  mwoauth consumer disable 5096568cc6652b5ad36358427f1bd60c --reason "secret leaked" --as Admin
  mwoauth consumer enable 5096568cc6652b5ad36358427f1bd60c --reason "secret rotated" --as Admin
  mwoauth consumer review                        # the proposal queue, riskiest first
  mwoauth consumer audit --fail-on security      # approved consumers with risky findings`,
	})
	cmd.AddCommand(
		newCmdList(f),
		newCmdShow(f),
		newCmdAction(f, actionDisable),
		newCmdAction(f, actionEnable),
		newCmdAction(f, actionReject),
		newCmdReview(f, nil),
		newCmdAudit(f, nil),
	)
	return cmd
}

// when renders a TS_MW value as RFC 3339 for JSON ("" stays "").
func when(ts string) string {
	if ts == "" || ts == "infinity" {
		return ts
	}
	t, err := db.ParseTimestamp(ts)
	if err != nil {
		return ts
	}
	return t.Format(time.RFC3339)
}

// human renders a TS_MW value for people (a value that is no timestamp
// is shown as it is, through cmdutil.Safe).
func human(ts string) string {
	if ts == "" || ts == "infinity" {
		return ts
	}
	t, err := db.ParseTimestamp(ts)
	if err != nil {
		return cmdutil.Safe(ts)
	}
	return t.Format("2006-01-02 15:04:05 UTC")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func setEmpty(b bool) string {
	if b {
		return "set"
	}
	return "empty"
}

// acceptances totals a consumer's acceptances and renders them for people:
// "none", or "3 (*: 2, enwiki: 1)". Show and the action preview agree.
func acceptances(accs []db.AcceptanceCount) (total int, text string) {
	parts := make([]string, 0, len(accs))
	for _, a := range accs {
		total += a.Count
		parts = append(parts, fmt.Sprintf("%s: %d", a.Wiki, a.Count))
	}
	if total == 0 {
		return 0, "none"
	}
	return total, fmt.Sprintf("%d (%s)", total, strings.Join(parts, ", "))
}
