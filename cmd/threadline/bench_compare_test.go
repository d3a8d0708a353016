package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/test/harness"
)

// runAsCLIEnv makes the test binary behave as the threadline binary, so
// that bench compare can start it as servers and load clients.
const runAsCLIEnv = "THREADLINE_TEST_RUN_AS_CLI"

func TestMain(m *testing.M) {
	if os.Getenv(runAsCLIEnv) == "1" {
		main() // exits non-zero on failure
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// testBinary is this test binary, run as the CLI by its children.
func testBinary(t *testing.T) string {
	t.Helper()
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(runAsCLIEnv, "1")
	return bin
}

// TestBenchCompare runs the whole table on SQLite (and PostgreSQL when
// THREADLINE_TEST_POSTGRES_URL is set) with this binary as both current
// and baseline, for short runs, and checks the report: every scenario and
// target measured something without errors, the ratios are computed, the
// profiles are saved, and nothing is left behind.
func TestBenchCompare(t *testing.T) {
	bin := testBinary(t)
	profiles := t.TempDir()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	// A key of the test's own: on PostgreSQL the default would be made in
	// ./data, the package's source directory.
	t.Setenv("THREADLINE_SECRET_KEY", auth.EncodeSecretKey(auth.NewSecretKey()))
	args := []string{"bench", "compare", "--bin", bin, "--baseline-bin", bin, "--duration", "400ms", "--warmup", "100ms",
		"--reps", "1", "--clients", "4", "--list-threads", "300", "--profile-dir", profiles, "--json"}
	pg := os.Getenv(harness.PostgresEnv)
	if pg != "" {
		args = append(args, "--postgres", pg)
	}
	start := time.Now()
	out, err := runCLI(t, args...)
	if err != nil {
		t.Fatalf("bench compare: %v\n%s", err, out)
	}
	t.Logf("bench compare took %s", time.Since(start).Round(time.Millisecond))
	var rep compareReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, out)
	}

	want := []string{"floor-sqlite-4", "create-sqlite-4", "create-sqlite-4@baseline", "create-sqlite-1", "create-sqlite-1@baseline",
		"list-sqlite-4", "list-sqlite-4@baseline", "list-sqlite-1", "list-sqlite-1@baseline"}
	if pg != "" {
		want = append(want, "floor-postgres-4", "create-postgres-4", "create-postgres-4@baseline", "create-postgres-1", "create-postgres-1@baseline")
	}
	var got []string
	for _, r := range rep.Rows {
		key := rowKey(r.Scenario, r.Target)
		got = append(got, key)
		if r.Throughput <= 0 || r.Errors != 0 || r.Failed != 0 || r.Reps != 1 || r.P99MS < r.P50MS || r.P50MS <= 0 {
			t.Errorf("row %s: %+v", key, r)
		}
		wantUnit := "threads/s"
		if strings.HasPrefix(r.Scenario, "list") {
			wantUnit = "pages/s"
		}
		if r.Unit != wantUnit {
			t.Errorf("row %s: unit %q", key, r.Unit)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("rows %v, want %v", got, want)
	}

	byName := map[string]check{}
	for _, c := range rep.Checks {
		byName[c.Of+"/"+c.Over+"/"+c.Kind] = c
	}
	for _, k := range []string{"create-sqlite-4/floor-sqlite-4/ratio", "list-sqlite-4/list-sqlite-4@baseline/ratio", "list-sqlite-1//p99"} {
		if c, ok := byName[k]; !ok || c.Missing != "" || c.Value <= 0 {
			t.Errorf("check %s: %+v", k, c)
		}
	}
	if c := byName["list-sqlite-1//p99"]; !strings.Contains(c.Note, "1,000,000") {
		t.Errorf("the list p99 check does not say it is stated on 1,000,000 threads: %+v", c)
	}
	pgCheck := byName["create-postgres-4/create-sqlite-4/ratio"]
	if pg == "" && (pgCheck.Missing == "" || !slices.ContainsFunc(rep.Notes, func(n string) bool { return strings.Contains(n, "PostgreSQL scenarios skipped") })) {
		t.Errorf("without --postgres: check %+v, notes %v", pgCheck, rep.Notes)
	}

	// Two profiles for each server run, none for the floors.
	var files []string
	for _, m := range rep.Runs {
		files = append(files, m.Profiles...)
	}
	if servers := len(rep.Runs) - 1 - btoi(pg != ""); len(files) != 2*servers {
		t.Errorf("%d profiles for %d server runs", len(files), servers)
	}
	for _, f := range files {
		if st, err := os.Stat(f); err != nil || st.Size() == 0 || filepath.Dir(f) != profiles {
			t.Errorf("profile %s: %v", f, err)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "threadline-compare-*")); len(left) != 0 {
		t.Errorf("temporary directories left behind: %v", left)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestBenchCompareText runs one floor and prints the text report.
func TestBenchCompareText(t *testing.T) {
	bin := testBinary(t)
	out, err := runCLI(t, "bench", "compare", "--bin", bin, "--only", "floor-sqlite", "--duration", "200ms", "--warmup", "0",
		"--reps", "2", "--clients", "2")
	if err != nil {
		t.Fatalf("bench compare: %v\n%s", err, out)
	}
	for _, want := range []string{"threadline bench compare: 2 rep(s) of 200ms", "current:  " + bin,
		"floor-sqlite-2", "createThread SQLite API / SQLite floor, 2 clients", "n/a: create-sqlite-2 not measured"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "PostgreSQL scenarios skipped") {
		t.Errorf("a note on PostgreSQL though --only selected none of its scenarios:\n%s", out)
	}
	if _, err := runCLI(t, "bench", "compare", "--bin", bin, "--only", "nothing"); err == nil || !strings.Contains(err.Error(), "selects no scenario") {
		t.Errorf("--only nothing: %v", err)
	}
	if _, err := runCLI(t, "bench", "compare", "--bin", bin, "--postgres", "sqlite:///x"); err == nil || !strings.Contains(err.Error(), "postgres:// URL") {
		t.Errorf("--postgres sqlite: %v", err)
	}
}

// TestBenchCompareFailedServer: a baseline that cannot serve makes its runs
// fail, recorded in the report, while the current binary's runs stand.
func TestBenchCompareFailedServer(t *testing.T) {
	bin := testBinary(t)
	bad := filepath.Join(t.TempDir(), "false")
	if err := os.WriteFile(bad, []byte("#!/bin/sh\necho no such command >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var stdout, stderr strings.Builder
	err := run(ctx, []string{"bench", "compare", "--bin", bin, "--baseline-bin", bad, "--only", "create-sqlite-1",
		"--duration", "200ms", "--warmup", "0", "--reps", "1", "--json"}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "1 runs failed") {
		t.Fatalf("want one failed run: %v\n%s", err, stderr.String())
	}
	var rep compareReport
	if err := json.Unmarshal([]byte(stdout.String()), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Runs) != 2 || rep.Runs[0].Summary == nil || rep.Runs[1].Error == "" || !strings.Contains(rep.Runs[1].Error, "no such command") {
		t.Fatalf("runs %+v", rep.Runs)
	}
}

func TestParseSummaries(t *testing.T) {
	good := `{"unit":"threads/s","concurrency":4,"ok":10,"errors":1,"elapsed_ms":1000,"throughput":10,"p50_ms":1,"p90_ms":2,"p99_ms":3,"max_ms":4,"first_errors":["x"]}
{"name":"first page","unit":"pages/s","concurrency":1,"ok":5,"errors":0,"elapsed_ms":500,"throughput":10,"p50_ms":1,"p90_ms":1,"p99_ms":1,"max_ms":1}
`
	sums, err := parseSummaries([]byte(good))
	if err != nil || len(sums) != 2 || sums[0].Throughput != 10 || sums[0].FirstErrors[0] != "x" || sums[1].Name != "first page" {
		t.Fatalf("%+v %v", sums, err)
	}
	for _, bad := range []string{"", "concurrency 4\n", `{"unit":"x","concurrency":0}`, `{"unit":"x","concurrency":1,"p999":1}`} {
		if _, err := parseSummaries([]byte(bad)); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestComparePlan(t *testing.T) {
	names := func(cfg compareConfig) []string {
		s, _ := plan(cfg)
		var n []string
		for _, x := range s {
			n = append(n, x.Name)
		}
		return n
	}
	all := names(compareConfig{Clients: 64, Postgres: true})
	if want := []string{"floor-sqlite-64", "create-sqlite-64", "create-sqlite-1", "floor-postgres-64", "create-postgres-64",
		"create-postgres-1", "list-sqlite-64", "list-sqlite-1"}; !slices.Equal(all, want) {
		t.Errorf("plan %v", all)
	}
	if got := names(compareConfig{Clients: 1, Only: []string{"create", "list-sqlite-1"}}); !slices.Equal(got, []string{"create-sqlite-1", "list-sqlite-1"}) {
		t.Errorf("--clients 1 --only create,list-sqlite-1 without PostgreSQL: %v", got)
	}
	if m := median([]float64{3, 1, 2}); m != 2 {
		t.Errorf("median %v", m)
	}
	if m := median([]float64{4, 1, 2, 3}); m != 2.5 {
		t.Errorf("median %v", m)
	}
}
