package service

import (
	"context"
	"testing"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customergroup"
	"github.com/threadline/threadline/internal/tenant"
)

// runAccountScenario makes the changes of accounts that emit webhooks:
// a customer group created, changed and (after the scenario) deleted, the
// customer added to it, removed and added again, and the thread moved to
// a tenant.
func runAccountScenario(t *testing.T, svc *Service, bot context.Context, w payloadWorld) {
	t.Helper()
	g := payloadMust(svc.CreateCustomerGroup(bot, customergroup.Fields{Name: "VIP", Key: "vip", Color: "#ff0000"}))(t)
	payloadMust(svc.UpdateCustomerGroup(bot, customergroup.UpdateInput{ID: g.ID, Name: core.Ptr("VIPs")}))(t)
	byID := []customergroup.Identifier{{ID: &g.ID}}
	if added := payloadMust(svc.AddCustomerToCustomerGroups(bot, w.customerID, byID))(t); len(added) != 1 {
		t.Fatalf("added %d memberships", len(added))
	}
	if err := svc.RemoveCustomerFromCustomerGroups(bot, w.customerID, []customergroup.Identifier{{Key: core.Ptr("vip")}}); err != nil {
		t.Fatal(err)
	}
	payloadMust(svc.AddCustomerToCustomerGroups(bot, w.customerID, byID))(t)
	te, _ := payloadMust2(svc.UpsertTenant(bot, tenant.UpsertInput{Identifier: tenant.Identifier{ExternalID: core.Ptr("acme")},
		ExternalID: "acme", Name: "Acme"}))(t)
	payloadMust(svc.UpdateThreadTenant(bot, w.threadID, &tenant.Identifier{ID: &te.ID}))(t)
}

// removeAccountScenario deletes the scenario's customer group.
func removeAccountScenario(t *testing.T, svc *Service, bot context.Context) {
	t.Helper()
	groups := payloadMust(svc.CustomerGroups(bot, nil, core.PageArgs{}))(t)
	for _, e := range groups.Edges {
		if err := svc.DeleteCustomerGroup(bot, e.Node.ID); err != nil {
			t.Fatal(err)
		}
	}
}

// checkAccountPayloads checks what the account webhooks say.
func checkAccountPayloads(c payloadChecker, w payloadWorld, byType map[string][]map[string]any) {
	gc := c.one(byType, "customer.customer_group_changed", 3)
	c.eq(gc[0], "payload.changeType", "ADDED")
	c.eq(gc[0], "payload.customerGroup.key", "vip")
	c.eq(gc[1], "payload.changeType", "UPDATED")
	c.eq(gc[1], "payload.previousCustomerGroup.name", "VIP")
	c.eq(gc[1], "payload.customerGroup.name", "VIPs")
	c.eq(gc[2], "payload.changeType", "REMOVED")
	c.eq(gc[2], "payload.previousCustomerGroup.name", "VIPs")
	ms := c.one(byType, "customer.customer_group_memberships_changed", 3)
	for i, want := range []string{"ADDED", "REMOVED", "ADDED"} {
		c.eq(ms[i], "payload.changeType", want)
		c.eq(ms[i], "payload.customer.id", w.customerID)
	}
	c.eq(ms[0], "payload.previousCustomer.customerGroupMemberships", []any{})
	c.eq(ms[0], "payload.customer.customerGroupMemberships.0.customerGroup.key", "vip")
	c.eq(ms[1], "payload.customer.customerGroupMemberships", []any{})
	// The customer's later payloads show the membership.
	c.eq(c.one(byType, "customer.customer_deleted", 1)[0], "payload.previousCustomer.customerGroupMemberships.0.customerId", w.customerID)
	tu := c.one(byType, "thread.thread_tenant_updated", 1)[0]
	c.eq(tu, "payload.thread.customer.customerGroupMemberships.0.customerGroup.name", "VIPs")
}
