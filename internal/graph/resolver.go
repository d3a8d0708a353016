// Package graph is the GraphQL transport: gqlgen resolvers that map input to
// a service call and its result to the Plain-compatible schema, nothing more.
package graph

import (
	"fmt"
	"log/slog"
	"sync"

	"github.com/99designs/gqlgen/graphql/executor"

	"github.com/threadline/threadline/internal/graph/generated"
	"github.com/threadline/threadline/internal/service"
)

//go:generate go tool gqlgen generate --config ../../gqlgen.yml

// Resolver is the root resolver; it holds the service every resolver calls.
type Resolver struct {
	Svc *service.Service
	Log *slog.Logger
}

// servedRules reads the access rules of the served schema once, and notes
// each rule's permissions in the schema's descriptions.
var servedRules = sync.OnceValues(func() (*Rules, error) {
	rules, err := NewRules(generated.NewExecutableSchema(generated.Config{}).Schema())
	if err != nil {
		return nil, err
	}
	rules.describe()
	return rules, nil
})

// ServedRules returns the access rules of the served schema.
func ServedRules() (*Rules, error) { return servedRules() }

// NewExecutor returns an executor of the schema answering through r, with
// the access guard installed: every field and operation is checked against
// the rules the schema declares.
func NewExecutor(r *Resolver) (*executor.Executor, error) {
	rules, err := ServedRules()
	if err != nil {
		return nil, fmt.Errorf("access rules: %w", err)
	}
	g, err := newGuard(rules, r)
	if err != nil {
		return nil, fmt.Errorf("access guard: %w", err)
	}
	e := executor.New(generated.NewExecutableSchema(generated.Config{Resolvers: r}))
	e.Use(g)
	return e, nil
}
