package storetest

import (
	"errors"
	"testing"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
)

func testSnoozeWake(t *testing.T, st store.Store) {
	a := MustCreateWorkspace(t, st, "A")
	c := NewCustomer(a.ID, "C", "c@example.com")
	mustUpdate(t, st, func(tx store.Tx) error { return tx.CreateCustomer(ctx, c) })
	now := core.SystemClock{}.Now()
	var ths []thread.Thread
	for i := 0; i < 3; i++ {
		th := MustCreateThread(t, st, c, nil)
		snoozed, err := th.Snooze(core.Ptr(10*(i+1)), nil, now, core.SystemActor)
		if err != nil {
			t.Fatal(err)
		}
		mustUpdate(t, st, func(tx store.Tx) error { return tx.UpdateThread(ctx, snoozed) })
		ths = append(ths, snoozed)
	}
	var next core.Time
	_ = st.View(ctx, func(tx store.Tx) (err error) { next, err = tx.NextWake(ctx); return err })
	if next != now.Add(10_000_000_000) {
		t.Fatalf("next wake %v, want %v", next.ISO8601(), now.Add(10_000_000_000).ISO8601())
	}
	var due []thread.Thread
	mustUpdate(t, st, func(tx store.Tx) (err error) {
		due, err = tx.DueSnoozedThreads(ctx, now.Add(25_000_000_000), 10)
		return err
	})
	if len(due) != 2 || due[0].ID != ths[0].ID || due[1].ID != ths[1].ID {
		t.Fatalf("due at +25s: %d threads", len(due))
	}
	for _, th := range ths {
		woken, ok := th.Wake(now.Add(60_000_000_000))
		if !ok {
			t.Fatal("not woken")
		}
		mustUpdate(t, st, func(tx store.Tx) error { return tx.UpdateThread(ctx, woken) })
	}
	err := st.View(ctx, func(tx store.Tx) error { _, err := tx.NextWake(ctx); return err })
	if !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("next wake with nothing snoozed: %v", err)
	}
}

// testThreadListKeyset pages through a filtered list while threads change
// status underneath: no thread that stays in the filter is skipped or repeated.
func testThreadListKeyset(t *testing.T, st store.Store) {
	a := MustCreateWorkspace(t, st, "A")
	c := NewCustomer(a.ID, "C", "c@example.com")
	mustUpdate(t, st, func(tx store.Tx) error { return tx.CreateCustomer(ctx, c) })
	var ths []thread.Thread
	for i := 0; i < 20; i++ {
		ths = append(ths, MustCreateThread(t, st, c, nil))
	}
	todo := thread.Filter{Statuses: []thread.Status{thread.StatusTodo}}
	seen := map[string]int{}
	var after *string
	for page := 0; ; page++ {
		p, _ := core.PageArgs{First: core.Ptr(4), After: after}.Resolve(2)
		var rows []store.ThreadRow
		_ = st.View(ctx, func(tx store.Tx) (err error) {
			rows, err = tx.ListThreads(ctx, a.ID, todo, thread.DefaultSort, p)
			return err
		})
		conn := core.NewConnection(p, rows, func(r store.ThreadRow) string { return core.EncodeCursor(r.SortValue, r.Thread.ID) })
		for _, e := range conn.Edges {
			seen[e.Node.Thread.ID]++
		}
		// Between pages, close a thread not yet listed (index 2 is the third oldest).
		if page == 1 {
			done, _, _ := ths[2].MarkDone(nil, core.SystemClock{}.Now(), core.SystemActor)
			mustUpdate(t, st, func(tx store.Tx) error { return tx.UpdateThread(ctx, done) })
		}
		if !conn.PageInfo.HasNextPage {
			break
		}
		after = conn.PageInfo.EndCursor
	}
	for i, th := range ths {
		want := 1
		if i == 2 {
			want = 0
		}
		if seen[th.ID] != want {
			t.Errorf("thread %d listed %d times, want %d", i, seen[th.ID], want)
		}
	}
}
