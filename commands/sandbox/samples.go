package sandbox

import (
	"bytes"
	"compress/gzip"
	"crypto/rsa"
	"encoding/base64"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
	"github.com/mwoauth/mwoauth/db"
	"github.com/mwoauth/mwoauth/internal/atomicfile"
	"github.com/mwoauth/mwoauth/jwtutil"
	"github.com/mwoauth/mwoauth/mediawiki"
)

// SampleLife is how long the sandbox's live sample tokens stay valid, as a
// wiki with $wgOAuth2GrantExpirationInterval = 'P90D' would mint them: long
// enough that a tutorial still works weeks later ("mwoauth sandbox
// refresh" mints them anew). The expired sample keeps MediaWiki's default
// hour, and the not-yet-valid one starts after the others have ended.
const SampleLife = 90 * day

// AccessLog is the sample access log in the sandbox folder.
const AccessLog = "access.log.gz"

// sample is one token file of the sandbox: how it is minted, whether it
// gets an oauth2_access_tokens row, and what a verifier says about it.
type sample struct {
	file       string
	acceptance int64
	revoked    bool
	noRow      bool // minted, but the wiki has no row for its jti
	forged     bool // a claim edited after signing: the signature fails
	o          mediawiki.MintOptions
	verdict    string // what "token scan" calls it
}

// samples are the sandbox's token files, one per verdict a verifier can
// give on this wiki. Times are relative to the sandbox's creation (or
// refresh).
func samples(now time.Time) []sample {
	life := SampleLife
	return []sample{
		// Alice's owner-only token from registration: 1000 years.
		{file: "owner-only.jwt", acceptance: 1, o: mediawiki.MintOptions{ClientID: KeyOwnerOnly, UserID: 4, OwnerOnly: true,
			Scopes: []string{"basic", "editpage"}, Now: now.Add(-30 * day)}, verdict: "ok"},
		// Web Editor, Alice: a live token and one that expired (the
		// wiki's default hour).
		{file: "valid.jwt", acceptance: 2, o: mediawiki.MintOptions{ClientID: KeyWebEditor, UserID: 4, Scopes: []string{"basic", "editpage"},
			ExpiresIn: life, Now: now.Add(-time.Hour)}, verdict: "ok"},
		{file: "expired.jwt", acceptance: 2, o: mediawiki.MintOptions{ClientID: KeyWebEditor, UserID: 4, Scopes: []string{"basic", "editpage"},
			Now: now.Add(-3 * time.Hour)}, verdict: "expired"},
		// Issued by a wiki whose clock ran ahead: valid only after the
		// other samples have expired (no row, so that the blast radius
		// counts stay about the tokens in use).
		{file: "not-yet-valid.jwt", acceptance: 2, noRow: true, o: mediawiki.MintOptions{ClientID: KeyWebEditor, UserID: 4, Scopes: []string{"basic"},
			ExpiresIn: life, Now: now.Add(life + day)}, verdict: "not-yet-valid"},
		// Alice's token with sub edited to Admin's id after signing.
		{file: "forged.jwt", acceptance: 2, forged: true, noRow: true, o: mediawiki.MintOptions{ClientID: KeyWebEditor, UserID: 4,
			Scopes: []string{"basic", "editpage"}, ExpiresIn: life, Now: now.Add(-50 * time.Minute)}, verdict: "signature"},
		// Web Editor, Bob: revoked by a refresh.
		{file: "revoked.jwt", acceptance: 3, revoked: true, o: mediawiki.MintOptions{ClientID: KeyWebEditor, UserID: 5, Scopes: []string{"basic"},
			ExpiresIn: life, Now: now.Add(-55 * time.Minute)}, verdict: "wiki-state"},
		// Signed with the wiki's key, but the wiki never stored its jti.
		{file: "no-row.jwt", acceptance: 2, noRow: true, o: mediawiki.MintOptions{ClientID: KeyWebEditor, UserID: 4, Scopes: []string{"basic"},
			ExpiresIn: life, Now: now.Add(-45 * time.Minute)}, verdict: "wiki-state"},
		// The leaky app's client_credentials token: acceptance 0, and, as
		// master writes it, the owner's (Dev User's) id in sub; the request
		// still runs anonymously.
		{file: "client-credentials.jwt", o: mediawiki.MintOptions{ClientID: KeyLeaky, ClientCredentials: true, UserID: 3,
			Scopes: []string{"basic", "highvolume", "editpage"}, ExpiresIn: life, Now: now.Add(-40 * time.Minute)}, verdict: "ok"},
		// The disabled mirror tool's token.
		{file: "disabled-consumer.jwt", acceptance: 4, o: mediawiki.MintOptions{ClientID: KeyDisabled, UserID: 3, Scopes: []string{"basic"},
			ExpiresIn: life, Now: now.Add(-35 * time.Minute)}, verdict: "wiki-state"},
	}
}

// SampleFiles names the token files the sandbox writes, in the order
// samples lists them.
func SampleFiles() []string {
	var names []string
	for _, s := range samples(time.Time{}) {
		names = append(names, s.file)
	}
	return names
}

// mintSamples mints every sample token (with its row unless the sample
// has none) and returns file name → token.
func mintSamples(sd *db.Seeder, key *rsa.PrivateKey, now time.Time) (map[string]string, error) {
	now = now.UTC().Truncate(time.Second)
	files := map[string]string{}
	for _, s := range samples(now) {
		acceptance := s.acceptance
		if s.noRow {
			acceptance = -1
		}
		tok, err := mintRow(sd, key, acceptance, s.revoked, s.o)
		if err != nil {
			return nil, fmt.Errorf("mint sample token %s: %v", s.file, err)
		}
		if s.forged {
			if tok, err = editSub(tok, "1"); err != nil {
				return nil, fmt.Errorf("mint sample token %s: %v", s.file, err)
			}
		}
		files[s.file] = tok
	}
	return files, nil
}

// mintRow mints a token exactly as the extension does and writes its
// oauth2_access_tokens row (oaat_expires as the extension stores it);
// acceptance -1 writes no row.
func mintRow(sd *db.Seeder, key *rsa.PrivateKey, acceptance int64, revoked bool, o mediawiki.MintOptions) (string, error) {
	o.Issuer = Issuer
	// The sandbox has no CentralAuth: master's mw: subs carry core's
	// LocalIdLookup scope of its wiki (wiki.sqlite: wiki id "wiki").
	o.SubjectScope = mediawiki.LocalScope("wiki")
	jti, err := jwtutil.NewJTI()
	if err != nil {
		return "", err
	}
	o.JTI = jti
	tok, err := mediawiki.Mint(key, o)
	if err != nil {
		return "", err
	}
	if acceptance < 0 {
		return tok, nil
	}
	var exp time.Time
	switch {
	case o.OwnerOnly:
		exp = o.Now.AddDate(1000, 0, 0)
	case o.ExpiresIn > 0:
		exp = o.Now.Add(o.ExpiresIn)
	default:
		exp = o.Now.Add(time.Hour)
	}
	return tok, sd.AccessToken(jti, db.FormatTimestamp(exp), acceptance, revoked)
}

// editSub rewrites the token's sub claim and keeps the old signature: what
// someone who edits a token by hand gets.
func editSub(tok, sub string) (string, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return "", fmt.Errorf("not a JWT")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", err
	}
	i := bytes.Index(payload, []byte(`"sub":"`))
	if i < 0 {
		return "", fmt.Errorf("no sub claim")
	}
	j := bytes.IndexByte(payload[i+len(`"sub":"`):], '"')
	edited := append(append(append([]byte{}, payload[:i]...), `"sub":`+jwtutil.JSONString(sub)...), payload[i+len(`"sub":"`)+j+1:]...)
	return parts[0] + "." + base64.RawURLEncoding.EncodeToString(edited) + "." + parts[2], nil
}

// accessLog writes a gzipped web server access log (nginx's combined format
// with the Authorization header logged last, as some wikis configure it)
// of the last half hour before now: every sample token in use, one token
// passed as access_token in the query string, a malformed bearer value, a
// truncated JWT and requests without any token. Each line's time is in the
// common log format, so "token scan --time-regex '\[([^\]]+)\]'" can judge
// each use at its own time.
func accessLog(tokens map[string]string, now time.Time) ([]byte, error) {
	type hit struct {
		ago     time.Duration
		ip, req string
		status  int
		ua      string
		auth    string
	}
	api := "GET /w/api.php?action=query&meta=userinfo&format=json HTTP/1.1"
	edit := "POST /w/api.php HTTP/1.1"
	rest := "GET /w/rest.php/oauth2/resource/profile HTTP/1.1"
	bearer := func(file string) string { return "Bearer " + tokens[file] }
	valid := tokens["valid.jwt"]
	hits := []hit{
		{30 * time.Minute, "198.51.100.23", "GET /wiki/Main_Page HTTP/1.1", 200, "Mozilla/5.0", "-"},
		{29 * time.Minute, "203.0.113.10", api, 200, "WebEditor/3.0", bearer("valid.jwt")},
		{28 * time.Minute, "203.0.113.10", edit, 200, "WebEditor/3.0", bearer("valid.jwt")},
		{27 * time.Minute, "192.0.2.44", api, 200, "ReportBot/2.3", bearer("client-credentials.jwt")},
		{26 * time.Minute, "203.0.113.10", api, 200, "WebEditor/3.0", bearer("expired.jwt")},
		{25 * time.Minute, "198.51.100.77", api, 200, "AliceBot/1.0", bearer("owner-only.jwt")},
		{24 * time.Minute, "203.0.113.99", api, 200, "curl/8.5.0", bearer("forged.jwt")},
		{23 * time.Minute, "203.0.113.12", rest, 401, "WebEditor/3.0", bearer("revoked.jwt")},
		{22 * time.Minute, "192.0.2.80", api, 200, "Mirror/1.2", bearer("disabled-consumer.jwt")},
		{21 * time.Minute, "203.0.113.10", api, 200, "WebEditor/3.0", bearer("not-yet-valid.jwt")},
		{20 * time.Minute, "203.0.113.10", api, 200, "WebEditor/3.0", bearer("no-row.jwt")},
		{19 * time.Minute, "203.0.113.10", "GET /w/api.php?action=query&meta=userinfo&format=json&access_token=" + valid + " HTTP/1.1", 200, "WebEditor/3.0", "-"},
		{18 * time.Minute, "192.0.2.200", api, 200, "python-requests/2.31", "Bearer not-a-jwt-but-an-opaque-string"},
		{17 * time.Minute, "192.0.2.201", api, 200, "python-requests/2.31", "Bearer " + valid[:strings.LastIndexByte(valid, '.')]},
		{16 * time.Minute, "198.51.100.23", "GET /wiki/Special:OAuthListConsumers HTTP/1.1", 200, "Mozilla/5.0", "-"},
		{15 * time.Minute, "203.0.113.10", api, 200, "WebEditor/3.0", bearer("valid.jwt")},
		{10 * time.Minute, "192.0.2.44", edit, 200, "ReportBot/2.3", bearer("client-credentials.jwt")},
		{5 * time.Minute, "203.0.113.10", api, 200, "WebEditor/3.0", bearer("expired.jwt")},
		{1 * time.Minute, "203.0.113.10", api, 200, "WebEditor/3.0", bearer("valid.jwt")},
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	// No name or time in the gzip header: the file depends only on its lines.
	for _, h := range hits {
		at := now.Add(-h.ago).UTC().Format("02/Jan/2006:15:04:05 -0700")
		fmt.Fprintf(zw, "%s - - [%s] %q %d %d \"-\" %q %q\n", h.ip, at, h.req, h.status, 120+len(h.req), h.ua, h.auth)
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeSamples writes the token files and the access log into the sandbox
// folder abs, each whole or not at all (written aside, then renamed).
func writeSamples(abs string, tokens map[string]string, now time.Time) (tokenFiles []string, logPath string, err error) {
	for _, name := range SampleFiles() {
		p := filepath.Join(abs, "tokens", name)
		if err := atomicfile.Replace(p, []byte(tokens[name]+"\n"), 0o600); err != nil {
			return nil, "", cmdutil.Exitf(cmdutil.ExitFailure, "write token: %v", err)
		}
		tokenFiles = append(tokenFiles, p)
	}
	sort.Strings(tokenFiles)
	log, err := accessLog(tokens, now)
	if err != nil {
		return nil, "", cmdutil.Exitf(cmdutil.ExitFailure, "write access log: %v", err)
	}
	logPath = filepath.Join(abs, AccessLog)
	if err := atomicfile.Replace(logPath, log, 0o600); err != nil {
		return nil, "", cmdutil.Exitf(cmdutil.ExitFailure, "write access log: %v", err)
	}
	return tokenFiles, logPath, nil
}

// sampleNames lists the token files without .jwt, for people.
func sampleNames() string {
	names := SampleFiles()
	for i, n := range names {
		names[i] = strings.TrimSuffix(n, ".jwt")
	}
	return strings.Join(names, ", ")
}

// validUntil is when the first of the live sample tokens minted at now
// expires.
func validUntil(now time.Time) string {
	now = now.UTC().Truncate(time.Second)
	var first time.Time
	for _, s := range samples(now) {
		if s.o.OwnerOnly || s.o.ExpiresIn == 0 || s.o.Now.After(now) {
			continue
		}
		if exp := s.o.Now.Add(s.o.ExpiresIn); first.IsZero() || exp.Before(first) {
			first = exp
		}
	}
	return first.Format(time.RFC3339)
}
