package storetest

import (
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/user"
)

func testUpdateWorkspace(t *testing.T, st store.Store) {
	w := MustCreateWorkspace(t, st, "Acme")
	other := MustCreateWorkspace(t, st, "Other")
	later, by := w.CreatedAt.Add(2000), core.Actor{Type: core.ActorMachineUser, ID: "mu_X"}
	changed := w
	changed.Name, changed.PublicName, changed.DomainNames = "Acme Ltd", "Acme", []string{"acme.com", "acme.co.uk"}
	changed.UpdatedAt, changed.UpdatedBy = later, by
	changed.HMACSecret = "ignored" // not a column UpdateWorkspace writes
	mustUpdate(t, st, func(tx store.Tx) error { return tx.UpdateWorkspace(ctx, changed) })
	mustView(t, st, func(tx store.Tx) error {
		got, err := tx.GetWorkspace(ctx, w.ID)
		want := changed
		want.HMACSecret = w.HMACSecret
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("after UpdateWorkspace: %+v, %v; want %+v", got, err, want)
		}
		if o, _ := tx.GetWorkspace(ctx, other.ID); o.Name != "Other" || len(o.DomainNames) != 0 {
			t.Errorf("another workspace changed: %+v", o)
		}
		return nil
	})
	err := st.Update(ctx, func(tx store.Tx) error {
		missing := changed
		missing.ID = "w_missing"
		return tx.UpdateWorkspace(ctx, missing)
	})
	if !errors.Is(err, core.ErrNotFound) {
		t.Errorf("update of a missing workspace: %v, want ErrNotFound", err)
	}
}

func testUserChangesAndLists(t *testing.T, st store.Store) {
	a, b := MustCreateWorkspace(t, st, "A"), MustCreateWorkspace(t, st, "B")
	var us []user.User
	for _, email := range []string{"one@example.com", "two@example.com", "three@example.com"} {
		us = append(us, NewUser(a.ID, email))
	}
	mustUpdate(t, st, func(tx store.Tx) error {
		for _, u := range append(us, NewUser(b.ID, "one@example.com")) {
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
		}
		return nil
	})
	by := core.Actor{Type: core.ActorMachineUser, ID: "mu_X"}
	at := us[1].CreatedAt.Add(5000)
	del := us[1]
	del.Status, del.StatusChangedAt, del.DeletedAt, del.DeletedBy, del.UpdatedAt, del.UpdatedBy = user.StatusAway, at, &at, &by, at, by
	mustUpdate(t, st, func(tx store.Tx) error { return tx.UpdateUser(ctx, del) })
	mustView(t, st, func(tx store.Tx) error {
		got, err := tx.GetUser(ctx, a.ID, del.ID)
		if err != nil || !reflect.DeepEqual(got, del) {
			t.Errorf("after UpdateUser: %+v, %v; want %+v", got, err, del)
		}
		return nil
	})
	ids := func(f user.Filter, args core.PageArgs) []string {
		p, err := args.Resolve(1)
		if err != nil {
			t.Fatal(err)
		}
		var got []user.User
		mustView(t, st, func(tx store.Tx) (err error) { got, err = tx.ListUsers(ctx, a.ID, f, p); return err })
		out := []string{}
		for _, u := range got {
			out = append(out, u.ID)
		}
		return out
	}
	sorted := []string{us[0].ID, us[1].ID, us[2].ID}
	slices.Sort(sorted)
	for name, c := range map[string]struct {
		f    user.Filter
		args core.PageArgs
		want []string
	}{
		"all":               {user.Filter{}, core.PageArgs{}, sorted},
		"first 2 (and one)": {user.Filter{}, core.PageArgs{First: core.Ptr(2)}, sorted},
		"after the first":   {user.Filter{}, core.PageArgs{After: core.Ptr(core.EncodeCursor(sorted[0]))}, sorted[1:]},
		"deleted":           {user.Filter{Deleted: core.Ptr(true)}, core.PageArgs{}, []string{del.ID}},
		"active":            {user.Filter{Deleted: core.Ptr(false)}, core.PageArgs{}, slices.DeleteFunc(slices.Clone(sorted), func(id string) bool { return id == del.ID })},
		"nothing":           {user.Filter{MatchNothing: true}, core.PageArgs{}, []string{}},
	} {
		if got := ids(c.f, c.args); !slices.Equal(got, c.want) {
			t.Errorf("%s: ListUsers = %v, want %v", name, got, c.want)
		}
	}
	err := st.Update(ctx, func(tx store.Tx) error {
		moved := del
		moved.WorkspaceID = b.ID
		return tx.UpdateUser(ctx, moved)
	})
	if !errors.Is(err, core.ErrNotFound) {
		t.Errorf("update through another workspace: %v, want ErrNotFound", err)
	}
}

func newMachineUser(ws string, typ user.MachineUserType) user.MachineUser {
	now := core.SystemClock{}.Now()
	return user.MachineUser{ID: core.NewID(core.PrefixMachineUser), WorkspaceID: ws, FullName: "Bot", PublicName: "Bot",
		Type: typ, CreatedAt: now, CreatedBy: core.SystemActor, UpdatedAt: now, UpdatedBy: core.SystemActor}
}

func testMachineUserChangesAndLists(t *testing.T, st store.Store) {
	a, b := MustCreateWorkspace(t, st, "A"), MustCreateWorkspace(t, st, "B")
	ms := []user.MachineUser{newMachineUser(a.ID, user.MachineAPIUser), newMachineUser(a.ID, user.MachineAIAgent),
		newMachineUser(a.ID, user.MachineAPIUser)}
	mustUpdate(t, st, func(tx store.Tx) error {
		for _, m := range append(ms, newMachineUser(b.ID, user.MachineAPIUser)) {
			if err := tx.CreateMachineUser(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
	by := core.Actor{Type: core.ActorUser, ID: "u_X"}
	changed := ms[0]
	at := changed.CreatedAt.Add(1000)
	changed.FullName, changed.PublicName, changed.Description, changed.Type = "Robot", "Rob", core.Ptr("d"), user.MachineAIAgent
	changed.DeletedAt, changed.DeletedBy, changed.UpdatedAt, changed.UpdatedBy = &at, &by, at, by
	mustUpdate(t, st, func(tx store.Tx) error { return tx.UpdateMachineUser(ctx, changed) })
	p, _ := core.PageArgs{}.Resolve(1)
	mustView(t, st, func(tx store.Tx) error {
		got, err := tx.GetMachineUser(ctx, a.ID, changed.ID)
		if err != nil || !reflect.DeepEqual(got, changed) {
			t.Errorf("after UpdateMachineUser: %+v, %v; want %+v", got, err, changed)
		}
		all, err := tx.ListMachineUsers(ctx, a.ID, nil, p)
		if err != nil || len(all) != 3 || all[0].ID > all[1].ID || all[1].ID > all[2].ID {
			t.Errorf("ListMachineUsers = %+v, %v; want the three of A by id", all, err)
		}
		api := user.MachineAPIUser
		apis, err := tx.ListMachineUsers(ctx, a.ID, &api, p)
		if err != nil || len(apis) != 1 || apis[0].ID != ms[2].ID {
			t.Errorf("ListMachineUsers of API users = %+v, %v; want only the third", apis, err)
		}
		return nil
	})
	err := st.Update(ctx, func(tx store.Tx) error {
		moved := changed
		moved.WorkspaceID = b.ID
		return tx.UpdateMachineUser(ctx, moved)
	})
	if !errors.Is(err, core.ErrNotFound) {
		t.Errorf("update through another workspace: %v, want ErrNotFound", err)
	}
}

func testAPIKeysOfMachineUser(t *testing.T, st store.Store) {
	a, b := MustCreateWorkspace(t, st, "A"), MustCreateWorkspace(t, st, "B")
	m, other := newMachineUser(a.ID, user.MachineAPIUser), newMachineUser(a.ID, user.MachineAPIUser)
	now := core.SystemClock{}.Now()
	newKey := func(mu string) auth.APIKey {
		s := auth.NewKey()
		return auth.APIKey{ID: core.NewID(core.PrefixAPIKey), WorkspaceID: a.ID, MachineUserID: mu, Name: "k",
			Hash: auth.HashKey(s), Hint: auth.Hint(s), Permissions: []auth.Permission{auth.ThreadRead},
			CreatedAt: now, CreatedBy: core.SystemActor, UpdatedAt: now, UpdatedBy: core.SystemActor}
	}
	keys := []auth.APIKey{newKey(m.ID), newKey(m.ID), newKey(m.ID), newKey(other.ID)}
	mustUpdate(t, st, func(tx store.Tx) error {
		for _, mu := range []user.MachineUser{m, other} {
			if err := tx.CreateMachineUser(ctx, mu); err != nil {
				return err
			}
		}
		for _, k := range keys {
			if err := tx.CreateAPIKey(ctx, k); err != nil {
				return err
			}
		}
		return nil
	})
	by := core.Actor{Type: core.ActorMachineUser, ID: other.ID}
	later := now.Add(3000)
	upd := keys[0]
	upd.Name, upd.Permissions, upd.UpdatedAt, upd.UpdatedBy = "renamed", []auth.Permission{auth.ThreadRead, auth.UserRead}, later, by
	mustUpdate(t, st, func(tx store.Tx) error { return tx.UpdateAPIKey(ctx, upd) })
	var revoked []string
	mustUpdate(t, st, func(tx store.Tx) (err error) {
		revoked, err = tx.RevokeAPIKeysOfMachineUser(ctx, a.ID, m.ID, later, by)
		return err
	})
	slices.Sort(revoked)
	want := []string{keys[0].ID, keys[1].ID, keys[2].ID}
	slices.Sort(want)
	if !slices.Equal(revoked, want) {
		t.Errorf("RevokeAPIKeysOfMachineUser = %v, want %v", revoked, want)
	}
	mustView(t, st, func(tx store.Tx) error {
		got, err := tx.GetAPIKey(ctx, a.ID, upd.ID)
		upd.RevokedAt, upd.RevokedBy = &later, &by
		if err != nil || !reflect.DeepEqual(got, upd) {
			t.Errorf("GetAPIKey = %+v, %v; want %+v", got, err, upd)
		}
		if _, err := tx.GetAPIKey(ctx, b.ID, upd.ID); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("key read through another workspace: %v", err)
		}
		if k, _ := tx.GetAPIKey(ctx, a.ID, keys[3].ID); k.RevokedAt != nil {
			t.Errorf("another machine user's key was revoked")
		}
		p, _ := core.PageArgs{First: core.Ptr(2)}.Resolve(1)
		page, err := tx.ListAPIKeysOfMachineUser(ctx, a.ID, m.ID, p)
		if err != nil || len(page) != 3 || page[0].ID != want[0] || page[1].ID != want[1] {
			t.Errorf("ListAPIKeysOfMachineUser(first 2) = %d keys, %v; want the first three by id", len(page), err)
		}
		p, _ = core.PageArgs{After: core.Ptr(core.EncodeCursor(want[1]))}.Resolve(1)
		rest, err := tx.ListAPIKeysOfMachineUser(ctx, a.ID, m.ID, p)
		if err != nil || len(rest) != 1 || rest[0].ID != want[2] {
			t.Errorf("ListAPIKeysOfMachineUser(after the second) = %+v, %v", rest, err)
		}
		return nil
	})
	again := []string{"x"}
	mustUpdate(t, st, func(tx store.Tx) (err error) {
		again, err = tx.RevokeAPIKeysOfMachineUser(ctx, a.ID, m.ID, later.Add(1), by)
		return err
	})
	if len(again) != 0 {
		t.Errorf("revoking again revoked %v", again)
	}
}
