package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/threadline/threadline/internal/app"
	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/config"
	"github.com/threadline/threadline/internal/service"
)

// startServer serves a fresh SQLite database on a free loopback port until
// the test ends and returns the GraphQL URL and a key with every permission.
func startServer(t *testing.T) (endpoint, key string) {
	t.Helper()
	return startServerOn(t, "sqlite://"+filepath.Join(t.TempDir(), "bench.db"))
}

// startServerOn is startServer on the database at dbURL.
func startServerOn(t *testing.T, dbURL string) (endpoint, key string) {
	t.Helper()
	cfg := config.Defaults()
	cfg.Addr = "127.0.0.1:0"
	cfg.DatabaseURL = dbURL
	// A load generator may send more than a minute's worth of the default
	// rate limit in a second on a fast machine: measure, do not throttle.
	cfg.RateLimit = 0
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, func(s string) { addr <- s }) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		a.Close()
	})
	var url string
	select {
	case url = <-addr:
	case err := <-done:
		t.Fatalf("serve: %v", err)
	}
	ws, err := a.Svc.DefaultWorkspaceID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	k, err := a.Svc.CreateAPIKey(service.System(ctx, ws), "bench", []auth.Permission{auth.All}, "")
	if err != nil {
		t.Fatal(err)
	}
	return "http://" + url + "/graphql/v1", k.Secret
}

// summaryRe matches the figures every bench command prints.
var summaryRe = regexp.MustCompile(`(?m)^concurrency (\d+)\nok +(\d+)\nerrors +(\d+)\nelapsed +\S+\nthreads/s +\d+\.\d\n` +
	`p50 +\d+\.\d{3}ms\np90 +\d+\.\d{3}ms\np99 +\d+\.\d{3}ms\nmax +\d+\.\d{3}ms\n$`)

func checkSummary(t *testing.T, out string, concurrency int) (ok int) {
	t.Helper()
	m := summaryRe.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("output does not end with the summary block:\n%s", out)
	}
	if m[1] != strconv.Itoa(concurrency) || m[3] != "0" {
		t.Fatalf("concurrency %s, errors %s:\n%s", m[1], m[3], out)
	}
	ok, _ = strconv.Atoi(m[2])
	if ok == 0 {
		t.Fatalf("no successful request:\n%s", out)
	}
	return ok
}

func TestBenchCreateThreads(t *testing.T) {
	endpoint, key := startServer(t)
	out, err := runCLI(t, "bench", "create-threads", "--url", endpoint, "--key", key, "--concurrency", "4", "--duration", "1s")
	if err != nil {
		t.Fatalf("bench create-threads: %v\n%s", err, out)
	}
	if !regexp.MustCompile(`^bench create-threads http://127\.0\.0\.1:\d+/graphql/v1 \(customer c_\w+, label type lt_\w+, field bench_\w+\)\n`).MatchString(out) {
		t.Fatalf("header line:\n%s", out)
	}
	checkSummary(t, out, 4)

	// --requests bounds the run; flags also come from THREADLINE_<FLAG>.
	t.Setenv("THREADLINE_KEY", key)
	t.Setenv("THREADLINE_URL", endpoint)
	out, err = runCLI(t, "bench", "create-threads", "--concurrency", "3", "--requests", "10", "--duration", "0")
	if err != nil {
		t.Fatalf("bench create-threads --requests: %v\n%s", err, out)
	}
	if ok := checkSummary(t, out, 3); ok != 10 {
		t.Fatalf("%d requests, want 10:\n%s", ok, out)
	}
}

func TestBenchCreateThreadsFails(t *testing.T) {
	endpoint, _ := startServer(t)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--url", endpoint, "--key", auth.NewKey(), "--requests", "1"}, "UNAUTHENTICATED"},
		{[]string{"--url", endpoint, "--requests", "1"}, "--key is required"},
		{[]string{"--url", "ftp://127.0.0.1/", "--key", "k", "--requests", "1"}, "--url must be"},
		{[]string{"--url", endpoint, "--key", "k", "--duration", "0"}, "--duration or --requests"},
	}
	for _, c := range cases {
		_, err := runCLI(t, append([]string{"bench", "create-threads"}, c.args...)...)
		if err == nil || !strings.Contains(err.Error(), c.want) || exitCode(err) == 0 {
			t.Errorf("%v: %v, want an error containing %q", c.args, err, c.want)
		}
	}
}

func TestBenchBareInsert(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "bare.db")
	out, err := runCLI(t, "bench", "bare-insert", "--database", db, "--concurrency", "4", "--requests", "50")
	if err != nil {
		t.Fatalf("bench bare-insert: %v\n%s", err, out)
	}
	if !regexp.MustCompile(`^bench bare-insert sqlite \(workspace w_\w+\)\n`).MatchString(out) {
		t.Fatalf("header line:\n%s", out)
	}
	if ok := checkSummary(t, out, 4); ok != 50 {
		t.Fatalf("%d requests, want 50", ok)
	}
	t.Setenv("THREADLINE_DATABASE_URL", "")
	if _, err := runCLI(t, "bench", "bare-insert", "--requests", "1"); err == nil || !strings.Contains(err.Error(), "--database is required") {
		t.Fatalf("bare-insert without --database: %v", err)
	}
}

// pageSummaryRe matches the summary block list-threads prints per page.
var pageSummaryRe = regexp.MustCompile(`concurrency (\d+)\nok +(\d+)\nerrors +(\d+)\nelapsed +\S+\npages/s +\d+\.\d\n` +
	`p50 +\d+\.\d{3}ms\np90 +\d+\.\d{3}ms\np99 +\d+\.\d{3}ms\nmax +\d+\.\d{3}ms\n`)

func TestBenchSeedAndListThreads(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "seed.db")
	out, err := runCLI(t, "bench", "seed-threads", "--database", db, "--count", "2000", "--labeled-percent", "50", "--done-percent", "40")
	if err != nil {
		t.Fatalf("bench seed-threads: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`^bench seed-threads sqlite \(workspace (w_\w+)\)\nthreads +2000\n(?s:.*)` +
		`\ntodo +(\d+) \((\d+) with (lt_\w+)\)\n(?s:.*)\nworkspace +(w_\w+)\n`).FindStringSubmatch(out)
	if m == nil || m[1] != m[5] || !wsRe.MatchString(m[1]) || !keyRe.MatchString(lastLine(out)) {
		t.Fatalf("seed-threads output:\n%s", out)
	}
	todo, _ := strconv.Atoi(m[2])
	labeled, _ := strconv.Atoi(m[3])
	// 60% not done, 4 in 5 of those TODO, half of them labeled: about 480.
	if todo < 800 || todo > 1120 || labeled < 350 || labeled > 610 {
		t.Fatalf("%d TODO threads, %d with the label:\n%s", todo, labeled, out)
	}
	labelType, key := m[4], lastLine(out)

	endpoint, _ := startServerOn(t, db)
	out, err = runCLI(t, "bench", "list-threads", "--url", endpoint, "--key", key, "--label-type-id", labelType,
		"--depth", "300", "--requests", "7")
	if err != nil {
		t.Fatalf("bench list-threads: %v\n%s", err, out)
	}
	if !strings.HasPrefix(out, "bench list-threads "+endpoint+" (label type "+labelType+`, statuses "TODO", minimal selection, 25 per page, depth 300)`+"\n# first page\n") ||
		!strings.Contains(out, "\n# deep page (after 300)\n") {
		t.Fatalf("list-threads output:\n%s", out)
	}
	blocks := pageSummaryRe.FindAllStringSubmatch(out, -1)
	if len(blocks) != 2 {
		t.Fatalf("want two summary blocks:\n%s", out)
	}
	for _, b := range blocks {
		if b[1] != "1" || b[2] != "7" || b[3] != "0" {
			t.Fatalf("concurrency %s, ok %s, errors %s:\n%s", b[1], b[2], b[3], out)
		}
	}

	// A depth beyond the list, a key of another workspace, a missing flag.
	_, otherKey := startServer(t)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--url", endpoint, "--key", key, "--label-type-id", labelType, "--depth", strconv.Itoa(labeled), "--requests", "1"},
			"no thread after row"},
		{[]string{"--url", endpoint, "--key", key, "--label-type-id", labelType, "--depth", "5000", "--requests", "1"},
			"the list has only " + strconv.Itoa(labeled) + " threads"},
		{[]string{"--url", endpoint, "--key", key, "--requests", "0"}, "--requests or --duration positive"},
		{[]string{"--url", endpoint, "--key", key, "--selection", "full", "--requests", "1"}, "--selection must be"},
		{[]string{"--url", endpoint, "--key", otherKey + "x", "--label-type-id", labelType, "--requests", "1"}, "UNAUTHENTICATED"},
	}
	for _, c := range cases {
		_, err := runCLI(t, append([]string{"bench", "list-threads"}, c.args...)...)
		if err == nil || !strings.Contains(err.Error(), c.want) || exitCode(err) == 0 {
			t.Errorf("%v: %v, want an error containing %q", c.args, err, c.want)
		}
	}
	t.Setenv("THREADLINE_DATABASE_URL", "")
	if _, err := runCLI(t, "bench", "seed-threads", "--count", "1"); err == nil || !strings.Contains(err.Error(), "--database is required") {
		t.Fatalf("seed-threads without --database: %v", err)
	}
}
