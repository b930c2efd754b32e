package db

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// RenouncePlan is what revoking one user's authorization of a consumer
// deletes, as Special:OAuthManageMyGrants' renounce does
// (ConsumerAcceptanceSubmitControl): the acceptance rows and, for an OAuth 2
// consumer, every access-token row of those acceptances. MediaWiki writes no
// log entry for it (only a PSR-3 line), so neither does this.
type RenouncePlan struct {
	Consumer    *Consumer
	UserID      int64  // central id
	UserName    string // as found
	Wiki        string // "" = every wiki
	Acceptances []Acceptance
	TokenRows   int // attributable token rows now (OAuth 2 only)
}

// UserNotFoundError is an unknown user.
type UserNotFoundError struct{ Name string }

func (e *UserNotFoundError) Error() string { return fmt.Sprintf("no user %q on this wiki", e.Name) }
func (e *UserNotFoundError) Unwrap() error { return ErrNotFound }

// PlanRenounce finds the user's acceptances of c (on wiki, or all of them).
// No acceptance is a *RefusedError: there is nothing to revoke.
func (s *Store) PlanRenounce(ctx context.Context, c *Consumer, user, wiki string) (*RenouncePlan, error) {
	id, name, err := s.UserIDByName(ctx, user)
	if errors.Is(err, ErrNotFound) {
		return nil, &UserNotFoundError{Name: user}
	}
	if err != nil {
		return nil, err
	}
	p := &RenouncePlan{Consumer: c, UserID: id, UserName: name, Wiki: wiki}
	q := "SELECT oaac_id FROM " + s.T("oauth_accepted_consumer") + " WHERE oaac_consumer_id = ? AND oaac_user_id = ?"
	args := []any{c.ID, id}
	if wiki != "" {
		q += " AND oaac_wiki = ?"
		args = append(args, wiki)
	}
	rows, err := s.db.QueryContext(ctx, q+" ORDER BY oaac_id", args...)
	if err != nil {
		return nil, fmt.Errorf("read acceptances: %s", oneLine(err))
	}
	var ids []int64
	for rows.Next() {
		var aid int64
		if err := rows.Scan(&aid); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, aid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, aid := range ids {
		a, err := s.AcceptanceByID(ctx, aid)
		if err != nil {
			return nil, err
		}
		p.Acceptances = append(p.Acceptances, *a)
	}
	if len(ids) == 0 {
		where := "on any wiki"
		if wiki != "" {
			where = "on " + wiki
		}
		return p, &RefusedError{Msg: fmt.Sprintf("%s has not authorized %s %s: nothing to revoke", name, c.Key, where)}
	}
	if c.OAuthVersion == 2 {
		if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+s.T("oauth2_access_tokens")+" WHERE oaat_acceptance_id IN ("+
			placeholders(len(ids))+")", int64sAny(ids)...).Scan(&p.TokenRows); err != nil {
			return nil, fmt.Errorf("count tokens: %s", oneLine(err))
		}
	}
	return p, nil
}

func (p *RenouncePlan) acceptanceIDs() []any {
	out := make([]any, len(p.Acceptances))
	for i, a := range p.Acceptances {
		out[i] = a.ID
	}
	return out
}

func int64sAny(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// renounceScript: lock the acceptances as previewed, delete their tokens
// (OAuth 2), then the acceptances; every write gated on the lock finding
// all of them.
func (s *Store) renounceScript(p *RenouncePlan) *script {
	b := &script{s: s, gated: true}
	ids := p.acceptanceIDs()
	in := "(" + placeholders(len(ids)) + ")"
	accs := s.T("oauth_accepted_consumer")
	if s.Dialect == SQLite {
		b.add("", "CREATE TEMP TABLE IF NOT EXISTS mwoauth_vars (k TEXT PRIMARY KEY, v) WITHOUT ROWID")
	}
	guard := "FROM " + accs + " WHERE oaac_id IN " + in + " AND oaac_consumer_id = ? AND oaac_user_id = ?"
	args := append(append([]any{}, ids...), p.Consumer.ID, p.UserID)
	if s.Dialect == MySQL {
		b.add("locked", "SELECT CASE WHEN COUNT(*) = "+fmt.Sprint(len(ids))+" THEN 1 ELSE 0 END INTO @mwoauth_ok "+guard+" FOR UPDATE", args...)
	} else {
		b.set("locked", "ok", "(SELECT CASE WHEN COUNT(*) = "+fmt.Sprint(len(ids))+" THEN 1 ELSE 0 END "+guard+")", args...)
	}
	if p.Consumer.OAuthVersion == 2 {
		s.revokeStatements(b, "a.oaac_id IN "+in, ids...)
	}
	b.add("deleted", "DELETE FROM "+accs+" WHERE oaac_id IN "+in+" AND "+b.gate(), ids...)
	return b
}

// RenounceResult is what ApplyRenounce deleted.
type RenounceResult struct {
	Acceptances   []Acceptance
	RevokedTokens []RevokedToken
}

// ApplyRenounce deletes, in one transaction on the OAuth database, the
// planned acceptances and their token rows. If any acceptance changed or
// vanished since the preview, nothing is deleted (*RefusedError).
func (s *Store) ApplyRenounce(ctx context.Context, p *RenouncePlan) (*RenounceResult, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin transaction: %s", oneLine(err))
	}
	defer tx.Rollback() //nolint:errcheck
	res := &Result{}
	b := s.renounceScript(p)
	for _, st := range b.stmts {
		if st.step == "locked" {
			if _, err := tx.ExecContext(ctx, st.SQL, st.Args...); err != nil {
				return nil, fmt.Errorf("lock acceptances: %s", oneLine(err))
			}
			ok, err := s.scriptVar(ctx, tx, "ok")
			if err != nil {
				return nil, err
			}
			if ok != 1 {
				return nil, &RefusedError{Msg: fmt.Sprintf("%s: the acceptances changed since the preview; nothing deleted — look again and retry", p.Consumer.Key)}
			}
			continue
		}
		one := &script{s: s, stmts: []statement{st}}
		if err := s.runScript(ctx, tx, one, p.Consumer.Key, res); err != nil {
			return nil, err
		}
	}
	if err := s.dropVars(ctx, tx); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit: %s", oneLine(err))
	}
	out := &RenounceResult{Acceptances: p.Acceptances, RevokedTokens: res.RevokedTokens}
	if out.RevokedTokens == nil {
		out.RevokedTokens = []RevokedToken{}
	}
	return out, nil
}

// DryRunRenounce is the script ApplyRenounce runs, values inlined.
func (s *Store) DryRunRenounce(p *RenouncePlan) []string {
	b := s.renounceScript(p)
	b.stmts = append(b.stmts, statement{SQL: strings.Replace(s.resultSelect(b), "the consumer changed", "the acceptances changed", 1)})
	b.finish()
	out := []string{s.beginSQL() + ";"}
	for _, st := range b.stmts {
		out = append(out, s.formatSQL(st))
	}
	return append(out, "COMMIT;")
}
