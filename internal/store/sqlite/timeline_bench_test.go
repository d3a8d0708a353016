package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/store/sqlite"
	"github.com/threadline/threadline/internal/store/storetest"
)

// BenchmarkTimelinePage reads pages of 50 entries of a thread with 10,000
// timeline entries through the service (storetest.BenchTimelinePage), and
// fails if a page's plan scans the entries table or sorts.
func BenchmarkTimelinePage(b *testing.B) {
	st, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "timeline.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	svc := service.New(st, nil, nil)
	storetest.BenchTimelinePage(b, st, func(ctx context.Context, ws, threadID string, args core.PageArgs) (int, *string, error) {
		p, err := svc.ThreadTimeline(service.System(ctx, ws), threadID, service.TimelineFilter{}, args)
		return len(p.Edges), p.PageInfo.EndCursor, err
	})
}
