package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/threadline/threadline/internal/loadgen"
	"github.com/threadline/threadline/internal/store"
)

// BenchConcurrency is the number of concurrent writers the write-path
// benchmarks run at: one (latency bound) and 32 (what group commit or a
// connection pool must absorb).
var BenchConcurrency = []int{1, 32}

// BenchFactory returns a fresh, migrated, empty store closed when the
// benchmark ends.
type BenchFactory func(b *testing.B) store.Store

// BenchBareInsert benchmarks loadgen.BareInsert, the rows of one
// createThread written through store.Update alone, at each
// BenchConcurrency: sub-benchmarks "conc=1" and "conc=32", each on a fresh
// store. The workers are explicit goroutines (loadgen.Run with b.N requests
// in total), not b.RunParallel, so that the concurrency does not depend on
// GOMAXPROCS. It reports threads/s and p50/p99 latency; any failed Update
// fails the benchmark.
func BenchBareInsert(b *testing.B, newStore BenchFactory) {
	for _, c := range BenchConcurrency {
		st := newStore(b)
		bare, err := loadgen.NewBareInsert(context.Background(), st)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("conc=%d", c), func(b *testing.B) {
			RunLoad(b, c, bare.Do)
		})
	}
}

// RunLoad runs op b.N times from concurrency goroutines, fails b on the
// first error and reports threads/s and p50/p99 latency.
func RunLoad(b *testing.B, concurrency int, op loadgen.Op) {
	b.Helper()
	RunLoadUnit(b, concurrency, op, "threads/s")
}

// RunLoadUnit is RunLoad reporting throughput in unit (e.g. "pages/s").
func RunLoadUnit(b *testing.B, concurrency int, op loadgen.Op, unit string) {
	b.Helper()
	b.ResetTimer()
	res, err := loadgen.Run(context.Background(), loadgen.Config{Concurrency: concurrency, Requests: b.N, StopOnError: true}, op)
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	if res.Errors > 0 {
		b.Fatalf("%d of %d requests failed; first: %v", res.Errors, res.Errors+res.OK, res.FirstErrors[0])
	}
	res.Report(b, unit)
}
