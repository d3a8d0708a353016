package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/timeline"
)

// timelineFixture is a workspace with a customer, two threads of theirs
// and a thread of another customer; the first thread's timeline holds
// entries at shuffled times (two at the same time), the others one each.
type timelineFixture struct {
	ws, customer       string
	thread, second     thread.Thread
	strangers          thread.Thread
	entries            []timeline.Entry // of thread, in timeline order
	secondE, strangerE timeline.Entry
}

func newTimelineFixture(t *testing.T, st store.Store) timelineFixture {
	t.Helper()
	f := timelineFixture{}
	f.ws, f.customer = threadFixture(t, st, "A")
	other := NewCustomer(f.ws, "Other", "other@example.com")
	mustUpdate(t, st, func(tx store.Tx) error { return tx.CreateCustomer(ctx, other) })
	f.thread, f.second, f.strangers = newThread(f.ws, f.customer, 1), newThread(f.ws, f.customer, 2), newThread(f.ws, other.ID, 3)
	f.second.CreatedAt = f.thread.CreatedAt.Add(time.Second)
	base := core.FromMillis(1_700_000_000_000)
	offsets := []int{5, 1, 3, 3, 0, 9, 7} // seconds
	entry := func(th thread.Thread, k timeline.Kind, source string, at core.Time) timeline.Entry {
		return timeline.Entry{ID: core.NewID(core.PrefixTimeline), WorkspaceID: f.ws, ThreadID: th.ID, CustomerID: th.CustomerID,
			Kind: k, SourceID: source, Payload: []byte(`{"v":1}`), Actor: core.SystemActor, CreatedAt: at}
	}
	mustUpdate(t, st, func(tx store.Tx) error {
		for _, th := range []thread.Thread{f.thread, f.second, f.strangers} {
			if err := tx.CreateThread(ctx, th); err != nil {
				return err
			}
		}
		for i, off := range offsets {
			k, source := timeline.KindChat, fmt.Sprint("ch_", i)
			if i%2 == 1 {
				k, source = timeline.KindStatusTransitioned, ""
			}
			e := entry(f.thread, k, source, base.Add(time.Duration(off)*time.Second))
			f.entries = append(f.entries, e)
			if err := tx.CreateTimelineEntry(ctx, e); err != nil {
				return err
			}
		}
		f.secondE, f.strangerE = entry(f.second, timeline.KindNote, "n_1", base.Add(4*time.Second)), entry(f.strangers, timeline.KindNote, "n_2", base)
		if err := tx.CreateTimelineEntry(ctx, f.secondE); err != nil {
			return err
		}
		return tx.CreateTimelineEntry(ctx, f.strangerE)
	})
	slices.SortFunc(f.entries, timelineOrder)
	return f
}

// timelineOrder orders entries by time, then id.
func timelineOrder(a, b timeline.Entry) int {
	if c := a.CreatedAt.Millis() - b.CreatedAt.Millis(); c != 0 {
		return int(c)
	}
	return strings.Compare(a.ID, b.ID)
}

// readTimeline pages through a timeline with pages of n, forward or
// backward, and returns what it read in timeline order.
func readTimeline(t *testing.T, st store.Store, ws string, f timeline.Filter, n int, backward bool) []timeline.Entry {
	t.Helper()
	var out []timeline.Entry
	var cur core.Cursor
	for range 100 {
		p := core.Page{Limit: n, Backward: backward}
		if backward {
			p.Before = cur
		} else {
			p.After = cur
		}
		var page []timeline.Entry
		mustView(t, st, func(tx store.Tx) (err error) {
			page, err = tx.ListTimeline(ctx, ws, f, p)
			return err
		})
		more := len(page) > n
		if more {
			page = page[:n]
		}
		if backward {
			out = append(slices.Clone(page), out...)
			slices.Reverse(out[:len(page)])
		} else {
			out = append(out, page...)
		}
		if !more {
			return out
		}
		last := page[len(page)-1]
		cur = core.Cursor{fmt.Sprint(last.CreatedAt.Millis()), last.ID}
	}
	t.Fatal("the timeline never ended")
	return nil
}

// testTimelinePages checks that a thread's and a customer's timelines read
// in time order, then id, through keyset pages in both directions, that
// kinds filter them, and that no other workspace, thread or customer
// shows through.
func testTimelinePages(t *testing.T, st store.Store) {
	f := newTimelineFixture(t, st)
	for _, n := range []int{1, 2, 3, 100} {
		for _, back := range []bool{false, true} {
			if got := readTimeline(t, st, f.ws, timeline.Filter{ThreadID: f.thread.ID}, n, back); !reflect.DeepEqual(got, f.entries) {
				t.Errorf("pages of %d (backward %v): %v, want %v", n, back, entryIDs(got), entryIDs(f.entries))
			}
		}
	}
	chats := readTimeline(t, st, f.ws, timeline.Filter{ThreadID: f.thread.ID, Kinds: []timeline.Kind{timeline.KindChat}}, 2, false)
	if len(chats) != 4 || slices.ContainsFunc(chats, func(e timeline.Entry) bool { return e.Kind != timeline.KindChat }) {
		t.Errorf("chats only: %v", chats)
	}
	if got := readTimeline(t, st, f.ws, timeline.Filter{ThreadID: f.thread.ID, MatchNothing: true}, 5, false); len(got) != 0 {
		t.Errorf("MatchNothing: %v", entryIDs(got))
	}
	want := append(slices.Clone(f.entries), f.secondE)
	slices.SortFunc(want, timelineOrder)
	if got := readTimeline(t, st, f.ws, timeline.Filter{CustomerID: f.customer}, 3, false); !reflect.DeepEqual(got, want) {
		t.Errorf("the customer's timeline: %v, want %v", entryIDs(got), entryIDs(want))
	}
	other := MustCreateWorkspace(t, st, "B")
	for name, fl := range map[string]timeline.Filter{"thread": {ThreadID: f.thread.ID}, "customer": {CustomerID: f.customer}} {
		if got := readTimeline(t, st, other.ID, fl, 10, false); len(got) != 0 {
			t.Errorf("the %s's timeline through workspace B: %v", name, entryIDs(got))
		}
	}
	mustView(t, st, func(tx store.Tx) error {
		if _, err := tx.ListTimeline(ctx, f.ws, timeline.Filter{ThreadID: f.thread.ID}, core.Page{Limit: 5, After: core.Cursor{"x", "y"}}); err == nil {
			t.Error("a cursor whose time is not a number was accepted")
		}
		return nil
	})
}

func entryIDs(es []timeline.Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

// testTimelineEntryChanges checks reads of one entry and of a source's
// entries, overwriting and deleting entries, and a customer's recent
// threads, each only in its workspace.
func testTimelineEntryChanges(t *testing.T, st store.Store) {
	f := newTimelineFixture(t, st)
	other := MustCreateWorkspace(t, st, "B")
	e := f.entries[2]
	changed := e
	changed.Payload, changed.Actor = []byte(`{"v":1,"text":"edited"}`), core.Actor{Type: core.ActorUser, ID: "u_9"}
	mustUpdate(t, st, func(tx store.Tx) error { return tx.UpdateTimelineEntry(ctx, changed) })
	mustView(t, st, func(tx store.Tx) error {
		if got, err := tx.GetTimelineEntry(ctx, f.ws, e.ID); err != nil || !reflect.DeepEqual(got, changed) {
			t.Errorf("GetTimelineEntry after update = %+v, %v; want %+v", got, err, changed)
		}
		if got, err := tx.TimelineEntriesOfSource(ctx, f.ws, e.SourceID); err != nil || len(got) != 1 || got[0].ID != e.ID {
			t.Errorf("TimelineEntriesOfSource(%s) = %v, %v", e.SourceID, entryIDs(got), err)
		}
		if got, err := tx.TimelineEntriesOfSource(ctx, other.ID, e.SourceID); err != nil || len(got) != 0 {
			t.Errorf("TimelineEntriesOfSource through B = %v, %v", entryIDs(got), err)
		}
		threads, err := tx.RecentThreadsOfCustomer(ctx, f.ws, f.customer, 5)
		if err != nil || len(threads) != 2 || threads[0].ID != f.second.ID || threads[1].ID != f.thread.ID {
			t.Errorf("RecentThreadsOfCustomer = %+v, %v", threads, err)
		}
		if threads, err := tx.RecentThreadsOfCustomer(ctx, f.ws, f.customer, 1); err != nil || len(threads) != 1 {
			t.Errorf("RecentThreadsOfCustomer limit 1: %d, %v", len(threads), err)
		}
		if threads, err := tx.RecentThreadsOfCustomer(ctx, other.ID, f.customer, 5); err != nil || len(threads) != 0 {
			t.Errorf("RecentThreadsOfCustomer through B: %d, %v", len(threads), err)
		}
		return nil
	})
	moved := changed
	moved.WorkspaceID = other.ID
	for name, fn := range map[string]func(tx store.Tx) error{
		"GetTimelineEntry through B":    func(tx store.Tx) error { _, err := tx.GetTimelineEntry(ctx, other.ID, e.ID); return err },
		"UpdateTimelineEntry through B": func(tx store.Tx) error { return tx.UpdateTimelineEntry(ctx, moved) },
		"DeleteTimelineEntry through B": func(tx store.Tx) error { return tx.DeleteTimelineEntry(ctx, other.ID, e.ID) },
	} {
		if err := st.Update(ctx, fn); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", name, err)
		}
	}
	mustUpdate(t, st, func(tx store.Tx) error { return tx.DeleteTimelineEntry(ctx, f.ws, e.ID) })
	mustView(t, st, func(tx store.Tx) error {
		if _, err := tx.GetTimelineEntry(ctx, f.ws, e.ID); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("a deleted entry: %v", err)
		}
		return nil
	})
}

// badTimelinePlan matches plan lines that read the whole entries table or
// sort: SQLite's SCAN of the table or a temporary B-tree, PostgreSQL's
// Seq Scan or Sort.
var badTimelinePlan = regexp.MustCompile(`^\s*SCAN timeline_entries\b|TEMP B-TREE|Seq Scan|\bSort\b`)

// TimelinePlanProblems returns the lines of a timeline page's plan that
// scan the entries table or sort.
func TimelinePlanProblems(plan []string) []string {
	var bad []string
	for _, line := range plan {
		if badTimelinePlan.MatchString(line) {
			bad = append(bad, line)
		}
	}
	return bad
}

// ExplainTimelinePage returns the plan of a page of a timeline.
func ExplainTimelinePage(st store.Store, ws string, f timeline.Filter, p core.Page) ([]string, error) {
	var plan []string
	err := st.View(ctx, func(tx store.Tx) error {
		ex, ok := tx.(store.TimelineExplainer)
		if !ok {
			return errors.New("the store cannot explain timeline pages")
		}
		var err error
		plan, err = ex.ExplainListTimeline(ctx, ws, f, p)
		return err
	})
	return plan, err
}

// testExplainListTimeline checks that ExplainListTimeline explains the
// pages of a thread's and a customer's timeline and, on SQLite (whose
// planner prefers an index whatever the table's size), that every page
// reads an index in order: no scan, no sort. On PostgreSQL, whose planner
// rightly scans a table this small, the timeline benchmark checks plans on
// 10,000 entries.
func testExplainListTimeline(t *testing.T, st store.Store) {
	f := newTimelineFixture(t, st)
	cur := core.Cursor{"1700000000000", f.entries[0].ID}
	for _, fl := range []timeline.Filter{{ThreadID: f.thread.ID}, {CustomerID: f.customer},
		{ThreadID: f.thread.ID, Kinds: []timeline.Kind{timeline.KindChat, timeline.KindNote}}} {
		for _, p := range []core.Page{{Limit: 50}, {Limit: 50, After: cur}, {Limit: 50, Backward: true}, {Limit: 50, Backward: true, Before: cur}} {
			plan, err := ExplainTimelinePage(st, f.ws, fl, p)
			if err != nil {
				t.Fatal(err)
			}
			if len(plan) == 0 {
				t.Fatalf("no plan for %+v %+v", fl, p)
			}
			if !strings.Contains(strings.Join(plan, "\n"), "timeline_entries") {
				t.Errorf("the plan does not read timeline_entries:\n%s", strings.Join(plan, "\n"))
			}
			if bad := TimelinePlanProblems(plan); st.Backend() == "sqlite" && len(bad) > 0 {
				t.Errorf("%+v %+v: the plan scans or sorts: %q\n%s", fl, p, bad, strings.Join(plan, "\n"))
			}
		}
	}
}
