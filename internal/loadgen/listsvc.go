package loadgen

import (
	"context"
	"errors"
	"fmt"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
)

// ServiceList is the thread-list scenario of ListThreads run through the
// service (service.Threads as the workspace's system principal), without
// GraphQL or HTTP: for `go test -bench` on each backend.
type ServiceList struct {
	svc    *service.Service
	ws     string
	Filter thread.Filter
	// PageSize is the number of threads a measured page asks for (25).
	PageSize int
	// Depth is the number of rows the deep page starts after, and
	// DeepCursor the cursor of that row.
	Depth      int
	DeepCursor string
	// firstLen and deepLen are the page lengths seen while setting up.
	firstLen, deepLen int
}

// NewServiceList prepares the scenario for the threads of workspaceID that
// f selects, in the default order: it walks the list once, 100 threads a
// page, to the cursor of row depth, and reads both measured pages once. It
// fails when the list has no more than depth threads.
func NewServiceList(ctx context.Context, svc *service.Service, workspaceID string, f thread.Filter, depth int) (*ServiceList, error) {
	if depth < 0 {
		return nil, errors.New("service list: depth must not be negative")
	}
	l := &ServiceList{svc: svc, ws: workspaceID, Filter: f, PageSize: 25, Depth: depth}
	var after *string
	for seen := 0; seen < depth; {
		p, err := l.page(ctx, min(walkPageSize, depth-seen), after)
		if err != nil {
			return nil, fmt.Errorf("walking to row %d: %w", depth, err)
		}
		seen += len(p.Edges)
		if (seen < depth && !p.PageInfo.HasNextPage) || p.PageInfo.EndCursor == nil {
			return nil, fmt.Errorf("the list has only %d threads, not more than the depth %d", seen, depth)
		}
		after = p.PageInfo.EndCursor
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
	l.firstLen, l.deepLen = len(first.Edges), len(deep.Edges)
	if l.firstLen == 0 || l.deepLen == 0 {
		return nil, fmt.Errorf("the list has no thread after row %d", depth)
	}
	return l, nil
}

func (l *ServiceList) page(ctx context.Context, first int, after *string) (service.ThreadList, error) {
	return l.svc.Threads(service.System(ctx, l.ws), l.Filter, thread.DefaultSort, core.PageArgs{First: &first, After: after}, false)
}

func (l *ServiceList) deepAfter() *string {
	if l.DeepCursor == "" {
		return nil
	}
	return &l.DeepCursor
}

// First reads the first page and checks its length. It is an Op.
func (l *ServiceList) First(ctx context.Context, _ int) error {
	return l.measured(ctx, nil, l.firstLen)
}

// Deep reads the page after row Depth and checks its length. It is an Op.
func (l *ServiceList) Deep(ctx context.Context, _ int) error {
	return l.measured(ctx, l.deepAfter(), l.deepLen)
}

func (l *ServiceList) measured(ctx context.Context, after *string, want int) error {
	p, err := l.page(ctx, l.PageSize, after)
	if err != nil {
		return err
	}
	if n := len(p.Edges); n != want {
		return fmt.Errorf("threads: %d on the page, %d at set-up", n, want)
	}
	return nil
}

// ThreadListExplainer is implemented by the store transactions that can
// show the query plan of a thread list (internal/store/sqldb.Tx).
type ThreadListExplainer interface {
	ExplainListThreads(ctx context.Context, workspaceID string, f thread.Filter, s thread.Sort, p core.Page) ([]string, error)
}

// Plans returns the query plans of the first and the deep page as the
// store runs them.
func (l *ServiceList) Plans(ctx context.Context) (first, deep []string, err error) {
	explain := func(after *string) ([]string, error) {
		p, err := core.PageArgs{First: &l.PageSize, After: after}.Resolve(2)
		if err != nil {
			return nil, err
		}
		var lines []string
		err = l.svc.Store().View(ctx, func(tx store.Tx) error {
			ex, ok := tx.(ThreadListExplainer)
			if !ok {
				return fmt.Errorf("the %s store cannot explain thread lists", l.svc.Store().Backend())
			}
			lines, err = ex.ExplainListThreads(ctx, l.ws, l.Filter, thread.DefaultSort, p)
			return err
		})
		return lines, err
	}
	if first, err = explain(nil); err != nil {
		return nil, nil, err
	}
	deep, err = explain(l.deepAfter())
	return first, deep, err
}
