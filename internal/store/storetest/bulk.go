package storetest

import (
	"errors"
	"reflect"
	"testing"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/timeline"
)

// testBulkSeedThreads checks store.BulkSeeder: threads get consecutive refs
// from the workspace's counter, in the order gen is called, and are written
// with their labels and timeline entries across several INSERT statements;
// a failing batch writes nothing and takes no refs.
func testBulkSeedThreads(t *testing.T, st store.Store) {
	bulk, ok := st.(store.BulkSeeder)
	if !ok {
		t.Skipf("the %s store does not bulk-load threads (no store.BulkSeeder)", st.Backend())
	}
	ws, cust := threadFixture(t, st, "A")
	now := core.SystemClock{}.Now()
	lt, err := label.NewType(ws, label.CreateInput{Name: "Bug"}, now, core.SystemActor)
	if err != nil {
		t.Fatal(err)
	}
	var first int64
	mustUpdate(t, st, func(tx store.Tx) error {
		if err := tx.CreateLabelType(ctx, lt); err != nil {
			return err
		}
		first, err = tx.NextCounter(ctx, ws, "thread_ref") // the service took ref 1
		return err
	})
	// More threads and rows than one INSERT statement carries.
	const n = 450
	var made []store.SeedThread
	gen := func(ref int64) store.SeedThread {
		th := newThread(ws, cust, ref)
		s := store.SeedThread{Thread: th, Timeline: []timeline.Entry{{ID: core.NewID(core.PrefixTimeline), WorkspaceID: ws,
			ThreadID: th.ID, CustomerID: cust, Kind: timeline.KindThreadCreated, Payload: []byte(`[]`), Actor: core.SystemActor, CreatedAt: now}}}
		if ref%3 != 0 {
			s.Labels = []label.Label{{ID: core.NewID(core.PrefixLabel), WorkspaceID: ws, ThreadID: th.ID, TypeID: lt.ID,
				CreatedAt: now, CreatedBy: core.SystemActor, UpdatedAt: now, UpdatedBy: core.SystemActor}}
		}
		made = append(made, s)
		return s
	}
	if err := bulk.SeedThreads(ctx, ws, n, gen); err != nil {
		t.Fatal(err)
	}
	if len(made) != n || made[0].Thread.Ref != first+1 || made[n-1].Thread.Ref != first+n {
		t.Fatalf("gen was called %d times, for refs %d to %d; want %d, from %d", len(made), made[0].Thread.Ref, made[len(made)-1].Thread.Ref, n, first+1)
	}
	checkSeeded(t, st, ws, made)

	checkFailedSeeds(t, st, bulk, ws, gen, made[0].Thread.ID, first+n)
}

// checkFailedSeeds seeds batches that fail, after seeded threads up to ref
// last, one of them with id taken: they write nothing and take no refs.
func checkFailedSeeds(t *testing.T, st store.Store, bulk store.BulkSeeder, ws string, gen func(int64) store.SeedThread, taken string, last int64) {
	t.Helper()
	before := 0
	mustView(t, st, func(tx store.Tx) (err error) { before, err = tx.CountThreads(ctx, ws, thread.Filter{}); return err })
	// A thread id already taken, in the second INSERT of threads.
	dup := func(ref int64) store.SeedThread {
		s := gen(ref)
		if ref == last+300 {
			s.Thread.ID = taken
			for i := range s.Labels {
				s.Labels[i].ThreadID = taken
			}
			for i := range s.Timeline {
				s.Timeline[i].ThreadID = taken
			}
		}
		return s
	}
	if err := bulk.SeedThreads(ctx, ws, 400, dup); !errors.Is(err, core.ErrDuplicate) {
		t.Fatalf("a batch with a duplicate thread id: %v, want ErrDuplicate", err)
	}
	// A generator that does not set the ref it is given.
	wrong := func(ref int64) store.SeedThread { s := gen(ref); s.Thread.Ref++; return s }
	if err := bulk.SeedThreads(ctx, ws, 3, wrong); err == nil {
		t.Fatal("a thread generated with another ref was written")
	}
	if err := bulk.SeedThreads(ctx, ws, 0, gen); err == nil {
		t.Fatal("seeding no threads succeeded")
	}
	var count int
	var next int64
	mustUpdate(t, st, func(tx store.Tx) (err error) {
		if count, err = tx.CountThreads(ctx, ws, thread.Filter{}); err != nil {
			return err
		}
		next, err = tx.NextCounter(ctx, ws, "thread_ref")
		return err
	})
	if count != before || next != last+1 {
		t.Fatalf("after failed batches: %d threads, next ref %d; want %d and %d", count, next, before, last+1)
	}
}

// checkSeeded reads the seeded threads back with their labels and entries.
func checkSeeded(t *testing.T, st store.Store, ws string, made []store.SeedThread) {
	t.Helper()
	mustView(t, st, func(tx store.Tx) error {
		labels, ids := 0, make([]string, len(made))
		for i, s := range made {
			ids[i] = s.Thread.ID
			labels += len(s.Labels)
		}
		for _, i := range []int{0, 199, 200, 201, len(made) - 1} {
			s := made[i]
			got, err := tx.GetThreadByRef(ctx, ws, s.Thread.Ref)
			if err != nil || !reflect.DeepEqual(got, s.Thread) {
				t.Errorf("seeded thread #%d = %+v, %v; want %+v", s.Thread.Ref, got, err, s.Thread)
			}
			es, err := tx.TimelineOfThread(ctx, ws, s.Thread.ID)
			if err != nil || !reflect.DeepEqual(es, s.Timeline) {
				t.Errorf("timeline of #%d = %+v, %v", s.Thread.Ref, es, err)
			}
		}
		ls, err := tx.LabelsOfThreads(ctx, ws, ids)
		if err != nil || len(ls) != labels {
			t.Errorf("%d labels, %v; seeded %d", len(ls), err, labels)
		}
		n, err := tx.CountThreads(ctx, ws, thread.Filter{})
		if err != nil || n != len(made) {
			t.Errorf("%d threads, %v; seeded %d", n, err, len(made))
		}
		return nil
	})
}
