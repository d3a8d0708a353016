package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/timeline"
)

// threadFixture is a workspace with a customer, for thread tests.
func threadFixture(t *testing.T, st store.Store, name string) (string, string) {
	t.Helper()
	w := MustCreateWorkspace(t, st, name)
	c := NewCustomer(w.ID, "C", "c@example.com")
	mustUpdate(t, st, func(tx store.Tx) error { return tx.CreateCustomer(ctx, c) })
	return w.ID, c.ID
}

// newThread returns a TODO thread of customer with ref (not stored).
func newThread(ws, customerID string, ref int64) thread.Thread {
	now, by := core.SystemClock{}.Now(), core.SystemActor
	return thread.Thread{ID: core.NewID(core.PrefixThread), WorkspaceID: ws, Ref: ref, CustomerID: customerID,
		Title: fmt.Sprint("Thread ", ref), Priority: thread.DefaultPriority, Status: thread.StatusTodo,
		StatusDetail: thread.DetailCreated, StatusChangedAt: now, StatusChangedBy: by, Channel: thread.ChannelAPI,
		CreatedAt: now, CreatedBy: by, UpdatedAt: now, UpdatedBy: by}
}

// testThreadChanges checks that UpdateThread overwrites every mutable
// column, LockThread reads what GetThread reads, refs are unique per
// workspace, and a timeline reads back oldest first.
func testThreadChanges(t *testing.T, st store.Store) {
	ws, cust := threadFixture(t, st, "A")
	other, _ := threadFixture(t, st, "B")
	th := newThread(ws, cust, 1)
	mustUpdate(t, st, func(tx store.Tx) error { return tx.CreateThread(ctx, th) })
	dupRef := newThread(ws, cust, 1)
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.CreateThread(ctx, dupRef) }); !errors.Is(err, core.ErrDuplicate) {
		t.Fatalf("a ref twice in one workspace: %v, want ErrDuplicate", err)
	}
	later, by := th.CreatedAt.Add(time.Minute), core.Actor{Type: core.ActorUser, ID: "u_2"}
	changed := th
	changed.ExternalID, changed.Title, changed.Description, changed.PreviewText = core.Ptr("ext"), "New title", core.Ptr("desc"), core.Ptr("pv")
	changed.Priority, changed.Status, changed.StatusDetail = 0, thread.StatusSnoozed, thread.DetailWaitingForDuration
	changed.StatusChangedAt, changed.StatusChangedBy, changed.WaitingUntil = later, by, &later
	changed.Channel, changed.TenantID, changed.Assignee, changed.AssignedAt = thread.ChannelEmail, core.Ptr("tenant_1"), &by, &later
	changed.TierID = core.Ptr("tier_1")
	changed.UpdatedAt, changed.UpdatedBy = later, by
	cust1 := core.Actor{Type: core.ActorCustomer, ID: cust}
	changed.Messages = thread.Messages{
		FirstInbound:  &thread.MessageInfo{At: th.CreatedAt, Source: thread.SourceChat, Actor: cust1},
		LastInbound:   &thread.MessageInfo{At: later, Source: thread.SourceEmail, Actor: cust1},
		FirstOutbound: &thread.MessageInfo{At: later, Source: thread.SourceChat, Actor: by}}
	mustUpdate(t, st, func(tx store.Tx) error {
		locked, err := tx.LockThread(ctx, ws, th.ID)
		if err != nil || !reflect.DeepEqual(locked, th) {
			return fmt.Errorf("LockThread = %+v, %v; want %+v", locked, err, th)
		}
		return tx.UpdateThread(ctx, changed)
	})
	mustView(t, st, func(tx store.Tx) error {
		if got, err := tx.GetThread(ctx, ws, th.ID); err != nil || !reflect.DeepEqual(got, changed) {
			t.Errorf("after UpdateThread: %+v, %v; want %+v", got, err, changed)
		}
		return nil
	})
	moved := changed
	moved.WorkspaceID = other
	for name, fn := range map[string]func(tx store.Tx) error{
		"GetThread through B":     func(tx store.Tx) error { _, err := tx.GetThread(ctx, other, th.ID); return err },
		"LockThread through B":    func(tx store.Tx) error { _, err := tx.LockThread(ctx, other, th.ID); return err },
		"GetThreadByRef missing":  func(tx store.Tx) error { _, err := tx.GetThreadByRef(ctx, ws, 2); return err },
		"GetThreadByExternalID B": func(tx store.Tx) error { _, err := tx.GetThreadByExternalID(ctx, other, cust, "ext"); return err },
		"UpdateThread through B":  func(tx store.Tx) error { return tx.UpdateThread(ctx, moved) },
		"LockThread of no thread": func(tx store.Tx) error { _, err := tx.LockThread(ctx, ws, "th_missing"); return err },
	} {
		if err := st.Update(ctx, fn); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", name, err)
		}
	}
	var entries []timeline.Entry
	mustUpdate(t, st, func(tx store.Tx) error {
		for i := range 3 {
			e := timeline.Entry{ID: core.NewID(core.PrefixTimeline), WorkspaceID: ws, ThreadID: th.ID, CustomerID: cust,
				Kind: timeline.KindThreadCreated, Payload: []byte(fmt.Sprintf(`[{"n":%d}]`, i)), Actor: by, CreatedAt: later.Add(time.Duration(i) * time.Second)}
			entries = append(entries, e)
			if err := tx.CreateTimelineEntry(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
	slices.SortFunc(entries, func(a, b timeline.Entry) int { return strings.Compare(a.ID, b.ID) })
	mustView(t, st, func(tx store.Tx) error {
		if got, err := tx.TimelineOfThread(ctx, ws, th.ID); err != nil || !reflect.DeepEqual(got, entries) {
			t.Errorf("TimelineOfThread = %+v, %v; want %+v", got, err, entries)
		}
		if got, err := tx.TimelineOfThread(ctx, other, th.ID); err != nil || len(got) != 0 {
			t.Errorf("TimelineOfThread through B = %+v, %v", got, err)
		}
		return nil
	})
}

// snoozed stores a thread of customer snoozed until now+wake (nil: waiting
// for the customer, without a wake time).
func snoozed(t *testing.T, st store.Store, ws, customerID string, ref int64, now core.Time, wake *time.Duration) thread.Thread {
	t.Helper()
	th := newThread(ws, customerID, ref)
	th.Status, th.StatusDetail = thread.StatusSnoozed, thread.DetailWaitingForCustomer
	if wake != nil {
		at := now.Add(*wake)
		th.StatusDetail, th.WaitingUntil = thread.DetailWaitingForDuration, &at
	}
	mustUpdate(t, st, func(tx store.Tx) error { return tx.CreateThread(ctx, th) })
	return th
}

func threadIDs(ths []thread.Thread) []string {
	out := make([]string, len(ths))
	for i, th := range ths {
		out[i] = th.ID
	}
	return out
}

// testDueSnoozedThreads checks which snoozed threads are due, of every
// workspace: those whose wake time has come, earliest first, up to the
// limit; and NextWake.
func testDueSnoozedThreads(t *testing.T, st store.Store) {
	a, ca := threadFixture(t, st, "A")
	b, cb := threadFixture(t, st, "B")
	now := core.SystemClock{}.Now()
	d := func(s int) *time.Duration { v := time.Duration(s) * time.Second; return &v }
	third := snoozed(t, st, a, ca, 1, now, d(-10))
	first := snoozed(t, st, b, cb, 1, now, d(-30))
	second := snoozed(t, st, a, ca, 2, now, d(-20))
	atNow := snoozed(t, st, b, cb, 2, now, d(0))
	future := snoozed(t, st, a, ca, 3, now, d(60))
	snoozed(t, st, a, ca, 4, now, nil) // waits for the customer: never due
	todo := newThread(a, ca, 5)
	todo.WaitingUntil = &now // not snoozed: never due
	mustUpdate(t, st, func(tx store.Tx) error { return tx.CreateThread(ctx, todo) })

	due := func(at core.Time, limit int) []string {
		var ths []thread.Thread
		mustUpdate(t, st, func(tx store.Tx) (err error) { ths, err = tx.DueSnoozedThreads(ctx, at, limit); return err })
		return threadIDs(ths)
	}
	if got, want := due(now, 10), threadIDs([]thread.Thread{first, second, third, atNow}); !slices.Equal(got, want) {
		t.Errorf("due now: %v, want %v (earliest first, across workspaces)", got, want)
	}
	if got := due(now, 2); !slices.Equal(got, threadIDs([]thread.Thread{first, second})) {
		t.Errorf("due now, limit 2: %v", got)
	}
	if got := due(now.Add(time.Hour), 10); len(got) != 5 || got[4] != future.ID {
		t.Errorf("due in an hour: %v", got)
	}
	if got := due(now.Add(-time.Hour), 10); len(got) != 0 {
		t.Errorf("due an hour ago: %v", got)
	}
	var next core.Time
	mustView(t, st, func(tx store.Tx) (err error) { next, err = tx.NextWake(ctx); return err })
	if next != *first.WaitingUntil {
		t.Errorf("NextWake = %v, want the earliest wake time of any workspace, %v", next.ISO8601(), first.WaitingUntil.ISO8601())
	}
}

// testDueSnoozedSkipsLocked checks, on PostgreSQL, that a scheduler
// replica passes over the due threads another replica's open transaction
// holds instead of waiting for them.
func testDueSnoozedSkipsLocked(t *testing.T, st store.Store) {
	if !concurrentUpdates(st) {
		t.Skipf("the %s store runs one Update at a time: no replica ever meets another's locks", st.Backend())
	}
	ws, cust := threadFixture(t, st, "A")
	now := core.SystemClock{}.Now()
	var all []thread.Thread
	for i := range 4 {
		wake := time.Duration(i-10) * time.Second
		all = append(all, snoozed(t, st, ws, cust, int64(i+1), now, &wake))
	}
	var held, other []thread.Thread
	whileHolding(t, st, func(tx store.Tx) (err error) {
		held, err = tx.DueSnoozedThreads(ctx, now, 2)
		return err
	}, func(ctx context.Context, tx store.Tx) (err error) {
		other, err = tx.DueSnoozedThreads(ctx, now, 10)
		return err
	})
	if !slices.Equal(threadIDs(held), threadIDs(all[:2])) || !slices.Equal(threadIDs(other), threadIDs(all[2:])) {
		t.Fatalf("holder got %v, the other replica %v; want the first two and the last two", threadIDs(held), threadIDs(other))
	}
}

// testCountThreads counts a workspace's threads by filter.
func testCountThreads(t *testing.T, st store.Store) {
	ws, cust := threadFixture(t, st, "A")
	other, otherCust := threadFixture(t, st, "B")
	now := core.SystemClock{}.Now()
	lt, err := label.NewType(ws, label.CreateInput{Name: "Bug"}, now, core.SystemActor)
	if err != nil {
		t.Fatal(err)
	}
	mustUpdate(t, st, func(tx store.Tx) error {
		if err := tx.CreateLabelType(ctx, lt); err != nil {
			return err
		}
		for i := range 6 {
			th := newThread(ws, cust, int64(i+1))
			if i%3 == 0 {
				th.Status, th.StatusDetail = thread.StatusDone, thread.DetailDoneManuallySet
			}
			if err := tx.CreateThread(ctx, th); err != nil {
				return err
			}
			if i < 3 { // values "a", "b", "c" of the field "area"
				v := field.Value{ID: core.NewID(core.PrefixThreadField), WorkspaceID: ws, ThreadID: th.ID, Key: "area",
					Type: field.TypeString, String: core.Ptr(string(rune('a' + i))), CreatedAt: now, CreatedBy: core.SystemActor,
					UpdatedAt: now, UpdatedBy: core.SystemActor}
				if err := tx.CreateFieldValue(ctx, v); err != nil {
					return err
				}
			}
			if i < 2 {
				if err := tx.CreateLabel(ctx, label.Label{ID: core.NewID(core.PrefixLabel), WorkspaceID: ws, ThreadID: th.ID,
					TypeID: lt.ID, CreatedAt: now, CreatedBy: core.SystemActor, UpdatedAt: now, UpdatedBy: core.SystemActor}); err != nil {
					return err
				}
			}
		}
		return tx.CreateThread(ctx, newThread(other, otherCust, 1))
	})
	for name, c := range map[string]struct {
		f    thread.Filter
		want int
	}{
		"all":           {thread.Filter{}, 6},
		"todo":          {thread.Filter{Statuses: []thread.Status{thread.StatusTodo}}, 4},
		"labeled":       {thread.Filter{LabelTypeIDs: []string{lt.ID}}, 2},
		"todo, labeled": {thread.Filter{Statuses: []thread.Status{thread.StatusTodo}, LabelTypeIDs: []string{lt.ID}}, 1},
		"nothing":       {thread.Filter{MatchNothing: true}, 0},
		"area a or b":   {thread.Filter{ThreadFields: []thread.FieldFilter{{Key: "area", Strings: []string{"a", "b", "z"}}}}, 2},
		"area c, todo": {thread.Filter{Statuses: []thread.Status{thread.StatusTodo},
			ThreadFields: []thread.FieldFilter{{Key: "area", String: core.Ptr("c"), Strings: []string{"c"}}}}, 1},
	} {
		var n int
		var rows []store.ThreadRow
		mustView(t, st, func(tx store.Tx) (err error) {
			if n, err = tx.CountThreads(ctx, ws, c.f); err != nil {
				return err
			}
			p, _ := core.PageArgs{First: core.Ptr(100)}.Resolve(2)
			rows, err = tx.ListThreads(ctx, ws, c.f, thread.DefaultSort, p)
			return err
		})
		if n != c.want || len(rows) != c.want {
			t.Errorf("%s: CountThreads = %d, ListThreads %d rows; want %d", name, n, len(rows), c.want)
		}
	}
}

// testExplainListThreads checks that a backend that explains thread lists
// returns the plan of a list query over the threads table.
func testExplainListThreads(t *testing.T, st store.Store) {
	ws, cust := threadFixture(t, st, "A")
	mustUpdate(t, st, func(tx store.Tx) error { return tx.CreateThread(ctx, newThread(ws, cust, 1)) })
	explained := false
	mustView(t, st, func(tx store.Tx) error {
		ex, ok := tx.(store.ThreadListExplainer)
		if !ok {
			return nil
		}
		explained = true
		p, _ := core.PageArgs{First: core.Ptr(25)}.Resolve(2)
		lines, err := ex.ExplainListThreads(ctx, ws, thread.Filter{Statuses: []thread.Status{thread.StatusTodo}}, thread.DefaultSort, p)
		if err != nil || len(lines) == 0 || !strings.Contains(strings.Join(lines, "\n"), "threads") {
			t.Errorf("ExplainListThreads = %q, %v; want a plan reading threads", lines, err)
		}
		return nil
	})
	if !explained {
		t.Skipf("the %s store does not explain thread lists (no store.ThreadListExplainer)", st.Backend())
	}
}
