package service

import (
	"context"
	"encoding/json"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/timeline"
)

// What the web app needs beyond the API's use cases: bounded counts for
// its queue tabs, the announcements of changes for its live views, and a
// customer's own events.

// CountThreadsUpTo counts, in one snapshot, the threads each filter
// selects, each count stopping at limit (a tab shows "limit+" then).
// Needs thread:read.
func (s *Service) CountThreadsUpTo(ctx context.Context, fs []thread.Filter, limit int) ([]int, error) {
	p, err := principal(ctx, auth.ThreadRead)
	if err != nil {
		return nil, err
	}
	for _, f := range fs {
		if err := f.Check(); err != nil {
			return nil, err
		}
	}
	out := make([]int, len(fs))
	err = s.store.View(ctx, func(tx store.Tx) error {
		for i, f := range fs {
			f, err := resolveThreadFilter(ctx, tx, p.WorkspaceID, f)
			if err != nil {
				return err
			}
			if out[i], err = tx.CountThreadsUpTo(ctx, p.WorkspaceID, f, limit); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// Changes returns the announcements of every change committed from now on,
// on every replica (what changed, not the change), until ctx ends; nil
// when the store announces nothing. Delivery is best effort: a slow reader
// misses announcements. It is for transports (live views), which must
// show each workspace only its own changes.
func (s *Service) Changes(ctx context.Context) (<-chan event.Notice, error) {
	b, ok := s.store.(store.Broadcaster)
	if !ok {
		return nil, nil
	}
	raw, err := b.Subscribe(ctx, event.Topic)
	if err != nil {
		return nil, err
	}
	out := make(chan event.Notice, 64)
	go func() {
		defer close(out)
		for msg := range raw {
			var n event.Notice
			if json.Unmarshal([]byte(msg), &n) != nil {
				continue
			}
			select {
			case out <- n:
			default: // the reader fell behind: drop, as the store does
			}
		}
	}()
	return out, nil
}

// CustomerEvents returns up to limit events of a customer (customer
// events, not their threads'), latest first. Needs customer:read and
// timeline:read.
func (s *Service) CustomerEvents(ctx context.Context, customerID string, limit int) ([]timeline.Event, error) {
	p, err := principal(ctx, auth.CustomerRead, auth.TimelineRead)
	if err != nil {
		return nil, err
	}
	var out []timeline.Event
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		out, err = tx.CustomerEvents(ctx, p.WorkspaceID, customerID, limit)
		return err
	})
	return out, err
}
