package loadgen

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/store/sqldb"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/timeline"
)

// The columns written, in the order of the store's own inserts
// (internal/store/sqldb: CreateThread, CreateLabel, CreateTimelineEntry).
const (
	seedThreadCols = `id, workspace_id, ref, external_id, customer_id, title, description, preview_text, priority,
	status, status_detail, status_changed_at, status_changed_by, waiting_until, channel, tenant_id, assignee,
	assigned_at, created_at, created_by, updated_at, updated_by`
	seedLabelCols    = `id, workspace_id, thread_id, label_type_id, created_at, created_by, updated_at, updated_by`
	seedTimelineCols = `id, workspace_id, thread_id, customer_id, kind, payload, actor, created_at`
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
	threads := w.bulk(tx, "threads", seedThreadCols, threadsPerInsert)
	labels := w.bulk(tx, "labels", seedLabelCols, rowsPerInsert)
	entries := w.bulk(tx, "timeline_entries", seedTimelineCols, rowsPerInsert)
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
			if err := threads.add(ctx, threadArgs(s.th)...); err != nil {
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
				if err := labels.add(ctx, core.NewID(core.PrefixLabel), th.WorkspaceID, th.ID, lt,
					th.CreatedAt.Millis(), g.by, th.CreatedAt.Millis(), g.by); err != nil {
					return fmt.Errorf("labels: %w", err)
				}
			}
			if err := entries.add(ctx, core.NewID(core.PrefixTimeline), th.WorkspaceID, th.ID, th.CustomerID,
				string(timeline.KindThreadCreated), string(s.payload), g.by, th.CreatedAt.Millis()); err != nil {
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

// threadArgs are th's values for seedThreadCols, encoded as the store does.
func threadArgs(th thread.Thread) []any {
	return []any{th.ID, th.WorkspaceID, th.Ref, nullString(th.ExternalID), th.CustomerID, th.Title,
		nullString(th.Description), nullString(th.PreviewText), th.Priority, string(th.Status), string(th.StatusDetail),
		th.StatusChangedAt.Millis(), th.StatusChangedBy.String(), nullMillis(th.WaitingUntil), string(th.Channel),
		nullString(th.TenantID), nullActor(th.Assignee), nullMillis(th.AssignedAt), th.CreatedAt.Millis(),
		th.CreatedBy.String(), th.UpdatedAt.Millis(), th.UpdatedBy.String()}
}

func nullString(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

func nullMillis(t *core.Time) any {
	if t == nil {
		return nil
	}
	return t.Millis()
}

func nullActor(a *core.Actor) any {
	if a == nil {
		return nil
	}
	return a.String()
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
