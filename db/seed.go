package db

import (
	"context"
	"database/sql"
	"fmt"
)

// Seeder writes the rows of a new wiki (the sandbox, generated test wikis)
// in one transaction. Log entries go through the same writer consumer
// actions use (actor, comment reuse, log_page, logging, log_search), so a
// seeded log is shaped exactly like a written one.
type Seeder struct {
	s   *Store
	tx  *sql.Tx
	ctx context.Context
}

// Seed runs fn in one transaction and commits it when fn succeeds.
func (s *Store) Seed(ctx context.Context, fn func(*Seeder) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("seed: %s", oneLine(err))
	}
	defer tx.Rollback() //nolint:errcheck
	if err := fn(&Seeder{s: s, tx: tx, ctx: ctx}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("seed: %s", oneLine(err))
	}
	return nil
}

func (sd *Seeder) exec(what, q string, args ...any) error {
	if _, err := sd.tx.ExecContext(sd.ctx, q, args...); err != nil {
		return fmt.Errorf("seed %s: %s", what, oneLine(err))
	}
	return nil
}

// User writes a user row (no password: nobody logs in to a seeded wiki).
func (sd *Seeder) User(id int64, name, registration string, editCount int64) error {
	return sd.exec("user", "INSERT INTO "+sd.s.T("user")+" (user_id, user_name, user_password, user_newpassword, user_email,"+
		" user_touched, user_registration, user_editcount) VALUES (?, ?, '', '', '', ?, ?, ?)", id, name, registration, registration, editCount)
}

// Actor writes an actor row for a user.
func (sd *Seeder) Actor(id, userID int64, name string) error {
	return sd.exec("actor", "INSERT INTO "+sd.s.T("actor")+" (actor_id, actor_user, actor_name) VALUES (?, ?, ?)", id, userID, name)
}

// UserGroup makes a user a member of group until expiry (TS_MW; "" for ever).
func (sd *Seeder) UserGroup(userID int64, group, expiry string) error {
	var exp any
	if expiry != "" {
		exp = expiry
	}
	return sd.exec("user group", "INSERT INTO "+sd.s.T("user_groups")+" (ug_user, ug_group, ug_expiry) VALUES (?, ?, ?)", userID, group, exp)
}

// Block blocks a user (block_target + block, the 1.43+ schema) by the
// actor byActor, until expiry (TS_MW or "infinity"), with reason.
func (sd *Seeder) Block(userID int64, userName string, byActor int64, reason, timestamp, expiry string, sitewide bool) error {
	res, err := sd.tx.ExecContext(sd.ctx, "INSERT INTO "+sd.s.T("block_target")+" (bt_user, bt_user_text, bt_count) VALUES (?, ?, 1)", userID, userName)
	if err != nil {
		return fmt.Errorf("seed block target: %s", oneLine(err))
	}
	target, _ := res.LastInsertId()
	cid, err := sd.comment(reason)
	if err != nil {
		return err
	}
	return sd.exec("block", "INSERT INTO "+sd.s.T("block")+" (bl_target, bl_by_actor, bl_reason_id, bl_timestamp, bl_expiry, bl_sitewide)"+
		" VALUES (?, ?, ?, ?, ?, ?)", target, byActor, cid, timestamp, expiry, boolInt(sitewide))
}

// comment returns the id of a comment row with text, written if missing
// (CommentStore's reuse).
func (sd *Seeder) comment(text string) (int64, error) {
	hash := commentHash(text)
	var id sql.NullInt64
	comment := sd.s.T("comment")
	if err := sd.tx.QueryRowContext(sd.ctx, "SELECT MIN(comment_id) FROM "+comment+" WHERE comment_hash = ? AND comment_text = ? AND comment_data IS NULL",
		hash, text).Scan(&id); err != nil {
		return 0, fmt.Errorf("seed comment: %s", oneLine(err))
	}
	if id.Valid {
		return id.Int64, nil
	}
	res, err := sd.tx.ExecContext(sd.ctx, "INSERT INTO "+comment+" (comment_hash, comment_text, comment_data) VALUES (?, ?, NULL)", hash, text)
	if err != nil {
		return 0, fmt.Errorf("seed comment: %s", oneLine(err))
	}
	return res.LastInsertId()
}

// Comment writes (or finds) a comment row, as CommentStore does.
func (sd *Seeder) Comment(text string) (int64, error) { return sd.comment(text) }

// Page writes a page row.
func (sd *Seeder) Page(id int64, namespace int, title, touched string) error {
	return sd.exec("page", "INSERT INTO "+sd.s.T("page")+" (page_id, page_namespace, page_title, page_random, page_touched, page_latest, page_len)"+
		" VALUES (?, ?, ?, 0.5, ?, 1, 100)", id, namespace, title, touched)
}

// ConsumerRow is every column of oauth_registered_consumer, for seeding.
type ConsumerRow struct {
	ID                                           int64
	Key, Name, Version, CallbackURL, IsPrefix    string
	Description, Email, EmailAuthenticated, Wiki string
	OwnerID                                      int64
	OwnerOnly                                    bool
	Grants, Registration, Secret, Restrictions   string
	Stage                                        int
	StageTimestamp                               string
	Deleted                                      bool
	OAuthVersion                                 int
	OAuth2AllowedGrants                          string
	Confidential, DeveloperAgreement             bool
}

// Consumer writes a consumer row.
func (sd *Seeder) Consumer(c ConsumerRow) error {
	return sd.exec("consumer", "INSERT INTO "+sd.s.T("oauth_registered_consumer")+` (oarc_id, oarc_consumer_key, oarc_name, oarc_user_id,
 oarc_version, oarc_callback_url, oarc_callback_is_prefix, oarc_description, oarc_email, oarc_email_authenticated,
 oarc_developer_agreement, oarc_owner_only, oarc_wiki, oarc_grants, oarc_registration, oarc_secret_key, oarc_rsa_key,
 oarc_restrictions, oarc_stage, oarc_stage_timestamp, oarc_deleted, oarc_oauth_version, oarc_oauth2_allowed_grants,
 oarc_oauth2_is_confidential) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.Key, c.Name, c.OwnerID, c.Version, c.CallbackURL, c.IsPrefix, c.Description, c.Email, c.EmailAuthenticated,
		boolInt(c.DeveloperAgreement), boolInt(c.OwnerOnly), c.Wiki, c.Grants, c.Registration, c.Secret, c.Restrictions,
		c.Stage, c.StageTimestamp, boolInt(c.Deleted), c.OAuthVersion, c.OAuth2AllowedGrants, boolInt(c.Confidential))
}

// Acceptance writes an oauth_accepted_consumer row.
func (sd *Seeder) Acceptance(a Acceptance, grants, accessToken, accessSecret string) error {
	return sd.exec("acceptance", "INSERT INTO "+sd.s.T("oauth_accepted_consumer")+` (oaac_id, oaac_wiki, oaac_user_id, oaac_consumer_id,
 oaac_access_token, oaac_access_secret, oaac_grants, oaac_accepted, oaac_oauth_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.Wiki, a.UserID, a.ConsumerID, accessToken, accessSecret, grants, a.Accepted, a.OAuthVersion)
}

// AccessToken writes an oauth2_access_tokens row.
func (sd *Seeder) AccessToken(jti, expires string, acceptanceID int64, revoked bool) error {
	return sd.exec("access token", "INSERT INTO "+sd.s.T("oauth2_access_tokens")+
		" (oaat_identifier, oaat_expires, oaat_acceptance_id, oaat_revoked) VALUES (?, ?, ?, ?)", jti, expires, acceptanceID, boolInt(revoked))
}

// ChangeTagDef writes a change_tag_def row.
func (sd *Seeder) ChangeTagDef(id int64, name string, count int64) error {
	return sd.exec("change tag", "INSERT INTO "+sd.s.T("change_tag_def")+" (ctd_id, ctd_name, ctd_user_defined, ctd_count) VALUES (?, ?, 0, ?)", id, name, count)
}

// LogEntry writes a consumer log entry exactly as a consumer action does
// (the same statements): the performer's actor (created if missing), the
// reason's comment (reused if present), log_page from the owner's user
// page, the logging row and its log_search relation. It returns the log id.
func (sd *Seeder) LogEntry(action Action, timestamp string, performer Performer, ownerName, key, reason string) (int64, error) {
	p := &Plan{Action: action, Performer: &performer, Comment: reason, LogTitle: underscores(ownerName),
		logParams: logParams(key), Consumer: &Consumer{Key: key}}
	b := sd.s.wikiScript(p, timestamp, false)
	res := &Result{}
	if err := sd.s.runScript(sd.ctx, sd.tx, b, key, res); err != nil {
		return 0, fmt.Errorf("seed log entry: %w", err)
	}
	id, err := sd.s.scriptVar(sd.ctx, sd.tx, "log_id")
	if err != nil {
		return 0, err
	}
	return id, sd.s.dropVars(sd.ctx, sd.tx)
}

func underscores(s string) string {
	b := []byte(s)
	for i := range b {
		if b[i] == ' ' {
			b[i] = '_'
		}
	}
	return string(b)
}

// DeleteAccessToken deletes the oauth2_access_tokens row of jti, if any
// (the sandbox replacing its sample tokens).
func (sd *Seeder) DeleteAccessToken(jti string) error {
	return sd.exec("access token", "DELETE FROM "+sd.s.T("oauth2_access_tokens")+" WHERE oaat_identifier = ?", jti)
}
