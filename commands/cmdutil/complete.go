package cmdutil

import (
	"context"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// ValuesAnnotation, on a flag, lists the values it takes: shell completion
// offers them (commands.registerCompletions). AddOutputFlag sets it.
const ValuesAnnotation = "mwoauth_values"

// CompleteTimeout bounds what one completion may spend reading the
// configured database: a shell waiting on a slow or unreachable server
// would hang the user's prompt. Factory.CompleteTimeout overrides it.
const CompleteTimeout = 2 * time.Second

// SetFlagValues annotates the flag name of cmd with the values it takes.
func SetFlagValues(cmd *cobra.Command, name string, values ...string) {
	if fl := cmd.Flags().Lookup(name); fl != nil {
		if fl.Annotations == nil {
			fl.Annotations = map[string][]string{}
		}
		fl.Annotations[ValuesAnnotation] = values
	}
}

// CompletionContext is the context a completion reads the database under:
// cmd's, with the completion deadline (Factory.CompleteTimeout, else
// CompleteTimeout). It is set on cmd, so whatever the command opens with
// cmd's context (dbcmd.Open) gives up at the deadline too.
func (f *Factory) CompletionContext(cmd *cobra.Command) (context.Context, context.CancelFunc) {
	d := f.CompleteTimeout
	if d <= 0 {
		d = CompleteTimeout
	}
	parent := cmd.Context()
	if parent == nil {
		parent = context.Background()
	}
	ctx, cancel := context.WithTimeout(parent, d)
	cmd.SetContext(ctx)
	return ctx, cancel
}

// CompleteProfiles lists the profiles of the configuration file, each with
// its database (password hidden) as the description.
func (f *Factory) CompleteProfiles(toComplete string) []cobra.Completion {
	cf, _, err := ReadConfigFile(ConfigPath(f.ConfigPath))
	if err != nil {
		cobra.CompDebugln("profiles: "+err.Error(), false)
		return nil
	}
	var out []cobra.Completion
	for _, name := range cf.Profiles() {
		if !strings.HasPrefix(name, toComplete) || Safe(name) != name {
			continue
		}
		desc := ""
		if db := cf.Profile(name)["db"]; db != "" {
			desc = RedactDSN(db)
		}
		if name == cf.Default() {
			desc = strings.TrimSpace("(default) " + desc)
		}
		out = append(out, cobra.CompletionWithDesc(name, Safe(desc)))
	}
	return out
}
