package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/threadline/threadline/test/harness"
)

// hookReceiver counts webhook deliveries per event id.
type hookReceiver struct {
	failing atomic.Bool
	mu      sync.Mutex
	byEvent map[string]int
	total   int
}

func newHookReceiver(t *testing.T) (*hookReceiver, string) {
	r := &hookReceiver{byEvent: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		if r.failing.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		var env struct{ ID string }
		if err := json.Unmarshal(body, &env); err != nil || env.ID == "" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		r.byEvent[env.ID]++
		r.total++
		r.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	return r, srv.URL + "/hook"
}

func (r *hookReceiver) counts() (distinct, total int, dup []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for id, n := range r.byEvent {
		if n > 1 {
			dup = append(dup, id)
		}
	}
	return len(r.byEvent), r.total, dup
}

func (r *hookReceiver) waitFor(t *testing.T, n int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		d, _, _ := r.counts()
		if d >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("received %d distinct events, want %d", d, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func createTarget(t *testing.T, url, key, hook string) {
	t.Helper()
	out := graphql(t, url, key, fmt.Sprintf(`mutation { createWebhookTarget(input: {url: %q, description: "e2e", isEnabled: true,
		eventSubscriptions: [{eventType: "customer.customer_created"}, {eventType: "thread.thread_created"}]}) {
		webhookTarget { id } error { message fields { field message } } } }`, hook))
	if out["data"].(map[string]any)["createWebhookTarget"].(map[string]any)["webhookTarget"] == nil {
		t.Fatalf("createWebhookTarget: %v", out)
	}
}

func createCustomers(t *testing.T, url, key, prefix string, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		email := fmt.Sprintf("%s-%d@example.com", prefix, i)
		out := graphql(t, url, key, fmt.Sprintf(`mutation { upsertCustomer(input: {identifier: {emailAddress: %q},
			onCreate: {fullName: "C %d", email: {email: %q, isVerified: false}}, onUpdate: {}}) { result error { message } } }`, email, i, email))
		if out["data"].(map[string]any)["upsertCustomer"].(map[string]any)["result"] != "CREATED" {
			t.Fatalf("upsertCustomer: %v", out)
		}
	}
}

var fastWebhooks = []string{"THREADLINE_WEBHOOK_ALLOW_PRIVATE=true", "THREADLINE_WEBHOOK_TIMEOUT=1s",
	"THREADLINE_WEBHOOK_LEASE=2s", "THREADLINE_WEBHOOK_RETRY_SCHEDULE=100ms,200ms,300ms,500ms,1s,1s,1s,1s,1s,1s"}

// TestWebhooksSurviveKill: the server is killed (SIGKILL) with deliveries
// pending; after a restart every event still arrives.
func TestWebhooksSurviveKill(t *testing.T) {
	for _, b := range harness.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			rcv, hook := newHookReceiver(t)
			rcv.failing.Store(true)
			db := b.NewDatabaseURL(t)
			srv := harness.Start(t, db, fastWebhooks...)
			key := harness.NewAPIKey(t, db, "", "all")
			createTarget(t, srv.GraphQLURL(), key, hook)
			const n = 20
			createCustomers(t, srv.GraphQLURL(), key, "kill", n)
			time.Sleep(700 * time.Millisecond) // some attempts fail, some deliveries are mid-lease
			srv.Kill()
			rcv.failing.Store(false)
			srv = harness.Start(t, db, fastWebhooks...)
			// Every acknowledged write survived the crash.
			out := graphql(t, srv.GraphQLURL(), key, `{ customers { totalCount } }`)
			if got := out["data"].(map[string]any)["customers"].(map[string]any)["totalCount"]; got != float64(n) {
				t.Fatalf("%v customers after the crash, want %d", got, n)
			}
			rcv.waitFor(t, n, 30*time.Second)
			d, total, dup := rcv.counts()
			t.Logf("%d events, %d deliveries, %d delivered twice (after the crash)", d, total, len(dup))
		})
	}
}

// TestWebhooksTwoReplicas: two servers on one PostgreSQL database send 500
// events between them; every event arrives, none twice.
func TestWebhooksTwoReplicas(t *testing.T) {
	db := harness.FreshPostgresURL(t)
	rcv, hook := newHookReceiver(t)
	env := []string{"THREADLINE_WEBHOOK_ALLOW_PRIVATE=true"}
	a := harness.Start(t, db, env...)
	b := harness.Start(t, db, env...)
	key := harness.NewAPIKey(t, db, "", "all")
	createTarget(t, a.GraphQLURL(), key, hook)
	const n = 500
	var wg sync.WaitGroup
	for w := 0; w < 10; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			url := a.GraphQLURL()
			if w%2 == 1 {
				url = b.GraphQLURL()
			}
			createCustomers(t, url, key, fmt.Sprintf("replica%d", w), n/10)
		}(w)
	}
	wg.Wait()
	rcv.waitFor(t, n, 60*time.Second)
	time.Sleep(time.Second) // let any duplicate arrive
	d, total, dup := rcv.counts()
	if d != n || total != n || len(dup) != 0 {
		t.Fatalf("%d events, %d deliveries, duplicates %v", d, total, dup)
	}
}
