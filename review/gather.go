package review

import (
	"context"
	"errors"
	"fmt"

	"github.com/mwoauth/mwoauth/mediawiki"
)

// Source is what review reads from a wiki. *db.Store satisfies it.
type Source interface {
	// ForEachConsumer calls fn for every consumer (every stage,
	// suppressed ones too) in oarc_id order, streaming.
	ForEachConsumer(ctx context.Context, fn func(*mediawiki.Consumer) error) error
	// UserByCentralID reads a central user; mediawiki.ErrNotFound when
	// there is none.
	UserByCentralID(ctx context.Context, id int64) (*mediawiki.UserState, error)
	// ConsumerActivity reads the acceptances and attributable token rows
	// of the consumers ids (a consumer without any is absent from the map).
	ConsumerActivity(ctx context.Context, ids []int64) (map[int64]mediawiki.ConsumerActivity, error)
}

// table is one pass over the consumer table: the consumers judged, kept
// whole, and every consumer reduced to Known, for owners' histories and
// similar names. Memory is the judged rows plus a few dozen bytes per other
// row.
type table struct {
	targets []*mediawiki.Consumer
	all     []Known
	byOwner map[int64][]int // indexes into all
}

func readTable(ctx context.Context, src Source, stage int) (*table, error) {
	t := &table{byOwner: map[int64][]int{}}
	err := src.ForEachConsumer(ctx, func(c *mediawiki.Consumer) error {
		if c.Stage == stage {
			t.targets = append(t.targets, c)
		}
		k := KnownOf(c)
		t.byOwner[c.OwnerID] = append(t.byOwner[c.OwnerID], len(t.all))
		t.all = append(t.all, k)
		return nil
	})
	return t, err
}

// owners reads each distinct owner of the targets once.
func (t *table) owners(ctx context.Context, src Source) (map[int64]*mediawiki.UserState, error) {
	out := map[int64]*mediawiki.UserState{}
	for _, c := range t.targets {
		if _, done := out[c.OwnerID]; done {
			continue
		}
		u, err := src.UserByCentralID(ctx, c.OwnerID)
		switch {
		case errors.Is(err, mediawiki.ErrNotFound):
			u = nil
		case err != nil:
			return nil, fmt.Errorf("read owner %d: %w", c.OwnerID, err)
		}
		out[c.OwnerID] = u
	}
	return out, nil
}

func (t *table) ownerOf(c *mediawiki.Consumer, users map[int64]*mediawiki.UserState) Owner {
	o := Owner{State: users[c.OwnerID], Others: []Known{}}
	for _, i := range t.byOwner[c.OwnerID] {
		if t.all[i].ID != c.ID {
			o.Others = append(o.Others, t.all[i])
		}
	}
	return o
}

// Queue judges the proposal queue: every consumer in stage proposed (those
// past auto-expiry included, marked AutoExpired), ranked (Rank).
func Queue(ctx context.Context, src Source, p Policy) ([]Assessment, error) {
	t, err := readTable(ctx, src, mediawiki.StageProposed)
	if err != nil {
		return nil, err
	}
	users, err := t.owners(ctx, src)
	if err != nil {
		return nil, err
	}
	out := make([]Assessment, 0, len(t.targets))
	for _, c := range t.targets {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out = append(out, Proposal(p, c, t.ownerOf(c, users), FindSimilar(c.Name, c.ID, c.OwnerID, t.all)))
	}
	Rank(out)
	return out, nil
}

// Audit judges every approved consumer, ranked (Rank). Activity is read
// only when p.Dormant is set.
func Audit(ctx context.Context, src Source, p Policy) ([]Assessment, error) {
	t, err := readTable(ctx, src, mediawiki.StageApproved)
	if err != nil {
		return nil, err
	}
	users, err := t.owners(ctx, src)
	if err != nil {
		return nil, err
	}
	var acts map[int64]mediawiki.ConsumerActivity
	if p.Dormant > 0 {
		ids := make([]int64, len(t.targets))
		for i, c := range t.targets {
			ids[i] = c.ID
		}
		if acts, err = src.ConsumerActivity(ctx, ids); err != nil {
			return nil, err
		}
	}
	out := make([]Assessment, 0, len(t.targets))
	for _, c := range t.targets {
		var act *mediawiki.ConsumerActivity
		if acts != nil {
			a := acts[c.ID]
			act = &a
		}
		out = append(out, Approved(p, c, t.ownerOf(c, users), act))
	}
	Rank(out)
	return out, nil
}
