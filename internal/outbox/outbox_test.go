package outbox

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/store/sqlite"
	"github.com/threadline/threadline/internal/webhook"
)

func TestSignMatchesPlainSDKVectors(t *testing.T) {
	if got := Sign("secret", []byte("hello-world")); got != "1bff4699de4fb5202a4b1e6cefd7b5fdfb02d19a67a1eb371dd417a45b0a47df" {
		t.Fatalf("Sign = %s", got)
	}
}

// receiver records webhook requests and answers with the status its
// respond function gives for the n-th request (1-based).
type receiver struct {
	mu      sync.Mutex
	reqs    []received
	respond func(n int) int
}

type received struct {
	header http.Header
	body   []byte
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	r.reqs = append(r.reqs, received{req.Header.Clone(), body})
	n := len(r.reqs)
	r.mu.Unlock()
	status := 200
	if r.respond != nil {
		status = r.respond(n)
	}
	if status >= 300 && status < 400 {
		w.Header().Set("Location", "/elsewhere")
	}
	w.WriteHeader(status)
}

func (r *receiver) all() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.reqs...)
}

type env struct {
	st  store.Store
	svc *service.Service
	ctx context.Context // acting as a machine user with every permission
	ws  string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := service.New(st, nil, slog.New(slog.DiscardHandler))
	ws, err := svc.EnsureDefaultWorkspace(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	k, err := svc.CreateAPIKey(service.System(context.Background(), ws), "test", []auth.Permission{auth.All}, "")
	if err != nil {
		t.Fatal(err)
	}
	return &env{st: st, svc: svc, ctx: auth.WithPrincipal(context.Background(), k.Key.Principal()), ws: ws}
}

func (e *env) target(t *testing.T, url string, types ...string) webhook.Target {
	t.Helper()
	tg, err := e.svc.CreateWebhookTarget(e.ctx, webhook.TargetInput{URL: url, IsEnabled: true, EventTypes: types, Description: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

func (e *env) customer(t *testing.T, email string) customer.Customer {
	t.Helper()
	c, _, err := e.svc.UpsertCustomer(e.ctx, service.UpsertCustomerInput{
		Identifier: customer.Identifier{EmailAddress: &email},
		OnCreate:   customer.CreateFields{FullName: "Webhook Customer", Email: email}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func fast(schedule ...time.Duration) Options {
	return Options{Interval: 10 * time.Millisecond, Timeout: 2 * time.Second, Lease: 5 * time.Second,
		Schedule: schedule, AllowPrivate: true}
}

// drain runs the dispatcher until nothing is pending or the deadline passes.
func drain(t *testing.T, d *Dispatcher, e *env, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if _, err := d.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		pending := 0
		ds, _ := e.svc.Deliveries(service.System(context.Background(), e.ws), 1000)
		for _, x := range ds {
			if x.Status == webhook.Pending {
				pending++
			}
		}
		if pending == 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("deliveries still pending")
}

func TestDeliverySignedWithHeaders(t *testing.T) {
	e := newEnv(t)
	rcv := &receiver{}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	tg := e.target(t, srv.URL+"/hook", "customer.customer_created")
	c := e.customer(t, "signed@example.com")
	drain(t, New(e.svc, fast()), e, 5*time.Second)
	got := rcv.all()
	if len(got) != 1 {
		t.Fatalf("%d requests, want 1", len(got))
	}
	var w workspaceSecret
	_ = e.st.View(context.Background(), func(tx store.Tx) error {
		ws, err := tx.GetWorkspace(context.Background(), e.ws)
		w.secret = ws.HMACSecret
		return err
	})
	r := got[0]
	if sig := r.header.Get("Plain-Request-Signature"); sig != Sign(w.secret, r.body) {
		t.Fatalf("signature %q does not verify", sig)
	}
	var env struct {
		ID, Type, Timestamp, WorkspaceID string
		Payload                          map[string]any
		WebhookMetadata                  map[string]any
	}
	if err := json.Unmarshal(r.body, &env); err != nil {
		t.Fatal(err)
	}
	md := env.WebhookMetadata
	if env.Type != "customer.customer_created" || env.WorkspaceID != e.ws || env.Payload["eventType"] != env.Type ||
		env.Payload["customer"].(map[string]any)["id"] != c.ID || md["webhookTargetId"] != tg.ID ||
		md["webhookTargetVersion"] != webhook.Version || md["webhookDeliveryAttemptNumber"] != float64(1) ||
		!core.ValidID(md["webhookDeliveryAttemptId"].(string), core.PrefixAttempt) || !core.ValidID(env.ID, core.PrefixEvent) {
		t.Fatalf("envelope: %s", r.body)
	}
	for h, want := range map[string]string{"Content-Type": "application/json", "Plain-Event-Type": env.Type,
		"Plain-Event-Id": env.ID, "Plain-Webhook-Target-Id": tg.ID, "Plain-Webhook-Delivery-Attempt-Number": "1",
		"Plain-Workspace-Id": e.ws, "Plain-Webhook-Target-Version": webhook.Version} {
		if got := r.header.Get(h); got != want {
			t.Errorf("header %s = %q, want %q", h, got, want)
		}
	}
}

type workspaceSecret struct{ secret string }

// TestRetriesUntilSuccess: the receiver fails the first 3 attempts; the 4th
// succeeds. Every attempt is re-signed with its own id and timestamp.
func TestRetriesUntilSuccess(t *testing.T) {
	e := newEnv(t)
	rcv := &receiver{respond: func(n int) int {
		if n <= 3 {
			return 503
		}
		return 204
	}}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	tg := e.target(t, srv.URL, "customer.customer_created")
	e.customer(t, "retry@example.com")
	drain(t, New(e.svc, fast(10*time.Millisecond, 10*time.Millisecond, 10*time.Millisecond, time.Hour)), e, 5*time.Second)
	got := rcv.all()
	if len(got) != 4 {
		t.Fatalf("%d attempts, want 4", len(got))
	}
	ids := map[string]bool{}
	for i, r := range got {
		var env struct {
			ID              string
			WebhookMetadata map[string]any
		}
		_ = json.Unmarshal(r.body, &env)
		if n := env.WebhookMetadata["webhookDeliveryAttemptNumber"]; n != float64(i+1) {
			t.Errorf("attempt %d numbered %v", i+1, n)
		}
		ids[env.WebhookMetadata["webhookDeliveryAttemptId"].(string)] = true
		if r.header.Get("Plain-Event-Id") != env.ID {
			t.Errorf("attempt %d: event id header", i+1)
		}
	}
	if len(ids) != 4 {
		t.Errorf("attempt ids not distinct: %v", ids)
	}
	conn, err := e.svc.DeliveryAttempts(e.ctx, tg.ID, webhook.AttemptFilter{}, core.PageArgs{})
	if err != nil || len(conn.Edges) != 4 {
		t.Fatalf("attempt log: %d, %v", len(conn.Edges), err)
	}
	newest := conn.Edges[0].Node
	if newest.Result != webhook.ResultSuccess || newest.StatusCode != 204 || conn.Edges[3].Node.Result != webhook.ResultFailed ||
		conn.Edges[3].Node.StatusCode != 503 {
		t.Fatalf("attempt log: %+v", conn.Edges)
	}
	ds, _ := e.svc.Deliveries(service.System(context.Background(), e.ws), 10)
	if ds[0].Status != webhook.Delivered || ds[0].Attempts != 4 {
		t.Fatalf("delivery: %+v", ds[0])
	}
}

func TestGivesUpAfterSchedule(t *testing.T) {
	e := newEnv(t)
	rcv := &receiver{respond: func(int) int { return 302 }} // redirects are failures
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	e.target(t, srv.URL, "customer.customer_created")
	e.customer(t, "gives-up@example.com")
	drain(t, New(e.svc, fast(5*time.Millisecond, 5*time.Millisecond)), e, 5*time.Second)
	if n := len(rcv.all()); n != 3 {
		t.Fatalf("%d attempts, want 3 (1 + 2 retries)", n)
	}
	ds, _ := e.svc.Deliveries(service.System(context.Background(), e.ws), 10)
	if ds[0].Status != webhook.Failed || ds[0].LastError != "HTTP status 302" {
		t.Fatalf("delivery: %+v", ds[0])
	}
}

// TestOrderPerThread: a thread's second event waits until its first is
// delivered, even when the first needs retries.
func TestOrderPerThread(t *testing.T) {
	e := newEnv(t)
	rcv := &receiver{respond: func(n int) int {
		if n == 1 {
			return 500
		}
		return 200
	}}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	e.target(t, srv.URL, "customer.customer_created", "customer.customer_updated")
	e.customer(t, "order@example.com")
	name := "Renamed"
	if _, _, err := e.svc.UpsertCustomer(e.ctx, service.UpsertCustomerInput{
		Identifier: customer.Identifier{EmailAddress: core.Ptr("order@example.com")},
		OnCreate:   customer.CreateFields{FullName: "x", Email: "order@example.com"},
		OnUpdate:   customer.UpdateFields{FullName: &name}}); err != nil {
		t.Fatal(err)
	}
	drain(t, New(e.svc, fast(20*time.Millisecond)), e, 5*time.Second)
	var types []string
	for _, r := range rcv.all() {
		types = append(types, r.header.Get("Plain-Event-Type"))
	}
	want := []string{"customer.customer_created", "customer.customer_created", "customer.customer_updated"}
	if len(types) != 3 || types[0] != want[0] || types[1] != want[1] || types[2] != want[2] {
		t.Fatalf("received %v, want %v", types, want)
	}
}

func TestPrivateAddressesRefused(t *testing.T) {
	e := newEnv(t)
	rcv := &receiver{}
	srv := httptest.NewServer(rcv) // on 127.0.0.1
	defer srv.Close()
	e.target(t, srv.URL, "customer.customer_created") // the service here has no URL policy
	e.customer(t, "private@example.com")
	opt := fast(time.Hour)
	opt.AllowPrivate = false
	if n, err := New(e.svc, opt).RunOnce(context.Background()); n != 1 || err != nil { // one attempt, then it waits an hour
		t.Fatalf("RunOnce = %d, %v", n, err)
	}
	if n := len(rcv.all()); n != 0 {
		t.Fatalf("reached a loopback target %d times", n)
	}
	conn, _ := e.svc.DeliveryAttempts(e.ctx, mustFirstTarget(t, e), webhook.AttemptFilter{}, core.PageArgs{})
	if len(conn.Edges) != 1 || conn.Edges[0].Node.Result != webhook.ResultRejected {
		t.Fatalf("attempts: %+v", conn.Edges)
	}
}

func mustFirstTarget(t *testing.T, e *env) string {
	conn, err := e.svc.WebhookTargets(e.ctx, core.PageArgs{})
	if err != nil || len(conn.Edges) == 0 {
		t.Fatal("no target")
	}
	return conn.Edges[0].Node.ID
}

func TestDisabledAndDeletedTargets(t *testing.T) {
	e := newEnv(t)
	rcv := &receiver{}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	on := e.target(t, srv.URL+"/on", "customer.customer_created")
	off, err := e.svc.CreateWebhookTarget(e.ctx, webhook.TargetInput{URL: srv.URL + "/off", IsEnabled: false,
		EventTypes: []string{"customer.customer_created"}})
	if err != nil {
		t.Fatal(err)
	}
	other := e.target(t, srv.URL+"/other", "thread.thread_created")
	e.customer(t, "a@example.com")
	if err := e.svc.DeleteWebhookTarget(e.ctx, on.ID); err != nil {
		t.Fatal(err)
	}
	e.customer(t, "b@example.com")
	drain(t, New(e.svc, fast()), e, 2*time.Second)
	if n := len(rcv.all()); n != 0 {
		t.Fatalf("%d requests: disabled, deleted and unsubscribed targets must receive nothing", n)
	}
	_, _ = off, other
}
