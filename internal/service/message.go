package service

import (
	"context"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/timeline"
)

// applyMessage records a message on th at now: its message infos and
// preview (from the customer when inbound, to them otherwise), and the
// support address it went through (for an email; "" otherwise). As Plain's
// status model says, an inbound message moves a DONE or SNOOZED thread
// back to TODO (NEW_REPLY), with that transition's entry and event. It
// returns the thread as webhooks show it after the message.
func (s *Service) applyMessage(ctx context.Context, tx store.Tx, th thread.Thread, info thread.MessageInfo, preview string,
	inbound bool, support string, now core.Time) (event.Thread, error) {
	parts, err := s.readParts(ctx, tx, th)
	if err != nil {
		return event.Thread{}, err
	}
	var next thread.Thread
	changed := false
	if inbound {
		next, changed = th.ReceiveMessage(info, preview, now)
	} else {
		next = th.SendMessage(info, preview, now)
	}
	next = next.WithSupportAddress(support)
	if err := tx.UpdateThread(ctx, next); err != nil {
		return event.Thread{}, err
	}
	after := event.NewThread(next, parts)
	if !changed {
		return after, nil
	}
	tc := event.ThreadChange{Thread: after, PreviousThread: event.NewThread(th, parts)}
	if err := s.emit(ctx, tx, th.WorkspaceID, info.Actor, now, event.NewThreadStatusTransitioned(tc)); err != nil {
		return after, err
	}
	te := timeline.StatusTransitioned{Previous: timeline.StatusOf(th), Next: timeline.StatusOf(next)}
	_, err = s.newEntry(ctx, tx, next, "", te, info.Actor, now, now)
	return after, err
}
