package server

import (
	"context"
	"fmt"
	"testing"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/customercard"
	"github.com/threadline/threadline/internal/service"
)

// gql posts doc with key and fails the test on any GraphQL error; it
// returns the response's data.
func (e *env) gql(t *testing.T, key, doc string) map[string]any {
	t.Helper()
	r := e.post(key, doc, nil)
	if r.Status != 200 || r.Body["errors"] != nil {
		t.Fatalf("%s\n→ %d %s", doc, r.Status, r.Raw)
	}
	data, _ := r.Body["data"].(map[string]any)
	return data
}

// mustMutate runs a mutation and fails the test on a MutationError; it
// returns the mutation's output.
func (e *env) mustMutate(t *testing.T, key, doc string) map[string]any {
	t.Helper()
	data := e.gql(t, key, doc)
	for _, v := range data {
		out, _ := v.(map[string]any)
		if out["error"] != nil {
			t.Fatalf("%s\n→ %v", doc, out["error"])
		}
		return out
	}
	t.Fatalf("%s: no output", doc)
	return nil
}

// accounts makes, with key, a company (acme.test.io), a tenant ("acc-1"),
// a tier ("gold", default priority 0) with both as members, and a
// customer group ("vip"), and returns their ids.
func (e *env) accounts(t *testing.T, key string) (companyID, tenantID, tierID, groupID string) {
	t.Helper()
	companyID = path(e.mustMutate(t, key, `mutation { upsertCompany(input: {identifier: {companyDomainName: "acme-co.io"},
		name: "Acme", domainName: "acme-co.io"}) { company { id } error { code } } }`), "company", "id").(string)
	tenantID = path(e.mustMutate(t, key, `mutation { upsertTenant(input: {identifier: {externalId: "acc-1"}, externalId: "acc-1",
		name: "Acme account"}) { tenant { id } error { code } } }`), "tenant", "id").(string)
	tierID = path(e.mustMutate(t, key, fmt.Sprintf(`mutation { createTier(input: {name: "Gold", externalId: "gold", color: "#ffd700",
		defaultThreadPriority: 0, memberIdentifiers: [{tenantId: %q}, {companyId: %q}]}) { tier { id } error { code } } }`,
		tenantID, companyID)), "tier", "id").(string)
	groupID = path(e.mustMutate(t, key, `mutation { createCustomerGroup(input: {name: "VIP", key: "vip", color: "#ff0000"}) {
		customerGroup { id } error { code } } }`), "customerGroup", "id").(string)
	return companyID, tenantID, tierID, groupID
}

// TestAccountsCrossNoWorkspace: the companies, tenants, tiers, customer
// groups and card configs of workspace B are invisible to a key of
// workspace A holding every permission, and naming them in A's inputs
// and filters finds nothing.
func TestAccountsCrossNoWorkspace(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		other, err := e.svc.CreateWorkspace(ctx, "B")
		if err != nil {
			t.Fatal(err)
		}
		b := &env{t: t, st: e.st, svc: e.svc, h: e.h, ws: other.ID}
		keyB := b.key(other.ID, auth.All)
		coB, teB, tiB, grB := b.accounts(t, keyB)
		cfgB, err := e.svc.CreateCustomerCardConfig(service.System(ctx, other.ID), customercard.CreateInput{Title: "B", Key: "b",
			DefaultTTLSeconds: 60, APIURL: "https://cards.example.com/b"})
		if err != nil {
			t.Fatal(err)
		}
		f := e.fixture(t)
		keyA := e.key(e.ws, auth.All)
		threadA := e.newThread(t, keyA, f, "")
		for name, q := range map[string]string{
			"company":            `{ company(companyId: "` + coB + `") { id } }`,
			"tenant":             `{ tenant(tenantId: "` + teB + `") { id } }`,
			"tier":               `{ tier(tierId: "` + tiB + `") { id } }`,
			"customerGroup":      `{ customerGroup(customerGroupId: "` + grB + `") { id } }`,
			"customerCardConfig": `{ customerCardConfig(customerCardConfigId: "` + cfgB.ID + `") { id } }`,
		} {
			if got := path(e.gql(t, keyA, q), name); got != nil {
				t.Errorf("%s: A reads B's: %v", name, got)
			}
		}
		// A has accounts of the same names, keys and domains: its own.
		coA, teA, tiA, grA := e.accounts(t, keyA)
		own := map[string]bool{coA: true, teA: true, tiA: true, grA: true}
		c := f.customer.ID
		e.mustMutate(t, keyA, `mutation { updateCustomerCompany(input: {customerId: "`+c+`", companyIdentifier: {companyId: "`+coA+`"}}) { error { code } } }`)
		e.mustMutate(t, keyA, `mutation { addCustomerToTenants(input: {customerIdentifier: {customerId: "`+c+`"}, tenantIdentifiers: [{tenantId: "`+teA+`"}]}) { error { code } } }`)
		e.mustMutate(t, keyA, `mutation { addCustomerToCustomerGroups(input: {customerId: "`+c+`", customerGroupIdentifiers: [{customerGroupId: "`+grA+`"}]}) { error { code } } }`)
		e.mustMutate(t, keyA, `mutation { updateThreadTenant(input: {threadId: "`+threadA+`", tenantIdentifier: {tenantId: "`+teA+`"}}) { error { code } } }`)
		for name, q := range map[string]string{
			"companies":       `{ companies { edges { node { id } } } }`,
			"searchCompanies": `{ searchCompanies(searchQuery: {term: "acme"}) { edges { node { company { id } } } } }`,
			"tenants":         `{ tenants { edges { node { id } } } }`,
			"searchTenants":   `{ searchTenants(searchQuery: {term: "acc-1"}) { edges { node { tenant { id } } } } }`,
			"tiers":           `{ tiers { edges { node { id } } } }`,
			"customerGroups":  `{ customerGroups { edges { node { id } } } }`,
		} {
			edges := path(e.gql(t, keyA, q), name, "edges").([]any)
			for _, x := range edges {
				node := x.(map[string]any)["node"].(map[string]any)
				for _, v := range node {
					if m, ok := v.(map[string]any); ok {
						node = m
					}
				}
				if !own[node["id"].(string)] {
					t.Errorf("%s: A sees %v, not its own", name, node["id"])
				}
			}
			if len(edges) != 1 {
				t.Errorf("%s: %d edges, want A's one", name, len(edges))
			}
		}
		// Filters naming B's accounts match nothing; naming A's, A's thread and customer.
		for _, ids := range []struct {
			co, te, ti, gr string
			want           int
		}{{coB, teB, tiB, grB, 0}, {coA, teA, tiA, grA, 1}} {
			for _, filter := range []string{`tenantIdentifiers: [{tenantId: "` + ids.te + `"}]`, `tierIdentifiers: [{tierId: "` + ids.ti + `"}]`,
				`companyIdentifiers: [{companyId: "` + ids.co + `"}]`, `customerGroupIdentifiers: [{customerGroupId: "` + ids.gr + `"}]`} {
				if n := len(path(e.gql(t, keyA, `{ threads(filters: {`+filter+`}) { edges { cursor } } }`), "threads", "edges").([]any)); n != ids.want {
					t.Errorf("threads(%s): %d rows, want %d", filter, n, ids.want)
				}
			}
			q := `{ customers(filters: {companyIdentifiers: [{companyId: "` + ids.co + `"}], tenantIdentifiers: [{tenantId: "` + ids.te +
				`"}], customerGroupIds: ["` + ids.gr + `"]}) { edges { cursor } } }`
			if n := len(path(e.gql(t, keyA, q), "customers", "edges").([]any)); n != ids.want {
				t.Errorf("customers by accounts: %d rows, want %d", n, ids.want)
			}
		}
		if cs := path(e.gql(t, keyA, `{ customerCardConfigs { id } }`), "customerCardConfigs").([]any); len(cs) != 0 {
			t.Errorf("customerCardConfigs: A sees B's %v", cs)
		}
		for name, q := range map[string]string{
			"updateCustomerCompany":       `mutation { updateCustomerCompany(input: {customerId: "` + c + `", companyIdentifier: {companyId: "` + coB + `"}}) { error { code } } }`,
			"deleteCompany":               `mutation { deleteCompany(input: {companyIdentifier: {companyId: "` + coB + `"}}) { error { code } } }`,
			"upsertCompany":               `mutation { upsertCompany(input: {identifier: {companyId: "` + coB + `"}, name: "x", domainName: "x.io"}) { error { code } } }`,
			"upsertTenant":                `mutation { upsertTenant(input: {identifier: {tenantId: "` + teB + `"}, externalId: "x", name: "x"}) { error { code } } }`,
			"addCustomerToTenants":        `mutation { addCustomerToTenants(input: {customerIdentifier: {customerId: "` + c + `"}, tenantIdentifiers: [{tenantId: "` + teB + `"}]}) { error { code } } }`,
			"updateThreadTenant":          `mutation { updateThreadTenant(input: {threadId: "` + threadA + `", tenantIdentifier: {tenantId: "` + teB + `"}}) { error { code } } }`,
			"deleteTenant":                `mutation { deleteTenant(input: {tenantIdentifier: {tenantId: "` + teB + `"}}) { error { code } } }`,
			"updateTier":                  `mutation { updateTier(input: {tierId: "` + tiB + `", name: {value: "x"}}) { error { code } } }`,
			"addMembersToTier":            `mutation { addMembersToTier(input: {tierIdentifier: {tierId: "` + tiB + `"}, memberIdentifiers: []}) { error { code } } }`,
			"updateThreadTier":            `mutation { updateThreadTier(input: {threadId: "` + threadA + `", tierIdentifier: {tierId: "` + tiB + `"}}) { error { code } } }`,
			"updateTenantTier":            `mutation { updateTenantTier(input: {tenantIdentifier: {tenantId: "` + teB + `"}, tierIdentifier: null}) { error { code } } }`,
			"deleteCustomerGroup":         `mutation { deleteCustomerGroup(input: {customerGroupId: "` + grB + `"}) { error { code } } }`,
			"addCustomerToCustomerGroups": `mutation { addCustomerToCustomerGroups(input: {customerId: "` + c + `", customerGroupIdentifiers: [{customerGroupId: "` + grB + `"}]}) { error { code } } }`,
			"deleteCustomerCardConfig":    `mutation { deleteCustomerCardConfig(input: {customerCardConfigId: "` + cfgB.ID + `"}) { error { code } } }`,
			"createThread":                `mutation { createThread(input: {customerIdentifier: {customerId: "` + c + `"}, tenantIdentifier: {tenantId: "` + teB + `"}}) { error { code } } }`,
		} {
			if code := path(e.gql(t, keyA, q), name, "error", "code"); code != "not_found" {
				t.Errorf("%s naming B's account: code %v, want not_found", name, code)
			}
		}
		// B's accounts are intact.
		got := e.gql(t, keyB, `{ company(companyId: "`+coB+`") { id tier { id } } tenant(tenantId: "`+teB+`") { id } customerGroup(customerGroupId: "`+grB+`") { id } }`)
		if path(got, "company", "tier", "id") != tiB || path(got, "tenant", "id") != teB || path(got, "customerGroup", "id") != grB {
			t.Errorf("B's accounts changed: %v", got)
		}
	})
}
