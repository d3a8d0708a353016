package storetest

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/tier"
)

// newTier returns a tier of ws (not stored).
func newTier(ws, externalID string) tier.Tier {
	t, _ := tier.New(ws, tier.CreateInput{Name: "Tier " + externalID, ExternalID: externalID, Color: "#aabbcc"},
		core.SystemClock{}.Now(), core.SystemActor)
	return t
}

func tierID(t tier.Tier) string { return t.ID }

// testTiers checks tiers: external ids unique among live tiers, reads
// scoped to the workspace, the default tier, updates (deletion included)
// and the list.
func testTiers(t *testing.T, st store.Store) {
	a := MustCreateWorkspace(t, st, "A")
	b := MustCreateWorkspace(t, st, "B")
	gold, silver := newTier(a.ID, "gold"), newTier(a.ID, "silver")
	gold.DefaultThreadPriority = 0
	mustUpdate(t, st, func(tx store.Tx) error {
		for _, tr := range []tier.Tier{gold, silver, newTier(b.ID, "gold")} {
			if err := tx.CreateTier(ctx, tr); err != nil {
				return err
			}
		}
		return nil
	})
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.CreateTier(ctx, newTier(a.ID, "gold")) }); !errors.Is(err, core.ErrDuplicate) {
		t.Errorf("a second live tier gold: %v, want ErrDuplicate", err)
	}
	mustUpdate(t, st, func(tx store.Tx) error { // Lock* needs a read-write transaction
		if _, err := tx.DefaultTier(ctx, a.ID); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("DefaultTier of a workspace without one: %v", err)
		}
		got, err := tx.FindTiers(ctx, a.ID, []string{silver.ID}, []string{"gold"})
		slices.SortFunc(got, func(x, y tier.Tier) int { return cmpString(x.ID, y.ID) })
		if err != nil || !reflect.DeepEqual(got, []tier.Tier{gold, silver}) {
			t.Errorf("FindTiers = %+v, %v", got, err)
		}
		if got, err := tx.FindTiers(ctx, b.ID, []string{gold.ID}, nil); err != nil || len(got) != 0 {
			t.Errorf("FindTiers of A's tier through B = %+v, %v", got, err)
		}
		if got, err := tx.LockTier(ctx, a.ID, gold.ID); err != nil || !reflect.DeepEqual(got, gold) {
			t.Errorf("LockTier = %+v, %v", got, err)
		}
		return nil
	})
	later := core.SystemClock{}.Now().Add(time.Minute)
	def := silver
	def.IsDefault, def.Name, def.ExternalID, def.UpdatedAt = true, "Silver+", nil, later
	mustUpdate(t, st, func(tx store.Tx) error { return tx.UpdateTier(ctx, def) })
	mustView(t, st, func(tx store.Tx) error {
		if got, err := tx.DefaultTier(ctx, a.ID); err != nil || !reflect.DeepEqual(got, def) {
			t.Errorf("DefaultTier = %+v, %v; want silver, changed", got, err)
		}
		p, _ := core.PageArgs{First: core.Ptr(1)}.Resolve(1)
		rows, err := tx.ListTiers(ctx, a.ID, p)
		if err != nil || !slices.Equal(idsOf(rows, tierID), []string{gold.ID, silver.ID}) {
			t.Errorf("ListTiers first 1 = %v, %v", idsOf(rows, tierID), err)
		}
		return nil
	})
	mustUpdate(t, st, func(tx store.Tx) error { return tx.UpdateTier(ctx, def.Delete(later, core.SystemActor)) })
	mustUpdate(t, st, func(tx store.Tx) error { // Lock* needs a read-write transaction
		if _, err := tx.DefaultTier(ctx, a.ID); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("DefaultTier after deleting it: %v", err)
		}
		if _, err := tx.LockTier(ctx, a.ID, silver.ID); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("LockTier of a deleted tier: %v", err)
		}
		p, _ := core.PageArgs{}.Resolve(1)
		if rows, err := tx.ListTiers(ctx, a.ID, p); err != nil || !slices.Equal(idsOf(rows, tierID), []string{gold.ID}) {
			t.Errorf("ListTiers after a delete = %v, %v", idsOf(rows, tierID), err)
		}
		return nil
	})
}

// testTierMemberships checks memberships: one per member (moving keeps the
// membership's id and creation), reads by member and by tier in pages,
// counts, removal, and memberships of deleted tiers read as none.
func testTierMemberships(t *testing.T, st store.Store) {
	a := MustCreateWorkspace(t, st, "A")
	gold, silver := newTier(a.ID, "gold"), newTier(a.ID, "silver")
	now := core.SystemClock{}.Now()
	m1 := tier.NewMembership(a.ID, gold.ID, tier.MemberTenant, "te_1", now, core.SystemActor)
	m2 := tier.NewMembership(a.ID, gold.ID, tier.MemberCompany, "co_1", now, core.SystemActor)
	m3 := tier.NewMembership(a.ID, silver.ID, tier.MemberTenant, "te_2", now, core.SystemActor)
	mustUpdate(t, st, func(tx store.Tx) error {
		for _, tr := range []tier.Tier{gold, silver} {
			if err := tx.CreateTier(ctx, tr); err != nil {
				return err
			}
		}
		for _, m := range []tier.Membership{m1, m2, m3} {
			if got, err := tx.SetTierMembership(ctx, m); err != nil || !reflect.DeepEqual(got, m) {
				return errors.Join(err, errors.New("SetTierMembership did not store the new membership as given"))
			}
		}
		return nil
	})
	later := now.Add(time.Minute)
	moved := tier.NewMembership(a.ID, silver.ID, tier.MemberTenant, "te_1", later, core.SystemActor)
	mustUpdate(t, st, func(tx store.Tx) error {
		got, err := tx.SetTierMembership(ctx, moved)
		want := m1
		want.TierID, want.UpdatedAt = silver.ID, later
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("moving te_1 to silver = %+v, %v; want %+v", got, err, want)
		}
		return nil
	})
	mustView(t, st, func(tx store.Tx) error {
		ms, err := tx.TierMembershipsOfMembers(ctx, a.ID, []string{"te_1", "co_1", "te_9"})
		if err != nil || len(ms) != 2 {
			t.Errorf("TierMembershipsOfMembers = %+v, %v", ms, err)
		}
		p, _ := core.PageArgs{First: core.Ptr(1)}.Resolve(1)
		ms, err = tx.TierMembershipsOf(ctx, a.ID, []string{gold.ID, silver.ID}, p)
		perTier := map[string]int{}
		for _, m := range ms {
			perTier[m.TierID]++
		}
		if err != nil || perTier[gold.ID] != 1 || perTier[silver.ID] != 2 {
			t.Errorf("TierMembershipsOf first 1 per tier = %v, %v; want gold 1, silver 2", perTier, err)
		}
		counts, err := tx.CountTierMemberships(ctx, a.ID, []string{gold.ID, silver.ID})
		if err != nil || counts[gold.ID] != 1 || counts[silver.ID] != 2 {
			t.Errorf("CountTierMemberships = %v, %v", counts, err)
		}
		return nil
	})
	mustUpdate(t, st, func(tx store.Tx) error {
		if got, err := tx.DeleteTierMembership(ctx, a.ID, "co_1"); err != nil || got.ID != m2.ID {
			return errors.Join(err, errors.New("DeleteTierMembership returned another membership"))
		}
		if _, err := tx.DeleteTierMembership(ctx, a.ID, "co_1"); !errors.Is(err, core.ErrNotFound) {
			return errors.Join(err, errors.New("deleting twice is not ErrNotFound"))
		}
		return tx.UpdateTier(ctx, silver.Delete(later, core.SystemActor))
	})
	mustView(t, st, func(tx store.Tx) error {
		if ms, err := tx.TierMembershipsOfMembers(ctx, a.ID, []string{"te_1", "te_2", "co_1"}); err != nil || len(ms) != 0 {
			t.Errorf("memberships of a deleted tier and a removed one: %+v, %v", ms, err)
		}
		return nil
	})
}

// testDefaultTierInTx checks that DefaultTier, read again in the
// transaction that changes the default tier, sees each change, and that
// changing what it returned changes nothing read later.
func testDefaultTierInTx(t *testing.T, st store.Store) {
	a := MustCreateWorkspace(t, st, "A")
	def := newTier(a.ID, "gold")
	def.IsDefault = true
	mustUpdate(t, st, func(tx store.Tx) error {
		if _, err := tx.DefaultTier(ctx, a.ID); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("DefaultTier before one: %v, want ErrNotFound", err)
		}
		if err := tx.CreateTier(ctx, def); err != nil {
			return err
		}
		got, err := tx.DefaultTier(ctx, a.ID)
		if err != nil || !reflect.DeepEqual(got, def) {
			t.Errorf("DefaultTier after creating it = %+v, %v; want %+v", got, err, def)
		}
		*got.ExternalID, got.Name = "changed", "changed"
		if got, err := tx.DefaultTier(ctx, a.ID); err != nil || !reflect.DeepEqual(got, def) {
			t.Errorf("DefaultTier after changing what it returned = %+v, %v; want %+v", got, err, def)
		}
		if err := tx.UpdateTier(ctx, def.Delete(core.SystemClock{}.Now(), core.SystemActor)); err != nil {
			return err
		}
		if _, err := tx.DefaultTier(ctx, a.ID); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("DefaultTier after deleting it: %v, want ErrNotFound", err)
		}
		return nil
	})
}
