package e2e

import (
	"fmt"
	"sync"
	"testing"

	"github.com/threadline/threadline/test/harness"
)

// TestRefsAcrossReplicas: two servers on one PostgreSQL database create
// threads concurrently; every thread gets its own ref.
func TestRefsAcrossReplicas(t *testing.T) {
	db := harness.FreshPostgresURL(t)
	a := harness.Start(t, db)
	b := harness.Start(t, db)
	key := harness.NewAPIKey(t, db, "", "all")
	out := graphql(t, a.GraphQLURL(), key, `mutation { upsertCustomer(input: {identifier: {emailAddress: "refs@example.com"},
		onCreate: {fullName: "Refs", email: {email: "refs@example.com", isVerified: false}}, onUpdate: {}}) { customer { id } } }`)
	cid := out["data"].(map[string]any)["upsertCustomer"].(map[string]any)["customer"].(map[string]any)["id"].(string)
	const workers, each = 8, 25
	var mu sync.Mutex
	refs := map[string]int{}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			url := a.GraphQLURL()
			if w%2 == 1 {
				url = b.GraphQLURL()
			}
			for i := 0; i < each; i++ {
				out := graphql(t, url, key, fmt.Sprintf(`mutation { createThread(input: {customerIdentifier: {customerId: %q},
					components: [{componentText: {text: "x"}}]}) { thread { ref } error { message } } }`, cid))
				ref, _ := out["data"].(map[string]any)["createThread"].(map[string]any)["thread"].(map[string]any)["ref"].(string)
				mu.Lock()
				refs[ref]++
				mu.Unlock()
			}
		}(w)
	}
	wg.Wait()
	if len(refs) != workers*each {
		t.Fatalf("%d distinct refs for %d threads", len(refs), workers*each)
	}
}
