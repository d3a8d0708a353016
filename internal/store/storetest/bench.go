package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/bench"
	"github.com/threadline/threadline/internal/component"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/timeline"
)

// BenchFactory returns a fresh, migrated, empty store closed when the
// benchmark ends.
type BenchFactory func(b *testing.B) store.Store

// BenchBareInsert benchmarks the storage baseline of createThread (the
// store-level twin of `threadline bench bare-insert`): each request writes,
// in one store.Update, the rows the service's CreateThread writes (the
// thread_ref counter, the thread, one label, one field value, the
// thread_created timeline entry and the thread.thread_created outbox
// event), with none of the reads the service does first. It runs at each
// bench.WriterConcurrency ("conc=1", "conc=32"), each on a fresh store, and
// reports threads/s and p50/p99 latency; any failed Update fails it.
func BenchBareInsert(b *testing.B, newStore BenchFactory) {
	for _, c := range bench.WriterConcurrency {
		st := newStore(b)
		bare, err := newBareInsert(context.Background(), st)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("conc=%d", c), func(b *testing.B) {
			bench.Benchmark(b, b.N, c, bare.do, "threads/s")
		})
	}
}

// bareInsert writes one createThread's rows per request into a workspace
// of its own, with a customer, a label type and a STRING field schema.
type bareInsert struct {
	st         store.Store
	cust       customer.Customer
	labelType  label.Type
	components []byte
	seq        atomic.Int64
}

func newBareInsert(ctx context.Context, st store.Store) (*bareInsert, error) {
	now := core.SystemClock{}.Now()
	// Names as long as the command's (a timestamp and random bits), so that
	// the event payloads are of the same size.
	suffix := time.Now().UTC().Format("20060102T150405") + "_" + auth.NewSecret()[:6]
	ws := NewWorkspace("Bench " + suffix)
	b := &bareInsert{st: st, cust: NewCustomer(ws.ID, "Bench Customer "+suffix, "bench-"+suffix+"@example.com")}
	lt, err := label.NewType(ws.ID, label.CreateInput{Name: "Bench " + suffix}, now, core.SystemActor)
	if err != nil {
		return nil, err
	}
	b.labelType = lt
	schema := field.Schema{ID: core.NewID(core.PrefixFieldSchema), WorkspaceID: ws.ID, Key: "bench", Label: "Bench",
		Type: field.TypeString, EnumValues: []string{}, CreatedAt: now, CreatedBy: core.SystemActor, UpdatedAt: now, UpdatedBy: core.SystemActor}
	b.components, err = component.Marshal(component.Normalize([]component.Component{
		{Text: &component.Text{Text: "The login button does nothing when I click it."}}}))
	if err != nil {
		return nil, err
	}
	err = st.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateWorkspace(ctx, ws); err != nil {
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
	return b, err
}

// do writes one thread's rows in one Update, taking its ref as the service
// does: outside the transaction where the store offers it, else inside.
func (b *bareInsert) do(ctx context.Context, _ int) error {
	n := strconv.FormatInt(b.seq.Add(1), 10)
	now, by, ws := core.SystemClock{}.Now(), core.SystemActor, b.cust.WorkspaceID
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
			Title: "Bench thread " + n, PreviewText: core.Ptr("The login button does nothing when I click it."),
			Priority: thread.DefaultPriority, Status: thread.StatusTodo, StatusDetail: thread.DetailCreated,
			StatusChangedAt: now, StatusChangedBy: by, Channel: thread.ChannelAPI,
			CreatedAt: now, CreatedBy: by, UpdatedAt: now, UpdatedBy: by}
		if err := tx.CreateThread(ctx, th); err != nil {
			return err
		}
		l := label.Label{ID: core.NewID(core.PrefixLabel), WorkspaceID: ws, ThreadID: th.ID, TypeID: b.labelType.ID,
			CreatedAt: now, CreatedBy: by, UpdatedAt: now, UpdatedBy: by}
		if err := tx.CreateLabel(ctx, l); err != nil {
			return err
		}
		v := field.NewValue(ws, th.ID, field.ValueInput{Key: "bench", Type: field.TypeString, String: core.Ptr("value " + n)}, now, by)
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
func (b *bareInsert) eventPayload(th thread.Thread, l label.Label, v field.Value) map[string]any {
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
