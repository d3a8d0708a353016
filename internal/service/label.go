package service

import (
	"context"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/store"
)

// CreateLabelType creates a label type. Needs labelType:create.
func (s *Service) CreateLabelType(ctx context.Context, in label.CreateInput) (label.Type, error) {
	p, err := principal(ctx, auth.LabelTypeCreate)
	if err != nil {
		return label.Type{}, err
	}
	now := s.clock.Now()
	t, err := label.NewType(p.WorkspaceID, in, now, p.Actor)
	if err != nil {
		return label.Type{}, err
	}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		if t.ParentID != nil {
			if _, err := tx.GetLabelType(ctx, p.WorkspaceID, *t.ParentID); err != nil {
				return notFoundAs(err, "parentLabelTypeId", "Label type")
			}
		}
		if err := tx.CreateLabelType(ctx, t); err != nil {
			return err
		}
		return s.emit(ctx, tx, p.WorkspaceID, p.Actor, now, event.NewLabelTypeCreated(t))
	})
	return t, err
}

// SetLabelTypeArchived archives or unarchives a label type; doing what is
// already done succeeds and changes nothing. Needs labelType:edit.
func (s *Service) SetLabelTypeArchived(ctx context.Context, id string, archived bool) (label.Type, error) {
	p, err := principal(ctx, auth.LabelTypeEdit)
	if err != nil {
		return label.Type{}, err
	}
	var t label.Type
	err = s.store.Update(ctx, func(tx store.Tx) error {
		now := s.clock.Now()
		if t, err = tx.LockLabelType(ctx, p.WorkspaceID, id); err != nil {
			return notFoundAs(err, "labelTypeId", "Label type")
		}
		if t.IsArchived() == archived {
			return nil
		}
		var at *core.Time
		var by *core.Actor
		if archived {
			at, by = &now, &p.Actor
		}
		if err := tx.SetLabelTypeArchived(ctx, p.WorkspaceID, id, at, by, now, p.Actor); err != nil {
			return err
		}
		t.ArchivedAt, t.ArchivedBy, t.UpdatedAt, t.UpdatedBy = at, by, now, p.Actor
		if archived {
			return s.emit(ctx, tx, p.WorkspaceID, p.Actor, now, event.NewLabelTypeArchived(t))
		}
		return s.emit(ctx, tx, p.WorkspaceID, p.Actor, now, event.NewLabelTypeUnarchived(t))
	})
	return t, err
}

// LabelType returns a label type, or nil. Needs labelType:read.
func (s *Service) LabelType(ctx context.Context, id string) (*label.Type, error) {
	p, err := principal(ctx, auth.LabelTypeRead)
	if err != nil {
		return nil, err
	}
	var t *label.Type
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		t, err = optional(tx.GetLabelType(ctx, p.WorkspaceID, id))
		return err
	})
	return t, err
}

// LabelTypesByIDs loads label types for batched resolution. Needs labelType:read.
func (s *Service) LabelTypesByIDs(ctx context.Context, ids []string) (map[string]label.Type, error) {
	p, err := principal(ctx, auth.LabelTypeRead)
	if err != nil {
		return nil, err
	}
	out := make(map[string]label.Type, len(ids))
	err = s.store.View(ctx, func(tx store.Tx) error {
		ts, err := tx.GetLabelTypes(ctx, p.WorkspaceID, ids)
		for _, t := range ts {
			out[t.ID] = t
		}
		return err
	})
	return out, err
}

// LabelTypes lists label types, active and archived unless archived is
// set. Needs labelType:read.
func (s *Service) LabelTypes(ctx context.Context, archived *bool, args core.PageArgs) (core.Connection[label.Type], error) {
	p, err := principal(ctx, auth.LabelTypeRead)
	if err != nil {
		return core.Connection[label.Type]{}, err
	}
	page, err := args.Resolve(1)
	if err != nil {
		return core.Connection[label.Type]{}, err
	}
	var rows []label.Type
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		rows, err = tx.ListLabelTypes(ctx, p.WorkspaceID, archived, page)
		return err
	})
	if err != nil {
		return core.Connection[label.Type]{}, err
	}
	return core.NewConnection(page, rows, label.CursorOf), nil
}

// TypedLabel is a label with its label type, read together.
type TypedLabel struct {
	Label label.Label
	Type  label.Type
}

// LabelsOfThreads loads the labels of threads with their label types, grouped
// by thread, in one snapshot. Needs label:read; showing the types is the
// caller's to check (labelType:read).
func (s *Service) LabelsOfThreads(ctx context.Context, threadIDs []string) (map[string][]TypedLabel, error) {
	p, err := principal(ctx, auth.LabelRead)
	if err != nil {
		return nil, err
	}
	var out map[string][]TypedLabel
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		out, err = typedLabels(ctx, tx, p.WorkspaceID, threadIDs)
		return err
	})
	return out, err
}

// typedLabels reads the labels of threads with their label types, grouped
// by thread.
func typedLabels(ctx context.Context, tx store.Tx, ws string, threadIDs []string) (map[string][]TypedLabel, error) {
	ls, err := tx.LabelsOfThreads(ctx, ws, threadIDs)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(ls))
	for i, l := range ls {
		ids[i] = l.TypeID
	}
	types, err := tx.GetLabelTypes(ctx, ws, dedupe(ids))
	if err != nil {
		return nil, err
	}
	byID := make(map[string]label.Type, len(types))
	for _, t := range types {
		byID[t.ID] = t
	}
	out := make(map[string][]TypedLabel, len(threadIDs))
	for _, l := range ls {
		out[l.ThreadID] = append(out[l.ThreadID], TypedLabel{Label: l, Type: byID[l.TypeID]})
	}
	return out, nil
}
