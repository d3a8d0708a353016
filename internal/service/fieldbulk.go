package service

import (
	"context"
	"fmt"
	"strings"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/store"
)

// MaxBulkThreadFields bounds one bulkUpsertThreadFields call.
const MaxBulkThreadFields = 50

// ThreadFieldUpsert is one value of a bulk upsert: a thread's value of a key.
type ThreadFieldUpsert struct {
	ThreadID string
	Value    field.ValueInput
}

// UpsertedField is what one upsert of a bulk did.
type UpsertedField struct {
	Value  field.Value
	Result UpsertResult
}

// BulkUpsertThreadFields sets several thread field values in one
// transaction: all are written, or none. Errors name the failing input
// ("inputs.2.stringValue"). Needs threadField:create and threadField:update.
func (s *Service) BulkUpsertThreadFields(ctx context.Context, ups []ThreadFieldUpsert) ([]UpsertedField, error) {
	p, err := principal(ctx, auth.ThreadFieldCreate, auth.ThreadFieldUpdate)
	if err != nil {
		return nil, err
	}
	switch {
	case len(ups) == 0:
		return nil, core.InvalidField("inputs", "Array must contain at least 1 element(s)")
	case len(ups) > MaxBulkThreadFields:
		return nil, core.InvalidField("inputs", fmt.Sprintf("Array must contain at most %d element(s)", MaxBulkThreadFields))
	}
	out := make([]UpsertedField, len(ups))
	err = s.store.Update(ctx, func(tx store.Tx) error {
		for i, u := range ups {
			_, err := s.changeThreadIn(ctx, tx, p, u.ThreadID, event.ThreadFieldUpdated,
				upsertField(ctx, p, u.Value, &out[i].Value, &out[i].Result))
			if err != nil {
				return prefixFields(err, fmt.Sprintf("inputs.%d.", i))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// prefixFields puts prefix before the field paths of a validation error;
// a thread not found is reported on its identifier.
func prefixFields(err error, prefix string) error {
	e, ok := core.AsError(err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	out := *e
	out.Fields = make([]core.FieldError, len(e.Fields))
	for i, f := range e.Fields {
		if f.Field == "threadId" {
			f.Field = "identifier.threadId"
		}
		f.Field = prefix + strings.TrimPrefix(f.Field, ".")
		out.Fields[i] = f
	}
	return &out
}

// MaxSchemaOrders bounds one reorderThreadFieldSchemas call.
const MaxSchemaOrders = 100

// SchemaOrder is one schema's new order.
type SchemaOrder struct {
	SchemaID string
	Order    int
}

// ReorderThreadFieldSchemas sets the order of several thread field schemas
// in one transaction and returns them as changed. Needs
// threadFieldSchema:edit.
func (s *Service) ReorderThreadFieldSchemas(ctx context.Context, orders []SchemaOrder) ([]field.Schema, error) {
	p, err := principal(ctx, auth.ThreadFieldSchemaEdit)
	if err != nil {
		return nil, err
	}
	if len(orders) > MaxSchemaOrders {
		return nil, core.InvalidField("threadFieldSchemaOrders", fmt.Sprintf("Array must contain at most %d element(s)", MaxSchemaOrders))
	}
	var c core.Collector
	for i, o := range orders {
		if o.Order < 0 || o.Order > 100000 {
			c.Invalid(fmt.Sprintf("threadFieldSchemaOrders.%d.order", i), "Must be between 0 and 100000")
		}
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	out := make([]field.Schema, len(orders))
	err = s.store.Update(ctx, func(tx store.Tx) error {
		now := s.clock.Now()
		for i, o := range orders {
			cur, err := tx.LockFieldSchema(ctx, p.WorkspaceID, o.SchemaID)
			if err != nil {
				return notFoundAs(err, fmt.Sprintf("threadFieldSchemaOrders.%d.threadFieldSchemaId", i), "Thread field schema")
			}
			out[i] = cur
			if cur.Order == o.Order {
				continue
			}
			cur.Order, cur.UpdatedAt, cur.UpdatedBy = o.Order, now, p.Actor
			if err := tx.UpdateFieldSchema(ctx, cur); err != nil {
				return err
			}
			out[i] = cur
			if err := s.emit(ctx, tx, p.WorkspaceID, p.Actor, now, event.NewThreadFieldSchemaUpdated(cur)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
