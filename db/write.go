package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mwoauth/mwoauth/mediawiki"
)

// Apply runs an action's script (script.go) in its transaction(s), on
// one connection or, with the wiki's tables on another server, two;
// DryRun (dryrun.go) prints the same script instead.

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
		key, mediawiki.StageName(stage), suppressedWord(deleted != 0), string(stageTS))}
}

// suppressedWord follows a stage in the messages of a write that stopped:
// "approved, suppressed".
func suppressedWord(b bool) string {
	if b {
		return ", suppressed"
	}
	return ""
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
		what = append(what, fmt.Sprintf("the consumer row (%s → %s%s, stamped %s)", mediawiki.StageName(p.FromStage), mediawiki.StageName(p.ToStage),
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
