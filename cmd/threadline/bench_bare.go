package main

import (
	"context"
	"io"

	"github.com/threadline/threadline/internal/app"
	"github.com/threadline/threadline/internal/config"
	"github.com/threadline/threadline/internal/store/storebench"
)

func benchBareInsert(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var l loadFlags
	cfg := config.Defaults()
	cfg.DatabaseURL = "" // no default: this writes benchmark rows
	fs := newFlagSet("bench bare-insert",
		"bench bare-insert --database URL [--concurrency N] [--duration D] [--requests M]\n\n"+
			"Writes createThread's rows (counter, thread, label, field value, timeline entry, outbox event)\n"+
			"straight through the store, one Update per thread, with no service, GraphQL or HTTP: the floor\n"+
			"the API is measured against. --database postgres://… measures the PostgreSQL floor (same rows,\n"+
			"bare, through pgx, group commit with --postgres-writers batches in flight); sqlite://PATH the\n"+
			"SQLite one (group commit on its single writer).", stderr)
	cfg.StoreFlags(fs) // the secret key too: bare rows seal the workspace's secrets as serve does
	fs.StringVar(&cfg.SQLiteSynchronous, "sqlite-synchronous", cfg.SQLiteSynchronous, "SQLite PRAGMA synchronous: FULL or NORMAL, as for serve")
	fs.IntVar(&cfg.PostgresMaxConns, "postgres-max-conns", cfg.PostgresMaxConns, "PostgreSQL connection pool size, as for serve")
	fs.IntVar(&cfg.PostgresWriters, "postgres-writers", cfg.PostgresWriters, "PostgreSQL group-commit batches in flight at once, as for serve")
	l.register(fs)
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	if err := requireFlags(fs, "database"); err != nil {
		return err
	}
	if err := l.validate(); err != nil {
		return err
	}
	if _, err := config.ParseDatabaseURL(cfg.DatabaseURL); err != nil {
		return err
	}
	st, err := app.OpenStore(ctx, cfg, app.NewLogger(stderr, "warn", "text"))
	if err != nil {
		return err
	}
	defer st.Close()
	b, err := storebench.NewBareCreate(ctx, st)
	if err != nil {
		return err
	}
	l.out.header(stdout, stderr, "bench bare-insert %s (workspace %s)\n", st.Backend(), b.WorkspaceID())
	res, err := l.out.run(ctx, l.cfg, b.Do, stderr)
	if err != nil {
		return err
	}
	return l.out.report(res, "", "threads/s", stdout, stderr)
}
