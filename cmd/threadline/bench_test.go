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
	cfg := config.Defaults()
	cfg.Addr = "127.0.0.1:0"
	cfg.DatabaseURL = "sqlite://" + filepath.Join(t.TempDir(), "bench.db")
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
