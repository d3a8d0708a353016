package postgres

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/store"
)

var _ store.WindowCounter = (*Store)(nil)

// openCounts opens the small pool that counts rate-limit windows and
// allocates counter values (Allocate), with synchronous_commit off: a count
// written on every request need not wait for the disk, and need not survive
// a crash; an allocated value is made durable by the commit that uses it.
func openCounts(url string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	cfg.RuntimeParams["synchronous_commit"] = "off"
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	return db, nil
}

// CountInWindow implements store.WindowCounter in one statement. A request
// of a later window starts the count again; one of an earlier window (a
// replica whose clock lags) counts in the current one.
func (s *Store) CountInWindow(ctx context.Context, key string, start core.Time) (int64, error) {
	var n int64
	err := s.counts.QueryRowContext(ctx, `INSERT INTO rate_windows (key, window_start, count) VALUES ($1, $2, 1)
		ON CONFLICT (key) DO UPDATE SET
		  count = CASE WHEN EXCLUDED.window_start > rate_windows.window_start THEN 1 ELSE rate_windows.count + 1 END,
		  window_start = GREATEST(rate_windows.window_start, EXCLUDED.window_start)
		RETURNING count`, key, start.Millis()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("postgres: count window: %w", err)
	}
	return n, nil
}
