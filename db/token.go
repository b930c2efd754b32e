package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mwoauth/mwoauth/mediawiki"
)

// AccessToken is one oauth2_access_tokens row (mediawiki's type).
type AccessToken = mediawiki.AccessToken

// AccessTokenByJTI loads the row MediaWiki's isAccessTokenRevoked reads.
func (s *Store) AccessTokenByJTI(ctx context.Context, jti string) (*AccessToken, error) {
	var t AccessToken
	var ident, exp []byte
	var revoked int64
	err := s.db.QueryRowContext(ctx, "SELECT oaat_id, oaat_identifier, oaat_expires, oaat_acceptance_id, oaat_revoked FROM "+
		s.T("oauth2_access_tokens")+" WHERE oaat_identifier = ?", jti).Scan(&t.ID, &ident, &exp, &t.AcceptanceID, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read access token: %s", oneLine(err))
	}
	t.Identifier, t.Expires, t.Revoked = string(ident), string(exp), revoked != 0
	return &t, nil
}

// Acceptance is one oauth_accepted_consumer row (mediawiki's type).
type Acceptance = mediawiki.Acceptance

// AcceptanceByID loads an acceptance (oaat_acceptance_id → oaac_id).
func (s *Store) AcceptanceByID(ctx context.Context, id int64) (*Acceptance, error) {
	var a Acceptance
	var wiki, grants, accepted []byte
	err := s.db.QueryRowContext(ctx, "SELECT oaac_id, oaac_wiki, oaac_user_id, oaac_consumer_id, oaac_grants, oaac_accepted, oaac_oauth_version FROM "+
		s.T("oauth_accepted_consumer")+" WHERE oaac_id = ?", id).Scan(&a.ID, &wiki, &a.UserID, &a.ConsumerID, &grants, &accepted, &a.OAuthVersion)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read acceptance: %s", oneLine(err))
	}
	a.Wiki, a.Accepted = string(wiki), string(accepted)
	a.Grants, _, _ = decodeGrants(string(grants))
	if a.Grants == nil {
		a.Grants = []string{}
	}
	if n, err := s.ownerName(ctx, a.UserID); err == nil {
		a.UserName = n
	}
	return &a, nil
}

// TokenSummary counts a consumer's attributable access tokens: those whose
// acceptance belongs to the consumer. Client-credentials tokens of normal
// clients carry acceptance id 0 and cannot be attributed from the database.
type TokenSummary struct {
	Live    int `json:"live"`
	Revoked int `json:"revoked"`
	Expired int `json:"expired"`
	// LatestExpiry is the latest exp among live tokens ("infinity", a TS_MW
	// value, or "" when none are live).
	LatestExpiry string `json:"latest_live_expiry,omitempty"`
}

// TokenSummary classifies the consumer's tokens at now.
func (s *Store) TokenSummary(ctx context.Context, consumerID int64, now time.Time) (TokenSummary, error) {
	return s.tokenSummary(ctx, s.db, consumerID, now)
}

func (s *Store) tokenSummary(ctx context.Context, q querier, consumerID int64, now time.Time) (TokenSummary, error) {
	var ts TokenSummary
	rows, err := q.QueryContext(ctx, "SELECT t.oaat_expires, t.oaat_revoked FROM "+s.T("oauth2_access_tokens")+" t JOIN "+
		s.T("oauth_accepted_consumer")+" a ON a.oaac_id = t.oaat_acceptance_id WHERE a.oaac_consumer_id = ?", consumerID)
	if err != nil {
		return ts, fmt.Errorf("read access tokens: %s", oneLine(err))
	}
	defer rows.Close()
	for rows.Next() {
		var exp []byte
		var revoked int64
		if err := rows.Scan(&exp, &revoked); err != nil {
			return ts, err
		}
		t := AccessToken{Expires: string(exp), Revoked: revoked != 0}
		switch {
		case t.Revoked:
			ts.Revoked++
		case t.Live(now):
			ts.Live++
			if ts.LatestExpiry != "infinity" && (t.Expires == "infinity" || t.Expires > ts.LatestExpiry) {
				ts.LatestExpiry = t.Expires
			}
		default:
			ts.Expired++
		}
	}
	return ts, rows.Err()
}

// AcceptanceCount is the number of acceptances of a consumer on one wiki.
type AcceptanceCount struct {
	Wiki  string `json:"wiki"`
	Count int    `json:"count"`
}

// AcceptancesByWiki counts the consumer's acceptances per oaac_wiki.
func (s *Store) AcceptancesByWiki(ctx context.Context, consumerID int64) ([]AcceptanceCount, error) {
	return s.acceptancesByWiki(ctx, s.db, consumerID)
}

func (s *Store) acceptancesByWiki(ctx context.Context, q querier, consumerID int64) ([]AcceptanceCount, error) {
	rows, err := q.QueryContext(ctx, "SELECT oaac_wiki, COUNT(*) FROM "+s.T("oauth_accepted_consumer")+
		" WHERE oaac_consumer_id = ? GROUP BY oaac_wiki ORDER BY oaac_wiki", consumerID)
	if err != nil {
		return nil, fmt.Errorf("read acceptances: %s", oneLine(err))
	}
	defer rows.Close()
	out := []AcceptanceCount{}
	for rows.Next() {
		var wiki []byte
		var n int
		if err := rows.Scan(&wiki, &n); err != nil {
			return nil, err
		}
		out = append(out, AcceptanceCount{Wiki: string(wiki), Count: n})
	}
	return out, rows.Err()
}
