package keys

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	jwtkeys "github.com/mwoauth/mwoauth/jwtutil/keys"
)

func run(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ios, _, out, errOut := cmdutil.Test()
	f := cmdutil.NewFactory(ios)
	cmd := NewCmdKeys(f)
	cmd.SetArgs(args)
	cmd.SetOut(out)
	cmd.SetErr(errOut)
	err = cmd.Execute()
	return out.String(), errOut.String(), err
}

// The fingerprint and thumbprint generate prints are those of the files it
// wrote, and the two files are a pair.
func TestGenerateReportsWrittenKey(t *testing.T) {
	dir := t.TempDir()
	stdout, _, err := run(t, "generate", "--out", dir, "--output", "json")
	if err != nil {
		t.Fatal(err)
	}
	var got generateJSON
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	privPEM, err := os.ReadFile(filepath.Join(dir, privateName))
	if err != nil {
		t.Fatal(err)
	}
	pubPEM, err := os.ReadFile(filepath.Join(dir, publicName))
	if err != nil {
		t.Fatal(err)
	}
	priv, err := jwtkeys.ParsePrivateKey(privPEM)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := jwtkeys.ParsePublicKey(pubPEM)
	if err != nil {
		t.Fatal(err)
	}
	if !jwtkeys.SamePair(priv, pub) {
		t.Error("written files are not a pair")
	}
	if got.Fingerprint != jwtkeys.Fingerprint(pub) || got.Thumbprint != jwtkeys.Thumbprint(pub) {
		t.Errorf("reported %s / %s, files have %s / %s", got.Fingerprint, got.Thumbprint, jwtkeys.Fingerprint(pub), jwtkeys.Thumbprint(pub))
	}
	if got.PrivateKey != filepath.Join(dir, privateName) || len(got.LocalSettings) != 2 {
		t.Errorf("paths: %+v", got)
	}
}

// writePair leaves both files or neither, and no temporary files, even when
// the second name appears between the up-front check and the link.
func TestWritePairBothOrNeither(t *testing.T) {
	dir := t.TempDir()
	privPath, pubPath := filepath.Join(dir, privateName), filepath.Join(dir, publicName)
	if err := os.WriteFile(pubPath, []byte("someone else's"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := writePair(dir, privPath, []byte("PRIV"), pubPath, []byte("PUB"))
	var ee *cmdutil.ExitError
	if !errors.As(err, &ee) || ee.Code != cmdutil.ExitRefused {
		t.Fatalf("err = %v, want exit %d", err, cmdutil.ExitRefused)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != publicName {
		t.Errorf("directory holds %v, want only the pre-existing public key", entries)
	}
	if b, _ := os.ReadFile(pubPath); string(b) != "someone else's" {
		t.Error("existing file was modified")
	}

	// Success: exact modes whatever the umask, no temp files.
	dir = t.TempDir()
	privPath, pubPath = filepath.Join(dir, privateName), filepath.Join(dir, publicName)
	if err := writePair(dir, privPath, []byte("PRIV"), pubPath, []byte("PUB")); err != nil {
		t.Fatal(err)
	}
	entries, _ = os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("directory holds %v", entries)
	}
	for path, mode := range map[string]os.FileMode{privPath: privateMode, pubPath: publicMode} {
		st, err := os.Stat(path)
		if err != nil || st.Mode().Perm() != mode {
			t.Errorf("%s: mode %v, err %v", path, st.Mode().Perm(), err)
		}
	}
}

func TestPHPString(t *testing.T) {
	for in, want := range map[string]string{
		"/etc/k.pem":    `'/etc/k.pem'`,
		`/it's/k.pem`:   `'/it\'s/k.pem'`,
		`C:\keys\k.pem`: `'C:\\keys\\k.pem'`,
	} {
		if got := phpString(in); got != want {
			t.Errorf("phpString(%q) = %s, want %s", in, got, want)
		}
	}
}

// On a colour terminal the human view is styled; JSON never is.
func TestCheckStyledOnTTY(t *testing.T) {
	pair := []string{"check", "--private", "../../internal/fixtures/keys/oauth2-private-pkcs1.pem", "--public", "../../internal/fixtures/keys/oauth2-public.pem", "--given-as", "path"}
	for _, tc := range []struct {
		args  []string
		color bool
	}{
		{pair, true},
		{append(pair, "-o", "json"), false},
	} {
		ios, _, out, _ := cmdutil.Test()
		ios.SetTTY(false, true, false)
		ios.ColorMode = "always"
		cmd := NewCmdKeys(cmdutil.NewFactory(ios))
		cmd.SetArgs(tc.args)
		// The fixture's mode depends on the checkout; only styling matters here.
		_ = cmd.Execute()
		if got := strings.Contains(out.String(), "\x1b["); got != tc.color {
			t.Errorf("%v: escape codes = %v, want %v\n%s", tc.args, got, tc.color, out.String())
		}
	}
}

// Flag parsing, settings and validation are tested apart from the work:
// runF receives the options the run function would.
func TestKeysOptions(t *testing.T) {
	t.Setenv("MWOAUTH_CONFIG", filepath.Join(t.TempDir(), "none"))
	t.Setenv("MWOAUTH_PUBLIC_KEY", "/etc/env-public.pem")
	t.Setenv("MWOAUTH_ISSUER", "https://env.example")
	ios, _, _, _ := cmdutil.Test()
	f := cmdutil.NewFactory(ios)
	exec := func(cmd *cobra.Command, args ...string) error {
		cmd.SetArgs(args)
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		return cmd.Execute()
	}

	var check *checkOptions
	if err := exec(newCmdCheck(f, func(o *checkOptions) error { check = o; return nil }), "--given-as", "path"); err != nil {
		t.Fatal(err)
	}
	if check.Public != "/etc/env-public.pem" || check.Private != "" || !check.FromSettings || check.GivenAs != "path" || check.Format != "text" {
		t.Errorf("check from the environment: %+v", check)
	}
	check = nil
	if err := exec(newCmdCheck(f, func(o *checkOptions) error { check = o; return nil }), "--private", "p.pem", "-o", "json"); err != nil {
		t.Fatal(err)
	}
	if check.Private != "p.pem" || check.Public != "" || check.FromSettings || check.Format != "json" {
		t.Errorf("check from flags: %+v", check)
	}
	if err := exec(newCmdCheck(f, func(*checkOptions) error { t.Error("ran"); return nil }), "--given-as", "file"); cmdutil.ExitCode(err) != cmdutil.ExitUsage {
		t.Errorf("--given-as file: %v", err)
	}

	var jwks *jwksOptions
	if err := exec(newCmdJWKS(f, func(o *jwksOptions) error { jwks = o; return nil }), "a.pem", "b.pem", "--envoy"); err != nil {
		t.Fatal(err)
	}
	if jwks.Issuer != "https://env.example" || !jwks.Envoy || len(jwks.Keys) != 2 || jwks.Provider != "mediawiki" {
		t.Errorf("jwks: %+v", jwks)
	}
	if err := exec(newCmdJWKS(f, func(o *jwksOptions) error { jwks = o; return nil }), "a.pem", "--issuer", "https://flag.example"); err != nil || jwks.Issuer != "https://flag.example" {
		t.Errorf("jwks --issuer: %+v %v", jwks, err)
	}

	var gen *generateOptions
	if err := exec(newCmdGenerate(f, func(o *generateOptions) error { gen = o; return nil }), "--out", "d", "--bits", "3072", "--format", "pkcs1"); err != nil {
		t.Fatal(err)
	}
	if gen.Out != "d" || gen.Bits != 3072 || gen.Format != "pkcs1" || gen.Output != "text" || gen.Ctx == nil {
		t.Errorf("generate: %+v", gen)
	}
	if err := exec(newCmdGenerate(f, func(*generateOptions) error { t.Error("ran"); return nil }), "--out", "d", "--bits", "1024"); cmdutil.ExitCode(err) != cmdutil.ExitUsage {
		t.Errorf("--bits 1024: %v", err)
	}

	var fp *fingerprintOptions
	if err := exec(newCmdFingerprint(f, func(o *fingerprintOptions) error { fp = o; return nil }), "-", "-o", "json"); err != nil || fp.Key != "-" || fp.Format != "json" {
		t.Errorf("fingerprint: %+v %v", fp, err)
	}
}
