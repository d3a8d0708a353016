package service

import (
	"context"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/store"
)

// LabelTypeByExternalID returns the label type with an external id (the
// oldest, should several share it), or nil. Needs labelType:read.
func (s *Service) LabelTypeByExternalID(ctx context.Context, externalID string) (*label.Type, error) {
	p, err := principal(ctx, auth.LabelTypeRead)
	if err != nil {
		return nil, err
	}
	var t *label.Type
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		t, err = optional(tx.GetLabelTypeByExternalID(ctx, p.WorkspaceID, externalID))
		return err
	})
	return t, err
}

// UpdateLabelType changes a label type's name, icon, color, description,
// external id or AI exclusion; archived types too. Needs labelType:edit.
func (s *Service) UpdateLabelType(ctx context.Context, id string, in label.UpdateInput) (label.Type, error) {
	p, err := principal(ctx, auth.LabelTypeEdit)
	if err != nil {
		return label.Type{}, err
	}
	var out label.Type
	err = s.store.Update(ctx, func(tx store.Tx) error {
		cur, err := tx.LockLabelType(ctx, p.WorkspaceID, id)
		if err != nil {
			return notFoundAs(err, "labelTypeId", "Label type")
		}
		now := s.clock.Now()
		next, changed, err := cur.Update(in, now, p.Actor)
		if err != nil || !changed {
			out = cur
			return err
		}
		if err := tx.UpdateLabelType(ctx, next); err != nil {
			return err
		}
		out = next
		return s.emit(ctx, tx, p.WorkspaceID, p.Actor, now, event.NewLabelTypeUpdated(next))
	})
	return out, err
}
