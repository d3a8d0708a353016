package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/threadline/threadline/internal/app"
	"github.com/threadline/threadline/internal/config"
	"github.com/threadline/threadline/internal/loadgen"
)

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, "Usage: threadline bench create-threads|bare-insert [flags]\n\n"+
			"  create-threads  create threads through the GraphQL API of a running server\n"+
			"  bare-insert     write the same rows straight through the store (the baseline)\n\n"+
			"Run 'threadline bench <command> --help' for its flags.\n")
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	switch args[0] {
	case "create-threads":
		return benchCreateThreads(ctx, args[1:], stdout, stderr)
	case "bare-insert":
		return benchBareInsert(ctx, args[1:], stdout, stderr)
	}
	return fmt.Errorf("%w: unknown bench command %q", errUsage, args[0])
}

// loadFlags bound a bench run.
type loadFlags struct{ cfg loadgen.Config }

func (l *loadFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&l.cfg.Concurrency, "concurrency", 8, "number of workers, each with one request in flight")
	fs.DurationVar(&l.cfg.Duration, "duration", 10*time.Second, "stop starting requests after this long (0: no time limit)")
	fs.IntVar(&l.cfg.Requests, "requests", 0, "stop after this many requests in total (0: no limit); the first limit reached ends the run")
}

func (l *loadFlags) validate() error {
	if l.cfg.Concurrency < 1 || l.cfg.Concurrency > 1024 {
		return fmt.Errorf("%w: --concurrency must be between 1 and 1024", errUsage)
	}
	if l.cfg.Duration < 0 || l.cfg.Requests < 0 || (l.cfg.Duration == 0 && l.cfg.Requests == 0) {
		return fmt.Errorf("%w: give a positive --duration or --requests", errUsage)
	}
	return nil
}

// report prints the run's summary to stdout, up to five failures to
// stderr, and fails when any request failed.
func report(res loadgen.Result, stdout, stderr io.Writer) error {
	if err := res.Write(stdout, "threads/s"); err != nil {
		return err
	}
	for _, e := range res.FirstErrors {
		fmt.Fprintln(stderr, "request failed:", e)
	}
	if res.Errors > 0 {
		return fmt.Errorf("%d of %d requests failed", res.Errors, res.Errors+res.OK)
	}
	return nil
}

func benchCreateThreads(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var l loadFlags
	var endpoint, key string
	fs := newFlagSet("bench create-threads",
		"bench create-threads --url URL --key plainApiKey_… [--concurrency N] [--duration D] [--requests M]", stderr)
	fs.StringVar(&endpoint, "url", "http://127.0.0.1:8080/graphql/v1", "the GraphQL endpoint of the server to load; nothing else is contacted")
	fs.StringVar(&key, "key", "", "API key (permissions: all, or customer:create,customer:edit,labelType:create,threadFieldSchema:create,thread:create,thread:read and the reads of the response)")
	l.register(fs)
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	if err := requireFlags(fs, "url", "key"); err != nil {
		return err
	}
	if err := l.validate(); err != nil {
		return err
	}
	if u, err := url.Parse(endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%w: --url must be an http:// or https:// URL, such as http://127.0.0.1:8080/graphql/v1", errUsage)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = l.cfg.Concurrency // keep one connection per worker
	client := &loadgen.APIClient{HTTP: &http.Client{Transport: tr, Timeout: 30 * time.Second}, URL: endpoint, Key: key}
	defer tr.CloseIdleConnections()
	s, err := loadgen.NewCreateThreads(ctx, client)
	if err != nil {
		return fmt.Errorf("set-up: %w", err)
	}
	fmt.Fprintf(stdout, "bench create-threads %s (customer %s, label type %s, field %s)\n",
		endpoint, s.CustomerID, s.LabelTypeID, s.FieldKey)
	res, err := loadgen.Run(ctx, l.cfg, s.Do)
	if err != nil {
		return err
	}
	return report(res, stdout, stderr)
}

func benchBareInsert(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var l loadFlags
	cfg := config.Defaults()
	cfg.DatabaseURL = "" // no default: this writes benchmark rows
	fs := newFlagSet("bench bare-insert",
		"bench bare-insert --database URL [--concurrency N] [--duration D] [--requests M]", stderr)
	config.DatabaseFlag(fs, &cfg.DatabaseURL)
	fs.StringVar(&cfg.SQLiteSynchronous, "sqlite-synchronous", cfg.SQLiteSynchronous, "SQLite PRAGMA synchronous: FULL or NORMAL, as for serve")
	fs.IntVar(&cfg.PostgresMaxConns, "postgres-max-conns", cfg.PostgresMaxConns, "PostgreSQL connection pool size, as for serve")
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
	b, err := loadgen.NewBareInsert(ctx, st)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "bench bare-insert %s (workspace %s)\n", st.Backend(), b.WorkspaceID())
	res, err := loadgen.Run(ctx, l.cfg, b.Do)
	if err != nil {
		return err
	}
	return report(res, stdout, stderr)
}
