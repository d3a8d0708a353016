package sqldb

import "context"

// Stmt is a statement, in the backend's placeholders, with its arguments.
type Stmt struct {
	SQL  string
	Args []any
}

// Pipeliner is a Querier that can send several statements in one round
// trip: the PostgreSQL writer's connection. A Tx on a Pipeliner defers the
// inserts whose outcome no caller looks at beyond their error (outbox
// events, search documents, timeline entries, labels, field values) and
// sends them together before its next other statement; its owner sends
// what is left (TakeDeferred) with the end of the request's savepoint, so
// that a deferred insert that fails fails its own request, inside its own
// savepoint, and before the COMMIT.
type Pipeliner interface {
	Querier
	// Pipeline runs stmts in order in one round trip, up to the first
	// that fails. It returns the command tags of those that succeeded and
	// the error of the one that failed.
	Pipeline(ctx context.Context, stmts []Stmt) ([]string, error)
	// PipelineRow runs stmts in order and then q, a query of one row, in
	// one round trip, and scans q's row into dest as database/sql would.
	// stmtErr is the error of the first of stmts that failed (q then did
	// not run); rowErr is q's or its scan's (sql.ErrNoRows for no row).
	PipelineRow(ctx context.Context, stmts []Stmt, q Stmt, dest ...any) (stmtErr, rowErr error)
}

// later runs q, an insert whose callers look at nothing but its error:
// now, or on a Pipeliner with the next statement (its error then fails
// that statement, or the request at its end).
func (t *Tx) later(ctx context.Context, q string, args ...any) error {
	if t.pipe == nil {
		_, err := t.exec(ctx, q, args...)
		return err
	}
	if t.failed != nil {
		return t.failed
	}
	t.deferred = append(t.deferred, Stmt{SQL: t.sql(q), Args: args})
	return nil
}

// flush sends the deferred statements in one round trip. Once one has
// failed, the transaction is aborted up to the request's savepoint: every
// later statement of the request fails with that first error.
func (t *Tx) flush(ctx context.Context) error {
	if t.failed != nil {
		return t.failed
	}
	if len(t.deferred) == 0 {
		return nil
	}
	stmts := t.deferred
	t.deferred = nil
	if _, err := t.pipe.Pipeline(ctx, stmts); err != nil {
		t.failed = t.wrap(err)
		return t.failed
	}
	return nil
}

// pipedRow is a read of one row that, on a Pipeliner with inserts
// deferred, goes in their round trip instead of one of its own; anywhere
// else it is row. It is for queries whose columns the Pipeliner scans as
// database/sql does (bool, int64, text, NULL into sql.Null*).
func (t *Tx) pipedRow(ctx context.Context, q string, args ...any) scanner {
	if t.pipe == nil || t.failed != nil || len(t.deferred) == 0 {
		return t.row(ctx, q, args...)
	}
	return pipedScanner{t: t, ctx: ctx, q: Stmt{SQL: t.sql(q), Args: args}}
}

// pipedScanner sends the deferred inserts and its query when scanned.
type pipedScanner struct {
	t   *Tx
	ctx context.Context
	q   Stmt
}

// Scan implements scanner. A deferred insert that fails fails the rest of
// the request (flush); the query's own error is returned as row's is.
func (r pipedScanner) Scan(dest ...any) error {
	if r.t.failed != nil {
		return r.t.failed
	}
	stmts := r.t.deferred
	r.t.deferred = nil
	stmtErr, rowErr := r.t.pipe.PipelineRow(r.ctx, stmts, r.q, dest...)
	if stmtErr != nil {
		r.t.failed = r.t.wrap(stmtErr)
		return r.t.failed
	}
	return rowErr
}

// TakeDeferred removes and returns the statements deferred and not sent
// yet, for the owner of the transaction to send (Pipeliner.Pipeline)
// before the request's savepoint ends; MapError maps the error of one.
func (t *Tx) TakeDeferred() []Stmt {
	out := t.deferred
	t.deferred = nil
	return out
}

// Failed returns the error of a deferred statement that failed during the
// current request, which fails the request whatever its fn returned.
func (t *Tx) Failed() error { return t.failed }

// MapError maps a driver error as the methods of t do (a unique violation
// to core.ErrDuplicate, no rows to core.ErrNotFound).
func (t *Tx) MapError(err error) error { return t.wrap(err) }

// endRequest forgets what a request rolled back to its savepoint left:
// statements not sent, the error of one that failed, and the cached
// reads, which may show its writes.
func (t *Tx) endRequest() {
	t.deferred, t.failed = nil, nil
	t.cache.forget()
}
