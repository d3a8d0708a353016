package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/threadline/threadline/internal/bench"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/store/sqlite"
	"github.com/threadline/threadline/internal/store/storetest"
	"github.com/threadline/threadline/internal/thread"
)

// BenchmarkTimelinePage reads pages of 50 entries of a thread with 10,000
// timeline entries through the service (storetest.BenchTimelinePage), and
// fails if a page's plan scans the entries table or sorts.
func BenchmarkTimelinePage(b *testing.B) {
	st, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "timeline.db"), sqlite.Options{})
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

// BenchmarkListThreadsByLastInbound is BenchmarkListThreads (same cached
// workspace of 1,000,000 threads, same filter: TODO with one label type)
// sorted by LAST_INBOUND_MESSAGE_AT, newest first: the first page and the
// page after row 10,000, with their plans, which must read an index in
// order (no scan of threads, no temporary B-tree).
func BenchmarkListThreadsByLastInbound(b *testing.B) {
	if testing.Short() {
		b.Skip("uses BenchmarkListThreads' 1,000,000-thread database; skipped under -short")
	}
	n := 1_000_000
	if v := os.Getenv(benchThreadsEnv); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			b.Fatalf("%s=%q: want a positive number of threads", benchThreadsEnv, v)
		}
	}
	ctx := context.Background()
	path, seeded := cachedListDB(b, n)
	st, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	svc := service.New(st, nil, nil)
	f := thread.Filter{Statuses: []thread.Status{thread.StatusTodo}, LabelTypeIDs: seeded.LabelTypeIDs[:1]}
	sort := thread.Sort{Field: thread.SortLastInboundMessageAt, Descending: true}
	read := func(ctx context.Context, first int, after *string) (int, *string, bool, error) {
		p, err := svc.Threads(service.System(ctx, seeded.WorkspaceID), f, sort, core.PageArgs{First: &first, After: after}, false)
		if err != nil {
			return 0, nil, false, err
		}
		return len(p.Edges), p.PageInfo.EndCursor, p.PageInfo.HasNextPage, nil
	}
	l, err := bench.NewList(ctx, read, min(listDepth, seeded.TodoLabeled/2), "thread")
	if err != nil {
		b.Fatal(err)
	}
	for name, after := range map[string]*string{"first": nil, "deep": l.DeepAfter()} {
		p, err := core.PageArgs{First: &l.PageSize, After: after}.Resolve(2)
		if err != nil {
			b.Fatal(err)
		}
		var plan []string
		if err := st.View(ctx, func(tx store.Tx) (err error) {
			plan, err = tx.(store.ThreadListExplainer).ExplainListThreads(ctx, seeded.WorkspaceID, f, sort, p)
			return err
		}); err != nil {
			b.Fatal(err)
		}
		b.Logf("query plan of the %s page:\n%s", name, strings.Join(plan, "\n"))
		if bad := planProblems(plan); len(bad) > 0 {
			b.Errorf("the %s page's plan scans threads or sorts: %q", name, bad)
		}
	}
	b.Run("FirstPage", func(b *testing.B) { bench.Benchmark(b, b.N, 1, l.First, "pages/s") })
	b.Run("DeepPage", func(b *testing.B) { bench.Benchmark(b, b.N, 1, l.Deep, "pages/s") })
}
