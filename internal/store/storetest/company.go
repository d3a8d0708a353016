package storetest

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/company"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/store"
)

// newCompany returns a company of ws with a domain (not stored).
func newCompany(ws, domain string) company.Company {
	return company.Inferred(ws, domain, core.SystemClock{}.Now(), core.SystemActor)
}

// idsOf returns the ids of values, in order.
func idsOf[T any](vs []T, id func(T) string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = id(v)
	}
	return out
}

func companyID(c company.Company) string { return c.ID }

// testCompanies checks companies: domains unique among live companies of a
// workspace, reads by id and domain scoped to the workspace, updates
// (deletion included), and the filtered, searched, paginated list.
func testCompanies(t *testing.T, st store.Store) {
	a := MustCreateWorkspace(t, st, "A")
	b := MustCreateWorkspace(t, st, "B")
	acme, globex := newCompany(a.ID, "acme.io"), newCompany(a.ID, "globex.com")
	acme.ContractValue, acme.AccountOwnerID = core.Ptr(1200), core.Ptr("u_1")
	mustUpdate(t, st, func(tx store.Tx) error {
		for _, c := range []company.Company{acme, globex, newCompany(b.ID, "acme.io")} {
			if err := tx.CreateCompany(ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.CreateCompany(ctx, newCompany(a.ID, "acme.io")) }); !errors.Is(err, core.ErrDuplicate) {
		t.Errorf("a second live company of acme.io: %v, want ErrDuplicate", err)
	}
	mustUpdate(t, st, func(tx store.Tx) error { // Lock* needs a read-write transaction
		got, err := tx.FindCompanies(ctx, a.ID, []string{globex.ID}, []string{"acme.io"})
		slices.SortFunc(got, func(x, y company.Company) int { return strings.Compare(x.ID, y.ID) })
		if err != nil || len(got) != 2 || !equalCompany(got[0], acme) || !equalCompany(got[1], globex) {
			t.Errorf("FindCompanies = %+v, %v; want acme and globex", got, err)
		}
		if got, err := tx.FindCompanies(ctx, b.ID, []string{globex.ID}, nil); err != nil || len(got) != 0 {
			t.Errorf("FindCompanies of A's company through B = %+v, %v", got, err)
		}
		if got, err := tx.FindCompanies(ctx, a.ID, nil, nil); err != nil || len(got) != 0 {
			t.Errorf("FindCompanies of nothing = %+v, %v", got, err)
		}
		if got, err := tx.LockCompany(ctx, a.ID, acme.ID); err != nil || !equalCompany(got, acme) {
			t.Errorf("LockCompany = %+v, %v", got, err)
		}
		if _, err := tx.LockCompany(ctx, b.ID, acme.ID); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("LockCompany through B: %v, want ErrNotFound", err)
		}
		return nil
	})
	later := core.SystemClock{}.Now().Add(time.Minute)
	renamed := acme
	renamed.Name, renamed.ContractValue, renamed.UpdatedAt = "Acme Corp", nil, later
	gone := globex.Delete(later, core.SystemActor)
	mustUpdate(t, st, func(tx store.Tx) error {
		if err := tx.UpdateCompany(ctx, renamed); err != nil {
			return err
		}
		if err := tx.UpdateCompany(ctx, gone); err != nil {
			return err
		}
		// The domain of a deleted company is free again.
		return tx.CreateCompany(ctx, newCompany(a.ID, "globex.com"))
	})
	mustUpdate(t, st, func(tx store.Tx) error { // Lock* needs a read-write transaction
		if got, _ := tx.FindCompanies(ctx, a.ID, []string{acme.ID, globex.ID}, nil); len(got) != 1 || !equalCompany(got[0], renamed) {
			t.Errorf("after update and delete: %+v, want the renamed acme alone", got)
		}
		if _, err := tx.LockCompany(ctx, a.ID, globex.ID); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("LockCompany of a deleted company: %v, want ErrNotFound", err)
		}
		return nil
	})
	testCompanyList(t, st, a.ID, renamed, gone)
}

// testCompanyList lists a's companies: acme (renamed), the new globex and
// the deleted globex.
func testCompanyList(t *testing.T, st store.Store, ws string, acme, deleted company.Company) {
	page := func(f company.Filter, first int, after *string) []company.Company {
		p, _ := core.PageArgs{First: &first, After: after}.Resolve(1)
		var rows []company.Company
		mustView(t, st, func(tx store.Tx) (err error) {
			rows, err = tx.ListCompanies(ctx, ws, f, p)
			return err
		})
		return rows
	}
	all := page(company.Filter{}, 10, nil)
	if len(all) != 2 || all[0].ID != acme.ID || all[1].DomainName != "globex.com" {
		t.Fatalf("ListCompanies = %v, want acme then the new globex", idsOf(all, companyID))
	}
	if got := page(company.Filter{}, 1, nil); len(got) != 2 || got[0].ID != acme.ID {
		t.Errorf("first page of 1: %v (want acme and one more row)", idsOf(got, companyID))
	}
	after := company.CursorOf(all[0])
	if got := page(company.Filter{}, 1, &after); len(got) != 1 || got[0].ID != all[1].ID {
		t.Errorf("page after acme: %v", idsOf(got, companyID))
	}
	for name, c := range map[string]struct {
		f    company.Filter
		want []string
	}{
		"deleted":     {company.Filter{IsDeleted: true}, []string{deleted.ID}},
		"ids":         {company.Filter{IDs: []string{acme.ID, deleted.ID}}, []string{acme.ID}},
		"no ids":      {company.Filter{IDs: []string{}}, []string{}},
		"term name":   {company.Filter{Term: "CME c"}, []string{acme.ID}},
		"term domain": {company.Filter{Term: "lobex.c"}, []string{all[1].ID}},
		"term %":      {company.Filter{Term: "%"}, []string{}},
		"updated":     {company.Filter{UpdatedAfter: &acme.UpdatedAt}, []string{acme.ID}},
	} {
		if got := idsOf(page(c.f, 10, nil), companyID); !slices.Equal(got, c.want) {
			t.Errorf("ListCompanies(%s) = %v, want %v", name, got, c.want)
		}
	}
}

func equalCompany(x, y company.Company) bool {
	return x.ID == y.ID && x.Name == y.Name && x.DomainName == y.DomainName && core.Equal(x.ContractValue, y.ContractValue) &&
		core.Equal(x.AccountOwnerID, y.AccountOwnerID) && x.CreatedAt == y.CreatedAt && x.UpdatedAt == y.UpdatedAt &&
		x.CreatedBy == y.CreatedBy && (x.DeletedAt == nil) == (y.DeletedAt == nil)
}
