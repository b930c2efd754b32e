package cmdutil

import (
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"
)

// FuzzParseConfigFile: whatever the file, parsing never panics; a file
// that parses is written back byte for byte, and after a Set and an
// Unset it still parses with the change and nothing else.
func FuzzParseConfigFile(f *testing.F) {
	for _, s := range []string{
		"default = a\n[profile a]\ndb = sqlite:x\n",
		"# c\n\n[profile  b ]\nissuer = \"https://x\"\n; c\n",
		"[profile a]\ndb: x\n", "[client]\n", "\r\n[profile a]\r\nas = Admin\r\n", "default=a\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		cf, err := ParseConfigFile("c", strings.NewReader(text))
		if err != nil {
			return
		}
		want := strings.ReplaceAll(text, "\r\n", "\n")
		if !strings.HasSuffix(want, "\n") && want != "" {
			want += "\n"
		}
		if got := string(cf.Bytes()); got != want && !strings.Contains(text, "\r") {
			t.Fatalf("rewritten %q as %q", text, got)
		}
		before := map[string]map[string]string{}
		for _, p := range cf.Profiles() {
			before[p] = cf.Profile(p)
		}
		cf.Set("fuzz", "issuer", "https://fuzz.example")
		cf.Unset("fuzz", "audience")
		back, err := ParseConfigFile("c", strings.NewReader(string(cf.Bytes())))
		if err != nil {
			t.Fatalf("after Set: %v\n%s", err, cf.Bytes())
		}
		if back.Profile("fuzz")["issuer"] != "https://fuzz.example" {
			t.Fatalf("Set lost: %q", cf.Bytes())
		}
		for p, m := range before {
			if p == "fuzz" {
				continue
			}
			got := back.Profile(p)
			for k, v := range m {
				if got[k] != v {
					t.Fatalf("profile %s key %s: %q became %q", p, k, v, got[k])
				}
			}
		}
	})
}

// FuzzRedactDSN: a DSN the driver reads with a password is, redacted,
// a DSN the driver reads with the password *** and everything else
// (user, address, database) unchanged.
func FuzzRedactDSN(f *testing.F) {
	for _, s := range []string{"admin:secret@tcp(db1:3306)/metawiki", "a:p@ss@w@unix(/s)/d", "u:p/x@tcp(h)/d?tls=1", "u@tcp(h)/d", "u:@/d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, rest string) {
		got := RedactDSN("mysql:" + rest)
		cfg, err := mysql.ParseDSN(rest)
		if err != nil || cfg.Passwd == "" {
			return
		}
		red, err := mysql.ParseDSN(strings.TrimPrefix(got, "mysql:"))
		if err != nil {
			t.Fatalf("%q redacted to %q, which does not parse: %v", rest, got, err)
		}
		if red.Passwd != "***" || red.User != cfg.User || red.Addr != cfg.Addr || red.DBName != cfg.DBName || red.Net != cfg.Net {
			t.Fatalf("%q redacted to %q: %+v", rest, got, red)
		}
	})
}
