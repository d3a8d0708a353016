package storetest

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/tenant"
	"github.com/threadline/threadline/internal/tier"
)

// newTenant returns a tenant of ws (not stored).
func newTenant(ws, externalID, name string) tenant.Tenant {
	return tenant.New(ws, tenant.UpsertInput{ExternalID: externalID, Name: name}, core.SystemClock{}.Now(), core.SystemActor)
}

func tenantID(t tenant.Tenant) string { return t.ID }

// testTenants checks tenants: external ids unique among live tenants of a
// workspace, reads scoped to the workspace, updates (deletion included),
// and the filtered, searched list.
func testTenants(t *testing.T, st store.Store) {
	a := MustCreateWorkspace(t, st, "A")
	b := MustCreateWorkspace(t, st, "B")
	one, two := newTenant(a.ID, "acc-1", "Acme Ltd"), newTenant(a.ID, "acc-2", "Globex")
	one.URL, one.PrimaryDomain, one.AlternateDomains = core.Ptr("https://acme.example"), core.Ptr("acme.io"), []string{"acme.dev"}
	one.IsDomainAutoJoinEnabled = true
	mustUpdate(t, st, func(tx store.Tx) error {
		for _, te := range []tenant.Tenant{one, two, newTenant(b.ID, "acc-1", "B's")} {
			if err := tx.CreateTenant(ctx, te); err != nil {
				return err
			}
		}
		return nil
	})
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.CreateTenant(ctx, newTenant(a.ID, "acc-1", "Again")) }); !errors.Is(err, core.ErrDuplicate) {
		t.Errorf("a second live tenant acc-1: %v, want ErrDuplicate", err)
	}
	mustUpdate(t, st, func(tx store.Tx) error { // Lock* needs a read-write transaction
		got, err := tx.FindTenants(ctx, a.ID, []string{two.ID}, []string{"acc-1"})
		slices.SortFunc(got, func(x, y tenant.Tenant) int { return cmpString(x.ID, y.ID) })
		if err != nil || !reflect.DeepEqual(got, []tenant.Tenant{one, two}) {
			t.Errorf("FindTenants = %+v, %v; want both", got, err)
		}
		if got, err := tx.FindTenants(ctx, b.ID, []string{one.ID}, nil); err != nil || len(got) != 0 {
			t.Errorf("FindTenants of A's tenant through B = %+v, %v", got, err)
		}
		if got, err := tx.LockTenant(ctx, a.ID, one.ID); err != nil || !reflect.DeepEqual(got, one) {
			t.Errorf("LockTenant = %+v, %v", got, err)
		}
		return nil
	})
	later := core.SystemClock{}.Now().Add(time.Minute)
	renamed, gone := one, two.Delete(later, core.SystemActor)
	renamed.Name, renamed.URL, renamed.AlternateDomains, renamed.UpdatedAt = "Acme Limited", nil, []string{}, later
	mustUpdate(t, st, func(tx store.Tx) error {
		if err := tx.UpdateTenant(ctx, renamed); err != nil {
			return err
		}
		return tx.UpdateTenant(ctx, gone)
	})
	mustUpdate(t, st, func(tx store.Tx) error { // Lock* needs a read-write transaction
		if got, _ := tx.FindTenants(ctx, a.ID, []string{one.ID, two.ID}, nil); !reflect.DeepEqual(got, []tenant.Tenant{renamed}) {
			t.Errorf("after update and delete: %+v, want the renamed tenant alone", got)
		}
		if _, err := tx.LockTenant(ctx, a.ID, two.ID); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("LockTenant of a deleted tenant: %v", err)
		}
		return nil
	})
	testTenantList(t, st, a.ID, renamed, gone)
}

// testTenantList lists a's tenants: one live (in a tier) and one deleted.
func testTenantList(t *testing.T, st store.Store, ws string, live, deleted tenant.Tenant) {
	tr := newTier(ws, "gold")
	mustUpdate(t, st, func(tx store.Tx) error {
		if err := tx.CreateTier(ctx, tr); err != nil {
			return err
		}
		_, err := tx.SetTierMembership(ctx, tier.NewMembership(ws, tr.ID, tier.MemberTenant, live.ID, tr.CreatedAt, core.SystemActor))
		return err
	})
	for name, c := range map[string]struct {
		f    tenant.Filter
		want []string
	}{
		"live":             {tenant.Filter{}, []string{live.ID}},
		"deleted":          {tenant.Filter{IsDeleted: true}, []string{deleted.ID}},
		"ids":              {tenant.Filter{IDs: []string{live.ID, deleted.ID}}, []string{live.ID}},
		"tier":             {tenant.Filter{TierIDs: []string{tr.ID}}, []string{live.ID}},
		"no tier":          {tenant.Filter{TierIDs: []string{}}, []string{}},
		"term":             {tenant.Filter{Term: "ACME"}, []string{live.ID}},
		"term external id": {tenant.Filter{Term: "acc-1"}, []string{live.ID}},
		"term partial id":  {tenant.Filter{Term: "acc-"}, []string{}},
		"tenant fields":    {tenant.Filter{MatchNothing: true}, []string{}},
		"updated before":   {tenant.Filter{UpdatedBefore: &live.CreatedAt}, []string{}},
	} {
		p, _ := core.PageArgs{}.Resolve(1)
		var rows []tenant.Tenant
		mustView(t, st, func(tx store.Tx) (err error) {
			rows, err = tx.ListTenants(ctx, ws, c.f, p)
			return err
		})
		if got := idsOf(rows, tenantID); !slices.Equal(got, c.want) {
			t.Errorf("ListTenants(%s) = %v, want %v", name, got, c.want)
		}
	}
}

func cmpString(x, y string) int {
	if x < y {
		return -1
	}
	if x > y {
		return 1
	}
	return 0
}

// testTenantMemberships checks customers' memberships of tenants: adding
// twice adds once, removing what is not there removes nothing, and pages
// per customer skip deleted tenants.
func testTenantMemberships(t *testing.T, st store.Store) {
	a := MustCreateWorkspace(t, st, "A")
	c1, c2 := NewCustomer(a.ID, "One", "one@example.com"), NewCustomer(a.ID, "Two", "two@example.com")
	var ts []tenant.Tenant
	for _, ext := range []string{"t1", "t2", "t3"} {
		ts = append(ts, newTenant(a.ID, ext, ext))
	}
	now := core.SystemClock{}.Now()
	mustUpdate(t, st, func(tx store.Tx) error {
		for _, c := range []customer.Customer{c1, c2} {
			if err := tx.CreateCustomer(ctx, c); err != nil {
				return err
			}
		}
		for _, te := range ts {
			if err := tx.CreateTenant(ctx, te); err != nil {
				return err
			}
			if ok, err := tx.AddTenantMembership(ctx, tenant.NewMembership(a.ID, c1.ID, te.ID, now, core.SystemActor)); err != nil || !ok {
				return errors.Join(err, errors.New("first add did not add"))
			}
		}
		if ok, err := tx.AddTenantMembership(ctx, tenant.NewMembership(a.ID, c1.ID, ts[0].ID, now, core.SystemActor)); err != nil || ok {
			return errors.Join(err, errors.New("second add added"))
		}
		_, err := tx.AddTenantMembership(ctx, tenant.NewMembership(a.ID, c2.ID, ts[1].ID, now, core.SystemActor))
		return err
	})
	page := func(first int, after *string) map[string][]string {
		p, _ := core.PageArgs{First: &first, After: after}.Resolve(1)
		out := map[string][]string{}
		mustView(t, st, func(tx store.Tx) error {
			ms, err := tx.TenantMembershipsOf(ctx, a.ID, []string{c1.ID, c2.ID}, p)
			for _, m := range ms {
				out[m.CustomerID] = append(out[m.CustomerID], m.TenantID)
			}
			return err
		})
		return out
	}
	sorted := idsOf(ts, tenantID)
	slices.Sort(sorted)
	if got := page(1, nil); !slices.Equal(got[c1.ID], sorted[:2]) || !slices.Equal(got[c2.ID], []string{ts[1].ID}) {
		t.Errorf("first pages of 1: %v; want 2 rows of c1 (one more than asked) and c2's one", got)
	}
	if got := page(10, core.Ptr(tenant.MembershipCursor(tenant.Membership{TenantID: sorted[0]}))); !slices.Equal(got[c1.ID], sorted[1:]) {
		t.Errorf("c1's page after its first: %v, want %v", got[c1.ID], sorted[1:])
	}
	mustUpdate(t, st, func(tx store.Tx) error {
		if ok, err := tx.RemoveTenantMembership(ctx, a.ID, c1.ID, sorted[0]); err != nil || !ok {
			return errors.Join(err, errors.New("remove removed nothing"))
		}
		if ok, err := tx.RemoveTenantMembership(ctx, a.ID, c1.ID, sorted[0]); err != nil || ok {
			return errors.Join(err, errors.New("second remove removed"))
		}
		return tx.UpdateTenant(ctx, byID(ts, sorted[1]).Delete(now, core.SystemActor))
	})
	if got := page(10, nil); !slices.Equal(got[c1.ID], sorted[2:]) || len(got[c2.ID]) != 0 {
		t.Errorf("after removing one and deleting another tenant: %v, want c1 in %v only", got, sorted[2:])
	}
}

func byID(ts []tenant.Tenant, id string) tenant.Tenant {
	for _, t := range ts {
		if t.ID == id {
			return t
		}
	}
	return tenant.Tenant{}
}
