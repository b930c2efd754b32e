// Package wikistate is the one reader of what the wiki's database says about
// a token: its oauth2_access_tokens row (by jti), the acceptance that row
// points to, the user who accepted, and the consumer (by aud). token verify,
// token decode and the log scanner all read it through Lookup, so they judge
// a token against the same facts.
//
// It depends on the Source interface, not on a database driver: *db.Store
// satisfies Source, and the log scanner links no SQL code.
package wikistate

import (
	"context"
	"errors"

	"github.com/mwoauth/mwoauth/jwtutil"
	"github.com/mwoauth/mwoauth/mediawiki"
)

// Source is where the wiki's rows come from. Every method returns
// mediawiki.ErrNotFound (wrapped or not) when the row does not exist.
type Source interface {
	AccessTokenByJTI(ctx context.Context, jti string) (*mediawiki.AccessToken, error)
	ConsumerByKey(ctx context.Context, key string) (*mediawiki.Consumer, error)
	AcceptanceByID(ctx context.Context, id int64) (*mediawiki.Acceptance, error)
}

// Lookup reads the facts MediaWiki would read for t.
func Lookup(ctx context.Context, src Source, t *jwtutil.Token) (*mediawiki.WikiState, error) {
	ws := &mediawiki.WikiState{}
	if jti, ok := t.StringClaim("jti"); ok && jti != "" {
		row, err := src.AccessTokenByJTI(ctx, jti)
		switch {
		case errors.Is(err, mediawiki.ErrNotFound):
		case err != nil:
			return nil, err
		default:
			ws.TokenRowFound, ws.Revoked, ws.StoredExpiry = true, row.Revoked, row.Expires
		}
	}
	key := mediawiki.ConsumerKey(t)
	if key == "" {
		return ws, nil
	}
	c, err := src.ConsumerByKey(ctx, key)
	switch {
	case errors.Is(err, mediawiki.ErrNotFound):
		return ws, nil
	case err != nil:
		return nil, err
	}
	var user int64 // anonymous: a client_credentials token of a normal client
	if s := mediawiki.ParseSubject(t.Claims["sub"], t.Has("sub")); s.CentralID != nil {
		user = *s.CentralID
	}
	ws.ConsumerFound, ws.ConsumerName, ws.ConsumerStage, ws.StageName = true, c.Name, c.Stage, c.StageName()
	ws.ConsumerUsable, ws.OAuthVersion, ws.OwnerOnly, ws.Deleted = c.UsableBy(user), c.OAuthVersion, c.OwnerOnly, c.Deleted
	return ws, nil
}
