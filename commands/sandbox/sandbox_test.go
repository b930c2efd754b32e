package sandbox

import (
	"context"
	"crypto/rsa"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/db"
	"github.com/mwoauth/mwoauth/jwtutil"
	"github.com/mwoauth/mwoauth/jwtutil/keys"
	"github.com/mwoauth/mwoauth/mediawiki"
	"github.com/mwoauth/mwoauth/verdict"
)

var testNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// sandbox is a seeded wiki: the store, and the file for raw reads.
type sandbox struct {
	*db.Store
	path string
}

func newSandbox(t *testing.T, key *rsa.PrivateKey) (*sandbox, map[string]string) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "wiki.sqlite")
	st, err := db.CreateSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateSchema(ctx); err != nil {
		t.Fatal(err)
	}
	tokens, err := seed(ctx, st, key, testNow)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	s, err := db.Open(ctx, "sqlite:"+path, db.Options{Admin: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &sandbox{Store: s, path: path}, tokens
}

// dumpAll renders every table, masking only the random jtis.
func dumpAll(t *testing.T, s *sandbox) string {
	t.Helper()
	raw, err := sql.Open("sqlite3", s.path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var b strings.Builder
	for _, table := range []string{"user", "actor", "user_groups", "block_target", "block", "page", "comment", "logging", "log_search",
		"oauth_registered_consumer", "oauth_accepted_consumer", "oauth2_access_tokens", "change_tag_def"} {
		rows, err := raw.Query("SELECT * FROM " + s.T(table) + " ORDER BY 1")
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			b.WriteString(table)
			for i, v := range vals {
				if cols[i] == "oaat_identifier" {
					v = "<jti>"
				}
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				b.WriteString("|")
				b.WriteString(strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(fmtAny(v), "\n", " "), "\t", " ")))
			}
			b.WriteString("\n")
		}
		rows.Close()
	}
	return b.String()
}

func fmtAny(v any) string {
	if v == nil {
		return "NULL"
	}
	return fmt.Sprint(v)
}

// TestReproducible: two sandboxes made at the same pinned instant hold the
// same rows, apart from the random token ids.
func TestReproducible(t *testing.T) {
	key, err := keys.GenerateKey(2048)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := newSandbox(t, key)
	b, _ := newSandbox(t, key)
	if da, dbb := dumpAll(t, a), dumpAll(t, b); da != dbb {
		t.Errorf("sandboxes differ:\n%s\n---\n%s", da, dbb)
	}
}

// TestTokensMatchRows: every sample token verifies with the key, names an
// existing consumer, and its jti row says what the file name promises.
func TestTokensMatchRows(t *testing.T) {
	key, err := keys.GenerateKey(2048)
	if err != nil {
		t.Fatal(err)
	}
	s, tokens := newSandbox(t, key)
	ctx := context.Background()
	want := map[string]struct {
		live, revoked bool
		stage         int
		noRow, forged bool
	}{
		"valid.jwt":              {live: true, stage: mediawiki.StageApproved},
		"expired.jwt":            {stage: mediawiki.StageApproved},
		"not-yet-valid.jwt":      {stage: mediawiki.StageApproved, noRow: true},
		"forged.jwt":             {live: true, stage: mediawiki.StageApproved, noRow: true, forged: true},
		"revoked.jwt":            {live: true, revoked: true, stage: mediawiki.StageApproved},
		"no-row.jwt":             {live: true, stage: mediawiki.StageApproved, noRow: true},
		"owner-only.jwt":         {live: true, stage: mediawiki.StageApproved},
		"client-credentials.jwt": {live: true, stage: mediawiki.StageApproved},
		"disabled-consumer.jwt":  {live: true, stage: mediawiki.StageDisabled},
	}
	if len(tokens) != len(want) {
		t.Fatalf("tokens: %v", tokens)
	}
	for name, w := range want {
		tok, err := jwtutil.Parse(tokens[name])
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		opts := verdict.Options{Keys: []*rsa.PublicKey{&key.PublicKey}, Issuer: Issuer, Now: testNow}
		if sig := verdict.VerifySignature(tok, opts); sig.OK == w.forged {
			t.Errorf("%s: signature: %+v", name, sig)
		}
		if iss, _ := tok.StringClaim("iss"); iss != Issuer {
			t.Errorf("%s: iss %q", name, iss)
		}
		if timesOK := verdict.CheckTimes(tok, testNow, 0) == jwtutil.ClassOK; timesOK != w.live {
			t.Errorf("%s: times ok = %v", name, timesOK)
		}
		// The live ones last at least 30 days.
		if w.live && verdict.CheckTimes(tok, testNow.Add(30*24*time.Hour), 0) != jwtutil.ClassOK {
			t.Errorf("%s: not valid 30 days later", name)
		}
		jti, _ := tok.StringClaim("jti")
		row, err := s.AccessTokenByJTI(ctx, jti)
		if w.noRow {
			if !errors.Is(err, db.ErrNotFound) {
				t.Errorf("%s: jti row %+v, %v; want none", name, row, err)
			}
		} else if err != nil || row.Revoked != w.revoked {
			t.Errorf("%s: jti row %+v, %v", name, row, err)
		}
		aud, _ := tok.StringClaim("aud")
		c, err := s.ConsumerByKey(ctx, aud)
		if err != nil || c.Stage != w.stage {
			t.Errorf("%s: consumer %+v, %v", name, c, err)
		}
	}
}

func TestWriteProfile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "config")
	def, err := WriteProfile(path, "sandbox", [][2]string{{"db", "sqlite:/a"}})
	if err != nil || def != madeDefault {
		t.Fatalf("first write: %v %v", def, err)
	}
	// Written again, it is still the default, and says so.
	def, err = WriteProfile(path, "sandbox", [][2]string{{"db", "sqlite:/a"}})
	if err != nil || def != wasDefault || !def.IsDefault() {
		t.Fatalf("rewrite: %v %v", def, err)
	}
	if err := os.WriteFile(path, []byte("; keep me\n[profile prod]\ndb = mysql:x@tcp(h)/w\n\n[profile sandbox]\ndb = old\nas = Old\n[profile qa]\n# the QA wiki\nas = QA\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	def, err = WriteProfile(path, "sandbox", [][2]string{{"db", "sqlite:/b"}, {"as", "Admin"}})
	if err != nil || def != madeDefault {
		t.Fatalf("second write: %v %v", def, err)
	}
	got, _ := os.ReadFile(path)
	want := "default = sandbox\n; keep me\n[profile prod]\ndb = mysql:x@tcp(h)/w\n\n[profile qa]\n# the QA wiki\nas = QA\n\n[profile sandbox]\n# Written by mwoauth sandbox; rerun it to recreate.\ndb = sqlite:/b\nas = Admin\n"
	if string(got) != want {
		t.Errorf("config:\n%s\nwant:\n%s", got, want)
	}
	// A file the other commands refuse (a section that is not a profile)
	// is refused here too, and left as it was: sandbox once kept it, and
	// the next command failed on it.
	broken := "[profile prod]\ndb = mysql:x@tcp(h)/w\n[other]\nk = v\n"
	if err := os.WriteFile(path, []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = WriteProfile(path, "sandbox", [][2]string{{"db", "sqlite:/b"}})
	if err == nil || !strings.Contains(err.Error(), "line 3: section [other] is not [profile NAME]") || cmdutil.ExitCode(err) != cmdutil.ExitUsage {
		t.Errorf("broken file: %v (exit %d)", err, cmdutil.ExitCode(err))
	}
	if got, _ := os.ReadFile(path); string(got) != broken {
		t.Errorf("broken file changed:\n%s", got)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode())
	}
}

// TestLogActorsExist: every log entry's performer has an actor row naming a
// user, as on a real wiki ("consumer show 8" once said "propose by:
// Harassment tool", the reason standing in for a missing actor).
func TestLogActorsExist(t *testing.T) {
	key, err := keys.GenerateKey(2048)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := newSandbox(t, key)
	raw, err := sql.Open("sqlite3", s.path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var total, orphans int
	if err := raw.QueryRow(`SELECT COUNT(*), COUNT(*) - COUNT(u.user_id) FROM logging l LEFT JOIN actor a ON a.actor_id = l.log_actor
 LEFT JOIN user u ON u.user_id = a.actor_user AND u.user_name = a.actor_name`).Scan(&total, &orphans); err != nil {
		t.Fatal(err)
	}
	if total == 0 || orphans != 0 {
		t.Errorf("%d log entries, %d without an actor naming a user", total, orphans)
	}
	log, err := s.LogHistory(context.Background(), KeySuppressed)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) == 0 || log[0].Action != "propose" || log[0].Performer != "Bob" {
		t.Errorf("log of the suppressed consumer: %+v", log)
	}
}
