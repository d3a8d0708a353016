package storetest

import (
	"testing"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/user"
)

func testLastKeyChange(t *testing.T, st store.Store) {
	last := func() core.Time {
		var at core.Time
		mustView(t, st, func(tx store.Tx) (err error) { at, err = tx.LastKeyChange(ctx); return err })
		return at
	}
	if !last().IsZero() {
		t.Fatal("a revocation in an empty store")
	}
	keys := make([]auth.APIKey, 2)
	for i, ws := range []string{MustCreateWorkspace(t, st, "A").ID, MustCreateWorkspace(t, st, "B").ID} {
		now := core.FromMillis(500_000) // before every change below
		m := user.MachineUser{ID: core.NewID(core.PrefixMachineUser), WorkspaceID: ws, FullName: "Bot", PublicName: "Bot",
			Type: user.MachineAPIUser, CreatedAt: now, CreatedBy: core.SystemActor, UpdatedAt: now, UpdatedBy: core.SystemActor}
		keys[i] = auth.APIKey{ID: core.NewID(core.PrefixAPIKey), WorkspaceID: ws, MachineUserID: m.ID, Name: "k",
			Hash: auth.HashKey(auth.NewKey()), Permissions: []auth.Permission{auth.ThreadRead}, CreatedAt: now, CreatedBy: core.SystemActor,
			UpdatedAt: now, UpdatedBy: core.SystemActor}
		mustUpdate(t, st, func(tx store.Tx) error {
			if err := tx.CreateMachineUser(ctx, m); err != nil {
				return err
			}
			return tx.CreateAPIKey(ctx, keys[i])
		})
	}
	t1, t2 := core.FromMillis(1_000_000), core.FromMillis(2_000_000)
	mustUpdate(t, st, func(tx store.Tx) error { return tx.RevokeAPIKey(ctx, keys[1].WorkspaceID, keys[1].ID, t2) })
	if got := last(); got != t2 {
		t.Fatalf("LastKeyChange = %v, want %v", got, t2)
	}
	mustUpdate(t, st, func(tx store.Tx) error { return tx.RevokeAPIKey(ctx, keys[0].WorkspaceID, keys[0].ID, t1) })
	if got := last(); got != t2 {
		t.Fatalf("LastKeyChange = %v, want the latest, %v", got, t2)
	}
	// A change of a key's permissions counts as a change of access.
	t3 := core.FromMillis(3_000_000)
	k := keys[0]
	k.Permissions, k.UpdatedAt, k.UpdatedBy = []auth.Permission{auth.ThreadRead, auth.ThreadEdit}, t3, core.SystemActor
	k.RevokedAt = nil
	mustUpdate(t, st, func(tx store.Tx) error { return tx.UpdateAPIKey(ctx, k) })
	if got := last(); got != t3 {
		t.Fatalf("LastKeyChange after a permission change = %v, want %v", got, t3)
	}
}
