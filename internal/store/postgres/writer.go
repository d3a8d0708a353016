package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/store/sqldb"
)

type request = sqldb.WriteRequest

// writer commits the waiting Updates together (group commit): each of its
// goroutines takes every waiting request (up to maxBatch) from one queue,
// runs each inside its own savepoint of one transaction on a connection of
// the writers' pool, and commits once, so that a batch waits for one WAL
// flush, not one per request. Several goroutines let a batch run while
// another waits for its flush. A request that runs for stallAfter (waiting
// for a lock) hands those queued behind it to a batch of their own, so
// that Updates still run concurrently where they must.
//
// A request that fails, panics or loses a lock-wait (deadlock) is rolled
// back to its savepoint, alone; its fn is never run again, since service
// fns are not all re-runnable (some append to captured slices).
type writer struct {
	db       *sql.DB // the writers' pool: a connection per batch in flight
	maxBatch int
	log      *slog.Logger
	queue    *sqldb.WriteQueue
	wg       sync.WaitGroup
	secrets  *atomic.Pointer[auth.SecretBox]
	onCommit *sqldb.CommitObserver
	deliver  func([]sqldb.Message) // what a batch published, once it committed
}

func startWriter(w *writer, n int) {
	w.queue = sqldb.NewWriteQueue(w.maxBatch * n)
	for range n {
		w.wg.Add(1)
		go w.loop()
	}
}

func (w *writer) do(ctx context.Context, fn func(store.Tx) error) error {
	return w.queue.Do(ctx, fn)
}

// stop drains the queue and waits for the goroutines to finish.
func (w *writer) stop() {
	w.queue.Close()
	w.wg.Wait()
}

func (w *writer) loop() {
	defer w.wg.Done()
	reqs := make([]request, 0, w.maxBatch)
	for {
		var ok bool
		if reqs, ok = w.queue.Next(reqs, w.maxBatch); !ok {
			return
		}
		w.run(slices.Clone(reqs))
	}
}

// stallAfter is how long a request may run before the requests queued
// behind it in its batch are handed to a batch of their own: one waiting
// for a lock (or, in tests, for another Update) must not hold them up.
const stallAfter = 50 * time.Millisecond

// batch is the requests of one transaction not started yet.
type batch struct {
	mu      sync.Mutex
	reqs    []request
	started atomic.Int64 // how many have started: the watchdog's measure of progress
}

// take returns the next request to run, if any is left.
func (b *batch) take() (request, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.reqs) == 0 {
		return request{}, false
	}
	r := b.reqs[0]
	b.reqs = b.reqs[1:]
	b.started.Add(1)
	return r, true
}

// more reports whether a request is left.
func (b *batch) more() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.reqs) > 0
}

// steal removes and returns the requests not started yet.
func (b *batch) steal() []request {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.reqs
	b.reqs = nil
	return out
}

// watch hands the unstarted requests of b to a new batch whenever the
// running one has not finished for stallAfter, until stop is closed.
func (w *writer) watch(b *batch, stop <-chan struct{}) {
	t := time.NewTicker(stallAfter)
	defer t.Stop()
	last := int64(-1)
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		if n := b.started.Load(); n != last {
			last = n
			continue
		}
		if stolen := b.steal(); len(stolen) > 0 {
			w.wg.Add(1) // the batch's goroutine is running: wg is not zero
			go func() {
				defer w.wg.Done()
				w.run(stolen)
			}()
		}
	}
}

// run commits reqs as one batch on a connection of the writers' pool.
func (w *writer) run(reqs []request) {
	conn, err := w.db.Conn(context.Background())
	if err != nil {
		fail(reqs, fmt.Errorf("postgres: writer connection: %w", err))
		return
	}
	b := &batch{reqs: reqs}
	stop := make(chan struct{})
	go w.watch(b, stop)
	ok := w.commit(conn, b)
	close(stop)
	if !ok {
		discard(conn)
		return
	}
	conn.Close()
}

func fail(batch []request, err error) {
	for _, r := range batch {
		r.Done <- err
	}
}

// discard closes conn and keeps it out of the pool.
func discard(conn *sql.Conn) {
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	_ = conn.Close()
}

// batchConn runs a batch's statements on its connection with the batch's
// context, not the request's: a request whose caller gives up must not
// break the connection (pgx closes one whose query is cancelled) under
// the other requests of its batch. A request's context is checked before
// it starts.
type batchConn struct{ c *sql.Conn }

func (b batchConn) ExecContext(_ context.Context, q string, args ...any) (sql.Result, error) {
	return b.c.ExecContext(context.Background(), q, args...)
}

func (b batchConn) QueryContext(_ context.Context, q string, args ...any) (*sql.Rows, error) {
	return b.c.QueryContext(context.Background(), q, args...)
}

func (b batchConn) QueryRowContext(_ context.Context, q string, args ...any) *sql.Row {
	return b.c.QueryRowContext(context.Background(), q, args...)
}

// Pipeline implements sqldb.Pipeliner: stmts go in one pgx batch, one
// round trip, inside the transaction the connection is in.
func (b batchConn) Pipeline(_ context.Context, stmts []sqldb.Stmt) ([]string, error) {
	return pipeline(b.c, stmts)
}

// pipeline runs stmts in order in one round trip and returns the command
// tags of those that succeeded and the error of the first that failed (the
// server skips the rest).
func pipeline(conn *sql.Conn, stmts []sqldb.Stmt) (tags []string, err error) {
	err = conn.Raw(func(dc any) error {
		var b pgx.Batch
		for _, s := range stmts {
			b.Queue(s.SQL, s.Args...)
		}
		res := dc.(*stdlib.Conn).Conn().SendBatch(context.Background(), &b)
		for range stmts {
			ct, err := res.Exec()
			if err != nil {
				res.Close()
				return err
			}
			tags = append(tags, ct.String())
		}
		return res.Close()
	})
	return tags, err
}

// PipelineRow implements sqldb.Pipeliner: stmts and q go in one pgx
// batch, one round trip, inside the transaction the connection is in.
func (b batchConn) PipelineRow(_ context.Context, stmts []sqldb.Stmt, q sqldb.Stmt, dest ...any) (stmtErr, rowErr error) {
	return pipelineRow(b.c, stmts, q, dest)
}

// pipelineRow runs stmts in order and then q in one round trip and scans
// q's one row into dest. stmtErr is the error of the first of stmts that
// failed (the server skips the rest and q), or of the connection.
func pipelineRow(conn *sql.Conn, stmts []sqldb.Stmt, q sqldb.Stmt, dest []any) (stmtErr, rowErr error) {
	err := conn.Raw(func(dc any) error {
		var b pgx.Batch
		for _, s := range stmts {
			b.Queue(s.SQL, s.Args...)
		}
		b.Queue(q.SQL, q.Args...)
		res := dc.(*stdlib.Conn).Conn().SendBatch(context.Background(), &b)
		for range stmts {
			if _, err := res.Exec(); err != nil {
				res.Close()
				return err
			}
		}
		rowErr = res.QueryRow().Scan(dest...)
		return res.Close()
	})
	if err != nil && rowErr == nil {
		return err, nil
	}
	return nil, rowErr
}

// simple sends q (one or more statements without arguments) in one round
// trip and returns the command tag of the last.
func simple(conn *sql.Conn, q string) (tag string, err error) {
	err = conn.Raw(func(dc any) error {
		ct, err := dc.(*stdlib.Conn).Conn().Exec(context.Background(), q)
		tag = ct.String()
		return err
	})
	return tag, err
}

// commit runs the requests of b on conn, in one transaction. Each
// request's error is its own; a failed COMMIT fails every request that had
// succeeded. Statements between requests share a round trip: the inserts
// the request deferred (sqldb.Pipeliner) and "RELEASE SAVEPOINT r;
// SAVEPOINT r" after a success, "ROLLBACK TO SAVEPOINT r" (which keeps r)
// after a failure, and the last with the COMMIT. It reports whether conn
// is still usable.
func (w *writer) commit(conn *sql.Conn, b *batch) bool {
	start := time.Now()
	var ran []request
	var errs []error
	if _, err := simple(conn, `BEGIN; SAVEPOINT r`); err != nil {
		fail(b.steal(), fmt.Errorf("postgres: begin: %w", err))
		return rollback(conn)
	}
	st := sqldb.NewTx(batchConn{conn}, dialect{}).WithSecrets(w.secrets.Load())
	committed := false
	for !committed {
		r, ok := b.take()
		if !ok { // the rest was handed to another batch
			if tag, err := simple(conn, `COMMIT`); err != nil || tag != "COMMIT" {
				return w.failCommit(conn, ran, errs, commitErr(tag, err))
			}
			break
		}
		ran = append(ran, r)
		errs = append(errs, r.Ctx.Err())
		i := len(errs) - 1
		mark := st.Mark()
		if errs[i] == nil {
			errs[i] = runOne(st, r)
			if err := st.Failed(); err != nil {
				errs[i] = err // a deferred insert failed: the request fails with its error
			}
			if errs[i] != nil {
				st.Rewind(mark) // rolled back: what it published is dropped
			}
		}
		next := `; SAVEPOINT r`
		if !b.more() {
			next, committed = `; COMMIT`, true
		}
		if err := w.boundary(conn, st, mark, &errs[i], next); err != nil {
			if committed {
				return w.failCommit(conn, ran, errs, err)
			}
			fail(append(ran, b.steal()...), err)
			return rollback(conn)
		}
	}
	w.deliver(st.Pending())
	w.onCommit.Observe(errs, start)
	for i, r := range ran {
		r.Done <- errs[i]
	}
	return true
}

// boundary ends the savepoint of the request just run (failed when *reqErr
// is set) and sends next ("; SAVEPOINT r" or "; COMMIT") in the same round
// trip, after the inserts the request deferred (sqldb.Pipeliner). If one
// of those fails, it is the request's error; if releasing fails (the
// request swallowed an error of its own and left its savepoint aborted),
// the request is failed. Either way it is rolled back, and the batch goes
// on. It returns an error only when the batch cannot.
func (w *writer) boundary(conn *sql.Conn, st *sqldb.Tx, mark int, reqErr *error, next string) error {
	if *reqErr != nil {
		tag, err := simple(conn, `ROLLBACK TO SAVEPOINT r`+next)
		if err == nil && (next != `; COMMIT` || tag == "COMMIT") {
			return nil
		}
		return commitErr(tag, err)
	}
	deferred := st.TakeDeferred()
	tag, err := "", error(nil)
	if len(deferred) == 0 {
		tag, err = simple(conn, `RELEASE SAVEPOINT r`+next)
	} else {
		stmts := append(deferred, sqldb.Stmt{SQL: `RELEASE SAVEPOINT r`}, sqldb.Stmt{SQL: next[2:]})
		var tags []string
		tags, err = pipeline(conn, stmts)
		if err != nil && len(tags) < len(deferred) {
			// A deferred insert failed: the rest, RELEASE and next
			// included, was skipped. The request fails with its error.
			*reqErr = st.MapError(err)
			st.Rewind(mark)
			if tag, err = simple(conn, `ROLLBACK TO SAVEPOINT r`+next); err != nil || (next == `; COMMIT` && tag != "COMMIT") {
				return commitErr(tag, err)
			}
			return nil
		}
		if len(tags) > 0 {
			tag = tags[len(tags)-1]
		}
	}
	if err == nil && (next != `; COMMIT` || tag == "COMMIT") {
		return nil
	}
	if !savepointAborted(err) {
		return commitErr(tag, err)
	}
	*reqErr = fmt.Errorf("postgres: release: %w", err)
	st.Rewind(mark)
	if tag, err = simple(conn, `ROLLBACK TO SAVEPOINT r`+next); err != nil || (next == `; COMMIT` && tag != "COMMIT") {
		return commitErr(tag, err)
	}
	return nil
}

// savepointAborted reports whether err says the transaction (here: the
// request's savepoint) was aborted by an earlier error, which rolling back
// to the savepoint repairs.
func savepointAborted(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "25P02"
}

func commitErr(tag string, err error) error {
	if err != nil {
		return fmt.Errorf("postgres: commit: %w", err)
	}
	return fmt.Errorf("postgres: commit: the transaction ended with %q", tag)
}

// failCommit answers a batch whose COMMIT failed: every request that had
// succeeded fails with err, and nothing it published is delivered.
func (w *writer) failCommit(conn *sql.Conn, batch []request, errs []error, err error) bool {
	w.log.Error("postgres: group commit failed", "requests", len(batch), "err", err)
	for i, r := range batch {
		if errs[i] == nil {
			errs[i] = err
		}
		r.Done <- errs[i]
	}
	return rollback(conn)
}

// rollback ends whatever transaction conn is in, and reports whether conn
// is still usable.
func rollback(conn *sql.Conn) bool {
	_, err := simple(conn, `ROLLBACK`)
	return err == nil
}

// runOne runs r's fn, turning a panic into its error.
func runOne(st *sqldb.Tx, r request) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("postgres: update panicked: %v", p)
		}
	}()
	return r.Fn(st)
}
