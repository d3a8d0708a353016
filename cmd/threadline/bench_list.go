package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/bench"
	"github.com/threadline/threadline/internal/config"
)

// threadsQuery is the thread list the list scenario reads: a filtered page
// of the default order (newest first) with each thread's id, ref and title.
const threadsQuery = `query threads($filters: ThreadsFilter, $first: Int, $after: String) {
  threads(filters: $filters, first: $first, after: $after) {
    edges { cursor node { id ref title } }
    pageInfo { endCursor hasNextPage }
  }
}`

// sdkThreadsQuery is the document the official TypeScript SDK
// (@team-plain/typescript-sdk, as pinned in test/sdk) sends for
// client.getThreads: its src/graphql/queries/threads.gql with every
// fragment it uses (ThreadParts and those ThreadParts uses), copied as the
// wire query a client sends; TestSDKThreadsQuery keeps the copy equal to
// the installed SDK's files.
//
//go:embed benchdata/sdk_threads.graphql
var sdkThreadsQuery string

// listSelections are the documents list-threads can read pages with.
var listSelections = map[string]string{"minimal": threadsQuery, "sdk": sdkThreadsQuery}

// threadPage is the part of a threadsQuery response the scenario checks.
type threadPage struct {
	Threads struct {
		Edges []struct {
			Cursor string `json:"cursor"`
			Node   struct {
				ID string `json:"id"`
			} `json:"node"`
		} `json:"edges"`
		PageInfo struct {
			EndCursor   *string `json:"endCursor"`
			HasNextPage bool    `json:"hasNextPage"`
		} `json:"pageInfo"`
	} `json:"threads"`
}

// newListThreads prepares the thread-list scenario over HTTP for the list
// of threads with one of statuses (none: any) carrying labelTypeID: see
// bench.NewList. The key needs thread:read.
func newListThreads(ctx context.Context, c *apiClient, query, labelTypeID string, statuses []string, depth int) (*bench.List, error) {
	f := map[string]any{}
	if labelTypeID != "" {
		f["labelTypeIds"] = []string{labelTypeID}
	}
	if len(statuses) > 0 {
		f["statuses"] = statuses
	}
	read := func(ctx context.Context, first int, after *string) (int, *string, bool, error) {
		var p threadPage
		if err := c.do(ctx, query, map[string]any{"filters": f, "first": first, "after": after}, &p); err != nil {
			return 0, nil, false, fmt.Errorf("threads: %w", err)
		}
		if n := len(p.Threads.Edges); n > first {
			return 0, nil, false, fmt.Errorf("threads: %d threads on a page of %d", n, first)
		}
		return len(p.Threads.Edges), p.Threads.PageInfo.EndCursor, p.Threads.PageInfo.HasNextPage, nil
	}
	return bench.NewList(ctx, read, depth, "thread")
}

func benchListThreads(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var endpoint, key, labelType, statuses, selection, pages string
	var depth, requests, concurrency int
	var duration time.Duration
	var out outputFlags
	fs := newFlagSet("bench list-threads",
		"bench list-threads --url URL --key plainApiKey_… [--label-type-id lt_…] [--status TODO] [--selection minimal|sdk] [--pages both|first|deep] [--depth N] [--requests M] [--duration D]", stderr)
	fs.StringVar(&endpoint, "url", "http://127.0.0.1:8080/graphql/v1", "the GraphQL endpoint of the server to load; nothing else is contacted")
	fs.StringVar(&key, "key", "", "API key (permissions: "+string(auth.ThreadRead)+", and the reads of the selection: "+string(auth.All)+" for sdk)")
	fs.StringVar(&labelType, "label-type-id", "", `list the threads carrying this label type (lt_…; "": any)`)
	fs.StringVar(&statuses, "status", "TODO", `comma-separated statuses the threads must have ("": any)`)
	fs.StringVar(&selection, "selection", "minimal", "minimal (id, ref, title) or sdk (the official SDK's threads query with ThreadParts)")
	fs.StringVar(&pages, "pages", "both", "the pages to measure: both, first or deep")
	fs.IntVar(&depth, "depth", 10_000, "the deep page starts after this many threads")
	fs.IntVar(&requests, "requests", 200, "requests of each page (0: no limit, give --duration)")
	fs.DurationVar(&duration, "duration", 0, "stop starting requests of a page after this long (0: no time limit); the first limit reached ends the run")
	fs.IntVar(&concurrency, "concurrency", 1, "number of workers, each with one request in flight")
	out.register(fs)
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	if err := requireFlags(fs, "url", "key"); err != nil {
		return err
	}
	query, ok := listSelections[selection]
	if !ok || (pages != "both" && pages != "first" && pages != "deep") {
		return fmt.Errorf("%w: --selection must be minimal or sdk, --pages both, first or deep", errUsage)
	}
	if depth < 0 || requests < 0 || duration < 0 || (requests == 0 && duration == 0) || concurrency < 1 || concurrency > 1024 {
		return fmt.Errorf("%w: --depth must not be negative, --requests or --duration positive, --concurrency between 1 and 1024", errUsage)
	}
	if pages == "first" {
		depth = 0 // no walk to a deep cursor
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
	l, err := newListThreads(ctx, client, query, labelType, sts, depth)
	if err != nil {
		return fmt.Errorf("set-up: %w", err)
	}
	out.header(stdout, stderr, "bench list-threads %s (label type %s, statuses %q, %s selection, %d per page, depth %d)\n",
		endpoint, labelType, statuses, selection, l.PageSize, depth)
	cfg := bench.Config{Concurrency: concurrency, Requests: requests, Duration: duration}
	var errs []error
	for _, p := range []struct {
		key, name string
		op        bench.Op
	}{{"first", "first page", l.First}, {"deep", fmt.Sprintf("deep page (after %d)", depth), l.Deep}} {
		if pages != "both" && pages != p.key {
			continue
		}
		res, err := out.run(ctx, cfg, p.op, stderr)
		if err != nil {
			return err
		}
		out.header(stdout, stderr, "# %s\n", p.name)
		if err := out.report(res, p.name, "pages/s", stdout, stderr); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p.name, err))
		}
	}
	return errors.Join(errs...)
}
