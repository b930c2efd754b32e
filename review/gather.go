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

// table is what one pass over the consumer table keeps: the consumers
// judged, whole, each owner's history (bounded per owner), and for the
// queue every name, for similar names.
type table struct {
	targets []*mediawiki.Consumer
	history map[int64]*OwnerHistory
	names   *nameIndex // nil when not needed
}

func readTable(ctx context.Context, src Source, keep func(*mediawiki.Consumer) bool, names bool) (*table, error) {
	t := &table{history: map[int64]*OwnerHistory{}}
	if names {
		t.names = newNameIndex()
	}
	err := src.ForEachConsumer(ctx, func(c *mediawiki.Consumer) error {
		if keep != nil && keep(c) {
			t.targets = append(t.targets, c)
		}
		k := KnownOf(c)
		h := t.history[c.OwnerID]
		if h == nil {
			h = &OwnerHistory{}
			t.history[c.OwnerID] = h
		}
		h.add(k)
		if t.names != nil {
			t.names.add(k)
		}
		return nil
	})
	return t, err
}

// owners reads each distinct owner of cs once into out (nil: a new map),
// which it returns.
func owners(ctx context.Context, src Source, cs []*mediawiki.Consumer, out map[int64]*mediawiki.UserState) (map[int64]*mediawiki.UserState, error) {
	if out == nil {
		out = map[int64]*mediawiki.UserState{}
	}
	for _, c := range cs {
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
	return Owner{State: users[c.OwnerID], History: t.history[c.OwnerID], Self: KnownOf(c)}
}

// Queue judges the proposal queue: every consumer in stage proposed (those
// past auto-expiry included, marked AutoExpired), ranked (Rank). Each
// proposal's name is compared with the names of similar length in the
// table.
func Queue(ctx context.Context, src Source, p Policy) ([]Assessment, error) {
	t, err := readTable(ctx, src, func(c *mediawiki.Consumer) bool { return c.Stage == mediawiki.StageProposed }, true)
	if err != nil {
		return nil, err
	}
	users, err := owners(ctx, src, t.targets, nil)
	if err != nil {
		return nil, err
	}
	out := make([]Assessment, 0, len(t.targets))
	for _, c := range t.targets {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out = append(out, Proposal(p, c, t.ownerOf(c, users), t.names.similar(c.Name, c.ID, c.OwnerID, maxSimilar)))
	}
	Rank(out)
	return out, nil
}

// auditBatch is how many approved consumers the audit judges at a time:
// their owners and activity are read together, and only the consumers
// with findings are kept.
const auditBatch = 1000

// maxCachedOwners bounds the owners the audit remembers across batches
// (a few hundred bytes each): an owner of consumers in many batches is
// read once, and a table of a million owners still fits.
const maxCachedOwners = 50_000

// Audit judges every approved consumer and returns those with findings,
// ranked (Rank), and how many were judged. The table is read twice: once
// for the owners' histories, then in batches of auditBatch, so memory
// holds one batch and the findings, not the table. Activity is read only
// when p.Dormant is set.
func Audit(ctx context.Context, src Source, p Policy) (found []Assessment, audited int, err error) {
	t, err := readTable(ctx, src, nil, false)
	if err != nil {
		return nil, 0, err
	}
	var batch []*mediawiki.Consumer
	var users map[int64]*mediawiki.UserState // owners read so far, up to maxCachedOwners
	judge := func() error {
		if len(users) > maxCachedOwners {
			users = nil
		}
		var err error
		if users, err = owners(ctx, src, batch, users); err != nil {
			return err
		}
		var acts map[int64]mediawiki.ConsumerActivity
		if p.Dormant > 0 {
			ids := make([]int64, len(batch))
			for i, c := range batch {
				ids[i] = c.ID
			}
			if acts, err = src.ConsumerActivity(ctx, ids); err != nil {
				return err
			}
		}
		for _, c := range batch {
			var act *mediawiki.ConsumerActivity
			if acts != nil {
				a := acts[c.ID]
				act = &a
			}
			if a := Approved(p, c, t.ownerOf(c, users), act); len(a.Reasons) > 0 {
				a.Consumer = reported(c)
				found = append(found, a)
			}
		}
		audited += len(batch)
		batch = batch[:0]
		return nil
	}
	err = src.ForEachConsumer(ctx, func(c *mediawiki.Consumer) error {
		if c.Stage != mediawiki.StageApproved {
			return nil
		}
		batch = append(batch, c)
		if len(batch) == auditBatch {
			return judge()
		}
		return nil
	})
	if err == nil && len(batch) > 0 {
		err = judge()
	}
	if err != nil {
		return nil, 0, err
	}
	Rank(found)
	return found, audited, nil
}

// reported is the part of an approved consumer the audit keeps for its
// report: the free text it does not show (description, contact email,
// raw restrictions, already judged) is dropped, so what a finding costs
// does not depend on what the row holds.
func reported(c *mediawiki.Consumer) *mediawiki.Consumer {
	r := *c
	r.Description, r.Email, r.Restrictions = "", "", nil
	return &r
}
