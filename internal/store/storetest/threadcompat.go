package storetest

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/timeline"
)

// testThreadCustomerAndDeletion: a thread and its timeline move to another
// customer; a deleted thread takes its labels, values and timeline with it
// and is listed among deleted threads, newest first, by deletion time; and
// threads are found by external id across customers.
func testThreadCustomerAndDeletion(t *testing.T, st store.Store) {
	ws, cust := threadFixture(t, st, "A")
	other, _ := threadFixture(t, st, "B")
	second := NewCustomer(ws, "D", "d@example.com")
	now := core.SystemClock{}.Now()
	lt, _ := label.NewType(ws, label.CreateInput{Name: "Bug"}, now, core.SystemActor)
	ths := []thread.Thread{newThread(ws, cust, 1), newThread(ws, cust, 2), newThread(ws, second.ID, 3)}
	ths[0].ExternalID, ths[2].ExternalID = core.Ptr("ext"), core.Ptr("ext")
	mustUpdate(t, st, func(tx store.Tx) error {
		if err := tx.CreateCustomer(ctx, second); err != nil {
			return err
		}
		if err := tx.CreateLabelType(ctx, lt); err != nil {
			return err
		}
		for _, th := range ths {
			if err := tx.CreateThread(ctx, th); err != nil {
				return err
			}
			if err := tx.CreateTimelineEntry(ctx, timeline.Entry{ID: core.NewID(core.PrefixTimeline), WorkspaceID: ws,
				ThreadID: th.ID, CustomerID: cust, Kind: timeline.KindThreadCreated, Payload: []byte("[]"),
				Actor: core.SystemActor, CreatedAt: now}); err != nil {
				return err
			}
		}
		if err := tx.CreateLabel(ctx, label.Label{ID: core.NewID(core.PrefixLabel), WorkspaceID: ws, ThreadID: ths[1].ID,
			TypeID: lt.ID, CreatedAt: now, CreatedBy: core.SystemActor, UpdatedAt: now, UpdatedBy: core.SystemActor}); err != nil {
			return err
		}
		return tx.CreateFieldValue(ctx, field.Value{ID: core.NewID(core.PrefixThreadField), WorkspaceID: ws, ThreadID: ths[1].ID,
			Key: "k", Type: field.TypeString, String: core.Ptr("v"), CreatedAt: now, CreatedBy: core.SystemActor,
			UpdatedAt: now, UpdatedBy: core.SystemActor})
	})

	mustUpdate(t, st, func(tx store.Tx) error { return tx.SetThreadCustomer(ctx, ws, ths[1].ID, second.ID) })
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.SetThreadCustomer(ctx, other, ths[1].ID, second.ID) }); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("SetThreadCustomer through another workspace: %v, want ErrNotFound", err)
	}
	mustView(t, st, func(tx store.Tx) error {
		th, err := tx.GetThread(ctx, ws, ths[1].ID)
		entries, _ := tx.TimelineOfThread(ctx, ws, ths[1].ID)
		if err != nil || th.CustomerID != second.ID || len(entries) != 1 || entries[0].CustomerID != second.ID {
			t.Errorf("after SetThreadCustomer: %+v %v, timeline %+v", th, err, entries)
		}
		p, _ := core.PageArgs{}.Resolve(2)
		rows, err := tx.ListThreads(ctx, ws, thread.Filter{ExternalIDs: []string{"ext"}}, thread.DefaultSort, p)
		if err != nil || len(rows) != 2 || rows[0].Thread.ID != ths[2].ID || rows[1].Thread.ID != ths[0].ID {
			t.Errorf("threads with external id ext: %d rows, %v; want the third and the first, newest first", len(rows), err)
		}
		return nil
	})

	by := core.Actor{Type: core.ActorMachineUser, ID: "mu_X"}
	for i, th := range ths[1:] {
		at := now.Add(time.Duration(i) * time.Second)
		mustUpdate(t, st, func(tx store.Tx) error { return tx.DeleteThread(ctx, ws, th.ID, at, by) })
	}
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.DeleteThread(ctx, ws, ths[1].ID, now, by) }); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("deleting a deleted thread: %v, want ErrNotFound", err)
	}
	mustView(t, st, func(tx store.Tx) error {
		if _, err := tx.GetThread(ctx, ws, ths[1].ID); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("deleted thread still read: %v", err)
		}
		ls, _ := tx.LabelsOfThreads(ctx, ws, []string{ths[1].ID})
		vs, _ := tx.FieldValuesOfThreads(ctx, ws, []string{ths[1].ID})
		es, _ := tx.TimelineOfThread(ctx, ws, ths[1].ID)
		if len(ls)+len(vs)+len(es) != 0 {
			t.Errorf("a deleted thread left %d labels, %d values, %d timeline entries", len(ls), len(vs), len(es))
		}
		p, _ := core.PageArgs{}.Resolve(2)
		all, err := tx.ListDeletedThreads(ctx, ws, thread.DeletedFilter{}, p)
		want := []thread.Deleted{{ThreadID: ths[2].ID, DeletedAt: now.Add(time.Second), DeletedBy: by},
			{ThreadID: ths[1].ID, DeletedAt: now, DeletedBy: by}}
		if err != nil || !reflect.DeepEqual(all, want) {
			t.Errorf("ListDeletedThreads = %+v, %v; want %+v", all, err, want)
		}
		p, _ = core.PageArgs{After: core.Ptr(thread.DeletedCursorOf(want[0]))}.Resolve(2)
		rest, err := tx.ListDeletedThreads(ctx, ws, thread.DeletedFilter{}, p)
		if err != nil || !reflect.DeepEqual(rest, want[1:]) {
			t.Errorf("after the newest: %+v, %v", rest, err)
		}
		p, _ = core.PageArgs{}.Resolve(2)
		after := now.Add(time.Millisecond)
		recent, err := tx.ListDeletedThreads(ctx, ws, thread.DeletedFilter{DeletedAt: &thread.TimeRange{After: &after}}, p)
		if err != nil || !reflect.DeepEqual(recent, want[:1]) {
			t.Errorf("deleted after now: %+v, %v", recent, err)
		}
		if o, _ := tx.ListDeletedThreads(ctx, other, thread.DeletedFilter{}, p); len(o) != 0 {
			t.Errorf("another workspace lists %d deleted threads", len(o))
		}
		return nil
	})
}

// testLabelTypeChanges: UpdateLabelType overwrites the attributes but not
// the archiving; a label type is found by external id in its workspace.
func testLabelTypeChanges(t *testing.T, st store.Store) {
	a, b := MustCreateWorkspace(t, st, "A"), MustCreateWorkspace(t, st, "B")
	now := core.SystemClock{}.Now()
	parent, _ := label.NewType(a.ID, label.CreateInput{Name: "Parent"}, now, core.SystemActor)
	lt, _ := label.NewType(a.ID, label.CreateInput{Name: "Bug", ExternalID: core.Ptr("bug")}, now, core.SystemActor)
	twin, _ := label.NewType(b.ID, label.CreateInput{Name: "Bug", ExternalID: core.Ptr("bug")}, now, core.SystemActor)
	mustUpdate(t, st, func(tx store.Tx) error {
		for _, l := range []label.Type{parent, lt, twin} {
			if err := tx.CreateLabelType(ctx, l); err != nil {
				return err
			}
		}
		return nil
	})
	by := core.Actor{Type: core.ActorUser, ID: "u_X"}
	changed := lt
	changed.Name, changed.Icon, changed.Color, changed.Description = "Defect", core.Ptr("bug"), core.Ptr("#000"), core.Ptr("d")
	changed.ExternalID, changed.IsExcludedFromAI, changed.ParentID, changed.Position = core.Ptr("defect"), true, &parent.ID, "b"
	changed.UpdatedAt, changed.UpdatedBy = now.Add(5), by
	mustUpdate(t, st, func(tx store.Tx) error { return tx.UpdateLabelType(ctx, changed) })
	mustView(t, st, func(tx store.Tx) error {
		got, err := tx.GetLabelType(ctx, a.ID, lt.ID)
		if err != nil || !reflect.DeepEqual(got, changed) {
			t.Errorf("after UpdateLabelType: %+v, %v; want %+v", got, err, changed)
		}
		got, err = tx.GetLabelTypeByExternalID(ctx, a.ID, "defect")
		if err != nil || got.ID != lt.ID {
			t.Errorf("by external id: %+v, %v", got, err)
		}
		if _, err := tx.GetLabelTypeByExternalID(ctx, a.ID, "bug"); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("old external id: %v, want ErrNotFound", err)
		}
		if got, err := tx.GetLabelTypeByExternalID(ctx, b.ID, "bug"); err != nil || got.ID != twin.ID {
			t.Errorf("the other workspace's: %+v, %v", got, err)
		}
		return nil
	})
	moved := changed
	moved.WorkspaceID = b.ID
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.UpdateLabelType(ctx, moved) }); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("UpdateLabelType through another workspace: %v", err)
	}
}

// testCustomerSpamMark: who marked a customer as spam is stored.
func testCustomerSpamMark(t *testing.T, st store.Store) {
	ws, _ := threadFixture(t, st, "A")
	c := NewCustomer(ws, "S", "s@example.com")
	mustUpdate(t, st, func(tx store.Tx) error { return tx.CreateCustomer(ctx, c) })
	at, by := c.CreatedAt.Add(7), core.Actor{Type: core.ActorMachineUser, ID: "mu_X"}
	c.MarkedAsSpamAt, c.MarkedAsSpamBy = &at, &by
	mustUpdate(t, st, func(tx store.Tx) error { return tx.UpdateCustomer(ctx, c) })
	mustView(t, st, func(tx store.Tx) error {
		got, err := tx.GetCustomer(ctx, ws, c.ID)
		if err != nil || !reflect.DeepEqual(got, c) {
			t.Errorf("read back %+v, %v; want %+v", got, err, c)
		}
		return nil
	})
}

// testAdditionalAssignees: additional assignees are added once, listed per
// thread in the order they were added, removed, and go with their thread.
func testAdditionalAssignees(t *testing.T, st store.Store) {
	ws, cust := threadFixture(t, st, "A")
	other, otherCust := threadFixture(t, st, "B")
	a, b, c := newThread(ws, cust, 1), newThread(ws, cust, 2), newThread(other, otherCust, 1)
	now := core.SystemClock{}.Now()
	u := core.Actor{Type: core.ActorUser, ID: "u_1"}
	m := core.Actor{Type: core.ActorMachineUser, ID: "mu_1"}
	add := func(th thread.Thread, who core.Actor, at core.Time) thread.AdditionalAssignee {
		return thread.AdditionalAssignee{WorkspaceID: th.WorkspaceID, ThreadID: th.ID, Assignee: who, CreatedAt: at, CreatedBy: core.SystemActor}
	}
	mustUpdate(t, st, func(tx store.Tx) error {
		for _, th := range []thread.Thread{a, b, c} {
			if err := tx.CreateThread(ctx, th); err != nil {
				return err
			}
		}
		for _, x := range []thread.AdditionalAssignee{add(a, u, now), add(a, m, now.Add(time.Millisecond)), add(a, u, now.Add(time.Second)),
			add(b, m, now), add(c, u, now)} {
			if err := tx.AddAdditionalAssignee(ctx, x); err != nil {
				return err
			}
		}
		return nil
	})
	read := func(ws string, ids ...string) []thread.AdditionalAssignee {
		var out []thread.AdditionalAssignee
		mustView(t, st, func(tx store.Tx) (err error) { out, err = tx.AdditionalAssigneesOfThreads(ctx, ws, ids); return err })
		return out
	}
	want := []thread.AdditionalAssignee{add(a, u, now), add(a, m, now.Add(time.Millisecond))}
	if got := read(ws, a.ID); !reflect.DeepEqual(got, want) {
		t.Errorf("additional assignees of a = %+v, want %+v (added once, in order)", got, want)
	}
	if got := read(ws, a.ID, b.ID, c.ID); len(got) != 3 {
		t.Errorf("of a, b and c through workspace A: %d, want 3 (c is B's)", len(got))
	}
	if got := read(ws); len(got) != 0 {
		t.Errorf("of no thread: %+v", got)
	}
	mustUpdate(t, st, func(tx store.Tx) error {
		if err := tx.RemoveAdditionalAssignee(ctx, ws, a.ID, u); err != nil {
			return err
		}
		if err := tx.RemoveAdditionalAssignee(ctx, other, c.ID, m); err != nil { // not one: nothing
			return err
		}
		return tx.DeleteThread(ctx, ws, b.ID, now, core.SystemActor)
	})
	if got := read(ws, a.ID, b.ID); !reflect.DeepEqual(got, want[1:]) {
		t.Errorf("after removing u from a and deleting b: %+v", got)
	}
	if got := read(other, c.ID); len(got) != 1 {
		t.Errorf("c's: %+v", got)
	}
}
