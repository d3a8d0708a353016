package service

import (
	"context"
	"errors"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
)

// AddLabels applies label types to a thread. Types already on the thread
// are kept as they are (idempotent); archived types are refused. Returns
// the labels of the given types. Needs label:create.
func (s *Service) AddLabels(ctx context.Context, threadID string, typeIDs []string) ([]label.Label, error) {
	p, err := principal(ctx, auth.LabelCreate)
	if err != nil {
		return nil, err
	}
	if len(typeIDs) == 0 {
		return nil, core.InvalidField("labelTypeIds", "Array must contain at least 1 element(s)")
	}
	var out []label.Label
	_, err = s.changeThread(ctx, p, threadID, event.ThreadLabelsChanged,
		func(tx store.Tx, th thread.Thread, now core.Time) (thread.Thread, threadEvent, error) {
			existing, err := tx.LabelsOfThreads(ctx, p.WorkspaceID, []string{th.ID})
			if err != nil {
				return th, nil, err
			}
			have := map[string]label.Label{}
			for _, l := range existing {
				have[l.TypeID] = l
			}
			// A type already on the thread is kept as it is, even if it has
			// since been archived: only new applications are checked.
			var c core.Collector
			fresh := make([]string, len(typeIDs)) // "" where already applied; indices match the input's
			for i, id := range typeIDs {
				if _, ok := have[id]; !ok {
					fresh[i] = id
				}
			}
			types, err := s.checkLabelTypes(ctx, tx, p.WorkspaceID, fresh, &c)
			if err != nil {
				return th, nil, err
			}
			if err := c.Err(); err != nil {
				return th, nil, err
			}
			added := false
			for _, t := range types {
				l := label.Label{ID: core.NewID(core.PrefixLabel), WorkspaceID: p.WorkspaceID, ThreadID: th.ID, TypeID: t.ID,
					CreatedAt: now, CreatedBy: p.Actor, UpdatedAt: now, UpdatedBy: p.Actor}
				if err := tx.CreateLabel(ctx, l); err != nil {
					return th, nil, err
				}
				have[t.ID], added = l, true
			}
			for _, id := range dedupe(typeIDs) { // in the order asked for
				out = append(out, have[id])
			}
			return th, ifChanged(added, labelsChanged(event.LabelsAdded)), nil
		})
	return out, err
}

// labelsChanged is the event of labels added to or removed from a thread.
func labelsChanged(how event.LabelsChange) threadEvent {
	return func(c event.ThreadChange) event.Payload { return event.NewThreadLabelsChanged(c, how) }
}

// RemoveLabels removes labels (by label id) from their threads and returns
// the ids of those threads. Labels already gone are ignored (idempotent).
// Needs label:delete.
func (s *Service) RemoveLabels(ctx context.Context, labelIDs []string) ([]string, error) {
	p, err := principal(ctx, auth.LabelDelete)
	if err != nil {
		return nil, err
	}
	if len(labelIDs) == 0 {
		return nil, core.InvalidField("labelIds", "Array must contain at least 1 element(s)")
	}
	var labels []label.Label
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		labels, err = tx.GetLabels(ctx, p.WorkspaceID, dedupe(labelIDs))
		return err
	})
	if err != nil {
		return nil, err
	}
	byThread := map[string][]string{}
	var order []string
	for _, l := range labels {
		if _, ok := byThread[l.ThreadID]; !ok {
			order = append(order, l.ThreadID)
		}
		byThread[l.ThreadID] = append(byThread[l.ThreadID], l.ID)
	}
	for _, threadID := range order {
		ids := byThread[threadID]
		_, err := s.changeThread(ctx, p, threadID, event.ThreadLabelsChanged,
			func(tx store.Tx, th thread.Thread, now core.Time) (thread.Thread, threadEvent, error) {
				removed := false
				for _, id := range ids {
					err := tx.DeleteLabel(ctx, p.WorkspaceID, id)
					if errors.Is(err, core.ErrNotFound) {
						continue // removed concurrently
					}
					if err != nil {
						return th, nil, err
					}
					removed = true
				}
				return th, ifChanged(removed, labelsChanged(event.LabelsRemoved)), nil
			})
		if err != nil && !core.HasCode(err, core.CodeNotFound) {
			return nil, err
		}
	}
	return order, nil
}

// UpsertThreadField sets a thread's value of a field, validated against the
// field's schema. Needs threadField:create and threadField:update.
func (s *Service) UpsertThreadField(ctx context.Context, threadID string, v field.ValueInput) (field.Value, UpsertResult, error) {
	p, err := principal(ctx, auth.ThreadFieldCreate, auth.ThreadFieldUpdate)
	if err != nil {
		return field.Value{}, "", err
	}
	var out field.Value
	var result UpsertResult
	// The change emits thread.thread_field_created or _updated: both show
	// the thread's fields before and after.
	_, err = s.changeThread(ctx, p, threadID, event.ThreadFieldUpdated, upsertField(ctx, p, v, &out, &result))
	return out, result, err
}

// upsertField is the change of a thread that sets its value of v.Key to v,
// reporting the value and what happened in out and result.
func upsertField(ctx context.Context, p *auth.Principal, v field.ValueInput, out *field.Value, result *UpsertResult) func(tx store.Tx, th thread.Thread, now core.Time) (thread.Thread, threadEvent, error) {
	return func(tx store.Tx, th thread.Thread, now core.Time) (thread.Thread, threadEvent, error) {
		schemas, err := tx.ListFieldSchemas(ctx, p.WorkspaceID)
		if err != nil {
			return th, nil, err
		}
		var schema *field.Schema
		for i := range schemas {
			if schemas[i].Key == v.Key {
				schema = &schemas[i]
			}
		}
		var c core.Collector
		field.CheckValue(&c, "", "identifier.key", schema, v)
		if err := c.Err(); err != nil {
			return th, nil, err
		}
		next := field.NewValue(p.WorkspaceID, th.ID, v, now, p.Actor)
		cur, err := tx.GetFieldValue(ctx, p.WorkspaceID, th.ID, v.Key)
		switch {
		case errors.Is(err, core.ErrNotFound):
			if err := tx.CreateFieldValue(ctx, next); err != nil {
				return th, nil, err
			}
			*out, *result = next, Created
			f := event.NewThreadField(next)
			return th, func(c event.ThreadChange) event.Payload { return event.NewThreadFieldCreated(c, f) }, nil
		case err != nil:
			return th, nil, err
		}
		next.ID, next.CreatedAt, next.CreatedBy = cur.ID, cur.CreatedAt, cur.CreatedBy
		if cur.Type == next.Type && core.Equal(cur.String, next.String) && core.Equal(cur.Bool, next.Bool) &&
			core.Equal(cur.Number, next.Number) && core.Equal(cur.Date, next.Date) {
			*out, *result = cur, Noop
			return th, nil, nil
		}
		if err := tx.UpdateFieldValue(ctx, next); err != nil {
			return th, nil, err
		}
		*out, *result = next, Updated
		f, prev := event.NewThreadField(next), event.NewThreadField(cur)
		return th, func(c event.ThreadChange) event.Payload { return event.NewThreadFieldUpdated(c, f, prev) }, nil
	}
}

// DeleteThreadField removes a thread's value of a field. Needs threadField:delete.
func (s *Service) DeleteThreadField(ctx context.Context, threadID, key string) error {
	p, err := principal(ctx, auth.ThreadFieldDelete)
	if err != nil {
		return err
	}
	_, err = s.changeThread(ctx, p, threadID, event.ThreadFieldDeleted,
		func(tx store.Tx, th thread.Thread, now core.Time) (thread.Thread, threadEvent, error) {
			cur, err := tx.GetFieldValue(ctx, p.WorkspaceID, th.ID, key)
			if err != nil {
				return th, nil, notFoundAs(err, "identifier.key", "Thread field")
			}
			if err := tx.DeleteFieldValue(ctx, p.WorkspaceID, cur.ID); err != nil {
				return th, nil, err
			}
			prev := event.NewThreadField(cur)
			return th, func(c event.ThreadChange) event.Payload { return event.NewThreadFieldDeleted(c, prev) }, nil
		})
	return err
}
