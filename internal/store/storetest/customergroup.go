package storetest

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/component"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/customergroup"
	"github.com/threadline/threadline/internal/note"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/timeline"
)

// newGroup returns a customer group of ws (not stored).
func newGroup(ws, key string, externalID *string) customergroup.Group {
	return customergroup.New(ws, customergroup.Fields{Name: "Group " + key, Key: key, Color: "#ff0000", ExternalID: externalID},
		core.SystemClock{}.Now(), core.SystemActor)
}

func groupID(g customergroup.Group) string { return g.ID }

// testCustomerGroups checks groups: keys and external ids unique per
// workspace, reads by id, key and external id scoped to the workspace,
// updates, the list, and deletion.
func testCustomerGroups(t *testing.T, st store.Store) {
	a := MustCreateWorkspace(t, st, "A")
	b := MustCreateWorkspace(t, st, "B")
	vip, beta := newGroup(a.ID, "vip", core.Ptr("ext-vip")), newGroup(a.ID, "beta", nil)
	mustUpdate(t, st, func(tx store.Tx) error {
		for _, g := range []customergroup.Group{vip, beta, newGroup(b.ID, "vip", core.Ptr("ext-vip")), newGroup(a.ID, "gamma", nil)} {
			if err := tx.CreateCustomerGroup(ctx, g); err != nil {
				return err
			}
		}
		return nil
	})
	for name, g := range map[string]customergroup.Group{
		"key":         newGroup(a.ID, "vip", nil),
		"external id": newGroup(a.ID, "other", core.Ptr("ext-vip")),
	} {
		if err := st.Update(ctx, func(tx store.Tx) error { return tx.CreateCustomerGroup(ctx, g) }); !errors.Is(err, core.ErrDuplicate) {
			t.Errorf("duplicate %s: %v, want ErrDuplicate", name, err)
		}
	}
	mustUpdate(t, st, func(tx store.Tx) error { // Lock* needs a read-write transaction
		for name, q := range map[string][3][]string{
			"id": {{vip.ID}, nil, nil}, "key": {nil, {"vip"}, nil}, "external id": {nil, nil, {"ext-vip"}},
		} {
			if got, err := tx.FindCustomerGroups(ctx, a.ID, q[0], q[1], q[2]); err != nil || !reflect.DeepEqual(got, []customergroup.Group{vip}) {
				t.Errorf("FindCustomerGroups by %s = %+v, %v", name, got, err)
			}
		}
		if got, err := tx.FindCustomerGroups(ctx, b.ID, []string{vip.ID}, nil, nil); err != nil || len(got) != 0 {
			t.Errorf("FindCustomerGroups of A's group through B = %+v, %v", got, err)
		}
		if got, err := tx.LockCustomerGroup(ctx, a.ID, beta.ID); err != nil || !reflect.DeepEqual(got, beta) {
			t.Errorf("LockCustomerGroup = %+v, %v", got, err)
		}
		p, _ := core.PageArgs{First: core.Ptr(1)}.Resolve(1)
		if rows, err := tx.ListCustomerGroups(ctx, a.ID, nil, p); err != nil || !slices.Equal(idsOf(rows, groupID), []string{vip.ID, beta.ID}) {
			t.Errorf("ListCustomerGroups first 1 = %v, %v", idsOf(rows, groupID), err)
		}
		if rows, err := tx.ListCustomerGroups(ctx, a.ID, []string{"ext-vip", "none"}, p); err != nil || !slices.Equal(idsOf(rows, groupID), []string{vip.ID}) {
			t.Errorf("ListCustomerGroups by external id = %v, %v", idsOf(rows, groupID), err)
		}
		return nil
	})
	renamed := beta
	renamed.Name, renamed.ExternalID, renamed.UpdatedAt = "Beta testers", core.Ptr("ext-beta"), beta.UpdatedAt.Add(time.Minute)
	mustUpdate(t, st, func(tx store.Tx) error { return tx.UpdateCustomerGroup(ctx, renamed) })
	clash := renamed
	clash.Key = "vip"
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.UpdateCustomerGroup(ctx, clash) }); !errors.Is(err, core.ErrDuplicate) {
		t.Errorf("renaming a group's key to a taken one: %v, want ErrDuplicate", err)
	}
	mustUpdate(t, st, func(tx store.Tx) error { return tx.DeleteCustomerGroup(ctx, a.ID, renamed.ID) })
	mustView(t, st, func(tx store.Tx) error {
		if got, _ := tx.FindCustomerGroups(ctx, a.ID, []string{beta.ID}, nil, nil); len(got) != 0 {
			t.Errorf("a deleted group is still found: %+v", got)
		}
		return nil
	})
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.DeleteCustomerGroup(ctx, b.ID, vip.ID) }); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("deleting A's group through B: %v, want ErrNotFound", err)
	}
}

// testGroupMemberships checks memberships: added once, removed once, read
// per customer in pages or all at once, filtered by the groups' external
// ids, and gone with their group.
func testGroupMemberships(t *testing.T, st store.Store) {
	a := MustCreateWorkspace(t, st, "A")
	c1, c2 := NewCustomer(a.ID, "One", "one@example.com"), NewCustomer(a.ID, "Two", "two@example.com")
	groups := []customergroup.Group{newGroup(a.ID, "g1", core.Ptr("x1")), newGroup(a.ID, "g2", core.Ptr("x2")), newGroup(a.ID, "g3", nil)}
	slices.SortFunc(groups, func(x, y customergroup.Group) int { return cmpString(x.ID, y.ID) })
	now := core.SystemClock{}.Now()
	mustUpdate(t, st, func(tx store.Tx) error {
		for _, err := range []error{tx.CreateCustomer(ctx, c1), tx.CreateCustomer(ctx, c2)} {
			if err != nil {
				return err
			}
		}
		for _, g := range groups {
			if err := tx.CreateCustomerGroup(ctx, g); err != nil {
				return err
			}
			if ok, err := tx.AddGroupMembership(ctx, customergroup.NewMembership(a.ID, c1.ID, g.ID, now, core.SystemActor)); err != nil || !ok {
				return errors.Join(err, errors.New("first add did not add"))
			}
		}
		if ok, err := tx.AddGroupMembership(ctx, customergroup.NewMembership(a.ID, c1.ID, groups[0].ID, now, core.SystemActor)); err != nil || ok {
			return errors.Join(err, errors.New("second add added"))
		}
		_, err := tx.AddGroupMembership(ctx, customergroup.NewMembership(a.ID, c2.ID, groups[1].ID, now, core.SystemActor))
		return err
	})
	read := func(exts []string, p core.Page) map[string][]string {
		out := map[string][]string{}
		mustView(t, st, func(tx store.Tx) error {
			ms, err := tx.GroupMembershipsOf(ctx, a.ID, []string{c1.ID, c2.ID}, exts, p)
			for _, m := range ms {
				if m.Group.ID != m.Membership.GroupID || m.Membership.WorkspaceID != a.ID {
					t.Errorf("membership %+v is not of its group", m)
				}
				out[m.Membership.CustomerID] = append(out[m.Membership.CustomerID], m.Group.ID)
			}
			return err
		})
		return out
	}
	first, _ := core.PageArgs{First: core.Ptr(1)}.Resolve(1)
	gs := idsOf(groups, groupID)
	if got := read(nil, first); !slices.Equal(got[c1.ID], gs[:2]) || !slices.Equal(got[c2.ID], gs[1:2]) {
		t.Errorf("first pages of 1: %v", got)
	}
	if got := read(nil, core.Page{}); !slices.Equal(got[c1.ID], gs) {
		t.Errorf("every membership: %v, want %v", got[c1.ID], gs)
	}
	after, _ := core.PageArgs{After: core.Ptr(customergroup.MembershipCursor(customergroup.Member{Membership: customergroup.Membership{GroupID: gs[0]}}))}.Resolve(1)
	if got := read(nil, after); !slices.Equal(got[c1.ID], gs[1:]) {
		t.Errorf("page after the first: %v", got[c1.ID])
	}
	if got := read([]string{"x2"}, core.Page{}); len(got[c1.ID]) != 1 || len(got[c2.ID]) != 1 {
		t.Errorf("filtered by external id x2: %v", got)
	}
	mustUpdate(t, st, func(tx store.Tx) error {
		if ok, err := tx.RemoveGroupMembership(ctx, a.ID, c1.ID, gs[0]); err != nil || !ok {
			return errors.Join(err, errors.New("remove removed nothing"))
		}
		if ok, err := tx.RemoveGroupMembership(ctx, a.ID, c1.ID, gs[0]); err != nil || ok {
			return errors.Join(err, errors.New("second remove removed"))
		}
		return tx.DeleteCustomerGroup(ctx, a.ID, gs[1])
	})
	if got := read(nil, core.Page{}); !slices.Equal(got[c1.ID], gs[2:]) || len(got[c2.ID]) != 0 {
		t.Errorf("after a remove and a group deletion: %v", got)
	}
}

// testFindCustomerForThread checks that FindCustomerForThread reads what
// GetCustomer* and GroupMembershipsOf read, by each key, for a customer in
// groups and one in none, that HasEntries holds when CustomerEntries
// returns some, and that it finds nothing through another workspace.
func testFindCustomerForThread(t *testing.T, st store.Store) {
	a, b := MustCreateWorkspace(t, st, "A"), MustCreateWorkspace(t, st, "B")
	grouped, alone := NewCustomer(a.ID, "One", "one@example.com"), NewCustomer(a.ID, "Two", "two@example.com")
	grouped.ExternalID, alone.ExternalID = core.Ptr("ext-1"), core.Ptr("ext-2")
	groups := []customergroup.Group{newGroup(a.ID, "g1", nil), newGroup(a.ID, "g2", nil)}
	now, by := core.SystemClock{}.Now(), core.SystemActor
	th := newThread(a.ID, alone.ID, 1)
	mustUpdate(t, st, func(tx store.Tx) error {
		for _, c := range []customer.Customer{grouped, alone} {
			if err := tx.CreateCustomer(ctx, c); err != nil {
				return err
			}
		}
		for _, g := range groups {
			if err := tx.CreateCustomerGroup(ctx, g); err != nil {
				return err
			}
			if _, err := tx.AddGroupMembership(ctx, customergroup.NewMembership(a.ID, grouped.ID, g.ID, now, by)); err != nil {
				return err
			}
		}
		if err := tx.CreateThread(ctx, th); err != nil {
			return err
		}
		// Entries that CustomerEntries does not return.
		for _, n := range []note.Note{note.New(a.ID, alone.ID, th.ID, note.Content{Text: "on a thread"}, now, by),
			note.New(a.ID, alone.ID, "", note.Content{Text: "gone"}, now, by).Delete(now, by)} {
			if err := tx.CreateNote(ctx, n); err != nil {
				return err
			}
		}
		return nil
	})
	check := func(step string, entries map[string]bool) {
		t.Helper()
		mustView(t, st, func(tx store.Tx) error {
			for _, c := range []customer.Customer{grouped, alone} {
				want, err := tx.GroupMembershipsOf(ctx, a.ID, []string{c.ID}, nil, core.Page{})
				if err != nil {
					return err
				}
				if len(want) != map[bool]int{true: 2, false: 0}[c.ID == grouped.ID] {
					t.Errorf("%s has %d memberships", c.FullName, len(want))
				}
				events, notes, err := tx.CustomerEntries(ctx, a.ID, c.ID, 10)
				if err != nil || (len(events)+len(notes) > 0) != entries[c.ID] {
					t.Errorf("%s: %s has %d events, %d notes, %v", step, c.FullName, len(events), len(notes), err)
				}
				for name, id := range map[string]customer.Identifier{"id": {CustomerID: &c.ID},
					"email": {EmailAddress: &c.Email}, "external id": {ExternalID: c.ExternalID}} {
					got, err := tx.FindCustomerForThread(ctx, a.ID, id)
					if err != nil || !reflect.DeepEqual(got.Customer, c) || !reflect.DeepEqual(got.Groups, want) || got.HasEntries != entries[c.ID] {
						t.Errorf("%s: %s by %s = %+v, %v; want %+v, %+v, entries %v", step, c.FullName, name, got, err, c, want, entries[c.ID])
					}
				}
				if _, err := tx.FindCustomerForThread(ctx, b.ID, customer.Identifier{CustomerID: &c.ID}); !errors.Is(err, core.ErrNotFound) {
					t.Errorf("%s through B: %v, want ErrNotFound", c.FullName, err)
				}
			}
			if _, err := tx.FindCustomerForThread(ctx, a.ID, customer.Identifier{CustomerID: core.Ptr("c_missing")}); !errors.Is(err, core.ErrNotFound) {
				t.Errorf("a missing customer: %v, want ErrNotFound", err)
			}
			return nil
		})
	}
	check("no entries", map[string]bool{})
	mustUpdate(t, st, func(tx store.Tx) error {
		return tx.CreateNote(ctx, note.New(a.ID, grouped.ID, "", note.Content{Text: "note"}, now, by))
	})
	check("a note", map[string]bool{grouped.ID: true})
	mustUpdate(t, st, func(tx store.Tx) error {
		return tx.CreateTimelineEvent(ctx, timeline.Event{ID: core.NewID(core.PrefixCustomerEvent), WorkspaceID: a.ID,
			CustomerID: alone.ID, Title: "Deploy", Components: component.Normalize([]component.Component{{Text: &component.Text{Text: "x"}}}),
			Timestamp: now, CreatedAt: now, CreatedBy: by, UpdatedAt: now, UpdatedBy: by})
	})
	check("an event", map[string]bool{grouped.ID: true, alone.ID: true})
}
