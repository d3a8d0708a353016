package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/threadline/threadline/internal/app"
	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/config"
	"github.com/threadline/threadline/internal/loadgen"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/thread"
)

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, "Usage: threadline bench create-threads|bare-insert|seed-threads|list-threads [flags]\n\n"+
			"  create-threads  create threads through the GraphQL API of a running server\n"+
			"  bare-insert     write the same rows straight through the store (the baseline)\n"+
			"  seed-threads    generate a workspace of many threads straight into a database\n"+
			"  list-threads    read the first and a deep page of a filtered thread list over HTTP\n\n"+
			"Run 'threadline bench <command> --help' for its flags.\n")
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	return subcommands(ctx, "bench", args, stdout, stderr, map[string]func(context.Context, []string, io.Writer, io.Writer) error{
		"create-threads": benchCreateThreads,
		"bare-insert":    benchBareInsert,
		"seed-threads":   benchSeedThreads,
		"list-threads":   benchListThreads,
	})
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

// report prints the run's summary (its rate in unit) to stdout, up to five
// failures to stderr, and fails when any request failed.
func report(res loadgen.Result, unit string, stdout, stderr io.Writer) error {
	if err := res.Write(stdout, unit); err != nil {
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
	client, closeFn, err := newAPIClient(endpoint, key, l.cfg.Concurrency)
	if err != nil {
		return err
	}
	defer closeFn()
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
	return report(res, "threads/s", stdout, stderr)
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
	return report(res, "threads/s", stdout, stderr)
}

// newAPIClient checks endpoint and returns a client keeping up to conns
// connections open, and what closes them.
func newAPIClient(endpoint, key string, conns int) (*loadgen.APIClient, func(), error) {
	if u, err := url.Parse(endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, nil, fmt.Errorf("%w: --url must be an http:// or https:// URL, such as http://127.0.0.1:8080/graphql/v1", errUsage)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = conns // keep one connection per worker
	client := &loadgen.APIClient{HTTP: &http.Client{Transport: tr, Timeout: 30 * time.Second}, URL: endpoint, Key: key}
	return client, tr.CloseIdleConnections, nil
}

// seedKeyPermissions are the permissions of the key seed-threads prints:
// enough to read the seeded threads, their customer and labels.
const seedKeyPermissions = "thread:read,customer:read,label:read,labelType:read"

func benchSeedThreads(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var a adminFlags
	var count, labeled, done int
	fs := newFlagSet("bench seed-threads",
		"bench seed-threads --database URL [--count N] [--labeled-percent P] [--done-percent P]", stderr)
	a.register(fs, false)
	a.cfg.DatabaseURL = "" // no default: this writes benchmark rows
	fs.IntVar(&count, "count", 1_000_000, "number of threads to generate")
	fs.IntVar(&labeled, "labeled-percent", 30, "percentage of the threads that carry the first label type")
	fs.IntVar(&done, "done-percent", 50, "percentage of the threads that are DONE (of the rest, 4 in 5 are TODO, 1 in 5 SNOOZED)")
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	if err := requireFlags(fs, "database"); err != nil {
		return err
	}
	if count < 1 || labeled < 0 || labeled > 100 || done < 0 || done > 100 {
		return fmt.Errorf("%w: --count must be positive, the percentages between 0 and 100", errUsage)
	}
	svc, _, closeFn, err := a.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer closeFn()
	start := time.Now()
	s, err := loadgen.SeedThreads(ctx, svc, loadgen.SeedConfig{Count: count, LabeledPercent: &labeled, DonePercent: &done,
		Progress: func(n int) {
			fmt.Fprintf(stderr, "seeded %d of %d threads (%s)\n", n, count, time.Since(start).Round(time.Second/10))
		}})
	if err != nil {
		return describe(err)
	}
	perms, err := auth.ParseList(seedKeyPermissions)
	if err != nil {
		return err
	}
	k, err := svc.CreateAPIKey(service.System(ctx, s.WorkspaceID), "bench list", perms, "")
	if err != nil {
		return describe(err)
	}
	st := func(status thread.Status) string {
		return fmt.Sprintf("%d (%d with %s)", s.ByStatus[status], s.Labeled[status], s.LabelTypeIDs[0])
	}
	fmt.Fprintf(stdout, "bench seed-threads %s (workspace %s)\n", svc.Store().Backend(), s.WorkspaceID)
	fmt.Fprintf(stdout, "%-11s %d\n%-11s %d\n%-11s %s\n%-11s %.1f\n", "threads", s.Threads, "labels", s.Labels,
		"elapsed", s.Elapsed.Round(time.Millisecond), "threads/s", float64(s.Threads)/s.Elapsed.Seconds())
	fmt.Fprintf(stdout, "%-11s %s\n%-11s %s\n%-11s %s\n", "todo", st(thread.StatusTodo),
		"snoozed", st(thread.StatusSnoozed), "done", st(thread.StatusDone))
	fmt.Fprintf(stdout, "%-11s %s\n%-11s %s\n%-11s %s\n", "workspace", s.WorkspaceID, "customer", s.CustomerID,
		"label-types", strings.Join(s.LabelTypeIDs, " "))
	fmt.Fprintf(stdout, "# API key %s (%s) of workspace %s, shown only this once:\n",
		k.Key.ID, seedKeyPermissions, s.WorkspaceID)
	_, err = fmt.Fprintln(stdout, k.Secret)
	return err
}

func benchListThreads(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var endpoint, key, labelType, statuses string
	var depth, requests, concurrency int
	fs := newFlagSet("bench list-threads",
		"bench list-threads --url URL --key plainApiKey_… --label-type-id lt_… [--status TODO] [--depth N] [--requests M]", stderr)
	fs.StringVar(&endpoint, "url", "http://127.0.0.1:8080/graphql/v1", "the GraphQL endpoint of the server to load; nothing else is contacted")
	fs.StringVar(&key, "key", "", "API key (permissions: thread:read)")
	fs.StringVar(&labelType, "label-type-id", "", "list the threads carrying this label type (lt_…)")
	fs.StringVar(&statuses, "status", "TODO", `comma-separated statuses the threads must have ("": any)`)
	fs.IntVar(&depth, "depth", 10_000, "the deep page starts after this many threads")
	fs.IntVar(&requests, "requests", 200, "requests of each page")
	fs.IntVar(&concurrency, "concurrency", 1, "number of workers, each with one request in flight")
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	if err := requireFlags(fs, "url", "key", "label-type-id"); err != nil {
		return err
	}
	if depth < 0 || requests < 1 || concurrency < 1 || concurrency > 1024 {
		return fmt.Errorf("%w: --depth must not be negative, --requests positive, --concurrency between 1 and 1024", errUsage)
	}
	client, closeFn, err := newAPIClient(endpoint, key, concurrency)
	if err != nil {
		return err
	}
	defer closeFn()
	var sts []string
	if statuses != "" {
		sts = strings.Split(statuses, ",")
	}
	l, err := loadgen.NewListThreads(ctx, client, labelType, sts, depth)
	if err != nil {
		return fmt.Errorf("set-up: %w", err)
	}
	fmt.Fprintf(stdout, "bench list-threads %s (label type %s, statuses %q, %d per page, depth %d)\n",
		endpoint, labelType, statuses, l.PageSize, depth)
	cfg := loadgen.Config{Concurrency: concurrency, Requests: requests}
	var errs []error
	for _, p := range []struct {
		name string
		op   loadgen.Op
	}{{"first page", l.First}, {fmt.Sprintf("deep page (after %d)", depth), l.Deep}} {
		res, err := loadgen.Run(ctx, cfg, p.op)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "# %s\n", p.name)
		if err := report(res, "pages/s", stdout, stderr); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p.name, err))
		}
	}
	return errors.Join(errs...)
}
