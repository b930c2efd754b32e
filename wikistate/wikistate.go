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
	UserByCentralID(ctx context.Context, id int64) (*mediawiki.UserState, error)
}

// Lookup reads the facts MediaWiki would read for t, in its order: the
// jti's token row, the acceptance it names (when not 0), the user of that
// acceptance, the user sub names (master's resource server looks it up),
// and the consumer behind aud. A row that does not exist is a nil field,
// not an error.
func Lookup(ctx context.Context, src Source, t *jwtutil.Token) (*mediawiki.WikiState, error) {
	ws := &mediawiki.WikiState{}
	if jti, ok := t.StringClaim("jti"); ok && jti != "" {
		row, err := src.AccessTokenByJTI(ctx, jti)
		if ws.TokenRow, err = found(row, err); err != nil {
			return nil, err
		}
	}
	if ws.TokenRow != nil && ws.TokenRow.AcceptanceID > 0 {
		a, err := src.AcceptanceByID(ctx, ws.TokenRow.AcceptanceID)
		if ws.Acceptance, err = found(a, err); err != nil {
			return nil, err
		}
	}
	if ws.Acceptance != nil && ws.Acceptance.UserID > 0 {
		u, err := src.UserByCentralID(ctx, ws.Acceptance.UserID)
		if ws.User, err = found(u, err); err != nil {
			return nil, err
		}
	}
	if id := mediawiki.ParseSubject(t.Claims["sub"], t.Has("sub")).CentralID; id != nil && *id > 0 {
		ws.SubjectID = *id
		if ws.User != nil && ws.User.CentralID == *id {
			ws.SubjectUser = ws.User
		} else {
			u, err := src.UserByCentralID(ctx, *id)
			if ws.SubjectUser, err = found(u, err); err != nil {
				return nil, err
			}
		}
	}
	if key := mediawiki.ConsumerKey(t); key != "" {
		c, err := src.ConsumerByKey(ctx, key)
		if ws.Consumer, err = found(c, err); err != nil {
			return nil, err
		}
	}
	return ws, nil
}

// found turns "no such row" into a nil row.
func found[T any](row *T, err error) (*T, error) {
	switch {
	case errors.Is(err, mediawiki.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, err
	}
	return row, nil
}
