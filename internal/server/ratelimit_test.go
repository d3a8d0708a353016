package server

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/ratelimit"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/test/harness"
)

// TestRateLimit: the 1,001st request of a workspace in a minute gets 429
// with Plain's body and headers; another workspace is unaffected.
func TestRateLimit(t *testing.T) {
	e := newEnv(t, harness.Backends(t)[0].NewDatabaseURL(t))
	lim, err := ratelimit.New(1000, time.Minute, nil, core.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	e.h = mustNewWith(t, e, Options{RateLimit: lim})
	k := e.key(e.ws, auth.All)
	other, err := e.svc.CreateWorkspace(service.System(context.Background(), e.ws), "Other")
	if err != nil {
		t.Fatal(err)
	}
	k2 := e.key(other.ID, auth.All)
	body := []byte(`{"query":"{ myWorkspace { id } }"}`)
	send := func(key string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, GraphQLPath, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+key)
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		return rec
	}
	start := time.Now()
	for i := 1; i <= 1000; i++ {
		rec := send(k)
		if rec.Code != 200 {
			t.Fatalf("request %d: %d %s", i, rec.Code, rec.Body)
		}
		if got := rec.Header().Get("X-Ratelimit-Remaining"); got != strconv.Itoa(1000-i) {
			t.Fatalf("request %d: remaining %q", i, got)
		}
	}
	rec := send(k)
	raw, _ := io.ReadAll(rec.Body)
	if time.Since(start) > time.Minute {
		t.Skip("the machine took over a minute for 1,000 requests; the window moved on")
	}
	if rec.Code != 429 || string(raw) != rateLimitedBody {
		t.Fatalf("request 1001: %d %s", rec.Code, raw)
	}
	h := rec.Header()
	reset, err := time.Parse("2006-01-02T15:04:05.000Z", h.Get("X-Ratelimit-Reset"))
	if h.Get("X-Ratelimit-Limit") != "1000" || h.Get("X-Ratelimit-Remaining") != "0" || err != nil ||
		reset.Before(time.Now()) || reset.After(time.Now().Add(time.Minute+time.Second)) {
		t.Errorf("headers of 429: %v", h)
	}
	if ra, err := strconv.Atoi(h.Get("Retry-After")); err != nil || ra < 1 || ra > 60 {
		t.Errorf("Retry-After %q", h.Get("Retry-After"))
	}
	if rec := send(k2); rec.Code != 200 || rec.Header().Get("X-Ratelimit-Remaining") != "999" {
		t.Errorf("other workspace: %d %v", rec.Code, rec.Header())
	}
}

// mustNewWith returns e's server handler built with opts.
func mustNewWith(t *testing.T, e *env, opts Options) http.Handler {
	t.Helper()
	h, err := New(e.svc, e.st, slog.New(slog.DiscardHandler), opts)
	if err != nil {
		t.Fatal(err)
	}
	return h
}
