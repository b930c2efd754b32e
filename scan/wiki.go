package scan

import (
	"context"
	"errors"
	"sync"

	"github.com/mwoauth/mwoauth/db"
	"github.com/mwoauth/mwoauth/jwtutil"
)

// DBWiki answers Wiki lookups from the wiki's database: one jti query per
// distinct token and one consumer query per distinct aud.
type DBWiki struct {
	Store *db.Store

	mu        sync.Mutex
	consumers map[string]*consumerLookup
}

type consumerLookup struct {
	once sync.Once
	c    *db.Consumer
	err  error
}

// NewDBWiki wraps an open store.
func NewDBWiki(st *db.Store) *DBWiki {
	return &DBWiki{Store: st, consumers: map[string]*consumerLookup{}}
}

// State reads the token's oauth2_access_tokens row and its consumer.
func (w *DBWiki) State(ctx context.Context, t *jwtutil.Token) (*jwtutil.WikiState, error) {
	ws := &jwtutil.WikiState{}
	if jti, ok := t.StringClaim("jti"); ok && jti != "" {
		row, err := w.Store.AccessTokenByJTI(ctx, jti)
		switch {
		case errors.Is(err, db.ErrNotFound):
		case err != nil:
			return nil, err
		default:
			ws.TokenRowFound, ws.Revoked, ws.StoredExpiry = true, row.Revoked, row.Expires
		}
	}
	aud := firstAudience(t)
	if aud == "" {
		return ws, nil
	}
	c, err := w.consumer(ctx, aud)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return ws, nil
	}
	var user int64
	if s := jwtutil.ParseSubject(t.Claims["sub"], t.Has("sub")); s.CentralID != nil {
		user = *s.CentralID
	}
	ws.ConsumerFound = true
	ws.ConsumerName, ws.ConsumerStage, ws.StageName = c.Name, c.Stage, c.StageName()
	ws.ConsumerUsable = c.UsableBy(user)
	ws.OAuthVersion, ws.OwnerOnly, ws.Deleted = c.OAuthVersion, c.OwnerOnly, c.Deleted
	return ws, nil
}

// consumer loads a consumer once per key; nil when there is none.
func (w *DBWiki) consumer(ctx context.Context, key string) (*db.Consumer, error) {
	w.mu.Lock()
	l := w.consumers[key]
	if l == nil {
		l = &consumerLookup{}
		w.consumers[key] = l
	}
	w.mu.Unlock()
	l.once.Do(func() {
		l.c, l.err = w.Store.ConsumerByKey(ctx, key)
		if errors.Is(l.err, db.ErrNotFound) {
			l.c, l.err = nil, nil
		}
	})
	return l.c, l.err
}

func firstAudience(t *jwtutil.Token) string {
	switch a := t.Claims["aud"].(type) {
	case string:
		return a
	case []any:
		if len(a) > 0 {
			s, _ := a[0].(string)
			return s
		}
	}
	return ""
}
