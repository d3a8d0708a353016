package storetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/user"
)

// NewUser returns a valid user value of workspace ws (not stored).
func NewUser(ws, email string) user.User {
	now := core.SystemClock{}.Now()
	return user.User{ID: core.NewID(core.PrefixUser), WorkspaceID: ws, Email: email, FullName: "Ann Agent",
		PublicName: "Ann", Status: user.StatusOffline, Role: auth.RoleSupport, StatusChangedAt: now, CreatedAt: now, CreatedBy: core.SystemActor,
		UpdatedAt: now, UpdatedBy: core.SystemActor}
}

func testUsers(t *testing.T, st store.Store) {
	a := MustCreateWorkspace(t, st, "A")
	b := MustCreateWorkspace(t, st, "B")
	u := NewUser(a.ID, "ann@example.com")
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.CreateUser(ctx, u) }); err != nil {
		t.Fatal(err)
	}
	dup := NewUser(a.ID, "ann@example.com")
	err := st.Update(ctx, func(tx store.Tx) error { return tx.CreateUser(ctx, dup) })
	if !errors.Is(err, core.ErrDuplicate) {
		t.Fatalf("duplicate email in one workspace: %v, want ErrDuplicate", err)
	}
	same := NewUser(b.ID, "ann@example.com")
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.CreateUser(ctx, same) }); err != nil {
		t.Fatalf("same email in another workspace: %v", err)
	}
	_ = st.View(ctx, func(tx store.Tx) error {
		got, err := tx.GetUser(ctx, a.ID, u.ID)
		if err != nil || got != u {
			t.Errorf("GetUser = %+v, %v; want %+v", got, err, u)
		}
		got, err = tx.GetUserByEmail(ctx, a.ID, "ann@example.com")
		if err != nil || got.ID != u.ID {
			t.Errorf("GetUserByEmail = %+v, %v", got, err)
		}
		if _, err := tx.GetUser(ctx, b.ID, u.ID); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("user read through another workspace: %v, want ErrNotFound", err)
		}
		return nil
	})
}

func testMachineUsersAndKeys(t *testing.T, st store.Store) {
	a := MustCreateWorkspace(t, st, "A")
	b := MustCreateWorkspace(t, st, "B")
	now := core.SystemClock{}.Now()
	desc := "bot"
	m := user.MachineUser{ID: core.NewID(core.PrefixMachineUser), WorkspaceID: a.ID, FullName: "Bot", PublicName: "Bot",
		Description: &desc, Type: user.MachineAPIUser, CreatedAt: now, CreatedBy: core.SystemActor, UpdatedAt: now, UpdatedBy: core.SystemActor}
	secret := auth.NewKey()
	k := auth.APIKey{ID: core.NewID(core.PrefixAPIKey), WorkspaceID: a.ID, MachineUserID: m.ID, Name: "ci",
		Hash: auth.HashKey(secret), Hint: auth.Hint(secret), Permissions: []auth.Permission{auth.ThreadRead, auth.UserRead},
		CreatedAt: now, CreatedBy: core.SystemActor}
	err := st.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateMachineUser(ctx, m); err != nil {
			return err
		}
		return tx.CreateAPIKey(ctx, k)
	})
	if err != nil {
		t.Fatal(err)
	}
	_ = st.View(ctx, func(tx store.Tx) error {
		got, err := tx.GetMachineUser(ctx, a.ID, m.ID)
		if err != nil || got.ID != m.ID || *got.Description != desc || got.Type != user.MachineAPIUser {
			t.Errorf("GetMachineUser = %+v, %v", got, err)
		}
		if _, err := tx.GetMachineUser(ctx, b.ID, m.ID); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("machine user through another workspace: %v", err)
		}
		gk, err := tx.APIKeyByHash(ctx, auth.HashKey(secret))
		if err != nil || gk.ID != k.ID || fmt.Sprint(gk.Permissions) != fmt.Sprint(k.Permissions) || gk.RevokedAt != nil {
			t.Errorf("APIKeyByHash = %+v, %v", gk, err)
		}
		if _, err := tx.APIKeyByHash(ctx, auth.HashKey(auth.NewKey())); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("unknown key: %v, want ErrNotFound", err)
		}
		keys, err := tx.ListAPIKeys(ctx, b.ID)
		if err != nil || len(keys) != 0 {
			t.Errorf("other workspace lists %d keys, %v", len(keys), err)
		}
		return nil
	})
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.RevokeAPIKey(ctx, b.ID, k.ID, now) }); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("revoke through another workspace: %v, want ErrNotFound", err)
	}
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.RevokeAPIKey(ctx, a.ID, k.ID, now) }); err != nil {
		t.Fatal(err)
	}
	_ = st.View(ctx, func(tx store.Tx) error {
		keys, err := tx.ListAPIKeys(ctx, a.ID)
		if err != nil || len(keys) != 1 || keys[0].RevokedAt == nil || *keys[0].RevokedAt != now {
			t.Errorf("after revoke: %+v, %v", keys, err)
		}
		return nil
	})
}

func testUsersByIDs(t *testing.T, st store.Store) {
	a := MustCreateWorkspace(t, st, "A")
	b := MustCreateWorkspace(t, st, "B")
	now := core.SystemClock{}.Now()
	u1, u2, other := NewUser(a.ID, "one@example.com"), NewUser(a.ID, "two@example.com"), NewUser(b.ID, "one@example.com")
	machine := func(ws string) user.MachineUser {
		return user.MachineUser{ID: core.NewID(core.PrefixMachineUser), WorkspaceID: ws, FullName: "Bot", PublicName: "Bot",
			Type: user.MachineAPIUser, CreatedAt: now, CreatedBy: core.SystemActor, UpdatedAt: now, UpdatedBy: core.SystemActor}
	}
	m1, m2, otherM := machine(a.ID), machine(a.ID), machine(b.ID)
	mustUpdate(t, st, func(tx store.Tx) error {
		for _, u := range []user.User{u1, u2, other} {
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
		}
		for _, m := range []user.MachineUser{m1, m2, otherM} {
			if err := tx.CreateMachineUser(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
	mustView(t, st, func(tx store.Tx) error {
		us, err := tx.GetUsers(ctx, a.ID, []string{u2.ID, "u_missing", other.ID, u1.ID})
		if err != nil || len(us) != 2 || !slices.ContainsFunc(us, func(u user.User) bool { return u == u1 }) ||
			!slices.ContainsFunc(us, func(u user.User) bool { return u == u2 }) {
			t.Errorf("GetUsers = %+v, %v; want u1 and u2 only", us, err)
		}
		if us, err := tx.GetUsers(ctx, a.ID, nil); err != nil || len(us) != 0 {
			t.Errorf("GetUsers of no ids = %+v, %v", us, err)
		}
		ms, err := tx.GetMachineUsers(ctx, a.ID, []string{otherM.ID, m1.ID, "mu_missing", m2.ID})
		if err != nil || len(ms) != 2 || slices.ContainsFunc(ms, func(m user.MachineUser) bool { return m.ID == otherM.ID }) {
			t.Errorf("GetMachineUsers = %+v, %v; want m1 and m2 only", ms, err)
		}
		if ms, err := tx.GetMachineUsers(ctx, a.ID, nil); err != nil || len(ms) != 0 {
			t.Errorf("GetMachineUsers of no ids = %+v, %v", ms, err)
		}
		return nil
	})
}
