package app

import (
	"context"
	"errors"
	"time"

	"github.com/threadline/threadline/internal/metrics"
	"github.com/threadline/threadline/internal/store"
)

// instrument reports the store to m: commits (group-commit batch sizes and
// their latency), connection pool use, and the webhook outbox's backlog.
func instrument(m *metrics.Metrics, st store.Store) error {
	backend := st.Backend()
	in, ok := st.(store.Instrumented)
	if !ok {
		return errors.New("metrics: the store reports nothing")
	}
	in.OnCommit(func(n int, took time.Duration) { m.Commit(backend, n, took) })
	pool := func(f func(store.PoolStats) float64) func() float64 { return func() float64 { return f(in.Pool()) } }
	backlog := func() (int, time.Time) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		var n int
		var oldest time.Time
		_ = st.View(ctx, func(tx store.Tx) error {
			count, at, err := tx.DeliveryBacklog(ctx)
			if err == nil && count > 0 {
				n, oldest = count, at.Std()
			}
			return err
		})
		return n, oldest
	}
	return errors.Join(
		m.GaugeFunc("threadline_db_connections_open", "Database connections open.", pool(func(p store.PoolStats) float64 { return float64(p.Open) })),
		m.GaugeFunc("threadline_db_connections_in_use", "Database connections in use.", pool(func(p store.PoolStats) float64 { return float64(p.InUse) })),
		m.GaugeFunc("threadline_db_connections_max", "Database connections allowed.", pool(func(p store.PoolStats) float64 { return float64(p.MaxOpen) })),
		m.CounterFunc("threadline_db_connection_waits_total", "Times a request waited for a database connection.", pool(func(p store.PoolStats) float64 { return float64(p.WaitCount) })),
		m.GaugeFunc("threadline_outbox_pending", "Webhook deliveries waiting to be sent.", func() float64 { n, _ := backlog(); return float64(n) }),
		m.GaugeFunc("threadline_outbox_oldest_pending_age_seconds", "Age of the oldest webhook delivery waiting to be sent (0 when none).", func() float64 {
			if _, t := backlog(); !t.IsZero() {
				return time.Since(t).Seconds()
			}
			return 0
		}),
	)
}
