package storetest

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/store"
)

// testCustomerReads checks the customer reads other tests do not: by email,
// by ids, under lock, and counts by filter, each scoped to the workspace.
func testCustomerReads(t *testing.T, st store.Store) {
	a := MustCreateWorkspace(t, st, "A")
	b := MustCreateWorkspace(t, st, "B")
	c1, c2, other := NewCustomer(a.ID, "One", "one@example.com"), NewCustomer(a.ID, "Two", "two@example.com"),
		NewCustomer(b.ID, "One", "one@example.com")
	spam := c2.CreatedAt
	c2.MarkedAsSpamAt, c2.ShortName, c2.ExternalID = &spam, core.Ptr("T"), core.Ptr("ext-2")
	mustUpdate(t, st, func(tx store.Tx) error {
		for _, c := range []customer.Customer{c1, c2, other} {
			if err := tx.CreateCustomer(ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
	mustUpdate(t, st, func(tx store.Tx) error {
		for _, want := range []customer.Customer{c1, c2} {
			if got, err := tx.GetCustomer(ctx, a.ID, want.ID); err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("GetCustomer = %+v, %v; want %+v", got, err, want)
			}
			if got, err := tx.LockCustomer(ctx, a.ID, want.ID); err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("LockCustomer = %+v, %v; want %+v", got, err, want)
			}
		}
		if got, err := tx.GetCustomerByEmail(ctx, a.ID, "one@example.com"); err != nil || got.ID != c1.ID {
			t.Errorf("GetCustomerByEmail = %+v, %v", got, err)
		}
		if got, err := tx.GetCustomerByEmail(ctx, b.ID, "one@example.com"); err != nil || got.ID != other.ID {
			t.Errorf("GetCustomerByEmail in B = %+v, %v", got, err)
		}
		cs, err := tx.GetCustomers(ctx, a.ID, []string{c2.ID, other.ID, "c_missing", c1.ID})
		if err != nil || len(cs) != 2 || !slices.ContainsFunc(cs, func(c customer.Customer) bool { return reflect.DeepEqual(c, c2) }) ||
			!slices.ContainsFunc(cs, func(c customer.Customer) bool { return c.ID == c1.ID }) {
			t.Errorf("GetCustomers = %+v, %v; want c1 and c2 only", cs, err)
		}
		if cs, err := tx.GetCustomers(ctx, a.ID, nil); err != nil || len(cs) != 0 {
			t.Errorf("GetCustomers of no ids = %+v, %v", cs, err)
		}
		for name, f := range map[string]struct {
			f    customer.Filter
			want int
		}{
			"all":            {customer.Filter{}, 2},
			"spam":           {customer.Filter{IsMarkedAsSpam: core.Ptr(true)}, 1},
			"not spam":       {customer.Filter{IsMarkedAsSpam: core.Ptr(false)}, 1},
			"nothing":        {customer.Filter{CompanyIDs: []string{}}, 0},
			"updated before": {customer.Filter{UpdatedBefore: &c1.UpdatedAt}, 0},
		} {
			if n, err := tx.CountCustomers(ctx, a.ID, f.f); err != nil || n != f.want {
				t.Errorf("CountCustomers(%s) = %d, %v; want %d", name, n, err, f.want)
			}
		}
		for name, read := range map[string]func() error{
			"GetCustomer":        func() error { _, err := tx.GetCustomer(ctx, b.ID, c1.ID); return err },
			"LockCustomer":       func() error { _, err := tx.LockCustomer(ctx, b.ID, c1.ID); return err },
			"GetCustomerByEmail": func() error { _, err := tx.GetCustomerByEmail(ctx, a.ID, "none@example.com"); return err },
		} {
			if err := read(); !errors.Is(err, core.ErrNotFound) {
				t.Errorf("%s of a missing customer: %v, want ErrNotFound", name, err)
			}
		}
		return nil
	})
}

// testLabels checks label type reads (by id, under lock, by ids) and a
// thread's labels: created, read by id and by thread, deleted.
func testLabels(t *testing.T, st store.Store) {
	a := MustCreateWorkspace(t, st, "A")
	b := MustCreateWorkspace(t, st, "B")
	c := NewCustomer(a.ID, "C", "c@example.com")
	mustUpdate(t, st, func(tx store.Tx) error { return tx.CreateCustomer(ctx, c) })
	th1, th2 := MustCreateThread(t, st, c, nil), MustCreateThread(t, st, c, nil)
	now := core.SystemClock{}.Now()
	lt, err := label.NewType(a.ID, label.CreateInput{Name: "Bug", Color: core.Ptr("#ff0000"), Description: core.Ptr("d"),
		ExternalID: core.Ptr("ext")}, now, core.SystemActor)
	if err != nil {
		t.Fatal(err)
	}
	newLabel := func(threadID string) label.Label {
		return label.Label{ID: core.NewID(core.PrefixLabel), WorkspaceID: a.ID, ThreadID: threadID, TypeID: lt.ID,
			CreatedAt: now, CreatedBy: core.SystemActor, UpdatedAt: now, UpdatedBy: core.SystemActor}
	}
	l1, l2 := newLabel(th1.ID), newLabel(th2.ID)
	mustUpdate(t, st, func(tx store.Tx) error {
		if err := tx.CreateLabelType(ctx, lt); err != nil {
			return err
		}
		if err := tx.CreateLabel(ctx, l1); err != nil {
			return err
		}
		return tx.CreateLabel(ctx, l2)
	})
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.CreateLabel(ctx, newLabel(th1.ID)) }); !errors.Is(err, core.ErrDuplicate) {
		t.Errorf("a label type twice on one thread: %v, want ErrDuplicate", err)
	}
	checkLabelReads(t, st, a.ID, b.ID, lt, l1, l2, []string{th1.ID, th2.ID})
	mustUpdate(t, st, func(tx store.Tx) error { return tx.DeleteLabel(ctx, a.ID, l1.ID) })
	for name, del := range map[string]func(tx store.Tx) error{
		"twice":                     func(tx store.Tx) error { return tx.DeleteLabel(ctx, a.ID, l1.ID) },
		"through another workspace": func(tx store.Tx) error { return tx.DeleteLabel(ctx, b.ID, l2.ID) },
	} {
		if err := st.Update(ctx, del); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("DeleteLabel %s: %v, want ErrNotFound", name, err)
		}
	}
	mustView(t, st, func(tx store.Tx) error {
		if ls, err := tx.GetLabels(ctx, a.ID, []string{l1.ID, l2.ID}); err != nil || len(ls) != 1 || ls[0] != l2 {
			t.Errorf("after DeleteLabel: %+v, %v", ls, err)
		}
		return nil
	})
}

// checkLabelReads reads label type lt and labels l1 and l2 of workspace ws
// every way, and through workspace other.
func checkLabelReads(t *testing.T, st store.Store, ws, other string, lt label.Type, l1, l2 label.Label, threads []string) {
	t.Helper()
	mustUpdate(t, st, func(tx store.Tx) error {
		if got, err := tx.GetLabelType(ctx, ws, lt.ID); err != nil || !reflect.DeepEqual(got, lt) {
			t.Errorf("GetLabelType = %+v, %v; want %+v", got, err, lt)
		}
		if got, err := tx.LockLabelType(ctx, ws, lt.ID); err != nil || !reflect.DeepEqual(got, lt) {
			t.Errorf("LockLabelType = %+v, %v", got, err)
		}
		if ts, err := tx.GetLabelTypes(ctx, ws, []string{"lt_missing", lt.ID}); err != nil || len(ts) != 1 || ts[0].ID != lt.ID {
			t.Errorf("GetLabelTypes = %+v, %v", ts, err)
		}
		if ts, err := tx.GetLabelTypes(ctx, other, []string{lt.ID}); err != nil || len(ts) != 0 {
			t.Errorf("GetLabelTypes through another workspace = %+v, %v", ts, err)
		}
		for name, read := range map[string]func() error{
			"GetLabelType":  func() error { _, err := tx.GetLabelType(ctx, other, lt.ID); return err },
			"LockLabelType": func() error { _, err := tx.LockLabelType(ctx, other, lt.ID); return err },
		} {
			if err := read(); !errors.Is(err, core.ErrNotFound) {
				t.Errorf("%s through another workspace: %v, want ErrNotFound", name, err)
			}
		}
		ls, err := tx.GetLabels(ctx, ws, []string{l2.ID, "l_missing", l1.ID})
		if err != nil || len(ls) != 2 || !slices.ContainsFunc(ls, func(l label.Label) bool { return l == l1 }) ||
			!slices.ContainsFunc(ls, func(l label.Label) bool { return l == l2 }) {
			t.Errorf("GetLabels = %+v, %v", ls, err)
		}
		if ls, err := tx.GetLabels(ctx, other, []string{l1.ID}); err != nil || len(ls) != 0 {
			t.Errorf("GetLabels through another workspace = %+v, %v", ls, err)
		}
		// MustCreateThread gave each thread a label of its own type too.
		if ls, err := tx.LabelsOfThreads(ctx, ws, threads); err != nil || len(ls) != 4 {
			t.Errorf("LabelsOfThreads = %+v, %v; want 4", ls, err)
		}
		if ls, err := tx.LabelsOfThreads(ctx, ws, nil); err != nil || len(ls) != 0 {
			t.Errorf("LabelsOfThreads of no threads = %+v, %v", ls, err)
		}
		return nil
	})
}

// testFieldValues checks schema reads (by id, under lock) and a thread's
// field values: read by key, changed (type and value slots), deleted.
func testFieldValues(t *testing.T, st store.Store) {
	a := MustCreateWorkspace(t, st, "A")
	b := MustCreateWorkspace(t, st, "B")
	c := NewCustomer(a.ID, "C", "c@example.com")
	mustUpdate(t, st, func(tx store.Tx) error { return tx.CreateCustomer(ctx, c) })
	th, th2 := MustCreateThread(t, st, c, nil), MustCreateThread(t, st, c, nil)
	now, by := core.SystemClock{}.Now(), core.Actor{Type: core.ActorUser, ID: "u_1"}
	s := field.Schema{ID: core.NewID(core.PrefixFieldSchema), WorkspaceID: a.ID, Key: "plan", Label: "Plan", Description: "d",
		Type: field.TypeString, EnumValues: []string{}, DependsOnLabelTypes: []string{}, DefaultBool: core.Ptr(false),
		DefaultDate: &now, IsClientReadonly: true, CreatedAt: now, CreatedBy: by, UpdatedAt: now, UpdatedBy: by}
	v := field.NewValue(a.ID, th.ID, field.ValueInput{Key: "plan", Type: field.TypeString, String: core.Ptr("pro")}, now, by)
	mustUpdate(t, st, func(tx store.Tx) error {
		if err := tx.CreateFieldSchema(ctx, s); err != nil {
			return err
		}
		return tx.CreateFieldValue(ctx, v)
	})
	if err := st.Update(ctx, func(tx store.Tx) error {
		return tx.CreateFieldValue(ctx, field.NewValue(a.ID, th.ID, field.ValueInput{Key: "plan", Type: field.TypeBool, Bool: core.Ptr(true)}, now, by))
	}); !errors.Is(err, core.ErrDuplicate) {
		t.Errorf("a key twice on one thread: %v, want ErrDuplicate", err)
	}
	mustUpdate(t, st, func(tx store.Tx) error {
		if got, err := tx.GetFieldSchema(ctx, a.ID, s.ID); err != nil || !reflect.DeepEqual(got, s) {
			t.Errorf("GetFieldSchema = %+v, %v; want %+v", got, err, s)
		}
		if got, err := tx.LockFieldSchema(ctx, a.ID, s.ID); err != nil || !reflect.DeepEqual(got, s) {
			t.Errorf("LockFieldSchema = %+v, %v", got, err)
		}
		if got, err := tx.GetFieldValue(ctx, a.ID, th.ID, "plan"); err != nil || !reflect.DeepEqual(got, v) {
			t.Errorf("GetFieldValue = %+v, %v; want %+v", got, err, v)
		}
		for name, read := range map[string]func() error{
			"GetFieldSchema":                  func() error { _, err := tx.GetFieldSchema(ctx, b.ID, s.ID); return err },
			"LockFieldSchema":                 func() error { _, err := tx.LockFieldSchema(ctx, b.ID, s.ID); return err },
			"GetFieldValue of another key":    func() error { _, err := tx.GetFieldValue(ctx, a.ID, th.ID, "other"); return err },
			"GetFieldValue of another thread": func() error { _, err := tx.GetFieldValue(ctx, a.ID, th2.ID, "plan"); return err },
			"GetFieldValue through B":         func() error { _, err := tx.GetFieldValue(ctx, b.ID, th.ID, "plan"); return err },
		} {
			if err := read(); !errors.Is(err, core.ErrNotFound) {
				t.Errorf("%s: %v, want ErrNotFound", name, err)
			}
		}
		return nil
	})
	checkFieldValueChanges(t, st, a.ID, b.ID, v, []string{th.ID, th2.ID})

}

// checkFieldValueChanges changes value v of workspace ws (type and value
// slots), then deletes it; threads are v's thread and another, each with
// a "flag" value.
func checkFieldValueChanges(t *testing.T, st store.Store, ws, other string, v field.Value, threads []string) {
	t.Helper()
	changed := v
	changed.Type, changed.String, changed.Number, changed.IsAIGenerated = field.TypeNumber, nil, core.Ptr(2.5), true
	changed.UpdatedAt, changed.UpdatedBy = v.UpdatedAt.Add(time.Second), core.SystemActor
	mustUpdate(t, st, func(tx store.Tx) error { return tx.UpdateFieldValue(ctx, changed) })
	mustView(t, st, func(tx store.Tx) error {
		if got, err := tx.GetFieldValue(ctx, ws, v.ThreadID, "plan"); err != nil || !reflect.DeepEqual(got, changed) {
			t.Errorf("after UpdateFieldValue: %+v, %v; want %+v", got, err, changed)
		}
		return nil
	})
	mustUpdate(t, st, func(tx store.Tx) error { return tx.DeleteFieldValue(ctx, ws, v.ID) })
	gone := changed
	gone.WorkspaceID = other
	for name, fn := range map[string]func(tx store.Tx) error{
		"GetFieldValue after delete":          func(tx store.Tx) error { _, err := tx.GetFieldValue(ctx, ws, v.ThreadID, "plan"); return err },
		"DeleteFieldValue twice":              func(tx store.Tx) error { return tx.DeleteFieldValue(ctx, ws, v.ID) },
		"UpdateFieldValue of a deleted value": func(tx store.Tx) error { return tx.UpdateFieldValue(ctx, changed) },
		"UpdateFieldValue through B":          func(tx store.Tx) error { return tx.UpdateFieldValue(ctx, gone) },
	} {
		if err := st.Update(ctx, fn); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", name, err)
		}
	}
	mustView(t, st, func(tx store.Tx) error {
		// MustCreateThread gave each thread a "flag" value.
		vs, err := tx.FieldValuesOfThreads(ctx, ws, threads)
		if err != nil || len(vs) != 2 || vs[0].Key != "flag" || vs[1].Key != "flag" {
			t.Errorf("FieldValuesOfThreads = %+v, %v", vs, err)
		}
		if vs, err := tx.FieldValuesOfThreads(ctx, other, threads); err != nil || len(vs) != 0 {
			t.Errorf("FieldValuesOfThreads through B = %+v, %v", vs, err)
		}
		return nil
	})
}
