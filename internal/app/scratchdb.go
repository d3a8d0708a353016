package app

import (
	"context"

	"github.com/threadline/threadline/internal/store/postgres"
)

// ScratchPostgres creates a new, empty PostgreSQL database named
// prefix_<random hex> on the server of adminURL and returns its URL and
// what drops it: see postgres.CreateScratchDatabase. The benchmarks of
// `threadline bench compare` run each server on such a database.
func ScratchPostgres(ctx context.Context, adminURL, prefix string) (dbURL string, drop func(context.Context) error, err error) {
	return postgres.CreateScratchDatabase(ctx, adminURL, prefix)
}
