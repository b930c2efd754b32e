package wikistate

import (
	"context"
	"sync"

	"github.com/mwoauth/mwoauth/mediawiki"
)

// Cached wraps src so that each consumer, acceptance and user is read
// once, however many tokens name it: a log has thousands of tokens and a
// handful of consumers and users. Token rows are not cached (each distinct
// token is looked up once anyway). It is safe for concurrent use.
func Cached(src Source) Source {
	return &cached{Source: src, consumers: memo[string, mediawiki.Consumer]{m: map[string]*once[*mediawiki.Consumer]{}},
		acceptances: memo[int64, mediawiki.Acceptance]{m: map[int64]*once[*mediawiki.Acceptance]{}},
		users:       memo[int64, mediawiki.UserState]{m: map[int64]*once[*mediawiki.UserState]{}}}
}

type cached struct {
	Source
	consumers   memo[string, mediawiki.Consumer]
	acceptances memo[int64, mediawiki.Acceptance]
	users       memo[int64, mediawiki.UserState]
}

// memo remembers one lookup per key, errors included.
type memo[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]*once[*V]
}

func (m *memo[K, V]) get(k K, load func() (*V, error)) (*V, error) {
	m.mu.Lock()
	l := m.m[k]
	if l == nil {
		l = &once[*V]{}
		m.m[k] = l
	}
	m.mu.Unlock()
	l.once.Do(func() { l.v, l.err = load() })
	return l.v, l.err
}

type once[T any] struct {
	once sync.Once
	v    T
	err  error
}

func (c *cached) ConsumerByKey(ctx context.Context, key string) (*mediawiki.Consumer, error) {
	return c.consumers.get(key, func() (*mediawiki.Consumer, error) { return c.Source.ConsumerByKey(ctx, key) })
}

func (c *cached) AcceptanceByID(ctx context.Context, id int64) (*mediawiki.Acceptance, error) {
	return c.acceptances.get(id, func() (*mediawiki.Acceptance, error) { return c.Source.AcceptanceByID(ctx, id) })
}

func (c *cached) UserByCentralID(ctx context.Context, id int64) (*mediawiki.UserState, error) {
	return c.users.get(id, func() (*mediawiki.UserState, error) { return c.Source.UserByCentralID(ctx, id) })
}
