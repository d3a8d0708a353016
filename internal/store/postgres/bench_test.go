package postgres_test

import (
	"context"
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
