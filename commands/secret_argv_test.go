package commands

import (
	"encoding/base64"
	"encoding/pem"
	"os"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
)

// TestKeyOnArgvNeverEchoed runs every command with a private key on the
// command line, as a positional argument, as the value of each of its flags
// (--flag VALUE and --flag=VALUE) and as a flag name of its own, in three
// spellings (PEM, base64 DER, JWK with d): each run is refused with exit 2
// and no byte of the key reaches stdout or stderr.
func TestKeyOnArgvNeverEchoed(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("MWOAUTH_CONFIG", "")
	pemText, err := os.ReadFile("testdata/fixtures/keys/oauth2-private.pem")
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(pemText)
	der64 := base64.StdEncoding.EncodeToString(block.Bytes)
	spellings := map[string]string{
		"pem": string(pemText),
		"der": der64,
		"jwk": `{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","d":"X4cTteJY_gn4FYPsXB8rdXix5vwsg1FLN5E3EaG6RJoVH-HLLKD9M7dx5oo7GURknchnrRweUkC7hT5fJLM0WbFAKNLWY2vv7B6NqXSzUvxT0_YSfqijwp3RTzlBaCxWp4doFk5N2o8Gy_nHNKroADIkJ46pRUohsXywbReAdYaMwFs9tv8d_cPVY3i07a3t8MN6TNwm0dSawm9v47UiCl3Sk5ZiG7xojPLu4sbg1U2jx4IBTNBznbJSzFHK66jT8bgkuqsk0GjskDJk19Z4qwjwbsnn4j2WBii3RL-Us2lGVkY8fkFzme1z0HbIkfz0Y6mqnOYtqc0X4jfcKoAC8Q"}`,
	}
	secretBits := map[string]string{"pem": der64[40:80], "der": der64[40:80], "jwk": "X4cTteJY_gn4FYPsXB8rdXix5vwsg1FLN5E3"}

	ios, _, _, _ := cmdutil.Test()
	root := NewCmdRoot(cmdutil.NewFactory(ios))
	var paths [][]string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Runnable() {
			paths = append(paths, strings.Fields(c.CommandPath())[1:])
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	if len(paths) < 15 {
		t.Fatalf("only %d commands found", len(paths))
	}
	runs := 0
	for _, path := range paths {
		c, _, err := root.Find(path)
		if err != nil {
			t.Fatal(err)
		}
		var flags []string
		c.Flags().VisitAll(func(fl *pflag.Flag) { flags = append(flags, "--"+fl.Name) })
		for name, key := range spellings {
			argvs := [][]string{
				append(append([]string{}, path...), key),
				append(append([]string{}, path...), "--"+key),
			}
			for _, fl := range flags {
				argvs = append(argvs, append(append([]string{}, path...), fl, key), append(append([]string{}, path...), fl+"="+key))
			}
			for _, argv := range argvs {
				ios, _, out, errOut := cmdutil.Test()
				code := Run(ios, argv)
				runs++
				all := out.String() + errOut.String()
				if strings.Contains(all, secretBits[name]) || strings.Contains(all, "BEGIN") {
					t.Fatalf("%s key in %q echoed:\n%s", name, strings.Join(path, " "), all)
				}
				if code != cmdutil.ExitUsage || out.Len() != 0 || !strings.HasPrefix(errOut.String(), "error: refusing private key material") {
					t.Fatalf("%s key in %q: exit %d, stdout %q, stderr %q", name, strings.Join(path, " "), code, out, errOut)
				}
			}
		}
	}
	t.Logf("%d commands, %d runs", len(paths), runs)
}
