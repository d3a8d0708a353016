// Package storebench holds storage workloads shared by the benchmarks of
// the backends and the `threadline bench` load generator, so that both
// measure the same rows.
package storebench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/component"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/timeline"
	"github.com/threadline/threadline/internal/workspace"
)

// BareCreate is the storage baseline of createThread (the floor `threadline
// bench bare-insert` and the backends' BenchBareInsert measure): each Do writes, in one
// store.Update, the rows the service's CreateThread writes (the thread_ref
// counter, the thread, one label, one field value, the thread_created
// timeline entry and the thread.thread_created outbox event), with no
// service, GraphQL or HTTP around it and none of the reads the service does
// first (customer, label types, field schemas).
type BareCreate struct {
	st         store.Store
	ws         workspace.Workspace
	cust       customer.Customer
	labelType  label.Type
	fieldKey   string
	components []byte
	seq        atomic.Int64
}

// NewBareCreate creates, in st, a workspace with a customer, a label type
// and a STRING field schema named uniquely for this run; the threads go
// there, so that the run touches no existing workspace's counters.
func NewBareCreate(ctx context.Context, st store.Store) (*BareCreate, error) {
	suffix := runSuffix()
	now := core.SystemClock{}.Now()
	by := core.SystemActor
	b := &BareCreate{st: st, fieldKey: "bench_" + suffix}
	b.ws = workspace.Workspace{ID: core.NewID(core.PrefixWorkspace), Name: "Bench " + suffix, PublicName: "Bench " + suffix,
		HMACSecret: auth.NewSecret(), HMACUpdatedAt: now, HMACUpdatedBy: by,
		CreatedAt: now, CreatedBy: by, UpdatedAt: now, UpdatedBy: by}
	b.cust = customer.Customer{ID: core.NewID(core.PrefixCustomer), WorkspaceID: b.ws.ID, FullName: "Bench Customer " + suffix,
		Email: "bench-" + suffix + "@example.com", CreatedAt: now, CreatedBy: by, UpdatedAt: now, UpdatedBy: by}
	lt, err := label.NewType(b.ws.ID, label.CreateInput{Name: "Bench " + suffix}, now, by)
	if err != nil {
		return nil, err
	}
	b.labelType = lt
	schema := field.Schema{ID: core.NewID(core.PrefixFieldSchema), WorkspaceID: b.ws.ID, Key: b.fieldKey,
		Label: "Bench " + suffix, Type: field.TypeString, EnumValues: []string{},
		CreatedAt: now, CreatedBy: by, UpdatedAt: now, UpdatedBy: by}
	b.components, err = component.Marshal(component.Normalize([]component.Component{
		{Text: &component.Text{Text: "The login button does nothing when I click it."}}}))
	if err != nil {
		return nil, err
	}
	err = st.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateWorkspace(ctx, b.ws); err != nil {
			return err
		}
		if err := tx.CreateCustomer(ctx, b.cust); err != nil {
			return err
		}
		if err := tx.CreateLabelType(ctx, b.labelType); err != nil {
			return err
		}
		return tx.CreateFieldSchema(ctx, schema)
	})
	if err != nil {
		return nil, fmt.Errorf("bare insert set-up: %w", err)
	}
	return b, nil
}

// Do writes one thread's rows in one Update. It is a bench.Op.
func (b *BareCreate) Do(ctx context.Context, _ int) error {
	n := strconv.FormatInt(b.seq.Add(1), 10)
	now := core.SystemClock{}.Now()
	by := core.SystemActor
	ws := b.ws.ID
	title := "Bench thread " + n
	preview := "The login button does nothing when I click it."
	value := "value " + n
	// Refs are allocated as the service allocates them: outside the
	// transaction where the store offers it (PostgreSQL), else inside.
	var ref int64
	if a, ok := b.st.(store.Allocator); ok {
		var err error
		if ref, err = a.Allocate(ctx, ws, "thread_ref"); err != nil {
			return err
		}
	}
	return b.st.Update(ctx, func(tx store.Tx) error {
		if ref == 0 {
			var err error
			if ref, err = tx.NextCounter(ctx, ws, "thread_ref"); err != nil {
				return err
			}
		}
		th := thread.Thread{ID: core.NewID(core.PrefixThread), WorkspaceID: ws, Ref: ref, CustomerID: b.cust.ID,
			Title: title, PreviewText: &preview, Priority: thread.DefaultPriority, Status: thread.StatusTodo,
			StatusDetail: thread.DetailCreated, StatusChangedAt: now, StatusChangedBy: by, Channel: thread.ChannelAPI,
			CreatedAt: now, CreatedBy: by, UpdatedAt: now, UpdatedBy: by}
		if err := tx.CreateThread(ctx, th); err != nil {
			return err
		}
		l := label.Label{ID: core.NewID(core.PrefixLabel), WorkspaceID: ws, ThreadID: th.ID, TypeID: b.labelType.ID,
			CreatedAt: now, CreatedBy: by, UpdatedAt: now, UpdatedBy: by}
		if err := tx.CreateLabel(ctx, l); err != nil {
			return err
		}
		v := field.NewValue(ws, th.ID, field.ValueInput{Key: b.fieldKey, Type: field.TypeString, String: &value}, now, by)
		if err := tx.CreateFieldValue(ctx, v); err != nil {
			return err
		}
		if err := tx.CreateTimelineEntry(ctx, timeline.Entry{ID: core.NewID(core.PrefixTimeline), WorkspaceID: ws,
			ThreadID: th.ID, CustomerID: b.cust.ID, Kind: timeline.KindThreadCreated, Payload: b.components,
			Actor: by, CreatedAt: now}); err != nil {
			return err
		}
		payload, err := json.Marshal(b.eventPayload(th, l, v))
		if err != nil {
			return err
		}
		return tx.AppendEvent(ctx, event.Record{ID: core.NewID(core.PrefixEvent), WorkspaceID: ws,
			Type: event.ThreadCreated, Payload: payload, Actor: by, CreatedAt: now})
	})
}

// eventPayload approximates the service's thread.thread_created payload
// (same shape, fewer nested details) so that the outbox row is of a
// comparable size.
func (b *BareCreate) eventPayload(th thread.Thread, l label.Label, v field.Value) map[string]any {
	at := th.CreatedAt.ISO8601()
	actor := map[string]any{"actorType": "system", "systemId": "system"}
	return map[string]any{"thread": map[string]any{
		"id": th.ID, "ref": th.RefString(), "externalId": nil, "title": th.Title, "description": nil,
		"previewText": th.PreviewText, "priority": th.Priority, "status": th.Status, "channel": th.Channel,
		"statusDetail":    map[string]any{"type": th.StatusDetail, "statusChangedAt": at},
		"statusChangedAt": at, "assignee": nil, "assignedAt": nil,
		"customer": map[string]any{"id": b.cust.ID, "fullName": b.cust.FullName, "shortName": nil,
			"email": map[string]any{"email": b.cust.Email, "isVerified": false}, "externalId": nil,
			"createdAt": at, "updatedAt": at},
		"labels": []any{map[string]any{"id": l.ID, "createdAt": at, "createdBy": actor, "updatedAt": at, "updatedBy": actor,
			"labelType": map[string]any{"id": b.labelType.ID, "name": b.labelType.Name, "icon": nil, "isArchived": false}}},
		"threadFields": []any{map[string]any{"id": v.ID, "key": v.Key, "type": v.Type, "threadId": th.ID,
			"stringValue": v.String, "booleanValue": nil, "numberValue": nil, "dateValue": nil, "isAiGenerated": false}},
		"createdAt": at, "createdBy": actor, "updatedAt": at, "updatedBy": actor,
	}}
}

// WorkspaceID is the id of the workspace the threads go to.
func (b *BareCreate) WorkspaceID() string { return b.ws.ID }

// runSuffix names one run's rows uniquely: a timestamp and random bits.
func runSuffix() string {
	r := make([]byte, 3)
	_, _ = rand.Read(r)
	return time.Now().UTC().Format("20060102T150405") + "_" + hex.EncodeToString(r)
}
