package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/store/sqldb"
)

type request = sqldb.WriteRequest

// writer is the single writing goroutine. It takes every waiting request
// (up to maxBatch), runs each in its own savepoint inside one transaction,
// commits once, then answers them all: one fsync for the whole batch.
type writer struct {
	db       *sql.DB
	conn     *sql.Conn  // the one write connection, held for the writer's life
	stmts    *stmtCache // prepared on conn; used by the writer goroutine only
	maxBatch int
	log      *slog.Logger
	queue    *sqldb.WriteQueue
	finished chan struct{}
	secrets  *atomic.Pointer[auth.SecretBox]
	onCommit sqldb.CommitObserver
	hub      *sqldb.Hub // gets what the batch published, once it committed
}

func startWriter(db *sql.DB, maxBatch int, log *slog.Logger, secrets *atomic.Pointer[auth.SecretBox], hub *sqldb.Hub) (*writer, error) {
	conn, err := db.Conn(context.Background())
	if err != nil {
		return nil, fmt.Errorf("sqlite: writer connection: %w", err)
	}
	w := &writer{db: db, conn: conn, stmts: newStmtCache(conn), maxBatch: maxBatch, log: log,
		queue: sqldb.NewWriteQueue(maxBatch), finished: make(chan struct{}), secrets: secrets, hub: hub}
	go w.loop()
	return w, nil
}

func (w *writer) do(ctx context.Context, fn func(store.Tx) error) error {
	return w.queue.Do(ctx, fn)
}

func (w *writer) stop() {
	w.queue.Close()
	<-w.finished
}

func (w *writer) loop() {
	defer close(w.finished)
	defer w.stmts.close()
	batch := make([]request, 0, w.maxBatch)
	for {
		var ok bool
		if batch, ok = w.queue.Next(batch, w.maxBatch); !ok {
			return
		}
		w.commit(batch)
	}
}

// commit runs one batch. Each request's error is its own; a failed COMMIT
// fails every request that had succeeded.
func (w *writer) commit(batch []request) {
	start := time.Now()
	errs := make([]error, len(batch))
	tx, err := w.conn.BeginTx(context.Background(), nil)
	if err != nil {
		for _, r := range batch {
			r.Done <- fmt.Errorf("sqlite: begin: %w", err)
		}
		return
	}
	st := sqldb.NewPreparedTx(tx, dialect{}, w.stmts.prepare).WithSecrets(w.secrets.Load())
	for i, r := range batch {
		if err := r.Ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		mark := st.Mark()
		if errs[i] = w.runOne(tx, st, r); errs[i] != nil {
			st.Rewind(mark) // rolled back: what it published is dropped
		}
	}
	if err := tx.Commit(); err != nil {
		w.log.Error("sqlite: group commit failed", "requests", len(batch), "err", err)
		for i := range errs {
			if errs[i] == nil {
				errs[i] = fmt.Errorf("sqlite: commit: %w", err)
			}
		}
	} else {
		w.hub.Deliver(st.Pending()...)
		w.onCommit.Observe(errs, start)
	}
	for i, r := range batch {
		r.Done <- errs[i]
	}
}

// runOne runs r inside a savepoint, rolling back to it when r fails or panics.
func (w *writer) runOne(tx *sql.Tx, st *sqldb.Tx, r request) (err error) {
	if _, err := tx.Exec(`SAVEPOINT req`); err != nil {
		return fmt.Errorf("sqlite: savepoint: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("sqlite: update panicked: %v", p)
		}
		if err != nil {
			if _, rbErr := tx.Exec(`ROLLBACK TO req`); rbErr != nil {
				err = errors.Join(err, rbErr)
			}
		}
		if _, relErr := tx.Exec(`RELEASE req`); relErr != nil && err == nil {
			err = fmt.Errorf("sqlite: release: %w", relErr)
		}
	}()
	return r.Fn(st)
}
