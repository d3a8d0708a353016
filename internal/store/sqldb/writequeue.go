package sqldb

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/threadline/threadline/internal/store"
)

// ErrClosed is returned by an Update queued after the store was closed.
var ErrClosed = errors.New("store is closed")

// WriteRequest is one Update waiting for a backend's group-commit writer.
// Done receives its outcome exactly once.
type WriteRequest struct {
	Ctx  context.Context
	Fn   func(store.Tx) error
	Done chan error
}

// WriteQueue hands Updates to the goroutines of a group-commit writer (the
// SQLite writer and the PostgreSQL writers share it): Do queues one and
// waits for its outcome, Next gives a writer the next batch.
type WriteQueue struct {
	mu     sync.RWMutex
	closed bool
	ch     chan WriteRequest
}

// NewWriteQueue returns a queue holding up to size waiting requests.
func NewWriteQueue(size int) *WriteQueue {
	return &WriteQueue{ch: make(chan WriteRequest, size)}
}

// Do queues fn and waits for its outcome. Once queued it waits even if
// ctx ends: the request may already be committed, and the caller must not
// be told otherwise. It returns ErrClosed after Close.
func (q *WriteQueue) Do(ctx context.Context, fn func(store.Tx) error) error {
	r := WriteRequest{Ctx: ctx, Fn: fn, Done: make(chan error, 1)}
	q.mu.RLock()
	if q.closed {
		q.mu.RUnlock()
		return ErrClosed
	}
	select {
	case q.ch <- r:
		q.mu.RUnlock()
	case <-ctx.Done():
		q.mu.RUnlock()
		return ctx.Err()
	}
	return <-r.Done
}

// Next waits for a request, then takes every other one already waiting, up
// to max in all, into batch (reusing its storage). It reports false once the
// queue is closed and drained.
func (q *WriteQueue) Next(batch []WriteRequest, max int) ([]WriteRequest, bool) {
	r, ok := <-q.ch
	if !ok {
		return batch[:0], false
	}
	batch = append(batch[:0], r)
	for len(batch) < max {
		select {
		case r, ok := <-q.ch:
			if !ok {
				return batch, true
			}
			batch = append(batch, r)
		default:
			return batch, true
		}
	}
	return batch, true
}

// Close refuses new requests; those queued are still handed out by Next.
// Closing twice closes once.
func (q *WriteQueue) Close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.closed {
		q.closed = true
		close(q.ch)
	}
}

// CommitObserver holds the function a store reports its committed batches
// to (store.Instrumented's OnCommit), if one was set.
type CommitObserver struct {
	fn atomic.Pointer[func(updates int, took time.Duration)]
}

// Set makes fn the observer.
func (o *CommitObserver) Set(fn func(updates int, took time.Duration)) { o.fn.Store(&fn) }

// Observe reports a committed batch begun at start whose requests ended
// with errs: the number that succeeded, if any did, and the time it took.
func (o *CommitObserver) Observe(errs []error, start time.Time) {
	fn := o.fn.Load()
	if fn == nil {
		return
	}
	n := 0
	for _, e := range errs {
		if e == nil {
			n++
		}
	}
	if n > 0 {
		(*fn)(n, time.Since(start))
	}
}
