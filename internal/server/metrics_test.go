package server

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/metrics"
	"github.com/threadline/threadline/internal/ratelimit"
	"github.com/threadline/threadline/test/harness"
)

// TestMetrics: requests are counted by operation and status, and rate-limit
// refusals by limit, on the operator's listener; pprof only on loopback.
func TestMetrics(t *testing.T) {
	e := newEnv(t, harness.Backends(t)[0].NewDatabaseURL(t))
	m := metrics.New()
	lim, err := ratelimit.New(2, time.Minute, nil, core.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	e.h = mustNewWith(t, e, Options{Metrics: m, RateLimit: lim})
	k := e.key(e.ws, auth.All)
	e.post(k, `{ myWorkspace { id } }`, nil)
	e.post(k, `{ myWorkspace { nope } }`, nil)
	if r := e.post(k, `{ myWorkspace { id } }`, nil); r.Status != 429 {
		t.Fatalf("third request: %d", r.Status)
	}
	rec := httptest.NewRecorder()
	Debug(m, false).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`threadline_graphql_requests_total{operation="myWorkspace",status="200"} 1`,
		`threadline_graphql_requests_total{operation="invalid",status="400"} 1`,
		`threadline_graphql_requests_total{operation="invalid",status="429"} 1`,
		`threadline_rate_limited_total{limit="api"} 1`,
		`threadline_graphql_request_duration_seconds_count{operation="myWorkspace",status="200"} 1`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	rec = httptest.NewRecorder()
	Debug(m, false).ServeHTTP(rec, httptest.NewRequest("GET", "/debug/pprof/", nil))
	if rec.Code != 404 {
		t.Errorf("pprof off loopback: %d", rec.Code)
	}
	rec = httptest.NewRecorder()
	Debug(m, true).ServeHTTP(rec, httptest.NewRequest("GET", "/debug/pprof/", nil))
	if rec.Code != 200 {
		t.Errorf("pprof on loopback: %d", rec.Code)
	}
}
