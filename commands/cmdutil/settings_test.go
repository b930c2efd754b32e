package cmdutil

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// settingsCase runs the resolver for one command line against a file and
// an environment and returns db and public-key as resolved.
type settingsCase struct {
	name    string
	file    string
	env     map[string]string
	profile string // --profile
	flags   []string
	want    map[string]Value
}

const twoProfiles = `default = sandbox
[profile sandbox]
db = sqlite:sandbox.sqlite
public-key = sandbox.pem
issuer = https://meta.sandbox.test
as = Admin
[profile prod]
db = mysql:admin@tcp(db1:3306)/metawiki
public-key = prod.pem
`

func TestResolvePrecedence(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, f := range []string{"sandbox.sqlite", "sandbox.pem", "prod.pem", "real.pem"} {
		if err := os.WriteFile(f, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	sandbox := func(v string) Value {
		return Value{Value: v, Source: SourceProfile, Profile: "sandbox", DefaultProfile: true}
	}
	prod := func(v string) Value { return Value{Value: v, Source: SourceProfile, Profile: "prod"} }
	env := func(v string) Value { return Value{Value: v, Source: SourceEnv} }
	flag := func(v string) Value { return Value{Value: v, Source: SourceFlag} }
	def := func(v string) Value { return Value{Value: v, Source: SourceDefault} }
	for _, c := range []settingsCase{
		{name: "default profile", file: twoProfiles,
			want: map[string]Value{"db": sandbox("sqlite:sandbox.sqlite"), "public-key": sandbox("sandbox.pem"), "as": sandbox("Admin"), "mediawiki": def("master")}},
		{name: "flag beats everything", file: twoProfiles, profile: "prod", env: map[string]string{"MWOAUTH_DB": "sqlite:env.sqlite"}, flags: []string{"--db", "sqlite:flag.sqlite"},
			want: map[string]Value{"db": flag("sqlite:flag.sqlite"), "public-key": prod("prod.pem")}},
		{name: "chosen profile beats env", file: twoProfiles, profile: "prod", env: map[string]string{"MWOAUTH_DB": "sqlite:env.sqlite", "MWOAUTH_AS": "EnvAdmin"},
			want: map[string]Value{"db": prod("mysql:admin@tcp(db1:3306)/metawiki"), "as": env("EnvAdmin"), "issuer": def("")}},
		{name: "MWOAUTH_PROFILE chooses too", file: twoProfiles, env: map[string]string{"MWOAUTH_PROFILE": "prod", "MWOAUTH_DB": "sqlite:env.sqlite"},
			want: map[string]Value{"db": prod("mysql:admin@tcp(db1:3306)/metawiki")}},
		{name: "env beats default profile, and takes the wiki identity with it", file: twoProfiles, env: map[string]string{"MWOAUTH_DB": "sqlite:env.sqlite"},
			want: map[string]Value{"db": env("sqlite:env.sqlite"), "public-key": def(""), "issuer": def(""), "as": sandbox("Admin")}},
		{name: "an explicit key is another wiki", file: twoProfiles, flags: []string{"--public-key", "real.pem"},
			want: map[string]Value{"public-key": flag("real.pem"), "db": def(""), "issuer": def(""), "as": sandbox("Admin")}},
		{name: "a chosen profile still applies with an explicit key", file: twoProfiles, profile: "sandbox", flags: []string{"--public-key", "real.pem"},
			want: map[string]Value{"public-key": flag("real.pem"), "db": {Value: "sqlite:sandbox.sqlite", Source: SourceProfile, Profile: "sandbox"}}},
		{name: "a version alone describes the default profile's wiki, it does not leave it", file: twoProfiles, flags: []string{"--mediawiki", "1.43"},
			want: map[string]Value{"mediawiki": flag("1.43"), "db": sandbox("sqlite:sandbox.sqlite"), "public-key": sandbox("sandbox.pem"), "issuer": sandbox("https://meta.sandbox.test")}},
		{name: "MWOAUTH_MEDIAWIKI alone keeps the default profile's wiki too", file: twoProfiles, env: map[string]string{"MWOAUTH_MEDIAWIKI": "1.43"},
			want: map[string]Value{"mediawiki": env("1.43"), "db": sandbox("sqlite:sandbox.sqlite")}},
		{name: "empty env counts as unset", file: twoProfiles, env: map[string]string{"MWOAUTH_DB": ""},
			want: map[string]Value{"db": sandbox("sqlite:sandbox.sqlite")}},
		{name: "flag default", file: "", flags: []string{},
			want: map[string]Value{"db": def(""), "table-prefix": def("mw_")}},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, "config")
			if err := os.WriteFile(path, []byte(c.file), 0o600); err != nil {
				t.Fatal(err)
			}
			ios, _, _, _ := Test()
			f := &Factory{IO: ios, ConfigPath: path, Profile: c.profile, Getenv: func(k string) string { return c.env[k] }}
			cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
			cmd.Flags().String("db", "", "")
			cmd.Flags().String("public-key", "", "")
			cmd.Flags().String("table-prefix", "mw_", "")
			cmd.Flags().String("mediawiki", "master", "")
			if err := cmd.ParseFlags(c.flags); err != nil {
				t.Fatal(err)
			}
			for key, want := range c.want {
				got, err := f.Resolve(cmd, key)
				if err != nil {
					t.Fatalf("%s: %v", key, err)
				}
				want.Key = key
				if got != want {
					t.Errorf("%s = %+v, want %+v", key, got, want)
				}
			}
		})
	}
}

func TestResolveMissingProfileFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config")
	conf := "default = sandbox\n[profile sandbox]\ndb = sqlite:" + filepath.Join(dir, "gone", "wiki.sqlite") + "\npublic-key = " + filepath.Join(dir, "gone", "pub.pem") + "\n"
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	ios, _, _, _ := Test()
	f := &Factory{IO: ios, ConfigPath: path, Getenv: func(string) string { return "" }}
	cmd := &cobra.Command{Use: "x"}
	cmd.Flags().String("public-key", "", "")
	_, err := f.Resolve(cmd, "db")
	if err == nil || ExitCode(err) != ExitNotFound {
		t.Fatalf("missing sqlite file: %v (exit %d)", err, ExitCode(err))
	}
	for _, want := range []string{"profile sandbox", "db", filepath.Join(dir, "gone", "wiki.sqlite"), "mwoauth sandbox", "mwoauth config unset db --profile sandbox"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}
	// Given explicitly, the setting is the command's business.
	if err := cmd.ParseFlags([]string{"--public-key", filepath.Join(dir, "other.pem")}); err != nil {
		t.Fatal(err)
	}
	if v, err := f.Resolve(cmd, "public-key"); err != nil || v.Source != SourceFlag {
		t.Errorf("explicit key: %+v, %v", v, err)
	}
}

func TestConfigFileErrors(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"[profile a]\ndb: sqlite:x\n", `line 2: "db:": want key = value, not key: value`},
		{"[profile a]\npubkey = x\n", `line 2: unknown setting "pubkey"`},
		{"[profile a]\npublic_kye = x\n", `did you mean public-key?`},
		{"[client]\nuser = x\n", `line 1: section [client] is not [profile NAME]`},
		{"db = x\n", `line 1: "db" before any [profile NAME] section`},
		{"[profile a]\ndb = x\ndb = y\n", `line 3: db is set twice (first on line 2)`},
		{"[profile a]\n[profile a]\n", `line 2: [profile a] appears twice (first on line 1)`},
		{"[profile a]\nskip-ssl\n", `line 2: "skip-ssl" has no value`},
		{"!include /etc/x\n", `line 1: !include is not supported`},
		{"[profile a\n", `line 1: unterminated section header`},
	} {
		_, err := ParseConfigFile("conf", strings.NewReader(c.text))
		if err == nil || !strings.Contains(err.Error(), c.want) || ExitCode(err) != ExitUsage {
			t.Errorf("%q: %v, want %q (exit 2)", c.text, err, c.want)
		}
	}
}

func TestConfigFileEditKeepsLines(t *testing.T) {
	orig := "# my wikis\n\n; production first\n[profile prod]\n# the replica\ndb = mysql:ro@tcp(db2:3306)/metawiki\n\n[profile test]\nissuer = https://test.example\n"
	cf, err := ParseConfigFile("c", strings.NewReader(orig))
	if err != nil {
		t.Fatal(err)
	}
	cf.Set("prod", "db", "mysql:admin@tcp(db1:3306)/metawiki")
	cf.Set("prod", "public-key", "/etc/prod.pem")
	cf.Set("", "default", "prod")
	cf.Set("new", "mediawiki", "1.43")
	if !cf.Unset("test", "issuer") || cf.Unset("test", "issuer") {
		t.Error("Unset reports wrongly")
	}
	cf.Set("prod", "as", " spaced ")
	want := "# my wikis\ndefault = prod\n\n; production first\n[profile prod]\n# the replica\ndb = mysql:admin@tcp(db1:3306)/metawiki\npublic-key = /etc/prod.pem\nas = \" spaced \"\n\n[profile test]\n\n[profile new]\nmediawiki = 1.43\n"
	if got := string(cf.Bytes()); got != want {
		t.Errorf("edited file:\n%s\nwant:\n%s", got, want)
	}
	back, err := ParseConfigFile("c", strings.NewReader(string(cf.Bytes())))
	if err != nil {
		t.Fatal(err)
	}
	if p := back.Profile("prod"); p["as"] != " spaced " || p["public-key"] != "/etc/prod.pem" || back.Default() != "prod" {
		t.Errorf("reread: %v default %q", p, back.Default())
	}
}

func TestRedactDSN(t *testing.T) {
	for in, want := range map[string]string{
		"mysql:admin:secret@tcp(db1:3306)/metawiki":     "mysql:admin:***@tcp(db1:3306)/metawiki",
		"mysql:admin:p@ss@w0rd@tcp(db1)/metawiki":       "mysql:admin:***@tcp(db1)/metawiki",
		"mysql:admin:pa/ss:x@unix(/run/sock)/metawiki":  "mysql:admin:***@unix(/run/sock)/metawiki",
		"mysql:admin@tcp(db1:3306)/metawiki":            "mysql:admin@tcp(db1:3306)/metawiki",
		"mysql:admin:@tcp(db1:3306)/metawiki":           "mysql:admin:@tcp(db1:3306)/metawiki",
		"mysql:user:secret@unix(/x":                     "mysql:user:***@unix(/x",
		"mysql://admin:secret@db1/metawiki":             "mysql://admin:***@db1/metawiki",
		"sqlite:/home/me/mwoauth-sandbox/wiki.sqlite":   "sqlite:/home/me/mwoauth-sandbox/wiki.sqlite",
		"mariadb:root:x@tcp(127.0.0.1:3307)/wiki?tls=1": "mariadb:root:***@tcp(127.0.0.1:3307)/wiki?tls=1",
	} {
		if got := RedactDSN(in); got != want {
			t.Errorf("RedactDSN(%q) = %q, want %q", in, got, want)
		}
		if strings.Contains(RedactDSN(in), "secret") || strings.Contains(RedactDSN(in), "ss@w0rd") {
			t.Errorf("%q leaks", in)
		}
	}
}
