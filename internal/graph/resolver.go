// Package graph is the GraphQL transport: gqlgen resolvers that map input to
// a service call and its result to the Plain-compatible schema, nothing more.
package graph

import (
	"log/slog"

	"github.com/threadline/threadline/internal/service"
)

//go:generate go tool gqlgen generate --config ../../gqlgen.yml

// Resolver is the root resolver; it holds the service every resolver calls.
type Resolver struct {
	Svc *service.Service
	Log *slog.Logger
}
