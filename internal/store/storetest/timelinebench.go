package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/bench"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/timeline"
)

// Shape of BenchTimelinePage's workspace.
const (
	timelineBenchEntries = 10_000 // of the thread read
	timelineBenchOthers  = 100    // other threads …
	timelineBenchEach    = 100    // … of this many entries each
	timelineBenchPage    = 50
)

// TimelinePageReader reads a page of a thread's timeline the way the API
// does (through the service), returning how many entries it read and the
// page's end cursor.
type TimelinePageReader func(ctx context.Context, workspaceID, threadID string, args core.PageArgs) (int, *string, error)

// SeededTimeline is a workspace seeded by SeedTimeline.
type SeededTimeline struct {
	WorkspaceID, ThreadID string
	Entries               int // of the thread
	Total                 int // of the workspace
}

// SeedTimeline writes, through store.BulkSeeder, a thread with entries
// timeline entries (chats, one a minute) and timelineBenchOthers other
// threads of another customer with timelineBenchEach entries each.
func SeedTimeline(ctx context.Context, st store.Store, entries int) (SeededTimeline, error) {
	bulk, ok := st.(store.BulkSeeder)
	if !ok {
		return SeededTimeline{}, errors.New("seed timeline: the store must be a store.BulkSeeder")
	}
	ws := NewWorkspace("Bench timeline")
	big, small := NewCustomer(ws.ID, "Long Talker", "long@example.com"), NewCustomer(ws.ID, "Others", "others@example.com")
	if err := st.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateWorkspace(ctx, ws); err != nil {
			return err
		}
		if err := tx.CreateCustomer(ctx, big); err != nil {
			return err
		}
		return tx.CreateCustomer(ctx, small)
	}); err != nil {
		return SeededTimeline{}, err
	}
	out := SeededTimeline{WorkspaceID: ws.ID, Entries: entries}
	start := core.SystemClock{}.Now().Add(-time.Duration(entries) * time.Minute)
	var genErr error
	err := bulk.SeedThreads(ctx, ws.ID, timelineBenchOthers+1, func(ref int64) store.SeedThread {
		cust, n := small.ID, timelineBenchEach
		if ref == 1 {
			cust, n = big.ID, entries
		}
		th := newThread(ws.ID, cust, ref)
		th.Channel = thread.ChannelChat
		s := store.SeedThread{Thread: th}
		for i := range n {
			text := fmt.Sprintf("Message %d of thread %d", i, ref)
			c := timeline.Chat{ChatID: core.NewID(core.PrefixChat), Text: &text, Inbound: i%2 == 0}
			e, err := timeline.NewEntry(ws.ID, th.ID, cust, c.ChatID, c, core.SystemActor, start.Add(time.Duration(i)*time.Minute))
			genErr = errors.Join(genErr, err)
			s.Timeline = append(s.Timeline, e)
		}
		if ref == 1 {
			out.ThreadID = th.ID
		}
		out.Total += n
		return s
	})
	return out, errors.Join(err, genErr)
}

// BenchTimelinePage benchmarks one page of 50 entries of a thread with
// 10,000 entries (in a workspace of 20,000), read through read: the oldest
// page (first: 50), the newest (last: 50) and the page after entry 5,000.
// It logs the query plan of each page and fails if one scans the entries
// table or sorts; each reports pages/s with p50 and p99 latencies.
func BenchTimelinePage(b *testing.B, st store.Store, read TimelinePageReader) {
	ctx := context.Background()
	seeded, err := SeedTimeline(ctx, st, timelineBenchEntries)
	if err != nil {
		b.Fatal(err)
	}
	if st.Backend() == "postgres" {
		if _, err := dbOf(b, st).ExecContext(ctx, `ANALYZE timeline_entries`); err != nil {
			b.Fatal(err)
		}
	}
	ws, th, n := seeded.WorkspaceID, seeded.ThreadID, timelineBenchPage
	var deep *string
	for range seeded.Entries / 2 / n { // the cursor after entry 5,000
		if _, deep, err = read(ctx, ws, th, core.PageArgs{First: &n, After: deep}); err != nil {
			b.Fatal(err)
		}
	}
	pages := []struct {
		name string
		args core.PageArgs
	}{
		{"FirstPage", core.PageArgs{First: &n}},
		{"LastPage", core.PageArgs{Last: &n}},
		{"DeepPage", core.PageArgs{First: &n, After: deep}},
	}
	for _, p := range pages {
		page, err := p.args.Resolve(2)
		if err != nil {
			b.Fatal(err)
		}
		plan, err := ExplainTimelinePage(st, ws, timeline.Filter{ThreadID: th}, page)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("%s: %d entries in the thread, %d in the workspace; query plan:\n%s", p.name, seeded.Entries, seeded.Total,
			strings.Join(plan, "\n"))
		if bad := TimelinePlanProblems(plan); len(bad) > 0 {
			b.Errorf("%s: the plan scans timeline_entries or sorts: %q", p.name, bad)
		}
	}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			bench.Benchmark(b, b.N, 1, func(ctx context.Context, _ int) error {
				got, _, err := read(ctx, ws, th, p.args)
				if err == nil && got != n {
					err = fmt.Errorf("read %d entries, want %d", got, n)
				}
				return err
			}, "pages/s")
		})
	}
}
