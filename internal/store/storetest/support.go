package storetest

import (
	"errors"
	"fmt"
	"testing"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/timeline"
)

func testCustomerUniqueness(t *testing.T, st store.Store) {
	a := MustCreateWorkspace(t, st, "A")
	b := MustCreateWorkspace(t, st, "B")
	c := NewCustomer(a.ID, "Ann", "ann@example.com")
	c.ExternalID = core.Ptr("ext-1")
	mustUpdate(t, st, func(tx store.Tx) error { return tx.CreateCustomer(ctx, c) })
	for name, other := range map[string]func(*customer.Customer){
		"email":       func(o *customer.Customer) {},
		"external id": func(o *customer.Customer) { o.Email = "other@example.com"; o.ExternalID = core.Ptr("ext-1") },
	} {
		o := NewCustomer(a.ID, "Other", "ann@example.com")
		other(&o)
		err := st.Update(ctx, func(tx store.Tx) error { return tx.CreateCustomer(ctx, o) })
		if !errors.Is(err, core.ErrDuplicate) {
			t.Errorf("duplicate %s: %v, want ErrDuplicate", name, err)
		}
	}
	// Customers without external ids do not collide; other workspaces are separate.
	mustUpdate(t, st, func(tx store.Tx) error {
		if err := tx.CreateCustomer(ctx, NewCustomer(a.ID, "X", "x@example.com")); err != nil {
			return err
		}
		if err := tx.CreateCustomer(ctx, NewCustomer(a.ID, "Y", "y@example.com")); err != nil {
			return err
		}
		return tx.CreateCustomer(ctx, NewCustomer(b.ID, "Ann B", "ann@example.com"))
	})
	c.FullName, c.ShortName = "Ann Updated", core.Ptr("Ann")
	mustUpdate(t, st, func(tx store.Tx) error { return tx.UpdateCustomer(ctx, c) })
	_ = st.View(ctx, func(tx store.Tx) error {
		got, err := tx.GetCustomerByExternalID(ctx, a.ID, "ext-1")
		if err != nil || got.FullName != "Ann Updated" || *got.ShortName != "Ann" || got.Email != "ann@example.com" {
			t.Errorf("after update: %+v, %v", got, err)
		}
		if _, err := tx.GetCustomer(ctx, b.ID, c.ID); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("customer read through another workspace: %v", err)
		}
		return nil
	})
}

// testCustomerPagination walks all customers forward and backward in pages
// and checks order, completeness and the page flags.
func testCustomerPagination(t *testing.T, st store.Store) {
	a := MustCreateWorkspace(t, st, "A")
	const n = 23
	mustUpdate(t, st, func(tx store.Tx) error {
		for i := 0; i < n; i++ {
			// Duplicate names: the id breaks ties.
			if err := tx.CreateCustomer(ctx, NewCustomer(a.ID, fmt.Sprintf("Name %02d", i/2), fmt.Sprintf("c%d@example.com", i))); err != nil {
				return err
			}
		}
		return nil
	})
	for _, desc := range []bool{false, true} {
		var all []customer.Customer
		var after *string
		for pages := 0; ; pages++ {
			page, _ := core.PageArgs{First: core.Ptr(5), After: after}.Resolve(2)
			var rows []customer.Customer
			_ = st.View(ctx, func(tx store.Tx) (err error) {
				rows, err = tx.ListCustomers(ctx, a.ID, customer.Filter{}, customer.Sort{Descending: desc}, page)
				return err
			})
			conn := core.NewConnection(page, rows, customer.CursorOf)
			for _, e := range conn.Edges {
				all = append(all, e.Node)
			}
			if conn.PageInfo.HasPreviousPage != (after != nil) {
				t.Fatalf("page %d: hasPreviousPage %v", pages, conn.PageInfo.HasPreviousPage)
			}
			if !conn.PageInfo.HasNextPage {
				break
			}
			after = conn.PageInfo.EndCursor
		}
		if len(all) != n {
			t.Fatalf("desc=%v: walked %d customers, want %d", desc, len(all), n)
		}
		for i := 1; i < n; i++ {
			x, y := all[i-1], all[i]
			ordered := x.FullName < y.FullName || (x.FullName == y.FullName && x.ID < y.ID)
			if desc {
				ordered = x.FullName > y.FullName || (x.FullName == y.FullName && x.ID > y.ID)
			}
			if !ordered {
				t.Fatalf("desc=%v: out of order at %d: %s/%s then %s/%s", desc, i, x.FullName, x.ID, y.FullName, y.ID)
			}
		}
		// Backward from the end reproduces the same sequence.
		var back []customer.Customer
		var before *string
		for {
			page, _ := core.PageArgs{Last: core.Ptr(4), Before: before}.Resolve(2)
			var rows []customer.Customer
			_ = st.View(ctx, func(tx store.Tx) (err error) {
				rows, err = tx.ListCustomers(ctx, a.ID, customer.Filter{}, customer.Sort{Descending: desc}, page)
				return err
			})
			conn := core.NewConnection(page, rows, customer.CursorOf)
			var chunk []customer.Customer
			for _, e := range conn.Edges {
				chunk = append(chunk, e.Node)
			}
			back = append(chunk, back...)
			if !conn.PageInfo.HasPreviousPage {
				break
			}
			before = conn.PageInfo.StartCursor
		}
		for i := range all {
			if i >= len(back) || back[i].ID != all[i].ID {
				t.Fatalf("desc=%v: backward walk differs at %d", desc, i)
			}
		}
	}
	var count int
	_ = st.View(ctx, func(tx store.Tx) (err error) {
		count, err = tx.CountCustomers(ctx, a.ID, customer.Filter{IsMarkedAsSpam: core.Ptr(false)})
		return err
	})
	if count != n {
		t.Fatalf("count = %d, want %d", count, n)
	}
}

func testLabelTypes(t *testing.T, st store.Store) {
	a := MustCreateWorkspace(t, st, "A")
	now := core.SystemClock{}.Now()
	var types []label.Type
	mustUpdate(t, st, func(tx store.Tx) error {
		for i := 0; i < 5; i++ {
			lt, err := label.NewType(a.ID, label.CreateInput{Name: fmt.Sprintf("L%d", i), Icon: core.Ptr("bug")}, now, core.SystemActor)
			if err != nil {
				return err
			}
			types = append(types, lt)
			if err := tx.CreateLabelType(ctx, lt); err != nil {
				return err
			}
		}
		by := core.Actor{Type: core.ActorUser, ID: "u_1"}
		return tx.SetLabelTypeArchived(ctx, a.ID, types[1].ID, &now, &by, now, by)
	})
	list := func(archived *bool) []label.Type {
		page, _ := core.PageArgs{}.Resolve(1)
		var rows []label.Type
		_ = st.View(ctx, func(tx store.Tx) (err error) { rows, err = tx.ListLabelTypes(ctx, a.ID, archived, page); return err })
		return rows
	}
	if all, arch, active := list(nil), list(core.Ptr(true)), list(core.Ptr(false)); len(all) != 5 || len(arch) != 1 || len(active) != 4 ||
		arch[0].ID != types[1].ID || arch[0].ArchivedBy == nil || arch[0].ArchivedBy.ID != "u_1" || *arch[0].Icon != "bug" {
		t.Fatalf("all %d, archived %+v, active %d", len(all), arch, len(active))
	}
	mustUpdate(t, st, func(tx store.Tx) error {
		return tx.SetLabelTypeArchived(ctx, a.ID, types[1].ID, nil, nil, now, core.SystemActor)
	})
	if arch := list(core.Ptr(true)); len(arch) != 0 {
		t.Fatalf("unarchived type still archived: %+v", arch)
	}
}

func testFieldSchemas(t *testing.T, st store.Store) {
	a := MustCreateWorkspace(t, st, "A")
	now := core.SystemClock{}.Now()
	s := field.Schema{ID: core.NewID(core.PrefixFieldSchema), WorkspaceID: a.ID, Key: "area", Label: "Area", Type: field.TypeEnum,
		EnumValues: []string{"billing", "login"}, IsRequired: true, Order: 2, DefaultString: core.Ptr("login"),
		DependsOnLabelTypes: []string{"lt_x"}, DependsOnField: &field.DependsOnField{SchemaID: "tfs_y", Value: "v"},
		CreatedAt: now, CreatedBy: core.SystemActor, UpdatedAt: now, UpdatedBy: core.SystemActor}
	first := s
	first.ID, first.Key, first.Order, first.Type, first.EnumValues = core.NewID(core.PrefixFieldSchema), "first", 1, field.TypeNumber, nil
	first.DefaultString, first.DefaultNumber, first.DependsOnField, first.DependsOnLabelTypes = nil, core.Ptr(1.5), nil, nil
	mustUpdate(t, st, func(tx store.Tx) error {
		if err := tx.CreateFieldSchema(ctx, s); err != nil {
			return err
		}
		return tx.CreateFieldSchema(ctx, first)
	})
	dup := s
	dup.ID = core.NewID(core.PrefixFieldSchema)
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.CreateFieldSchema(ctx, dup) }); !errors.Is(err, core.ErrDuplicate) {
		t.Fatalf("duplicate key: %v", err)
	}
	var all []field.Schema
	_ = st.View(ctx, func(tx store.Tx) (err error) { all, err = tx.ListFieldSchemas(ctx, a.ID); return err })
	if len(all) != 2 || all[0].Key != "first" || *all[0].DefaultNumber != 1.5 || all[1].Key != "area" ||
		fmt.Sprint(all[1].EnumValues) != "[billing login]" || all[1].DependsOnField.SchemaID != "tfs_y" ||
		fmt.Sprint(all[1].DependsOnLabelTypes) != "[lt_x]" || *all[1].DefaultString != "login" || !all[1].IsRequired {
		t.Fatalf("schemas read back: %+v", all)
	}
	s.Label, s.EnumValues = "Product area", []string{"billing"}
	mustUpdate(t, st, func(tx store.Tx) error { return tx.UpdateFieldSchema(ctx, s) })
	mustUpdate(t, st, func(tx store.Tx) error { return tx.DeleteFieldSchema(ctx, a.ID, first.ID) })
	_ = st.View(ctx, func(tx store.Tx) (err error) { all, err = tx.ListFieldSchemas(ctx, a.ID); return err })
	if len(all) != 1 || all[0].Label != "Product area" || len(all[0].EnumValues) != 1 {
		t.Fatalf("after update and delete: %+v", all)
	}
}

// MustCreateThread stores a thread with one label, one field value and a
// timeline entry for customer c.
func MustCreateThread(t *testing.T, st store.Store, c customer.Customer, ext *string) thread.Thread {
	t.Helper()
	now := core.SystemClock{}.Now()
	var th thread.Thread
	mustUpdate(t, st, func(tx store.Tx) error {
		ref, err := tx.NextCounter(ctx, c.WorkspaceID, "thread_ref")
		if err != nil {
			return err
		}
		th = thread.Thread{ID: core.NewID(core.PrefixThread), WorkspaceID: c.WorkspaceID, Ref: ref, ExternalID: ext,
			CustomerID: c.ID, Title: "Help", PreviewText: core.Ptr("preview"), Priority: 1, Status: thread.StatusTodo,
			StatusDetail: thread.DetailCreated, StatusChangedAt: now, StatusChangedBy: core.SystemActor, Channel: thread.ChannelAPI,
			Assignee: &core.Actor{Type: core.ActorUser, ID: "u_1"}, AssignedAt: &now,
			CreatedAt: now, CreatedBy: core.SystemActor, UpdatedAt: now, UpdatedBy: core.SystemActor}
		if err := tx.CreateThread(ctx, th); err != nil {
			return err
		}
		lt, _ := label.NewType(c.WorkspaceID, label.CreateInput{Name: "L"}, now, core.SystemActor)
		if err := tx.CreateLabelType(ctx, lt); err != nil {
			return err
		}
		if err := tx.CreateLabel(ctx, label.Label{ID: core.NewID(core.PrefixLabel), WorkspaceID: c.WorkspaceID, ThreadID: th.ID,
			TypeID: lt.ID, CreatedAt: now, CreatedBy: core.SystemActor, UpdatedAt: now, UpdatedBy: core.SystemActor}); err != nil {
			return err
		}
		v := field.NewValue(c.WorkspaceID, th.ID, field.ValueInput{Key: "flag", Type: field.TypeBool, Bool: core.Ptr(true)}, now, core.SystemActor)
		if err := tx.CreateFieldValue(ctx, v); err != nil {
			return err
		}
		return tx.CreateTimelineEntry(ctx, timeline.Entry{ID: core.NewID(core.PrefixTimeline), WorkspaceID: c.WorkspaceID,
			ThreadID: th.ID, CustomerID: c.ID, Kind: timeline.KindThreadCreated, Payload: []byte(`[]`), Actor: core.SystemActor, CreatedAt: now})
	})
	return th
}

func testThreadRoundTrip(t *testing.T, st store.Store) {
	a := MustCreateWorkspace(t, st, "A")
	c1, c2 := NewCustomer(a.ID, "One", "one@example.com"), NewCustomer(a.ID, "Two", "two@example.com")
	mustUpdate(t, st, func(tx store.Tx) error {
		if err := tx.CreateCustomer(ctx, c1); err != nil {
			return err
		}
		return tx.CreateCustomer(ctx, c2)
	})
	th := MustCreateThread(t, st, c1, core.Ptr("order-1"))
	MustCreateThread(t, st, c2, core.Ptr("order-1")) // external ids are unique per customer only
	err := st.Update(ctx, func(tx store.Tx) error {
		dup := th
		dup.ID, dup.Ref = core.NewID(core.PrefixThread), 99
		return tx.CreateThread(ctx, dup)
	})
	if !errors.Is(err, core.ErrDuplicate) {
		t.Fatalf("same external id for one customer: %v", err)
	}
	_ = st.View(ctx, func(tx store.Tx) error {
		for name, get := range map[string]func() (thread.Thread, error){
			"id":         func() (thread.Thread, error) { return tx.GetThread(ctx, a.ID, th.ID) },
			"ref":        func() (thread.Thread, error) { return tx.GetThreadByRef(ctx, a.ID, th.Ref) },
			"externalId": func() (thread.Thread, error) { return tx.GetThreadByExternalID(ctx, a.ID, c1.ID, "order-1") },
		} {
			got, err := get()
			if err != nil || got.ID != th.ID || got.Assignee == nil || *got.Assignee != *th.Assignee || *got.AssignedAt != *th.AssignedAt ||
				got.Priority != 1 || *got.PreviewText != "preview" || got.StatusDetail != thread.DetailCreated {
				t.Errorf("by %s: %+v, %v", name, got, err)
			}
		}
		ls, err := tx.LabelsOfThreads(ctx, a.ID, []string{th.ID})
		if err != nil || len(ls) != 1 {
			t.Errorf("labels: %+v %v", ls, err)
		}
		vs, err := tx.FieldValuesOfThreads(ctx, a.ID, []string{th.ID})
		if err != nil || len(vs) != 1 || vs[0].Bool == nil || !*vs[0].Bool || vs[0].String != nil {
			t.Errorf("field values: %+v %v", vs, err)
		}
		tl, err := tx.TimelineOfThread(ctx, a.ID, th.ID)
		if err != nil || len(tl) != 1 || tl[0].Kind != timeline.KindThreadCreated {
			t.Errorf("timeline: %+v %v", tl, err)
		}
		return nil
	})
}

func testDeleteCustomerCascades(t *testing.T, st store.Store) {
	a := MustCreateWorkspace(t, st, "A")
	c := NewCustomer(a.ID, "Gone", "gone@example.com")
	mustUpdate(t, st, func(tx store.Tx) error { return tx.CreateCustomer(ctx, c) })
	th := MustCreateThread(t, st, c, nil)
	mustUpdate(t, st, func(tx store.Tx) error { return tx.DeleteCustomer(ctx, a.ID, c.ID) })
	_ = st.View(ctx, func(tx store.Tx) error {
		if _, err := tx.GetThread(ctx, a.ID, th.ID); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("thread of deleted customer: %v", err)
		}
		if ls, _ := tx.LabelsOfThreads(ctx, a.ID, []string{th.ID}); len(ls) != 0 {
			t.Errorf("labels of deleted thread remain: %d", len(ls))
		}
		return nil
	})
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.DeleteCustomer(ctx, a.ID, c.ID) }); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("deleting twice: %v", err)
	}
}
