package loadgen

import (
	"context"
	"fmt"
)

// ThreadsQuery is the thread list the list scenario reads: a filtered page
// of the default order (newest first) with each thread's id, ref and title.
const ThreadsQuery = `query threads($filters: ThreadsFilter, $first: Int, $after: String) {
  threads(filters: $filters, first: $first, after: $after) {
    edges { cursor node { id ref title } }
    pageInfo { endCursor hasNextPage }
  }
}`

// threadPage is the part of a ThreadsQuery response the scenario checks.
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

// ListThreads is the thread-list scenario over HTTP: the first page and a
// deep page (after Depth rows) of one filtered list, read over and over.
type ListThreads struct {
	listScenario
	c       *APIClient
	filters map[string]any
}

// NewListThreads prepares the scenario for the list of threads with one of
// statuses (none: any) carrying labelTypeID: it walks the list once to the
// cursor of row depth (0: the deep page is the first page) and reads both
// measured pages once. It fails when the list has no more than depth
// threads. The key needs thread:read.
func NewListThreads(ctx context.Context, c *APIClient, labelTypeID string, statuses []string, depth int) (*ListThreads, error) {
	f := map[string]any{}
	if labelTypeID != "" {
		f["labelTypeIds"] = []string{labelTypeID}
	}
	if len(statuses) > 0 {
		f["statuses"] = statuses
	}
	l := &ListThreads{c: c, filters: f}
	var err error
	l.listScenario, err = newListScenario(ctx, l.page, depth)
	if err != nil {
		return nil, err
	}
	return l, nil
}

func (l *ListThreads) page(ctx context.Context, first int, after *string) (int, *string, bool, error) {
	var p threadPage
	err := l.c.Do(ctx, ThreadsQuery, map[string]any{"filters": l.filters, "first": first, "after": after}, &p)
	if err != nil {
		return 0, nil, false, fmt.Errorf("threads: %w", err)
	}
	if n := len(p.Threads.Edges); n > first {
		return 0, nil, false, fmt.Errorf("threads: %d threads on a page of %d", n, first)
	}
	return len(p.Threads.Edges), p.Threads.PageInfo.EndCursor, p.Threads.PageInfo.HasNextPage, nil
}
