package server

import (
	"slices"
	"testing"

	"github.com/threadline/threadline/internal/auth"
)

// TestSearch: searchThreads finds threads by words of their title and
// messages, with the threads filter applied; searchCustomers finds
// customers by the fields its conditions name; both need the read
// permission of what they find, and see one workspace.
func TestSearch(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		key := e.key(e.ws, auth.All)
		f := e.fixture(t)
		printer := e.newThread(t, key, f, `, title: "Printer on fire"`)
		e.newThread(t, key, f, `, title: "Invoice question"`)
		ids := func(r response, root string, node ...any) []string {
			t.Helper()
			var out []string
			edges, ok := path(r.Body, "data", root, "edges").([]any)
			if !ok {
				t.Fatalf("%s: %s", root, r.Raw)
			}
			for _, x := range edges {
				out = append(out, path(x, append([]any{"node"}, node...)...).(string))
			}
			return out
		}
		r := e.post(key, `{ searchThreads(searchQuery: {term: "print FIRE"}) { edges { node { thread { id } } } pageInfo { hasNextPage } } }`, nil)
		if got := ids(r, "searchThreads", "thread", "id"); !slices.Equal(got, []string{printer}) {
			t.Errorf("searchThreads: %v, want %v", got, printer)
		}
		r = e.post(key, `{ searchThreads(searchQuery: {term: "printer"}, filters: {statuses: [DONE]}) { edges { node { thread { id } } } } }`, nil)
		if got := ids(r, "searchThreads", "thread", "id"); len(got) != 0 {
			t.Errorf("searchThreads among DONE threads: %v", got)
		}
		name := path(e.gql(t, key, `{ customer(customerId: "`+f.customer.ID+`") { fullName } }`), "customer", "fullName").(string)
		r = e.post(key, `{ searchCustomers(searchQuery: {or: [{email: {caseInsensitiveContains: "nobody"}}, {fullName: {caseInsensitiveContains: "`+name[:3]+`"}}]}) { edges { node { id } } } }`, nil)
		if got := ids(r, "searchCustomers", "id"); !slices.Equal(got, []string{f.customer.ID}) {
			t.Errorf("searchCustomers: %v (%s)", got, r.Raw)
		}
		r = e.post(key, `{ searchCustomers(searchQuery: {or: [{timelineEntryText: {caseInsensitiveContains: "invoice"}}]}) { edges { node { id } } } }`, nil)
		if got := ids(r, "searchCustomers", "id"); !slices.Equal(got, []string{f.customer.ID}) {
			t.Errorf("searchCustomers by timeline text: %v", got)
		}
		noCustomers := e.key(e.ws, auth.ThreadRead)
		if r := e.post(noCustomers, `{ searchCustomers(searchQuery: {or: []}) { edges { node { id } } } }`, nil); r.Status != 403 {
			t.Errorf("searchCustomers without customer:read: %d %s", r.Status, r.Raw)
		}
		other, _ := e.svc.CreateWorkspace(t.Context(), "Other")
		otherKey := e.key(other.ID, auth.All)
		r = e.post(otherKey, `{ searchThreads(searchQuery: {term: "printer"}) { edges { node { thread { id } } } } }`, nil)
		if got := ids(r, "searchThreads", "thread", "id"); len(got) != 0 {
			t.Errorf("another workspace finds %v", got)
		}
	})
}
