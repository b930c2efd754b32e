package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// TokenRow is the oauth2_access_tokens row MediaWiki writes when it issues
// an access token (AccessTokenRepository::persistNewAccessToken): the jti,
// the expiry as TS_MW, the acceptance the token runs under (0 for a
// client_credentials token of a normal client) and not revoked.
type TokenRow struct {
	JTI          string `json:"jti"`
	Expires      string `json:"expires"` // TS_MW
	AcceptanceID int64  `json:"acceptance_id"`
}

// Acceptances lists a user's acceptances of a consumer (every wiki), by id.
func (s *Store) Acceptances(ctx context.Context, consumerID, centralUserID int64) ([]Acceptance, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT oaac_id, oaac_wiki, oaac_user_id, oaac_consumer_id, oaac_grants, oaac_accepted, oaac_oauth_version FROM "+
		s.T("oauth_accepted_consumer")+" WHERE oaac_consumer_id = ? AND oaac_user_id = ? ORDER BY oaac_id", consumerID, centralUserID)
	if err != nil {
		return nil, fmt.Errorf("read acceptances: %s", oneLine(err))
	}
	defer rows.Close()
	var out []Acceptance
	for rows.Next() {
		var a Acceptance
		var wiki, grants, accepted []byte
		if err := rows.Scan(&a.ID, &wiki, &a.UserID, &a.ConsumerID, &grants, &accepted, &a.OAuthVersion); err != nil {
			return nil, fmt.Errorf("read acceptances: %s", oneLine(err))
		}
		a.Wiki, a.Accepted = string(wiki), string(accepted)
		if a.Grants, _, _ = decodeGrants(string(grants)); a.Grants == nil {
			a.Grants = []string{}
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// tokenRowInsert is the one statement of a token row, for InsertTokenRow
// and TokenRowSQL alike.
func (s *Store) tokenRowInsert(r TokenRow) statement {
	return statement{SQL: "INSERT INTO " + s.T("oauth2_access_tokens") +
		" (oaat_identifier, oaat_expires, oaat_acceptance_id, oaat_revoked) VALUES (?, ?, ?, 0)", Args: []any{r.JTI, r.Expires, r.AcceptanceID}}
}

// InsertTokenRow writes r in one transaction and returns its oaat_id. A jti
// that already has a row is refused (the identifier is unique; MediaWiki
// would retry with another), and nothing is written.
func (s *Store) InsertTokenRow(ctx context.Context, r TokenRow) (int64, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("write token row: %s", oneLine(err))
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	var n int64
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+s.T("oauth2_access_tokens")+" WHERE oaat_identifier = ?", r.JTI).Scan(&n); err != nil {
		return 0, fmt.Errorf("write token row: %s", oneLine(err))
	}
	if n > 0 {
		return 0, &RefusedError{Msg: fmt.Sprintf("oauth2_access_tokens already has a row for jti %s; nothing written", r.JTI)}
	}
	st := s.tokenRowInsert(r)
	res, err := tx.ExecContext(ctx, st.SQL, st.Args...)
	if err != nil {
		return 0, fmt.Errorf("write token row: %s", oneLine(err))
	}
	id, err := res.LastInsertId()
	if err != nil {
		err = tx.QueryRowContext(ctx, "SELECT oaat_id FROM "+s.T("oauth2_access_tokens")+" WHERE oaat_identifier = ?", r.JTI).Scan(&id)
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("write token row: %s", oneLine(err))
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("write token row: %s", oneLine(err))
	}
	return id, nil
}

// TokenRowSQL is InsertTokenRow as a script the mariadb or sqlite3 client
// runs as is.
func (s *Store) TokenRowSQL(r TokenRow) []string {
	return []string{s.beginSQL() + ";", s.formatSQL(s.tokenRowInsert(r)), "COMMIT;"}
}
