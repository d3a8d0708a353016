package server

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/test/harness"
)

// fanOut is the exponential fragment document: F0 selects two fields and
// each Fi spreads F(i-1) twice, so F(n) expands to 2^(n+1) fields.
func fanOut(n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "query { myWorkspace { ...F%d } }\nfragment F0 on Workspace { id name }\n", n)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "fragment F%d on Workspace { ...F%d ...F%d }\n", i, i-1, i-1)
	}
	return b.String()
}

func repeated(field string, n int) string {
	return "{ myWorkspace { " + strings.Repeat(field+" ", n) + "} }"
}

// countingEnv is an env whose executions are counted.
func countingEnv(t *testing.T) (*env, *atomic.Int32) {
	e := newEnv(t, harness.Backends(t)[0].NewDatabaseURL(t))
	gh, err := newGraphQLHandler(e.svc, slog.New(slog.DiscardHandler), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var ran atomic.Int32
	gh.exec.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		ran.Add(1)
		return next(ctx)
	})
	e.h = gh
	return e, &ran
}

// TestCostRefusedBeforeWork: documents that would take the server minutes
// are refused with 400 before validation or execution, in little time, and
// the server answers the next request at once.
func TestCostRefusedBeforeWork(t *testing.T) {
	e, ran := countingEnv(t)
	k := e.key(e.ws, auth.All)
	for name, doc := range map[string]string{
		"24 fragments":         fanOut(24),
		"60 fragments":         fanOut(60),
		"40k repeated fields":  repeated("id", 40000),
		"100k unknown fields":  repeated("nope", 100000),
		"20k repeated fields":  repeated("id", 20000),
		"5k aliases":           aliases(5000),
		"depth 40":             strings.Repeat("{ myWorkspace ", 40) + strings.Repeat("}", 40),
		"11 operations":        strings.Repeat("query { myWorkspace { id } }\n", 11),
		"fragment spreads own": "{ myWorkspace { ...A } } fragment A on Workspace { ...A }",
	} {
		start := time.Now()
		r := e.post(k, doc, nil)
		took := time.Since(start)
		er := firstError(t, r)
		if r.Status != 400 || (code(er) != "QUERY_TOO_COMPLEX" && code(er) != "GRAPHQL_VALIDATION_FAILED") {
			t.Errorf("%s: %d %.300s", name, r.Status, r.Raw)
		}
		if ran.Load() != 0 {
			t.Fatalf("%s reached execution", name)
		}
		t.Logf("%s (%d bytes): refused in %v: %s", name, len(doc), took, er["message"])
		if r := e.post(k, `{ myWorkspace { id } }`, nil); r.Status != 200 {
			t.Fatalf("after %s: %d %s", name, r.Status, r.Raw)
		}
		ran.Store(0)
	}
}

func aliases(n int) string {
	var b strings.Builder
	b.WriteString("{ myWorkspace { ")
	for i := range n {
		fmt.Fprintf(&b, "a%d: id ", i)
	}
	b.WriteString("} }")
	return b.String()
}

// TestWideFilterRefused: a filter of 1,000 branches, or 32,766 ids, is a
// validation error (400), never a backend's 500.
func TestWideFilterRefused(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		k := e.key(e.ws, auth.All)
		branches := make([]any, 1000)
		for i := range branches {
			branches[i] = map[string]any{"priorities": []int{i % 4}}
		}
		ids := make([]string, 32766)
		for i := range ids {
			ids[i] = fmt.Sprintf("th_%d", i)
		}
		for name, filter := range map[string]any{
			"or of 1000":    map[string]any{"or": branches},
			"and of 1000":   map[string]any{"and": branches},
			"32766 ids":     map[string]any{"threadIds": ids},
			"deep not":      deepNot(40),
			"50 ids (fine)": map[string]any{"threadIds": ids[:50]},
		} {
			r := e.post(k, `query($f: ThreadsFilter) { threads(filters: $f) { edges { node { id } } } }`, map[string]any{"f": filter})
			if name == "50 ids (fine)" {
				if r.Status != 200 {
					t.Errorf("%s: %d %.300s", name, r.Status, r.Raw)
				}
				continue
			}
			if r.Status != 400 || code(firstError(t, r)) != "BAD_USER_INPUT" || !strings.Contains(r.Raw, "at most") {
				t.Errorf("%s: %d %.300s", name, r.Status, r.Raw)
			}
		}
	})
}

func deepNot(n int) map[string]any {
	f := map[string]any{"priorities": []int{1}}
	for range n {
		f = map[string]any{"not": f}
	}
	return f
}

// TestBadInputsValidation: a snooze whose seconds overflow a duration and
// a blank title are validation errors on their fields.
func TestBadInputsValidation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		k := e.key(e.ws, auth.All)
		r := e.post(k, `mutation($i: CreateThreadInput!) { createThread(input: $i) { thread { id } error { type fields { field type } } } }`,
			map[string]any{"i": map[string]any{"title": "  ", "customerIdentifier": map[string]any{"customerId": f.customer.ID}}})
		if path(r.Body, "data", "createThread", "error", "type") != "VALIDATION" ||
			path(r.Body, "data", "createThread", "error", "fields", 0, "field") != "title" {
			t.Errorf("blank title: %s", r.Raw)
		}
		r = e.post(k, `mutation($i: CreateThreadInput!) { createThread(input: $i) { thread { id } } }`,
			map[string]any{"i": map[string]any{"title": "T", "customerIdentifier": map[string]any{"customerId": f.customer.ID}}})
		id, _ := path(r.Body, "data", "createThread", "thread", "id").(string)
		for _, secs := range []int64{9223372037, 1 << 62, 18446745072, 0, -5, 366 * 86400} {
			r = e.post(k, fmt.Sprintf(`mutation { snoozeThread(input: {threadId: %q, durationSeconds: %d}) { thread { status } error { type fields { field } } } }`, id, secs), nil)
			if path(r.Body, "data", "snoozeThread", "error", "type") != "VALIDATION" ||
				path(r.Body, "data", "snoozeThread", "error", "fields", 0, "field") != "durationSeconds" {
				t.Errorf("snooze %d s: %s", secs, r.Raw)
			}
		}
	})
}

// TestBodyBounds: trailing data after the JSON body is refused, and so is a
// body over 1 MiB.
func TestBodyBounds(t *testing.T) {
	e := newEnv(t, harness.Backends(t)[0].NewDatabaseURL(t))
	k := e.key(e.ws, auth.All)
	send := func(body []byte) int {
		req := httptest.NewRequest(http.MethodPost, GraphQLPath, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+k)
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		return rec.Code
	}
	if c := send([]byte(`{"query":"{ myWorkspace { id } }"} garbage`)); c != 400 {
		t.Errorf("trailing garbage: %d", c)
	}
	if c := send([]byte(`{"query":"{ myWorkspace { id } }"}{"query":"x"}`)); c != 400 {
		t.Errorf("two bodies: %d", c)
	}
	if c := send([]byte("{\"query\":\"{ myWorkspace { id } }\"}\n ")); c != 200 {
		t.Errorf("trailing whitespace: %d", c)
	}
	big := []byte(`{"query":"{ myWorkspace { id } }","variables":{"x":"` + strings.Repeat("a", 1<<20) + `"}}`)
	if c := send(big); c != 413 {
		t.Errorf("1 MiB body: %d", c)
	}
}

// TestErrorsCapped: a response carries at most ErrorsPerResp errors.
func TestErrorsCapped(t *testing.T) {
	e := newEnv(t, harness.Backends(t)[0].NewDatabaseURL(t))
	k := e.key(e.ws, auth.All)
	r := e.post(k, repeated("nope", 250), nil)
	errs, _ := r.Body["errors"].([]any)
	if r.Status != 400 || len(errs) != 50 || !strings.Contains(r.Raw, "more errors not shown") {
		t.Errorf("%d errors, status %d: %.500s", len(errs), r.Status, r.Raw)
	}
}
