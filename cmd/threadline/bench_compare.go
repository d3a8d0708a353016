package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/threadline/threadline/internal/app"
	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/bench"
	"github.com/threadline/threadline/internal/config"
)

// `threadline bench compare` measures issue 14's table in one run: each
// server under test and each load client is a process of its own (the
// client is always this binary, re-executed), the floors are bare-insert
// processes, and with --baseline-bin every server scenario runs against an
// older build too, interleaved with this one rep by rep.

// compareConfig is what the flags of bench compare ask for.
type compareConfig struct {
	Bin         string        `json:"bin"`
	Baseline    string        `json:"baseline_bin,omitempty"`
	Postgres    bool          `json:"postgres"`
	Duration    time.Duration `json:"duration_ns"`
	Warmup      time.Duration `json:"warmup_ns"`
	Reps        int           `json:"reps"`
	Clients     int           `json:"clients"`
	ListThreads int           `json:"list_threads"`
	Only        []string      `json:"only,omitempty"`
	ProfileDir  string        `json:"profile_dir,omitempty"`

	pgURL string // not reported: it may hold a password
	json  bool
}

// scenario is one row of the table.
type scenario struct {
	Name    string `json:"name"` // e.g. create-sqlite-64
	Kind    string `json:"kind"` // create, floor or list
	Backend string `json:"backend"`
	Clients int    `json:"clients"`
}

// onServer reports whether the scenario loads a server (and so runs
// against the baseline too); floors write straight into a database.
func (s scenario) onServer() bool { return s.Kind != "floor" }

// The targets a server scenario runs against.
const (
	targetCurrent  = "current"
	targetBaseline = "baseline"
)

// plan lists the scenarios to run, in order, and notes on those left out.
func plan(cfg compareConfig) ([]scenario, []string) {
	var all []scenario
	add := func(kind, backend string, clients ...int) {
		seen := map[int]bool{}
		for _, c := range clients {
			if !seen[c] {
				seen[c] = true
				all = append(all, scenario{Name: fmt.Sprintf("%s-%s-%d", kind, backend, c), Kind: kind, Backend: backend, Clients: c})
			}
		}
	}
	n := cfg.Clients
	add("floor", "sqlite", n)
	add("create", "sqlite", n, 1)
	add("floor", "postgres", n)
	add("create", "postgres", n, 1)
	add("list", "sqlite", n, 1)
	var out []scenario
	var notes []string
	skippedPG := false
	for _, s := range all {
		if !selected(cfg.Only, s.Name) {
			continue
		}
		if s.Backend == "postgres" && !cfg.Postgres {
			skippedPG = true
			continue
		}
		out = append(out, s)
	}
	if skippedPG {
		notes = append(notes, "PostgreSQL scenarios skipped: no --postgres URL given")
	}
	return out, notes
}

// selected reports whether name is among only (all when only is empty): an
// entry selects the scenario of that name and those it is a prefix of at a
// dash ("create" selects create-sqlite-64 and create-postgres-1).
func selected(only []string, name string) bool {
	if len(only) == 0 {
		return true
	}
	for _, o := range only {
		if name == o || strings.HasPrefix(name, o+"-") {
			return true
		}
	}
	return false
}

// measurement is one run of a scenario against a target.
type measurement struct {
	Scenario string         `json:"scenario"`
	Target   string         `json:"target"`
	Rep      int            `json:"rep"`
	Summary  *bench.Summary `json:"summary,omitempty"`
	Error    string         `json:"error,omitempty"`
	Profiles []string       `json:"profiles,omitempty"`
}

// comparer runs one compare.
type comparer struct {
	cfg    compareConfig
	p      *procs
	tmp    string
	stderr io.Writer
	// lists are the seeded databases of the list scenarios, per target.
	lists map[string]listDB
}

// listDB is a seeded database ready for one target's server.
type listDB struct{ url, key string }

func benchCompare(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseCompareFlags(args, stderr)
	if err != nil {
		return err
	}
	scens, notes := plan(cfg)
	if len(scens) == 0 {
		return fmt.Errorf("%w: --only %s selects no scenario", errUsage, strings.Join(cfg.Only, ","))
	}
	tmp, err := os.MkdirTemp("", "threadline-compare-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	c := &comparer{cfg: cfg, tmp: tmp, stderr: stderr, lists: map[string]listDB{},
		p: &procs{env: append(os.Environ(), "THREADLINE_SECRET_KEY="+auth.EncodeSecretKey(auth.NewSecretKey())), stderr: stderr}}
	if cfg.ProfileDir != "" {
		if err := os.MkdirAll(cfg.ProfileDir, 0o755); err != nil {
			return err
		}
	}
	rep := &compareReport{Config: cfg, Scenarios: scens, Notes: notes}
	rep.Versions = map[string]string{targetCurrent: c.version(ctx, cfg.Bin)}
	if cfg.Baseline != "" {
		rep.Versions[targetBaseline] = c.version(ctx, cfg.Baseline)
	}
	runErr := c.runAll(ctx, scens, rep)
	rep.compute()
	if cfg.json {
		err = rep.writeJSON(stdout)
	} else {
		err = rep.writeText(stdout)
	}
	return errors.Join(runErr, err)
}

func parseCompareFlags(args []string, stderr io.Writer) (compareConfig, error) {
	var cfg compareConfig
	var only string
	fs := newFlagSet("bench compare",
		"bench compare [--baseline-bin PATH] [--postgres URL] [--duration D] [--warmup D] [--reps N] [--clients N] [--list-threads N] [--only LIST] [--profile-dir DIR] [--json]", stderr)
	fs.StringVar(&cfg.Bin, "bin", "", "the threadline binary under test (default: this one); it also runs every load client")
	fs.StringVar(&cfg.Baseline, "baseline-bin", "", "a threadline binary of an older commit: every server scenario runs against it too, interleaved")
	fs.StringVar(&cfg.pgURL, "postgres", "", "PostgreSQL URL of a role that may CREATE DATABASE; each run gets a fresh bench_cmp_* database, dropped after (none: PostgreSQL scenarios skipped)")
	fs.DurationVar(&cfg.Duration, "duration", 10*time.Second, "measured time of each run")
	fs.DurationVar(&cfg.Warmup, "warmup", 2*time.Second, "unmeasured load before each measured run, after the client's set-up")
	fs.IntVar(&cfg.Reps, "reps", 3, "runs of each scenario and target; the table shows their medians")
	fs.IntVar(&cfg.Clients, "clients", 64, "concurrent clients of the loaded scenarios (each also runs at 1 client)")
	fs.IntVar(&cfg.ListThreads, "list-threads", 100_000, "threads seeded into the list scenarios' SQLite database (issue 14 quotes 1000000)")
	fs.StringVar(&only, "only", "", "comma-separated scenarios to run, by name or prefix: floor, create, list, create-sqlite, list-sqlite-1 … (default: all)")
	fs.StringVar(&cfg.ProfileDir, "profile-dir", "", "save each server run's CPU and allocation profiles here, named by scenario, target and rep")
	fs.BoolVar(&cfg.json, "json", false, "print the report as JSON (progress still goes to stderr)")
	if err := config.Parse(fs, args); err != nil {
		return cfg, err
	}
	if cfg.Duration <= 0 || cfg.Warmup < 0 || cfg.Reps < 1 || cfg.Clients < 1 || cfg.Clients > 1024 || cfg.ListThreads < 1 {
		return cfg, fmt.Errorf("%w: --duration must be positive, --warmup not negative, --reps and --list-threads at least 1, --clients between 1 and 1024", errUsage)
	}
	if only != "" {
		cfg.Only = strings.Split(only, ",")
	}
	cfg.Postgres = cfg.pgURL != ""
	if cfg.Postgres {
		if db, err := config.ParseDatabaseURL(cfg.pgURL); err != nil || db.Backend != "postgres" {
			return cfg, fmt.Errorf("%w: --postgres must be a postgres:// URL", errUsage)
		}
	}
	var err error
	if cfg.Bin == "" {
		if cfg.Bin, err = os.Executable(); err != nil {
			return cfg, fmt.Errorf("finding this binary (give --bin): %w", err)
		}
	}
	for _, b := range []*string{&cfg.Bin, &cfg.Baseline} {
		if *b == "" {
			continue
		}
		if *b, err = filepath.Abs(*b); err != nil {
			return cfg, err
		}
		if st, err := os.Stat(*b); err != nil || st.IsDir() {
			return cfg, fmt.Errorf("%w: %s is not a binary (%v)", errUsage, *b, err)
		}
	}
	return cfg, nil
}

// version is what bin version prints, or why it printed nothing.
func (c *comparer) version(ctx context.Context, bin string) string {
	out, err := c.p.run(ctx, bin, "version")
	if err != nil {
		return "unknown (" + strings.SplitN(err.Error(), "\n", 2)[0] + ")"
	}
	return strings.TrimSpace(out)
}

// logf prints progress to stderr.
func (c *comparer) logf(format string, args ...any) {
	fmt.Fprintf(c.stderr, "compare: "+format+"\n", args...)
}

// runAll runs every scenario reps times, the targets of a server scenario
// one after the other (current, baseline, current, baseline …). A failed
// run is recorded and the others go on; it stops when ctx ends.
func (c *comparer) runAll(ctx context.Context, scens []scenario, rep *compareReport) error {
	targets := []string{targetCurrent}
	if c.cfg.Baseline != "" {
		targets = append(targets, targetBaseline)
	}
	for _, s := range scens {
		if s.Kind == "list" {
			if err := c.prepareLists(ctx, targets); err != nil {
				return fmt.Errorf("list set-up: %w", err)
			}
			break
		}
	}
	var failed int
	for r := 1; r <= c.cfg.Reps; r++ {
		for _, s := range scens {
			ts := targets
			if !s.onServer() {
				ts = targets[:1]
			}
			for _, t := range ts {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				m := c.runOne(ctx, s, t, r)
				if m.Error != "" {
					failed++
					c.logf("rep %d/%d %s %s: FAILED: %s", r, c.cfg.Reps, s.Name, t, m.Error)
				} else {
					c.logf("rep %d/%d %s %s: %.1f %s, p50 %.2fms, p99 %.2fms, %d errors", r, c.cfg.Reps, s.Name, t,
						m.Summary.Throughput, m.Summary.Unit, m.Summary.P50MS, m.Summary.P99MS, m.Summary.Errors)
				}
				rep.Runs = append(rep.Runs, m)
			}
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if failed > 0 {
		return fmt.Errorf("%d runs failed (see the report's notes)", failed)
	}
	return nil
}

// runOne runs scenario s against target t once.
func (c *comparer) runOne(ctx context.Context, s scenario, t string, r int) measurement {
	m := measurement{Scenario: s.Name, Target: t, Rep: r}
	var sums []bench.Summary
	var err error
	if s.onServer() {
		sums, m.Profiles, err = c.runServer(ctx, s, t, r)
	} else {
		sums, err = c.runFloor(ctx, s, r)
	}
	switch {
	case err != nil:
		m.Error = err.Error()
	case len(sums) != 1:
		m.Error = fmt.Sprintf("the load client printed %d summaries, want 1", len(sums))
	default:
		m.Summary = &sums[0]
	}
	return m
}

// bin is the binary of target t.
func (c *comparer) bin(t string) string {
	if t == targetBaseline {
		return c.cfg.Baseline
	}
	return c.cfg.Bin
}

// loadArgs are the flags every load client gets.
func (c *comparer) loadArgs(clients int) []string {
	return []string{"--concurrency", strconv.Itoa(clients), "--duration", c.cfg.Duration.String(),
		"--warmup", c.cfg.Warmup.String(), "--json"}
}

// runFloor runs bare-insert of the current binary into a fresh database.
func (c *comparer) runFloor(ctx context.Context, s scenario, r int) ([]bench.Summary, error) {
	dbURL, cleanup, err := c.freshDatabase(ctx, s.Backend, fmt.Sprintf("%s-rep%d", s.Name, r))
	if err != nil {
		return nil, err
	}
	defer cleanup()
	args := append([]string{"bench", "bare-insert", "--database", dbURL}, c.loadArgs(s.Clients)...)
	return c.p.runClient(ctx, c.cfg.Bin, args, nil)
}

// runServer starts target t's server on the scenario's database, loads it
// with a client of the current binary and, with --profile-dir, saves the
// server's profiles of the measured run.
func (c *comparer) runServer(ctx context.Context, s scenario, t string, r int) ([]bench.Summary, []string, error) {
	bin := c.bin(t)
	var dbURL, key string
	if s.Kind == "list" {
		l := c.lists[t]
		dbURL, key = l.url, l.key
	} else {
		u, cleanup, err := c.freshDatabase(ctx, s.Backend, fmt.Sprintf("%s-%s-rep%d", s.Name, t, r))
		if err != nil {
			return nil, nil, err
		}
		defer cleanup()
		if key, err = c.newWorkspaceKey(ctx, bin, u, ""); err != nil {
			return nil, nil, err
		}
		dbURL = u
	}
	srv, err := c.p.startServer(ctx, bin, dbURL, 5*time.Minute)
	if err != nil {
		return nil, nil, err
	}
	defer srv.stop()
	var args []string
	switch s.Kind {
	case "create":
		args = []string{"bench", "create-threads", "--url", srv.url(), "--key", key}
	case "list":
		args = []string{"bench", "list-threads", "--url", srv.url(), "--key", key, "--selection", "sdk",
			"--pages", "first", "--status", "", "--requests", "0"}
	}
	args = append(args, c.loadArgs(s.Clients)...)
	var wg sync.WaitGroup
	var profiles []string
	var profErr error
	measuring := func() {
		if c.cfg.ProfileDir == "" {
			return
		}
		base := filepath.Join(c.cfg.ProfileDir, fmt.Sprintf("%s.%s.rep%d", s.Name, t, r))
		profiles = []string{base + ".cpu.pprof", base + ".allocs.pprof"}
		secs := max(1, int(c.cfg.Duration/time.Second))
		wg.Add(1)
		go func() {
			defer wg.Done()
			profErr = srv.fetchProfiles(ctx, base, secs)
		}()
	}
	sums, err := c.p.runClient(ctx, c.cfg.Bin, args, measuring)
	wg.Wait()
	if err == nil && profErr != nil {
		err = fmt.Errorf("profiles: %w", profErr)
	}
	return sums, profiles, err
}

// freshDatabase returns the URL of a new, empty database of backend and
// what removes it.
func (c *comparer) freshDatabase(ctx context.Context, backend, name string) (string, func(), error) {
	if backend == "postgres" {
		u, drop, err := app.ScratchPostgres(ctx, c.cfg.pgURL, "bench_cmp")
		if err != nil {
			return "", nil, err
		}
		return u, func() {
			dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := drop(dctx); err != nil {
				c.logf("%v", err)
			}
		}, nil
	}
	dir := filepath.Join(c.tmp, name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", nil, err
	}
	return "sqlite://" + filepath.Join(dir, "threadline.db"), func() { os.RemoveAll(dir) }, nil
}

// newWorkspaceKey creates, through bin's CLI, a workspace on dbURL (unless
// ws names one) and an API key with every permission in it, and returns
// the key.
func (c *comparer) newWorkspaceKey(ctx context.Context, bin, dbURL, ws string) (string, error) {
	if ws == "" {
		out, err := c.p.run(ctx, bin, "workspace", "create", "--database", dbURL, "--name", "Bench compare")
		if err != nil {
			return "", err
		}
		ws = strings.TrimSpace(out)
	}
	out, err := c.p.run(ctx, bin, "apikey", "create", "--database", dbURL, "--workspace", ws,
		"--name", "bench compare", "--permissions", "all")
	if err != nil {
		return "", err
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return strings.TrimSpace(lines[len(lines)-1]), nil
}

var seededWorkspaceRe = regexp.MustCompile(`(?m)^workspace +(w_\w+)$`)

// prepareLists seeds one SQLite database of --list-threads threads and
// gives each target its own copy with a key. The baseline binary seeds it
// when it can (it has bench seed-threads): a database made by the older
// schema is migrated forward by the current binary as an upgrade would,
// while the older binary would refuse one of a newer schema.
func (c *comparer) prepareLists(ctx context.Context, targets []string) error {
	seeder := c.cfg.Bin
	if c.cfg.Baseline != "" {
		if _, err := c.p.run(ctx, c.cfg.Baseline, "bench", "seed-threads", "--help"); err == nil ||
			strings.Contains(err.Error(), "Usage: threadline bench seed-threads") {
			seeder = c.cfg.Baseline
		} else {
			c.logf("the baseline binary has no bench seed-threads; seeding with the current one")
		}
	}
	dir := filepath.Join(c.tmp, "list-seed")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	start := time.Now()
	c.logf("seeding %d threads into SQLite with %s", c.cfg.ListThreads, seeder)
	out, err := c.p.run(ctx, seeder, "bench", "seed-threads", "--database", "sqlite://"+filepath.Join(dir, "threadline.db"),
		"--count", strconv.Itoa(c.cfg.ListThreads))
	if err != nil {
		return err
	}
	m := seededWorkspaceRe.FindStringSubmatch(out)
	if m == nil {
		return fmt.Errorf("seed-threads printed no workspace:\n%s", tail(out, 2000))
	}
	c.logf("seeded in %s", time.Since(start).Round(100*time.Millisecond))
	for _, t := range targets {
		tdir := filepath.Join(c.tmp, "list-"+t)
		if err := os.MkdirAll(tdir, 0o700); err != nil {
			return err
		}
		if err := copyFiles(filepath.Join(dir, "threadline.db*"), tdir); err != nil {
			return err
		}
		u := "sqlite://" + filepath.Join(tdir, "threadline.db")
		key, err := c.newWorkspaceKey(ctx, c.bin(t), u, m[1])
		if err != nil {
			return err
		}
		c.lists[t] = listDB{url: u, key: key}
	}
	return os.RemoveAll(dir)
}
