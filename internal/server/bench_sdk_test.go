package server

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/threadline/threadline/internal/bench"
)

// sdkThreadsQuery is the threads query of @team-plain/typescript-sdk 5.12.1
// (src/graphql/queries/threads.gql) with the fragments it spreads, ThreadParts
// and all it selects (src/graphql/fragments/*.gql), as the SDK sends it: the
// copy `threadline bench list-threads --selection sdk` sends, which a test of
// cmd/threadline keeps equal to the installed SDK's.
var sdkThreadsQuery = func() string {
	b, err := os.ReadFile(filepath.Join("..", "..", "cmd", "threadline", "benchdata", "sdk_threads.graphql"))
	if err != nil {
		panic(err)
	}
	return string(b)
}()

// BenchmarkThreadPageSDK reads the first page of 25 threads with the SDK's
// getThreads selection (ThreadParts) through the in-process handler on
// SQLite, from 1 and 64 concurrent clients. Each of the 60 threads has a
// label and a thread field; every other one is assigned to a user. It
// reports pages/s with the p50 and p99 latencies; ns/op and allocs/op are
// per page.
func BenchmarkThreadPageSDK(b *testing.B) {
	s := newBenchScenario(b, benchStores[0].open(b))
	ctx := context.Background()
	u, err := s.svc.CreateUser(s.sys, "agent@example.com", "Agent Smith")
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 60; i++ {
		if err := s.createThread(ctx, i); err != nil {
			b.Fatal(err)
		}
	}
	page := func(ctx context.Context) ([]string, error) {
		var out struct {
			Threads struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		if err := s.do(ctx, sdkThreadsQuery, map[string]any{"first": 25}, &out); err != nil {
			return nil, fmt.Errorf("threads: %w", err)
		}
		ids := make([]string, len(out.Threads.Edges))
		for i, e := range out.Threads.Edges {
			ids[i] = e.Node.ID
		}
		if len(ids) != 25 {
			return nil, fmt.Errorf("threads: %d on the page, want 25", len(ids))
		}
		return ids, nil
	}
	ids, err := page(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < len(ids); i += 2 {
		var out json.RawMessage
		if err := s.do(ctx, `mutation a($t: ID!, $u: ID!) { assignThread(input: {threadId: $t, userId: $u}) { error { code } } }`,
			map[string]any{"t": ids[i], "u": u.ID}, &out); err != nil {
			b.Fatal(err)
		}
	}
	for _, c := range []int{1, 64} {
		b.Run(fmt.Sprintf("conc=%d", c), func(b *testing.B) {
			b.ReportAllocs()
			bench.Benchmark(b, b.N, c, func(ctx context.Context, _ int) error {
				_, err := page(ctx)
				return err
			}, "pages/s")
		})
	}
}
