package commands

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/mediawiki"
	"github.com/mwoauth/mwoauth/probe"
)

// flagValues are the flags that take one of a fixed set of values, by flag
// name (each name means the same thing wherever it appears), read from
// the package that owns the set. A flag annotated with
// cmdutil.ValuesAnnotation (--output) says its own values.
var flagValues = map[string]func() []string{
	"color":         func() []string { return []string{"auto", "always", "never"} },
	"mediawiki":     mediawiki.Versions,
	"stage":         mediawiki.StageNames,
	"oauth-version": func() []string { return []string{"1", "2"} },
	"endpoint":      probe.Endpoints,
	"grant-type": func() []string {
		return []string{mediawiki.GrantAuthorizationCode, mediawiki.GrantRefreshToken, mediawiki.GrantClientCredentials}
	},
	"given-as":  func() []string { return []string{"value", "path"} },
	"format":    func() []string { return []string{"pkcs8", "pkcs1"} }, // keys generate
	"wiki-kind": func() []string { return []string{"production", "test", "sandbox"} },
}

// isCompletion: args are cobra's hidden completion request (what the
// scripts "mwoauth completion SHELL" prints run on every TAB).
func isCompletion(args []string) bool {
	return len(args) > 0 && (args[0] == cobra.ShellCompRequestCmd || args[0] == cobra.ShellCompNoDescRequestCmd)
}

// registerCompletions gives every flag with a known set of values its
// completion, and --profile and the configuration commands theirs. It runs
// only when the shell asks for completions: other runs never pay for it.
// Arguments that name consumers complete from the database (package
// consumer sets those itself).
func registerCompletions(root *cobra.Command, f *cmdutil.Factory) {
	register := func(c *cobra.Command, name string, fn cobra.CompletionFunc) {
		if _, done := c.GetFlagCompletionFunc(name); !done {
			c.RegisterFlagCompletionFunc(name, fn) //nolint:errcheck // the flag exists: c.Flag found it
		}
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		visit := func(fl *pflag.Flag) {
			values := fl.Annotations[cmdutil.ValuesAnnotation]
			if values == nil {
				if fn, ok := flagValues[fl.Name]; ok {
					values = fn()
				}
			}
			if values != nil {
				register(c, fl.Name, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
			}
		}
		c.LocalFlags().VisitAll(visit)
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
	register(root, "profile", func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return f.CompleteProfiles(toComplete), cobra.ShellCompDirectiveNoFileComp
	})
	for _, c := range root.Commands() {
		if c.Name() == "config" {
			completeConfigArgs(c, f)
		}
	}
}

// completeConfigArgs: "config use" takes a profile, get/set/unset a
// setting key, and set's value is completed when the key has a fixed set
// (mediawiki) or names a file.
func completeConfigArgs(config *cobra.Command, f *cmdutil.Factory) {
	keys := func(toComplete string) []cobra.Completion {
		var out []cobra.Completion
		for _, s := range cmdutil.Settings {
			if strings.HasPrefix(s.Key, toComplete) {
				out = append(out, cobra.CompletionWithDesc(s.Key, s.Help))
			}
		}
		return out
	}
	for _, c := range config.Commands() {
		switch c.Name() {
		case "use":
			c.ValidArgsFunction = func(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
				if len(args) > 0 {
					return nil, cobra.ShellCompDirectiveNoFileComp
				}
				return f.CompleteProfiles(toComplete), cobra.ShellCompDirectiveNoFileComp
			}
		case "get", "unset":
			c.ValidArgsFunction = func(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
				if len(args) > 0 {
					return nil, cobra.ShellCompDirectiveNoFileComp
				}
				return keys(toComplete), cobra.ShellCompDirectiveNoFileComp
			}
		case "set":
			c.ValidArgsFunction = func(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
				switch len(args) {
				case 0:
					return keys(toComplete), cobra.ShellCompDirectiveNoFileComp
				case 1:
					if fn, ok := flagValues[args[0]]; ok {
						return fn(), cobra.ShellCompDirectiveNoFileComp
					}
					if spec, ok := cmdutil.LookupSetting(args[0]); ok && (spec.Kind == cmdutil.KindPath || spec.Kind == cmdutil.KindKey) {
						return nil, cobra.ShellCompDirectiveDefault // a file name
					}
				}
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
		}
	}
}

// completeHelp completes "mwoauth help ..." with the commands under the
// words given so far, and the help topics at the top.
func completeHelp(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	cmd, rest, err := c.Root().Find(args)
	if err != nil || len(rest) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	for _, s := range cmd.Commands() {
		if (s.IsAvailableCommand() || s.IsAdditionalHelpTopicCommand()) && strings.HasPrefix(s.Name(), toComplete) && s.Name() != "help" {
			out = append(out, cobra.CompletionWithDesc(s.Name(), s.Short))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}
