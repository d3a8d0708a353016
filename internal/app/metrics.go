package app

import (
	"context"
	"errors"
	"time"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/metrics"
	"github.com/threadline/threadline/internal/store"
)

// instrument reports the store to m: commits (group-commit batch sizes and
// their latency), connection pool use, and the backlogs of the webhook
// outbox and of outbound email.
func instrument(m *metrics.Metrics, st store.Store) error {
	backend := st.Backend()
	in, ok := st.(store.Instrumented)
	if !ok {
		return errors.New("metrics: the store reports nothing")
	}
	in.OnCommit(func(n int, took time.Duration) { m.Commit(backend, n, took) })
	pool := func(f func(store.PoolStats) float64) func() float64 { return func() float64 { return f(in.Pool()) } }
	backlogOf := func(read func(context.Context, store.Tx) (int, core.Time, error)) func() (int, time.Time) {
		return func() (int, time.Time) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			var n int
			var oldest time.Time
			_ = st.View(ctx, func(tx store.Tx) error {
				count, at, err := read(ctx, tx)
				if err == nil && count > 0 {
					n, oldest = count, at.Std()
				}
				return err
			})
			return n, oldest
		}
	}
	backlog := backlogOf(func(ctx context.Context, tx store.Tx) (int, core.Time, error) { return tx.DeliveryBacklog(ctx) })
	emails := backlogOf(func(ctx context.Context, tx store.Tx) (int, core.Time, error) { return tx.EmailBacklog(ctx) })
	age := func(backlog func() (int, time.Time)) func() float64 {
		return func() float64 {
			if _, t := backlog(); !t.IsZero() {
				return time.Since(t).Seconds()
			}
			return 0
		}
	}
	return errors.Join(
		m.GaugeFunc("threadline_db_connections_open", "Database connections open.", pool(func(p store.PoolStats) float64 { return float64(p.Open) })),
		m.GaugeFunc("threadline_db_connections_in_use", "Database connections in use.", pool(func(p store.PoolStats) float64 { return float64(p.InUse) })),
		m.GaugeFunc("threadline_db_connections_max", "Database connections allowed.", pool(func(p store.PoolStats) float64 { return float64(p.MaxOpen) })),
		m.CounterFunc("threadline_db_connection_waits_total", "Times a request waited for a database connection.", pool(func(p store.PoolStats) float64 { return float64(p.WaitCount) })),
		m.GaugeFunc("threadline_outbox_pending", "Webhook deliveries waiting to be sent.", func() float64 { n, _ := backlog(); return float64(n) }),
		m.GaugeFunc("threadline_outbox_oldest_pending_age_seconds", "Age of the oldest webhook delivery waiting to be sent (0 when none).", age(backlog)),
		m.GaugeFunc("threadline_email_pending", "Outbound emails waiting to be sent.", func() float64 { n, _ := emails(); return float64(n) }),
		m.GaugeFunc("threadline_email_oldest_pending_age_seconds", "Age of the oldest outbound email waiting to be sent (0 when none).", age(emails)),
	)
}
