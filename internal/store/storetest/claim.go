package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/webhook"
)

// outboxFixture is a workspace with one outbox event that deliveries
// refer to, and the instant the test treats as now.
type outboxFixture struct {
	ws    string
	event string
	now   core.Time
}

func newOutboxFixture(t *testing.T, st store.Store) outboxFixture {
	t.Helper()
	w := MustCreateWorkspace(t, st, "Webhooks")
	f := outboxFixture{ws: w.ID, event: core.NewID(core.PrefixEvent), now: core.SystemClock{}.Now()}
	mustUpdate(t, st, func(tx store.Tx) error {
		return tx.AppendEvent(ctx, event.Record{ID: f.event, WorkspaceID: f.ws, Type: event.ThreadCreated,
			Payload: []byte(`{}`), Actor: core.SystemActor, CreatedAt: f.now})
	})
	return f
}

// delivery returns a pending delivery of the fixture's event to target,
// in the order group key, first due at now+due.
func (f outboxFixture) delivery(target, key string, due time.Duration) webhook.Delivery {
	return webhook.Delivery{ID: core.NewID(core.PrefixDelivery), WorkspaceID: f.ws, TargetID: target, EventID: f.event,
		EventType: string(event.ThreadCreated), OrderKey: key, Status: webhook.Pending, NextAttemptAt: f.now.Add(due),
		CreatedAt: f.now, UpdatedAt: f.now}
}

// create stores ds, one Update each, so that their sequence follows the slice.
func (f outboxFixture) create(t *testing.T, st store.Store, ds ...webhook.Delivery) {
	t.Helper()
	for _, d := range ds {
		mustUpdate(t, st, func(tx store.Tx) error { return tx.CreateDelivery(ctx, d) })
	}
}

// claim runs ClaimDeliveries in an Update of its own.
func claim(t *testing.T, st store.Store, now, leaseUntil core.Time, owner string, limit int) []webhook.Delivery {
	t.Helper()
	var ds []webhook.Delivery
	mustUpdate(t, st, func(tx store.Tx) (err error) {
		ds, err = tx.ClaimDeliveries(ctx, now, leaseUntil, owner, limit)
		return err
	})
	return ds
}

// finish runs FinishAttempt in an Update of its own.
func finish(t *testing.T, st store.Store, d webhook.Delivery, owner string) bool {
	t.Helper()
	var ok bool
	mustUpdate(t, st, func(tx store.Tx) (err error) { ok, err = tx.FinishAttempt(ctx, d, owner); return err })
	return ok
}

func getDelivery(t *testing.T, st store.Store, ws, id string) webhook.Delivery {
	t.Helper()
	var d webhook.Delivery
	mustView(t, st, func(tx store.Tx) (err error) { d, err = tx.GetDelivery(ctx, ws, id); return err })
	return d
}

func ids(ds []webhook.Delivery) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}

// delivered returns d as a successful attempt leaves it.
func delivered(d webhook.Delivery, at core.Time) webhook.Delivery {
	d.Status, d.Attempts, d.UpdatedAt = webhook.Delivered, d.Attempts+1, at
	return d
}

// testClaimDueInKeyOrder checks which deliveries are due: pending, their
// time come, and the oldest pending one of their (target, order key); the
// claim takes them oldest first, up to the limit, and leases them.
func testClaimDueInKeyOrder(t *testing.T, st store.Store) {
	f := newOutboxFixture(t, st)
	t1, t2 := core.NewID(core.PrefixTarget), core.NewID(core.PrefixTarget)
	done := f.delivery(t1, "k3", -time.Minute)
	done.Status = webhook.Delivered
	failed := f.delivery(t1, "k4", -time.Minute)
	failed.Status = webhook.Failed
	d1 := f.delivery(t1, "k1", -time.Second)     // due
	d2 := f.delivery(t1, "k1", -time.Second)     // waits for d1 (same target and key)
	d3 := f.delivery(t2, "k1", -time.Second)     // another target: due
	d4 := f.delivery(t1, "k2", time.Minute)      // not yet due
	d5 := f.delivery(t1, "k3", -time.Second)     // the older one of k3 is delivered: due
	d6 := f.delivery(t1, "k4", 0)                // due exactly now; the older one of k4 failed
	d7 := f.delivery(t1, "k2b", -10*time.Minute) // due
	f.create(t, st, done, failed, d1, d2, d3, d4, d5, d6, d7)

	lease := f.now.Add(time.Hour)
	first := claim(t, st, f.now, lease, "owner-a", 2)
	if !slices.Equal(ids(first), []string{d1.ID, d3.ID}) {
		t.Fatalf("claim with limit 2 took %v, want d1 and d3 (oldest due first)", ids(first))
	}
	rest := claim(t, st, f.now, lease, "owner-a", 10)
	if !slices.Equal(ids(rest), []string{d5.ID, d6.ID, d7.ID}) {
		t.Fatalf("second claim took %v, want d5, d6, d7", ids(rest))
	}
	for _, d := range append(first, rest...) {
		if d.LeaseUntil == nil || *d.LeaseUntil != lease || d.Status != webhook.Pending {
			t.Errorf("claimed %s: lease %v, status %s", d.ID, d.LeaseUntil, d.Status)
		}
		if got := getDelivery(t, st, f.ws, d.ID); got.LeaseUntil == nil || *got.LeaseUntil != lease {
			t.Errorf("stored %s: lease %v, want %v", d.ID, got.LeaseUntil, lease)
		}
	}
	if again := claim(t, st, f.now, lease, "owner-b", 10); len(again) != 0 {
		t.Fatalf("live leases claimed again: %v", ids(again))
	}
	// Once d1 is delivered, d2 is next in its key's line.
	if !finish(t, st, delivered(first[0], f.now), "owner-a") {
		t.Fatal("FinishAttempt of the lease holder reported a lost lease")
	}
	if next := claim(t, st, f.now, lease, "owner-b", 10); !slices.Equal(ids(next), []string{d2.ID}) {
		t.Fatalf("after d1 was delivered the claim took %v, want d2", ids(next))
	}
	// Later, d4's time comes (the other leases still live).
	if later := claim(t, st, f.now.Add(time.Minute), f.now.Add(2*time.Minute), "owner-b", 10); !slices.Equal(ids(later), []string{d4.ID}) {
		t.Fatalf("a minute later the claim took %v, want d4", ids(later))
	}
}

// testClaimLeases checks that a live lease keeps a delivery from other
// claimers, an expired one does not, and a claimer that lost its lease can
// no longer finish the attempt.
func testClaimLeases(t *testing.T, st store.Store) {
	f := newOutboxFixture(t, st)
	d := f.delivery(core.NewID(core.PrefixTarget), "k", 0)
	f.create(t, st, d)
	if got := claim(t, st, f.now, f.now.Add(30*time.Second), "owner-a", 10); !slices.Equal(ids(got), []string{d.ID}) {
		t.Fatalf("first claim took %v", ids(got))
	}
	if got := claim(t, st, f.now.Add(10*time.Second), f.now.Add(40*time.Second), "owner-b", 10); len(got) != 0 {
		t.Fatalf("a live lease was claimed again: %v", ids(got))
	}
	lease := f.now.Add(61 * time.Second)
	if got := claim(t, st, f.now.Add(31*time.Second), lease, "owner-b", 10); !slices.Equal(ids(got), []string{d.ID}) {
		t.Fatalf("an expired lease was not claimed again: %v", ids(got))
	}
	// owner-a lost its lease: its outcome is refused and changes nothing.
	before := getDelivery(t, st, f.ws, d.ID)
	if finish(t, st, delivered(before, f.now.Add(32*time.Second)), "owner-a") {
		t.Fatal("FinishAttempt of a lost lease reported success")
	}
	if after := getDelivery(t, st, f.ws, d.ID); after.Status != webhook.Pending || after.Attempts != 0 ||
		after.LeaseUntil == nil || *after.LeaseUntil != lease || after.UpdatedAt != before.UpdatedAt {
		t.Fatalf("a lost lease's FinishAttempt changed the delivery: %+v", after)
	}
	// owner-b records a failed attempt with a retry: the lease is released.
	retry := before
	retry.Attempts, retry.NextAttemptAt, retry.LastError, retry.UpdatedAt = 1, f.now.Add(5*time.Minute), "HTTP 500", f.now.Add(33*time.Second)
	if !finish(t, st, retry, "owner-b") {
		t.Fatal("FinishAttempt of the lease holder reported a lost lease")
	}
	got := getDelivery(t, st, f.ws, d.ID)
	if got.Status != webhook.Pending || got.Attempts != 1 || got.NextAttemptAt != retry.NextAttemptAt ||
		got.LastError != "HTTP 500" || got.LeaseUntil != nil || got.UpdatedAt != retry.UpdatedAt {
		t.Fatalf("after a failed attempt: %+v", got)
	}
	if finish(t, st, delivered(got, f.now.Add(34*time.Second)), "owner-b") {
		t.Fatal("FinishAttempt succeeded on a delivery no longer leased")
	}
	if due := claim(t, st, f.now.Add(time.Minute), f.now.Add(2*time.Minute), "owner-c", 10); len(due) != 0 {
		t.Fatalf("claimed before the retry time: %v", ids(due))
	}
	if due := claim(t, st, retry.NextAttemptAt, f.now.Add(10*time.Minute), "owner-c", 10); !slices.Equal(ids(due), []string{d.ID}) {
		t.Fatalf("not claimed at the retry time: %v", ids(due))
	}
}

// testConcurrentClaimers runs two claimers at once, many times over: no
// delivery is ever leased to both, and every due one is leased to one of
// them or left for the next claim. On PostgreSQL both transactions are open
// and claim at the same moment (a barrier inside their Updates).
func testConcurrentClaimers(t *testing.T, st store.Store) {
	f := newOutboxFixture(t, st)
	target := core.NewID(core.PrefixTarget)
	for round := range 4 {
		// 40 keys with two deliveries each: only the first of each is due.
		var firsts []string
		for k := range 40 {
			key := fmt.Sprintf("r%d-k%d", round, k)
			d1, d2 := f.delivery(target, key, 0), f.delivery(target, key, 0)
			mustUpdate(t, st, func(tx store.Tx) error {
				if err := tx.CreateDelivery(ctx, d1); err != nil {
					return err
				}
				return tx.CreateDelivery(ctx, d2)
			})
			firsts = append(firsts, d1.ID)
		}
		got := claimTogether(t, st, f.now, []string{"owner-a", "owner-b"}, 30)
		a, b := got["owner-a"], got["owner-b"]
		for _, d := range a {
			if slices.ContainsFunc(b, func(e webhook.Delivery) bool { return e.ID == d.ID }) {
				t.Fatalf("round %d: delivery %s leased to both claimers", round, d.ID)
			}
		}
		rest := claim(t, st, f.now, f.now.Add(time.Minute), "owner-c", 100)
		all := slices.Concat(ids(a), ids(b), ids(rest))
		slices.Sort(all)
		slices.Sort(firsts)
		if !slices.Equal(all, firsts) {
			t.Fatalf("round %d: claimed %d deliveries (%d, %d, then %d), want each of the %d due ones once",
				round, len(all), len(a), len(b), len(rest), len(firsts))
		}
		// Each claimer holds the leases of what it got, and only those.
		for owner, ds := range got {
			for _, d := range ds {
				other := "owner-a"
				if owner == other {
					other = "owner-b"
				}
				if finish(t, st, delivered(d, f.now), other) || !finish(t, st, delivered(d, f.now), owner) {
					t.Fatalf("round %d: the lease of %s is not %s's alone", round, d.ID, owner)
				}
			}
		}
		for _, d := range rest {
			if !finish(t, st, delivered(d, f.now), "owner-c") {
				t.Fatalf("round %d: lost the lease of %s", round, d.ID)
			}
		}
		// The second delivery of each key is due now: deliver them too.
		seconds := claim(t, st, f.now, f.now.Add(time.Minute), "owner-c", 100)
		for _, d := range seconds {
			if !finish(t, st, delivered(d, f.now), "owner-c") {
				t.Fatalf("round %d: lost the lease of %s", round, d.ID)
			}
		}
		if len(seconds) != len(firsts) {
			t.Fatalf("round %d: %d second deliveries due after the first ones, want %d", round, len(seconds), len(firsts))
		}
	}
}

// claimTogether runs one ClaimDeliveries per owner, each in its own Update,
// all at once: where Updates run concurrently, every transaction waits at a
// barrier inside its Update before claiming.
func claimTogether(t *testing.T, st store.Store, now core.Time, owners []string, limit int) map[string][]webhook.Delivery {
	t.Helper()
	var barrier, wg sync.WaitGroup
	if concurrentUpdates(st) {
		barrier.Add(len(owners))
	}
	var mu sync.Mutex
	got := map[string][]webhook.Delivery{}
	errs := make(chan error, len(owners))
	for _, owner := range owners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- st.Update(ctx, func(tx store.Tx) error {
				if concurrentUpdates(st) {
					barrier.Done()
					barrier.Wait()
				}
				ds, err := tx.ClaimDeliveries(ctx, now, now.Add(time.Minute), owner, limit)
				mu.Lock()
				got[owner] = ds
				mu.Unlock()
				return err
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return got
}

// testClaimSkipsLocked checks, on PostgreSQL, that a claim passes over the
// deliveries another open transaction is claiming instead of waiting for it.
func testClaimSkipsLocked(t *testing.T, st store.Store) {
	if !concurrentUpdates(st) {
		t.Skipf("the %s store runs one Update at a time: no claim ever meets another's locks", st.Backend())
	}
	f := newOutboxFixture(t, st)
	target := core.NewID(core.PrefixTarget)
	var all []webhook.Delivery
	for k := range 4 {
		all = append(all, f.delivery(target, fmt.Sprint("k", k), 0))
	}
	f.create(t, st, all...)
	var held, other []webhook.Delivery
	whileHolding(t, st, func(tx store.Tx) (err error) {
		held, err = tx.ClaimDeliveries(ctx, f.now, f.now.Add(time.Minute), "owner-a", 2)
		return err
	}, func(ctx context.Context, tx store.Tx) (err error) {
		other, err = tx.ClaimDeliveries(ctx, f.now, f.now.Add(time.Minute), "owner-b", 10)
		return err
	})
	if !slices.Equal(ids(held), ids(all[:2])) || !slices.Equal(ids(other), ids(all[2:])) {
		t.Fatalf("holder claimed %v, the other %v; want the first two and the last two", ids(held), ids(other))
	}
}

// whileHolding runs hold in an Update and, while that transaction is still
// open, other in a second Update, which must not wait for the first: other
// runs its queries with the ctx it is given, which ends after a generous
// delay (a hang breaker, not a measure) and fails the test.
func whileHolding(t *testing.T, st store.Store, hold func(tx store.Tx) error, other func(ctx context.Context, tx store.Tx) error) {
	t.Helper()
	held, release := make(chan struct{}), make(chan struct{})
	holder := make(chan error, 1)
	go func() {
		holder <- st.Update(ctx, func(tx store.Tx) error {
			err := hold(tx)
			close(held)
			<-release
			return err
		})
	}()
	select {
	case <-held:
	case err := <-holder:
		t.Fatalf("holder: %v", err)
	}
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	err := st.Update(cctx, func(tx store.Tx) error { return other(cctx, tx) })
	cancel()
	close(release)
	if herr := <-holder; herr != nil {
		t.Fatalf("holder: %v", herr)
	}
	if err != nil {
		t.Fatalf("the second transaction, while the first held its rows: %v (it must skip them, not wait)", err)
	}
}
