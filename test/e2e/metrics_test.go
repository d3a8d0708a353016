package e2e

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/threadline/threadline/test/harness"
)

var metricsAddrRe = regexp.MustCompile(`msg="metrics listening" addr=(\S+)`)

// TestMetricsEndpoint: with --metrics-addr, the server reports requests,
// commits, the connection pool and the outbox on /metrics.
func TestMetricsEndpoint(t *testing.T) {
	for _, b := range harness.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			db := b.NewDatabaseURL(t)
			srv := harness.Start(t, db, "THREADLINE_METRICS_ADDR=127.0.0.1:0")
			key := harness.NewAPIKey(t, db, "", "all")
			graphql(t, srv.GraphQLURL(), key, `mutation { upsertCustomer(input: {identifier: {emailAddress: "m@example.com"}, onCreate: {fullName: "M", email: {email: "m@example.com", isVerified: false}}, onUpdate: {}}) { customer { id } } }`)
			var addr string
			for deadline := time.Now().Add(5 * time.Second); addr == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
				if m := metricsAddrRe.FindStringSubmatch(srv.Logs()); m != nil {
					addr = m[1]
				}
			}
			resp, err := http.Get("http://" + addr + "/metrics")
			if err != nil {
				t.Fatalf("scrape: %v\n%s", err, srv.Logs())
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			for _, want := range []string{
				`threadline_graphql_requests_total{operation="upsertCustomer",status="200"} 1`,
				`threadline_store_commit_batch_size_count{backend="` + b.Name + `"}`,
				`threadline_store_commit_duration_seconds_bucket{backend="` + b.Name + `"`,
				"threadline_db_connections_open ", "threadline_db_connections_in_use ",
				"threadline_outbox_pending 0", "threadline_outbox_oldest_pending_age_seconds 0",
				"threadline_email_pending 0", "threadline_email_oldest_pending_age_seconds 0",
				"go_goroutines ",
			} {
				if !strings.Contains(string(body), want) {
					t.Errorf("/metrics lacks %q", want)
				}
			}
		})
	}
}
