package e2e

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/threadline/threadline/test/harness"
)

// TestRateLimitAcrossReplicas: two replicas on one PostgreSQL database share
// a workspace's limit: of 1,001 requests in a minute, spread over both, the
// last is refused with 429 and Plain's headers; another workspace is not.
func TestRateLimitAcrossReplicas(t *testing.T) {
	db := harness.FreshPostgresURL(t)
	a := harness.Start(t, db, "THREADLINE_RATE_LIMIT=1000")
	b := harness.Start(t, db, "THREADLINE_RATE_LIMIT=1000")
	key := harness.NewAPIKey(t, db, "", "all")
	other := harness.LastLine(harness.CLI(t, db, "workspace", "create", "--name", "Other"))
	otherKey := harness.NewAPIKey(t, db, other, "all")
	post := func(url, key string) *http.Response {
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader([]byte(`{"query":"{ myWorkspace { id } }"}`)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	// Start at a fresh minute so that all 1,001 fall in one window.
	if s := time.Now().Second(); s > 40 {
		time.Sleep(time.Duration(61-s) * time.Second)
	}
	start := time.Now()
	for i := 1; i <= 1000; i++ {
		srv := a
		if i%2 == 0 {
			srv = b
		}
		resp := post(srv.GraphQLURL(), key)
		if resp.StatusCode != 200 || resp.Header.Get("X-Ratelimit-Remaining") != strconv.Itoa(1000-i) {
			t.Fatalf("request %d: %d remaining %q", i, resp.StatusCode, resp.Header.Get("X-Ratelimit-Remaining"))
		}
	}
	if time.Since(start) > 15*time.Second {
		t.Logf("1,000 requests took %v", time.Since(start))
	}
	for _, srv := range []*harness.Server{a, b} {
		resp := post(srv.GraphQLURL(), key)
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" || resp.Header.Get("X-Ratelimit-Remaining") != "0" ||
			resp.Header.Get("X-Ratelimit-Limit") != "1000" || resp.Header.Get("X-Ratelimit-Reset") == "" {
			t.Fatalf("request over the limit: %d %v", resp.StatusCode, resp.Header)
		}
	}
	if resp := post(b.GraphQLURL(), otherKey); resp.StatusCode != 200 || resp.Header.Get("X-Ratelimit-Remaining") != "999" {
		t.Fatalf("other workspace: %d %v", resp.StatusCode, resp.Header)
	}
}
