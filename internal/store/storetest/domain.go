package storetest

import (
	"testing"

	"github.com/threadline/threadline/internal/store"
)

// RunDomain runs the conformance tests of the support domain (customers,
// threads, labels, …), registered by the domain test files of this package.
func RunDomain(t *testing.T, newStore Factory) {
	for _, tc := range domainTests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newStore(t)) })
	}
}

type domainTest struct {
	name string
	fn   func(t *testing.T, st store.Store)
}

var domainTests []domainTest
