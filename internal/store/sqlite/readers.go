package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sync/atomic"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/store/sqldb"
)

// stmtCache holds the statements prepared on one connection. It is used by
// one goroutine at a time (the writer, or the View holding the reader).
// SQLite's transactions belong to the connection, so a statement prepared
// on it runs inside whatever transaction the connection has open.
type stmtCache struct {
	conn  *sql.Conn
	stmts map[string]*sql.Stmt
}

func newStmtCache(conn *sql.Conn) *stmtCache {
	return &stmtCache{conn: conn, stmts: map[string]*sql.Stmt{}}
}

// prepare returns q prepared on the connection, once; nil lets the caller
// run q unprepared (and report its error).
func (c *stmtCache) prepare(ctx context.Context, q string) *sql.Stmt {
	if s, ok := c.stmts[q]; ok {
		return s
	}
	s, err := c.conn.PrepareContext(ctx, q)
	if err != nil {
		return nil
	}
	c.stmts[q] = s
	return s
}

// close closes the statements and the connection.
func (c *stmtCache) close() {
	for _, s := range c.stmts {
		s.Close()
	}
	c.conn.Close()
}

// reader is one read connection with its prepared statements.
type reader struct{ *stmtCache }

// readers is a fixed pool of read connections; a View borrows one, so that
// each connection's prepared statements are reused by the Views after it.
type readers struct {
	free    chan *reader
	all     []*reader
	secrets *atomic.Pointer[auth.SecretBox]
}

func newReaders(db *sql.DB, n int, secrets *atomic.Pointer[auth.SecretBox]) (*readers, error) {
	rs := &readers{free: make(chan *reader, n), secrets: secrets}
	for i := 0; i < n; i++ {
		c, err := db.Conn(context.Background())
		if err != nil {
			rs.close()
			return nil, fmt.Errorf("sqlite: read connection: %w", err)
		}
		r := &reader{newStmtCache(c)}
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
	return fn(sqldb.NewPreparedTx(tx, dialect{}, r.prepare).WithSecrets(rs.secrets.Load()).ReadOnly())
}

func (rs *readers) close() {
	for _, r := range rs.all {
		r.close()
	}
}
