package storetest

import (
	"testing"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/customergroup"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/tenant"
	"github.com/threadline/threadline/internal/thread"
)

// accountWorld is a workspace whose threads and customers differ by
// account: c1 works for a company, is in a tenant and a group; c2 is in
// none. Thread 1 (c1) is about the tenant and in a tier; thread 2 (c1)
// is in no tenant; thread 3 is c2's.
type accountWorld struct {
	ws, company, tenant, tier, group string
	c1, c2                           customer.Customer
}

func newAccountWorld(t *testing.T, st store.Store) accountWorld {
	a := MustCreateWorkspace(t, st, "A")
	other := MustCreateWorkspace(t, st, "B")
	co, te, tr := newCompany(a.ID, "acme.io"), newTenant(a.ID, "t1", "T1"), newTier(a.ID, "gold")
	g := newGroup(a.ID, "vip", nil)
	w := accountWorld{ws: a.ID, company: co.ID, tenant: te.ID, tier: tr.ID, group: g.ID,
		c1: NewCustomer(a.ID, "One", "one@acme.io"), c2: NewCustomer(a.ID, "Two", "two@example.com")}
	w.c1.CompanyID = &co.ID
	now := core.SystemClock{}.Now()
	mustUpdate(t, st, func(tx store.Tx) error {
		steps := []func() error{
			func() error { return tx.CreateCompany(ctx, co) },
			func() error { return tx.CreateTenant(ctx, te) },
			func() error { return tx.CreateTier(ctx, tr) },
			func() error { return tx.CreateCustomerGroup(ctx, g) },
			func() error { return tx.CreateCustomer(ctx, w.c1) },
			func() error { return tx.CreateCustomer(ctx, w.c2) },
		}
		for _, s := range steps {
			if err := s(); err != nil {
				return err
			}
		}
		if _, err := tx.AddTenantMembership(ctx, tenant.NewMembership(a.ID, w.c1.ID, te.ID, now, core.SystemActor)); err != nil {
			return err
		}
		if _, err := tx.AddGroupMembership(ctx, customergroup.NewMembership(a.ID, w.c1.ID, g.ID, now, core.SystemActor)); err != nil {
			return err
		}
		t1, t2, t3 := newThread(a.ID, w.c1.ID, 1), newThread(a.ID, w.c1.ID, 2), newThread(a.ID, w.c2.ID, 3)
		t1.TenantID, t1.TierID = &te.ID, &tr.ID
		// A thread of another workspace naming the same ids matches nothing of A.
		o := NewCustomer(other.ID, "O", "o@acme.io")
		o.CompanyID = &co.ID
		t4 := newThread(other.ID, o.ID, 1)
		t4.TenantID, t4.TierID = &te.ID, &tr.ID
		for _, err := range []error{tx.CreateThread(ctx, t1), tx.CreateThread(ctx, t2), tx.CreateThread(ctx, t3),
			tx.CreateCustomer(ctx, o), tx.CreateThread(ctx, t4)} {
			if err != nil {
				return err
			}
		}
		return nil
	})
	return w
}

// testAccountFilters lists threads and customers by tenant, tier, company
// and customer group, alone, combined and negated; an empty id list
// matches nothing.
func testAccountFilters(t *testing.T, st store.Store) {
	w := newAccountWorld(t, st)
	for name, c := range map[string]struct {
		f    thread.Filter
		want int
	}{
		"tenant":          {thread.Filter{TenantIDs: []string{w.tenant}}, 1},
		"tier":            {thread.Filter{TierIDs: []string{w.tier}}, 1},
		"company":         {thread.Filter{CompanyIDs: []string{w.company}}, 2},
		"group":           {thread.Filter{CustomerGroupIDs: []string{w.group}}, 2},
		"no tenant named": {thread.Filter{TenantIDs: []string{}}, 0},
		"no group named":  {thread.Filter{CustomerGroupIDs: []string{}}, 0},
		"not the tenant":  {thread.Filter{Not: &thread.Filter{TenantIDs: []string{w.tenant}}}, 2},
		"tier or group":   {thread.Filter{Or: []thread.Filter{{TierIDs: []string{w.tier}}, {CustomerGroupIDs: []string{w.group}}}}, 2},
		"company, todo":   {thread.Filter{CompanyIDs: []string{w.company}, Statuses: []thread.Status{thread.StatusTodo}}, 2},
	} {
		var n int
		var rows []store.ThreadRow
		mustView(t, st, func(tx store.Tx) (err error) {
			if n, err = tx.CountThreads(ctx, w.ws, c.f); err != nil {
				return err
			}
			p, _ := core.PageArgs{First: core.Ptr(100)}.Resolve(2)
			rows, err = tx.ListThreads(ctx, w.ws, c.f, thread.DefaultSort, p)
			return err
		})
		if n != c.want || len(rows) != c.want {
			t.Errorf("threads by %s: CountThreads = %d, ListThreads %d rows; want %d", name, n, len(rows), c.want)
		}
	}
	for name, c := range map[string]struct {
		f    customer.Filter
		want []string
	}{
		"company":     {customer.Filter{CompanyIDs: []string{w.company}}, []string{w.c1.ID}},
		"tenant":      {customer.Filter{TenantIDs: []string{w.tenant}}, []string{w.c1.ID}},
		"group":       {customer.Filter{GroupIDs: []string{w.group}}, []string{w.c1.ID}},
		"no group":    {customer.Filter{GroupIDs: []string{}}, nil},
		"all of them": {customer.Filter{CompanyIDs: []string{w.company}, TenantIDs: []string{w.tenant}, GroupIDs: []string{w.group}}, []string{w.c1.ID}},
	} {
		var n int
		var rows []customer.Customer
		mustView(t, st, func(tx store.Tx) (err error) {
			if n, err = tx.CountCustomers(ctx, w.ws, c.f); err != nil {
				return err
			}
			p, _ := core.PageArgs{}.Resolve(2)
			rows, err = tx.ListCustomers(ctx, w.ws, c.f, customer.Sort{}, p)
			return err
		})
		got := idsOf(rows, func(c customer.Customer) string { return c.ID })
		if n != len(c.want) || len(got) != len(c.want) || len(got) > 0 && got[0] != c.want[0] {
			t.Errorf("customers by %s: CountCustomers = %d, ListCustomers %v; want %v", name, n, got, c.want)
		}
	}
}
