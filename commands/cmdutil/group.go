package cmdutil

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// Group makes a command group reject unknown subcommands with a usage error
// (exit 2) instead of printing help and exiting 0, which is cobra's default
// for nested groups.
func Group(cmd *cobra.Command) *cobra.Command {
	cmd.SuggestionsMinimumDistance = 2
	cmd.Args = func(c *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		return UnknownCommandError(c, args[0])
	}
	cmd.RunE = func(c *cobra.Command, args []string) error {
		return c.Help()
	}
	return cmd
}

// UnknownCommandError is the usage error for a subcommand c does not have,
// with the nearest name when there is one.
func UnknownCommandError(c *cobra.Command, name string) error {
	msg := fmt.Sprintf("unknown command %q for %q", name, c.CommandPath())
	if s := c.SuggestionsFor(name); len(s) > 0 {
		msg += fmt.Sprintf("; did you mean %q?", s[0])
	}
	return &FlagError{Err: errors.New(msg)}
}

// Args wraps a positional-argument validator so its error is a usage error.
func Args(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return &FlagError{Err: err}
		}
		return nil
	}
}

// AddOutputFlag registers -o/--output on cmd, naming the allowed formats
// (the first is the default), so every command spells it the same way.
// RunE reads it back with OutputFormat(cmd, allowed...).
func AddOutputFlag(cmd *cobra.Command, allowed ...string) {
	list := allowed[0]
	if n := len(allowed); n > 1 {
		list = strings.Join(allowed[:n-1], ", ") + " or " + allowed[n-1]
	}
	cmd.Flags().StringP("output", "o", "", "Output `format`: "+list+" (default "+allowed[0]+")")
}

// OutputFormat returns the --output value for cmd, checked against allowed.
// The first allowed value is the default.
func OutputFormat(cmd *cobra.Command, allowed ...string) (string, error) {
	v := ""
	if fl := cmd.Flags().Lookup("output"); fl != nil {
		v = fl.Value.String()
	}
	if v == "" {
		return allowed[0], nil
	}
	for _, a := range allowed {
		if v == a {
			return v, nil
		}
	}
	return "", FlagErrorf("--output %q is not one of: %s", v, strings.Join(allowed, ", "))
}
