package service

import (
	"context"
	"errors"
	"github.com/threadline/threadline/internal/auth"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/store"
)

// SchemaUpdate is updateThreadFieldSchema's input: nil fields stay as they are.
type SchemaUpdate struct {
	ID                  string
	Label               *string
	Description         *string
	EnumValues          []string // nil: unchanged
	IsRequired          *bool
	IsAIAutoFillEnabled *bool
	IsClientReadonly    *bool
	IsAvailableToAgents *bool
	Order               *int
	DefaultString       core.Optional[string]
	DefaultBool         core.Optional[bool]
	DefaultNumber       core.Optional[float64]
	DefaultDate         core.Optional[string]
	DependsOnLabelTypes []string // nil: unchanged
	DependsOnField      core.Optional[field.DependsOnField]
}

// CreateThreadFieldSchema defines a thread field. Needs threadFieldSchema:create.
func (s *Service) CreateThreadFieldSchema(ctx context.Context, in field.SchemaInput) (field.Schema, error) {
	p, err := principal(ctx, auth.ThreadFieldSchemaCreate)
	if err != nil {
		return field.Schema{}, err
	}
	in, date, err := in.Validate()
	if err != nil {
		return field.Schema{}, err
	}
	now := s.clock.Now()
	sc := schemaFrom(in, date)
	sc.ID, sc.WorkspaceID = core.NewID(core.PrefixFieldSchema), p.WorkspaceID
	sc.CreatedAt, sc.CreatedBy, sc.UpdatedAt, sc.UpdatedBy = now, p.Actor, now, p.Actor
	err = s.store.Update(ctx, func(tx store.Tx) error {
		if err := s.checkSchemaRefs(ctx, tx, sc); err != nil {
			return err
		}
		if err := tx.CreateFieldSchema(ctx, sc); err != nil {
			if errors.Is(err, core.ErrDuplicate) {
				return core.Conflict(field.CodeKeyTaken, "key", "A thread field schema with this key already exists.")
			}
			return err
		}
		return s.emit(ctx, tx, p.WorkspaceID, p.Actor, now, event.NewThreadFieldSchemaCreated(sc))
	})
	return sc, err
}

func schemaFrom(in field.SchemaInput, date *core.Time) field.Schema {
	return field.Schema{Key: in.Key, Label: in.Label, Description: in.Description, Type: in.Type,
		EnumValues: in.EnumValues, IsRequired: in.IsRequired, IsAIAutoFillEnabled: in.IsAIAutoFillEnabled,
		IsClientReadonly: in.IsClientReadonly, IsAvailableToAgents: in.IsAvailableToAgents, Order: in.Order,
		DefaultString: in.DefaultString, DefaultBool: in.DefaultBool, DefaultNumber: in.DefaultNumber, DefaultDate: date,
		DependsOnLabelTypes: in.DependsOnLabelTypes, DependsOnField: in.DependsOnField}
}

// checkSchemaRefs checks that the label types and schema a schema depends on exist.
func (s *Service) checkSchemaRefs(ctx context.Context, tx store.Tx, sc field.Schema) error {
	var c core.Collector
	if len(sc.DependsOnLabelTypes) > 0 {
		found, err := tx.GetLabelTypes(ctx, sc.WorkspaceID, sc.DependsOnLabelTypes)
		if err != nil {
			return err
		}
		if len(found) != len(dedupe(sc.DependsOnLabelTypes)) {
			c.Add("dependsOnLabelTypeIds", "Label type not found", core.FieldNotFound)
		}
	}
	if d := sc.DependsOnField; d != nil {
		parent, err := tx.LockFieldSchema(ctx, sc.WorkspaceID, d.SchemaID)
		switch {
		case errors.Is(err, core.ErrNotFound) || d.SchemaID == sc.ID:
			c.Add("dependsOnThreadField.threadFieldSchemaId", "Thread field schema not found", core.FieldNotFound)
		case err != nil:
			return err
		case parent.Type != field.TypeEnum && parent.Type != field.TypeString:
			c.Invalid("dependsOnThreadField.threadFieldSchemaId", "Can only depend on a STRING or ENUM field")
		}
	}
	return c.Err()
}

func dedupe(ids []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// UpdateThreadFieldSchema changes a thread field definition; its key and
// type are fixed. Needs threadFieldSchema:edit.
func (s *Service) UpdateThreadFieldSchema(ctx context.Context, u SchemaUpdate) (field.Schema, error) {
	p, err := principal(ctx, auth.ThreadFieldSchemaEdit)
	if err != nil {
		return field.Schema{}, err
	}
	var out field.Schema
	err = s.store.Update(ctx, func(tx store.Tx) error {
		cur, err := tx.LockFieldSchema(ctx, p.WorkspaceID, u.ID)
		if err != nil {
			return notFoundAs(err, "threadFieldSchemaId", "Thread field schema")
		}
		in := applySchemaUpdate(cur, u)
		in, date, err := in.Validate()
		if err != nil {
			return err
		}
		now := s.clock.Now()
		next := schemaFrom(in, date)
		next.ID, next.WorkspaceID, next.CreatedAt, next.CreatedBy = cur.ID, cur.WorkspaceID, cur.CreatedAt, cur.CreatedBy
		next.UpdatedAt, next.UpdatedBy = now, p.Actor
		if err := s.checkSchemaRefs(ctx, tx, next); err != nil {
			return err
		}
		if err := tx.UpdateFieldSchema(ctx, next); err != nil {
			return notFoundAs(err, "threadFieldSchemaId", "Thread field schema")
		}
		out = next
		return s.emit(ctx, tx, p.WorkspaceID, p.Actor, now, event.NewThreadFieldSchemaUpdated(next))
	})
	return out, err
}

func applySchemaUpdate(cur field.Schema, u SchemaUpdate) field.SchemaInput {
	in := field.SchemaInput{Key: cur.Key, Label: cur.Label, Description: cur.Description, Type: cur.Type,
		EnumValues: cur.EnumValues, IsRequired: cur.IsRequired, IsAIAutoFillEnabled: cur.IsAIAutoFillEnabled,
		IsClientReadonly: cur.IsClientReadonly, IsAvailableToAgents: cur.IsAvailableToAgents, Order: cur.Order,
		DefaultString: cur.DefaultString,
		DefaultBool:   cur.DefaultBool, DefaultNumber: cur.DefaultNumber,
		DependsOnLabelTypes: cur.DependsOnLabelTypes, DependsOnField: cur.DependsOnField}
	if cur.DefaultDate != nil {
		in.DefaultDate = core.Ptr(cur.DefaultDate.ISO8601())
	}
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&in.Label, u.Label)
	set(&in.Description, u.Description)
	if u.EnumValues != nil {
		in.EnumValues = u.EnumValues
	}
	if u.IsRequired != nil {
		in.IsRequired = *u.IsRequired
	}
	if u.IsAIAutoFillEnabled != nil {
		in.IsAIAutoFillEnabled = *u.IsAIAutoFillEnabled
	}
	if u.IsClientReadonly != nil {
		in.IsClientReadonly = *u.IsClientReadonly
	}
	if u.IsAvailableToAgents != nil {
		in.IsAvailableToAgents = *u.IsAvailableToAgents
	}
	if u.Order != nil {
		in.Order = *u.Order
	}
	if u.DefaultString.Set {
		in.DefaultString = u.DefaultString.Value
	}
	if u.DefaultBool.Set {
		in.DefaultBool = u.DefaultBool.Value
	}
	if u.DefaultNumber.Set {
		in.DefaultNumber = u.DefaultNumber.Value
	}
	if u.DefaultDate.Set {
		in.DefaultDate = u.DefaultDate.Value
	}
	if u.DependsOnLabelTypes != nil {
		in.DependsOnLabelTypes = u.DependsOnLabelTypes
	}
	if u.DependsOnField.Set {
		in.DependsOnField = u.DependsOnField.Value
	}
	return in
}

// DeleteThreadFieldSchema deletes a thread field definition. Values already
// on threads stay. Needs threadFieldSchema:edit.
func (s *Service) DeleteThreadFieldSchema(ctx context.Context, id string) error {
	p, err := principal(ctx, auth.ThreadFieldSchemaEdit)
	if err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx store.Tx) error {
		sc, err := tx.LockFieldSchema(ctx, p.WorkspaceID, id)
		if err != nil {
			return notFoundAs(err, "threadFieldSchemaId", "Thread field schema")
		}
		all, err := tx.ListFieldSchemas(ctx, p.WorkspaceID)
		if err != nil {
			return err
		}
		for _, o := range all {
			if o.DependsOnField != nil && o.DependsOnField.SchemaID == id {
				return core.InvalidField("threadFieldSchemaId", "Thread field "+o.Key+" depends on this field")
			}
		}
		if err := tx.DeleteFieldSchema(ctx, p.WorkspaceID, id); err != nil {
			return err
		}
		return s.emit(ctx, tx, p.WorkspaceID, p.Actor, s.clock.Now(), event.NewThreadFieldSchemaDeleted(sc))
	})
}

// ThreadFieldSchema returns a schema, or nil. Needs threadFieldSchema:read.
func (s *Service) ThreadFieldSchema(ctx context.Context, id string) (*field.Schema, error) {
	p, err := principal(ctx, auth.ThreadFieldSchemaRead)
	if err != nil {
		return nil, err
	}
	var sc *field.Schema
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		sc, err = optional(tx.GetFieldSchema(ctx, p.WorkspaceID, id))
		return err
	})
	return sc, err
}

// ThreadFieldSchemas lists schemas by order. A workspace has few, so the
// page is cut from the full ordered list. Needs threadFieldSchema:read.
func (s *Service) ThreadFieldSchemas(ctx context.Context, args core.PageArgs) (core.Connection[field.Schema], error) {
	p, err := principal(ctx, auth.ThreadFieldSchemaRead)
	if err != nil {
		return core.Connection[field.Schema]{}, err
	}
	page, err := args.Resolve(2)
	if err != nil {
		return core.Connection[field.Schema]{}, err
	}
	var all []field.Schema
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		all, err = tx.ListFieldSchemas(ctx, p.WorkspaceID)
		return err
	})
	if err != nil {
		return core.Connection[field.Schema]{}, err
	}
	return core.PageSlice(page, all, field.SchemaCursor), nil
}

// FieldValuesOfThreads loads the field values of threads, grouped by thread.
// They are thread data: thread:read suffices, as in Plain's docs.
func (s *Service) FieldValuesOfThreads(ctx context.Context, threadIDs []string) (map[string][]field.Value, error) {
	p, err := principal(ctx, auth.ThreadRead)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]field.Value, len(threadIDs))
	err = s.store.View(ctx, func(tx store.Tx) error {
		vs, err := tx.FieldValuesOfThreads(ctx, p.WorkspaceID, threadIDs)
		for _, v := range vs {
			out[v.ThreadID] = append(out[v.ThreadID], v)
		}
		return err
	})
	return out, err
}
