package server

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/cardclient"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customercard"
	"github.com/threadline/threadline/internal/netguard"
	"github.com/threadline/threadline/internal/service"
)

// movingClock is a clock the test moves forward.
type movingClock struct{ ms atomic.Int64 }

func (c *movingClock) Now() core.Time      { return core.FromMillis(c.ms.Load()) }
func (c *movingClock) add(d time.Duration) { c.ms.Add(d.Milliseconds()) }

// cardServer is a card API on loopback (HTTPS) that answers by path:
// /ok a card per key asked (TTL 60 s for "ok"), /slow never in time,
// /malformed not JSON, /big too much JSON, /missing no card, /status 503.
type cardServer struct {
	*httptest.Server
	mu     sync.Mutex
	hits   map[string]int
	bodies []customercard.Request
	secret string // the workspace secret requests must be signed with
	bad    []string
}

func newCardServer(t *testing.T) *cardServer {
	s := &cardServer{hits: map[string]int{}}
	s.Server = httptest.NewTLSServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *cardServer) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var req customercard.Request
	_ = json.Unmarshal(body, &req)
	s.mu.Lock()
	s.hits[r.URL.Path]++
	s.bodies = append(s.bodies, req)
	if sig := r.Header.Get("Plain-Request-Signature"); sig != customercard.Sign(s.secret, body) {
		s.bad = append(s.bad, "signature "+sig)
	}
	if r.Header.Get("X-Token") != "t0ken" || r.Method != http.MethodPost {
		s.bad = append(s.bad, r.Method+" without the configured header")
	}
	s.mu.Unlock()
	switch r.URL.Path {
	case "/slow":
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	case "/malformed":
		fmt.Fprint(w, `{"cards": [{"key": "malformed"`)
	case "/big":
		fmt.Fprintf(w, `{"cards": [{"key": "big", "components": [{"componentText": {"text": %q}}]}]}`, strings.Repeat("x", 5000))
	case "/missing":
		fmt.Fprint(w, `{"cards": []}`)
	case "/status":
		w.WriteHeader(http.StatusServiceUnavailable)
	default:
		var cards []map[string]any
		for _, k := range req.CardKeys {
			c := map[string]any{"key": k, "components": []any{map[string]any{"componentText": map[string]any{"text": "Plan of " + req.Customer.Email}}}}
			if k == "ok" {
				c["timeToLiveSeconds"] = 60
			}
			cards = append(cards, c)
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"cards": cards})
	}
}

func (s *cardServer) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// cardEnv serves e's store with a service that loads cards from the
// test's card server (trusted, reachable on loopback) with a 300 ms
// timeout and a 2,048-byte answer limit, under a clock the test moves.
func cardEnv(t *testing.T, e *env, srv *cardServer, allowPrivate bool) (*env, *movingClock) {
	clock := &movingClock{}
	clock.ms.Store(time.Now().UnixMilli())
	log := slog.New(slog.DiscardHandler)
	svc := service.New(e.st, clock, log)
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	svc.SetCards(cardclient.New(cardclient.Options{Timeout: 300 * time.Millisecond, MaxResponseBytes: 2048,
		AllowPrivate: allowPrivate, RootCAs: roots}), netguard.CheckURLFor(allowPrivate, "customer cards", "--card-allow-private"))
	return &env{t: t, st: e.st, svc: svc, h: mustNew(t, svc, e.st, log), ws: e.ws}, clock
}

const cardsQuery = `query($c: ID!, $t: ID) { customerCardInstances(customerId: $c, threadId: $t) {
  __typename id customerId threadId customerCardConfig { key }
  ... on CustomerCardInstanceLoaded { loadedAt { unixTimestamp } expiresAt { unixTimestamp } components { __typename ... on ComponentText { text } } }
  ... on CustomerCardInstanceError { errorDetail { __typename
    ... on CustomerCardInstanceTimeoutErrorDetail { message timeoutSeconds }
    ... on CustomerCardInstanceStatusCodeErrorDetail { message statusCode }
    ... on CustomerCardInstanceResponseBodyErrorDetail { message }
    ... on CustomerCardInstanceCardTooBigErrorDetail { message cardKey sizeBytes maxSizeBytes }
    ... on CustomerCardInstanceMissingCardErrorDetail { message cardKey }
    ... on CustomerCardInstanceRequestErrorDetail { message errorCode } } } } }`

// cards reads the cards of a customer in a thread, by config key.
func (e *env) cards(t *testing.T, key, customerID, threadID string) map[string]map[string]any {
	t.Helper()
	vars := map[string]any{"c": customerID, "t": nil}
	if threadID != "" {
		vars["t"] = threadID
	}
	r := e.post(key, cardsQuery, vars)
	list, ok := path(r.Body, "data", "customerCardInstances").([]any)
	if !ok || r.Status != 200 {
		t.Fatalf("customerCardInstances: %d %s", r.Status, r.Raw)
	}
	out := map[string]map[string]any{}
	for _, x := range list {
		c := x.(map[string]any)
		out[path(c, "customerCardConfig", "key").(string)] = c
	}
	return out
}

// TestCustomerCards: a card API on loopback answers, times out, answers
// malformed JSON, too much JSON, no card and an error status; each card
// ends in its own state, answers are cached for their TTL (failures for
// five minutes), configs of one endpoint share a request, and a reload
// asks again whatever is cached.
func TestCustomerCards(t *testing.T) {
	forEachBackend(t, func(t *testing.T, base *env) {
		srv := newCardServer(t)
		e, clock := cardEnv(t, base, srv, true)
		ws, err := e.svc.WorkspaceHMAC(service.System(context.Background(), e.ws))
		if err != nil || ws == nil {
			t.Fatal(err)
		}
		srv.secret = ws.HMACSecret
		f := e.fixture(t)
		key := e.key(e.ws, auth.All)
		threadID := e.newThread(t, key, f, "")
		for _, c := range []struct{ key, path string }{{"ok", "/ok"}, {"ok2", "/ok"}, {"slow", "/slow"}, {"malformed", "/malformed"},
			{"big", "/big"}, {"missing", "/missing"}, {"status", "/status"}} {
			e.mustMutate(t, key, fmt.Sprintf(`mutation { createCustomerCardConfig(input: {title: %q, key: %q, defaultTimeToLiveSeconds: 600,
				apiUrl: %q, apiHeaders: [{name: "X-Token", value: "t0ken"}]}) { customerCardConfig { id } error { code message fields { field message } } } }`,
				c.key, c.key, srv.URL+c.path))
		}
		got := e.cards(t, key, f.customer.ID, threadID)
		checkCardStates(t, got, f.customer.Email)
		if n := srv.count("/ok"); n != 1 {
			t.Errorf("the two cards of /ok took %d requests, want 1", n)
		}
		if len(srv.bodies) == 0 || srv.bodies[0].Customer.ID != f.customer.ID || srv.bodies[0].Thread == nil || srv.bodies[0].Thread.ID != threadID {
			t.Errorf("request bodies: %+v", srv.bodies)
		}
		if len(srv.bad) > 0 {
			t.Errorf("requests not as configured: %v", srv.bad)
		}
		checkCardCache(t, e, clock, srv, key, f.customer.ID, threadID, got)
	})
}

// checkCardStates checks the state each card ended in.
func checkCardStates(t *testing.T, got map[string]map[string]any, email string) {
	t.Helper()
	want := map[string][2]string{
		"ok": {"CustomerCardInstanceLoaded", ""}, "ok2": {"CustomerCardInstanceLoaded", ""},
		"slow":      {"CustomerCardInstanceError", "CustomerCardInstanceTimeoutErrorDetail"},
		"malformed": {"CustomerCardInstanceError", "CustomerCardInstanceResponseBodyErrorDetail"},
		"big":       {"CustomerCardInstanceError", "CustomerCardInstanceCardTooBigErrorDetail"},
		"missing":   {"CustomerCardInstanceError", "CustomerCardInstanceMissingCardErrorDetail"},
		"status":    {"CustomerCardInstanceError", "CustomerCardInstanceStatusCodeErrorDetail"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d cards, want %d: %v", len(got), len(want), got)
	}
	for k, w := range want {
		c := got[k]
		if c["__typename"] != w[0] || w[1] != "" && path(c, "errorDetail", "__typename") != w[1] {
			t.Errorf("card %s: %v, want %v", k, c, w)
		}
	}
	if text := path(got["ok"], "components", 0, "text"); text != "Plan of "+email {
		t.Errorf("ok card components: %v", got["ok"]["components"])
	}
	for k, v := range map[string][2]any{
		"slow": {"timeoutSeconds", 1.0}, "status": {"statusCode", 503.0}, "big": {"maxSizeBytes", 2048.0}, "missing": {"cardKey", "missing"},
	} {
		if got := path(got[k], "errorDetail", v[0].(string)); got != v[1] {
			t.Errorf("card %s: errorDetail.%s = %v, want %v", k, v[0], got, v[1])
		}
	}
}

// checkCardCache checks that fresh cards are served without asking the
// API, stale ones are asked again, and a reload always asks.
func checkCardCache(t *testing.T, e *env, clock *movingClock, srv *cardServer, key, customerID, threadID string, first map[string]map[string]any) {
	t.Helper()
	hits := func() string {
		return fmt.Sprintf("ok %d, slow %d, status %d", srv.count("/ok"), srv.count("/slow"), srv.count("/status"))
	}
	again := e.cards(t, key, customerID, threadID)
	if h := hits(); h != "ok 1, slow 1, status 1" || again["ok"]["id"] != first["ok"]["id"] {
		t.Errorf("a second read within the TTL asked again (%s) or changed the card", h)
	}
	clock.add(61 * time.Second) // past "ok"'s own TTL, not "ok2"'s 600 s nor the failures' 5 min
	again = e.cards(t, key, customerID, threadID)
	if h := hits(); h != "ok 2, slow 1, status 1" || again["ok"]["id"] == first["ok"]["id"] {
		t.Errorf("after 61 s: %s, want only the expired ok card asked again", h)
	}
	r := e.mustMutate(t, key, fmt.Sprintf(`mutation { reloadCustomerCardInstance(input: {customerCardConfigId: %q, customerId: %q, threadId: %q}) {
		customerCardInstance { __typename } error { code } } }`, cardConfigID(t, e, key, "status"), customerID, threadID))
	if h := hits(); h != "ok 2, slow 1, status 2" || path(r, "customerCardInstance", "__typename") != "CustomerCardInstanceError" {
		t.Errorf("reload: %s, %v; want status asked again", h, r)
	}
	clock.add(5 * time.Minute)
	e.cards(t, key, customerID, threadID)
	if h := hits(); h != "ok 3, slow 2, status 3" {
		t.Errorf("after 5 minutes: %s, want every failed card asked again", h)
	}
	// The cards of the customer without the thread are cached apart.
	if got := e.cards(t, key, customerID, ""); got["ok"]["threadId"] != nil || srv.count("/ok") != 4 {
		t.Errorf("cards without a thread: %v, /ok asked %d times", got["ok"], srv.count("/ok"))
	}
}

func cardConfigID(t *testing.T, e *env, key, cardKey string) string {
	t.Helper()
	for _, c := range path(e.gql(t, key, `{ customerCardConfigs { id key } }`), "customerCardConfigs").([]any) {
		if m := c.(map[string]any); m["key"] == cardKey {
			return m["id"].(string)
		}
	}
	t.Fatalf("no config %s", cardKey)
	return ""
}

// TestCardURLPolicy: card API URLs must be https; without the private
// address flag, a private, loopback or link-local address (in any
// spelling) is refused when saved, and again when connecting, whatever
// was saved before.
func TestCardURLPolicy(t *testing.T) {
	forEachBackend(t, func(t *testing.T, base *env) {
		srv := newCardServer(t)
		strict, _ := cardEnv(t, base, srv, false)
		lax, _ := cardEnv(t, base, srv, true)
		key := strict.key(strict.ws, auth.All)
		for i, url := range []string{"http://cards.example.com/x", "https://127.0.0.1/x", "https://2130706433/x", "https://[::1]/x",
			"https://169.254.169.254/latest", "https://localhost/x", "ftp://cards.example.com"} {
			r := strict.post(key, fmt.Sprintf(`mutation { createCustomerCardConfig(input: {title: "T", key: "k%d", defaultTimeToLiveSeconds: 60,
				apiUrl: %q, apiHeaders: []}) { customerCardConfig { id } error { code fields { field type } } } }`, i, url), nil)
			if path(r.Body, "data", "createCustomerCardConfig", "error", "fields", 0, "field") != "apiUrl" {
				t.Errorf("%s was not refused on apiUrl: %s", url, r.Raw)
			}
		}
		f := lax.fixture(t)
		lax.mustMutate(t, key, fmt.Sprintf(`mutation { createCustomerCardConfig(input: {title: "T", key: "local", defaultTimeToLiveSeconds: 60,
			apiUrl: %q, apiHeaders: []}) { customerCardConfig { id } error { code } } }`, srv.URL+"/ok"))
		got := strict.cards(t, key, f.customer.ID, "")
		if path(got["local"], "errorDetail", "errorCode") != "blocked_address" || srv.count("/ok") != 0 {
			t.Errorf("a saved loopback URL was reached: %v (/ok asked %d times)", got["local"], srv.count("/ok"))
		}
	})
}
