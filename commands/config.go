package commands

import (
	"fmt"
	"regexp"
	"sync"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
)

func newCmdConfig(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.Group(&cobra.Command{
		Use:   "config <command>",
		Short: "Show the configuration file and profiles",
		Long: `Profiles hold per-wiki settings so commands need fewer flags. The file is
INI, like ~/.my.cnf:

  default = metawiki
  [profile metawiki]
  db = mysql:wikiadmin@tcp(db1:3306)/metawiki
  public-key = /etc/mediawiki/oauth2-public.pem
  issuer = https://meta.wikimedia.org
  as = Admin

Keys: db, table-prefix, centralauth-db, as, public-key, private-key, issuer,
audience. Flags and MWOAUTH_* environment variables override a profile.
"mwoauth sandbox" writes a profile named sandbox and makes it the default.`,
		Example: `  mwoauth config show
  mwoauth --profile metawiki config show --output json
  MWOAUTH_CONFIG=./test-config mwoauth config show`,
	})
	show := &cobra.Command{
		Use:   "show",
		Short: "Print the resolved settings of the selected profile",
		Long: `Show prints the configuration file in use, the selected profile (--profile,
MWOAUTH_PROFILE or the file's default) and every setting as commands will
resolve it: profile values with MWOAUTH_* environment variables applied.
A password inside a mysql DSN is shown as ***.

--output json prints {"path", "profile", "profiles", "settings"}: settings
maps each key (db, table-prefix, centralauth-db, as, public-key,
private-key, issuer, audience) that has a value to that value.`,
		Example: "  mwoauth config show\n  mwoauth --profile sandbox config show --output json",
		Args:    cmdutil.Args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := cmdutil.OutputFormat(cmd, "text", "json")
			if err != nil {
				return err
			}
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			settings := map[string]string{}
			for _, k := range cmdutil.SettingKeys {
				if v := cfg.Value(nil, k.Key); v != "" {
					settings[k.Key] = RedactDSN(v)
				}
			}
			if format == "json" {
				return cmdutil.WriteJSON(f.IO.Out, map[string]any{
					"path": cfg.Path, "profile": cfg.ProfileName, "profiles": cfg.ProfileNames(), "settings": settings,
				})
			}
			fmt.Fprintf(f.IO.Out, "config   %s\nprofile  %s\n", cfg.Path, orNone(cfg.ProfileName))
			for _, k := range cmdutil.SettingKeys {
				if v, ok := settings[k.Key]; ok {
					fmt.Fprintf(f.IO.Out, "%-15s %s\n", k.Key, v)
				}
			}
			return nil
		},
	}
	cmdutil.AddOutputFlag(show, "text", "json")
	cmd.AddCommand(show)
	return cmd
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

var dsnPassword = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(mysql:[^:@/]*):[^@]*@`) })

// RedactDSN hides a password embedded in a mysql DSN.
func RedactDSN(s string) string { return dsnPassword().ReplaceAllString(s, "$1:***@") }
