package main

import (
	"context"
	"log/slog"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/app"
	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/component"
	"github.com/threadline/threadline/internal/config"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/timeline"
	"github.com/threadline/threadline/test/harness"
)

func TestSeedThreads(t *testing.T) {
	// A key of the test's own: on PostgreSQL the default would be made in
	// ./data, the package's source directory.
	key := auth.EncodeSecretKey(auth.NewSecretKey())
	t.Setenv("THREADLINE_SECRET_KEY", key)
	for _, b := range harness.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			cfg := config.Defaults()
			cfg.SecretKey = key
			cfg.DatabaseURL = b.NewDatabaseURL(t)
			st, err := app.OpenStore(context.Background(), cfg, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			checkSeed(t, st, service.New(st, nil, nil))
		})
	}
}

// checkSeed generates a small workspace (several batches) and reads it
// back through the store and the service.
func checkSeed(t *testing.T, st store.Store, svc *service.Service) {
	ctx := context.Background()
	const n = 1234
	labeled := 40
	before := core.SystemClock{}.Now()
	var progress []int
	s, err := seedThreads(ctx, svc, st, seedConfig{Count: n, LabeledPercent: &labeled, Batch: 500,
		Progress: func(done int) { progress = append(progress, done) }})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(progress, []int{500, 1000, n}) {
		t.Errorf("progress %v", progress)
	}
	total := 0
	for _, c := range s.ByStatus {
		total += c
	}
	if s.Threads != n || total != n || len(s.LabelTypeIDs) != 3 {
		t.Fatalf("seeded %+v", s)
	}
	// Shares within a wide margin of the defaults (50% done, 40% labeled).
	lab := s.Labeled[thread.StatusTodo] + s.Labeled[thread.StatusSnoozed] + s.Labeled[thread.StatusDone]
	if d := s.ByStatus[thread.StatusDone]; d < n*40/100 || d > n*60/100 || lab < n*30/100 || lab > n*50/100 ||
		s.ByStatus[thread.StatusSnoozed] == 0 || s.ByStatus[thread.StatusTodo] < s.ByStatus[thread.StatusSnoozed] {
		t.Errorf("statuses %v, %d labeled", s.ByStatus, lab)
	}
	sys := service.System(ctx, s.WorkspaceID)

	// Every thread, newest first, as the service lists them.
	var all []thread.Thread
	var after *string
	for {
		first := 100
		p, err := svc.Threads(sys, thread.Filter{}, thread.DefaultSort, core.PageArgs{First: &first, After: after}, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range p.Edges {
			all = append(all, e.Node)
		}
		if !p.PageInfo.HasNextPage {
			break
		}
		after = p.PageInfo.EndCursor
	}
	if len(all) != n {
		t.Fatalf("listed %d threads, want %d", len(all), n)
	}
	now := core.SystemClock{}.Now()
	byStatus := map[thread.Status]int{}
	for i, th := range all {
		byStatus[th.Status]++
		if want := int64(n - i); th.Ref != want { // newest first: refs count down
			t.Fatalf("thread %d has ref %d, want %d", i, th.Ref, want)
		}
		if i > 0 && (th.ID >= all[i-1].ID || th.CreatedAt.Millis() >= all[i-1].CreatedAt.Millis()) {
			t.Fatalf("id and created_at orders disagree at %d", i)
		}
		checkSeededThread(t, th, s, before, now)
	}
	if !maps.Equal(byStatus, s.ByStatus) {
		t.Errorf("listed statuses %v, seeded %v", byStatus, s.ByStatus)
	}

	// Labels and timeline entries, as the store reads them.
	ids := make([]string, len(all))
	for i, th := range all {
		ids[i] = th.ID
	}
	err = st.View(ctx, func(tx store.Tx) error {
		labels, err := tx.LabelsOfThreads(ctx, s.WorkspaceID, ids)
		if err != nil {
			return err
		}
		if len(labels) != s.Labels {
			t.Errorf("%d labels, seeded %d", len(labels), s.Labels)
		}
		for _, l := range labels {
			if !core.ValidID(l.ID, core.PrefixLabel) || !slices.Contains(s.LabelTypeIDs, l.TypeID) || l.CreatedBy != core.SystemActor {
				t.Fatalf("label %+v", l)
			}
		}
		for _, th := range all[:50] {
			es, err := tx.TimelineOfThread(ctx, s.WorkspaceID, th.ID)
			if err != nil {
				return err
			}
			if len(es) != 1 || es[0].Kind != timeline.KindThreadCreated || es[0].CustomerID != s.CustomerID ||
				es[0].CreatedAt != th.CreatedAt || !core.ValidID(es[0].ID, core.PrefixTimeline) {
				t.Fatalf("timeline of %s: %+v", th.ID, es)
			}
			cs, err := component.Unmarshal(es[0].Payload)
			if err != nil || len(cs) != 1 || cs[0].Text == nil || component.PreviewText(cs, thread.MaxPreviewLength) != *th.PreviewText {
				t.Fatalf("timeline payload %s: %v", es[0].Payload, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// The filtered list the benchmark reads, counted by the store.
	f := thread.Filter{Statuses: []thread.Status{thread.StatusTodo}, LabelTypeIDs: s.LabelTypeIDs[:1]}
	p, err := svc.Threads(sys, f, thread.DefaultSort, core.PageArgs{}, true)
	if err != nil {
		t.Fatal(err)
	}
	if p.TotalCount != s.Labeled[thread.StatusTodo] {
		t.Errorf("%d TODO threads with the label, seeded %d", p.TotalCount, s.Labeled[thread.StatusTodo])
	}

	// The service carries on from the seeded refs.
	title := "After seeding"
	th, err := svc.CreateThread(sys, service.CreateThreadInput{Title: &title, Customer: customer.Identifier{CustomerID: &s.CustomerID},
		Components: []component.Component{{Text: &component.Text{Text: "Hello"}}}, HasComponents: true})
	if err != nil {
		t.Fatal(err)
	}
	if th.Ref != n+1 {
		t.Errorf("the next thread has ref %d, want %d", th.Ref, n+1)
	}
}

// checkSeededThread checks one thread against the status model.
func checkSeededThread(t *testing.T, th thread.Thread, s seeded, before, now core.Time) {
	t.Helper()
	okDetail := map[thread.Status][]thread.Detail{
		thread.StatusTodo:    {thread.DetailCreated, thread.DetailInProgress},
		thread.StatusSnoozed: {thread.DetailWaitingForCustomer, thread.DetailWaitingForDuration},
		thread.StatusDone:    {thread.DetailDoneManuallySet, thread.DetailDoneAutomaticallySet},
	}[th.Status]
	wakes := th.StatusDetail == thread.DetailWaitingForDuration
	switch {
	case !core.ValidID(th.ID, core.PrefixThread), th.WorkspaceID != s.WorkspaceID, th.CustomerID != s.CustomerID:
		t.Fatalf("thread %+v: ids", th)
	case !slices.Contains(okDetail, th.StatusDetail):
		t.Fatalf("thread %s: status %s with detail %s", th.ID, th.Status, th.StatusDetail)
	case wakes != (th.WaitingUntil != nil),
		wakes && th.WaitingUntil.Millis() < before.Add(180*24*time.Hour).Millis():
		t.Fatalf("thread %s: %s waking at %v", th.ID, th.StatusDetail, th.WaitingUntil)
	case th.CreatedAt.Millis() < before.Add(-366*24*time.Hour).Millis(), th.StatusChangedAt.Millis() < th.CreatedAt.Millis(),
		th.StatusChangedAt.Millis() > now.Millis(), th.UpdatedAt != th.StatusChangedAt:
		t.Fatalf("thread %s: created %v, status changed %v, updated %v", th.ID, th.CreatedAt, th.StatusChangedAt, th.UpdatedAt)
	case th.StatusDetail == thread.DetailCreated && th.StatusChangedAt != th.CreatedAt:
		t.Fatalf("thread %s: untouched since created, yet changed at %v", th.ID, th.StatusChangedAt)
	case th.Title == "" || th.PreviewText == nil || th.Priority < 0 || th.Priority > 3 || th.Assignee != nil ||
		th.CreatedBy != core.SystemActor || th.StatusChangedBy != core.SystemActor:
		t.Fatalf("thread %+v", th)
	}
}
