// Package consumer holds the "mwoauth consumer" commands: find a consumer,
// see its blast radius, and disable, re-enable or reject it by writing the
// wiki's database exactly as Special:OAuthManageConsumers does.
package consumer

import (
	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
)

// NewCmdConsumer builds the "consumer" group.
func NewCmdConsumer(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.Group(&cobra.Command{
		Use:   "consumer <command>",
		Short: "Find, inspect, approve, disable, re-enable, reject and revoke OAuth consumers",
		Long: `Work on Extension:OAuth consumers (OAuth 1 consumers and OAuth 2 clients)
directly in the wiki's databases, the way Special:OAuthManageConsumers does:
the consumer row, the log entry (logging, log_search, comment, actor) and
nothing else; and revoke one user's authorization as
Special:OAuthManageMyGrants does.

The database comes from --db, MWOAUTH_DB or the profile's db setting:
  mysql:<go-sql-driver DSN>   e.g. mysql:wikiadmin@unix(/run/mysqld/mysqld.sock)/metawiki
  sqlite:<path>               e.g. sqlite:./mwoauth-sandbox/wiki.sqlite
It holds the OAuth tables (master's virtual-oauth domain). When the central
wiki's own tables (logging, log_search, comment, actor, user, page,
user_groups, block) are in another database, name it with --wiki-db
(MWOAUTH_WIKI_DB, profile key wiki-db): on the same server one transaction
spans both; on another server the consumer row is committed first.
What a mysql DSN leaves out comes from where the mysql client would take it:
the password from MWOAUTH_DB_PASSWORD, else ~/.my.cnf; the user, and for a
DSN without an address (mysql:@/metawiki) the host, port and socket, from
~/.my.cnf, read as the mariadb client reads it ([client], [mysql] and its
other groups, a later line winning; comments, quotes, escapes, !include);
the user otherwise is your login name. A password written into --db works
but is warned about. A refused login says where the password came from, or
where one was looked for. Try everything on the practice wiki first:
"mwoauth sandbox".`,
		Example: `  mwoauth consumer list --stage approved --search "bot"
  mwoauth consumer show 5096568cc6652b5ad36358427f1bd60c
  mwoauth consumer approve 2e33175180a0c30649b032b29fd807a5 --reason "reviewed" --as Admin
  mwoauth consumer disable 5096568cc6652b5ad36358427f1bd60c --reason "secret leaked" --as Admin --revoke-tokens
  mwoauth consumer enable 5096568cc6652b5ad36358427f1bd60c --reason "secret rotated" --as Admin
  mwoauth consumer review                        # the proposal queue, riskiest first
  mwoauth consumer audit --fail-on security      # approved consumers with risky findings`,
	})
	cmd.AddCommand(
		newCmdList(f, nil),
		newCmdShow(f, nil),
		newCmdAction(f, actionApprove, nil),
		newCmdAction(f, actionDisable, nil),
		newCmdAction(f, actionEnable, nil),
		newCmdAction(f, actionReject, nil),
		newCmdRevoke(f, nil),
		newCmdReview(f, nil),
		newCmdAudit(f, nil),
	)
	return cmd
}
