package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func ms1to(n int) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = time.Duration(i+1) * time.Millisecond
	}
	return out
}

func TestPercentile(t *testing.T) {
	cases := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one sample p50", ms1to(1), 50, 1 * time.Millisecond},
		{"one sample p99", ms1to(1), 99, 1 * time.Millisecond},
		{"100 p50", ms1to(100), 50, 50 * time.Millisecond},
		{"100 p90", ms1to(100), 90, 90 * time.Millisecond},
		{"100 p99", ms1to(100), 99, 99 * time.Millisecond},
		{"100 p100 is max", ms1to(100), 100, 100 * time.Millisecond},
		{"100 p0 is min", ms1to(100), 0, 1 * time.Millisecond},
		{"10 p50", ms1to(10), 50, 5 * time.Millisecond},
		{"10 p99 rounds up", ms1to(10), 99, 10 * time.Millisecond},
		{"10 p91 rounds up", ms1to(10), 91, 10 * time.Millisecond},
		{"10 p90 exact", ms1to(10), 90, 9 * time.Millisecond},
		{"4 p50", ms1to(4), 50, 2 * time.Millisecond},
		{"4 p51", ms1to(4), 51, 3 * time.Millisecond},
		{"1000 p99.9", ms1to(1000), 99.9, 999 * time.Millisecond},
		{"3 p66.67", ms1to(3), 66.67, 3 * time.Millisecond},
		{"over 100 clamps", ms1to(5), 150, 5 * time.Millisecond},
	}
	for _, c := range cases {
		if got := Percentile(c.sorted, c.p); got != c.want {
			t.Errorf("%s: Percentile(p=%v) = %v, want %v", c.name, c.p, got, c.want)
		}
	}
}

func TestRunStopsAtRequests(t *testing.T) {
	var calls atomic.Int64
	res, err := Run(context.Background(), Config{Concurrency: 7, Requests: 100}, func(context.Context, int) error {
		calls.Add(1)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 100 || res.OK != 100 || len(res.Latencies) != 100 || res.Errors != 0 || res.Concurrency != 7 {
		t.Fatalf("calls %d, result %+v", calls.Load(), res)
	}
	for i := 1; i < len(res.Latencies); i++ {
		if res.Latencies[i] < res.Latencies[i-1] {
			t.Fatal("latencies not sorted")
		}
	}
}

func TestRunStopsAtDuration(t *testing.T) {
	start := time.Now()
	res, err := Run(context.Background(), Config{Concurrency: 3, Duration: 50 * time.Millisecond}, func(context.Context, int) error {
		time.Sleep(time.Millisecond)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 2*time.Second || res.OK == 0 {
		t.Fatalf("run took %v with %d requests", took, res.OK)
	}
	if res.Percentile(50) < time.Millisecond {
		t.Fatalf("p50 %v below the op's sleep", res.Percentile(50))
	}
}

func TestRunCountsErrors(t *testing.T) {
	boom := errors.New("boom")
	var n atomic.Int64
	op := func(context.Context, int) error {
		if n.Add(1)%4 == 0 {
			return boom
		}
		return nil
	}
	res, _ := Run(context.Background(), Config{Concurrency: 2, Requests: 40}, op)
	if res.OK != 30 || res.Errors != 10 || len(res.FirstErrors) != maxKeptErrors || !errors.Is(res.FirstErrors[0], boom) {
		t.Fatalf("ok %d errors %d kept %v", res.OK, res.Errors, res.FirstErrors)
	}
	res, _ = Run(context.Background(), Config{Concurrency: 1, Requests: 40, StopOnError: true}, op)
	if res.Errors != 1 || res.OK != 3 {
		t.Fatalf("StopOnError: ok %d errors %d", res.OK, res.Errors)
	}
}

func TestRunNeedsABound(t *testing.T) {
	if _, err := Run(context.Background(), Config{Concurrency: 1}, func(context.Context, int) error { return nil }); err == nil {
		t.Fatal("unbounded run accepted")
	}
}

func TestWriteFormat(t *testing.T) {
	res := Result{Concurrency: 2, OK: 4, Elapsed: 2 * time.Second, Latencies: ms1to(4)}
	var b bytes.Buffer
	if err := res.Write(&b, "threads/s"); err != nil {
		t.Fatal(err)
	}
	want := "concurrency 2\nok          4\nerrors      0\nelapsed     2s\nthreads/s   2.0\n" +
		"p50         2.000ms\np90         4.000ms\np99         4.000ms\nmax         4.000ms\n"
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
	if !regexp.MustCompile(`(?m)^p99 +\d+\.\d{3}ms$`).MatchString(b.String()) {
		t.Fatal("p99 line format")
	}
}

// sliceReader reads pages of the rows 1..*total, the cursor being a row's number.
func sliceReader(total *int) PageReader {
	return func(_ context.Context, first int, after *string) (int, *string, bool, error) {
		start := 0
		if after != nil {
			start, _ = strconv.Atoi(*after)
		}
		end := min(start+first, *total)
		if end <= start {
			return 0, nil, false, nil
		}
		c := strconv.Itoa(end)
		return end - start, &c, end < *total, nil
	}
}

func TestList(t *testing.T) {
	ctx := context.Background()
	total := 260
	for _, c := range []struct {
		depth      int
		deepCursor string
		wantErr    string
	}{
		{0, "", ""},
		{30, "30", ""},
		{250, "250", ""},
		{260, "", "the list has no row after row 260"},
		{400, "", "the list has only 260 rows, not more than the depth 400"},
		{-1, "", "depth must not be negative"},
	} {
		l, err := NewList(ctx, sliceReader(&total), c.depth, "row")
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("depth %d: %v, want %q", c.depth, err, c.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("depth %d: %v", c.depth, err)
		}
		if l.DeepCursor != c.deepCursor || l.PageSize != ListPageSize || (c.depth == 0) != (l.DeepAfter() == nil) {
			t.Errorf("depth %d: cursor %q, page size %d", c.depth, l.DeepCursor, l.PageSize)
		}
		if err := l.First(ctx, 0); err != nil {
			t.Errorf("depth %d: first page: %v", c.depth, err)
		}
		if err := l.Deep(ctx, 0); err != nil {
			t.Errorf("depth %d: deep page: %v", c.depth, err)
		}
	}
	// A page whose length changed since set-up fails.
	l, err := NewList(ctx, sliceReader(&total), 250, "row")
	if err != nil {
		t.Fatal(err)
	}
	total = 255
	if err := l.Deep(ctx, 0); err == nil || err.Error() != "rows: 5 on the page, 10 at set-up" {
		t.Fatalf("shrunk deep page: %v", err)
	}
}

// fakeB records what Benchmark does with a *testing.B.
type fakeB struct {
	metrics map[string]float64
	fatal   string
}

func (f *fakeB) Helper()     {}
func (f *fakeB) ResetTimer() {}
func (f *fakeB) StopTimer()  {}
func (f *fakeB) Fatalf(format string, args ...any) {
	f.fatal = fmt.Sprintf(format, args...)
}
func (f *fakeB) ReportMetric(n float64, unit string) { f.metrics[unit] = n }

func TestBenchmark(t *testing.T) {
	var calls atomic.Int64
	b := &fakeB{metrics: map[string]float64{}}
	Benchmark(b, 20, 4, func(context.Context, int) error { calls.Add(1); return nil }, "pages/s")
	if calls.Load() != 20 || b.fatal != "" || b.metrics["pages/s"] <= 0 || len(b.metrics) != 3 {
		t.Fatalf("calls %d, fatal %q, metrics %v", calls.Load(), b.fatal, b.metrics)
	}
	b = &fakeB{metrics: map[string]float64{}}
	Benchmark(b, 20, 1, func(context.Context, int) error { return errors.New("boom") }, "pages/s")
	if b.fatal != "1 of 1 requests failed; first: boom" {
		t.Fatalf("failing op: fatal %q", b.fatal)
	}
}
