package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

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
func newListThreads(ctx context.Context, c *apiClient, labelTypeID string, statuses []string, depth int) (*bench.List, error) {
	f := map[string]any{}
	if labelTypeID != "" {
		f["labelTypeIds"] = []string{labelTypeID}
	}
	if len(statuses) > 0 {
		f["statuses"] = statuses
	}
	read := func(ctx context.Context, first int, after *string) (int, *string, bool, error) {
		var p threadPage
		if err := c.do(ctx, threadsQuery, map[string]any{"filters": f, "first": first, "after": after}, &p); err != nil {
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
	var endpoint, key, labelType, statuses string
	var depth, requests, concurrency int
	fs := newFlagSet("bench list-threads",
		"bench list-threads --url URL --key plainApiKey_… --label-type-id lt_… [--status TODO] [--depth N] [--requests M]", stderr)
	fs.StringVar(&endpoint, "url", "http://127.0.0.1:8080/graphql/v1", "the GraphQL endpoint of the server to load; nothing else is contacted")
	fs.StringVar(&key, "key", "", "API key (permissions: "+string(auth.ThreadRead)+")")
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
	l, err := newListThreads(ctx, client, labelType, sts, depth)
	if err != nil {
		return fmt.Errorf("set-up: %w", err)
	}
	fmt.Fprintf(stdout, "bench list-threads %s (label type %s, statuses %q, %d per page, depth %d)\n",
		endpoint, labelType, statuses, l.PageSize, depth)
	cfg := bench.Config{Concurrency: concurrency, Requests: requests}
	var errs []error
	for _, p := range []struct {
		name string
		op   bench.Op
	}{{"first page", l.First}, {fmt.Sprintf("deep page (after %d)", depth), l.Deep}} {
		res, err := bench.Run(ctx, cfg, p.op)
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
