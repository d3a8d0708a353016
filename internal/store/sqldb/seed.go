package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/threadline/threadline/internal/store"
)

// Rows per INSERT statement: well under SQLite's 32,766 and PostgreSQL's
// 65,535 bound parameters.
const (
	threadsPerInsert = 200
	rowsPerInsert    = 500
)

// SeedThreads implements store.BulkSeeder on conn, which the caller holds
// (and tunes) for the duration: one transaction that takes the refs from the
// counter and writes the rows with multi-row INSERTs prepared once, threads
// before the labels and timeline entries that refer to them.
func SeedThreads(ctx context.Context, conn *sql.Conn, d Dialect, workspaceID string, n int, gen func(ref int64) store.SeedThread) error {
	if n < 1 {
		return errors.New("seed: the number of threads must be at least 1")
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit, a no-op
	t := NewTx(tx, d)
	var last int64
	err = t.row(ctx, `INSERT INTO counters (workspace_id, name, value) VALUES (?, 'thread_ref', ?)
		ON CONFLICT (workspace_id, name) DO UPDATE SET value = counters.value + excluded.value
		RETURNING value`, workspaceID, n).Scan(&last)
	if err != nil {
		return fmt.Errorf("seed: thread_ref counter: %w", t.wrap(err))
	}
	s := &seeder{t: t, ws: workspaceID, gen: gen,
		threads: t.bulk(tx, "threads", threadCols, threadsPerInsert),
		labels:  t.bulk(tx, "labels", labelCols, rowsPerInsert),
		entries: t.bulk(tx, "timeline_entries", timelineCols, rowsPerInsert),
		docs:    t.bulk(tx, "thread_search_docs", searchDocCols, rowsPerInsert)}
	defer s.close()
	if err := s.write(ctx, last-int64(n)+1, last); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("seed: commit: %w", err)
	}
	return nil
}

// seeder writes generated threads through three bulk inserts.
type seeder struct {
	t                        *Tx
	ws                       string
	gen                      func(ref int64) store.SeedThread
	threads, labels, entries *bulkInsert
	docs                     *bulkInsert // search documents (search.go)
}

// write generates and writes the threads of refs first to last, a chunk of
// threadsPerInsert at a time.
func (s *seeder) write(ctx context.Context, first, last int64) error {
	chunk := make([]store.SeedThread, 0, threadsPerInsert)
	for ref := first; ref <= last; {
		chunk = chunk[:0]
		for ; ref <= last && len(chunk) < threadsPerInsert; ref++ {
			st := s.gen(ref)
			if err := s.check(st, ref); err != nil {
				return err
			}
			chunk = append(chunk, st)
			if err := s.threads.add(ctx, threadValues(st.Thread)...); err != nil {
				return fmt.Errorf("seed: threads: %w", err)
			}
		}
		// Labels and entries refer to the threads: write those first.
		if err := s.threads.flush(ctx); err != nil {
			return fmt.Errorf("seed: threads: %w", err)
		}
		for _, st := range chunk {
			for _, l := range st.Labels {
				if err := s.labels.add(ctx, labelValues(l)...); err != nil {
					return fmt.Errorf("seed: labels: %w", err)
				}
			}
			for _, e := range st.Timeline {
				if err := s.entries.add(ctx, timelineValues(e)...); err != nil {
					return fmt.Errorf("seed: timeline entries: %w", err)
				}
			}
			if err := s.addDocs(ctx, st); err != nil {
				return fmt.Errorf("seed: search documents: %w", err)
			}
		}
	}
	if err := s.labels.flush(ctx); err != nil {
		return fmt.Errorf("seed: labels: %w", err)
	}
	if err := s.entries.flush(ctx); err != nil {
		return fmt.Errorf("seed: timeline entries: %w", err)
	}
	if err := s.docs.flush(ctx); err != nil {
		return fmt.Errorf("seed: search documents: %w", err)
	}
	return nil
}

// addDocs buffers the search documents of a generated thread: its own
// text and its entries' (as putThreadDoc and putEntryDoc write them).
func (s *seeder) addDocs(ctx context.Context, st store.SeedThread) error {
	th := st.Thread
	if err := s.docs.add(ctx, th.WorkspaceID, th.ID, th.ID, th.SearchText()); err != nil {
		return err
	}
	for _, e := range st.Timeline {
		if body := entryText(e); body != "" {
			if err := s.docs.add(ctx, e.WorkspaceID, e.ThreadID, e.ID, body); err != nil {
				return err
			}
		}
	}
	return nil
}

// check refuses a generated thread that is not the one asked for.
func (s *seeder) check(st store.SeedThread, ref int64) error {
	th := st.Thread
	if th.WorkspaceID != s.ws || th.Ref != ref {
		return fmt.Errorf("seed: generated thread %s is #%d of workspace %s, want #%d of %s", th.ID, th.Ref, th.WorkspaceID, ref, s.ws)
	}
	for _, l := range st.Labels {
		if l.ThreadID != th.ID || l.WorkspaceID != s.ws {
			return fmt.Errorf("seed: label %s is not of thread %s", l.ID, th.ID)
		}
	}
	for _, e := range st.Timeline {
		if e.ThreadID != th.ID || e.WorkspaceID != s.ws {
			return fmt.Errorf("seed: timeline entry %s is not of thread %s", e.ID, th.ID)
		}
	}
	return nil
}

func (s *seeder) close() {
	s.threads.close()
	s.labels.close()
	s.entries.close()
	s.docs.close()
}

// bulkInsert buffers rows of one table and inserts them perStmt at a time
// with a prepared multi-row INSERT; flush writes what is left.
type bulkInsert struct {
	t       *Tx
	tx      *sql.Tx
	head    string
	ncols   int
	perStmt int
	full    *sql.Stmt
	buf     []any
}

func (t *Tx) bulk(tx *sql.Tx, table, cols string, perStmt int) *bulkInsert {
	ncols := strings.Count(cols, ",") + 1
	return &bulkInsert{t: t, tx: tx, head: `INSERT INTO ` + table + ` (` + cols + `) VALUES `,
		ncols: ncols, perStmt: perStmt, buf: make([]any, 0, ncols*perStmt)}
}

func (b *bulkInsert) query(rows int) string {
	row := "(" + placeholders(b.ncols) + ")"
	return b.t.sql(b.head + strings.TrimSuffix(strings.Repeat(row+", ", rows), ", "))
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
	return b.t.wrap(err)
}

// flush inserts the buffered rows.
func (b *bulkInsert) flush(ctx context.Context) error {
	if len(b.buf) == 0 {
		return nil
	}
	_, err := b.tx.ExecContext(ctx, b.query(len(b.buf)/b.ncols), b.buf...)
	b.buf = b.buf[:0]
	return b.t.wrap(err)
}

func (b *bulkInsert) close() {
	if b.full != nil {
		b.full.Close()
	}
}
