package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/webhook"
)

// testHasDueDeliveries checks the dispatcher's cheap "anything to do?"
// probe: a pending delivery whose time has come and that no live lease holds.
func testHasDueDeliveries(t *testing.T, st store.Store) {
	f := newOutboxFixture(t, st)
	has := func(at core.Time) bool {
		var ok bool
		mustView(t, st, func(tx store.Tx) (err error) { ok, err = tx.HasDueDeliveries(ctx, at); return err })
		return ok
	}
	backlog := func() (int, core.Time) {
		var n int
		var oldest core.Time
		mustView(t, st, func(tx store.Tx) (err error) { n, oldest, err = tx.DeliveryBacklog(ctx); return err })
		return n, oldest
	}
	if has(f.now) {
		t.Fatal("due deliveries in an empty store")
	}
	if n, oldest := backlog(); n != 0 || oldest != (core.Time{}) {
		t.Fatalf("backlog of an empty store: %d, %v", n, oldest)
	}
	d := f.delivery(core.NewID(core.PrefixTarget), "k", time.Minute)
	f.create(t, st, d)
	if n, oldest := backlog(); n != 1 || oldest != d.CreatedAt {
		t.Fatalf("backlog: %d, %v; want 1, %v", n, oldest, d.CreatedAt)
	}
	if has(f.now) || !has(f.now.Add(time.Minute)) {
		t.Fatal("a delivery due in a minute: want not due now, due in a minute")
	}
	later := f.now.Add(time.Minute)
	claim(t, st, later, later.Add(30*time.Second), "owner", 10)
	if has(later) || !has(later.Add(31*time.Second)) {
		t.Fatal("a leased delivery: want not due while the lease lives, due once it expired")
	}
	claimed := getDelivery(t, st, f.ws, d.ID)
	if !finish(t, st, delivered(claimed, later), "owner") || has(later.Add(time.Hour)) {
		t.Fatal("a delivered delivery is still due")
	}
	if n, _ := backlog(); n != 0 {
		t.Fatalf("backlog after delivery: %d", n)
	}
}

// testInstrumented checks the reports metrics read: a commit per Update
// (or per batch of them), and the connection pool.
func testInstrumented(t *testing.T, st store.Store) {
	in, ok := st.(store.Instrumented)
	if !ok {
		t.Fatalf("the %s store reports nothing (store.Instrumented)", st.Backend())
	}
	var mu sync.Mutex
	commits, updates := 0, 0
	in.OnCommit(func(n int, took time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		commits++
		updates += n
		if n < 1 || took < 0 {
			t.Errorf("commit of %d updates in %v", n, took)
		}
	})
	for range 3 {
		MustCreateWorkspace(t, st, "W")
	}
	mu.Lock()
	if updates != 3 || commits < 1 || commits > 3 {
		t.Errorf("3 Updates reported as %d updates in %d commits", updates, commits)
	}
	mu.Unlock()
	if p := in.Pool(); p.Open < 1 || p.MaxOpen < p.Open || p.InUse < 0 || p.Idle < 0 {
		t.Errorf("pool: %+v", p)
	}
}

// testDeliveries checks that a delivery reads back as written, only through
// its workspace, and the newest-first list of a workspace's deliveries.
func testDeliveries(t *testing.T, st store.Store) {
	f := newOutboxFixture(t, st)
	g := newOutboxFixture(t, st)
	target := core.NewID(core.PrefixTarget)
	var mine []webhook.Delivery
	for i := range 5 {
		d := f.delivery(target, fmt.Sprint("k", i), time.Duration(i)*time.Second)
		d.Attempts, d.LastError = i, fmt.Sprint("error ", i)
		mine = append(mine, d)
	}
	leased := f.now.Add(time.Hour)
	mine[4].LeaseUntil = &leased
	f.create(t, st, mine...)
	g.create(t, st, g.delivery(target, "k", 0))
	mustView(t, st, func(tx store.Tx) error {
		for _, d := range mine {
			got, err := tx.GetDelivery(ctx, f.ws, d.ID)
			if err != nil || !reflect.DeepEqual(got, d) {
				t.Errorf("GetDelivery = %+v, %v; want %+v", got, err, d)
			}
		}
		if _, err := tx.GetDelivery(ctx, g.ws, mine[0].ID); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("delivery read through another workspace: %v, want ErrNotFound", err)
		}
		list, err := tx.ListDeliveries(ctx, f.ws, 3)
		if want := []string{mine[4].ID, mine[3].ID, mine[2].ID}; err != nil || !slices.Equal(ids(list), want) {
			t.Errorf("ListDeliveries(limit 3) = %v, %v; want the three newest, newest first", ids(list), err)
		}
		if list, err := tx.ListDeliveries(ctx, f.ws, 100); err != nil || len(list) != 5 || !reflect.DeepEqual(list[0], mine[4]) {
			t.Errorf("ListDeliveries(limit 100) = %d deliveries, %v", len(list), err)
		}
		return nil
	})
	dup := mine[0]
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.CreateDelivery(ctx, dup) }); !errors.Is(err, core.ErrDuplicate) {
		t.Fatalf("a delivery id twice: %v, want ErrDuplicate", err)
	}
}

// testCancelDeliveries checks that cancelling a target fails its pending
// deliveries, leased ones included, and nothing else.
func testCancelDeliveries(t *testing.T, st store.Store) {
	f := newOutboxFixture(t, st)
	g := newOutboxFixture(t, st)
	target, other := core.NewID(core.PrefixTarget), core.NewID(core.PrefixTarget)
	pending, leasedOne := f.delivery(target, "k1", 0), f.delivery(target, "k2", 0)
	done := f.delivery(target, "k3", 0)
	done.Status, done.Attempts = webhook.Delivered, 1
	otherTarget, otherWorkspace := f.delivery(other, "k1", 0), g.delivery(target, "k1", 0)
	f.create(t, st, leasedOne, pending, done, otherTarget)
	g.create(t, st, otherWorkspace)
	claim(t, st, f.now, f.now.Add(time.Minute), "owner", 1) // leases leasedOne
	at := f.now.Add(time.Second)
	mustUpdate(t, st, func(tx store.Tx) error { return tx.CancelDeliveries(ctx, f.ws, target, "target deleted", at) })
	for _, d := range []webhook.Delivery{pending, leasedOne} {
		got := getDelivery(t, st, f.ws, d.ID)
		if got.Status != webhook.Failed || got.LastError != "target deleted" || got.LeaseUntil != nil || got.UpdatedAt != at {
			t.Errorf("cancelled delivery: %+v", got)
		}
	}
	for _, d := range []webhook.Delivery{done, otherTarget} {
		if got := getDelivery(t, st, f.ws, d.ID); !reflect.DeepEqual(got, d) {
			t.Errorf("CancelDeliveries changed %+v to %+v", d, got)
		}
	}
	if got := getDelivery(t, st, g.ws, otherWorkspace.ID); !reflect.DeepEqual(got, otherWorkspace) {
		t.Errorf("CancelDeliveries changed another workspace's delivery: %+v", got)
	}
	if finish(t, st, delivered(leasedOne, at), "owner") {
		t.Error("the lease of a cancelled delivery still finishes it")
	}
	if due := claim(t, st, at, at.Add(time.Minute), "owner", 10); slices.Contains(ids(due), pending.ID) || slices.Contains(ids(due), leasedOne.ID) {
		t.Errorf("cancelled deliveries claimed: %v", ids(due))
	}
}

// testAttempts checks a target's attempt log: newest first, paged by
// cursor, filtered by event types and result, scoped to the target and
// workspace.
func testAttempts(t *testing.T, st store.Store) {
	f := newOutboxFixture(t, st)
	g := newOutboxFixture(t, st)
	target, other := core.NewID(core.PrefixTarget), core.NewID(core.PrefixTarget)
	d, dOther, dG := f.delivery(target, "k", 0), f.delivery(other, "k", 0), g.delivery(target, "k", 0)
	f.create(t, st, d, dOther)
	g.create(t, st, dG)
	attempt := func(del webhook.Delivery, n int, eventType string, result webhook.AttemptResult) webhook.Attempt {
		return webhook.Attempt{ID: core.NewID(core.PrefixAttempt), WorkspaceID: del.WorkspaceID, DeliveryID: del.ID,
			TargetID: del.TargetID, EventID: del.EventID, EventType: eventType, Number: n, AttemptedAt: f.now.Add(time.Duration(n) * time.Second),
			DurationMS: 10 * n, Result: result, StatusCode: 200, Error: strings.Repeat("e", n)}
	}
	var mine []webhook.Attempt
	for n := 1; n <= 7; n++ {
		typ, res := "thread.thread_created", webhook.ResultSuccess
		if n%2 == 0 {
			typ = "customer.customer_updated"
		}
		if n%3 == 0 {
			res = webhook.ResultError
		}
		mine = append(mine, attempt(d, n, typ, res))
	}
	mustUpdate(t, st, func(tx store.Tx) error {
		for _, a := range append(slices.Clone(mine), attempt(dOther, 1, "thread.thread_created", webhook.ResultSuccess),
			attempt(dG, 1, "thread.thread_created", webhook.ResultSuccess)) {
			if err := tx.CreateAttempt(ctx, a); err != nil {
				return err
			}
		}
		return nil
	})
	newestFirst := slices.Clone(mine)
	slices.SortFunc(newestFirst, func(a, b webhook.Attempt) int { return strings.Compare(b.ID, a.ID) })
	pick := func(keep func(webhook.Attempt) bool) []webhook.Attempt {
		var out []webhook.Attempt
		for _, a := range newestFirst {
			if keep(a) {
				out = append(out, a)
			}
		}
		return out
	}
	for _, c := range []struct {
		name string
		f    webhook.AttemptFilter
		want []webhook.Attempt
	}{
		{"all", webhook.AttemptFilter{}, newestFirst},
		{"event type", webhook.AttemptFilter{EventTypes: []string{"customer.customer_updated"}},
			pick(func(a webhook.Attempt) bool { return a.EventType == "customer.customer_updated" })},
		{"result", webhook.AttemptFilter{Result: webhook.ResultError},
			pick(func(a webhook.Attempt) bool { return a.Result == webhook.ResultError })},
		{"both", webhook.AttemptFilter{EventTypes: []string{"thread.thread_created", "x.y"}, Result: webhook.ResultError},
			pick(func(a webhook.Attempt) bool {
				return a.Result == webhook.ResultError && a.EventType == "thread.thread_created"
			})},
	} {
		if got := pageAttempts(t, st, f.ws, target, c.f); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: paged through %d attempts, want %d newest first:\n%+v", c.name, len(got), len(c.want), got)
		}
	}
	if got := pageAttempts(t, st, g.ws, other, webhook.AttemptFilter{}); len(got) != 0 {
		t.Errorf("another workspace lists %d attempts of this workspace's target", len(got))
	}
}

// pageAttempts walks a target's attempts two at a time and checks the
// pages' flags.
func pageAttempts(t *testing.T, st store.Store, ws, target string, f webhook.AttemptFilter) []webhook.Attempt {
	t.Helper()
	var all []webhook.Attempt
	var after *string
	for {
		p, err := core.PageArgs{First: core.Ptr(2), After: after}.Resolve(1)
		if err != nil {
			t.Fatal(err)
		}
		var rows []webhook.Attempt
		mustView(t, st, func(tx store.Tx) (err error) { rows, err = tx.ListAttempts(ctx, ws, target, f, p); return err })
		if len(rows) > p.Limit+1 {
			t.Fatalf("ListAttempts returned %d rows for a page of %d", len(rows), p.Limit)
		}
		conn := core.NewConnection(p, rows, func(a webhook.Attempt) string { return core.EncodeCursor(a.ID) })
		for _, e := range conn.Edges {
			all = append(all, e.Node)
		}
		if !conn.PageInfo.HasNextPage {
			return all
		}
		after = conn.PageInfo.EndCursor
	}
}

// testTargets checks a target's round trip, its workspace scope, the
// oldest-first list, updates, deletion (its deliveries stay) and LockTarget.
func testTargets(t *testing.T, st store.Store) {
	f := newOutboxFixture(t, st)
	g := newOutboxFixture(t, st)
	target := func(ws, url string) webhook.Target {
		return webhook.Target{ID: core.NewID(core.PrefixTarget), WorkspaceID: ws, URL: url, Description: "d", IsEnabled: true,
			EventTypes: []string{"thread.thread_created", "customer.customer_updated"}, Version: webhook.Version,
			CreatedAt: f.now, CreatedBy: core.SystemActor, UpdatedAt: f.now, UpdatedBy: core.SystemActor}
	}
	t1, t2, tg := target(f.ws, "https://a.example/1"), target(f.ws, "https://a.example/2"), target(g.ws, "https://b.example")
	t2.EventTypes, t2.IsEnabled = []string{}, false
	mustUpdate(t, st, func(tx store.Tx) error {
		for _, tt := range []webhook.Target{t1, t2, tg} {
			if err := tx.CreateTarget(ctx, tt); err != nil {
				return err
			}
		}
		return nil
	})
	d := f.delivery(t1.ID, "k", 0)
	f.create(t, st, d)
	mustView(t, st, func(tx store.Tx) error {
		for _, want := range []webhook.Target{t1, t2} {
			if got, err := tx.GetTarget(ctx, f.ws, want.ID); err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("GetTarget = %+v, %v; want %+v", got, err, want)
			}
		}
		if _, err := tx.GetTarget(ctx, g.ws, t1.ID); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("target read through another workspace: %v", err)
		}
		list, err := tx.ListTargets(ctx, f.ws)
		if err != nil || !reflect.DeepEqual(list, []webhook.Target{t1, t2}) {
			t.Errorf("ListTargets = %+v, %v", list, err)
		}
		return nil
	})
	t1.URL, t1.Description, t1.EventTypes, t1.UpdatedAt = "https://a.example/new", "changed", []string{"thread.thread_created"}, f.now.Add(time.Second)
	mustUpdate(t, st, func(tx store.Tx) error {
		locked, err := tx.LockTarget(ctx, f.ws, t1.ID)
		if err != nil || locked.ID != t1.ID || locked.URL != "https://a.example/1" {
			return fmt.Errorf("LockTarget = %+v, %v", locked, err)
		}
		return tx.UpdateTarget(ctx, t1)
	})
	mustView(t, st, func(tx store.Tx) error {
		if got, err := tx.GetTarget(ctx, f.ws, t1.ID); err != nil || !reflect.DeepEqual(got, t1) {
			t.Errorf("after UpdateTarget: %+v, %v; want %+v", got, err, t1)
		}
		return nil
	})
	checkTargetGone(t, st, f.ws, g.ws, t1, t2.ID, d.ID)

}

// checkTargetGone checks that target t1 of workspace ws cannot be changed
// through workspace other, then deletes it: target kept stays listed, and
// its delivery stays.
func checkTargetGone(t *testing.T, st store.Store, ws, other string, t1 webhook.Target, kept, delivery string) {
	t.Helper()
	missing := t1
	missing.WorkspaceID = other
	for name, fn := range map[string]func(tx store.Tx) error{
		"UpdateTarget through another workspace": func(tx store.Tx) error { return tx.UpdateTarget(ctx, missing) },
		"LockTarget through another workspace":   func(tx store.Tx) error { _, err := tx.LockTarget(ctx, other, t1.ID); return err },
		"DeleteTarget through another workspace": func(tx store.Tx) error { return tx.DeleteTarget(ctx, other, t1.ID) },
	} {
		if err := st.Update(ctx, fn); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", name, err)
		}
	}
	mustUpdate(t, st, func(tx store.Tx) error { return tx.DeleteTarget(ctx, ws, t1.ID) })
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.DeleteTarget(ctx, ws, t1.ID) }); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("deleting twice: %v, want ErrNotFound", err)
	}
	mustView(t, st, func(tx store.Tx) error {
		if _, err := tx.GetTarget(ctx, ws, t1.ID); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("deleted target: %v", err)
		}
		if list, err := tx.ListTargets(ctx, ws); err != nil || len(list) != 1 || list[0].ID != kept {
			t.Errorf("after delete, ListTargets = %+v, %v", list, err)
		}
		if got, err := tx.GetDelivery(ctx, ws, delivery); err != nil || got.ID != delivery {
			t.Errorf("the deleted target's delivery: %+v, %v; deliveries outlive their target", got, err)
		}
		return nil
	})
}

// testTargetsListedAfterWrites checks that ListTargets, which a backend may
// read once per transaction, shows the targets written before it in the
// same Update, and none written by an Update that failed.
func testTargetsListedAfterWrites(t *testing.T, st store.Store) {
	f := newOutboxFixture(t, st)
	t1 := webhook.Target{ID: core.NewID(core.PrefixTarget), WorkspaceID: f.ws, URL: "https://a.example/1", Description: "d",
		IsEnabled: true, EventTypes: []string{"thread.thread_created"}, Version: webhook.Version,
		CreatedAt: f.now, CreatedBy: core.SystemActor, UpdatedAt: f.now, UpdatedBy: core.SystemActor}
	list := func(tx store.Tx, step string, want ...webhook.Target) {
		got, err := tx.ListTargets(ctx, f.ws)
		if err != nil || len(got) != len(want) || (len(want) > 0 && !reflect.DeepEqual(got, want)) {
			t.Errorf("%s: ListTargets = %+v, %v; want %+v", step, got, err, want)
		}
	}
	errFail := errors.New("fails")
	if err := st.Update(ctx, func(tx store.Tx) error {
		list(tx, "before a failed create")
		if err := tx.CreateTarget(ctx, t1); err != nil {
			return err
		}
		list(tx, "after a create", t1)
		return errFail
	}); !errors.Is(err, errFail) {
		t.Fatalf("failing Update: %v", err)
	}
	mustUpdate(t, st, func(tx store.Tx) error {
		list(tx, "after a failed create")
		if err := tx.CreateTarget(ctx, t1); err != nil {
			return err
		}
		list(tx, "after a create", t1)
		t1.IsEnabled = false
		if err := tx.UpdateTarget(ctx, t1); err != nil {
			return err
		}
		list(tx, "after an update", t1)
		if err := tx.DeleteTarget(ctx, f.ws, t1.ID); err != nil {
			return err
		}
		list(tx, "after a delete")
		return nil
	})
	// Around inserts a backend may send later (deferred): they are
	// written all the same, and one that fails fails the Update.
	t2 := t1
	t2.ID, t2.IsEnabled = core.NewID(core.PrefixTarget), true
	d := f.delivery(t2.ID, "k", 0)
	mustUpdate(t, st, func(tx store.Tx) error {
		if err := tx.CreateTarget(ctx, t2); err != nil {
			return err
		}
		if err := tx.CreateDelivery(ctx, d); err != nil {
			return err
		}
		list(tx, "after a delivery", t2)
		if got, err := tx.GetDelivery(ctx, f.ws, d.ID); err != nil || got.ID != d.ID {
			t.Errorf("the delivery created before ListTargets = %+v, %v", got, err)
		}
		return nil
	})
	if err := st.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateDelivery(ctx, d); err != nil {
			return err
		}
		list(tx, "after a duplicate delivery", t2)
		return nil
	}); !errors.Is(err, core.ErrDuplicate) {
		t.Errorf("a duplicate delivery before ListTargets: %v, want ErrDuplicate", err)
	}
}
