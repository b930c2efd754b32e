package db

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

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

// writeClock is the real clock: a write is stamped when it happens, never
// with a pinned judging clock. It is Options.WallNow (the command's real
// clock); this package's tests set it to compare rows with the real wiki's
// dumps.
func (s *Store) writeClock() time.Time {
	if s.writeNow != nil {
		return s.writeNow()
	}
	return time.Now()
}

func (s *Store) hook(ctx context.Context, step string, q querier) error {
	if s.testHook != nil && step != "" {
		return s.testHook(ctx, step, q)
	}
	return nil
}

// run executes a script in tx, collecting the rows a revocation deletes.
func (s *Store) runScript(ctx context.Context, tx *sql.Tx, b *script, key string, res *Result) error {
	for _, st := range b.stmts {
		if st.tokens {
			rows, err := tx.QueryContext(ctx, st.SQL, st.Args...)
			if err != nil {
				return fmt.Errorf("read tokens to revoke: %s", oneLine(err))
			}
			for rows.Next() {
				var jti, exp []byte
				var acc int64
				if err := rows.Scan(&jti, &exp, &acc); err != nil {
					rows.Close()
					return err
				}
				res.RevokedTokens = append(res.RevokedTokens, RevokedToken{JTI: string(jti), Expires: string(exp), AcceptanceID: acc})
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, st.SQL, st.Args...); err != nil {
			return fmt.Errorf("%s: %s", firstWords(st.SQL), oneLine(err))
		}
		if err := s.hook(ctx, st.step, tx); err != nil {
			return err
		}
		if st.step == "locked" {
			ok, err := s.scriptVar(ctx, tx, "ok")
			if err != nil {
				return err
			}
			if ok != 1 {
				return s.changedSincePreview(ctx, tx, key)
			}
		}
	}
	return nil
}

// changedSincePreview explains a failed guard.
func (s *Store) changedSincePreview(ctx context.Context, tx *sql.Tx, key string) error {
	var stage, deleted int
	var stageTS []byte
	err := tx.QueryRowContext(ctx, "SELECT oarc_stage, oarc_stage_timestamp, oarc_deleted FROM "+s.T("oauth_registered_consumer")+
		" WHERE oarc_consumer_key = ?", key).Scan(&stage, &stageTS, &deleted)
	if errors.Is(err, sql.ErrNoRows) {
		return &RefusedError{Msg: fmt.Sprintf("%s: changed since preview: the consumer row is gone; nothing written", key)}
	}
	if err != nil {
		return fmt.Errorf("lock consumer: %s", oneLine(err))
	}
	return &RefusedError{Msg: fmt.Sprintf("%s: changed since preview (now %s%s, stage timestamp %s); nothing written — look again and retry",
		key, StageName(stage), suppressedWord(deleted != 0), string(stageTS))}
}

// scriptVar reads an integer script variable (0 when NULL).
func (s *Store) scriptVar(ctx context.Context, q querier, name string) (int64, error) {
	b := &script{s: s}
	var v sql.NullInt64
	if err := q.QueryRowContext(ctx, "SELECT "+b.ref(name)).Scan(&v); err != nil {
		return 0, fmt.Errorf("read %s: %s", name, oneLine(err))
	}
	return v.Int64, nil
}

func firstWords(q string) string {
	f := strings.Fields(q)
	if len(f) > 3 {
		f = f[:3]
	}
	return strings.ToLower(strings.Join(f, " "))
}

// TwoDatabaseError is a write whose first commit (the OAuth tables) landed
// and whose second (the central wiki's log) did not: the consumer changed,
// the wiki's log does not say so. Repair is a script that writes the
// missing rows; RepairCommand runs it.
type TwoDatabaseError struct {
	Key           string
	Committed     string // what the first commit changed
	Err           error  // why the second failed
	Repair        string // SQL for the wiki database
	RepairCommand string // shell command that runs Repair
}

func (e *TwoDatabaseError) Error() string {
	return fmt.Sprintf("%s: %s was committed, but writing the log entry to the wiki database failed (%v); the log entry is missing: run %s",
		e.Key, e.Committed, e.Err, e.RepairCommand)
}

// Apply performs the plan: one transaction when one connection reaches
// every table. With the central wiki's tables on another server it commits
// the OAuth tables first and the log second, so a failure can never leave a
// log entry for a change that did not happen; if the second commit fails,
// *TwoDatabaseError says exactly what landed and how to write the rest.
// A consumer that changed since the preview is a *RefusedError and nothing
// is written. The write is stamped with the real time now.
func (s *Store) Apply(ctx context.Context, p *Plan) (*Result, error) {
	ts := FormatTimestamp(s.writeClock())
	p.Timestamp = ts
	res := &Result{}
	key := p.Consumer.Key
	same := s.wdb == s.db
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin transaction: %s", oneLine(err))
	}
	defer tx.Rollback() //nolint:errcheck // after Commit this is a no-op
	o := s.oauthScript(p, ts)
	if same {
		w := s.wikiScript(p, ts, true)
		o.stmts = append(o.stmts, w.stmts...)
	}
	if err := s.runScript(ctx, tx, o, key, res); err != nil {
		return nil, err
	}
	if same {
		if err := s.readIDs(ctx, tx, p, res); err != nil {
			return nil, err
		}
		if err := s.commitFirst(ctx, tx); err != nil {
			return nil, err
		}
		res.Timestamp = ts
		return res, nil
	}

	// Two servers: prepare the log entry in its own transaction, commit the
	// consumer row, then the log.
	wtx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin transaction on the wiki database: %s", oneLine(err))
	}
	defer wtx.Rollback() //nolint:errcheck
	w := s.wikiScript(p, ts, false)
	if err := s.runScript(ctx, wtx, w, key, res); err != nil {
		return nil, fmt.Errorf("wiki database: %w", err)
	}
	if err := s.readIDs(ctx, wtx, p, res); err != nil {
		return nil, err
	}
	if err := s.dropVars(ctx, wtx); err != nil && !p.NoChange {
		return nil, err
	}
	if err := s.commitFirst(ctx, tx); err != nil {
		return nil, err
	}
	res.Timestamp = ts
	if err := s.hook(ctx, "between-commits", wtx); err != nil {
		return res, s.twoDatabaseError(p, res, err)
	}
	if err := wtx.Commit(); err != nil {
		return res, s.twoDatabaseError(p, res, err)
	}
	return res, nil
}

func (s *Store) twoDatabaseError(p *Plan, res *Result, cause error) error {
	var what []string
	if !p.NoChange {
		what = append(what, fmt.Sprintf("the consumer row (%s → %s%s, stamped %s)", StageName(p.FromStage), StageName(p.ToStage),
			suppressedWord(p.ToDeleted), res.Timestamp))
	}
	if p.Revoke {
		what = append(what, fmt.Sprintf("the deletion of %d token row(s)", len(res.RevokedTokens)))
	}
	w := s.wikiScript(p, res.Timestamp, false)
	w.finish()
	var sb strings.Builder
	sb.WriteString("-- mwoauth: the log entry for " + string(p.Action) + " " + p.Consumer.Key + " (" + s.wikiTarget.String() + ")\n")
	sb.WriteString(s.beginSQL() + ";\n")
	for _, st := range w.stmts {
		if st.tokens {
			continue
		}
		sb.WriteString(s.formatSQL(st) + "\n")
	}
	sb.WriteString("COMMIT;\n")
	return &TwoDatabaseError{Key: p.Consumer.Key, Committed: strings.Join(what, " and "), Err: errors.New(oneLine(cause)),
		Repair: sb.String(), RepairCommand: clientCommand(s.wikiTarget)}
}

// clientCommand is the shell command that runs a script on t with the
// database's own client (the password comes from ~/.my.cnf or a prompt,
// never from the command line).
func clientCommand(t Target) string {
	if t.Engine == SQLite {
		return "sqlite3 " + shellQuote(t.Path) + " < FILE"
	}
	args := []string{"mariadb"}
	if sock, ok := strings.CutPrefix(t.Address, "unix("); ok {
		args = append(args, "--socket="+shellQuote(strings.TrimSuffix(sock, ")")))
	} else if host, port, ok := strings.Cut(t.Address, ":"); ok {
		args = append(args, "--host="+shellQuote(host), "--port="+port)
	} else if t.Address != "" {
		args = append(args, "--host="+shellQuote(t.Address))
	}
	if t.User != "" {
		args = append(args, "--user="+shellQuote(t.User), "-p")
	}
	args = append(args, shellQuote(t.Database), "< FILE")
	return strings.Join(args, " ")
}

func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:@=") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// commitFirst drops tx's variables and commits it: the only commit with one
// connection, the OAuth tables' (before the log's) with two.
func (s *Store) commitFirst(ctx context.Context, tx *sql.Tx) error {
	if err := s.dropVars(ctx, tx); err != nil {
		return err
	}
	if err := s.hook(ctx, "before-commit", tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %s", oneLine(err))
	}
	return nil
}

// dropVars removes SQLite's variable table (MySQL's session variables die
// with the connection's session and are overwritten by the next action).
func (s *Store) dropVars(ctx context.Context, tx *sql.Tx) error {
	if s.Dialect != SQLite {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "DROP TABLE IF EXISTS temp.mwoauth_vars"); err != nil {
		return fmt.Errorf("drop variables: %s", oneLine(err))
	}
	return nil
}

// readIDs fills the result from the script's variables and the plan.
func (s *Store) readIDs(ctx context.Context, tx *sql.Tx, p *Plan, res *Result) error {
	if p.NoChange {
		return nil
	}
	res.Changed = true
	var err error
	if res.ActorID, err = s.scriptVar(ctx, tx, "actor_id"); err != nil {
		return err
	}
	if res.CommentID, err = s.scriptVar(ctx, tx, "comment_id"); err != nil {
		return err
	}
	if res.LogID, err = s.scriptVar(ctx, tx, "log_id"); err != nil {
		return err
	}
	if res.LogPage, err = s.scriptVar(ctx, tx, "log_page"); err != nil {
		return err
	}
	existed, err := s.scriptVar(ctx, tx, "actor_existed")
	if err != nil {
		return err
	}
	res.ActorCreated = existed == 0
	if existed, err = s.scriptVar(ctx, tx, "comment_existed"); err != nil {
		return err
	}
	res.CommentReused = existed > 0
	return nil
}

// DryRun returns the script Apply would run, as text the database's own
// client runs as is (mariadb, sqlite3): the same statements, values
// inlined. With the central wiki on another server it is two scripts, the
// second for the wiki database (run it only when the first says changed).
func (s *Store) DryRun(p *Plan) []string {
	ts := FormatTimestamp(s.writeClock())
	same := s.wdb == s.db
	o := s.oauthScript(p, ts)
	var out []string
	out = append(out, s.beginSQL()+";")
	if same {
		w := s.wikiScript(p, ts, true)
		o.stmts = append(o.stmts, w.stmts...)
	}
	o.stmts = append(o.stmts, statement{SQL: s.resultSelect(o)})
	o.finish()
	for _, st := range o.stmts {
		out = append(out, s.formatSQL(st))
	}
	out = append(out, "COMMIT;")
	if !same && !p.NoChange {
		w := s.wikiScript(p, ts, false)
		w.finish()
		out = append(out, "-- then, on the wiki database ("+s.wikiTarget.String()+"), only if the script above said changed:", s.beginSQL()+";")
		for _, st := range w.stmts {
			out = append(out, s.formatSQL(st))
		}
		out = append(out, "COMMIT;")
	}
	return out
}

// resultSelect reports, when the script runs, whether it changed anything.
func (s *Store) resultSelect(b *script) string {
	return "SELECT CASE WHEN " + b.gate() + " THEN 'changed' ELSE 'NOT CHANGED: the consumer changed since the preview; nothing written' END AS mwoauth_result"
}

// formatSQL renders a statement with its values inlined. Strings holding a
// control or format character (or, for MySQL, a backslash, whose meaning
// depends on sql_mode) are written as hex, so the script is exact and
// prints safely on a terminal.
func (s *Store) formatSQL(st statement) string {
	var b strings.Builder
	args := st.Args
	inQuote := false
	for _, r := range st.SQL {
		if r == '\'' {
			inQuote = !inQuote
		}
		if r == '?' && !inQuote && len(args) > 0 {
			b.WriteString(s.literal(args[0]))
			args = args[1:]
			continue
		}
		b.WriteRune(r)
	}
	return strings.Join(strings.Fields(b.String()), " ") + ";"
}

func (s *Store) literal(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		if needsHex(x, s.Dialect) {
			if s.Dialect == SQLite {
				return "CAST(X'" + hex.EncodeToString([]byte(x)) + "' AS TEXT)"
			}
			return "X'" + hex.EncodeToString([]byte(x)) + "'"
		}
		return "'" + strings.ReplaceAll(x, "'", "''") + "'"
	case []byte:
		return s.literal(string(x))
	case int:
		return strconv.Itoa(x)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case int64:
		return strconv.FormatInt(x, 10)
	case bool:
		return strconv.Itoa(boolInt(x))
	}
	return fmt.Sprint(v)
}

func needsHex(s string, d Dialect) bool {
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\uFFFD' || (d == MySQL && r == '\\') {
			return true
		}
	}
	return false
}
