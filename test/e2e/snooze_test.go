package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/app"
	"github.com/threadline/threadline/internal/config"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/test/harness"
)

const fastScheduler = "THREADLINE_SCHEDULER_INTERVAL=100ms"

// createThreads makes n threads for one new customer and returns their ids.
func createThreads(t *testing.T, url, key string, n int) []string {
	t.Helper()
	out := graphql(t, url, key, `mutation { upsertCustomer(input: {identifier: {emailAddress: "snooze@example.com"},
		onCreate: {fullName: "Snoozer", email: {email: "snooze@example.com", isVerified: true}}, onUpdate: {}}) { customer { id } } }`)
	cid := out["data"].(map[string]any)["upsertCustomer"].(map[string]any)["customer"].(map[string]any)["id"].(string)
	var ids []string
	for i := 0; i < n; i++ {
		out := graphql(t, url, key, fmt.Sprintf(`mutation { createThread(input: {title: "t%d", customerIdentifier: {customerId: %q},
			components: [{componentText: {text: "x"}}]}) { thread { id } } }`, i, cid))
		ids = append(ids, out["data"].(map[string]any)["createThread"].(map[string]any)["thread"].(map[string]any)["id"].(string))
	}
	return ids
}

func snooze(t *testing.T, url, key, id string, seconds int) {
	t.Helper()
	out := graphql(t, url, key, fmt.Sprintf(`mutation { snoozeThread(input: {threadId: %q, durationSeconds: %d}) { thread { status } error { message } } }`, id, seconds))
	if s := out["data"].(map[string]any)["snoozeThread"].(map[string]any)["thread"].(map[string]any)["status"]; s != "SNOOZED" {
		t.Fatalf("snooze %s: %v", id, out)
	}
}

func status(t *testing.T, url, key, id string) string {
	out := graphql(t, url, key, fmt.Sprintf(`{ thread(threadId: %q) { status } }`, id))
	return out["data"].(map[string]any)["thread"].(map[string]any)["status"].(string)
}

// wakes counts, per thread, the status events the snooze scheduler wrote.
func wakes(t *testing.T, dbURL string) map[string]int {
	t.Helper()
	cfg := config.Defaults()
	cfg.DatabaseURL, cfg.SecretKey = dbURL, harness.SecretKey
	st, err := app.OpenStore(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	out := map[string]int{}
	err = st.View(context.Background(), func(tx store.Tx) error {
		ws, err := tx.Setting(context.Background(), "default_workspace_id")
		if err != nil {
			return err
		}
		evs, err := tx.ListEvents(context.Background(), ws, 0, 100000)
		for _, e := range evs {
			if e.Type != "thread.thread_status_transitioned" || e.Actor != thread.SchedulerActor {
				continue
			}
			var p struct {
				Thread struct {
					ID     string `json:"id"`
					Status string `json:"status"`
				} `json:"thread"`
			}
			if err := json.Unmarshal(e.Payload, &p); err != nil || p.Thread.Status != "TODO" {
				t.Errorf("wake event payload %s: %v", e.Payload, err)
			}
			out[p.Thread.ID]++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func waitAllTodo(t *testing.T, url, key string, ids []string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for _, id := range ids {
		for status(t, url, key, id) != "TODO" {
			if time.Now().After(deadline) {
				t.Fatalf("thread %s still snoozed after %v", id, within)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// TestSnoozeSurvivesRestart snoozes threads for 1–2 s, restarts the server
// while they sleep, and sees each wake exactly once.
func TestSnoozeSurvivesRestart(t *testing.T) {
	for _, b := range harness.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			db := b.NewDatabaseURL(t)
			srv := harness.Start(t, db, fastScheduler)
			key := harness.NewAPIKey(t, db, "", "all")
			ids := createThreads(t, srv.GraphQLURL(), key, 6)
			for i, id := range ids {
				snooze(t, srv.GraphQLURL(), key, id, 1+i%2)
			}
			srv.Stop(t) // down while the snoozes run out
			time.Sleep(500 * time.Millisecond)
			srv = harness.Start(t, db, fastScheduler)
			waitAllTodo(t, srv.GraphQLURL(), key, ids, 10*time.Second)
			time.Sleep(300 * time.Millisecond) // a few more scheduler rounds
			srv.Stop(t)
			got := wakes(t, db)
			for _, id := range ids {
				if got[id] != 1 {
					t.Errorf("thread %s woke %d times, want 1", id, got[id])
				}
			}
		})
	}
}

// TestSnoozeTwoReplicas runs two servers on one PostgreSQL database: every
// snoozed thread wakes once, whichever replica wakes it.
func TestSnoozeTwoReplicas(t *testing.T) {
	db := harness.FreshPostgresURL(t)
	a := harness.Start(t, db, fastScheduler)
	b := harness.Start(t, db, fastScheduler)
	key := harness.NewAPIKey(t, db, "", "all")
	ids := createThreads(t, a.GraphQLURL(), key, 30)
	for _, id := range ids {
		snooze(t, b.GraphQLURL(), key, id, 1)
	}
	waitAllTodo(t, a.GraphQLURL(), key, ids, 10*time.Second)
	time.Sleep(300 * time.Millisecond)
	a.Stop(t)
	b.Stop(t)
	got := wakes(t, db)
	for _, id := range ids {
		if got[id] != 1 {
			t.Errorf("thread %s woke %d times, want 1", id, got[id])
		}
	}
}
