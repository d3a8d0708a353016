package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/store/postgres"
	"github.com/threadline/threadline/internal/store/storetest"
	"github.com/threadline/threadline/test/harness"
)

func open(t *testing.T) store.Store {
	t.Helper()
	st, err := postgres.Open(context.Background(), harness.FreshPostgresURL(t), 10)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestConformance(t *testing.T) {
	storetest.Run(t, open)
}

func TestRefusesNewerDatabase(t *testing.T) {
	url := harness.FreshPostgresURL(t)
	st, err := postgres.Open(context.Background(), url, 2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '0999_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	st.Close()
	_, err = postgres.Open(context.Background(), url, 2)
	if err == nil || !strings.Contains(err.Error(), "newer than this binary") {
		t.Fatalf("opening a newer database: %v", err)
	}
}

// TestConcurrentMigration opens several stores on one fresh schema at once,
// as replicas starting together do: all must succeed.
func TestConcurrentMigration(t *testing.T) {
	url := harness.FreshPostgresURL(t)
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		go func() {
			st, err := postgres.Open(context.Background(), url, 2)
			if err == nil {
				st.Close()
			}
			errs <- err
		}()
	}
	for i := 0; i < 4; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
