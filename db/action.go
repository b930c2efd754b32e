package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/crc32"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Action is a Special:OAuthManageConsumers action, named as MediaWiki logs it.
type Action string

const (
	ActionDisable  Action = "disable"
	ActionReenable Action = "reenable"
	ActionReject   Action = "reject"
)

// RefusedError is a transition the wiki would not make (or a safety guard):
// nothing was written.
type RefusedError struct{ Msg string }

func (e *RefusedError) Error() string { return e.Msg }

// ErrInvalidReason is a reason the management form would not accept.
var ErrInvalidReason = errors.New("invalid reason")

// MaxReasonBytes is the form's limit: /^.{0,255}$/ without the u flag
// counts bytes.
const MaxReasonBytes = 255

// ValidateReason trims the reason as MediaWiki does before storing it and
// applies the form's rule /^.{0,255}$/ plus "required": PCRE's '.' matches
// any byte but a newline, and without /u the count is in bytes.
func ValidateReason(reason string) (string, error) {
	r := strings.TrimSpace(reason)
	switch {
	case r == "":
		return "", fmt.Errorf("%w: --reason is required (it is stored in the wiki's log)", ErrInvalidReason)
	case strings.ContainsRune(r, '\n'):
		return "", fmt.Errorf("%w: the reason must be one line (the wiki's form rejects newlines)", ErrInvalidReason)
	case len(r) > MaxReasonBytes:
		return "", fmt.Errorf("%w: the reason is %d bytes; the wiki's form allows at most %d", ErrInvalidReason, len(r), MaxReasonBytes)
	case !utf8.ValidString(r):
		return "", fmt.Errorf("%w: the reason is not valid UTF-8", ErrInvalidReason)
	}
	return r, nil
}

// CommentHash is CommentStore::hash: crc32(text) XOR crc32(data ?? ""),
// as a signed 32-bit integer. crc32("") is 0, so with no data it is the
// signed crc32 of the text.
func CommentHash(text string) int32 {
	return int32(crc32.ChecksumIEEE([]byte(text)) ^ crc32.ChecksumIEEE(nil))
}

// LogParams is LogEntryBase::makeParamBlob for makeLogEntry's parameters:
// PHP serialize(['4:consumer' => key]). String lengths are in bytes.
func LogParams(key string) string {
	return fmt.Sprintf(`a:1:{s:10:"4:consumer";s:%d:"%s";}`, len(key), key)
}

// Request describes one consumer action. PlanAction validates and trims
// the reason.
type Request struct {
	Action       Action
	Suppress     bool // disable/reject: set oarc_deleted = 1
	Reason       string
	Performer    string // --as
	RevokeTokens bool   // disable only
	Now          time.Time
}

// Plan is what an action will do, computed before anything is written (the
// preview) and checked again inside the transaction.
type Plan struct {
	Consumer    *Consumer         `json:"-"`
	Action      Action            `json:"action"`
	FromStage   int               `json:"-"`
	FromDeleted bool              `json:"-"`
	ToStage     int               `json:"-"`
	ToDeleted   bool              `json:"-"`
	NoChange    bool              `json:"no_change"`
	Performer   *Performer        `json:"performer"`
	Comment     string            `json:"reason"`
	Timestamp   string            `json:"timestamp"`
	LogTitle    string            `json:"log_title"`
	LogParams   string            `json:"log_params"`
	Acceptances []AcceptanceCount `json:"acceptances"`
	Tokens      TokenSummary      `json:"tokens"`
	Revoke      bool              `json:"revoke_tokens"`
}

// Transition applies the form's state rules. It returns the new state,
// whether the consumer is already there, or why the wiki would refuse.
func Transition(action Action, stage int, deleted, suppress bool) (toStage int, toDeleted, noChange bool, refusal string) {
	if stage == StageConfigurationBased {
		return stage, deleted, false, "the consumer is configuration-based ($wgOAuthStaticApps): its row is a shadow and editing it has no effect (mwoauthmanageconsumers-error-configuration-based)"
	}
	switch action {
	case ActionDisable:
		switch {
		case stage == StageApproved:
			return StageDisabled, suppress, false, ""
		case stage == StageDisabled && deleted == suppress:
			return stage, deleted, true, ""
		case stage == StageDisabled:
			return StageDisabled, suppress, false, ""
		}
		return stage, deleted, false, fmt.Sprintf("the consumer is %s, not approved: only approved consumers can be disabled (mwoauth-consumer-not-approved)", StageName(stage))
	case ActionReenable:
		switch {
		case stage == StageDisabled:
			return StageApproved, false, false, ""
		case stage == StageApproved && !deleted:
			return stage, deleted, true, ""
		}
		return stage, deleted, false, fmt.Sprintf("the consumer is %s, not disabled: only disabled consumers can be re-enabled (mwoauth-consumer-not-disabled)", StageName(stage))
	case ActionReject:
		switch {
		case stage == StageProposed:
			return StageRejected, suppress, false, ""
		case stage == StageRejected && deleted == suppress:
			return stage, deleted, true, ""
		}
		return stage, deleted, false, fmt.Sprintf("the consumer is %s, not proposed: only proposed consumers can be rejected (mwoauth-consumer-not-proposed)", StageName(stage))
	}
	return stage, deleted, false, fmt.Sprintf("unknown action %q", action)
}

// PerformerNotFoundError is an unknown --as user.
type PerformerNotFoundError struct{ Name string }

func (e *PerformerNotFoundError) Error() string {
	return fmt.Sprintf("no user %q on this wiki (--as names the admin the log entry is written under)", e.Name)
}
func (e *PerformerNotFoundError) Unwrap() error { return ErrNotFound }

// PlanAction computes the preview. Refused transitions are *RefusedError;
// an unknown performer is *PerformerNotFoundError.
func (s *Store) PlanAction(ctx context.Context, c *Consumer, req Request) (*Plan, error) {
	reason, err := ValidateReason(req.Reason)
	if err != nil {
		return nil, err
	}
	p := &Plan{Consumer: c, Action: req.Action, FromStage: c.Stage, FromDeleted: c.Deleted,
		Comment: reason, Timestamp: FormatTimestamp(req.Now), LogParams: LogParams(c.Key)}
	if req.RevokeTokens && req.Action != ActionDisable {
		return nil, &RefusedError{Msg: "--revoke-tokens goes with disable only"}
	}
	p.Revoke = req.RevokeTokens
	var refusal string
	p.ToStage, p.ToDeleted, p.NoChange, refusal = Transition(req.Action, c.Stage, c.Deleted, req.Suppress)
	if refusal != "" {
		return p, &RefusedError{Msg: fmt.Sprintf("%s: %s", c.Key, refusal)}
	}
	if strings.TrimSpace(req.Performer) == "" {
		return p, &PerformerNotFoundError{Name: req.Performer}
	}
	perf, err := s.FindPerformer(ctx, req.Performer)
	if errors.Is(err, ErrNotFound) {
		return p, &PerformerNotFoundError{Name: req.Performer}
	}
	if err != nil {
		return p, err
	}
	p.Performer = perf
	owner, err := s.OwnerName(ctx, c.OwnerID)
	if errors.Is(err, ErrNotFound) {
		where := "user, actor"
		if s.central != nil {
			where = "CentralAuth globaluser"
		}
		return p, &RefusedError{Msg: fmt.Sprintf("%s: cannot name the owner (central user id %d is not in %s); the log entry's title would be wrong, so nothing is written (use --centralauth-db on a CentralAuth farm)", c.Key, c.OwnerID, where)}
	}
	if err != nil {
		return p, err
	}
	c.OwnerName = owner
	p.LogTitle = strings.ReplaceAll(owner, " ", "_")
	if p.Acceptances, err = s.AcceptancesByWiki(ctx, c.ID); err != nil {
		return p, err
	}
	if p.Tokens, err = s.TokenSummary(ctx, c.ID, req.Now); err != nil {
		return p, err
	}
	return p, nil
}

// Result is what Apply wrote.
type Result struct {
	Changed       bool  `json:"changed"`
	LogID         int64 `json:"log_id,omitempty"`
	CommentID     int64 `json:"comment_id,omitempty"`
	CommentReused bool  `json:"comment_reused,omitempty"`
	ActorCreated  bool  `json:"actor_created,omitempty"`
	ActorID       int64 `json:"actor_id,omitempty"`
	LogPage       int64 `json:"log_page"`
	RevokedTokens int64 `json:"revoked_tokens"`
}

// Statement is one SQL statement with its arguments (dry runs print them).
type Statement struct {
	SQL  string
	Args []any
}

// Ref stands for an id produced by an earlier statement in a dry run.
type Ref string

// executor runs the writes of an action: for real inside a transaction, or
// recorded for --dry-run.
type executor interface {
	exec(ctx context.Context, name, query string, args ...any) (lastID, affected int64, err error)
	reader() querier
	lockRow(ctx context.Context, query string, args ...any) *sql.Row
}

type txExec struct {
	tx  *sql.Tx
	ids map[Ref]int64
}

func (e *txExec) exec(ctx context.Context, name, query string, args ...any) (int64, int64, error) {
	for i, a := range args {
		if r, ok := a.(Ref); ok {
			args[i] = e.ids[r]
		}
	}
	res, err := e.tx.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, 0, err
	}
	id, _ := res.LastInsertId()
	n, _ := res.RowsAffected()
	if name != "" {
		e.ids[Ref(name)] = id
	}
	return id, n, nil
}
func (e *txExec) reader() querier { return e.tx }
func (e *txExec) lockRow(ctx context.Context, query string, args ...any) *sql.Row {
	return e.tx.QueryRowContext(ctx, query, args...)
}

type dryExec struct {
	db    *sql.DB
	stmts []Statement
	lock  string
}

func (e *dryExec) exec(_ context.Context, name, query string, args ...any) (int64, int64, error) {
	e.stmts = append(e.stmts, Statement{SQL: query, Args: args})
	return 0, 0, nil
}
func (e *dryExec) reader() querier { return e.db }
func (e *dryExec) lockRow(ctx context.Context, query string, args ...any) *sql.Row {
	e.stmts = append(e.stmts, Statement{SQL: query, Args: args})
	return e.db.QueryRowContext(ctx, strings.TrimSuffix(query, e.lock), args...)
}

// Apply performs the plan in one transaction: the consumer row is locked and
// must still be as previewed (stage, suppression and stage timestamp), or
// nothing is written and a *RefusedError says it changed.
func (s *Store) Apply(ctx context.Context, p *Plan) (*Result, error) {
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin transaction: %s", oneLine(err))
	}
	defer tx.Rollback() //nolint:errcheck // after Commit this is a no-op
	res, err := s.run(ctx, p, &txExec{tx: tx, ids: map[Ref]int64{}})
	if err != nil {
		return nil, err
	}
	if err := s.hook(ctx, "before-commit", tx); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit: %s", oneLine(err))
	}
	return res, nil
}

// DryRun returns the statements Apply would run, without writing.
func (s *Store) DryRun(ctx context.Context, p *Plan) ([]Statement, error) {
	ex := &dryExec{db: s.DB, lock: s.forUpdate()}
	ex.stmts = append(ex.stmts, Statement{SQL: s.beginSQL()})
	if _, err := s.run(ctx, p, ex); err != nil {
		return nil, err
	}
	ex.stmts = append(ex.stmts, Statement{SQL: "COMMIT"})
	return ex.stmts, nil
}

func (s *Store) beginSQL() string {
	if s.Dialect == SQLite {
		return "BEGIN IMMEDIATE"
	}
	return "START TRANSACTION"
}

func (s *Store) forUpdate() string {
	if s.Dialect == MySQL {
		return " FOR UPDATE"
	}
	return "" // BEGIN IMMEDIATE already holds the write lock
}

func (s *Store) hook(ctx context.Context, step string, q querier) error {
	if s.testHook != nil {
		return s.testHook(ctx, step, q)
	}
	return nil
}

func (s *Store) run(ctx context.Context, p *Plan, ex executor) (*Result, error) {
	c := p.Consumer
	res := &Result{}
	wrap := func(what string, err error) error { return fmt.Errorf("%s: %s", what, oneLine(err)) }

	// 1. Lock the row and compare with the preview.
	var stage, deleted int
	var stageTS []byte
	err := ex.lockRow(ctx, "SELECT oarc_stage, oarc_stage_timestamp, oarc_deleted FROM "+s.T("oauth_registered_consumer")+
		" WHERE oarc_id = ?"+s.forUpdate(), c.ID).Scan(&stage, &stageTS, &deleted)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &RefusedError{Msg: fmt.Sprintf("%s: changed since preview: the consumer row is gone; nothing written", c.Key)}
	}
	if err != nil {
		return nil, wrap("lock consumer", err)
	}
	if stage != p.FromStage || (deleted != 0) != p.FromDeleted || string(stageTS) != c.StageTimestamp {
		return nil, &RefusedError{Msg: fmt.Sprintf("%s: changed since preview (now %s%s, stage timestamp %s); nothing written — look again and retry",
			c.Key, StageName(stage), suppressedWord(deleted != 0), string(stageTS))}
	}
	if err := s.hook(ctx, "locked", ex.reader()); err != nil {
		return nil, err
	}

	if !p.NoChange {
		// 2. The consumer row: only these three columns change.
		_, _, err = ex.exec(ctx, "", "UPDATE "+s.T("oauth_registered_consumer")+
			" SET oarc_stage = ?, oarc_stage_timestamp = ?, oarc_deleted = ? WHERE oarc_id = ?",
			p.ToStage, p.Timestamp, boolInt(p.ToDeleted), c.ID)
		if err != nil {
			return nil, wrap("update consumer", err)
		}
		res.Changed = true
		if err := s.hook(ctx, "updated", ex.reader()); err != nil {
			return nil, err
		}

		// 3. The performer's actor (ActorStore::acquireActorId).
		var actor any
		perf, err := s.findPerformer(ctx, ex.reader(), p.Performer.Name)
		if err != nil {
			if errors.Is(err, ErrNotFound) {
				return nil, &RefusedError{Msg: fmt.Sprintf("performer %q vanished since preview; nothing written", p.Performer.Name)}
			}
			return nil, err
		}
		if perf.ActorID != 0 {
			actor, res.ActorID = perf.ActorID, perf.ActorID
		} else {
			id, _, err := ex.exec(ctx, "actor_id", "INSERT INTO "+s.T("actor")+" (actor_user, actor_name) VALUES (?, ?)", perf.UserID, perf.Name)
			if err != nil {
				return nil, wrap("create actor", err)
			}
			actor, res.ActorID, res.ActorCreated = Ref("actor_id"), id, true
		}

		// 4. The comment, reused when the same text exists (CommentStore).
		var comment any
		hash := CommentHash(p.Comment)
		var cid int64
		err = ex.reader().QueryRowContext(ctx, "SELECT comment_id FROM "+s.T("comment")+
			" WHERE comment_hash = ? AND comment_text = ? AND comment_data IS NULL ORDER BY comment_id LIMIT 1", hash, p.Comment).Scan(&cid)
		switch {
		case err == nil:
			comment, res.CommentID, res.CommentReused = cid, cid, true
		case errors.Is(err, sql.ErrNoRows):
			id, _, err := ex.exec(ctx, "comment_id", "INSERT INTO "+s.T("comment")+" (comment_hash, comment_text, comment_data) VALUES (?, ?, NULL)", hash, p.Comment)
			if err != nil {
				return nil, wrap("insert comment", err)
			}
			comment, res.CommentID = Ref("comment_id"), id
		default:
			return nil, wrap("look up comment", err)
		}
		if err := s.hook(ctx, "comment", ex.reader()); err != nil {
			return nil, err
		}

		// 5. log_page: the owner's user page, 0 when it does not exist.
		if s.hasPage {
			err := ex.reader().QueryRowContext(ctx, "SELECT page_id FROM "+s.T("page")+" WHERE page_namespace = 2 AND page_title = ?", p.LogTitle).Scan(&res.LogPage)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return nil, wrap("look up user page", err)
			}
		}

		// 6. The log entry (ManualLogEntry::insert) and its relation.
		id, _, err := ex.exec(ctx, "log_id", "INSERT INTO "+s.T("logging")+
			" (log_type, log_action, log_timestamp, log_actor, log_namespace, log_title, log_page, log_comment_id, log_params, log_deleted)"+
			" VALUES ('mwoauthconsumer', ?, ?, ?, 2, ?, ?, ?, ?, 0)",
			string(p.Action), p.Timestamp, actor, p.LogTitle, res.LogPage, comment, p.LogParams)
		if err != nil {
			return nil, wrap("insert log entry", err)
		}
		res.LogID = id
		if err := s.hook(ctx, "logged", ex.reader()); err != nil {
			return nil, err
		}
		if _, _, err := ex.exec(ctx, "", "INSERT INTO "+s.T("log_search")+" (ls_field, ls_value, ls_log_id) VALUES ('OAuthConsumer', ?, ?)",
			c.Key, Ref("log_id")); err != nil {
			return nil, wrap("insert log_search", err)
		}
	}

	// 7. Optional: revoke the tokens attributable to the consumer.
	if p.Revoke {
		_, n, err := ex.exec(ctx, "", "UPDATE "+s.T("oauth2_access_tokens")+" SET oaat_revoked = 1 WHERE oaat_revoked = 0"+
			" AND (oaat_expires = 'infinity' OR oaat_expires > ?) AND oaat_acceptance_id IN (SELECT oaac_id FROM "+
			s.T("oauth_accepted_consumer")+" WHERE oaac_consumer_id = ?)", p.Timestamp, c.ID)
		if err != nil {
			return nil, wrap("revoke tokens", err)
		}
		res.RevokedTokens = n
	}
	return res, nil
}

func suppressedWord(b bool) string {
	if b {
		return ", suppressed"
	}
	return ""
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// FormatSQL renders a statement with its values inlined, for --dry-run.
// Refs print as @name (the id the earlier INSERT produced).
func (s *Store) FormatSQL(st Statement) string {
	var b strings.Builder
	args := st.Args
	for _, r := range st.SQL {
		if r == '?' && len(args) > 0 {
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
	case Ref:
		return "@" + string(x)
	case string:
		q := strings.ReplaceAll(x, "'", "''")
		if s.Dialect == MySQL {
			q = strings.ReplaceAll(strings.ReplaceAll(x, `\`, `\\`), "'", `\'`)
		}
		return "'" + q + "'"
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
