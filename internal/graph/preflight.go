package graph

import (
	"context"
	"maps"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/threadline/threadline/internal/auth"
)

// preflight checks, before a mutation changes anything, the read
// permissions its selection will need (the same the field resolvers check
// afterwards): a mutation whose result the key may not read is refused
// whole, so a client that gets "forbidden" knows nothing was written.
//
// own are the mutation's own permissions, checked first so that a key
// lacking them hears about those.
func (r *Resolver) preflight(ctx context.Context, own ...auth.Permission) error {
	if err := auth.FromContext(ctx).Require(own...); err != nil {
		return err
	}
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return nil
	}
	need := map[auth.Permission]bool{}
	selectionNeeds(fc.Field.Selections, need)
	return auth.FromContext(ctx).Require(slices.Sorted(maps.Keys(need))...)
}

// fields flattens a selection set through fragments into its fields, keeping
// each with the type condition it was selected under ("" for none).
func fields(sel ast.SelectionSet, cond string, out *[]condField) {
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			*out = append(*out, condField{s, cond})
		case *ast.InlineFragment:
			c := cond
			if s.TypeCondition != "" {
				c = s.TypeCondition
			}
			fields(s.SelectionSet, c, out)
		case *ast.FragmentSpread:
			if s.Definition != nil {
				fields(s.Definition.SelectionSet, s.Definition.TypeCondition, out)
			}
		}
	}
}

type condField struct {
	*ast.Field
	cond string
}

// selectionNeeds adds the permissions the relations in sel need, mirroring
// the resolvers of Thread.customer, Thread.labels, Label.labelType and
// Thread.assignedTo.
func selectionNeeds(sel ast.SelectionSet, need map[auth.Permission]bool) {
	var fs []condField
	fields(sel, "", &fs)
	for _, f := range fs {
		parent := ""
		if f.ObjectDefinition != nil {
			parent = f.ObjectDefinition.Name
		}
		switch parent + "." + f.Name {
		case "Thread.labels":
			need[auth.LabelRead] = true
		case "Label.labelType":
			need[auth.LabelTypeRead] = true
		case "Thread.customer":
			var sub []condField
			fields(f.SelectionSet, "", &sub)
			for _, s := range sub {
				if s.Name != "id" && s.Name != "__typename" {
					need[auth.CustomerRead] = true
				}
			}
		case "Thread.assignedTo":
			var sub []condField
			fields(f.SelectionSet, "", &sub)
			for _, s := range sub {
				if s.Name == "__typename" {
					continue
				}
				switch s.cond {
				case "User":
					need[auth.UserRead] = true
				case "MachineUser":
					need[auth.MachineUserRead] = true
				}
			}
		}
		selectionNeeds(f.SelectionSet, need)
	}
}
