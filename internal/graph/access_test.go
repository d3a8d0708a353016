package graph

import (
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/threadline/threadline/internal/auth"
)

const testSDL = `
directive @requires(permissions: [String!]!, except: [String!]) on FIELD_DEFINITION | OBJECT
directive @public(reason: String!) on FIELD_DEFINITION
type Query {
  thread: Thread @requires(permissions: ["thread:read"])
  me: Agent @public(reason: "open")
}
type Thread {
  id: ID!
  customer: Customer! @requires(permissions: ["customer:read"], except: ["id"])
  owner: Owner
}
type Customer { id: ID! name: String! }
union Owner = Agent | Bot
type Agent @requires(permissions: ["user:read"]) { id: ID! email: String! }
type Bot @requires(permissions: ["machineUser:read"]) { id: ID! }
`

func testRules(t *testing.T, sdl string) (*Rules, *ast.Schema) {
	t.Helper()
	s, err := gqlparser.LoadSchema(&ast.Source{Input: sdl})
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRules(s)
	if err != nil {
		t.Fatal(err)
	}
	return r, s
}

func TestSelectionNeeds(t *testing.T) {
	r, s := testRules(t, testSDL)
	for _, c := range []struct {
		query string
		want  []auth.Permission
	}{
		{`{ thread { id } }`, nil},
		{`{ thread { customer { id __typename } } }`, nil},
		{`{ thread { customer { name } } }`, []auth.Permission{auth.CustomerRead}},
		{`{ thread { customer { ...C } } } fragment C on Customer { id }`, nil},
		{`{ thread { customer { ...C ...C } } } fragment C on Customer { name }`, []auth.Permission{auth.CustomerRead}},
		{`{ thread { owner { __typename } } }`, nil},
		{`{ thread { owner { ... on Agent { email } } } }`, []auth.Permission{auth.UserRead}},
		{`{ thread { owner { ... on Agent { id } ... on Bot { id } } } }`, []auth.Permission{auth.MachineUserRead, auth.UserRead}},
		{`{ me { id } }`, []auth.Permission{auth.UserRead}},
	} {
		q, errs := gqlparser.LoadQuery(s, c.query)
		if len(errs) > 0 {
			t.Fatalf("%s: %v", c.query, errs)
		}
		root := q.Operations[0].SelectionSet[0].(*ast.Field)
		if got := r.SelectionNeeds(root.SelectionSet); !slices.Equal(got, c.want) {
			t.Errorf("%s: needs %v, want %v", c.query, got, c.want)
		}
	}
	if rule, ok := r.Of("Query", "me"); !ok || rule.Public != "open" {
		t.Errorf("Query.me: %+v %v", rule, ok)
	}
	if rule, ok := r.Of("Agent", "email"); !ok || !rule.OnType {
		t.Errorf("Agent.email: %+v %v", rule, ok)
	}
	if _, ok := r.Of("Customer", "name"); ok {
		t.Error("Customer.name declares nothing, yet has a rule")
	}
}

func TestRulesRefuseMistakes(t *testing.T) {
	for _, c := range []struct{ field, want string }{
		{`x: ID @requires(permissions: ["thread:raed"])`, `unknown permission "thread:raed"`},
		{`x: ID @requires(permissions: ["thread:read"]) @public(reason: "r")`, "both @requires and @public"},
	} {
		s, err := gqlparser.LoadSchema(&ast.Source{Input: `
directive @requires(permissions: [String!]!, except: [String!]) on FIELD_DEFINITION | OBJECT
directive @public(reason: String!) on FIELD_DEFINITION
type Query { ` + c.field + ` }`})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := NewRules(s); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.field, err, c.want)
		}
	}
}

// TestServedSchemaDescribesAccess: the served schema's descriptions name
// each declared permission, so clients see them through introspection.
func TestServedSchemaDescribesAccess(t *testing.T) {
	rules, err := ServedRules()
	if err != nil {
		t.Fatal(err)
	}
	f := rules.schema.Query.Fields.ForName("thread")
	if !strings.HasSuffix(f.Description, "Needs thread:read.") {
		t.Errorf("Query.thread description: %q", f.Description)
	}
}
