package service

import (
	"context"
	"errors"
	"strings"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
)

// ThreadsByExternalID lists the threads of any customer with an external
// id, newest first. Needs thread:read.
func (s *Service) ThreadsByExternalID(ctx context.Context, externalID string, args core.PageArgs) (ThreadList, error) {
	return s.Threads(ctx, thread.Filter{ExternalIDs: []string{externalID}}, thread.DefaultSort, args, false)
}

// UpdateThreadTitle renames a thread. Needs thread:edit and thread:read.
func (s *Service) UpdateThreadTitle(ctx context.Context, threadID, title string) (thread.Thread, error) {
	p, err := principal(ctx, auth.ThreadEdit, auth.ThreadRead)
	if err != nil {
		return thread.Thread{}, err
	}
	var c core.Collector
	title = thread.CleanTitle(&c, "title", &title)
	if err := c.Err(); err != nil {
		return thread.Thread{}, err
	}
	return s.changeThread(ctx, p, threadID, event.ThreadTitleChanged,
		func(_ store.Tx, th thread.Thread, _ core.Time) (thread.Thread, threadEvent, error) {
			changed := th.Title != title
			th.Title = title
			return th, ifChanged(changed, func(c event.ThreadChange) event.Payload { return event.NewThreadTitleChanged(c) }), nil
		})
}

// cleanExternalID trims an external id and checks it is 1..500 characters;
// nil stays nil (none).
func cleanExternalID(id *string) (*string, error) {
	if id == nil {
		return nil, nil
	}
	v := strings.TrimSpace(*id)
	if v == "" || len(v) > 500 {
		return nil, core.InvalidField("externalId", "Must be 1 to 500 characters")
	}
	return &v, nil
}

// externalIDFree checks that customerID has no thread with externalID
// other than threadID; field names the input the conflict is reported on.
func externalIDFree(ctx context.Context, tx store.Tx, ws, customerID string, externalID *string, threadID, field string) error {
	if externalID == nil {
		return nil
	}
	other, err := tx.GetThreadByExternalID(ctx, ws, customerID, *externalID)
	switch {
	case errors.Is(err, core.ErrNotFound) || err == nil && other.ID == threadID:
		return nil
	case err != nil:
		return err
	}
	return core.InvalidField(field, "The customer already has a thread with this external id.")
}

// UpdateThreadExternalID sets (or, with nil, clears) a thread's external
// id, which must be unique among its customer's threads. Needs thread:edit
// and thread:read.
func (s *Service) UpdateThreadExternalID(ctx context.Context, threadID string, externalID *string) (thread.Thread, error) {
	p, err := principal(ctx, auth.ThreadEdit, auth.ThreadRead)
	if err != nil {
		return thread.Thread{}, err
	}
	if externalID, err = cleanExternalID(externalID); err != nil {
		return thread.Thread{}, err
	}
	return s.changeThread(ctx, p, threadID, event.ThreadExternalIDChanged,
		func(tx store.Tx, th thread.Thread, _ core.Time) (thread.Thread, threadEvent, error) {
			if err := externalIDFree(ctx, tx, p.WorkspaceID, th.CustomerID, externalID, th.ID, "externalId"); err != nil {
				return th, nil, err
			}
			changed := !core.Equal(th.ExternalID, externalID)
			th.ExternalID = externalID
			return th, ifChanged(changed, func(c event.ThreadChange) event.Payload { return event.NewThreadExternalIDChanged(c) }), nil
		})
}

// ChangeThreadCustomer moves a thread, with its timeline, to another
// customer of the workspace. A thread's external id must stay unique among
// its customer's threads. Needs thread:edit and thread:read.
func (s *Service) ChangeThreadCustomer(ctx context.Context, threadID, customerID string) (thread.Thread, error) {
	p, err := principal(ctx, auth.ThreadEdit, auth.ThreadRead)
	if err != nil {
		return thread.Thread{}, err
	}
	var out thread.Thread
	err = s.store.Update(ctx, func(tx store.Tx) error {
		cur, err := tx.LockThread(ctx, p.WorkspaceID, threadID)
		if err != nil {
			return notFoundAs(err, "threadId", "Thread")
		}
		out = cur
		cust, err := tx.GetCustomer(ctx, p.WorkspaceID, customerID)
		if err != nil {
			return notFoundAs(err, "customerId", "Customer")
		}
		if cust.ID == cur.CustomerID {
			return nil
		}
		if err := externalIDFree(ctx, tx, p.WorkspaceID, cust.ID, cur.ExternalID, cur.ID, "customerId"); err != nil {
			return err
		}
		parts, err := s.readParts(ctx, tx, cur)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		next := cur
		next.CustomerID = cust.ID
		next = next.Touch(now, p.Actor)
		if err := tx.SetThreadCustomer(ctx, p.WorkspaceID, cur.ID, cust.ID); err != nil {
			return err
		}
		if err := tx.UpdateThread(ctx, next); err != nil {
			return err
		}
		out = next
		before := event.NewThread(cur, parts)
		parts.Customer = cust
		c := event.ThreadChange{Thread: event.NewThread(next, parts), PreviousThread: before}
		return s.emit(ctx, tx, p.WorkspaceID, p.Actor, now, event.NewThreadCustomerChanged(c))
	})
	return out, err
}

// DeleteThread deletes a thread with its labels, field values and timeline;
// deletedThreads lists it from then on. Needs thread:delete.
func (s *Service) DeleteThread(ctx context.Context, threadID string) error {
	p, err := principal(ctx, auth.ThreadDelete)
	if err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx store.Tx) error {
		cur, err := tx.LockThread(ctx, p.WorkspaceID, threadID)
		if err != nil {
			return notFoundAs(err, "threadId", "Thread")
		}
		parts, err := s.readParts(ctx, tx, cur)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		if err := tx.DeleteThread(ctx, p.WorkspaceID, cur.ID, now, p.Actor); err != nil {
			return err
		}
		return s.emit(ctx, tx, p.WorkspaceID, p.Actor, now, event.NewThreadDeleted(event.NewThread(cur, parts)))
	})
}

// DeletedThreads lists the workspace's deleted threads, newest deletion
// first. Needs thread:read.
func (s *Service) DeletedThreads(ctx context.Context, f thread.DeletedFilter, args core.PageArgs) (core.Connection[thread.Deleted], error) {
	p, err := principal(ctx, auth.ThreadRead)
	if err != nil {
		return core.Connection[thread.Deleted]{}, err
	}
	page, err := args.Resolve(2)
	if err != nil {
		return core.Connection[thread.Deleted]{}, err
	}
	var rows []thread.Deleted
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		rows, err = tx.ListDeletedThreads(ctx, p.WorkspaceID, f, page)
		return err
	})
	if err != nil {
		return core.Connection[thread.Deleted]{}, err
	}
	return core.NewConnection(page, rows, thread.DeletedCursorOf), nil
}
