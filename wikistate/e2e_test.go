package wikistate_test

import (
	"context"
	"crypto/rsa"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mwoauth/mwoauth/db"
	"github.com/mwoauth/mwoauth/internal/fixtures"
	"github.com/mwoauth/mwoauth/internal/mariadbtest"
	"github.com/mwoauth/mwoauth/jwtutil"
	"github.com/mwoauth/mwoauth/jwtutil/keys"
	"github.com/mwoauth/mwoauth/mediawiki"
	"github.com/mwoauth/mwoauth/verdict"
	"github.com/mwoauth/mwoauth/wikistate"
)

func TestMain(m *testing.M) { os.Exit(mariadbtest.Main(m)) }

// The real 1.43 wiki's rows (db/testdata, before consumer A was disabled):
// consumer 2 is A (client_credentials, approved), consumer 3 the owner-only
// app; acceptance 1 is Admin's (user 1) of consumer 3; token row 2 is A's
// client_credentials token (acceptance 0), row 1 B's owner-only token.
const realDump = "../db/testdata/30-31-A-disable.before.sql"

const (
	keyA      = "5096568cc6652b5ad36358427f1bd60c" // consumer 2
	jtiA      = "c0214717c4d1b4f8ef6c757787bf3822f6f07486d05e367b026d0f00cb88dc00b102a92f20036c98"
	jtiAdmin  = "aaaa00000000000000000000000000000000000000000000000000000000000000000000000000aa" // row 6, acceptance 2
	jtiNobody = "bbbb00000000000000000000000000000000000000000000000000000000000000000000000000bb" // row 7, acceptance 3
	scope     = "local:wikidb"
)

var at = time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)

// wiki is the real dump in a MariaDB database (always under CI=true;
// SQLite runs the same rules through the sandbox in token-db.txtar), plus
// the rows these tests need: Admin's acceptance of consumer A (2) with
// token row 6, an acceptance by a user who does not exist (3) with token
// row 7.
type wiki struct {
	t    *testing.T
	srv  *mariadbtest.Server
	name string
	st   *db.Store
}

func newWiki(t *testing.T) *wiki {
	srv := mariadbtest.Require(t)
	dump, err := os.ReadFile(realDump)
	if err != nil {
		t.Fatal(err)
	}
	w := &wiki{t: t, srv: srv, name: srv.NewDatabase(t)}
	srv.Exec(t, w.name, strings.Join(db.SchemaSQL(db.MySQL, ""), ";\n"))
	srv.Exec(t, w.name, string(dump))
	w.exec(
		"INSERT INTO oauth_accepted_consumer VALUES (2,'*',1,2,'t2','s2','[\"basic\"]','20261122090000',2)",
		"INSERT INTO oauth_accepted_consumer VALUES (3,'*',99,2,'t3','s3','[\"basic\"]','20261122090000',2)",
		"INSERT INTO oauth2_access_tokens VALUES (6,'"+jtiAdmin+"','20261122103000',2,0)",
		"INSERT INTO oauth2_access_tokens VALUES (7,'"+jtiNobody+"','20261122103000',3,0)",
	)
	w.st = open(t, "mysql:"+srv.DSN(w.name, "root", ""))
	return w
}

func (w *wiki) exec(stmts ...string) {
	w.t.Helper()
	w.srv.Exec(w.t, w.name, strings.Join(stmts, ";\n"))
}

func open(t *testing.T, dsn string) *db.Store {
	t.Helper()
	st, err := db.Open(context.Background(), dsn, db.Options{Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func mint(t *testing.T, key *rsa.PrivateKey, o mediawiki.MintOptions) *jwtutil.Token {
	t.Helper()
	o.Issuer, o.Now, o.SubjectScope = "http://127.0.0.1:8089", at.Add(-time.Minute), scope
	raw, err := mediawiki.Mint(key, o)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwtutil.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

type want struct {
	accepted *bool // nil: depends on configuration
	reason   string
	user     string // "anonymous", "1 Admin", "99", or "" for no user
}

var yes, no = true, false

// TestVerdictsFromTheDatabase reads the rows through wikistate.Lookup (as
// verify, decode and scan do) and judges with verdict.Verify: who each
// request runs as comes from the acceptance, and each refusal is
// MediaWiki's.
func TestVerdictsFromTheDatabase(t *testing.T) {
	priv, err := keys.ParsePrivateKey(fixtures.Key("oauth2-private.pem"))
	if err != nil {
		t.Fatal(err)
	}
	realA, err := jwtutil.Parse(fixtures.Token("15-tokenA-cc.jwt"))
	if err != nil {
		t.Fatal(err)
	}
	// Master tokens: A's client_credentials token carries its owner's sub
	// (Admin) on token row 2 (acceptance 0); Admin's authorization_code
	// token of A is row 6; row 7's acceptance names a user who is not there.
	ccA := mint(t, priv, mediawiki.MintOptions{ClientID: keyA, UserID: 1, ClientCredentials: true, JTI: jtiA})
	admin := mint(t, priv, mediawiki.MintOptions{ClientID: keyA, UserID: 1, JTI: jtiAdmin})
	nobody := mint(t, priv, mediawiki.MintOptions{ClientID: keyA, UserID: 99, JTI: jtiNobody})
	nobodyAsAdmin := mint(t, priv, mediawiki.MintOptions{ClientID: keyA, UserID: 1, JTI: jtiNobody})

	w := newWiki(t)
	judge := func(name string, tok *jwtutil.Token, o verdict.Options, exp want) {
		t.Helper()
		ws, err := wikistate.Lookup(context.Background(), w.st, tok)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cached, err := wikistate.Lookup(context.Background(), wikistate.Cached(w.st), tok)
		if err != nil || !sameState(ws, cached) {
			t.Errorf("%s: Cached reads %+v, Lookup %+v (%v)", name, cached, ws, err)
		}
		o.Keys, o.Now, o.WikiState = []*rsa.PublicKey{&priv.PublicKey}, at, ws
		mw := verdict.Verify(tok, o).MediaWiki
		if got := userText(mw.User); !sameBool(mw.Accepted, exp.accepted) || !strings.HasPrefix(mw.Reason, exp.reason) || got != exp.user {
			t.Errorf("%s: accepted %v, reason %q, user %q; want %v, %q, %q", name, show(mw.Accepted), mw.Reason, got, show(exp.accepted), exp.reason, exp.user)
		}
	}
	master := verdict.Options{SubjectScope: scope}
	v143 := verdict.Options{MediaWiki: mediawiki.V1_43}

	judge("1.43 real client_credentials token", realA, v143, want{&yes, "accepted", "anonymous"})
	judge("master client_credentials token, owner's sub", ccA, master, want{&yes, "accepted", "anonymous"})
	judge("master user token", admin, master, want{&yes, "accepted", "1 Admin"})
	judge("mismatched subject scope", admin, verdict.Options{SubjectScope: mediawiki.CentralAuthScope}, want{&no, mediawiki.HintInvalidScope, ""})
	// master's ResourceServer refuses a sub naming nobody before the
	// session provider reads the acceptance.
	judge("sub names a missing user", nobody, master, want{&no, "User represented by given access token is invalid", ""})
	judge("acceptance of a missing user", nobodyAsAdmin, master, want{&no, mediawiki.MWInvalidUserMsg, "99"})

	// Admin blocked: partially, then sitewide.
	w.exec("INSERT INTO block_target (bt_id, bt_user, bt_user_text, bt_count) VALUES (1, 1, 'Admin', 1)",
		"INSERT INTO block (bl_id, bl_target, bl_by_actor, bl_reason_id, bl_timestamp, bl_expiry, bl_sitewide) VALUES (1, 1, 2, 1, '20261122000000', 'infinity', 0)")
	judge("partially blocked user", admin, master, want{&yes, "accepted", "1 Admin"})
	w.exec("UPDATE block SET bl_sitewide = 1")
	judge("sitewide blocked user", admin, master, want{nil, "depends on $wgBlockDisablesLogin", "1 Admin"})
	judge("a blocked user does not matter to an anonymous request", ccA, master, want{&yes, "accepted", "anonymous"})

	// A configuration-based consumer (stage 5): its row is a shadow of
	// $wgOAuthStaticApps.
	w.exec("UPDATE oauth_registered_consumer SET oarc_stage = 5 WHERE oarc_id = 2")
	judge("stage 5", ccA, master, want{nil, "depends on $wgOAuthStaticApps", "anonymous"})
	judge("stage 5 configured", ccA, verdict.Options{SubjectScope: scope, StaticApps: []string{keyA}}, want{&yes, "accepted", "anonymous"})
	judge("stage 5 on 1.43", realA, v143, want{&no, mediawiki.MWNotApprovedMsg("E2E Client Credentials App"), "anonymous"})

	// Revoked.
	w.exec("UPDATE oauth2_access_tokens SET oaat_revoked = 1 WHERE oaat_id = 2")
	judge("revoked row", ccA, verdict.Options{SubjectScope: scope, StaticApps: []string{keyA}}, want{&no, mediawiki.HintRevoked, ""})
}

func userText(u *mediawiki.RequestUser) string {
	switch {
	case u == nil:
		return ""
	case u.Anonymous:
		return "anonymous"
	case u.CentralID == nil:
		return "?"
	case u.Name == nil:
		return strconv.FormatInt(*u.CentralID, 10)
	}
	return strconv.FormatInt(*u.CentralID, 10) + " " + *u.Name
}

func sameBool(a, b *bool) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func show(b *bool) any {
	if b == nil {
		return "null"
	}
	return *b
}

func sameState(a, b *mediawiki.WikiState) bool {
	return (a.TokenRow == nil) == (b.TokenRow == nil) && (a.Acceptance == nil) == (b.Acceptance == nil) &&
		(a.User == nil) == (b.User == nil) && (a.Consumer == nil) == (b.Consumer == nil) && a.SubjectID == b.SubjectID
}
