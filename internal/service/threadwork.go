package service

import (
	"context"
	"errors"
	"fmt"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/timeline"
	"github.com/threadline/threadline/internal/user"
)

// readParts reads what th's event payloads show besides the thread row
// (its customer, labels with their types, field values and assignee)
// inside tx.
func (s *Service) readParts(ctx context.Context, tx store.Tx, th thread.Thread) (event.ThreadParts, error) {
	var p event.ThreadParts
	var err error
	if p.Customer, err = tx.GetCustomer(ctx, th.WorkspaceID, th.CustomerID); err != nil {
		return p, err
	}
	if p.CustomerGroups, err = customerGroupsOf(ctx, tx, th.WorkspaceID, th.CustomerID); err != nil {
		return p, err
	}
	if err = s.readTags(ctx, tx, th, &p); err != nil {
		return p, err
	}
	if p.Assignee, err = readAssignee(ctx, tx, th); err != nil {
		return p, err
	}
	p.AdditionalAssignees, err = readAdditionalAssignees(ctx, tx, th)
	return p, err
}

// readTags (re)reads a thread's labels, their types and its field values.
func (s *Service) readTags(ctx context.Context, tx store.Tx, th thread.Thread, p *event.ThreadParts) error {
	typed, err := typedLabels(ctx, tx, th.WorkspaceID, []string{th.ID})
	if err != nil {
		return err
	}
	p.Labels, p.LabelTypes = nil, nil
	for _, tl := range typed[th.ID] {
		p.Labels, p.LabelTypes = append(p.Labels, tl.Label), append(p.LabelTypes, tl.Type)
	}
	p.Values, err = tx.FieldValuesOfThreads(ctx, th.WorkspaceID, []string{th.ID})
	return err
}

// readAssignee reads th's assignee as webhooks show it: the full user or
// machine user, or nil when th is unassigned. An assignee that cannot be
// read any more is shown by id only, as the schema allows.
func readAssignee(ctx context.Context, tx store.UserStore, th thread.Thread) (event.Assignee, error) {
	if th.Assignee == nil {
		return nil, nil
	}
	return assigneeBody(ctx, tx, th.WorkspaceID, *th.Assignee)
}

// readAdditionalAssignees reads th's additional assignees as webhooks show
// them, in the order they were added.
func readAdditionalAssignees(ctx context.Context, tx store.Tx, th thread.Thread) ([]event.Assignee, error) {
	as, err := tx.AdditionalAssigneesOfThreads(ctx, th.WorkspaceID, []string{th.ID})
	if err != nil {
		return nil, err
	}
	return assigneeBodies(ctx, tx, th.WorkspaceID, as)
}

// assigneeBody reads a user or machine user as webhooks show assignees.
func assigneeBody(ctx context.Context, tx store.UserStore, ws string, a core.Actor) (event.Assignee, error) {
	var out event.Assignee
	var err error
	switch a.Type {
	case core.ActorUser:
		var u user.User
		if u, err = tx.GetUser(ctx, ws, a.ID); err == nil {
			out = event.NewUser(u)
		}
	case core.ActorMachineUser:
		var m user.MachineUser
		if m, err = tx.GetMachineUser(ctx, ws, a.ID); err == nil {
			out = event.NewMachineUser(m)
		}
	default:
		err = core.ErrNotFound
	}
	if errors.Is(err, core.ErrNotFound) {
		return event.AssigneeRef{ID: a.ID}, nil
	}
	return out, err
}

// threadEvent makes the event of a change of a thread from the thread as
// it is after the change and as it was before.
type threadEvent func(event.ThreadChange) event.Payload

// ifChanged is ev when changed, else no event.
func ifChanged(changed bool, ev threadEvent) threadEvent {
	if !changed {
		return nil
	}
	return ev
}

// statusTransitioned is the event of a change of a thread's status.
func statusTransitioned(c event.ThreadChange) event.Payload {
	return event.NewThreadStatusTransitioned(c)
}

// priorityChanged is the event of a change of a thread's priority.
func priorityChanged(c event.ThreadChange) event.Payload {
	return event.NewThreadPriorityChanged(c)
}

// assignmentTransitioned is the event of a change of a thread's assignee.
func assignmentTransitioned(c event.ThreadChange) event.Payload {
	return event.NewThreadAssignmentTransitioned(c)
}

// changeThread runs one change of a thread: it locks the thread and applies
// change, which returns the thread changed and the event of the change, or
// no event when nothing changed. A change is stored with updatedAt/By
// stamped, and its event is emitted with the thread after and before it.
// kind is the type of the events change emits: when their payloads show
// labels or fields changing, these are read before and after the change.
func (s *Service) changeThread(ctx context.Context, p *auth.Principal, threadID string, kind event.Type,
	change func(tx store.Tx, th thread.Thread, now core.Time) (thread.Thread, threadEvent, error)) (thread.Thread, error) {
	var out thread.Thread
	err := s.store.Update(ctx, func(tx store.Tx) (err error) {
		out, err = s.changeThreadIn(ctx, tx, p, threadID, kind, change)
		return err
	})
	return out, err
}

// changeThreadIn is changeThread inside the transaction tx, so that one
// transaction can make several changes (bulkUpsertThreadFields).
func (s *Service) changeThreadIn(ctx context.Context, tx store.Tx, p *auth.Principal, threadID string, kind event.Type,
	change func(tx store.Tx, th thread.Thread, now core.Time) (thread.Thread, threadEvent, error)) (thread.Thread, error) {
	var out thread.Thread
	err := func() error {
		cur, err := tx.LockThread(ctx, p.WorkspaceID, threadID)
		if err != nil {
			return notFoundAs(err, "threadId", "Thread")
		}
		// Changes of labels or fields need the parts as they were before;
		// other changes leave them alone, so they are read only if needed.
		tags := kind.ChangesLabelsOrFields()
		var parts event.ThreadParts
		if tags {
			if parts, err = s.readParts(ctx, tx, cur); err != nil {
				return err
			}
		}
		now := s.clock.Now()
		next, ev, err := change(tx, cur, now)
		if err != nil {
			return err
		}
		out = next
		if ev == nil {
			return nil
		}
		next = next.Touch(now, p.Actor)
		if err := tx.UpdateThread(ctx, next); err != nil {
			return err
		}
		out = next
		if !tags {
			if parts, err = s.readParts(ctx, tx, cur); err != nil {
				return err
			}
		}
		before, beforeParts := event.NewThread(cur, parts), parts
		if tags {
			if err := s.readTags(ctx, tx, next, &parts); err != nil {
				return err
			}
		}
		if !core.Equal(cur.Assignee, next.Assignee) {
			if parts.Assignee, err = readAssignee(ctx, tx, next); err != nil {
				return err
			}
		}
		c := event.ThreadChange{Thread: event.NewThread(next, parts), PreviousThread: before}
		payload := ev(c)
		if err := s.emit(ctx, tx, p.WorkspaceID, p.Actor, now, payload); err != nil {
			return err
		}
		if te := changeEntry(payload.Type(), cur, next, beforeParts, parts); te != nil {
			_, err = s.newEntry(ctx, tx, next, "", te, p.Actor, now, now)
		}
		return err
	}()
	return out, err
}

// MarkThreadAsDone marks a thread done. Required thread fields must be set
// first. Needs thread:edit and thread:read.
func (s *Service) MarkThreadAsDone(ctx context.Context, threadID string, detail *thread.Detail) (thread.Thread, error) {
	p, err := principal(ctx, auth.ThreadEdit, auth.ThreadRead)
	if err != nil {
		return thread.Thread{}, err
	}
	return s.changeThread(ctx, p, threadID, event.ThreadStatusTransitioned,
		func(tx store.Tx, th thread.Thread, now core.Time) (thread.Thread, threadEvent, error) {
			if err := s.checkRequiredFieldsSet(ctx, tx, th); err != nil {
				return th, nil, err
			}
			next, changed, err := th.MarkDone(detail, now, p.Actor)
			return next, ifChanged(changed, statusTransitioned), err
		})
}

// checkRequiredFieldsSet refuses to close a thread missing a required field.
func (s *Service) checkRequiredFieldsSet(ctx context.Context, tx store.Tx, th thread.Thread) error {
	schemas, err := tx.ListFieldSchemas(ctx, th.WorkspaceID)
	if err != nil {
		return err
	}
	values, err := tx.FieldValuesOfThreads(ctx, th.WorkspaceID, []string{th.ID})
	if err != nil {
		return err
	}
	labels, err := tx.LabelsOfThreads(ctx, th.WorkspaceID, []string{th.ID})
	if err != nil {
		return err
	}
	given := map[string]field.ValueInput{}
	for _, v := range values {
		given[v.Key] = field.ValueInput{Key: v.Key, Type: v.Type, String: v.String, Bool: v.Bool, Number: v.Number, Date: v.Date}
	}
	typeIDs := make([]string, len(labels))
	for i, l := range labels {
		typeIDs[i] = l.TypeID
	}
	var c core.Collector
	for _, key := range field.MissingRequired(schemas, given, typeIDs) {
		c.Add("threadId", fmt.Sprintf("Required thread field %q must be set before the thread is done", key), core.FieldRequired)
	}
	return c.Err()
}

// MarkThreadAsTodo moves a thread to TODO. Needs thread:edit and thread:read.
func (s *Service) MarkThreadAsTodo(ctx context.Context, threadID string, detail *thread.Detail) (thread.Thread, error) {
	p, err := principal(ctx, auth.ThreadEdit, auth.ThreadRead)
	if err != nil {
		return thread.Thread{}, err
	}
	return s.changeThread(ctx, p, threadID, event.ThreadStatusTransitioned,
		func(tx store.Tx, th thread.Thread, now core.Time) (thread.Thread, threadEvent, error) {
			next, changed, err := th.MarkTodo(detail, now, p.Actor)
			return next, ifChanged(changed, statusTransitioned), err
		})
}

// SnoozeThread snoozes a thread for a duration or until the customer
// replies. Needs thread:edit and thread:read.
func (s *Service) SnoozeThread(ctx context.Context, threadID string, durationSeconds *int, detail *thread.Detail) (thread.Thread, error) {
	p, err := principal(ctx, auth.ThreadEdit, auth.ThreadRead)
	if err != nil {
		return thread.Thread{}, err
	}
	return s.changeThread(ctx, p, threadID, event.ThreadStatusTransitioned,
		func(tx store.Tx, th thread.Thread, now core.Time) (thread.Thread, threadEvent, error) {
			next, err := th.Snooze(durationSeconds, detail, now, p.Actor)
			return next, ifChanged(err == nil, statusTransitioned), err
		})
}

// WakeDueThreads moves snoozed threads whose time has come back to TODO and
// returns how many it woke. Each wake is one transaction's compare-and-set
// on a locked row, so restarts and replicas never wake a thread twice.
func (s *Service) WakeDueThreads(ctx context.Context, limit int) (int, error) {
	n := 0
	err := s.store.Update(ctx, func(tx store.Tx) error {
		now := s.clock.Now()
		due, err := tx.DueSnoozedThreads(ctx, now, limit)
		if err != nil {
			return err
		}
		for _, th := range due {
			next, ok := th.Wake(now)
			if !ok {
				continue
			}
			parts, err := s.readParts(ctx, tx, th)
			if err != nil {
				return err
			}
			if err := tx.UpdateThread(ctx, next); err != nil {
				return err
			}
			c := event.ThreadChange{Thread: event.NewThread(next, parts), PreviousThread: event.NewThread(th, parts)}
			if err := s.emit(ctx, tx, th.WorkspaceID, thread.SchedulerActor, now, event.NewThreadStatusTransitioned(c)); err != nil {
				return err
			}
			te := timeline.StatusTransitioned{Previous: timeline.StatusOf(th), Next: timeline.StatusOf(next)}
			if _, err := s.newEntry(ctx, tx, next, "", te, thread.SchedulerActor, now, now); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// ChangeThreadPriority sets a thread's priority (0–3). Needs thread:edit and thread:read.
func (s *Service) ChangeThreadPriority(ctx context.Context, threadID string, priority int) (thread.Thread, error) {
	p, err := principal(ctx, auth.ThreadEdit, auth.ThreadRead)
	if err != nil {
		return thread.Thread{}, err
	}
	if !thread.ValidPriority(priority) {
		return thread.Thread{}, core.InvalidField("priority", "Priority must be 0 (urgent), 1 (high), 2 (normal) or 3 (low)")
	}
	return s.changeThread(ctx, p, threadID, event.ThreadPriorityChanged,
		func(tx store.Tx, th thread.Thread, now core.Time) (thread.Thread, threadEvent, error) {
			changed := th.Priority != priority
			th.Priority = priority
			return th, ifChanged(changed, priorityChanged), nil
		})
}

// AssignThread assigns a thread to a user or machine user of the workspace.
// Needs thread:assign and thread:read.
func (s *Service) AssignThread(ctx context.Context, threadID string, a AssigneeInput) (thread.Thread, error) {
	p, err := principal(ctx, auth.ThreadAssign, auth.ThreadRead)
	if err != nil {
		return thread.Thread{}, err
	}
	if (a.UserID == nil) == (a.MachineUserID == nil) {
		return thread.Thread{}, core.InvalidField("userId", "Exactly one of userId or machineUserId must be set")
	}
	return s.changeThread(ctx, p, threadID, event.ThreadAssignmentTransitioned,
		func(tx store.Tx, th thread.Thread, now core.Time) (thread.Thread, threadEvent, error) {
			var c core.Collector
			who, _, err := checkAssignee(ctx, tx, p.WorkspaceID, "", &a, &c)
			if err != nil {
				return th, nil, err
			}
			if err := c.Err(); err != nil {
				return th, nil, err
			}
			if th.Assignee != nil && *th.Assignee == *who {
				return th, nil, nil
			}
			th.Assignee, th.AssignedAt = who, &now
			return th, assignmentTransitioned, nil
		})
}

// UnassignThread clears a thread's assignee. Needs thread:unassign and thread:read.
func (s *Service) UnassignThread(ctx context.Context, threadID string) (thread.Thread, error) {
	p, err := principal(ctx, auth.ThreadUnassign, auth.ThreadRead)
	if err != nil {
		return thread.Thread{}, err
	}
	return s.changeThread(ctx, p, threadID, event.ThreadAssignmentTransitioned,
		func(tx store.Tx, th thread.Thread, now core.Time) (thread.Thread, threadEvent, error) {
			changed := th.Assignee != nil
			th.Assignee, th.AssignedAt = nil, nil
			return th, ifChanged(changed, assignmentTransitioned), nil
		})
}

// ThreadList is one page of threads.
type ThreadList = core.Connection[thread.Thread]

// Threads lists the workspace's threads. withCount also counts every
// thread the filter matches (it costs a full count). Needs thread:read.
func (s *Service) Threads(ctx context.Context, f thread.Filter, sort thread.Sort, args core.PageArgs, withCount bool) (ThreadList, error) {
	p, err := principal(ctx, auth.ThreadRead)
	if err != nil {
		return ThreadList{}, err
	}
	if err := f.Check(); err != nil {
		return ThreadList{}, err
	}
	page, err := args.Resolve(2)
	if err != nil {
		return ThreadList{}, err
	}
	var rows []store.ThreadRow
	var total int
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		if f, err = resolveThreadFilter(ctx, tx, p.WorkspaceID, f); err != nil {
			return err
		}
		if sort.Field == thread.SortThreadField {
			if sort.FieldType, err = s.fieldType(ctx, tx, p.WorkspaceID, sort.FieldKey); err != nil {
				return err
			}
		}
		if rows, err = tx.ListThreads(ctx, p.WorkspaceID, f, sort, page); err != nil {
			return err
		}
		if withCount {
			total, err = tx.CountThreads(ctx, p.WorkspaceID, f)
		}
		return err
	})
	if err != nil {
		return ThreadList{}, err
	}
	out := threadList(page, rows)
	out.TotalCount = total
	return out, nil
}

// threadList is a page of thread rows as a connection, each cursor the
// row's sort value and id.
func threadList(page core.Page, rows []store.ThreadRow) ThreadList {
	conn := core.NewConnection(page, rows, func(r store.ThreadRow) string { return core.EncodeCursor(r.SortValue, r.Thread.ID) })
	out := ThreadList{PageInfo: conn.PageInfo, Edges: make([]core.Edge[thread.Thread], len(conn.Edges))}
	for i, e := range conn.Edges {
		out.Edges[i] = core.Edge[thread.Thread]{Cursor: e.Cursor, Node: e.Node.Thread}
	}
	return out
}

func (s *Service) fieldType(ctx context.Context, tx store.Tx, ws, key string) (string, error) {
	if key == "" {
		return "", core.BadInput("sortBy.threadFieldKey is required to sort by THREAD_FIELD.")
	}
	schemas, err := tx.ListFieldSchemas(ctx, ws)
	if err != nil {
		return "", err
	}
	for _, sc := range schemas {
		if sc.Key == key {
			return string(sc.Type), nil
		}
	}
	return "", core.BadInput("No thread field schema with key %q.", key)
}
