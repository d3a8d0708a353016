package loadgen

import (
	"context"
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
	listScenario
	svc    *service.Service
	ws     string
	Filter thread.Filter
}

// NewServiceList prepares the scenario for the threads of workspaceID that
// f selects, in the default order (see NewListThreads).
func NewServiceList(ctx context.Context, svc *service.Service, workspaceID string, f thread.Filter, depth int) (*ServiceList, error) {
	l := &ServiceList{svc: svc, ws: workspaceID, Filter: f}
	var err error
	l.listScenario, err = newListScenario(ctx, l.page, depth)
	if err != nil {
		return nil, err
	}
	return l, nil
}

func (l *ServiceList) page(ctx context.Context, first int, after *string) (int, *string, bool, error) {
	p, err := l.svc.Threads(service.System(ctx, l.ws), l.Filter, thread.DefaultSort, core.PageArgs{First: &first, After: after}, false)
	if err != nil {
		return 0, nil, false, err
	}
	return len(p.Edges), p.PageInfo.EndCursor, p.PageInfo.HasNextPage, nil
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
