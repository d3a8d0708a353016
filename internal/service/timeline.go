package service

import (
	"context"
	"fmt"
	"strconv"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/timeline"
)

// TimelineItem is a timeline entry with its decoded payload.
type TimelineItem struct {
	Entry   timeline.Entry
	Payload timeline.Payload
}

// TimelinePage is one page of a timeline, oldest first.
type TimelinePage = core.Connection[TimelineItem]

// addEntry appends e, which shows p, to its thread's timeline in tx and
// emits timeline.timeline_entry_changed (ADDED) for it at now; as holds
// the attachments p names.
func (s *Service) addEntry(ctx context.Context, tx store.Tx, e timeline.Entry, p timeline.Payload, as event.Attachments, now core.Time) error {
	if err := tx.CreateTimelineEntry(ctx, e); err != nil {
		return err
	}
	te := event.NewTimelineEntry(e, p, as)
	return s.emit(ctx, tx, e.WorkspaceID, e.Actor, now, event.NewTimelineEntryChanged(&te, nil))
}

// newEntry makes and appends the entry of p on th, by actor at a time.
func (s *Service) newEntry(ctx context.Context, tx store.Tx, th thread.Thread, sourceID string, p timeline.Payload,
	actor core.Actor, at, now core.Time) (timeline.Entry, error) {
	e, err := timeline.NewEntry(th.WorkspaceID, th.ID, th.CustomerID, sourceID, p, actor, at)
	if err != nil {
		return e, err
	}
	return e, s.addEntry(ctx, tx, e, p, nil, now)
}

// changeEntry is the timeline payload of a change of a thread from cur to
// next (whose parts are before and after), or nil for changes the
// timeline does not show (thread fields).
func changeEntry(typ event.Type, cur, next thread.Thread, before, after event.ThreadParts) timeline.Payload {
	switch typ {
	case event.ThreadStatusTransitioned:
		return timeline.StatusTransitioned{Previous: timeline.StatusOf(cur), Next: timeline.StatusOf(next)}
	case event.ThreadPriorityChanged:
		return timeline.PriorityChanged{Previous: cur.Priority, Next: next.Priority}
	case event.ThreadAssignmentTransitioned:
		return timeline.AssignmentTransitioned{Previous: entryAssignee(cur.Assignee, before.Assignee),
			Next: entryAssignee(next.Assignee, after.Assignee)}
	case event.ThreadLabelsChanged:
		return timeline.LabelsChanged{Previous: entryLabels(before.Labels, before.LabelTypes),
			Next: entryLabels(after.Labels, after.LabelTypes)}
	}
	return nil
}

// entryAssignee is an assignee as timeline entries keep it, with the name
// the event payload read.
func entryAssignee(a *core.Actor, shown event.Assignee) *timeline.Assignee {
	if a == nil {
		return nil
	}
	out := &timeline.Assignee{Actor: *a}
	switch u := shown.(type) {
	case event.User:
		out.Name = u.FullName
	case event.MachineUser:
		out.Name = u.FullName
	}
	return out
}

// entryLabels are labels (of types types[i]) as timeline entries keep them.
func entryLabels(ls []label.Label, types []label.Type) []timeline.Label {
	out := make([]timeline.Label, len(ls))
	for i, l := range ls {
		out[i] = timeline.Label{ID: l.ID, TypeID: l.TypeID, TypeName: types[i].Name, CreatedAt: l.CreatedAt,
			CreatedBy: l.CreatedBy, UpdatedAt: l.UpdatedAt, UpdatedBy: l.UpdatedBy}
	}
	return out
}

// TimelineKinds maps the entry types of Plain's TimelineEntryType that
// Threadline records to their kinds.
var TimelineKinds = map[string]timeline.Kind{
	"CHAT":                           timeline.KindChat,
	"CUSTOM":                         timeline.KindThreadCreated,
	"CUSTOMER_EVENT":                 timeline.KindCustomerEvent,
	"EMAIL":                          timeline.KindEmail,
	"NOTE":                           timeline.KindNote,
	"THREAD_EVENT":                   timeline.KindThreadEvent,
	"THREAD_STATUS_TRANSITIONED":     timeline.KindStatusTransitioned,
	"THREAD_ASSIGNMENT_TRANSITIONED": timeline.KindAssignmentTransitioned,
	"THREAD_LABELS_CHANGED":          timeline.KindLabelsChanged,
	"THREAD_PRIORITY_CHANGED":        timeline.KindPriorityChanged,
}

// TimelineFilter narrows a thread's timeline: to entries of any of
// EntryTypes (Plain's TimelineEntryType names; nil for all), and to
// messages or non-messages when IsMessage is set.
type TimelineFilter struct {
	EntryTypes []string
	IsMessage  *bool
}

// resolve turns f into the store's filter of threadID's timeline.
func (f TimelineFilter) resolve(threadID string) timeline.Filter {
	out := timeline.Filter{ThreadID: threadID}
	var kinds []timeline.Kind
	if f.EntryTypes != nil {
		for _, t := range f.EntryTypes {
			if k, ok := TimelineKinds[t]; ok {
				kinds = append(kinds, k)
			}
		}
		if len(kinds) == 0 {
			out.MatchNothing = true
		}
	} else {
		for _, k := range TimelineKinds {
			kinds = append(kinds, k)
		}
	}
	if f.IsMessage != nil {
		var keep []timeline.Kind
		for _, k := range kinds {
			if k.IsMessage() == *f.IsMessage {
				keep = append(keep, k)
			}
		}
		if len(keep) == 0 {
			out.MatchNothing = true
		}
		kinds = keep
	}
	if f.EntryTypes != nil || f.IsMessage != nil {
		out.Kinds = kinds
	}
	return out
}

// ThreadTimeline returns a page of a thread's timeline, oldest first (the
// last page holds the newest entries). A thread of another workspace has
// an empty timeline. Needs thread:read and timeline:read.
func (s *Service) ThreadTimeline(ctx context.Context, threadID string, f TimelineFilter, args core.PageArgs) (TimelinePage, error) {
	p, err := principal(ctx, auth.ThreadRead, auth.TimelineRead)
	if err != nil {
		return TimelinePage{}, err
	}
	if len(f.EntryTypes) > len(TimelineKinds)*4 {
		return TimelinePage{}, core.BadInput("filters.entryTypes may list at most %d types.", len(TimelineKinds)*4)
	}
	return s.timelinePage(ctx, p.WorkspaceID, f.resolve(threadID), args)
}

// CustomerTimeline returns a page of a customer's timeline: the entries of
// every thread of theirs, oldest first. Needs customer:read and
// timeline:read.
func (s *Service) CustomerTimeline(ctx context.Context, customerID string, args core.PageArgs) (TimelinePage, error) {
	p, err := principal(ctx, auth.CustomerRead, auth.TimelineRead)
	if err != nil {
		return TimelinePage{}, err
	}
	return s.timelinePage(ctx, p.WorkspaceID, timeline.Filter{CustomerID: customerID}, args)
}

func (s *Service) timelinePage(ctx context.Context, ws string, f timeline.Filter, args core.PageArgs) (TimelinePage, error) {
	page, err := args.Resolve(2)
	if err != nil {
		return TimelinePage{}, err
	}
	var rows []timeline.Entry
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		rows, err = tx.ListTimeline(ctx, ws, f, page)
		return err
	})
	if err != nil {
		return TimelinePage{}, err
	}
	items := make([]TimelineItem, len(rows))
	for i, e := range rows {
		if items[i], err = decodeItem(e); err != nil {
			return TimelinePage{}, err
		}
	}
	return core.NewConnection(page, items, func(it TimelineItem) string {
		return core.EncodeCursor(strconv.FormatInt(it.Entry.CreatedAt.Millis(), 10), it.Entry.ID)
	}), nil
}

func decodeItem(e timeline.Entry) (TimelineItem, error) {
	p, err := timeline.DecodeEntry(e)
	if err != nil {
		return TimelineItem{}, fmt.Errorf("timeline entry %s: %w", e.ID, err)
	}
	return TimelineItem{Entry: e, Payload: p}, nil
}

// TimelineEntry returns an entry of a customer's timeline, or nil. Needs
// customer:read and timeline:read.
func (s *Service) TimelineEntry(ctx context.Context, customerID, entryID string) (*TimelineItem, error) {
	p, err := principal(ctx, auth.CustomerRead, auth.TimelineRead)
	if err != nil {
		return nil, err
	}
	var e *timeline.Entry
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		e, err = optional(tx.GetTimelineEntry(ctx, p.WorkspaceID, entryID))
		return err
	})
	if err != nil || e == nil || e.CustomerID != customerID {
		return nil, err
	}
	it, err := decodeItem(*e)
	return &it, err
}

// copyCustomerEntries starts a new thread's timeline with its customer's
// most recent customer events and notes on no thread (timeline.MaxFanOut
// of each), at their own times, as Plain shows the recent customer events
// on a new thread.
func (s *Service) copyCustomerEntries(ctx context.Context, tx store.Tx, th thread.Thread, now core.Time) error {
	events, notes, err := tx.CustomerEntries(ctx, th.WorkspaceID, th.CustomerID, timeline.MaxFanOut)
	if err != nil {
		return err
	}
	for _, e := range events {
		if _, err := s.newEntry(ctx, tx, th, e.ID, e.Payload(), e.CreatedBy, e.Timestamp, now); err != nil {
			return err
		}
	}
	for _, n := range notes {
		as, err := attachmentsOf(ctx, tx, th.WorkspaceID, n.AttachmentIDs)
		if err != nil {
			return err
		}
		e, err := timeline.NewEntry(th.WorkspaceID, th.ID, th.CustomerID, n.ID, n.Payload(), n.CreatedBy, n.CreatedAt)
		if err != nil {
			return err
		}
		if err := s.addEntry(ctx, tx, e, n.Payload(), as, now); err != nil {
			return err
		}
	}
	return nil
}

// fanOut returns the threads an entry of a customer goes to: the
// customer's timeline.MaxFanOut most recently created threads.
func fanOut(ctx context.Context, tx store.Tx, ws, customerID string) ([]thread.Thread, error) {
	return tx.RecentThreadsOfCustomer(ctx, ws, customerID, timeline.MaxFanOut)
}
