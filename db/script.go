package db

// A consumer action is one list of statements, built once (script) and
// either executed in a transaction (Apply) or printed (DryRun). The
// statements carry their own guard: a variable set from a locking SELECT
// of the consumer row as the preview saw it, and every write is gated on
// it, so the printed script, run by the mariadb or sqlite3 client, changes
// nothing when the consumer changed since the preview, as Apply does.
// Ids are assigned by the database and passed on through variables
// (MySQL session variables; a temporary table on SQLite, which has none).

// statement is one SQL statement with its arguments.
type statement struct {
	SQL  string
	Args []any
	// step names a point the test hook sees after the statement.
	step string
	// tokens marks the SELECT of the rows a revocation deletes.
	tokens bool
}

// script builds the statements of one action for one connection.
type script struct {
	s     *Store
	stmts []statement
	// gated: the guard variable lives on this connection (same database or
	// same server); on a second server the wiki side is written only after
	// the first commit, so it needs no gate.
	gated bool
}

func (b *script) add(step, q string, args ...any) {
	b.stmts = append(b.stmts, statement{SQL: q, Args: args, step: step})
}

// ref is the value of a script variable as an SQL expression.
func (b *script) ref(name string) string {
	if b.s.Dialect == MySQL {
		return "@mwoauth_" + name
	}
	return "(SELECT v FROM temp.mwoauth_vars WHERE k = '" + name + "')"
}

// set assigns a scalar subquery (or expression) to a variable.
func (b *script) set(step, name, expr string, args ...any) {
	if b.s.Dialect == MySQL {
		b.add(step, "SET @mwoauth_"+name+" = "+expr, args...)
		return
	}
	b.add(step, "INSERT OR REPLACE INTO temp.mwoauth_vars (k, v) VALUES ('"+name+"', "+expr+")", args...)
}

// gate is the condition every write of the action carries.
func (b *script) gate() string {
	if !b.gated {
		return "1 = 1"
	}
	return b.ref("ok") + " = 1"
}

// from is what a SELECT without a table needs to carry a WHERE clause.
func (b *script) from() string {
	if b.s.Dialect == MySQL {
		return " FROM DUAL"
	}
	return ""
}

func (s *Store) beginSQL() string {
	if s.Dialect == SQLite {
		return "BEGIN IMMEDIATE"
	}
	return "START TRANSACTION"
}

// oauthScript: lock and compare the consumer row, change it, and delete the
// token rows to revoke. It always sets the guard variable "ok".
func (s *Store) oauthScript(p *Plan, ts string) *script {
	b := &script{s: s, gated: true}
	c := p.Consumer
	if s.Dialect == SQLite {
		b.add("", "CREATE TEMP TABLE IF NOT EXISTS mwoauth_vars (k TEXT PRIMARY KEY, v) WITHOUT ROWID")
	}
	guard := "FROM " + s.T("oauth_registered_consumer") + " WHERE oarc_id = ? AND oarc_stage = ? AND oarc_deleted = ? AND oarc_stage_timestamp = ?"
	args := []any{c.ID, p.FromStage, boolInt(p.FromDeleted), c.StageTimestamp}
	if s.Dialect == MySQL {
		b.add("locked", "SELECT COUNT(*) INTO @mwoauth_ok "+guard+" FOR UPDATE", args...)
	} else {
		b.set("locked", "ok", "(SELECT COUNT(*) "+guard+")", args...)
	}
	if !p.NoChange {
		// Only these three columns change (MWOAuthDAO::save rewrites the
		// row with the same values for the others).
		b.add("updated", "UPDATE "+s.T("oauth_registered_consumer")+
			" SET oarc_stage = ?, oarc_stage_timestamp = ?, oarc_deleted = ? WHERE oarc_id = ? AND "+b.gate(),
			p.ToStage, ts, boolInt(p.ToDeleted), c.ID)
	}
	if p.Revoke {
		s.revokeStatements(b, "a.oaac_consumer_id = ?", c.ID)
	}
	return b
}

// revokeStatements lists, then deletes, the token rows of the acceptances
// that match cond (AccessTokenRepository::deleteForApprovalId per
// acceptance). The DELETE is driven by the acceptance index
// (oaac_consumer_user, then oaat_acceptance_id): a JOIN on MySQL, whose
// optimizer runs DELETE … IN (subquery) as a scan of the whole token table
// before MariaDB 11.1; SQLite plans IN (subquery) on the index.
func (s *Store) revokeStatements(b *script, cond string, args ...any) {
	tokens, accs := s.T("oauth2_access_tokens"), s.T("oauth_accepted_consumer")
	b.stmts = append(b.stmts, statement{SQL: "SELECT t.oaat_identifier, t.oaat_expires, t.oaat_acceptance_id FROM " + tokens +
		" t JOIN " + accs + " a ON a.oaac_id = t.oaat_acceptance_id WHERE " + cond + " AND " + b.gate() + " ORDER BY t.oaat_id",
		Args: args, tokens: true})
	if s.Dialect == MySQL {
		b.add("revoked", "DELETE t FROM "+tokens+" t JOIN "+accs+" a ON a.oaac_id = t.oaat_acceptance_id WHERE "+cond+" AND "+b.gate(), args...)
		return
	}
	b.add("revoked", "DELETE FROM "+tokens+" WHERE oaat_acceptance_id IN (SELECT a.oaac_id FROM "+accs+" a WHERE "+cond+") AND "+b.gate(), args...)
}

// wikiScript: the performer's actor (ActorStore::acquireActorId), the
// reason's comment (CommentStore: an identical row is reused), the log
// entry (ManualLogEntry::insert) and its log_search relation.
func (s *Store) wikiScript(p *Plan, ts string, gated bool) *script {
	b := &script{s: s, gated: gated}
	if p.NoChange {
		return b
	}
	if s.Dialect == SQLite && !gated {
		b.add("", "CREATE TEMP TABLE IF NOT EXISTS mwoauth_vars (k TEXT PRIMARY KEY, v) WITHOUT ROWID")
	}
	perf := p.Performer
	actor := s.T("actor")
	b.set("", "actor_existed", "(SELECT COUNT(*) FROM "+actor+" WHERE actor_user = ?)", perf.UserID)
	b.add("", "INSERT INTO "+actor+" (actor_user, actor_name) SELECT ?, ?"+b.from()+" WHERE "+b.gate()+
		" AND NOT EXISTS (SELECT 1 FROM "+actor+" WHERE actor_user = ?)", perf.UserID, perf.Name, perf.UserID)
	b.set("", "actor_id", "(SELECT actor_id FROM "+actor+" WHERE actor_user = ?)", perf.UserID)

	comment := s.T("comment")
	hash := commentHash(p.Comment)
	b.set("", "comment_existed", "(SELECT COUNT(*) FROM "+comment+" WHERE comment_hash = ? AND comment_text = ? AND comment_data IS NULL)",
		hash, p.Comment)
	b.add("", "INSERT INTO "+comment+" (comment_hash, comment_text, comment_data) SELECT ?, ?, NULL"+b.from()+" WHERE "+b.gate()+
		" AND NOT EXISTS (SELECT 1 FROM "+comment+" WHERE comment_hash = ? AND comment_text = ? AND comment_data IS NULL)",
		hash, p.Comment, hash, p.Comment)
	b.set("comment", "comment_id", "(SELECT MIN(comment_id) FROM "+comment+" WHERE comment_hash = ? AND comment_text = ? AND comment_data IS NULL)",
		hash, p.Comment)

	// log_page: the owner's user page, 0 when it does not exist.
	if s.hasPage {
		b.set("", "log_page", "COALESCE((SELECT page_id FROM "+s.T("page")+" WHERE page_namespace = 2 AND page_title = ?), 0)", p.LogTitle)
	} else {
		b.set("", "log_page", "0")
	}
	b.add("", "INSERT INTO "+s.T("logging")+
		" (log_type, log_action, log_timestamp, log_actor, log_namespace, log_title, log_page, log_comment_id, log_params, log_deleted)"+
		" SELECT 'mwoauthconsumer', ?, ?, "+b.ref("actor_id")+", 2, ?, "+b.ref("log_page")+", "+b.ref("comment_id")+", ?, 0"+
		b.from()+" WHERE "+b.gate(), string(p.Action), ts, p.LogTitle, p.logParams)
	if s.Dialect == MySQL {
		b.set("logged", "log_id", "IF("+b.gate()+", LAST_INSERT_ID(), NULL)")
	} else {
		// BEGIN IMMEDIATE holds the write lock: the newest row is ours.
		b.set("logged", "log_id", "CASE WHEN "+b.gate()+" THEN (SELECT MAX(log_id) FROM "+s.T("logging")+") END")
	}
	b.add("", "INSERT INTO "+s.T("log_search")+" (ls_field, ls_value, ls_log_id) SELECT 'OAuthConsumer', ?, "+b.ref("log_id")+
		b.from()+" WHERE "+b.gate(), p.Consumer.Key)
	return b
}

// finish ends a SQLite script (its variables are a temporary table).
func (b *script) finish() {
	if b.s.Dialect == SQLite {
		b.add("", "DROP TABLE IF EXISTS temp.mwoauth_vars")
	}
}
