package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/workspace"
)

// The guarantees of group commit, where Updates share a transaction each
// in a savepoint of its own: what one request does (fail, panic, break a
// constraint) stays its own.

// outcome is what request i of a concurrent burst does after writing its
// workspace.
type outcome int

const (
	succeeds outcome = iota
	returnsError
	panics
	violatesConstraint // writes a row that exists already and returns that error
)

func outcomeOf(i int) outcome { return outcome(i % 4) }

// burst runs n Updates released at once, request i writing workspace ws[i]
// and publishing its index on topic, then doing what outcomeOf(i) says.
func burst(t *testing.T, st store.Store, ws []workspace.Workspace, existing workspace.Workspace, topic string) []error {
	t.Helper()
	errs := make([]error, len(ws))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range ws {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = st.Update(ctx, func(tx store.Tx) error {
				if err := tx.CreateWorkspace(ctx, ws[i]); err != nil {
					return err
				}
				if topic != "" {
					if err := tx.Publish(ctx, topic, fmt.Sprint(i)); err != nil {
						return err
					}
				}
				switch outcomeOf(i) {
				case returnsError:
					return fmt.Errorf("request %d fails", i)
				case panics:
					panic(fmt.Sprintf("request %d panics", i))
				case violatesConstraint:
					return tx.CreateWorkspace(ctx, existing)
				}
				return nil
			})
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// testBatchIsolation runs Updates at once, some failing in each way after
// writing: each reports its own outcome, the failed ones leave nothing,
// and every successful one lands.
func testBatchIsolation(t *testing.T, st store.Store) {
	existing := MustCreateWorkspace(t, st, "Existing")
	for round := range 3 {
		ws := make([]workspace.Workspace, 80)
		for i := range ws {
			ws[i] = NewWorkspace(fmt.Sprintf("R%d W%d", round, i))
		}
		errs := burst(t, st, ws, existing, "")
		_ = st.View(ctx, func(tx store.Tx) error {
			for i := range ws {
				_, err := tx.GetWorkspace(ctx, ws[i].ID)
				switch o := outcomeOf(i); {
				case o == succeeds && errs[i] != nil:
					t.Errorf("request %d failed: %v", i, errs[i])
				case o == succeeds && err != nil:
					t.Errorf("successful request %d lost: %v", i, err)
				case o == violatesConstraint && !errors.Is(errs[i], core.ErrDuplicate):
					t.Errorf("request %d breaking a constraint returned %v, want ErrDuplicate", i, errs[i])
				case o != succeeds && errs[i] == nil:
					t.Errorf("failing request %d (outcome %d) succeeded", i, o)
				case o != succeeds && !errors.Is(err, core.ErrNotFound):
					t.Errorf("failed request %d (outcome %d) persisted (%v)", i, o, err)
				}
			}
			return nil
		})
	}
}

// testBatchPublishes runs Updates at once that publish, some failing:
// subscribers hear every successful one's message and no failed one's.
func testBatchPublishes(t *testing.T, st store.Store) {
	b, ok := st.(store.Broadcaster)
	if !ok {
		t.Fatalf("the %s store carries no messages (store.Broadcaster)", st.Backend())
	}
	const topic = "tl_batch"
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch, err := b.Subscribe(sctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	// The subscription may take a moment to reach the database.
	for i := 0; ; i++ {
		mustUpdate(t, st, func(tx store.Tx) error { return tx.Publish(ctx, topic, fmt.Sprint("ping", i)) })
		select {
		case m := <-ch:
			if m == fmt.Sprint("ping", i) {
				goto ready
			}
		case <-time.After(200 * time.Millisecond):
		}
		if i > 50 {
			t.Fatal("the subscription never received anything")
		}
	}
ready:
	for len(ch) > 0 {
		<-ch
	}
	existing := MustCreateWorkspace(t, st, "Existing")
	ws := make([]workspace.Workspace, 120)
	for i := range ws {
		ws[i] = NewWorkspace(fmt.Sprint("P", i))
	}
	errs := burst(t, st, ws, existing, topic)
	want := map[string]bool{}
	for i := range ws {
		if outcomeOf(i) == succeeds {
			if errs[i] != nil {
				t.Fatalf("request %d: %v", i, errs[i])
			}
			want[fmt.Sprint(i)] = true
		}
	}
	got := map[string]bool{}
	for len(got) < len(want) {
		select {
		case m := <-ch:
			if !want[m] {
				t.Fatalf("received %q, published by a request that failed", m)
			}
			got[m] = true
		case <-time.After(5 * time.Second):
			t.Fatalf("received %d of the %d messages of successful requests", len(got), len(want))
		}
	}
	select {
	case m := <-ch:
		t.Fatalf("received %q after every expected message", m)
	case <-time.After(300 * time.Millisecond):
	}
}

// lateFailure is where request i of testBatchInsertFailures writes an
// event whose id is taken, and what it does after.
type lateFailure int

const (
	lateSucceeds     lateFailure = iota
	dupThenRead                  // reads after the insert and returns the read's error
	dupThenReturn                // returns right after the insert
	dupReadSwallowed             // reads after the insert and returns nil whatever the read said
)

// testBatchInsertFailures runs Updates at once that write a workspace and
// an event, some of them an event whose id is taken: a backend may send
// such inserts late (sqldb.Pipeliner), but each failure is still its own
// request's ErrDuplicate, even one its fn never saw, and leaves nothing.
func testBatchInsertFailures(t *testing.T, st store.Store) {
	existing := MustCreateWorkspace(t, st, "Existing")
	now := core.SystemClock{}.Now()
	taken := event.Record{ID: core.NewID(core.PrefixEvent), WorkspaceID: existing.ID, Type: "test.taken",
		Payload: []byte(`{}`), Actor: core.SystemActor, CreatedAt: now}
	mustUpdate(t, st, func(tx store.Tx) error { return tx.AppendEvent(ctx, taken) })
	ws := make([]workspace.Workspace, 80)
	evs := make([]event.Record, len(ws))
	errs := make([]error, len(ws))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range ws {
		ws[i] = NewWorkspace(fmt.Sprint("L", i))
		mode := lateFailure(i % 4)
		evs[i] = event.Record{ID: core.NewID(core.PrefixEvent), WorkspaceID: ws[i].ID, Type: "test.late",
			Payload: []byte(`{}`), Actor: core.SystemActor, CreatedAt: now}
		if mode != lateSucceeds {
			evs[i].ID = taken.ID
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = st.Update(ctx, func(tx store.Tx) error {
				if err := tx.CreateWorkspace(ctx, ws[i]); err != nil {
					return err
				}
				if err := tx.AppendEvent(ctx, evs[i]); err != nil {
					return err
				}
				switch mode {
				case dupThenRead:
					_, err := tx.GetWorkspace(ctx, ws[i].ID)
					return err
				case dupReadSwallowed:
					_, _ = tx.GetWorkspace(ctx, ws[i].ID)
				}
				return nil
			})
		}()
	}
	close(start)
	wg.Wait()
	mustView(t, st, func(tx store.Tx) error {
		for i := range ws {
			_, err := tx.GetWorkspace(ctx, ws[i].ID)
			got, _ := tx.ListEvents(ctx, ws[i].ID, 0, 10)
			switch mode := lateFailure(i % 4); {
			case mode == lateSucceeds && (errs[i] != nil || err != nil || len(got) != 1):
				t.Errorf("request %d: %v; workspace read: %v; %d events, want 1", i, errs[i], err, len(got))
			case mode != lateSucceeds && !errors.Is(errs[i], core.ErrDuplicate):
				t.Errorf("request %d (mode %d) writing a taken event id returned %v, want ErrDuplicate", i, mode, errs[i])
			case mode != lateSucceeds && (!errors.Is(err, core.ErrNotFound) || len(got) != 0):
				t.Errorf("failed request %d (mode %d) persisted: workspace read %v, %d events", i, mode, err, len(got))
			}
		}
		return nil
	})
}
