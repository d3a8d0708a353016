package storetest

import (
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/webhook"
)

// lockCase is one row kind with a Lock method, keeping a counter: incr
// reads the row through its Lock method and writes it back with the
// counter one higher; read reads the counter.
type lockCase struct {
	name string
	incr func(tx store.Tx) error
	read func(tx store.Tx) (int, error)
}

// bump adds one to the decimal counter *s.
func bump(s *string) error {
	n, err := strconv.Atoi(*s)
	*s = strconv.Itoa(n + 1)
	return err
}

// lockRows are one row of each lockable kind.
type lockRows struct {
	th     thread.Thread
	c      customer.Customer
	lt     label.Type
	schema field.Schema
	target webhook.Target
}

// newLockRows creates one row of each lockable kind in workspace ws, its
// counter at 0.
func newLockRows(t *testing.T, st store.Store, ws string) lockRows {
	t.Helper()
	now, by := core.SystemClock{}.Now(), core.SystemActor
	r := lockRows{c: NewCustomer(ws, "0", "lock@example.com")}
	mustUpdate(t, st, func(tx store.Tx) error { return tx.CreateCustomer(ctx, r.c) })
	r.th = MustCreateThread(t, st, r.c, nil)
	r.th.Title = "0"
	var err error
	if r.lt, err = label.NewType(ws, label.CreateInput{Name: "Locked"}, now, by); err != nil {
		t.Fatal(err)
	}
	r.schema = field.Schema{ID: core.NewID(core.PrefixFieldSchema), WorkspaceID: ws, Key: "locked", Label: "0",
		Type: field.TypeString, CreatedAt: now, CreatedBy: by, UpdatedAt: now, UpdatedBy: by}
	r.target = webhook.Target{ID: core.NewID(core.PrefixTarget), WorkspaceID: ws, URL: "https://example.com/hook",
		Description: "0", Version: webhook.Version, CreatedAt: now, CreatedBy: by, UpdatedAt: now, UpdatedBy: by}
	mustUpdate(t, st, func(tx store.Tx) error {
		if err := tx.UpdateThread(ctx, r.th); err != nil {
			return err
		}
		if err := tx.CreateLabelType(ctx, r.lt); err != nil {
			return err
		}
		if err := tx.CreateFieldSchema(ctx, r.schema); err != nil {
			return err
		}
		return tx.CreateTarget(ctx, r.target)
	})
	return r
}

// lockCases creates one row of each lockable kind in workspace ws, its
// counter at 0, and returns how to count through each.
func lockCases(t *testing.T, st store.Store, ws string) []lockCase {
	t.Helper()
	r := newLockRows(t, st, ws)
	th, c, lt, schema, target, by := r.th, r.c, r.lt, r.schema, r.target, core.SystemActor
	// A label type keeps its counter in updated_at, the one column its
	// store changes: milliseconds after its creation.
	ltCounter := func(v label.Type) int { return int(v.UpdatedAt.Millis() - lt.CreatedAt.Millis()) }
	return []lockCase{
		{"LockThread", func(tx store.Tx) error {
			v, err := tx.LockThread(ctx, ws, th.ID)
			if err != nil {
				return err
			}
			if err := bump(&v.Title); err != nil {
				return err
			}
			return tx.UpdateThread(ctx, v)
		}, func(tx store.Tx) (int, error) { v, err := tx.GetThread(ctx, ws, th.ID); return atoi(v.Title, err) }},
		{"LockCustomer", func(tx store.Tx) error {
			v, err := tx.LockCustomer(ctx, ws, c.ID)
			if err != nil {
				return err
			}
			if err := bump(&v.FullName); err != nil {
				return err
			}
			return tx.UpdateCustomer(ctx, v)
		}, func(tx store.Tx) (int, error) { v, err := tx.GetCustomer(ctx, ws, c.ID); return atoi(v.FullName, err) }},
		{"LockLabelType", func(tx store.Tx) error {
			v, err := tx.LockLabelType(ctx, ws, lt.ID)
			if err != nil {
				return err
			}
			return tx.SetLabelTypeArchived(ctx, ws, lt.ID, nil, nil, v.UpdatedAt.Add(time.Millisecond), by)
		}, func(tx store.Tx) (int, error) { v, err := tx.GetLabelType(ctx, ws, lt.ID); return ltCounter(v), err }},
		{"LockFieldSchema", func(tx store.Tx) error {
			v, err := tx.LockFieldSchema(ctx, ws, schema.ID)
			if err != nil {
				return err
			}
			if err := bump(&v.Label); err != nil {
				return err
			}
			return tx.UpdateFieldSchema(ctx, v)
		}, func(tx store.Tx) (int, error) {
			v, err := tx.GetFieldSchema(ctx, ws, schema.ID)
			return atoi(v.Label, err)
		}},
		{"LockTarget", func(tx store.Tx) error {
			v, err := tx.LockTarget(ctx, ws, target.ID)
			if err != nil {
				return err
			}
			if err := bump(&v.Description); err != nil {
				return err
			}
			return tx.UpdateTarget(ctx, v)
		}, func(tx store.Tx) (int, error) {
			v, err := tx.GetTarget(ctx, ws, target.ID)
			return atoi(v.Description, err)
		}},
	}
}

func atoi(s string, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(s)
}

// testLocksSerialiseChanges increments a counter kept in one row from many
// concurrent Updates, each reading it through the row's Lock method and
// writing it back: with the row lock held until each commits, no increment
// is lost (on PostgreSQL, at READ COMMITTED, an unlocked read loses many).
func testLocksSerialise(t *testing.T, st store.Store) {
	w := MustCreateWorkspace(t, st, "Locks")
	const workers, rounds = 6, 4
	for _, lc := range lockCases(t, st, w.ID) {
		t.Run(lc.name, func(t *testing.T) {
			var wg sync.WaitGroup
			errs := make(chan error, workers*rounds)
			for range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range rounds {
						errs <- st.Update(ctx, lc.incr)
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			var n int
			mustView(t, st, func(tx store.Tx) (err error) { n, err = lc.read(tx); return err })
			if n != workers*rounds {
				t.Fatalf("%d increments through %s left the counter at %d: changes were lost", workers*rounds, lc.name, n)
			}
		})
	}
}

// testLockThreadWaits checks, on PostgreSQL, that a transaction locking a
// thread another transaction holds waits for it to commit and then reads
// what it wrote. The first transaction writes only once the second has
// started to lock, and does more work before committing, so that a second
// transaction that did not wait would read the old title.
func testLockThreadWaits(t *testing.T, st store.Store) {
	if !concurrentUpdates(st) {
		t.Skipf("the %s store runs one Update at a time: no transaction ever waits for another's lock", st.Backend())
	}
	w := MustCreateWorkspace(t, st, "A")
	c := NewCustomer(w.ID, "C", "c@example.com")
	mustUpdate(t, st, func(tx store.Tx) error { return tx.CreateCustomer(ctx, c) })
	th := MustCreateThread(t, st, c, nil)
	for i := range 10 {
		title := fmt.Sprint("first ", i)
		locked, locking := make(chan struct{}), make(chan struct{})
		first := make(chan error, 1)
		go func() {
			first <- st.Update(ctx, func(tx store.Tx) error {
				cur, err := tx.LockThread(ctx, w.ID, th.ID)
				if err != nil {
					return err
				}
				close(locked)
				<-locking
				cur.Title = title
				if err := tx.UpdateThread(ctx, cur); err != nil {
					return err
				}
				for range 3 {
					if _, err := tx.TimelineOfThread(ctx, w.ID, th.ID); err != nil {
						return err
					}
				}
				return nil
			})
		}()
		<-locked
		var seen string
		err := st.Update(ctx, func(tx store.Tx) error {
			close(locking)
			cur, err := tx.LockThread(ctx, w.ID, th.ID)
			seen = cur.Title
			return err
		})
		if ferr := <-first; ferr != nil || err != nil {
			t.Fatalf("round %d: first %v, second %v", i, ferr, err)
		}
		if seen != title {
			t.Fatalf("round %d: the second LockThread read %q, not the holder's committed %q: it did not wait", i, seen, title)
		}
	}
}
