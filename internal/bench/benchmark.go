package bench

import "context"

// WriterConcurrency is the number of concurrent writers the write-path
// benchmarks run at: one (latency bound) and 32 (what group commit or a
// connection pool must absorb).
var WriterConcurrency = []int{1, 32}

// B is the part of *testing.B a benchmark run needs, so that this package
// does not import testing.
type B interface {
	Helper()
	ResetTimer()
	StopTimer()
	Fatalf(format string, args ...any)
	ReportMetric(n float64, unit string)
}

// Benchmark runs op n times in total (pass b.N) from concurrency workers,
// explicit goroutines rather than b.RunParallel so that the concurrency does
// not depend on GOMAXPROCS. It fails b on the first failed request and
// reports throughput in unit (e.g. "threads/s") with the p50 and p99
// latencies.
func Benchmark(b B, n, concurrency int, op Op, unit string) {
	b.Helper()
	b.ResetTimer()
	res, err := Run(context.Background(), Config{Concurrency: concurrency, Requests: n, StopOnError: true}, op)
	b.StopTimer()
	if err != nil {
		b.Fatalf("%v", err)
	}
	if res.Errors > 0 {
		b.Fatalf("%d of %d requests failed; first: %v", res.Errors, res.Errors+res.OK, res.FirstErrors[0])
	}
	res.Report(b, unit)
}
