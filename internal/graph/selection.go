package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// onlyID reports whether the current field selects nothing but id and
// __typename of its object.
func onlyID(ctx context.Context) bool {
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if f.Name != "id" && f.Name != "__typename" {
			return false
		}
	}
	return true
}

// selectsFieldsOf reports whether the current field selects any field but
// __typename of the object type satisfies[0] (satisfies lists it and the
// unions and interfaces it belongs to, as fragments may be on either).
func selectsFieldsOf(ctx context.Context, satisfies ...string) bool {
	for _, f := range graphql.CollectFieldsCtx(ctx, satisfies) {
		if f.Name != "__typename" {
			return true
		}
	}
	return false
}

// selects reports whether the current field's selection includes name.
func selects(ctx context.Context, name string) bool {
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if f.Name == name {
			return true
		}
	}
	return false
}
