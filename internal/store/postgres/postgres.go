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
	"log/slog"
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
	db       *sql.DB // Views, migrations, SeedThreads, DB()
	write    *sql.DB // the group-commit writer's connections (writer.go)
	counts   *sql.DB // rate-limit windows (ratewindow.go) and Allocate
	writer   *writer
	secrets  atomic.Pointer[auth.SecretBox]
	onCommit sqldb.CommitObserver
	listen   *listener // subscriptions (notify.go)
}

// Options tune the backend; the zero value is the default.
type Options struct {
	// MaxConns sizes the pool of Views and other reads (default 20).
	MaxConns int
	// Writers is how many batches of Updates may be in flight at once,
	// each on a connection of its own (default 2).
	Writers int
	// MaxBatch caps how many Updates one commit carries (default 64: a
	// transaction of more savepoints overflows PostgreSQL's per-backend
	// cache of subtransactions, which slows other sessions' snapshots).
	MaxBatch int
	// Logger receives error reports (default: discard).
	Logger *slog.Logger
}

// Open connects to url (postgres://…) with a pool of maxConns, and
// migrates the database. It is OpenWith with the other options' defaults.
func Open(ctx context.Context, url string, maxConns int) (*Store, error) {
	return OpenWith(ctx, url, Options{MaxConns: maxConns})
}

// OpenWith connects to url (postgres://…), migrates the database and
// starts the group-commit writer.
func OpenWith(ctx context.Context, url string, opt Options) (*Store, error) {
	if opt.MaxConns <= 0 {
		opt.MaxConns = 20
	}
	if opt.Writers <= 0 {
		opt.Writers = 2
	}
	if opt.MaxBatch <= 0 {
		opt.MaxBatch = 64
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	db.SetMaxOpenConns(opt.MaxConns)
	db.SetMaxIdleConns(opt.MaxConns)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	write, err := sql.Open("pgx", url)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	// One connection per writer goroutine, and a few for the batches that
	// requests stalled behind a lock wait are handed to.
	write.SetMaxOpenConns(opt.Writers + 4)
	write.SetMaxIdleConns(opt.Writers)
	counts, err := openCounts(url)
	if err != nil {
		db.Close()
		write.Close()
		return nil, err
	}
	s := &Store{db: db, write: write, counts: counts, listen: newListener(url, counts)}
	s.writer = &writer{db: write, maxBatch: opt.MaxBatch, log: opt.Logger, secrets: &s.secrets, onCommit: &s.onCommit,
		deliver: func(msgs []sqldb.Message) {
			if len(msgs) > 0 {
				s.listen.send(msgs)
			}
		}}
	startWriter(s.writer, opt.Writers)
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

// Update runs fn through the group-commit writer, in a savepoint of a
// READ COMMITTED transaction shared with other Updates, and returns once
// that transaction is durably committed (or fn failed: then its writes
// are rolled back, alone). Writers that must not race (counters, upserts)
// take row locks in their SQL.
func (s *Store) Update(ctx context.Context, fn func(store.Tx) error) error {
	return s.writer.do(ctx, fn)
}

// Allocate increments a workspace counter in one statement of its own, on
// the pool whose commits do not wait for the disk, and returns the value:
// the counter row is locked only for that statement, not for the caller's
// batch, so that creates of several writers and replicas never queue on it
// for a WAL flush nor deadlock over it. Durability holds all the same: the
// increment's commit record precedes, in the WAL, that of the transaction
// that then uses the value, and flushing that one flushes it; a crash can
// only forget a value no durable row holds.
func (s *Store) Allocate(ctx context.Context, workspaceID, name string) (int64, error) {
	var v int64
	err := s.counts.QueryRowContext(ctx, `INSERT INTO counters (workspace_id, name, value) VALUES ($1, $2, 1)
		ON CONFLICT (workspace_id, name) DO UPDATE SET value = counters.value + 1
		RETURNING value`, workspaceID, name).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("postgres: allocate %s: %w", name, err)
	}
	return v, nil
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

// OnCommit implements store.Instrumented: fn hears of every group commit.
func (s *Store) OnCommit(fn func(updates int, took time.Duration)) { s.onCommit.Set(fn) }

// Pool implements store.Instrumented.
func (s *Store) Pool() store.PoolStats {
	r, w := s.db.Stats(), s.write.Stats()
	return store.PoolStats{MaxOpen: r.MaxOpenConnections + w.MaxOpenConnections, Open: r.OpenConnections + w.OpenConnections,
		InUse: r.InUse + w.InUse, Idle: r.Idle + w.Idle, WaitCount: r.WaitCount + w.WaitCount,
		WaitDuration: r.WaitDuration + w.WaitDuration}
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

// Close stops the writer after draining queued Updates, and closes the
// pools.
func (s *Store) Close() error {
	s.writer.stop()
	s.listen.close()
	return errors.Join(s.counts.Close(), s.write.Close(), s.db.Close())
}
