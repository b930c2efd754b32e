// Package commands wires mwoauth's cobra command tree. Each noun lives in its
// own package (token, keys, consumer, sandbox); this package builds the root,
// prints errors once and maps them to exit codes.
package commands

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/commands/consumer"
	"github.com/mwoauth/mwoauth/commands/keys"
	"github.com/mwoauth/mwoauth/commands/sandbox"
	"github.com/mwoauth/mwoauth/commands/token"
	jwtkeys "github.com/mwoauth/mwoauth/jwtutil/keys"
	"github.com/mwoauth/mwoauth/mediawiki"
)

// NewCmdRoot builds the whole command tree around f.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	root := newCmdRootOnly(f)
	for _, c := range topCommands {
		root.AddCommand(c.build(f))
	}
	root.AddCommand(newHelpTopics()...)
	root.SetHelpCommand(newCmdHelp())
	initCompletion(root)
	return root
}

// newCmdRootOnly is the root command with its flags and no children.
func newCmdRootOnly(f *cmdutil.Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "mwoauth <command> <subcommand> [flags]",
		Short: "MediaWiki OAuth admin and token toolkit",
		Long: `mwoauth is one binary for the people who run and use MediaWiki's
Extension:OAuth: oauthadmins handling a leaked consumer secret, developers
debugging a bearer token, and QA testing expiry and refresh.

Start with the practice wiki: "mwoauth sandbox", then follow what it prints.`,
		Example: `  mwoauth sandbox
  mwoauth token decode "$TOKEN"
  mwoauth token verify @token.jwt --public-key oauth2-public.pem
  mwoauth consumer list --stage approved
  mwoauth consumer disable 5096568cc6652b5ad36358427f1bd60c --reason "secret leaked" --as Admin`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Version:       Version(),
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			f.ConfigExplicit = cmd.Flags().Changed("config")
			if f.ClockErr != nil {
				return cmdutil.FlagErrorf("%v", f.ClockErr)
			}
			switch f.IO.ColorMode {
			case "auto", "always", "never":
			default:
				return cmdutil.FlagErrorf("--color must be auto, always or never, not %q", f.IO.ColorMode)
			}
			return nil
		},
	}
	root.SetVersionTemplate("mwoauth {{.Version}}\n")
	cmdutil.Group(root)

	pf := root.PersistentFlags()
	pf.StringVar(&f.IO.ColorMode, "color", "auto", "Colour output: `auto`, always or never (NO_COLOR is honoured)")
	pf.StringVar(&f.ConfigPath, "config", "", "Configuration `file` (default $MWOAUTH_CONFIG or $XDG_CONFIG_HOME/mwoauth/config)")
	pf.StringVar(&f.Profile, "profile", "", "Named profile from the configuration file (env MWOAUTH_PROFILE; see mwoauth help config)")
	pf.BoolVar(&f.NoProfile, "no-profile", false, "Use no profile at all, not even the default one")
	spec, _ := cmdutil.LookupSetting("mediawiki")
	pf.String("mediawiki", spec.Default, "MediaWiki `version` whose rules apply: "+strings.Join(mediawiki.Versions(), ", ")+" (env MWOAUTH_MEDIAWIKI, profile mediawiki)")

	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	root.SetIn(f.IO.In)
	root.SetFlagErrorFunc(cmdutil.FriendlyFlagError)

	return root
}

// topCommands are the nouns under the root, in help order.
var topCommands = []struct {
	name  string
	build func(*cmdutil.Factory) *cobra.Command
}{
	{"token", token.NewCmdToken},
	{"keys", keys.NewCmdKeys},
	{"consumer", consumer.NewCmdConsumer},
	{"sandbox", sandbox.NewCmdSandbox},
	{"version", func(f *cmdutil.Factory) *cobra.Command { return NewCmdVersion(f, nil) }},
	{"config", newCmdConfig},
}

// newCmdRootFor is NewCmdRoot for one run with args: when args start with
// one of the nouns, only that noun's commands are built. Every command and
// flag is a few allocations on a fresh heap, and for "token verify" the
// whole tree was a fifth of the process's page faults after the runtime's
// own. Help, completion and anything else get the whole tree.
func newCmdRootFor(f *cmdutil.Factory, args []string) *cobra.Command {
	if len(args) >= 2 {
		for _, c := range topCommands {
			if args[0] == c.name {
				root := newCmdRootOnly(f)
				root.AddCommand(c.build(f))
				root.SetHelpCommand(newCmdHelp())
				// Unreachable here (args name a noun); cobra would
				// otherwise build it at Execute.
				root.CompletionOptions.DisableDefaultCmd = true
				return root
			}
		}
	}
	return NewCmdRoot(f)
}

// newCmdHelp replaces cobra's help command, which answers an unknown topic
// with the usage text and exit 0; here it is a usage error (exit 2).
func newCmdHelp() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command | topic]",
		Short: "Help about any command or topic",
		Long: `Help shows the help of any command ("mwoauth help token verify" is
"mwoauth token verify --help") and the topics exit-codes and environment.`,
		Example: `  mwoauth help token verify
  mwoauth help exit-codes
  mwoauth help environment`,
		ValidArgsFunction: completeHelp,
		RunE: func(c *cobra.Command, args []string) error {
			cmd, rest, err := c.Root().Find(args)
			if err != nil || cmd == nil || len(rest) > 0 {
				return cmdutil.FlagErrorf("unknown help topic %q: run 'mwoauth help' for the commands and topics", strings.Join(args, " "))
			}
			return cmd.Help()
		},
	}
}

// initCompletion adds cobra's completion commands now rather than at
// execution, so they carry examples like every other command.
func initCompletion(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		// "completion tcsh" is a usage error, not the group's help.
		cmdutil.Group(c)
		c.Example = `  source <(mwoauth completion bash)
  mwoauth completion zsh > "${fpath[1]}/_mwoauth"
  mwoauth completion fish > ~/.config/fish/completions/mwoauth.fish`
		for _, sh := range c.Commands() {
			switch sh.Name() {
			case "bash":
				sh.Example = "  source <(mwoauth completion bash)\n  mwoauth completion bash > /etc/bash_completion.d/mwoauth"
			case "zsh":
				sh.Example = "  mwoauth completion zsh > \"${fpath[1]}/_mwoauth\""
			case "fish":
				sh.Example = "  mwoauth completion fish > ~/.config/fish/completions/mwoauth.fish"
			case "powershell":
				sh.Example = "  mwoauth completion powershell | Out-String | Invoke-Expression"
			}
		}
	}
}

// Main runs mwoauth with the process's arguments and streams and returns
// the exit code.
func Main() int {
	return Run(cmdutil.System(), os.Args[1:])
}

// Run runs mwoauth with args on ios and returns the exit code. Tests and
// harnesses call it (or Execute), so what they assert is what users see.
func Run(ios *cmdutil.IOStreams, args []string) int {
	return Execute(cmdutil.NewFactory(ios), args)
}

// Execute runs args with f. It is the only place that prints an error:
// one line, "error: ...", through cmdutil.ErrorLine.
func Execute(f *cmdutil.Factory, args []string) int {
	if args == nil {
		args = []string{} // cobra reads os.Args when given nil
	}
	// Before cobra sees them: its own messages ("unknown command",
	// "bad flag syntax") would echo a pasted key.
	if err := refuseKeyMaterial(args); err != nil {
		fmt.Fprintln(f.IO.ErrOut, cmdutil.ErrorLine(err))
		return cmdutil.ExitCode(err)
	}
	root := newCmdRootFor(f, args)
	if isCompletion(args) {
		registerCompletions(root, f)
	}
	root.SetArgs(args)
	var helpErr error
	defaultHelp := root.HelpFunc()
	root.SetHelpFunc(func(c *cobra.Command, a []string) {
		// "keys inspect --help": cobra shows the keys help and exits 0,
		// as if inspect existed.
		if c.HasAvailableSubCommands() && c.Flags().Parsed() && c.Flags().NArg() > 0 {
			helpErr = cmdutil.UnknownCommandError(c, c.Flags().Arg(0))
			return
		}
		defaultHelp(c, a)
	})

	// Ctrl-C is caught by the commands that need it (cmdutil.CatchInterrupt).
	err := root.ExecuteContext(context.Background())
	if err == nil {
		err = helpErr
	}
	if err == nil {
		return cmdutil.ExitOK
	}
	err = interruptedError(err)
	if !cmdutil.IsSilent(err) {
		fmt.Fprintln(f.IO.ErrOut, cmdutil.ErrorLine(err))
	}
	return cmdutil.ExitCode(err)
}

// interruptedError is how every command ends after Ctrl-C: exit 130 and
// "error: interrupted", never the "context canceled" of whatever call the
// cancellation reached first, nor the failure it caused (a dropped
// connection). A command that said more itself, with exit 130 ("interrupted
// at the prompt; nothing written"), keeps its words.
func interruptedError(err error) error {
	if !errors.Is(err, context.Canceled) && !cmdutil.Interrupted() {
		return err
	}
	var ee *cmdutil.ExitError
	if errors.As(err, &ee) && ee.Code == cmdutil.ExitInterrupted && (ee.Silent || !strings.Contains(err.Error(), context.Canceled.Error())) {
		return err
	}
	return cmdutil.Exit(cmdutil.ExitInterrupted, errors.New("interrupted"))
}

// refuseKeyMaterial refuses a private key anywhere on the command line,
// naming where it was and never what it was.
func refuseKeyMaterial(args []string) error {
	for i, a := range args {
		where := fmt.Sprintf("argument %d", i+1)
		if i > 0 && isFlagName(args[i-1]) {
			where = "the value of " + args[i-1]
		}
		// The argument itself, a value glued to a flag (--private-key=...),
		// and text pasted after dashes (cobra would call it a flag).
		candidates := []string{a, strings.TrimLeft(a, "-")}
		if name, v, ok := strings.Cut(a, "="); ok && strings.HasPrefix(name, "-") {
			candidates = append(candidates, v)
			if isFlagName(name) {
				where = name
			}
		}
		for _, c := range candidates {
			if jwtkeys.IsPrivateKeyMaterial(c) {
				return cmdutil.FlagErrorf("refusing private key material on the command line (%s): it ends up in shell history and ps; pass a file name, - for stdin, or env:NAME", where)
			}
		}
	}
	return nil
}

// isFlagName reports whether s is spelled like a flag (-y, --private-key),
// so an error may name it without quoting anything else from argv.
func isFlagName(s string) bool {
	name, ok := strings.CutPrefix(s, "--")
	if !ok {
		name, ok = strings.CutPrefix(s, "-")
	}
	if !ok || name == "" || len(name) > 40 {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}
