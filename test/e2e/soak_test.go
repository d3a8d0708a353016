package e2e

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/threadline/threadline/test/harness"
)

// soakDocs are the valid documents the soak mutates.
var soakDocs = []string{
	`{ myWorkspace { id name createdAt { iso8601 } } }`,
	`{ threads(first: 10, filters: {statuses: [TODO]}) { edges { node { id ref title customer { id fullName } labels { labelType { name } } } } pageInfo { hasNextPage endCursor } } }`,
	`{ customers(first: 5) { edges { node { id email { email } } } totalCount } }`,
	`mutation { upsertCustomer(input: {identifier: {emailAddress: "soak@example.com"}, onCreate: {fullName: "Soak", email: {email: "soak@example.com", isVerified: false}}, onUpdate: {}}) { customer { id } result error { code } } }`,
	`mutation { createThread(input: {customerIdentifier: {emailAddress: "soak@example.com"}, title: "Soak", components: [{componentText: {text: "hello"}}]}) { thread { id ref status } error { code fields { field } } } }`,
	`{ labelTypes { edges { node { id name } } } }`,
	`mutation { createLabelType(input: {name: "soak"}) { labelType { id } error { code } } }`,
	`{ threadByRef(ref: "T-1") { id statusDetail { __typename } assignedTo { __typename } } }`,
	`mutation { snoozeThread(input: {threadId: "th_01H14DFQ4PDYBH398J1E99TWSS", durationSeconds: 60}) { error { code } } }`,
	`{ webhookTargets { edges { node { id url } } } }`,
	`{ threadFieldSchemas { edges { node { key type } } } }`,
}

// hostile are documents built to cost the server.
func hostile(r *rand.Rand) string {
	switch r.IntN(6) {
	case 0:
		var b strings.Builder
		n := 10 + r.IntN(50)
		fmt.Fprintf(&b, "query { myWorkspace { ...F%d } } fragment F0 on Workspace { id }", n)
		for i := 1; i <= n; i++ {
			fmt.Fprintf(&b, " fragment F%d on Workspace { ...F%d ...F%d }", i, i-1, i-1)
		}
		return b.String()
	case 1:
		return "{ myWorkspace { " + strings.Repeat("id ", 1000+r.IntN(40000)) + "} }"
	case 2:
		return strings.Repeat("{ a ", 50+r.IntN(500)) + strings.Repeat("}", 50)
	case 3:
		ors := make([]string, 100+r.IntN(1000))
		for i := range ors {
			ors[i] = "{priorities: [1]}"
		}
		return "{ threads(filters: {or: [" + strings.Join(ors, ",") + "]}) { edges { node { id } } } }"
	case 4:
		return fmt.Sprintf(`mutation { snoozeThread(input: {threadId: "x", durationSeconds: %d}) { error { code } } }`, r.Int64())
	}
	return `{ threads(first: ` + strconv.Itoa(r.IntN(1<<20)) + `) { edges { node { id } } } }`
}

// mutate damages a document: flips, cuts, repeats or splices bytes.
func mutate(r *rand.Rand, s string) string {
	b := []byte(s)
	for range 1 + r.IntN(4) {
		if len(b) == 0 {
			break
		}
		i := r.IntN(len(b))
		switch r.IntN(5) {
		case 0:
			b[i] = byte(r.IntN(256))
		case 1:
			b = b[:i]
		case 2:
			b = append(b[:i:i], append([]byte(strings.Repeat(string(b[i:]), 2)), b[i:]...)...)
		case 3:
			b = append(b[:i:i], append([]byte(`"\u0000{}[]$!@`[r.IntN(14):]), b[i:]...)...)
		default:
			j := r.IntN(len(b))
			b[i], b[j] = b[j], b[i]
		}
	}
	return string(b)
}

// soakRequest makes the i-th request: mostly valid, many mutated, some
// hostile, some broken at the HTTP level.
func soakRequest(r *rand.Rand, url, key string) *http.Request {
	body := func(q string) []byte {
		return []byte(`{"query":` + strconv.Quote(q) + `,"variables":null}`)
	}
	var b []byte
	ct, auth := "application/json", "Bearer "+key
	switch k := r.IntN(100); {
	case k < 50:
		b = body(soakDocs[r.IntN(len(soakDocs))])
	case k < 80:
		b = body(mutate(r, soakDocs[r.IntN(len(soakDocs))]))
	case k < 90:
		b = body(hostile(r))
	case k < 95:
		b = []byte(mutate(r, string(body(soakDocs[r.IntN(len(soakDocs))]))))
	case k < 97:
		ct = "text/plain"
		b = body(soakDocs[0])
	case k < 99:
		auth = "Bearer plainApiKey_" + strconv.Itoa(r.Int())
		b = body(soakDocs[0])
	default:
		b = bytes.Repeat([]byte("{"), 1+r.IntN(2<<20))
	}
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(b))
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", auth)
	return req
}

// TestSoak sends generated, mutated and hostile requests (10⁵ by default,
// THREADLINE_SOAK_REQUESTS to change) at the real server on each backend:
// no panic, no 5xx, and the server still healthy at the end.
func TestSoak(t *testing.T) {
	total := 100000
	if n, err := strconv.Atoi(os.Getenv("THREADLINE_SOAK_REQUESTS")); err == nil {
		total = n
	}
	if testing.Short() {
		total = 2000
	}
	for _, b := range harness.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			db := b.NewDatabaseURL(t)
			srv := harness.Start(t, db, "THREADLINE_RATE_LIMIT=0")
			key := harness.NewAPIKey(t, db, "", "all")
			counts, took := soak(t, srv.GraphQLURL(), key, total)
			if counts[5] > 0 {
				t.Errorf("%d responses were 5xx", counts[5])
			}
			if resp, err := http.Get(srv.URL + "/healthz"); err != nil || resp.StatusCode != 200 {
				t.Fatalf("healthz after soak: %v %v", resp, err)
			}
			panics := strings.Count(srv.Logs(), "panic")
			if panics > 0 {
				t.Errorf("%d panics logged", panics)
			}
			t.Logf("%d requests in %v: 2xx %d, 4xx %d, 5xx %d; panics %d; peak RSS %s",
				total, took.Round(time.Millisecond), counts[2], counts[4], counts[5], panics, peakRSS(srv.PID()))
		})
	}
}

// soak sends total requests from 8 clients and counts responses by class.
func soak(t *testing.T, url, key string, total int) ([6]int64, time.Duration) {
	var counts [6]atomic.Int64
	var next atomic.Int64
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	start := time.Now()
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 42))
			for next.Add(1) <= int64(total) {
				resp, err := client.Do(soakRequest(r, url, key))
				if err != nil {
					t.Errorf("request failed: %v", err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				counts[min(resp.StatusCode/100, 5)].Add(1)
			}
		})
	}
	wg.Wait()
	var out [6]int64
	for i := range out {
		out[i] = counts[i].Load()
	}
	return out, time.Since(start)
}

// peakRSS reads a process's peak resident set size (Linux).
func peakRSS(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:"))
		}
	}
	return "unknown"
}
