// Package bench is the measuring machinery of Threadline's load generators
// and benchmarks: it runs an operation from N workers until a request count
// or a duration is reached, keeps every request's latency, and summarises
// them as throughput and nearest-rank percentiles. The `threadline bench`
// command (whose scenarios live in cmd/threadline) and the `go test -bench`
// benchmarks both run their operations through it, so that their figures
// mean the same thing. It imports nothing of Threadline's.
package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Op is one request. worker is the calling worker's index, 0 to
// Concurrency-1. Op must be safe to call from every worker at once.
type Op func(ctx context.Context, worker int) error

// Config bounds a run. At least one of Duration and Requests must be set;
// the run stops at whichever limit comes first.
type Config struct {
	// Concurrency is the number of workers, each sending one request at a
	// time (closed loop). Default 1.
	Concurrency int
	// Duration stops the workers from starting new requests once it has
	// passed; requests in flight complete and count. 0: no time limit.
	Duration time.Duration
	// Requests is the total number of requests to send. 0: no count limit.
	Requests int
	// StopOnError stops every worker after the first failed request (for
	// benchmarks, which must fail rather than measure errors).
	StopOnError bool
}

// maxKeptErrors is how many failures a Result keeps verbatim.
const maxKeptErrors = 5

// Result is what a run measured. Latencies cover successful requests only.
type Result struct {
	Concurrency int
	OK          int
	Errors      int
	// FirstErrors holds the first few failures, in no particular order.
	FirstErrors []error
	// Elapsed runs from the start of the first request to the end of the last.
	Elapsed time.Duration
	// Latencies is every successful request's duration, sorted ascending.
	Latencies []time.Duration
}

// Run runs op under cfg and returns the measurements. It fails only for an
// unbounded configuration; failed requests are counted in the Result. When
// ctx ends, workers stop and requests that failed because of it are not
// counted as errors.
func Run(ctx context.Context, cfg Config, op Op) (Result, error) {
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 1
	}
	if cfg.Duration < 0 || cfg.Requests < 0 {
		return Result{}, errors.New("bench: duration and requests must not be negative")
	}
	if cfg.Duration == 0 && cfg.Requests == 0 {
		return Result{}, errors.New("bench: set a duration or a number of requests")
	}
	var (
		issued  atomic.Int64
		stopped atomic.Bool
		mu      sync.Mutex
		res     = Result{Concurrency: cfg.Concurrency}
		wg      sync.WaitGroup
	)
	start := time.Now()
	var deadline time.Time
	if cfg.Duration > 0 {
		deadline = start.Add(cfg.Duration)
	}
	perWorker := 0
	if cfg.Requests > 0 {
		perWorker = cfg.Requests/cfg.Concurrency + 1
	}
	for w := 0; w < cfg.Concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, perWorker)
			var errs []error
			nerr := 0
			for !stopped.Load() && ctx.Err() == nil {
				if cfg.Requests > 0 && issued.Add(1) > int64(cfg.Requests) {
					break
				}
				t0 := time.Now()
				if !deadline.IsZero() && !t0.Before(deadline) {
					break
				}
				err := op(ctx, w)
				d := time.Since(t0)
				if err == nil {
					lat = append(lat, d)
					continue
				}
				if ctx.Err() != nil {
					break
				}
				nerr++
				if len(errs) < maxKeptErrors {
					errs = append(errs, err)
				}
				if cfg.StopOnError {
					stopped.Store(true)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			res.OK += len(lat)
			res.Errors += nerr
			res.Latencies = append(res.Latencies, lat...)
			for _, e := range errs {
				if len(res.FirstErrors) < maxKeptErrors {
					res.FirstErrors = append(res.FirstErrors, e)
				}
			}
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	slices.Sort(res.Latencies)
	return res, nil
}

// Percentile returns the nearest-rank p-th percentile (0 < p <= 100) of
// sorted, ascending durations: the smallest sample such that at least p% of
// the samples are less than or equal to it. It returns 0 for no samples;
// p <= 0 gives the minimum.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	// rank = ceil(p/100 * n), computed in integers of basis points so that
	// e.g. p=99 with n=100 gives exactly 99, not 99.00000000000001.
	bp := int64(p*100 + 0.5)
	rank := int((bp*int64(n) + 9999) / 10000)
	rank = min(max(rank, 1), n)
	return sorted[rank-1]
}

// Throughput is successful requests per second of elapsed time.
func (r Result) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.OK) / r.Elapsed.Seconds()
}

// Percentile returns the nearest-rank p-th percentile of the latencies.
func (r Result) Percentile(p float64) time.Duration { return Percentile(r.Latencies, p) }

// Max is the slowest successful request.
func (r Result) Max() time.Duration { return Percentile(r.Latencies, 100) }

// MetricReporter receives custom benchmark metrics; *testing.B is one.
type MetricReporter interface {
	ReportMetric(n float64, unit string)
}

// Report reports throughput (as unit, e.g. "threads/s") and the p50 and p99
// latencies in milliseconds ("p50-ms", "p99-ms").
func (r Result) Report(m MetricReporter, unit string) {
	m.ReportMetric(r.Throughput(), unit)
	m.ReportMetric(ms(r.Percentile(50)), "p50-ms")
	m.ReportMetric(ms(r.Percentile(99)), "p99-ms")
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Write prints the summary block the bench commands print: one "name value"
// line per figure, the rate named by unit (e.g. "threads/s").
func (r Result) Write(w io.Writer, unit string) error {
	_, err := fmt.Fprintf(w, "%-11s %d\n%-11s %d\n%-11s %d\n%-11s %s\n%-11s %.1f\n"+
		"%-11s %s\n%-11s %s\n%-11s %s\n%-11s %s\n",
		"concurrency", r.Concurrency, "ok", r.OK, "errors", r.Errors,
		"elapsed", r.Elapsed.Round(time.Millisecond), unit, r.Throughput(),
		"p50", fmtDur(r.Percentile(50)), "p90", fmtDur(r.Percentile(90)),
		"p99", fmtDur(r.Percentile(99)), "max", fmtDur(r.Max()))
	return err
}

// fmtDur renders a latency in milliseconds with microsecond precision.
func fmtDur(d time.Duration) string { return fmt.Sprintf("%.3fms", ms(d)) }

// Summary is a Result reduced to the figures the bench commands print, in
// the form their --json output carries (one JSON object per measured run):
// what `threadline bench compare` reads back from its load clients.
type Summary struct {
	// Name says what was measured, e.g. "first page"; empty for a command
	// measuring one thing.
	Name        string   `json:"name,omitempty"`
	Unit        string   `json:"unit"`
	Concurrency int      `json:"concurrency"`
	OK          int      `json:"ok"`
	Errors      int      `json:"errors"`
	ElapsedMS   float64  `json:"elapsed_ms"`
	Throughput  float64  `json:"throughput"`
	P50MS       float64  `json:"p50_ms"`
	P90MS       float64  `json:"p90_ms"`
	P99MS       float64  `json:"p99_ms"`
	MaxMS       float64  `json:"max_ms"`
	FirstErrors []string `json:"first_errors,omitempty"`
}

// Summary summarises r, its rate in unit (e.g. "threads/s").
func (r Result) Summary(unit string) Summary {
	s := Summary{Unit: unit, Concurrency: r.Concurrency, OK: r.OK, Errors: r.Errors,
		ElapsedMS: ms(r.Elapsed), Throughput: r.Throughput(), P50MS: ms(r.Percentile(50)),
		P90MS: ms(r.Percentile(90)), P99MS: ms(r.Percentile(99)), MaxMS: ms(r.Max())}
	for _, e := range r.FirstErrors {
		s.FirstErrors = append(s.FirstErrors, e.Error())
	}
	return s
}
