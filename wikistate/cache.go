package wikistate

import (
	"context"
	"sync"

	"github.com/mwoauth/mwoauth/mediawiki"
)

// Cached wraps src so that each consumer is read once, however many tokens
// name it: a log has thousands of tokens and a handful of consumers. Token
// rows are not cached (each distinct token is looked up once anyway). It is
// safe for concurrent use.
func Cached(src Source) Source {
	return &cached{Source: src, consumers: map[string]*once[*mediawiki.Consumer]{}}
}

type cached struct {
	Source
	mu        sync.Mutex
	consumers map[string]*once[*mediawiki.Consumer]
}

type once[T any] struct {
	once sync.Once
	v    T
	err  error
}

func (c *cached) ConsumerByKey(ctx context.Context, key string) (*mediawiki.Consumer, error) {
	c.mu.Lock()
	l := c.consumers[key]
	if l == nil {
		l = &once[*mediawiki.Consumer]{}
		c.consumers[key] = l
	}
	c.mu.Unlock()
	l.once.Do(func() { l.v, l.err = c.Source.ConsumerByKey(ctx, key) })
	return l.v, l.err
}
