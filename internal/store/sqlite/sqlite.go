// Package sqlite is Threadline's embedded storage backend: one database file
// in WAL mode, a pool of readers, and one writer goroutine that commits the
// waiting Updates together (group commit), a savepoint per Update.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/store/sqldb"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

type dialect struct{}

func (dialect) Name() string { return "sqlite" }

func (dialect) UniqueViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code()
		return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// Options tune the backend; the zero value is the durable default.
type Options struct {
	// Synchronous is the PRAGMA synchronous level: "FULL" (default; every
	// acknowledged commit survives power loss) or "NORMAL".
	Synchronous string
	// MaxBatch caps how many Updates one commit carries (default 256).
	MaxBatch int
	// Logger receives slow-batch and error reports (default: discard).
	Logger *slog.Logger
}

// Store is the SQLite store.
type Store struct {
	path    string
	read    *sql.DB
	readers *readers
	write   *sql.DB
	writer  *writer
	secrets atomic.Pointer[auth.SecretBox] // shared with readers and writer
	hub     *sqldb.Hub                     // subscribers of this process
}

// dsn builds a modernc.org/sqlite DSN with the pragmas every connection needs.
func dsn(path string, sync string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous("+sync+")")
	// Savepoint journals of a batch stay in memory instead of spilling to
	// temporary files.
	q.Add("_pragma", "temp_store(MEMORY)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the database at path and migrates it.
func Open(ctx context.Context, path string, opt Options) (*Store, error) {
	if opt.Synchronous == "" {
		opt.Synchronous = "FULL"
	}
	sync := strings.ToUpper(opt.Synchronous)
	if sync != "FULL" && sync != "NORMAL" && sync != "EXTRA" {
		return nil, fmt.Errorf("sqlite: synchronous must be FULL, NORMAL or EXTRA, not %q", opt.Synchronous)
	}
	if opt.MaxBatch <= 0 {
		opt.MaxBatch = 256
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("sqlite: %w", err)
		}
	}
	write, err := sql.Open("sqlite", dsn(path, sync, false))
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	// The writer holds one connection for its whole life; a second serves
	// migrations, SeedThreads and DB() (tests), which SQLite's own locking
	// serialises with the writer.
	write.SetMaxOpenConns(2)
	write.SetMaxIdleConns(2)
	write.SetConnMaxLifetime(0)
	s := &Store{path: path, write: write}
	if err := s.migrate(ctx); err != nil {
		write.Close()
		return nil, err
	}
	read, err := sql.Open("sqlite", dsn(path, sync, true))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	n := max(4, runtime.NumCPU()*2)
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	s.read = read
	if s.readers, err = newReaders(read, n, &s.secrets); err != nil {
		read.Close()
		write.Close()
		return nil, err
	}
	s.hub = sqldb.NewHub()
	if s.writer, err = startWriter(write, opt.MaxBatch, opt.Logger, &s.secrets, s.hub); err != nil {
		read.Close()
		write.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) migrate(ctx context.Context) error {
	ms, err := sqldb.LoadMigrations(mustSub(migrationFS, "migrations"))
	if err != nil {
		return err
	}
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	defer conn.Close()
	return sqldb.Migrate(ctx, conn, dialect{}, ms)
}

// Backend returns "sqlite".
func (s *Store) Backend() string { return "sqlite" }

// View runs fn in a read-only transaction on a consistent snapshot.
func (s *Store) View(ctx context.Context, fn func(store.Tx) error) error {
	return s.readers.view(ctx, fn)
}

// Update runs fn through the group-commit writer and returns once its
// batch is durably committed (or fn failed).
func (s *Store) Update(ctx context.Context, fn func(store.Tx) error) error {
	return s.writer.do(ctx, fn)
}

var _ store.Broadcaster = (*Store)(nil)

// Subscribe implements store.Broadcaster: one process owns a SQLite file,
// so messages go to its own subscribers.
func (s *Store) Subscribe(ctx context.Context, topic string) (<-chan string, error) {
	return s.hub.Subscribe(ctx, topic), nil
}

var _ store.Instrumented = (*Store)(nil)

// OnCommit implements store.Instrumented: fn hears of every group commit.
func (s *Store) OnCommit(fn func(updates int, took time.Duration)) { s.writer.onCommit.Set(fn) }

// Pool implements store.Instrumented: the readers' pool and the writer's.
func (s *Store) Pool() store.PoolStats {
	r, w := s.read.Stats(), s.write.Stats()
	return store.PoolStats{MaxOpen: r.MaxOpenConnections + w.MaxOpenConnections, Open: r.OpenConnections + w.OpenConnections,
		InUse: r.InUse + w.InUse, Idle: r.Idle + w.Idle, WaitCount: r.WaitCount + w.WaitCount,
		WaitDuration: r.WaitDuration + w.WaitDuration}
}

var _ store.SecretKeeper = (*Store)(nil)

// UseSecrets implements store.SecretKeeper.
func (s *Store) UseSecrets(ctx context.Context, box *auth.SecretBox) error {
	err := s.Update(ctx, func(tx store.Tx) error { return sqldb.UseSecrets(ctx, tx.(*sqldb.Tx), box) })
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	s.secrets.Store(box)
	return nil
}

// Close stops the writer after draining queued Updates and closes the database.
func (s *Store) Close() error {
	s.writer.stop()
	s.readers.close()
	err1 := s.read.Close()
	// Checkpoint so that the file is complete on its own.
	_, _ = s.write.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	err2 := s.write.Close()
	return errors.Join(err1, err2)
}

// DB exposes the writer pool to tests of the storage layer (e.g. to read a
// table directly). Writing through it bypasses the group commit.
func (s *Store) DB() *sql.DB { return s.write }

var _ store.BulkSeeder = (*Store)(nil)

// seedCacheKiB is the page cache of the seeding connection (256 MiB).
const seedCacheKiB = 262144

// SeedThreads implements store.BulkSeeder beside the group-commit writer:
// on the second write connection, its page cache enlarged for the bulk load
// and restored afterwards, in one transaction that SQLite's locking
// serialises with the writer's.
func (s *Store) SeedThreads(ctx context.Context, workspaceID string, n int, gen func(ref int64) store.SeedThread) error {
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: seed: %w", err)
	}
	defer conn.Close()
	var old int64
	if err := conn.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&old); err != nil {
		return fmt.Errorf("sqlite: seed: %w", err)
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = -%d`, seedCacheKiB)); err != nil {
		return fmt.Errorf("sqlite: seed: %w", err)
	}
	defer conn.ExecContext(context.Background(), fmt.Sprintf(`PRAGMA cache_size = %d`, old)) //nolint:errcheck // best effort
	return sqldb.SeedThreads(ctx, conn, dialect{}, workspaceID, n, gen)
}
