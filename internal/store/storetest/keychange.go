package storetest

import (
	"testing"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/user"
)

func testLastRevocation(t *testing.T, st store.Store) {
	last := func() core.Time {
		var at core.Time
		mustView(t, st, func(tx store.Tx) (err error) { at, err = tx.LastRevocation(ctx); return err })
		return at
	}
	if !last().IsZero() {
		t.Fatal("a revocation in an empty store")
	}
	keys := make([]auth.APIKey, 2)
	for i, ws := range []string{MustCreateWorkspace(t, st, "A").ID, MustCreateWorkspace(t, st, "B").ID} {
		now := core.SystemClock{}.Now()
		m := user.MachineUser{ID: core.NewID(core.PrefixMachineUser), WorkspaceID: ws, FullName: "Bot", PublicName: "Bot",
			Type: user.MachineAPIUser, CreatedAt: now, CreatedBy: core.SystemActor, UpdatedAt: now, UpdatedBy: core.SystemActor}
		keys[i] = auth.APIKey{ID: core.NewID(core.PrefixAPIKey), WorkspaceID: ws, MachineUserID: m.ID, Name: "k",
			Hash: auth.HashKey(auth.NewKey()), Permissions: []auth.Permission{auth.ThreadRead}, CreatedAt: now, CreatedBy: core.SystemActor}
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
		t.Fatalf("LastRevocation = %v, want %v", got, t2)
	}
	mustUpdate(t, st, func(tx store.Tx) error { return tx.RevokeAPIKey(ctx, keys[0].WorkspaceID, keys[0].ID, t1) })
	if got := last(); got != t2 {
		t.Fatalf("LastRevocation = %v, want the latest, %v", got, t2)
	}
}
