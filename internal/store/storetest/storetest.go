// Package storetest is the conformance suite every storage backend must
// pass: the same table of behaviours, run against SQLite and PostgreSQL.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/user"
	"github.com/threadline/threadline/internal/workspace"
)

// Factory returns a fresh, migrated, empty store closed when the test ends.
type Factory func(t *testing.T) store.Store

// Run runs the whole suite against the backend made by newStore.
func Run(t *testing.T, newStore Factory) {
	tests := []struct {
		name string
		fn   func(t *testing.T, st store.Store)
	}{
		{"WorkspaceRoundTrip", testWorkspaceRoundTrip},
		{"SettingOnce", testSettingOnce},
		{"CountersDistinctUnderConcurrency", testCounters},
		{"Users", testUsers},
		{"MachineUsersAndKeys", testMachineUsersAndKeys},
		{"Outbox", testOutbox},
		{"FailedUpdateWritesNothing", testFailedUpdate},
		{"ConcurrentUpdatesIsolated", testConcurrentUpdatesIsolated},
		{"NotFound", testNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newStore(t)) })
	}
	RunDomain(t, newStore)
}

var ctx = context.Background()

// NewWorkspace returns a valid workspace value (not stored).
func NewWorkspace(name string) workspace.Workspace {
	now := core.SystemClock{}.Now()
	return workspace.Workspace{ID: core.NewID(core.PrefixWorkspace), Name: name, PublicName: name,
		HMACSecret: auth.NewSecret(), HMACUpdatedAt: now, HMACUpdatedBy: core.SystemActor,
		CreatedAt: now, CreatedBy: core.SystemActor, UpdatedAt: now, UpdatedBy: core.SystemActor}
}

// MustCreateWorkspace stores a new workspace and returns it.
func MustCreateWorkspace(t *testing.T, st store.Store, name string) workspace.Workspace {
	t.Helper()
	w := NewWorkspace(name)
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.CreateWorkspace(ctx, w) }); err != nil {
		t.Fatal(err)
	}
	return w
}

func testWorkspaceRoundTrip(t *testing.T, st store.Store) {
	w := MustCreateWorkspace(t, st, "Acme")
	var got workspace.Workspace
	if err := st.View(ctx, func(tx store.Tx) (err error) { got, err = tx.GetWorkspace(ctx, w.ID); return err }); err != nil {
		t.Fatal(err)
	}
	if got != w {
		t.Fatalf("read back %+v, wrote %+v", got, w)
	}
	later := w.CreatedAt.Add(1500)
	by := core.Actor{Type: core.ActorMachineUser, ID: "mu_X"}
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.UpdateWorkspaceHMAC(ctx, w.ID, "new-secret", later, by) }); err != nil {
		t.Fatal(err)
	}
	_ = st.View(ctx, func(tx store.Tx) (err error) { got, err = tx.GetWorkspace(ctx, w.ID); return err })
	if got.HMACSecret != "new-secret" || got.HMACUpdatedAt != later || got.HMACUpdatedBy != by || got.UpdatedAt != later {
		t.Fatalf("hmac not updated: %+v", got)
	}
	err := st.Update(ctx, func(tx store.Tx) error { return tx.UpdateWorkspaceHMAC(ctx, "w_missing", "x", later, by) })
	if !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("update of missing workspace: %v, want ErrNotFound", err)
	}
}

func testSettingOnce(t *testing.T, st store.Store) {
	var results []bool
	for _, v := range []string{"first", "second"} {
		err := st.Update(ctx, func(tx store.Tx) error {
			ok, err := tx.SetSettingOnce(ctx, "k", v)
			results = append(results, ok)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if !results[0] || results[1] {
		t.Fatalf("SetSettingOnce results %v, want [true false]", results)
	}
	var v string
	_ = st.View(ctx, func(tx store.Tx) (err error) { v, err = tx.Setting(ctx, "k"); return err })
	if v != "first" {
		t.Fatalf("setting = %q, want first", v)
	}
}

func testCounters(t *testing.T, st store.Store) {
	a := MustCreateWorkspace(t, st, "A")
	b := MustCreateWorkspace(t, st, "B")
	const n = 50
	var mu sync.Mutex
	var got []int64
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- st.Update(ctx, func(tx store.Tx) error {
				v, err := tx.NextCounter(ctx, a.ID, "thread_ref")
				if err != nil {
					return err
				}
				mu.Lock()
				got = append(got, v)
				mu.Unlock()
				return nil
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
	for i, v := range got {
		if v != int64(i+1) {
			t.Fatalf("counter values %v: want 1..%d each once", got, n)
		}
	}
	var other int64
	_ = st.Update(ctx, func(tx store.Tx) (err error) { other, err = tx.NextCounter(ctx, b.ID, "thread_ref"); return err })
	if other != 1 {
		t.Fatalf("other workspace's counter = %d, want 1", other)
	}
}

// NewUser returns a valid user value of workspace ws (not stored).
func NewUser(ws, email string) user.User {
	now := core.SystemClock{}.Now()
	return user.User{ID: core.NewID(core.PrefixUser), WorkspaceID: ws, Email: email, FullName: "Ann Agent",
		PublicName: "Ann", Status: user.StatusOffline, CreatedAt: now, CreatedBy: core.SystemActor,
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

func testFailedUpdate(t *testing.T, st store.Store) {
	w := NewWorkspace("Doomed")
	boom := errors.New("boom")
	err := st.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateWorkspace(ctx, w); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update returned %v, want fn's error", err)
	}
	err = st.View(ctx, func(tx store.Tx) error { _, err := tx.GetWorkspace(ctx, w.ID); return err })
	if !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("failed update left its write behind: %v", err)
	}
}

// testConcurrentUpdatesIsolated runs many Updates at once, every third one
// failing after writing: exactly the successful ones must persist.
func testConcurrentUpdatesIsolated(t *testing.T, st store.Store) {
	const n = 90
	ws := make([]workspace.Workspace, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range ws {
		ws[i] = NewWorkspace(fmt.Sprintf("W%d", i))
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs[i] = st.Update(ctx, func(tx store.Tx) error {
				if err := tx.CreateWorkspace(ctx, ws[i]); err != nil {
					return err
				}
				if i%3 == 0 {
					return fmt.Errorf("request %d fails", i)
				}
				return nil
			})
		}(i)
	}
	wg.Wait()
	_ = st.View(ctx, func(tx store.Tx) error {
		for i := range ws {
			_, err := tx.GetWorkspace(ctx, ws[i].ID)
			if failed := i%3 == 0; failed != (errs[i] != nil) {
				t.Errorf("request %d: err %v", i, errs[i])
			} else if failed && !errors.Is(err, core.ErrNotFound) {
				t.Errorf("failed request %d persisted (%v)", i, err)
			} else if !failed && err != nil {
				t.Errorf("successful request %d lost: %v", i, err)
			}
		}
		return nil
	})
}

func testNotFound(t *testing.T, st store.Store) {
	_ = st.View(ctx, func(tx store.Tx) error {
		checks := map[string]error{}
		_, checks["workspace"] = tx.GetWorkspace(ctx, "w_none")
		_, checks["setting"] = tx.Setting(ctx, "none")
		_, checks["user"] = tx.GetUser(ctx, "w_none", "u_none")
		_, checks["userByEmail"] = tx.GetUserByEmail(ctx, "w_none", "x@y.z")
		_, checks["machineUser"] = tx.GetMachineUser(ctx, "w_none", "mu_none")
		for what, err := range checks {
			if !errors.Is(err, core.ErrNotFound) {
				t.Errorf("%s: %v, want ErrNotFound", what, err)
			}
		}
		return nil
	})
}
