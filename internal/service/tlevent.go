package service

import (
	"context"
	"errors"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/timeline"
)

// ExternalIDTaken is the code of an event whose external id another event
// of its thread (or customer) has.
const ExternalIDTaken = "external_id_already_exists"

// CreateThreadEvent records an event of a thread: the event and its
// timeline entry (which emits timeline.timeline_entry_changed) in one
// transaction. Needs threadEvent:create and threadEvent:read.
func (s *Service) CreateThreadEvent(ctx context.Context, threadID string, in timeline.EventInput) (timeline.Event, error) {
	p, err := principal(ctx, auth.ThreadEventCreate, auth.ThreadEventRead)
	if err != nil {
		return timeline.Event{}, err
	}
	now := s.clock.Now()
	// The customer is known once the thread is read: checked first without it.
	e, err := timeline.NewEvent(in, p.WorkspaceID, "", now, p.Actor)
	if err != nil {
		return timeline.Event{}, err
	}
	e.ID = core.NewID(core.PrefixThreadEvent)
	err = s.store.Update(ctx, func(tx store.Tx) error {
		th, err := tx.GetThread(ctx, p.WorkspaceID, threadID)
		if err != nil {
			return notFoundAs(err, "threadId", "Thread")
		}
		e.ThreadID, e.CustomerID = th.ID, th.CustomerID
		if err := s.createEvent(ctx, tx, e); err != nil {
			return err
		}
		_, err = s.newEntry(ctx, tx, th, e.ID, e.Payload(), e.CreatedBy, e.Timestamp, now)
		return err
	})
	return e, err
}

// CreateCustomerEvent records an event of a customer: the event, and its
// entry on each of the customer's timeline.MaxFanOut most recent threads
// (threads created later start with it), in one transaction. Needs
// customerEvent:create.
func (s *Service) CreateCustomerEvent(ctx context.Context, who customer.Identifier, in timeline.EventInput) (timeline.Event, error) {
	p, err := principal(ctx, auth.CustomerEventCreate)
	if err != nil {
		return timeline.Event{}, err
	}
	if err := who.Validate("customerIdentifier"); err != nil {
		return timeline.Event{}, core.InvalidField("customerIdentifier", "Exactly one of customerId, emailAddress or externalId must be set")
	}
	now := s.clock.Now()
	e, err := timeline.NewEvent(in, p.WorkspaceID, "", now, p.Actor)
	if err != nil {
		return timeline.Event{}, err
	}
	e.ID = core.NewID(core.PrefixCustomerEvent)
	err = s.store.Update(ctx, func(tx store.Tx) error {
		c, err := findCustomer(ctx, tx, p.WorkspaceID, who)
		if err != nil {
			return notFoundAs(err, who.Field("customerIdentifier"), "Customer")
		}
		e.CustomerID = c.ID
		if err := s.createEvent(ctx, tx, e); err != nil {
			return err
		}
		threads, err := fanOut(ctx, tx, p.WorkspaceID, c.ID)
		if err != nil {
			return err
		}
		for _, th := range threads {
			if _, err := s.newEntry(ctx, tx, th, e.ID, e.Payload(), e.CreatedBy, e.Timestamp, now); err != nil {
				return err
			}
		}
		return nil
	})
	return e, err
}

// createEvent stores e, refusing an external id its scope already has.
func (s *Service) createEvent(ctx context.Context, tx store.Tx, e timeline.Event) error {
	taken := core.Conflict(ExternalIDTaken, "externalId", "An event with this external id already exists.")
	if e.ExternalID != nil {
		_, err := tx.GetTimelineEventByExternalID(ctx, e.WorkspaceID, e.Scope(), *e.ExternalID)
		switch {
		case err == nil:
			return taken
		case !errors.Is(err, core.ErrNotFound):
			return err
		}
	}
	err := tx.CreateTimelineEvent(ctx, e)
	if errors.Is(err, core.ErrDuplicate) {
		return taken
	}
	return err
}
