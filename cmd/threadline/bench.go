package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/threadline/threadline/internal/bench"
)

// The load scenarios of `threadline bench` live in this package, one file
// per sub-command (bench_create.go, bench_bare.go, bench_seed.go,
// bench_list.go, bench_compare*.go); internal/bench runs and measures them.

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, "Usage: threadline bench create-threads|bare-insert|seed-threads|list-threads|web-pages|compare [flags]\n\n"+
			"  create-threads  create threads through the GraphQL API of a running server\n"+
			"  bare-insert     write the same rows straight through the store (the baseline)\n"+
			"  seed-threads    generate a workspace of many threads straight into a database\n"+
			"  list-threads    read the first and a deep page of a filtered thread list over HTTP\n"+
			"  web-pages       load the web app's queue and thread pages in process (server time, reads per page)\n"+
			"  compare         issue 14's table in one run: servers and clients as processes, floors, ratios, a baseline\n\n"+
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
		"web-pages":      benchWebPages,
		"compare":        benchCompare,
	})
}

// loadFlags bound a bench run and choose its output.
type loadFlags struct {
	cfg bench.Config
	out outputFlags
}

func (l *loadFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&l.cfg.Concurrency, "concurrency", 8, "number of workers, each with one request in flight")
	fs.DurationVar(&l.cfg.Duration, "duration", 10*time.Second, "stop starting requests after this long (0: no time limit)")
	fs.IntVar(&l.cfg.Requests, "requests", 0, "stop after this many requests in total (0: no limit); the first limit reached ends the run")
	l.out.register(fs)
}

// outputFlags choose how a load client reports: the text summary block, or
// (--json) one JSON object (a bench.Summary) a line on stdout, with the
// header lines on stderr, as `bench compare` reads them.
type outputFlags struct {
	json   bool
	warmup time.Duration
}

func (o *outputFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&o.json, "json", false, "print each measured run as one JSON object a line (bench.Summary); headers go to stderr")
	fs.DurationVar(&o.warmup, "warmup", 0, "run the load this long, unmeasured, before the measured run")
}

// header prints an informational line: to stdout, or to stderr under --json.
func (o *outputFlags) header(stdout, stderr io.Writer, format string, args ...any) {
	w := stdout
	if o.json {
		w = stderr
	}
	fmt.Fprintf(w, format, args...)
}

// measuringLine is what a load client under --json prints on stderr when
// its measured run starts (after set-up and warm-up): `bench compare`
// starts the server's profiles then.
const measuringLine = "bench: measuring"

// run warms up (if asked), then measures op under cfg.
func (o *outputFlags) run(ctx context.Context, cfg bench.Config, op bench.Op, stderr io.Writer) (bench.Result, error) {
	if o.warmup > 0 {
		if _, err := bench.Run(ctx, bench.Config{Concurrency: cfg.Concurrency, Duration: o.warmup}, op); err != nil {
			return bench.Result{}, err
		}
	}
	if o.json {
		fmt.Fprintln(stderr, measuringLine)
	}
	return bench.Run(ctx, cfg, op)
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

// report prints the run's summary (its rate in unit, named name under
// --json) to stdout, up to five failures to stderr, and fails when any
// request failed.
func (o *outputFlags) report(res bench.Result, name, unit string, stdout, stderr io.Writer) error {
	if o.json {
		s := res.Summary(unit)
		s.Name = name
		b, err := json.Marshal(s)
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(stdout, "%s\n", b); err != nil {
			return err
		}
	} else if err := res.Write(stdout, unit); err != nil {
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

// runSuffix is a name part unique to one run: a timestamp and random bits.
func runSuffix() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return time.Now().UTC().Format("20060102T150405") + "_" + hex.EncodeToString(b)
}

// apiClient sends GraphQL requests to one endpoint (…/graphql/v1) with an
// API key. It talks to that URL only.
type apiClient struct {
	http *http.Client
	url  string
	key  string
}

// newAPIClient checks endpoint and returns a client keeping up to conns
// connections open, and what closes them.
func newAPIClient(endpoint, key string, conns int) (*apiClient, func(), error) {
	if u, err := url.Parse(endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, nil, fmt.Errorf("%w: --url must be an http:// or https:// URL, such as http://127.0.0.1:8080/graphql/v1", errUsage)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = conns // keep one connection per worker
	client := &apiClient{http: &http.Client{Transport: tr, Timeout: 30 * time.Second}, url: endpoint, key: key}
	return client, tr.CloseIdleConnections, nil
}

// graphQLError is one entry of a response's "errors".
type graphQLError struct {
	Message    string `json:"message"`
	Extensions struct {
		Code string `json:"code"`
	} `json:"extensions"`
}

// mutationError is Plain's MutationError, as the scenarios select it.
type mutationError struct {
	Message string `json:"message"`
	Type    string `json:"type"`
	Code    string `json:"code"`
	Fields  []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
		Type    string `json:"type"`
	} `json:"fields"`
}

func (e *mutationError) Error() string {
	s := fmt.Sprintf("mutation error %s (%s): %s", e.Type, e.Code, e.Message)
	for _, f := range e.Fields {
		s += fmt.Sprintf("; %s: %s", f.Field, f.Message)
	}
	return s
}

// mutationErrorFields is the selection of MutationError every mutation here uses.
const mutationErrorFields = `error { message type code fields { field message type } }`

// do posts query with variables and decodes "data" into out. It fails on a
// non-200 status, on any entry in "errors", or on undecodable JSON.
func (c *apiClient) do(ctx context.Context, query string, variables, out any) error {
	body, err := json.Marshal(map[string]any{"query": query, "variables": variables})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.key)
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var env struct {
		Data   json.RawMessage `json:"data"`
		Errors []graphQLError  `json:"errors"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return fmt.Errorf("HTTP %d, body is not JSON: %.200s", resp.StatusCode, raw)
	}
	if len(env.Errors) > 0 {
		e := env.Errors[0]
		return fmt.Errorf("HTTP %d: %s (%s)", resp.StatusCode, e.Message, e.Extensions.Code)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, raw)
	}
	if out != nil {
		if err := json.Unmarshal(env.Data, out); err != nil {
			return fmt.Errorf("decoding data: %w", err)
		}
	}
	return nil
}

// checkMutation turns a mutation's outcome into one error.
func checkMutation(what string, err error, merr *mutationError, missing bool) error {
	switch {
	case err != nil:
		return fmt.Errorf("%s: %w", what, err)
	case merr != nil:
		return fmt.Errorf("%s: %w", what, merr)
	case missing:
		return fmt.Errorf("%s: no result and no error", what)
	}
	return nil
}

// report is outputFlags.report in text form, for the commands without --json.
func report(res bench.Result, unit string, stdout, stderr io.Writer) error {
	var o outputFlags
	return o.report(res, "", unit, stdout, stderr)
}
