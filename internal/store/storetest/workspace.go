package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/workspace"
)

func testWorkspaceRoundTrip(t *testing.T, st store.Store) {
	w := MustCreateWorkspace(t, st, "Acme")
	var got workspace.Workspace
	if err := st.View(ctx, func(tx store.Tx) (err error) { got, err = tx.GetWorkspace(ctx, w.ID); return err }); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, w) {
		t.Fatalf("read back %+v, wrote %+v", got, w)
	}
	later := w.CreatedAt.Add(1500)
	by := core.Actor{Type: core.ActorMachineUser, ID: "mu_X"}
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.UpdateWorkspaceHMAC(ctx, w.ID, "new-secret", later, by) }); err != nil {
		t.Fatal(err)
	}
	_ = st.View(ctx, func(tx store.Tx) (err error) { got, err = tx.GetWorkspace(ctx, w.ID); return err })
	if got.HMACSecret != "new-secret" || got.HMACUpdatedAt != later || got.HMACUpdatedBy != by || got.UpdatedAt != later {
		t.Fatalf("hmac not updated: %+v", got)
	}
	err := st.Update(ctx, func(tx store.Tx) error { return tx.UpdateWorkspaceHMAC(ctx, "w_missing", "x", later, by) })
	if !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("update of missing workspace: %v, want ErrNotFound", err)
	}
}

func testSettingOnce(t *testing.T, st store.Store) {
	var results []bool
	for _, v := range []string{"first", "second"} {
		err := st.Update(ctx, func(tx store.Tx) error {
			ok, err := tx.SetSettingOnce(ctx, "k", v)
			results = append(results, ok)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if !results[0] || results[1] {
		t.Fatalf("SetSettingOnce results %v, want [true false]", results)
	}
	var v string
	_ = st.View(ctx, func(tx store.Tx) (err error) { v, err = tx.Setting(ctx, "k"); return err })
	if v != "first" {
		t.Fatalf("setting = %q, want first", v)
	}
}

func testCounters(t *testing.T, st store.Store) {
	a := MustCreateWorkspace(t, st, "A")
	b := MustCreateWorkspace(t, st, "B")
	const n = 50
	var mu sync.Mutex
	var got []int64
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- st.Update(ctx, func(tx store.Tx) error {
				v, err := tx.NextCounter(ctx, a.ID, "thread_ref")
				if err != nil {
					return err
				}
				mu.Lock()
				got = append(got, v)
				mu.Unlock()
				return nil
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
	sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
	for i, v := range got {
		if v != int64(i+1) {
			t.Fatalf("counter values %v: want 1..%d each once", got, n)
		}
	}
	var other int64
	_ = st.Update(ctx, func(tx store.Tx) (err error) { other, err = tx.NextCounter(ctx, b.ID, "thread_ref"); return err })
	if other != 1 {
		t.Fatalf("other workspace's counter = %d, want 1", other)
	}
}

func testFailedUpdate(t *testing.T, st store.Store) {
	w := NewWorkspace("Doomed")
	boom := errors.New("boom")
	err := st.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateWorkspace(ctx, w); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update returned %v, want fn's error", err)
	}
	err = st.View(ctx, func(tx store.Tx) error { _, err := tx.GetWorkspace(ctx, w.ID); return err })
	if !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("failed update left its write behind: %v", err)
	}
}

// testConcurrentUpdatesIsolated runs many Updates at once, every third one
// failing after writing: exactly the successful ones must persist.
func testConcurrentUpdatesIsolated(t *testing.T, st store.Store) {
	const n = 90
	ws := make([]workspace.Workspace, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range ws {
		ws[i] = NewWorkspace(fmt.Sprintf("W%d", i))
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs[i] = st.Update(ctx, func(tx store.Tx) error {
				if err := tx.CreateWorkspace(ctx, ws[i]); err != nil {
					return err
				}
				if i%3 == 0 {
					return fmt.Errorf("request %d fails", i)
				}
				return nil
			})
		}(i)
	}
	wg.Wait()
	_ = st.View(ctx, func(tx store.Tx) error {
		for i := range ws {
			_, err := tx.GetWorkspace(ctx, ws[i].ID)
			if failed := i%3 == 0; failed != (errs[i] != nil) {
				t.Errorf("request %d: err %v", i, errs[i])
			} else if failed && !errors.Is(err, core.ErrNotFound) {
				t.Errorf("failed request %d persisted (%v)", i, err)
			} else if !failed && err != nil {
				t.Errorf("successful request %d lost: %v", i, err)
			}
		}
		return nil
	})
}

func testNotFound(t *testing.T, st store.Store) {
	_ = st.View(ctx, func(tx store.Tx) error {
		checks := map[string]error{}
		_, checks["workspace"] = tx.GetWorkspace(ctx, "w_none")
		_, checks["setting"] = tx.Setting(ctx, "none")
		_, checks["user"] = tx.GetUser(ctx, "w_none", "u_none")
		_, checks["userByEmail"] = tx.GetUserByEmail(ctx, "w_none", "x@y.z")
		_, checks["machineUser"] = tx.GetMachineUser(ctx, "w_none", "mu_none")
		for what, err := range checks {
			if !errors.Is(err, core.ErrNotFound) {
				t.Errorf("%s: %v, want ErrNotFound", what, err)
			}
		}
		return nil
	})
}

func testBackend(t *testing.T, st store.Store) {
	if b := st.Backend(); b != "sqlite" && b != "postgres" {
		t.Fatalf("Backend() = %q, want sqlite or postgres", b)
	}
}

// testClose closes the store: its transactions fail afterwards, and what
// was committed before is not lost (the factory's store is closed again
// when the test ends, which must be harmless).
func testClose(t *testing.T, st store.Store) {
	MustCreateWorkspace(t, st, "Before close")
	if err := st.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.CreateWorkspace(ctx, NewWorkspace("After")) }); err == nil {
		t.Error("Update after Close succeeded")
	}
	if err := st.View(ctx, func(tx store.Tx) error { _, err := tx.Setting(ctx, "x"); return err }); err == nil || errors.Is(err, core.ErrNotFound) {
		t.Errorf("View after Close: %v, want a failure", err)
	}
}

// testAllocate takes counter values outside transactions from many
// goroutines: each value once, and NextCounter carries on after them.
func testAllocate(t *testing.T, st store.Store) {
	a, ok := st.(store.Allocator)
	if !ok {
		t.Skipf("the %s store allocates counter values inside transactions (no store.Allocator)", st.Backend())
	}
	w := MustCreateWorkspace(t, st, "A")
	const n = 30
	got := make([]int64, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = a.Allocate(ctx, w.ID, "thread_ref")
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
	for i, v := range got {
		if v != int64(i+1) {
			t.Fatalf("allocated %v: want 1..%d each once", got, n)
		}
	}
	var next int64
	mustUpdate(t, st, func(tx store.Tx) (err error) { next, err = tx.NextCounter(ctx, w.ID, "thread_ref"); return err })
	if next != n+1 {
		t.Fatalf("NextCounter after %d allocations = %d", n, next)
	}
}

func testWindowCounter(t *testing.T, st store.Store) {
	wc, ok := st.(store.WindowCounter)
	if !ok {
		t.Skipf("the %s store is not shared by replicas (no store.WindowCounter)", st.Backend())
	}
	w1, w2 := core.FromMillis(60_000), core.FromMillis(120_000)
	const n = 40
	var wg sync.WaitGroup
	counts := make([]int64, n)
	for i := range n {
		wg.Go(func() {
			c, err := wc.CountInWindow(ctx, "a", w1)
			if err != nil {
				t.Error(err)
			}
			counts[i] = c
		})
	}
	wg.Wait()
	slices.Sort(counts)
	for i, c := range counts {
		if c != int64(i+1) {
			t.Fatalf("concurrent counts %v: want 1..%d, each once", counts, n)
		}
	}
	for _, c := range []struct {
		key   string
		start core.Time
		want  int64
	}{
		{"b", w1, 1}, // another key counts apart
		{"a", w2, 1}, // a new window starts again
		{"a", w2, 2}, //
		{"a", w1, 3}, // a lagging replica's old window counts in the current one
		{"b", w2, 1}, //
		{"b", w1, 2}, //
	} {
		got, err := wc.CountInWindow(ctx, c.key, c.start)
		if err != nil || got != c.want {
			t.Fatalf("CountInWindow(%s, %v) = %d, %v; want %d", c.key, c.start, got, err, c.want)
		}
	}
}

func testSecretsSealed(t *testing.T, st store.Store) {
	sk, ok := st.(store.SecretKeeper)
	if !ok {
		t.Fatalf("the %s store does not seal secrets (store.SecretKeeper)", st.Backend())
	}
	raw := func(id string) string {
		rows := QueryRows(t, st, `SELECT hmac_secret FROM workspaces WHERE id = '`+id+`'`)
		if len(rows) != 1 {
			t.Fatalf("workspace %s: %d rows", id, len(rows))
		}
		return rows[0][0]
	}
	before := MustCreateWorkspace(t, st, "Before")
	mustUpdate(t, st, func(tx store.Tx) error { _, err := tx.SetSettingOnce(ctx, "secret:early", "e1"); return err })
	if raw(before.ID) != before.HMACSecret {
		t.Fatal("without a key, secrets are stored as they are")
	}
	box, _ := auth.NewSecretBox(auth.NewSecretKey())
	if err := sk.UseSecrets(ctx, box); err != nil {
		t.Fatal(err)
	}
	after := MustCreateWorkspace(t, st, "After")
	mustUpdate(t, st, func(tx store.Tx) error { _, err := tx.SetSettingOnce(ctx, "secret:late", "l1"); return err })
	mustUpdate(t, st, func(tx store.Tx) error { _, err := tx.SetSettingOnce(ctx, "plain", "p1"); return err })
	for key, want := range map[string]string{"secret:early": "e1", "secret:late": "l1", "plain": "p1"} {
		rows := QueryRows(t, st, `SELECT value FROM settings WHERE key = '`+key+`'`)
		if sealed := auth.IsSealed(rows[0][0]); sealed != strings.HasPrefix(key, "secret:") {
			t.Errorf("setting %s stored as %q", key, rows[0][0])
		}
		var got string
		mustView(t, st, func(tx store.Tx) (err error) { got, err = tx.Setting(ctx, key); return err })
		if got != want {
			t.Errorf("setting %s reads %q, want %q", key, got, want)
		}
	}
	by := core.Actor{Type: core.ActorMachineUser, ID: "mu_X"}
	mustUpdate(t, st, func(tx store.Tx) error { return tx.UpdateWorkspaceHMAC(ctx, after.ID, "rotated", after.CreatedAt, by) })
	for id, want := range map[string]string{before.ID: before.HMACSecret, after.ID: "rotated"} {
		if r := raw(id); !auth.IsSealed(r) || strings.Contains(r, want) {
			t.Errorf("workspace %s: stored %q, want it sealed", id, r)
		}
		var got workspace.Workspace
		mustView(t, st, func(tx store.Tx) (err error) { got, err = tx.GetWorkspace(ctx, id); return err })
		if got.HMACSecret != want {
			t.Errorf("workspace %s: read %q, want %q", id, got.HMACSecret, want)
		}
	}
	if err := sk.UseSecrets(ctx, box); err != nil {
		t.Fatalf("the same key again: %v", err)
	}
	other, _ := auth.NewSecretBox(auth.NewSecretKey())
	if err := sk.UseSecrets(ctx, other); !errors.Is(err, auth.ErrWrongSecretKey) {
		t.Fatalf("another key: %v, want ErrWrongSecretKey", err)
	}
	var got workspace.Workspace
	mustView(t, st, func(tx store.Tx) (err error) { got, err = tx.GetWorkspace(ctx, after.ID); return err })
	if got.HMACSecret != "rotated" {
		t.Fatalf("after a refused key the store reads %q", got.HMACSecret)
	}
}
