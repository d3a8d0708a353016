package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/threadline/threadline/internal/bench"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/store/storebench"
)

// BenchFactory returns a fresh, migrated, empty store closed when the
// benchmark ends.
type BenchFactory func(b *testing.B) store.Store

// BenchBareInsert benchmarks the storage baseline of createThread (the
// store-level twin of `threadline bench bare-insert`): each request writes,
// in one store.Update, the rows the service's CreateThread writes (the
// thread_ref counter, the thread, one label, one field value, the
// thread_created timeline entry and the thread.thread_created outbox
// event), with none of the reads the service does first. It runs at each
// bench.WriterConcurrency ("conc=1", "conc=32"), each on a fresh store, and
// reports threads/s and p50/p99 latency; any failed Update fails it.
func BenchBareInsert(b *testing.B, newStore BenchFactory) {
	for _, c := range bench.WriterConcurrency {
		st := newStore(b)
		bare, err := storebench.NewBareCreate(context.Background(), st)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("conc=%d", c), func(b *testing.B) {
			bench.Benchmark(b, b.N, c, bare.Do, "threads/s")
		})
	}
}
