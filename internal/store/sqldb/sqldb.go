// Package sqldb implements store.Tx over database/sql once, for both
// backends; a Dialect covers their differences (placeholders, error codes).
package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/customer"
)

// Dialect is what differs between SQLite and PostgreSQL.
type Dialect interface {
	// Name is "sqlite" or "postgres".
	Name() string
	// UniqueViolation reports whether err is a unique-constraint violation.
	UniqueViolation(err error) bool
	// ThreadTextMatch returns the condition on thread_search_docs d that
	// holds when d.body holds every term (core.SearchTerms) as the start
	// of a word, with its args.
	ThreadTextMatch(terms []string) (string, []any)
	// CustomerTextMatch returns the condition on customer_search_docs d
	// that holds when one of conds matches d (every term of the condition,
	// as the start of a word, in its field), with its args. conds name
	// only the fields of SearchFields.
	CustomerTextMatch(conds []customer.SearchCondition) (string, []any)
}

// Querier is what a transaction offers (*sql.Tx).
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Tx implements store.Tx on one database/sql transaction.
type Tx struct {
	q       Querier
	dialect Dialect
	rebind  bool
	prep    Preparer
	secrets *auth.SecretBox // seals secrets at rest; nil stores them as they are
	pending []Message       // published, waiting for the commit (publish.go)
	noWrite bool            // a View: Publish is refused

	pipe     Pipeliner // q, when it can pipeline (pipeline.go); nil: every statement runs at once
	deferred []Stmt    // inserts waiting for the next statement
	failed   error     // a deferred insert of the current request failed
	cache    readCache // configuration read, until a statement may change it (cache.go)
}

// ReadOnly marks t as a View's transaction, in which nothing may be
// published. It returns t.
func (t *Tx) ReadOnly() *Tx {
	t.noWrite = true
	return t
}

// Preparer returns a prepared statement for a query that runs on the same
// connection as the transaction (the SQLite writer's), or nil to run the
// query unprepared. Prepared statements are reused across transactions, so
// SQL text is parsed once, not once per use.
type Preparer func(ctx context.Context, query string) *sql.Stmt

// NewPreparedTx is NewTx with statements from prep.
// WithSecrets makes t seal the secrets it writes and open those it reads
// with box (nil: as they are). It returns t.
func (t *Tx) WithSecrets(box *auth.SecretBox) *Tx {
	t.secrets = box
	return t
}

func NewPreparedTx(q Querier, d Dialect, prep Preparer) *Tx {
	t := NewTx(q, d)
	t.prep = prep
	return t
}

func (t *Tx) stmt(ctx context.Context, q string) *sql.Stmt {
	if t.prep == nil {
		return nil
	}
	return t.prep(ctx, q)
}

// NewTx wraps q. Queries are written with "?" placeholders and rebound to
// "$n" for PostgreSQL.
func NewTx(q Querier, d Dialect) *Tx {
	t := &Tx{q: q, dialect: d, rebind: d.Name() == "postgres"}
	t.pipe, _ = q.(Pipeliner)
	return t
}

// rebindDollar turns "?" placeholders into "$1", "$2", … Queries in this package
// never contain a literal "?".
func rebindDollar(q string) string {
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

func (t *Tx) sql(q string) string {
	if t.rebind {
		return rebindDollar(q)
	}
	return q
}

func (t *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if err := t.flush(ctx); err != nil {
		return nil, err
	}
	t.cache.forget() // a write: what was read may have changed
	q = t.sql(q)
	if s := t.stmt(ctx, q); s != nil {
		res, err := s.ExecContext(ctx, args...)
		return res, t.wrap(err)
	}
	res, err := t.q.ExecContext(ctx, q, args...)
	return res, t.wrap(err)
}

func (t *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if err := t.flush(ctx); err != nil {
		return nil, err
	}
	return t.queryAhead(ctx, q, args...)
}

// queryAhead is query without sending the deferred inserts first: for
// reads of tables no deferred insert writes (pipeline.go), so that the
// inserts wait for a read that must follow them.
func (t *Tx) queryAhead(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	q = t.sql(q)
	if s := t.stmt(ctx, q); s != nil {
		rows, err := s.QueryContext(ctx, args...)
		return rows, t.wrap(err)
	}
	rows, err := t.q.QueryContext(ctx, q, args...)
	return rows, t.wrap(err)
}

func (t *Tx) row(ctx context.Context, q string, args ...any) scanner {
	if err := t.flush(ctx); err != nil {
		return errRow{err}
	}
	q = t.sql(q)
	if s := t.stmt(ctx, q); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return t.q.QueryRowContext(ctx, q, args...)
}

// errRow is a row whose query could not run: Scan returns err.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// wrap maps driver errors to the store's sentinel errors.
func (t *Tx) wrap(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return errNotFound
	case t.dialect.UniqueViolation(err):
		return fmt.Errorf("%w: %v", errDuplicate, err)
	}
	return err
}

// expectOne turns "no row changed" into not found.
func expectOne(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return errNotFound
	}
	return nil
}
