package graph

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/graph/generated"
	"github.com/threadline/threadline/internal/graph/model"
)

// Access rules are declared once, in the schema, with two directives:
// @requires(permissions, except) on a root operation, a relation field or a
// type, and @public(reason) on an operation or relation that needs nothing
// of its own. The field guard checks them as each field resolves (so data
// primed into loaders is checked like data read through them), and the
// mutation preflight checks them for a mutation's whole selection before it
// writes anything. Nothing else in graph decides who may read what.

// Rule is the access rule of one field of one object type.
type Rule struct {
	// Permissions the caller must hold, in their declared order.
	Permissions []auth.Permission
	// Except lists subfields that may be selected without Permissions.
	Except []string
	// Public is set, with its reason, when the field is declared @public.
	Public string
	// OnType is set when the rule comes from the type's own @requires.
	OnType bool
}

type fieldKey struct{ object, field string }

// Rules are the access rules of a schema, by object type and field.
type Rules struct {
	schema *ast.Schema
	byKey  map[fieldKey]Rule
}

// NewRules reads the access directives of schema. It fails on a permission
// that auth does not know.
func NewRules(schema *ast.Schema) (*Rules, error) {
	r := &Rules{schema: schema, byKey: map[fieldKey]Rule{}}
	for _, def := range schema.Types {
		if def.Kind != ast.Object || strings.HasPrefix(def.Name, "__") {
			continue
		}
		typeRule, ok, err := ruleOf(def.Directives)
		if err != nil {
			return nil, fmt.Errorf("type %s: %w", def.Name, err)
		}
		typeRule.OnType = ok
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			fr, has, err := ruleOf(f.Directives)
			if err != nil {
				return nil, fmt.Errorf("%s.%s: %w", def.Name, f.Name, err)
			}
			switch {
			case has:
				r.byKey[fieldKey{def.Name, f.Name}] = fr
			case ok:
				r.byKey[fieldKey{def.Name, f.Name}] = typeRule
			}
		}
	}
	return r, nil
}

// ruleOf reads @requires or @public from directives; ok is false when
// neither is there.
func ruleOf(ds ast.DirectiveList) (Rule, bool, error) {
	var out Rule
	req, pub := ds.ForName("requires"), ds.ForName("public")
	if req != nil && pub != nil {
		return out, false, fmt.Errorf("both @requires and @public")
	}
	if pub != nil {
		out.Public = stringArg(pub, "reason")
		return out, true, nil
	}
	if req == nil {
		return out, false, nil
	}
	for _, p := range stringsArg(req, "permissions") {
		if !slices.Contains(auth.Known, auth.Permission(p)) {
			return out, false, fmt.Errorf("unknown permission %q", p)
		}
		out.Permissions = append(out.Permissions, auth.Permission(p))
	}
	out.Except = stringsArg(req, "except")
	return out, true, nil
}

func stringArg(d *ast.Directive, name string) string {
	if a := d.Arguments.ForName(name); a != nil && a.Value != nil {
		return a.Value.Raw
	}
	return ""
}

func stringsArg(d *ast.Directive, name string) []string {
	a := d.Arguments.ForName(name)
	if a == nil || a.Value == nil {
		return nil
	}
	out := make([]string, len(a.Value.Children))
	for i, c := range a.Value.Children {
		out[i] = c.Value.Raw
	}
	return out
}

// Of returns the rule of field on object, and whether one is declared
// (on the field or its type).
func (r *Rules) Of(object, field string) (Rule, bool) {
	rule, ok := r.byKey[fieldKey{object, field}]
	return rule, ok
}

// needed reports the permissions the rule asks of a field selected with
// sel: none when sel selects only the rule's exceptions.
func (rule Rule) needed(sel ast.SelectionSet) []auth.Permission {
	if len(rule.Except) > 0 && onlyFields(sel, rule.Except) {
		return nil
	}
	return rule.Permissions
}

// onlyFields reports whether sel, through every fragment, selects nothing
// but the named fields and __typename.
func onlyFields(sel ast.SelectionSet, names []string) bool {
	ok := true
	walkFields(sel, map[*ast.FragmentDefinition]bool{}, func(f *ast.Field) bool {
		if f.Name != "__typename" && !slices.Contains(names, f.Name) {
			ok = false
		}
		return false
	})
	return ok
}

// walkFields calls visit for each field of sel, through inline fragments
// and fragment spreads (each fragment once: a fragment spread twice selects
// nothing new), and descends into a field's own selection when visit says so.
func walkFields(sel ast.SelectionSet, seen map[*ast.FragmentDefinition]bool, visit func(*ast.Field) bool) {
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			if visit(s) {
				walkFields(s.SelectionSet, seen, visit)
			}
		case *ast.InlineFragment:
			walkFields(s.SelectionSet, seen, visit)
		case *ast.FragmentSpread:
			if s.Definition != nil && !seen[s.Definition] {
				seen[s.Definition] = true
				walkFields(s.Definition.SelectionSet, seen, visit)
			}
		}
	}
}

// SelectionNeeds returns, sorted, the permissions the fields under sel ask
// for wherever they are selected. A field selected on an interface or union
// asks what it asks on any of the object types it may resolve on.
func (r *Rules) SelectionNeeds(sel ast.SelectionSet) []auth.Permission {
	need := map[auth.Permission]bool{}
	walkFields(sel, map[*ast.FragmentDefinition]bool{}, func(f *ast.Field) bool {
		if strings.HasPrefix(f.Name, "__") || f.ObjectDefinition == nil {
			return false
		}
		for _, obj := range r.schema.GetPossibleTypes(f.ObjectDefinition) {
			if rule, ok := r.Of(obj.Name, f.Name); ok {
				for _, p := range rule.needed(f.SelectionSet) {
					need[p] = true
				}
			}
		}
		return true
	})
	return slices.Sorted(maps.Keys(need))
}

// guard is the field middleware that enforces the rules: a query field the
// caller may not select fails with FORBIDDEN; a mutation is refused whole,
// before it runs, with a forbidden MutationError when the caller lacks its
// own permissions or any its selected result needs.
//
// A query whose caller holds every permission its whole selection asks for
// (SelectionNeeds) cannot be refused anything: the guard leaves itself out
// of such an operation, so that its fields cost nothing to check.
type guard struct {
	rules   *Rules
	refuse  map[string]func(*model.MutationError) any
	resolve *Resolver
	needs   opNeeds
}

func newGuard(rules *Rules, r *Resolver) (*guard, error) {
	refuse, err := mutationRefusals(rules.schema)
	if err != nil {
		return nil, err
	}
	return &guard{rules: rules, refuse: refuse, resolve: r}, nil
}

var _ graphql.OperationContextMutator = (*guard)(nil)

// ExtensionName names the guard among gqlgen's handler extensions.
func (g *guard) ExtensionName() string { return "AccessGuard" }

// Validate accepts any schema: the rules were read from it.
func (g *guard) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext installs the guard as the outermost field
// middleware of an operation, around those of the other extensions, unless
// the operation is a query whose caller holds every permission that any
// field of it asks for: then no field can be refused, and none is checked.
func (g *guard) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation != nil && oc.Operation.Operation == ast.Query {
		if p := auth.FromContext(ctx); p != nil && p.Require(g.needs.of(g.rules, oc.Operation)...) == nil {
			return nil
		}
	}
	inner := oc.ResolverMiddleware
	oc.ResolverMiddleware = func(ctx context.Context, next graphql.Resolver) (any, error) {
		return g.Field(ctx, func(ctx context.Context) (any, error) { return inner(ctx, next) })
	}
	return nil
}

// opNeeds remembers the permissions each operation's selection asks for
// (SelectionNeeds), by parsed operation: gqlgen's query cache hands the
// same parsed document to every request of one query text.
type opNeeds struct {
	mu sync.Mutex
	m  map[*ast.OperationDefinition][]auth.Permission
}

// maxOpNeeds bounds opNeeds; past it, the memory starts afresh (parsed
// documents evicted from gqlgen's cache are thus let go).
const maxOpNeeds = 2000

func (n *opNeeds) of(r *Rules, op *ast.OperationDefinition) []auth.Permission {
	n.mu.Lock()
	need, ok := n.m[op]
	n.mu.Unlock()
	if ok {
		return need
	}
	need = r.SelectionNeeds(op.SelectionSet)
	n.mu.Lock()
	if n.m == nil || len(n.m) >= maxOpNeeds {
		n.m = map[*ast.OperationDefinition][]auth.Permission{}
	}
	n.m[op] = need
	n.mu.Unlock()
	return need
}

// Field runs as gqlgen's field middleware.
func (g *guard) Field(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	rule, ok := g.rules.Of(fc.Object, fc.Field.Name)
	if !ok {
		return next(ctx)
	}
	p := auth.FromContext(ctx)
	if fc.Object == "Mutation" {
		err := p.Require(rule.Permissions...)
		if err == nil {
			err = p.Require(g.rules.SelectionNeeds(fc.Field.Selections)...)
		}
		if err != nil {
			return g.refuse[fc.Field.Name](g.resolve.mutationError(ctx, err)), nil
		}
		return next(ctx)
	}
	if underMutation(fc) { // checked by the mutation's preflight, refused or not
		return next(ctx)
	}
	if err := p.Require(rule.needed(fc.Field.Selections)...); err != nil {
		return nil, g.resolve.queryError(ctx, err)
	}
	return next(ctx)
}

// underMutation reports whether fc is a field of a mutation's result: the
// mutation's preflight checked its whole selection before it ran, and a
// refused mutation's result must still answer with its MutationError.
func underMutation(fc *graphql.FieldContext) bool {
	for p := fc.Parent; p != nil; p = p.Parent {
		if p.Object == "Mutation" {
			return true
		}
	}
	return false
}

// mutationRefusals makes, for every mutation of schema, the function that
// builds its output refused with a MutationError: the output type of its
// resolver method with Error set and non-null lists empty.
func mutationRefusals(schema *ast.Schema) (map[string]func(*model.MutationError) any, error) {
	methods := map[string]reflect.Type{}
	rt := reflect.TypeFor[generated.MutationResolver]()
	for i := range rt.NumMethod() {
		m := rt.Method(i)
		methods[strings.ToLower(m.Name)] = m.Type.Out(0)
	}
	out := map[string]func(*model.MutationError) any{}
	for _, f := range schema.Mutation.Fields {
		if strings.HasPrefix(f.Name, "__") {
			continue
		}
		t, ok := methods[strings.ToLower(f.Name)]
		if !ok || t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
			return nil, fmt.Errorf("mutation %s: no resolver method returning a struct pointer", f.Name)
		}
		errField, ok := t.Elem().FieldByName("Error")
		if !ok || errField.Type != reflect.TypeFor[*model.MutationError]() {
			return nil, fmt.Errorf("mutation %s: output %s has no Error *MutationError", f.Name, t.Elem().Name())
		}
		out[f.Name] = func(e *model.MutationError) any {
			v := reflect.New(t.Elem())
			s := v.Elem()
			for i := range s.NumField() {
				if fv := s.Field(i); fv.Kind() == reflect.Slice {
					fv.Set(reflect.MakeSlice(fv.Type(), 0, 0))
				}
			}
			s.FieldByIndex(errField.Index).Set(reflect.ValueOf(e))
			return v.Interface()
		}
	}
	return out, nil
}

// describe appends each declared permission to the description of its
// operation or field, so that clients reading the schema see it.
func (r *Rules) describe() {
	for key, rule := range r.byKey {
		if len(rule.Permissions) == 0 || rule.OnType {
			continue
		}
		f := r.schema.Types[key.object].Fields.ForName(key.field)
		note := "Needs " + rule.names() + "."
		if len(rule.Except) > 0 {
			note = "Selecting more than " + strings.Join(rule.Except, ", ") + " needs " + rule.names() + "."
		}
		f.Description = strings.TrimSpace(f.Description + " " + note)
	}
	for _, def := range r.schema.Types {
		if rule, ok, _ := ruleOf(def.Directives); ok && len(rule.Permissions) > 0 {
			def.Description = strings.TrimSpace(def.Description + " Reading its fields needs " + rule.names() + ".")
		}
	}
}

// names lists the rule's permissions for people: "a and b".
func (rule Rule) names() string {
	names := make([]string, len(rule.Permissions))
	for i, p := range rule.Permissions {
		names[i] = string(p)
	}
	return strings.Join(names, " and ")
}
