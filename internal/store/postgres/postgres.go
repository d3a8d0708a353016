// Package postgres is Threadline's storage backend for several server
// replicas sharing one PostgreSQL database, through pgx.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/store/sqldb"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migrationLock is the advisory lock key held while migrating, so that
// replicas starting together migrate once.
const migrationLock = 7_346_127_001

type dialect struct{}

func (dialect) Name() string { return "postgres" }

func (dialect) UniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// Store is the PostgreSQL store.
type Store struct {
	db       *sql.DB
	counts   *sql.DB // rate-limit windows (ratewindow.go)
	secrets  atomic.Pointer[auth.SecretBox]
	onCommit atomic.Pointer[func(int, time.Duration)]
	listen   *listener // subscriptions (notify.go)
}

// Open connects to url (postgres://…), and migrates the database.
func Open(ctx context.Context, url string, maxConns int) (*Store, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if maxConns <= 0 {
		maxConns = 20
	}
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	counts, err := openCounts(url)
	if err != nil {
		db.Close()
		return nil, err
	}
	s := &Store{db: db, counts: counts, listen: newListener(url, counts)}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) migrate(ctx context.Context) error {
	sub, err := fs.Sub(migrationFS, "migrations")
	if err != nil {
		return err
	}
	ms, err := sqldb.LoadMigrations(sub)
	if err != nil {
		return err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
		return fmt.Errorf("postgres: migration lock: %w", err)
	}
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, migrationLock) //nolint:errcheck
	return sqldb.Migrate(ctx, conn, dialect{}, ms)
}

// Backend returns "postgres".
func (s *Store) Backend() string { return "postgres" }

// View runs fn in a read-only REPEATABLE READ transaction (one snapshot).
func (s *Store) View(ctx context.Context, fn func(store.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return fmt.Errorf("postgres: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	return fn(sqldb.NewTx(tx, dialect{}).WithSecrets(s.secrets.Load()).ReadOnly())
}

// Update runs fn in a READ COMMITTED transaction and commits it. Writers
// that must not race (counters, upserts) take row locks in their SQL.
func (s *Store) Update(ctx context.Context, fn func(store.Tx) error) (err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("postgres: begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	st := sqldb.NewTx(tx, dialect{}).WithSecrets(s.secrets.Load())
	if err = fn(st); err != nil {
		return err
	}
	start := time.Now()
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("postgres: commit: %w", err)
	}
	if fn := s.onCommit.Load(); fn != nil {
		(*fn)(1, time.Since(start))
	}
	if msgs := st.Pending(); len(msgs) > 0 {
		s.listen.send(msgs)
	}
	return nil
}

// Allocate increments a workspace counter in a transaction of its own and
// returns the value: the counter row is locked only for that short
// transaction, not for the caller's.
func (s *Store) Allocate(ctx context.Context, workspaceID, name string) (int64, error) {
	var v int64
	err := s.Update(ctx, func(tx store.Tx) (err error) {
		v, err = tx.NextCounter(ctx, workspaceID, name)
		return err
	})
	return v, err
}

// DB exposes the pool to tests of the storage layer.
func (s *Store) DB() *sql.DB { return s.db }

var _ store.BulkSeeder = (*Store)(nil)

// SeedThreads implements store.BulkSeeder on a connection of the pool, in
// one transaction.
func (s *Store) SeedThreads(ctx context.Context, workspaceID string, n int, gen func(ref int64) store.SeedThread) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("postgres: seed: %w", err)
	}
	defer conn.Close()
	return sqldb.SeedThreads(ctx, conn, dialect{}, workspaceID, n, gen)
}

var _ store.Instrumented = (*Store)(nil)

// OnCommit implements store.Instrumented: every Update commits alone.
func (s *Store) OnCommit(fn func(updates int, took time.Duration)) { s.onCommit.Store(&fn) }

// Pool implements store.Instrumented.
func (s *Store) Pool() store.PoolStats {
	p := s.db.Stats()
	return store.PoolStats{MaxOpen: p.MaxOpenConnections, Open: p.OpenConnections, InUse: p.InUse, Idle: p.Idle,
		WaitCount: p.WaitCount, WaitDuration: p.WaitDuration}
}

var _ store.SecretKeeper = (*Store)(nil)

// UseSecrets implements store.SecretKeeper.
func (s *Store) UseSecrets(ctx context.Context, box *auth.SecretBox) error {
	err := s.Update(ctx, func(tx store.Tx) error { return sqldb.UseSecrets(ctx, tx.(*sqldb.Tx), box) })
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	s.secrets.Store(box)
	return nil
}

// Close closes the pools.
func (s *Store) Close() error {
	s.listen.close()
	return errors.Join(s.counts.Close(), s.db.Close())
}
