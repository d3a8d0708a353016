package loadgen

import (
	"context"
	"errors"
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

// ListThreads is the thread-list scenario: the first page and a deep page
// (after Depth rows) of one filtered list, read over and over.
type ListThreads struct {
	c       *APIClient
	filters map[string]any
	// PageSize is the number of threads a measured page asks for (25).
	PageSize int
	// Depth is the number of rows the deep page starts after, and
	// DeepCursor the cursor of that row.
	Depth      int
	DeepCursor string
	// firstLen and deepLen are the page lengths seen while setting up.
	firstLen, deepLen int
}

// walkPageSize is the page size used to walk down to the deep cursor.
const walkPageSize = 100

// NewListThreads prepares the scenario for the list of threads with one of
// statuses (none: any) carrying labelTypeID: it walks the list once, 100
// threads a page, to the cursor of row depth (0: the deep page is the first
// page), and reads both measured pages once. It fails when the list has no
// more than depth threads. The key needs thread:read.
func NewListThreads(ctx context.Context, c *APIClient, labelTypeID string, statuses []string, depth int) (*ListThreads, error) {
	if depth < 0 {
		return nil, errors.New("list threads: depth must not be negative")
	}
	f := map[string]any{}
	if labelTypeID != "" {
		f["labelTypeIds"] = []string{labelTypeID}
	}
	if len(statuses) > 0 {
		f["statuses"] = statuses
	}
	l := &ListThreads{c: c, filters: f, PageSize: 25, Depth: depth}
	var after *string
	for seen := 0; seen < depth; {
		p, err := l.page(ctx, min(walkPageSize, depth-seen), after)
		if err != nil {
			return nil, fmt.Errorf("walking to row %d: %w", depth, err)
		}
		seen += len(p.Threads.Edges)
		if (seen < depth && !p.Threads.PageInfo.HasNextPage) || p.Threads.PageInfo.EndCursor == nil {
			return nil, fmt.Errorf("the list has only %d threads, not more than the depth %d", seen, depth)
		}
		after = p.Threads.PageInfo.EndCursor
	}
	if after != nil {
		l.DeepCursor = *after
	}
	first, err := l.page(ctx, l.PageSize, nil)
	if err != nil {
		return nil, err
	}
	deep, err := l.page(ctx, l.PageSize, after)
	if err != nil {
		return nil, err
	}
	l.firstLen, l.deepLen = len(first.Threads.Edges), len(deep.Threads.Edges)
	if l.firstLen == 0 || l.deepLen == 0 {
		return nil, fmt.Errorf("the list has no thread after row %d", depth)
	}
	return l, nil
}

func (l *ListThreads) page(ctx context.Context, first int, after *string) (threadPage, error) {
	var p threadPage
	err := l.c.Do(ctx, ThreadsQuery, map[string]any{"filters": l.filters, "first": first, "after": after}, &p)
	if err != nil {
		return p, fmt.Errorf("threads: %w", err)
	}
	if n := len(p.Threads.Edges); n > first {
		return p, fmt.Errorf("threads: %d threads on a page of %d", n, first)
	}
	return p, nil
}

// First reads the first page and checks its length. It is an Op.
func (l *ListThreads) First(ctx context.Context, _ int) error {
	return l.measured(ctx, nil, l.firstLen)
}

// Deep reads the page after row Depth and checks its length. It is an Op.
func (l *ListThreads) Deep(ctx context.Context, _ int) error {
	var after *string
	if l.DeepCursor != "" {
		after = &l.DeepCursor
	}
	return l.measured(ctx, after, l.deepLen)
}

func (l *ListThreads) measured(ctx context.Context, after *string, want int) error {
	p, err := l.page(ctx, l.PageSize, after)
	if err != nil {
		return err
	}
	if n := len(p.Threads.Edges); n != want {
		return fmt.Errorf("threads: %d on the page, %d at set-up", n, want)
	}
	return nil
}
