package token

import (
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/mediawiki"
)

// Flag parsing and settings are tested apart from the work: runF receives
// the options the run function would, and nothing is read: the key files,
// the database and the token named here do not exist.
func optionsFactory(t *testing.T, env map[string]string) *cmdutil.Factory {
	t.Helper()
	unsetEnv(t)
	for _, k := range []string{"MWOAUTH_MEDIAWIKI", "MWOAUTH_JWKS", "MWOAUTH_SUBJECT_SCOPE", "MWOAUTH_WIKI", "MWOAUTH_STATIC_APPS", "MWOAUTH_PASSPHRASE_FILE"} {
		t.Setenv(k, "")
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	ios, _, _, _ := cmdutil.Test()
	return &cmdutil.Factory{IO: ios, Now: func() time.Time { return pinned }, WallNow: time.Now, ConfigPath: filepath.Join(t.TempDir(), "none")}
}

func parse(t *testing.T, cmd *cobra.Command, args ...string) error {
	t.Helper()
	cmd.SetArgs(args)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	return cmd.Execute()
}

func TestVerifyOptions(t *testing.T) {
	f := optionsFactory(t, map[string]string{"MWOAUTH_PUBLIC_KEY": "/nonexistent/env-public.pem", "MWOAUTH_AUDIENCE": "envaud", "MWOAUTH_MEDIAWIKI": "1.43"})
	var got *VerifyOptions
	cmd := NewCmdVerify(f, func(o *VerifyOptions) error { got = o; return nil })
	if err := parse(t, cmd, "@/nonexistent/token.jwt", "--issuer", "https://meta.wikimedia.org", "--alg", "RS256,RS512", "--leeway", "5s",
		"--envoy-skew", "0", "--request-uri", "https://wiki.example/w/api.php", "--static-app", "k1", "--static-app", "k2",
		"--subject-scope", "CentralAuth:", "--wiki", "metawiki", "--at", "+2h", "--db", "sqlite:/nonexistent/wiki.sqlite", "-o", "json"); err != nil {
		t.Fatal(err)
	}
	want := wikiSettings{Version: mediawiki.V1_43, SubjectScope: "CentralAuth:", WikiID: "metawiki", StaticApps: []string{"k1", "k2"}}
	switch {
	case !reflect.DeepEqual(got.Args, []string{"@/nonexistent/token.jwt"}), got.Format != "json", got.At != "+2h":
		t.Errorf("args, format, at: %+v", got)
	case got.PublicKey != "/nonexistent/env-public.pem" || got.Issuer != "https://meta.wikimedia.org" || got.Audience != "envaud":
		t.Errorf("settings: public key %q, issuer %q, audience %q", got.PublicKey, got.Issuer, got.Audience)
	case !reflect.DeepEqual(got.Algs, []string{"RS256", "RS512"}) || got.Leeway != 5*time.Second || got.EnvoySkew != 0 || got.RequestURI == "":
		t.Errorf("verification flags: %+v", got.keyFlags)
	case !reflect.DeepEqual(got.Wiki, want):
		t.Errorf("wiki: %+v, want %+v", got.Wiki, want)
	case got.OpenWiki == nil || got.IO == nil || got.Now == nil:
		t.Error("no store factory, streams or clock")
	}

	// Usage errors are found before anything is read.
	for _, args := range [][]string{
		{"x"}, // no key anywhere
		{"x", "--jwks", "j", "--envoy-skew", "-1s"},
		{"x", "--jwks", "j", "--leeway", "-1s"},
		{"x", "--jwks", "j", "--subject-scope", "nope"},
	} {
		f := optionsFactory(t, nil)
		err := parse(t, NewCmdVerify(f, func(*VerifyOptions) error { t.Errorf("%v: ran", args); return nil }), args...)
		if cmdutil.ExitCode(err) != cmdutil.ExitUsage {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
}

func TestDecodeOptions(t *testing.T) {
	f := optionsFactory(t, map[string]string{"MWOAUTH_STATIC_APPS": "a, b", "MWOAUTH_WIKI": "enwiki"})
	var got *DecodeOptions
	if err := parse(t, NewCmdDecode(f, func(o *DecodeOptions) error { got = o; return nil }), "-", "--at", "2026-11-22T10:00:00Z"); err != nil {
		t.Fatal(err)
	}
	want := wikiSettings{Version: mediawiki.Master, WikiID: "enwiki", StaticApps: []string{"a", "b"}}
	if !reflect.DeepEqual(got.Args, []string{"-"}) || got.At != "2026-11-22T10:00:00Z" || got.Format != "text" || !reflect.DeepEqual(got.Wiki, want) || got.OpenWiki == nil {
		t.Errorf("decode: %+v", got)
	}
}

func TestMintOptions(t *testing.T) {
	f := optionsFactory(t, map[string]string{"MWOAUTH_ISSUER": "https://env.example", "MWOAUTH_PRIVATE_KEY": "/nonexistent/private.pem"})
	var got *MintOptions
	cmd := NewCmdMint(f, func(o *MintOptions) error { got = o; return nil })
	if err := parse(t, cmd, "--client-id", "5096568cc6652b5ad36358427f1bd60c", "--user", "3", "--scopes", "basic, editpage,", "--expires-in", "1d",
		"--set", `rlc="authed-user"`, "--db", "sqlite:/nonexistent/wikidb.sqlite", "--table-prefix", "mw_"); err != nil {
		t.Fatal(err)
	}
	switch {
	case got.ClientID != "5096568cc6652b5ad36358427f1bd60c" || got.User != 3 || !reflect.DeepEqual(got.Scopes, []string{"basic", "editpage"}):
		t.Errorf("claims: %+v", got)
	case got.ExpiresIn != 24*time.Hour || !got.ExpiresGiven || got.MediaWiki != mediawiki.Master:
		t.Errorf("lifetime, version: %+v", got)
	case len(got.Hooks) != 1 || got.Hooks[0].Name != "rlc" || string(got.Hooks[0].JSON) != `"authed-user"`:
		t.Errorf("hook claims: %+v", got.Hooks)
	case got.Issuer != "https://env.example" || got.PrivateKey != "/nonexistent/private.pem":
		t.Errorf("settings: %+v", got)
	case got.SubjectScope != "local:wikidb-mw_":
		// A database without CentralAuth: core's LocalIdLookup scope of
		// that wiki, read from the DSN without opening it.
		t.Errorf("subject scope %q", got.SubjectScope)
	}
	// --create-row: the database is opened by the run (PlanRow), never here.
	got = nil
	if err := parse(t, NewCmdMint(f, func(o *MintOptions) error { got = o; return nil }), "--client-id", "k", "--user", "3", "--create-row", "--dry-run"); err != nil {
		t.Fatal(err)
	}
	if !got.Row.create || !got.Row.dryRun || got.PlanRow == nil || got.WriteRow == nil || got.WallNow == nil {
		t.Errorf("--create-row: %+v", got)
	}
	for _, args := range [][]string{
		{"--user", "3"}, // no client id
		{"--client-id", "k", "--client-credentials", "--owner-only", "--user", "1"},
		{"--client-id", "k", "--user", "3", "--grant-type", "password"},
		{"--client-id", "k", "--user", "3", "--set", "exp=1"},
		{"--client-id", "k", "--user", "3", "--private-key", "-----BEGIN PRIVATE KEY-----MIIE"},
		{"--client-id", "k", "--user", "3", "--dry-run"}, // --dry-run goes with --create-row
	} {
		err := parse(t, NewCmdMint(f, func(*MintOptions) error { t.Errorf("%v: ran", args); return nil }), args...)
		if cmdutil.ExitCode(err) != cmdutil.ExitUsage {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
}

func TestRemintOptions(t *testing.T) {
	f := optionsFactory(t, map[string]string{"MWOAUTH_PRIVATE_KEY": "/nonexistent/private.pem"})
	var got *RemintOptions
	cmd := NewCmdRemint(f, func(o *RemintOptions) error { got = o; return nil })
	if err := parse(t, cmd, "@/nonexistent/t.jwt", "--expired-by", "5m", "--nbf", "1795338000", "--set", `scopes=["basic"]`, "--unset", "rlc",
		"--public-key", "/nonexistent/public.pem", "-o", "json"); err != nil {
		t.Fatal(err)
	}
	switch {
	case got.Relative == nil || *got.Relative != -5*time.Minute || got.Edits.Exp != nil:
		t.Errorf("exp: %+v", got)
	case got.Edits.NBF == nil || got.Edits.NBF.Unix() != 1795338000 || len(got.Edits.Set) != 1 || !reflect.DeepEqual(got.Edits.Unset, []string{"rlc"}):
		t.Errorf("edits: %+v", got.Edits)
	case got.PrivateKey != "/nonexistent/private.pem" || got.PublicKey != "/nonexistent/public.pem" || got.Format != "json":
		t.Errorf("settings: %+v", got)
	}
	for _, args := range [][]string{
		{"t"}, // no new exp
		{"t", "--exp", "2026-11-22T10:00:00Z", "--expires-in", "1m"},
		{"t", "--expires-in", "-1m"},
		{"t", "--exp", "2026-11-22T10:00:00Z", "--set", "exp=1"},
		{"--exp", "2026-11-22T10:00:00Z", "--private-key", "-"}, // the token and the key on stdin
	} {
		err := parse(t, NewCmdRemint(f, func(*RemintOptions) error { t.Errorf("%v: ran", args); return nil }), args...)
		if cmdutil.ExitCode(err) != cmdutil.ExitUsage {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
	if err := parse(t, NewCmdRemint(optionsFactory(t, nil), func(*RemintOptions) error { return nil }), "t", "--expires-in", "1m"); cmdutil.ExitCode(err) != cmdutil.ExitUsage {
		t.Errorf("no private key: %v", err)
	}
}

func TestProbeOptions(t *testing.T) {
	f := optionsFactory(t, map[string]string{"MWOAUTH_PUBLIC_KEY": "/nonexistent/public.pem", "MWOAUTH_ISSUER": "https://meta.wikimedia.org"})
	var got *ProbeOptions
	cmd := NewCmdProbe(f, func(o *ProbeOptions) error { got = o; return nil })
	if err := parse(t, cmd, "https://wiki.example/w/", "@/nonexistent/t.jwt", "--endpoint", "rest-profile", "--expiry", "--expires-in", "3s",
		"--private-key", "/nonexistent/private.pem", "--envoy-skew", "2s", "--timeout", "4s", "--yes"); err != nil {
		t.Fatal(err)
	}
	switch {
	case got.URL != "https://wiki.example/w/" || !reflect.DeepEqual(got.Args, []string{"@/nonexistent/t.jwt"}) || got.Endpoint != "rest-profile":
		t.Errorf("target: %+v", got)
	case !got.Expiry || got.ExpiresIn != 3*time.Second || got.EnvoySkew != 2*time.Second || got.ReadTimeout != 4*time.Second || !got.Yes:
		t.Errorf("flags: %+v", got)
	case got.PublicKeyRef != "/nonexistent/public.pem" || got.PrivateKeyRef != "/nonexistent/private.pem" || got.Issuer != "https://meta.wikimedia.org":
		t.Errorf("settings: %+v", got)
	case got.Token != nil || got.PublicKey != nil || got.PrivateKey != nil:
		t.Error("keys or token read before the run")
	}
	for _, args := range [][]string{
		{"https://wiki.example/w/", "t", "--private-key", "p.pem"}, // signing needs --expiry
		{"https://wiki.example/w/", "t", "--expires-in", "3s"},
		{"https://wiki.example/w/", "t", "--timeout", "0s"},
		{"https://wiki.example/w/", "t", "--endpoint", "soap"},
		{"ftp://wiki.example/", "t"},
	} {
		err := parse(t, NewCmdProbe(f, func(*ProbeOptions) error { t.Errorf("%v: ran", args); return nil }), args...)
		if cmdutil.ExitCode(err) != cmdutil.ExitUsage {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
}
