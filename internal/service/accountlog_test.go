package service

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/threadline/threadline/internal/company"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/customercard"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/store/sqlite"
	"github.com/threadline/threadline/internal/tenant"
	"github.com/threadline/threadline/internal/tier"
)

// TestAccountChangesRecorded: every change of a company, tenant, tier,
// membership or card config writes its event to the outbox, in its
// transaction; changing nothing writes none.
func TestAccountChangesRecorded(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "log.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := New(st, nil, nil)
	ws := payloadMust(svc.EnsureDefaultWorkspace(ctx))(t)
	sys := System(ctx, ws)
	co, _ := payloadMust2(svc.UpsertCompany(sys, company.UpsertInput{Identifier: company.Identifier{DomainName: core.Ptr("acme.io")},
		Name: "Acme", DomainName: "acme.io"}))(t)
	payloadMust2(svc.UpsertCompany(sys, company.UpsertInput{Identifier: company.Identifier{ID: &co.ID}, Name: "Acme", DomainName: "acme.io"}))(t) // NOOP
	te, _ := payloadMust2(svc.UpsertTenant(sys, tenant.UpsertInput{Identifier: tenant.Identifier{ExternalID: core.Ptr("a")}, ExternalID: "a", Name: "A"}))(t)
	tr := payloadMust(svc.CreateTier(sys, tier.CreateInput{Name: "Gold", ExternalID: "gold", Color: "#ffd700",
		Members: []tier.Member{{TenantID: &te.ID}}}))(t)
	payloadMust(svc.UpdateCompanyTier(sys, company.Identifier{ID: &co.ID}, &tier.Identifier{ID: &tr.ID}))(t)
	payloadMust(svc.RemoveMembersFromTier(sys, []tier.Member{{TenantID: &te.ID}}))(t)
	c, _ := payloadMust2(svc.UpsertCustomer(sys, UpsertCustomerInput{Identifier: customer.Identifier{EmailAddress: core.Ptr("x@example.com")},
		OnCreate: customer.CreateFields{FullName: "X", Email: "x@example.com"}}))(t)
	who := customer.Identifier{CustomerID: &c.ID}
	payloadMust(svc.ChangeCustomerTenants(sys, AddTenants, who, []tenant.Identifier{{ID: &te.ID}}))(t)
	payloadMust(svc.ChangeCustomerTenants(sys, AddTenants, who, []tenant.Identifier{{ID: &te.ID}}))(t) // already in
	payloadMust(svc.ChangeCustomerTenants(sys, SetTenants, who, nil))(t)
	cfg := payloadMust(svc.CreateCustomerCardConfig(sys, customercard.CreateInput{Title: "T", Key: "k", DefaultTTLSeconds: 60,
		APIURL: "https://cards.example.com"}))(t)
	if err := svc.DeleteCustomerCardConfig(sys, cfg.ID); err != nil {
		t.Fatal(err)
	}
	payloadMust(svc.DeleteTenant(sys, tenant.Identifier{ID: &te.ID}))(t)
	payloadMust(svc.DeleteTier(sys, tr.ID))(t)
	payloadMust(svc.DeleteCompany(sys, company.Identifier{ID: &co.ID}))(t)

	var got []event.Type
	if err := st.View(ctx, func(tx store.Tx) error {
		rs, err := tx.ListEvents(ctx, ws, 0, 1000)
		for _, r := range rs {
			if r.Type != event.WorkspaceCreated && r.Type != event.CustomerCreated {
				got = append(got, r.Type)
			}
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	want := []event.Type{event.CompanyCreated, event.TenantCreated, event.TierCreated, event.TierMembershipsChanged,
		event.TierMembershipsChanged, event.TierMembershipsChanged, event.CustomerTenantMembershipsChanged,
		event.CustomerTenantMembershipsChanged, event.CardConfigCreated, event.CardConfigDeleted, event.TenantDeleted,
		event.TierDeleted, event.CompanyDeleted}
	if !slices.Equal(got, want) {
		t.Errorf("events\n%v\nwant\n%v", got, want)
	}
}
