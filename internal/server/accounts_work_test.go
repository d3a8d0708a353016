package server

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/store/sqlite"
)

// newAccountThread creates a thread of the customer with email, with extra
// input, and returns its id, priority and tier id ("" for none).
func (e *env) newAccountThread(t *testing.T, key, email, extra string) (id string, priority float64, tierID string) {
	t.Helper()
	out := e.mustMutate(t, key, fmt.Sprintf(`mutation { createThread(input: {customerIdentifier: {emailAddress: %q},
		components: [{componentText: {text: "hi"}}] %s}) { thread { id priority tier { id } } error { code message fields { field } } } }`, email, extra))
	tierID, _ = path(out, "thread", "tier", "id").(string)
	return path(out, "thread", "id").(string), path(out, "thread", "priority").(float64), tierID
}

// TestTierPriority: a new thread of a tier's member (its tenant's tier
// first, else its customer's company's, else the default tier) is in that
// tier and gets its default priority unless given one; changing the
// thread's tenant changes its tier; a thread can be put in a tier by hand.
func TestTierPriority(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		key := e.key(e.ws, auth.All)
		_, _, gold, _ := e.accounts(t, key) // gold (priority 0): the tenant acc-1 and the company acme-co.io
		silver := path(e.mustMutate(t, key, `mutation { createTier(input: {name: "Silver", externalId: "silver", color: "#c0c0c0",
			defaultThreadPriority: 3, isDefault: true, memberIdentifiers: []}) { tier { id isDefault } error { code } } }`), "tier", "id").(string)
		for _, email := range []string{"ann@acme-co.io", "bob@gmail.com"} {
			e.mustMutate(t, key, fmt.Sprintf(`mutation { upsertCustomer(input: {identifier: {emailAddress: %q}, onCreate: {fullName: "X",
				email: {email: %q, isVerified: true}}, onUpdate: {}}) { customer { id } error { code } } }`, email, email))
		}
		// ann works for acme-co.io (inferred from her address); bob for no company.
		_, p, tr := e.newAccountThread(t, key, "ann@acme-co.io", "")
		check := func(what string, gotP float64, gotTier string, wantP float64, wantTier string) {
			t.Helper()
			if gotP != wantP || gotTier != wantTier {
				t.Errorf("%s: priority %v, tier %q; want %v, %q", what, gotP, gotTier, wantP, wantTier)
			}
		}
		check("company member", p, tr, 0, gold)
		_, p, tr = e.newAccountThread(t, key, "ann@acme-co.io", ", priority: 3")
		check("company member, priority given", p, tr, 3, gold)
		_, p, tr = e.newAccountThread(t, key, "bob@gmail.com", "")
		check("no company", p, tr, 3, silver)
		id, p, tr := e.newAccountThread(t, key, "bob@gmail.com", `, tenantIdentifier: {externalId: "acc-1"}`)
		check("tenant member", p, tr, 0, gold)
		moved := e.mustMutate(t, key, `mutation { updateThreadTenant(input: {threadId: "`+id+`", tenantIdentifier: null}) {
			thread { tenant { id } tier { id } priority } error { code } } }`)
		if path(moved, "thread", "tenant") != nil || path(moved, "thread", "tier", "id") != silver || path(moved, "thread", "priority") != 0.0 {
			t.Errorf("detached from its tenant: %v; want the default tier, the priority kept", moved)
		}
		byHand := e.mustMutate(t, key, `mutation { updateThreadTier(input: {threadId: "`+id+`", tierIdentifier: {externalId: "gold"}}) {
			thread { tier { id } } error { code } } }`)
		if path(byHand, "thread", "tier", "id") != gold {
			t.Errorf("updateThreadTier: %v", byHand)
		}
		cleared := e.mustMutate(t, key, `mutation { updateThreadTier(input: {threadId: "`+id+`", tierIdentifier: null}) { thread { tier { id } } error { code } } }`)
		if path(cleared, "thread", "tier") != nil {
			t.Errorf("updateThreadTier(null): %v", cleared)
		}
		// Deleting the company ends its membership: ann's next thread is in the default tier.
		e.mustMutate(t, key, `mutation { deleteCompany(input: {companyIdentifier: {companyDomainName: "https://www.acme-co.io/about"}}) { company { isDeleted } error { code } } }`)
		_, p, tr = e.newAccountThread(t, key, "ann@acme-co.io", "")
		check("company deleted", p, tr, 3, silver)
	})
}

// TestAccountRelationsBatched: a page of threads with their tenants,
// tiers, customers' companies (with tiers) and memberships costs a
// handful of reads, not one per thread.
func TestAccountRelationsBatched(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "n.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cs := &countingStore{Store: st}
	log := slog.New(slog.DiscardHandler)
	svc := service.New(cs, nil, log)
	ws, _ := svc.EnsureDefaultWorkspace(context.Background())
	e := &env{t: t, st: st, svc: svc, h: mustNew(t, svc, cs, log), ws: ws}
	key := e.key(e.ws, auth.All)
	e.accounts(t, key)
	for i := range 25 {
		email := fmt.Sprintf("c%d@acme-co.io", i)
		e.mustMutate(t, key, fmt.Sprintf(`mutation { upsertCustomer(input: {identifier: {emailAddress: %q}, onCreate: {fullName: "C",
			email: {email: %q, isVerified: true}, tenantIdentifiers: [{externalId: "acc-1"}], customerGroupIdentifiers: [{customerGroupKey: "vip"}]},
			onUpdate: {}}) { customer { id } error { code } } }`, email, email))
		e.newAccountThread(t, key, email, `, tenantIdentifier: {externalId: "acc-1"}`)
	}
	before := cs.views.Load()
	r := e.post(key, `{ threads(first: 25) { edges { node { id tenant { id tier { id } } tier { id memberships { totalCount } }
		customer { company { id tier { id } } tenantMemberships { edges { node { tenant { id } } } }
		customerGroupMemberships { edges { node { customerGroup { key } } } } } } } } }`, nil)
	edges, _ := path(r.Body, "data", "threads", "edges").([]any)
	if len(edges) != 25 || path(edges[0], "node", "customer", "customerGroupMemberships", "edges", 0, "node", "customerGroup", "key") != "vip" {
		t.Fatalf("threads: %s", r.Raw)
	}
	reads := cs.views.Load() - before
	t.Logf("%d reads for a page of 25 threads with their accounts", reads)
	if reads > 40 { // one per relation and thread would be over 200
		t.Fatalf("a page of 25 threads with accounts took %d reads; relations must be batched", reads)
	}
}
