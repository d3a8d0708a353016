package postgres_test

import (
	"context"
	"testing"

	"github.com/threadline/threadline/internal/config"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/store/postgres"
	"github.com/threadline/threadline/internal/store/storetest"
	"github.com/threadline/threadline/test/harness"
)

// BenchmarkTimelinePage is the PostgreSQL counterpart of the SQLite
// benchmark of the same name, in a fresh schema (the entries table is
// analyzed after seeding). It skips unless THREADLINE_TEST_POSTGRES_URL is
// set.
func BenchmarkTimelinePage(b *testing.B) {
	st, err := postgres.Open(context.Background(), harness.FreshPostgresURL(b), config.Defaults().PostgresMaxConns)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	svc := service.New(st, nil, nil)
	storetest.BenchTimelinePage(b, st, func(ctx context.Context, ws, threadID string, args core.PageArgs) (int, *string, error) {
		p, err := svc.ThreadTimeline(service.System(ctx, ws), threadID, service.TimelineFilter{}, args)
		return len(p.Edges), p.PageInfo.EndCursor, err
	})
}
