package service

import (
	"context"
	"fmt"
	"strings"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
)

// threadParts is what a thread's event payload shows besides the thread
// row: its customer, labels with their types, field values and assignee.
type threadParts struct {
	customer customer.Customer
	types    []label.Type
	labels   []label.Label
	values   []field.Value
	assignee any
}

// readParts reads a thread's parts inside tx.
func (s *Service) readParts(ctx context.Context, tx store.Tx, th thread.Thread) (threadParts, error) {
	var p threadParts
	var err error
	if p.customer, err = tx.GetCustomer(ctx, th.WorkspaceID, th.CustomerID); err != nil {
		return p, err
	}
	if err = s.readTags(ctx, tx, th, &p); err != nil {
		return p, err
	}
	p.assignee, err = assigneePayload(ctx, tx, th)
	return p, err
}

// readTags (re)reads a thread's labels, their types and its field values.
func (s *Service) readTags(ctx context.Context, tx store.Tx, th thread.Thread, p *threadParts) error {
	typed, err := typedLabels(ctx, tx, th.WorkspaceID, []string{th.ID})
	if err != nil {
		return err
	}
	p.labels, p.types = nil, nil
	for _, tl := range typed[th.ID] {
		p.labels, p.types = append(p.labels, tl.Label), append(p.types, tl.Type)
	}
	p.values, err = tx.FieldValuesOfThreads(ctx, th.WorkspaceID, []string{th.ID})
	return err
}

// body is the event payload of th with these parts.
func (p threadParts) body(th thread.Thread) map[string]any {
	return threadBody(th, p.customer, p.types, p.labels, p.values, p.assignee)
}

// changeThread runs one change of a thread: it locks the thread, applies
// change, and when something changed stores it, stamps updatedAt/By and
// emits *eventType (which change may rewrite) with the thread before and
// after, plus change's extra payload.
func (s *Service) changeThread(ctx context.Context, p *auth.Principal, threadID string, eventType *string,
	change func(tx store.Tx, th thread.Thread, now core.Time) (thread.Thread, bool, map[string]any, error)) (thread.Thread, error) {
	var out thread.Thread
	err := s.store.Update(ctx, func(tx store.Tx) error {
		cur, err := tx.LockThread(ctx, p.WorkspaceID, threadID)
		if err != nil {
			return notFoundAs(err, "threadId", "Thread")
		}
		// Changes of labels or fields need the parts as they were before;
		// other changes leave them alone, so they are read only if needed.
		tags := strings.HasPrefix(*eventType, "thread.thread_labels") || strings.HasPrefix(*eventType, "thread.thread_field")
		var parts threadParts
		if tags {
			if parts, err = s.readParts(ctx, tx, cur); err != nil {
				return err
			}
		}
		now := s.clock.Now()
		next, changed, extra, err := change(tx, cur, now)
		if err != nil {
			return err
		}
		out = next
		if !changed {
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
		before := parts.body(cur)
		if tags {
			if err := s.readTags(ctx, tx, next, &parts); err != nil {
				return err
			}
		}
		if !core.Equal(cur.Assignee, next.Assignee) {
			if parts.assignee, err = assigneePayload(ctx, tx, next); err != nil {
				return err
			}
		}
		payload := map[string]any{"thread": parts.body(next), "previousThread": before}
		for k, v := range extra {
			payload[k] = v
		}
		return s.emit(ctx, tx, p.WorkspaceID, *eventType, p.Actor, now, payload)
	})
	return out, err
}

// MarkThreadAsDone marks a thread done. Required thread fields must be set
// first. Needs thread:edit and thread:read.
func (s *Service) MarkThreadAsDone(ctx context.Context, threadID string, detail *thread.Detail) (thread.Thread, error) {
	p, err := principal(ctx, auth.ThreadEdit, auth.ThreadRead)
	if err != nil {
		return thread.Thread{}, err
	}
	return s.changeThread(ctx, p, threadID, core.Ptr("thread.thread_status_transitioned"),
		func(tx store.Tx, th thread.Thread, now core.Time) (thread.Thread, bool, map[string]any, error) {
			if err := s.checkRequiredFieldsSet(ctx, tx, th); err != nil {
				return th, false, nil, err
			}
			next, changed, err := th.MarkDone(detail, now, p.Actor)
			return next, changed, nil, err
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
	return s.changeThread(ctx, p, threadID, core.Ptr("thread.thread_status_transitioned"),
		func(tx store.Tx, th thread.Thread, now core.Time) (thread.Thread, bool, map[string]any, error) {
			next, changed, err := th.MarkTodo(detail, now, p.Actor)
			return next, changed, nil, err
		})
}

// SnoozeThread snoozes a thread for a duration or until the customer
// replies. Needs thread:edit and thread:read.
func (s *Service) SnoozeThread(ctx context.Context, threadID string, durationSeconds *int, detail *thread.Detail) (thread.Thread, error) {
	p, err := principal(ctx, auth.ThreadEdit, auth.ThreadRead)
	if err != nil {
		return thread.Thread{}, err
	}
	return s.changeThread(ctx, p, threadID, core.Ptr("thread.thread_status_transitioned"),
		func(tx store.Tx, th thread.Thread, now core.Time) (thread.Thread, bool, map[string]any, error) {
			next, err := th.Snooze(durationSeconds, detail, now, p.Actor)
			return next, err == nil, nil, err
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
			before, after := parts.body(th), parts.body(next)
			if err := s.emit(ctx, tx, th.WorkspaceID, "thread.thread_status_transitioned", thread.SchedulerActor, now,
				map[string]any{"thread": after, "previousThread": before}); err != nil {
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
	return s.changeThread(ctx, p, threadID, core.Ptr("thread.thread_priority_changed"),
		func(tx store.Tx, th thread.Thread, now core.Time) (thread.Thread, bool, map[string]any, error) {
			changed := th.Priority != priority
			th.Priority = priority
			return th, changed, nil, nil
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
	return s.changeThread(ctx, p, threadID, core.Ptr("thread.thread_assignment_transitioned"),
		func(tx store.Tx, th thread.Thread, now core.Time) (thread.Thread, bool, map[string]any, error) {
			var c core.Collector
			who, _, err := checkAssignee(ctx, tx, p.WorkspaceID, "", &a, &c)
			if err != nil {
				return th, false, nil, err
			}
			if err := c.Err(); err != nil {
				return th, false, nil, err
			}
			if th.Assignee != nil && *th.Assignee == *who {
				return th, false, nil, nil
			}
			th.Assignee, th.AssignedAt = who, &now
			return th, true, nil, nil
		})
}

// UnassignThread clears a thread's assignee. Needs thread:unassign and thread:read.
func (s *Service) UnassignThread(ctx context.Context, threadID string) (thread.Thread, error) {
	p, err := principal(ctx, auth.ThreadUnassign, auth.ThreadRead)
	if err != nil {
		return thread.Thread{}, err
	}
	return s.changeThread(ctx, p, threadID, core.Ptr("thread.thread_assignment_transitioned"),
		func(tx store.Tx, th thread.Thread, now core.Time) (thread.Thread, bool, map[string]any, error) {
			changed := th.Assignee != nil
			th.Assignee, th.AssignedAt = nil, nil
			return th, changed, nil, nil
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
	conn := core.NewConnection(page, rows, func(r store.ThreadRow) string { return core.EncodeCursor(r.SortValue, r.Thread.ID) })
	out := ThreadList{PageInfo: conn.PageInfo, TotalCount: total, Edges: make([]core.Edge[thread.Thread], len(conn.Edges))}
	for i, e := range conn.Edges {
		out.Edges[i] = core.Edge[thread.Thread]{Cursor: e.Cursor, Node: e.Node.Thread}
	}
	return out, nil
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
