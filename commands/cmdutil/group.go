package cmdutil

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
)

// Group makes cmd a command group holding subs: it rejects unknown
// subcommands with a usage error (exit 2) instead of printing help and
// exiting 0, which is cobra's default for nested groups. A noun's group
// (token, keys, config, ...) is then its help text and its subcommands, in
// one call.
func Group(cmd *cobra.Command, subs ...*cobra.Command) *cobra.Command {
	cmd.AddCommand(subs...)
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

// Noun builds the group of one noun's commands ("mwoauth keys ...") from
// its help text and subcommands: every noun's usage line is "NOUN
// <command>", written here once.
func Noun(name string, help *cobra.Command, subs ...*cobra.Command) *cobra.Command {
	help.Use = name + " <command>"
	return Group(help, subs...)
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

// Args wraps a positional-argument validator so its error is a usage
// error that says what the command expects: "consumer show needs a
// consumer KEY or ID", "keys fingerprint takes one key file, not 3". what
// describes the arguments; without it the Use line's arguments are named.
func Args(check cobra.PositionalArgs, what ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		err := check(cmd, args)
		if err == nil {
			return nil
		}
		w := useArgs(cmd)
		if len(what) > 0 {
			w = what[0]
		}
		// cobra.NoArgs says "unknown command", which is what it is.
		if w == "" || strings.HasPrefix(err.Error(), "unknown command") {
			return &FlagError{Err: err}
		}
		path := strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
		if tooFew(err.Error()) {
			return FlagErrorf("%s needs %s (see mwoauth %s --help)", path, w, path)
		}
		return FlagErrorf("%s takes %s; %d arguments given (see mwoauth %s --help)", path, w, len(args), path)
	}
}

// tooFew reads cobra's argument-count messages ("accepts 1 arg(s),
// received 0", "requires at least 1 arg(s), only received 0", "accepts
// between 1 and 2 arg(s), received 3"): too few when the count received is
// below the first number.
func tooFew(msg string) bool {
	if strings.Contains(msg, "at least") {
		return true
	}
	var nums []int
	for _, w := range strings.FieldsFunc(msg, func(r rune) bool { return r < '0' || r > '9' }) {
		if n, err := strconv.Atoi(w); err == nil {
			nums = append(nums, n)
		}
	}
	return len(nums) >= 2 && !strings.Contains(msg, "at most") && nums[len(nums)-1] < nums[0]
}

// useArgs is the argument part of cmd's Use line ("KEY|ID..."), or "".
func useArgs(cmd *cobra.Command) string {
	_, rest, ok := strings.Cut(cmd.Use, " ")
	if !ok {
		return ""
	}
	var parts []string
	for _, w := range strings.Fields(rest) {
		if strings.HasPrefix(w, "--") || strings.HasPrefix(w, "[-") || w == "[flags]" {
			break
		}
		parts = append(parts, w)
	}
	return strings.Join(parts, " ")
}

// AddOutputFlag registers -o/--output on cmd, naming the allowed formats
// (the first is the default), so every command spells it the same way.
// RunE reads it back with OutputFormat(cmd).
func AddOutputFlag(cmd *cobra.Command, allowed ...string) {
	list := allowed[0]
	if n := len(allowed); n > 1 {
		list = strings.Join(allowed[:n-1], ", ") + " or " + allowed[n-1]
	}
	cmd.Flags().StringP("output", "o", "", "Output `format`: "+list+" (default "+allowed[0]+")")
	SetFlagValues(cmd, "output", allowed...)
}

// OutputFormat returns the --output value for cmd, checked against the
// formats AddOutputFlag registered (the first is the default), so a
// command names its formats once.
func OutputFormat(cmd *cobra.Command) (string, error) {
	v := ""
	var allowed []string
	if fl := cmd.Flags().Lookup("output"); fl != nil {
		v, allowed = fl.Value.String(), fl.Annotations[ValuesAnnotation]
	}
	if len(allowed) == 0 {
		return "", fmt.Errorf("%s has no --output formats (AddOutputFlag)", cmd.CommandPath())
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
