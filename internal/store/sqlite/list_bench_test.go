package sqlite_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/bench"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/store/sqlite"
	"github.com/threadline/threadline/internal/store/storetest"
	"github.com/threadline/threadline/internal/thread"
)

// benchThreadsEnv sets the size of BenchmarkListThreads' workspace.
const benchThreadsEnv = "THREADLINE_BENCH_THREADS"

// listDepth is the row the deep page starts after.
const listDepth = 10_000

// BenchmarkListThreads reads, through the service, the first page and the
// page after row 10,000 (25 threads each, newest first) of three lists —
// the TODO threads carrying one label type, the threads about one tenant,
// the threads in one tier (storetest.ListScenarios) — in a generated
// workspace of 1,000,000 threads (THREADLINE_BENCH_THREADS=N for another
// size). The database is
// built once by storetest.SeedList and kept in os.TempDir() for later
// runs. The query plans of both pages are logged, and the benchmark fails
// if either scans the threads table or sorts in a temporary B-tree.
func BenchmarkListThreads(b *testing.B) {
	if testing.Short() {
		b.Skip("BenchmarkListThreads builds (once, then cached in the temp dir) a 1,000,000-thread database; " +
			"skipped under -short. Set " + benchThreadsEnv + " to a smaller count for a quick run.")
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
	for _, sc := range storetest.ListScenarios(seeded) {
		b.Run(sc.Name, func(b *testing.B) { benchList(b, ctx, st, seeded, sc) })
	}
}

// benchList measures one scenario's first page and the page after row
// 10,000 (fewer when fewer threads match), logging both query plans and
// failing if either scans the threads table or sorts.
func benchList(b *testing.B, ctx context.Context, st store.Store, seeded storetest.SeededList, sc storetest.ListScenario) {
	depth := listDepth
	if sc.Matched <= depth {
		depth = sc.Matched / 2
		b.Logf("only %d threads match; the deep page starts after row %d", sc.Matched, depth)
	}
	l, first, deep, err := serviceList(ctx, st, seeded.WorkspaceID, sc.Filter, sc.Resolved, depth)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d threads, %d matching %s; query plan of the first page:\n%s\nquery plan of the page after row %d:\n%s",
		seeded.Threads, sc.Matched, sc.Name, strings.Join(first, "\n"), depth, strings.Join(deep, "\n"))
	for _, p := range [][]string{first, deep} {
		if bad := planProblems(p); len(bad) > 0 {
			b.Errorf("the plan does not use an index for both filtering and order: %q", bad)
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
// HTTP) for the threads of workspaceID that f selects, in the default
// order, and returns the query plans of its first and deep page (of
// resolved, f as storage reads it).
func serviceList(ctx context.Context, st store.Store, workspaceID string, f, resolved thread.Filter, depth int) (*bench.List, []string, []string, error) {
	svc := service.New(st, nil, nil)
	read := func(ctx context.Context, first int, after *string) (int, *string, bool, error) {
		p, err := svc.Threads(service.System(ctx, workspaceID), f, thread.DefaultSort, core.PageArgs{First: &first, After: after}, false)
		if err != nil {
			return 0, nil, false, err
		}
		return len(p.Edges), p.PageInfo.EndCursor, p.PageInfo.HasNextPage, nil
	}
	l, err := bench.NewList(ctx, read, depth, "thread")
	if err != nil {
		return nil, nil, nil, err
	}
	first, err := storetest.ExplainThreadPage(ctx, st, workspaceID, resolved, l.PageSize, nil)
	if err != nil {
		return nil, nil, nil, err
	}
	deep, err := storetest.ExplainThreadPage(ctx, st, workspaceID, resolved, l.PageSize, l.DeepAfter())
	return l, first, deep, err
}

// badPlan matches plan lines that read the whole threads table or sort.
var badPlan = regexp.MustCompile(`^\s*SCAN t\b|TEMP B-TREE`)

// planProblems returns the lines of an EXPLAIN QUERY PLAN that scan the
// threads table or use a temporary B-tree (for ORDER BY).
func planProblems(plan []string) []string {
	var bad []string
	for _, line := range plan {
		if badPlan.MatchString(line) {
			bad = append(bad, line)
		}
	}
	return bad
}

// cachedListDB returns the path of a SQLite database of n generated
// threads and what was generated, building it on first use. A complete
// database lives in its own directory of os.TempDir(), named by n and the
// generator's version, next to seed.json; it is built elsewhere and renamed
// into place, so that an interrupted build is never reused.
func cachedListDB(b *testing.B, n int) (string, storetest.SeededList) {
	b.Helper()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("threadline-bench-list-%d-v%d", n, storetest.SeedVersion))
	if s, err := readSeeded(dir); err == nil {
		return filepath.Join(dir, "bench.db"), s
	}
	tmp, err := os.MkdirTemp(os.TempDir(), filepath.Base(dir)+".building-")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(tmp) // left over only when the rename failed
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(tmp, "bench.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("building a %d-thread database in %s (once; later runs reuse it)", n, dir)
	s, err := storetest.SeedList(ctx, st, n)
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %d threads in %s (%.0f threads/s)", s.Threads, s.Elapsed.Round(time.Millisecond),
		float64(s.Threads)/s.Elapsed.Seconds())
	raw, err := json.Marshal(s)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tmp, "seed.json"), raw, 0o600); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		// Another run may have finished first: use its database.
		if s2, rerr := readSeeded(dir); rerr == nil {
			return filepath.Join(dir, "bench.db"), s2
		}
		b.Fatal(err)
	}
	return filepath.Join(dir, "bench.db"), s
}

func readSeeded(dir string) (storetest.SeededList, error) {
	var s storetest.SeededList
	raw, err := os.ReadFile(filepath.Join(dir, "seed.json"))
	if err == nil {
		err = json.Unmarshal(raw, &s)
	}
	return s, err
}

// TestListThreadsPlan checks, on a small generated workspace, that both
// pages of each of BenchmarkListThreads' lists are read through their
// index in order: the TODO threads of a label through threads_by_status
// (the label probed through the labels unique index), the threads of a
// tenant through threads_by_tenant, of a tier through threads_by_tier.
// Without ANALYZE statistics SQLite plans the same whatever the sizes.
func TestListThreadsPlan(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "plan.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s, err := storetest.SeedList(ctx, st, 500)
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range storetest.ListScenarios(s) {
		_, first, deep, err := serviceList(ctx, st, s.WorkspaceID, sc.Filter, sc.Resolved, 10)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]struct{ index, cond string }{
			"TodoLabel": {"threads_by_status", "status=?"},
			"Tenant":    {"threads_by_tenant", "tenant_id=?"},
			"Tier":      {"threads_by_tier", "tier_id=?"},
		}[sc.Name]
		index, cond := want.index, want.cond
		for _, c := range []struct {
			name string
			plan []string
			want string
		}{
			{"first page", first, "SEARCH t USING INDEX " + index + " (workspace_id=? AND " + cond + ")"},
			{"deep page", deep, "SEARCH t USING INDEX " + index + " (workspace_id=? AND " + cond + " AND (created_at,id)<(?,?))"},
		} {
			text := strings.Join(c.plan, "\n")
			if bad := planProblems(c.plan); len(bad) > 0 || !strings.Contains(text, c.want) ||
				sc.Name == "TodoLabel" && !strings.Contains(text, "USING COVERING INDEX sqlite_autoindex_labels_") {
				t.Errorf("%s, %s: query plan\n%s\nwant %q, no scan or temp B-tree", sc.Name, c.name, text, c.want)
			}
		}
	}
}
