package postgres_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/threadline/threadline/internal/config"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/store/postgres"
	"github.com/threadline/threadline/internal/store/storetest"
	"github.com/threadline/threadline/test/harness"
)

// BenchmarkBareInsert is the storage baseline of createThread on PostgreSQL
// with the server's default pool size: see storetest.BenchBareInsert. It
// skips unless THREADLINE_TEST_POSTGRES_URL is set.
func BenchmarkBareInsert(b *testing.B) {
	storetest.BenchBareInsert(b, func(b *testing.B) store.Store {
		st, err := postgres.Open(context.Background(), harness.FreshPostgresURL(b), config.Defaults().PostgresMaxConns)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		return st
	})
}

// BenchmarkGroupCommitWriters is BenchBareInsert (concurrent Updates, each
// writing createThread's rows) with 1, 2 and 4 group-commit writers, to
// show what batches in flight at once buy. It skips unless
// THREADLINE_TEST_POSTGRES_URL is set.
func BenchmarkGroupCommitWriters(b *testing.B) {
	for _, w := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("writers=%d", w), func(b *testing.B) {
			storetest.BenchBareInsert(b, func(b *testing.B) store.Store {
				st, err := postgres.OpenWith(context.Background(), harness.FreshPostgresURL(b),
					postgres.Options{MaxConns: config.Defaults().PostgresMaxConns, Writers: w})
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { st.Close() })
				return st
			})
		})
	}
}
