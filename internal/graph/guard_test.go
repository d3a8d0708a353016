package graph

import (
	"context"
	"reflect"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"

	"github.com/threadline/threadline/internal/auth"
)

// TestGuardLeftOutOfAllowedQueries: a query whose caller holds every
// permission any field of it asks for runs with the field middleware of the
// other extensions only; any other operation gets the guard around them.
func TestGuardLeftOutOfAllowedQueries(t *testing.T) {
	r, s := testRules(t, testSDL)
	g := &guard{rules: r}
	others := func(ctx context.Context, next graphql.Resolver) (any, error) { return next(ctx) }
	both := []auth.Permission{auth.ThreadRead, auth.CustomerRead}
	for _, c := range []struct {
		query   string
		perms   []auth.Permission
		guarded bool
	}{
		{`{ thread { id customer { name } } }`, both, false},
		{`{ thread { id customer { name } } }`, []auth.Permission{auth.All}, false},
		{`{ thread { id customer { name } } }`, []auth.Permission{auth.ThreadRead}, true},
		{`{ thread { id customer { id } } }`, []auth.Permission{auth.ThreadRead}, false},
		{`{ thread { id } }`, []auth.Permission{auth.CustomerRead}, true},
		// A field of a union member asks what it asks on every member.
		{`{ thread { owner { ... on Agent { id } ... on Bot { id } } } }`, []auth.Permission{auth.ThreadRead, auth.UserRead}, true},
		{`{ thread { owner { ... on Agent { id } ... on Bot { id } } } }`,
			[]auth.Permission{auth.ThreadRead, auth.UserRead, auth.MachineUserRead}, false},
		// A skipped field is still counted: the guard stays.
		{`{ thread { id customer @skip(if: true) { name } } }`, []auth.Permission{auth.ThreadRead}, true},
	} {
		doc, errs := gqlparser.LoadQuery(s, c.query)
		if len(errs) > 0 {
			t.Fatalf("%s: %v", c.query, errs)
		}
		oc := &graphql.OperationContext{Operation: doc.Operations[0], ResolverMiddleware: others}
		ctx := auth.WithPrincipal(context.Background(), &auth.Principal{Permissions: c.perms})
		if err := g.MutateOperationContext(ctx, oc); err != nil {
			t.Fatal(err)
		}
		guarded := reflect.ValueOf(oc.ResolverMiddleware).Pointer() != reflect.ValueOf(others).Pointer()
		if guarded != c.guarded {
			t.Errorf("%s with %v: guarded %v, want %v", c.query, c.perms, guarded, c.guarded)
		}
	}
}
