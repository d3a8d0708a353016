package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/store/sqldb"
)

// reader is one read connection with its own prepared statements.
type reader struct {
	conn  *sql.Conn
	mu    sync.Mutex // held by the View using the reader
	stmts map[string]*sql.Stmt
}

func (r *reader) prepare(ctx context.Context, q string) *sql.Stmt {
	if s, ok := r.stmts[q]; ok {
		return s
	}
	s, err := r.conn.PrepareContext(ctx, q)
	if err != nil {
		return nil // the unprepared call reports the error
	}
	r.stmts[q] = s
	return s
}

// readers is a fixed pool of read connections; a View borrows one, so that
// each connection's prepared statements are reused by the Views after it.
type readers struct {
	free chan *reader
	all  []*reader
}

func newReaders(db *sql.DB, n int) (*readers, error) {
	rs := &readers{free: make(chan *reader, n)}
	for i := 0; i < n; i++ {
		c, err := db.Conn(context.Background())
		if err != nil {
			rs.close()
			return nil, fmt.Errorf("sqlite: read connection: %w", err)
		}
		r := &reader{conn: c, stmts: map[string]*sql.Stmt{}}
		rs.all = append(rs.all, r)
		rs.free <- r
	}
	return rs, nil
}

// view runs fn in a read-only transaction on a borrowed connection.
func (rs *readers) view(ctx context.Context, fn func(store.Tx) error) error {
	var r *reader
	select {
	case r = <-rs.free:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { rs.free <- r }()
	tx, err := r.conn.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("sqlite: begin read: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	return fn(sqldb.NewPreparedTx(tx, dialect{}, r.prepare))
}

func (rs *readers) close() {
	for _, r := range rs.all {
		for _, s := range r.stmts {
			s.Close()
		}
		r.conn.Close()
	}
}
