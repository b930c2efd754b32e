package consumer

import (
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/commands/dbcmd"
	"github.com/mwoauth/mwoauth/db"
	"github.com/mwoauth/mwoauth/mediawiki"
)

// completeMax bounds how many consumers one completion reads: a central
// wiki holds thousands, and a shell offers a screenful at most anyway.
const completeMax = 500

// completeConsumers completes consumer keys (and ids, once a digit is
// typed) from the configured database, each described by its name and
// stage. With an action, only consumers the action would change are
// offered, by the same rule the action applies (mediawiki.Transition). It
// reads under cmdutil's completion deadline and offers nothing when there
// is no database, it is slow, or anything fails: a TAB never hangs a shell
// or prints an error into the command line. Only the first argument of
// show and revoke is a consumer; approve, disable, enable and reject take
// many, and keys already given are not offered again.
func completeConsumers(f *cmdutil.Factory, action mediawiki.ConsumerAction, many bool) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		const none = cobra.ShellCompDirectiveNoFileComp
		if len(args) > 0 && !many {
			return nil, none
		}
		ctx, cancel := f.CompletionContext(cmd)
		defer cancel()
		st, err := dbcmd.Open(cmd, f)
		if err != nil || st == nil {
			cobra.CompDebugln("consumers: "+errText(err), false)
			return nil, none
		}
		defer st.Close()
		age, err := expirationAge(cmd, f)
		if err != nil {
			age = mediawiki.DefaultRequestExpirationAge
		}
		e := expiry{now: f.Now(), age: age}
		suppress, _ := cmd.Flags().GetBool("suppress")
		given := map[string]bool{}
		for _, a := range args {
			given[a] = true
		}
		byID := toComplete != "" && strings.Trim(toComplete, "0123456789") == ""
		var out []cobra.Completion
		filter := db.ListFilter{Brief: true, IncludeSuppressed: true, Limit: completeMax}
		if !byID {
			filter.Search = toComplete // a substring of the key: the database narrows it down
		}
		err = st.ListConsumers(ctx, filter, func(c *db.Consumer) error {
			if given[c.Key] || given[strconv.FormatInt(c.ID, 10)] {
				return nil
			}
			stage, _, auto := e.stage(c)
			if action != "" && !changes(action, stage, c.Deleted, suppress) {
				return nil
			}
			desc := c.Name + " (" + mediawiki.StageName(stage)
			if auto {
				desc += ", auto-maintenance pending"
			}
			if c.Deleted {
				desc += ", suppressed"
			}
			desc = cmdutil.Safe(desc + ")")
			// A key a terminal would act on is never put on the command
			// line (its id still completes).
			if strings.HasPrefix(c.Key, toComplete) && cmdutil.Safe(c.Key) == c.Key && !strings.ContainsAny(c.Key, " \t\n") {
				out = append(out, cobra.CompletionWithDesc(c.Key, desc))
			}
			if id := strconv.FormatInt(c.ID, 10); byID && strings.HasPrefix(id, toComplete) {
				out = append(out, cobra.CompletionWithDesc(id, desc))
			}
			return nil
		})
		if err != nil {
			cobra.CompDebugln("consumers: "+errText(err), false)
			return nil, none
		}
		return out, none
	}
}

// changes: action would change a consumer in stage (mediawiki.Transition
// allows it and it is not already done).
func changes(action mediawiki.ConsumerAction, stage int, deleted, suppress bool) bool {
	_, _, same, refused := mediawiki.Transition(action, stage, deleted, suppress)
	return refused == nil && !same
}

func errText(err error) string {
	if err == nil {
		return "no database configured"
	}
	return err.Error()
}
