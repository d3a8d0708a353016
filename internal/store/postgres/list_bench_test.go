package postgres_test

import (
	"context"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/threadline/threadline/internal/bench"
	"github.com/threadline/threadline/internal/config"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/store/postgres"
	"github.com/threadline/threadline/internal/store/storetest"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/test/harness"
)

// BenchmarkListThreads is the PostgreSQL counterpart of the SQLite
// benchmark of the same name: the first page and the page after row 10,000
// of the TODO threads carrying one label type, of the threads about a
// tenant and of the threads in a tier, through the service. The
// workspace is generated in a fresh schema on every run, so it defaults to
// 100,000 threads (THREADLINE_BENCH_THREADS=N for another size); the tables
// are analyzed first, as autovacuum would soon after such a load. It skips
// unless THREADLINE_TEST_POSTGRES_URL is set, and under -short.
func BenchmarkListThreads(b *testing.B) {
	if testing.Short() {
		b.Skip("BenchmarkListThreads generates 100,000 threads; skipped under -short")
	}
	n := 100_000
	if v := os.Getenv("THREADLINE_BENCH_THREADS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			b.Fatalf("THREADLINE_BENCH_THREADS=%q: want a positive number of threads", v)
		}
	}
	ctx := context.Background()
	st, err := postgres.Open(ctx, harness.FreshPostgresURL(b), config.Defaults().PostgresMaxConns)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	s, err := storetest.SeedList(ctx, st, n)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := st.DB().ExecContext(ctx, `ANALYZE threads; ANALYZE labels; ANALYZE tenants; ANALYZE tiers`); err != nil {
		b.Fatal(err)
	}
	for _, sc := range storetest.ListScenarios(s) {
		b.Run(sc.Name, func(b *testing.B) { benchList(b, ctx, st, s, sc) })
	}
}

// benchList measures one scenario's first page and the page after row
// 10,000 (fewer when fewer threads match), logging both query plans and
// failing if either scans threads or sorts.
func benchList(b *testing.B, ctx context.Context, st store.Store, s storetest.SeededList, sc storetest.ListScenario) {
	depth := 10_000
	if sc.Matched <= depth {
		depth = sc.Matched / 2
	}
	l, err := serviceList(ctx, st, s.WorkspaceID, sc.Filter, depth)
	if err != nil {
		b.Fatal(err)
	}
	first, err := storetest.ExplainThreadPage(ctx, st, s.WorkspaceID, sc.Resolved, l.PageSize, nil)
	if err != nil {
		b.Fatal(err)
	}
	deep, err := storetest.ExplainThreadPage(ctx, st, s.WorkspaceID, sc.Resolved, l.PageSize, l.DeepAfter())
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d threads (generated in %s), %d matching %s; plan of the first page:\n%s\nplan of the page after row %d:\n%s",
		s.Threads, s.Elapsed, sc.Matched, sc.Name, strings.Join(first, "\n"), depth, strings.Join(deep, "\n"))
	for _, p := range [][]string{first, deep} {
		for _, line := range p {
			if badPGPlan.MatchString(line) {
				b.Errorf("the plan scans threads or sorts: %q", line)
			}
		}
	}
	for _, c := range []struct {
		name string
		op   bench.Op
	}{{"FirstPage", l.First}, {"DeepPage", l.Deep}} {
		b.Run(c.name, func(b *testing.B) { bench.Benchmark(b, b.N, 1, c.op, "pages/s") })
	}
}

// serviceList prepares the thread-list scenario through the service
// (service.Threads as the workspace's system principal, without GraphQL or
// HTTP) for the threads of workspaceID that f selects, in the default order.
func serviceList(ctx context.Context, st store.Store, workspaceID string, f thread.Filter, depth int) (*bench.List, error) {
	svc := service.New(st, nil, nil)
	read := func(ctx context.Context, first int, after *string) (int, *string, bool, error) {
		p, err := svc.Threads(service.System(ctx, workspaceID), f, thread.DefaultSort, core.PageArgs{First: &first, After: after}, false)
		if err != nil {
			return 0, nil, false, err
		}
		return len(p.Edges), p.PageInfo.EndCursor, p.PageInfo.HasNextPage, nil
	}
	return bench.NewList(ctx, read, depth, "thread")
}

// badPGPlan matches EXPLAIN lines of a sequential scan of threads or of a
// sort node.
var badPGPlan = regexp.MustCompile(`Seq Scan on threads|^\s*(->\s*)?(Incremental )?Sort\b`)
