package loadgen

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/store/sqldb"
	"github.com/threadline/threadline/internal/timeline"
)

// Rows per INSERT statement: well under SQLite's 32,766 and PostgreSQL's
// 65,535 bound parameters.
const (
	threadsPerInsert = 200
	rowsPerInsert    = 500
)

// seedWriter writes generated threads through one database handle.
type seedWriter struct {
	db     *sql.DB
	rebind bool
}

// tune enlarges SQLite's page cache for the bulk load (the writer has one
// connection, so the pragma reaches it) and returns what undoes it.
func (w *seedWriter) tune(ctx context.Context) (func(), error) {
	if w.rebind {
		return func() {}, nil
	}
	var old int64
	if err := w.db.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&old); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	if _, err := w.db.ExecContext(ctx, `PRAGMA cache_size = -262144`); err != nil { // 256 MiB
		return nil, fmt.Errorf("seed: %w", err)
	}
	return func() { _, _ = w.db.Exec(fmt.Sprintf(`PRAGMA cache_size = %d`, old)) }, nil
}

// batch writes the next n threads of g, with their labels and timeline
// entries, in one transaction that also takes their refs from the counter.
func (w *seedWriter) batch(ctx context.Context, g *generator, n int, out *Seeded) error {
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit, a no-op
	var last int64
	err = tx.QueryRowContext(ctx, w.sql(`INSERT INTO counters (workspace_id, name, value) VALUES (?, 'thread_ref', ?)
		ON CONFLICT (workspace_id, name) DO UPDATE SET value = counters.value + excluded.value
		RETURNING value`), g.ws, n).Scan(&last)
	if err != nil {
		return fmt.Errorf("thread_ref counter: %w", err)
	}
	ref := last - int64(n)
	threads := w.bulk(tx, "threads", sqldb.ThreadColumns, threadsPerInsert)
	labels := w.bulk(tx, "labels", sqldb.LabelColumns, rowsPerInsert)
	entries := w.bulk(tx, "timeline_entries", sqldb.TimelineColumns, rowsPerInsert)
	defer threads.close()
	defer labels.close()
	defer entries.close()
	chunk := make([]seedThread, 0, threadsPerInsert)
	for i := 0; i < n; i += len(chunk) {
		chunk = chunk[:0]
		for j := i; j < n && len(chunk) < threadsPerInsert; j++ {
			ref++
			chunk = append(chunk, g.next(ref))
		}
		for _, s := range chunk {
			if err := threads.add(ctx, sqldb.ThreadValues(s.th)...); err != nil {
				return fmt.Errorf("threads: %w", err)
			}
		}
		// Labels and entries refer to the threads: write those first.
		if err := threads.flush(ctx); err != nil {
			return fmt.Errorf("threads: %w", err)
		}
		for _, s := range chunk {
			th := s.th
			out.Threads++
			out.ByStatus[th.Status]++
			for k, lt := range s.labels {
				if k == 0 && lt == g.types[0] {
					out.Labeled[th.Status]++
				}
				out.Labels++
				l := label.Label{ID: core.NewID(core.PrefixLabel), WorkspaceID: th.WorkspaceID, ThreadID: th.ID, TypeID: lt,
					CreatedAt: th.CreatedAt, CreatedBy: g.actor, UpdatedAt: th.CreatedAt, UpdatedBy: g.actor}
				if err := labels.add(ctx, sqldb.LabelValues(l)...); err != nil {
					return fmt.Errorf("labels: %w", err)
				}
			}
			e := timeline.Entry{ID: core.NewID(core.PrefixTimeline), WorkspaceID: th.WorkspaceID, ThreadID: th.ID,
				CustomerID: th.CustomerID, Kind: timeline.KindThreadCreated, Payload: s.payload, Actor: g.actor, CreatedAt: th.CreatedAt}
			if err := entries.add(ctx, sqldb.TimelineValues(e)...); err != nil {
				return fmt.Errorf("timeline entries: %w", err)
			}
		}
	}
	if err := labels.flush(ctx); err != nil {
		return fmt.Errorf("labels: %w", err)
	}
	if err := entries.flush(ctx); err != nil {
		return fmt.Errorf("timeline entries: %w", err)
	}
	return tx.Commit()
}

func (w *seedWriter) sql(q string) string {
	if w.rebind {
		return sqldb.Rebind(q)
	}
	return q
}

// bulkInsert buffers rows of one table and inserts them perStmt at a time
// with a prepared multi-row INSERT; flush writes what is left.
type bulkInsert struct {
	w       *seedWriter
	tx      *sql.Tx
	head    string
	ncols   int
	perStmt int
	full    *sql.Stmt
	buf     []any
}

func (w *seedWriter) bulk(tx *sql.Tx, table, cols string, perStmt int) *bulkInsert {
	ncols := strings.Count(cols, ",") + 1
	return &bulkInsert{w: w, tx: tx, head: `INSERT INTO ` + table + ` (` + cols + `) VALUES `,
		ncols: ncols, perStmt: perStmt, buf: make([]any, 0, ncols*perStmt)}
}

func (b *bulkInsert) query(rows int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", b.ncols), ", ") + ")"
	return b.w.sql(b.head + strings.TrimSuffix(strings.Repeat(row+", ", rows), ", "))
}

// add buffers one row and inserts the buffer when it is full.
func (b *bulkInsert) add(ctx context.Context, vals ...any) error {
	b.buf = append(b.buf, vals...)
	if len(b.buf) < b.ncols*b.perStmt {
		return nil
	}
	if b.full == nil {
		st, err := b.tx.PrepareContext(ctx, b.query(b.perStmt))
		if err != nil {
			return err
		}
		b.full = st
	}
	_, err := b.full.ExecContext(ctx, b.buf...)
	b.buf = b.buf[:0]
	return err
}

// flush inserts the buffered rows.
func (b *bulkInsert) flush(ctx context.Context) error {
	if len(b.buf) == 0 {
		return nil
	}
	_, err := b.tx.ExecContext(ctx, b.query(len(b.buf)/b.ncols), b.buf...)
	b.buf = b.buf[:0]
	return err
}

func (b *bulkInsert) close() {
	if b.full != nil {
		b.full.Close()
	}
}
