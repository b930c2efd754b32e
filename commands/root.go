// Package commands wires mwoauth's cobra command tree. Each noun lives in its
// own package (token, keys, consumer, sandbox); this package builds the root,
// prints errors once and maps them to exit codes.
package commands

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/commands/consumer"
	"github.com/mwoauth/mwoauth/commands/keys"
	"github.com/mwoauth/mwoauth/commands/sandbox"
	"github.com/mwoauth/mwoauth/commands/token"
)

// NewCmdRoot builds the whole command tree around f.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
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
	pf.StringVar(&f.Profile, "profile", "", "Named profile from the configuration file (env MWOAUTH_PROFILE)")

	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	root.SetIn(f.IO.In)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &cmdutil.FlagError{Err: err}
	})

	root.AddCommand(
		token.NewCmdToken(f),
		keys.NewCmdKeys(f),
		consumer.NewCmdConsumer(f),
		sandbox.NewCmdSandbox(f),
		newCmdVersion(f),
		newCmdConfig(f),
	)
	root.AddCommand(newHelpTopics()...)
	return root
}

// Main runs mwoauth with os.Args and returns the exit code. It is the only
// place that prints an error.
func Main() int {
	ios := cmdutil.System()
	f := cmdutil.NewFactory(ios)
	root := NewCmdRoot(f)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	err := root.ExecuteContext(ctx)
	if err == nil {
		return cmdutil.ExitOK
	}
	if ctx.Err() != nil && !errors.Is(err, context.Canceled) {
		err = cmdutil.Exit(cmdutil.ExitInterrupted, fmt.Errorf("interrupted"))
	}
	if !cmdutil.IsSilent(err) {
		msg := strings.TrimSpace(err.Error())
		fmt.Fprintf(ios.ErrOut, "error: %s\n", msg)
		var fe *cmdutil.FlagError
		if errors.As(err, &fe) {
			fmt.Fprintln(ios.ErrOut, "Run 'mwoauth --help' or add --help to the command for usage.")
		}
	}
	return cmdutil.ExitCode(err)
}
