package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/store/sqlite"
	"github.com/threadline/threadline/internal/store/storetest"
)

// BenchmarkBareInsert is the storage baseline of createThread on SQLite with
// the server's defaults (synchronous=FULL, group commit of up to 256
// Updates): see storetest.BenchBareInsert.
func BenchmarkBareInsert(b *testing.B) {
	storetest.BenchBareInsert(b, func(b *testing.B) store.Store {
		st, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"), sqlite.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		return st
	})
}
