package generated

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// newDeferredGroup stands in generated.go (make generate rewrites gqlgen's
// eager graphql.NewDeferredGroup calls to it) for gqlgen's constructor of
// an object's @defer bookkeeping. gqlgen makes that group for every object
// it resolves, with the object's path, a field set and a map, which is a
// sixth of the allocations of a page of threads; an object none of whose
// fields is deferred gets the empty group, which gqlgen never reads: only
// a deferred field is scheduled on it, and its Defers stay empty.
func newDeferredGroup(ctx context.Context, fields []graphql.CollectedField) graphql.DeferredGroup {
	for i := range fields {
		if fields[i].IsDeferred() {
			return graphql.NewDeferredGroup(ctx)
		}
	}
	return graphql.DeferredGroup{}
}
