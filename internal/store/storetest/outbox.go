package storetest

import (
	"errors"
	"fmt"
	"testing"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/store"
)

func testOutbox(t *testing.T, st store.Store) {
	a := MustCreateWorkspace(t, st, "A")
	b := MustCreateWorkspace(t, st, "B")
	now := core.SystemClock{}.Now()
	for i, ws := range []string{a.ID, b.ID, a.ID} {
		e := event.Record{ID: core.NewID(core.PrefixEvent), WorkspaceID: ws, Type: event.Type(fmt.Sprintf("test.e%d", i)),
			Payload: []byte(`{"n":1}`), Actor: core.SystemActor, CreatedAt: now}
		if err := st.Update(ctx, func(tx store.Tx) error { return tx.AppendEvent(ctx, e) }); err != nil {
			t.Fatal(err)
		}
	}
	var evs []event.Record
	_ = st.View(ctx, func(tx store.Tx) (err error) { evs, err = tx.ListEvents(ctx, a.ID, 0, 10); return err })
	if len(evs) != 2 || evs[0].Type != "test.e0" || evs[1].Type != "test.e2" || evs[0].Seq >= evs[1].Seq {
		t.Fatalf("events of A = %+v", evs)
	}
	if string(evs[0].Payload) != `{"n":1}` || evs[0].Actor != core.SystemActor || evs[0].CreatedAt != now {
		t.Fatalf("event fields lost: %+v", evs[0])
	}
	_ = st.View(ctx, func(tx store.Tx) (err error) { evs, err = tx.ListEvents(ctx, a.ID, evs[0].Seq, 10); return err })
	if len(evs) != 1 || evs[0].Type != "test.e2" {
		t.Fatalf("events after first = %+v", evs)
	}
}

func testGetEvent(t *testing.T, st store.Store) {
	a := MustCreateWorkspace(t, st, "A")
	b := MustCreateWorkspace(t, st, "B")
	now := core.SystemClock{}.Now()
	e := event.Record{ID: core.NewID(core.PrefixEvent), WorkspaceID: a.ID, Type: event.ThreadCreated,
		Payload: []byte(`{"thread":{"id":"th_1"}}`), Actor: core.Actor{Type: core.ActorUser, ID: "u_1"}, CreatedAt: now}
	mustUpdate(t, st, func(tx store.Tx) error { return tx.AppendEvent(ctx, e) })
	mustView(t, st, func(tx store.Tx) error {
		got, err := tx.GetEvent(ctx, a.ID, e.ID)
		if err != nil || got.Seq <= 0 || got.ID != e.ID || got.WorkspaceID != a.ID || got.Type != e.Type ||
			string(got.Payload) != string(e.Payload) || got.Actor != e.Actor || got.CreatedAt != now {
			t.Errorf("GetEvent = %+v, %v; want %+v with a sequence number", got, err, e)
		}
		if _, err := tx.GetEvent(ctx, b.ID, e.ID); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("event read through another workspace: %v, want ErrNotFound", err)
		}
		if _, err := tx.GetEvent(ctx, a.ID, "pEv_missing"); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("missing event: %v, want ErrNotFound", err)
		}
		return nil
	})
}
