package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/bench"
	"github.com/threadline/threadline/internal/config"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/store/postgres"
	"github.com/threadline/threadline/internal/store/sqlite"
	"github.com/threadline/threadline/test/harness"
)

// handlerTransport serves a client's requests with an in-process handler,
// recording each response with httptest.NewRecorder: the whole HTTP stack
// of the server runs, without sockets.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	sreq := httptest.NewRequestWithContext(req.Context(), req.Method, req.URL.String(), req.Body)
	sreq.Header = req.Header.Clone()
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, sreq)
	return rec.Result(), nil
}

// benchStores opens each backend the way the server does by default
// (app.OpenStore, which this package cannot import): SQLite at
// synchronous=FULL with group commit, PostgreSQL with a pool of
// config.Defaults().PostgresMaxConns connections.
var benchStores = []struct {
	name string
	open func(b *testing.B) store.Store
}{
	{"sqlite", func(b *testing.B) store.Store {
		st, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"), sqlite.Options{})
		if err != nil {
			b.Fatal(err)
		}
		return st
	}},
	{"postgres", func(b *testing.B) store.Store {
		// FreshPostgresURL skips, saying why, without THREADLINE_TEST_POSTGRES_URL.
		st, err := postgres.Open(context.Background(), harness.FreshPostgresURL(b), config.Defaults().PostgresMaxConns)
		if err != nil {
			b.Fatal(err)
		}
		return st
	}},
}

// BenchmarkCreateThread sends the createThread mutation of `threadline bench
// create-threads` (a customer, label type and STRING field schema set up
// front, then threads with one text component, that label and that field)
// through the in-process handler, on each backend at each
// bench.WriterConcurrency (1 and 32), each on a fresh database. The
// concurrency is explicit goroutines (bench.Benchmark, b.N requests in
// total), not b.SetParallelism. Every response is checked for errors (the
// benchmark fails on the first); it reports threads/s and p50/p99 latency.
// Compare with BenchmarkBareInsert in internal/store/sqlite and
// internal/store/postgres.
func BenchmarkCreateThread(b *testing.B) {
	for _, bs := range benchStores {
		b.Run(bs.name, func(b *testing.B) {
			for _, c := range bench.WriterConcurrency {
				scenario := newBenchScenario(b, bs.open(b))
				b.Run(fmt.Sprintf("conc=%d", c), func(b *testing.B) {
					bench.Benchmark(b, b.N, c, scenario.createThread, "threads/s")
				})
			}
		})
	}
}

// benchCreateThreadMutation is the createThread mutation `threadline bench
// create-threads` sends: Plain's documented selection plus the new
// thread's labels and thread fields, so that their resolvers run too.
const benchCreateThreadMutation = `mutation createThread($input: CreateThreadInput!) {
  createThread(input: $input) {
    thread {
      id
      ref
      externalId
      customer { id }
      status
      statusChangedAt { iso8601 }
      title
      description
      previewText
      priority
      labels { id labelType { id name } }
      threadFields { id key type stringValue }
      createdAt { iso8601 }
    }
    error { message type code fields { field message type } }
  }
}`

// benchScenario is a served store with a key holding every permission and
// the customer, label type and field schema new threads use.
type benchScenario struct {
	client      *http.Client
	key         string
	svc         *service.Service
	sys         context.Context // the workspace's system context, for set-up through svc
	customerID  string
	labelTypeID string
	fieldKey    string
	seq         atomic.Int64
}

// newBenchScenario serves st in process, creates an API key with every
// permission and sets up the createThread scenario through the service.
func newBenchScenario(b *testing.B, st store.Store) *benchScenario {
	b.Helper()
	b.Cleanup(func() { st.Close() })
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	svc := service.New(st, nil, log)
	ws, err := svc.EnsureDefaultWorkspace(ctx)
	if err != nil {
		b.Fatal(err)
	}
	sys := service.System(ctx, ws)
	k, err := svc.CreateAPIKey(sys, "bench", []auth.Permission{auth.All}, "")
	if err != nil {
		b.Fatal(err)
	}
	s := &benchScenario{client: &http.Client{Transport: handlerTransport{mustNew(b, svc, st, log)}}, key: k.Secret, fieldKey: "bench",
		svc: svc, sys: sys}
	email := "bench@example.com"
	c, _, err := svc.UpsertCustomer(sys, service.UpsertCustomerInput{Identifier: customer.Identifier{EmailAddress: &email},
		OnCreate: customer.CreateFields{FullName: "Bench Customer", Email: email, EmailVerified: true}})
	if err != nil {
		b.Fatal(err)
	}
	lt, err := svc.CreateLabelType(sys, label.CreateInput{Name: "Bench"})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := svc.CreateThreadFieldSchema(sys, field.SchemaInput{Key: s.fieldKey, Label: "Bench", Type: field.TypeString}); err != nil {
		b.Fatal(err)
	}
	s.customerID, s.labelTypeID = c.ID, lt.ID
	return s
}

// do posts query with variables through the handler and decodes "data"
// into out; it fails on a non-200 status or any entry in "errors".
func (s *benchScenario) do(ctx context.Context, query string, variables, out any) error {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": variables})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://threadline.test"+GraphQLPath, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.key)
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var env struct {
		Data   json.RawMessage `json:"data"`
		Errors []any           `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil || resp.StatusCode != http.StatusOK || len(env.Errors) > 0 {
		return fmt.Errorf("HTTP %d: %v %v", resp.StatusCode, env.Errors, err)
	}
	return json.Unmarshal(env.Data, out)
}

// createThread creates one thread and checks that the response carries
// it, with its label and field value, and no error. It is a bench.Op.
func (s *benchScenario) createThread(ctx context.Context, _ int) error {
	n := strconv.FormatInt(s.seq.Add(1), 10)
	var out struct {
		CreateThread struct {
			Thread *struct {
				ID           string            `json:"id"`
				Labels       []json.RawMessage `json:"labels"`
				ThreadFields []json.RawMessage `json:"threadFields"`
			} `json:"thread"`
			Error json.RawMessage `json:"error"`
		} `json:"createThread"`
	}
	err := s.do(ctx, benchCreateThreadMutation, map[string]any{"input": map[string]any{
		"title":              "Bench thread " + n,
		"customerIdentifier": map[string]any{"customerId": s.customerID},
		"components": []any{map[string]any{"componentText": map[string]any{
			"text": "The login button does nothing when I click it (bench request " + n + ").",
		}}},
		"labelTypeIds": []string{s.labelTypeID},
		"threadFields": []any{map[string]any{"key": s.fieldKey, "type": "STRING", "stringValue": "value " + n}},
	}}, &out)
	th := out.CreateThread.Thread
	switch {
	case err != nil:
		return fmt.Errorf("createThread: %w", err)
	case th == nil || (len(out.CreateThread.Error) > 0 && string(out.CreateThread.Error) != "null"):
		return fmt.Errorf("createThread: error %s", out.CreateThread.Error)
	case len(th.Labels) != 1 || len(th.ThreadFields) != 1:
		return fmt.Errorf("createThread: thread %s has %d labels and %d thread fields, want 1 and 1",
			th.ID, len(th.Labels), len(th.ThreadFields))
	}
	return nil
}

// threadPartsQuery selects what the SDK's ThreadParts fragment selects.
const threadPartsQuery = `id ref externalId customer { id fullName email { email } } status
  statusDetail { __typename ... on ThreadStatusDetailCreated { createdAt { iso8601 } } }
  statusChangedAt { iso8601 } title description previewText priority
  labels { id labelType { id name icon isArchived } createdAt { iso8601 } }
  threadFields { id key type stringValue booleanValue } assignedTo { __typename }
  createdAt { iso8601 } createdBy { __typename ... on MachineUserActor { machineUserId } }
  updatedAt { iso8601 }`

// BenchmarkThreadRead reads threads the way the SDK's getThread and
// getThreads do (ThreadParts), on SQLite: one thread by id, and the first
// page of 25 threads, each with a label and a thread field.
func BenchmarkThreadRead(b *testing.B) {
	st := benchStores[0].open(b)
	s := newBenchScenario(b, st)
	ctx := context.Background()
	for i := 0; i < 30; i++ {
		if err := s.createThread(ctx, i); err != nil {
			b.Fatal(err)
		}
	}
	var page struct {
		Threads struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	if err := s.do(ctx, `{ threads(first: 25) { edges { node { id } } } }`, nil, &page); err != nil || len(page.Threads.Edges) != 25 {
		b.Fatalf("listing threads: %v", err)
	}
	id := page.Threads.Edges[0].Node.ID
	b.Run("thread", func(b *testing.B) {
		bench.Benchmark(b, b.N, 1, func(ctx context.Context, _ int) error {
			var out struct{ Thread struct{ ID string } }
			if err := s.do(ctx, `query q($id: ID!) { thread(threadId: $id) { `+threadPartsQuery+` } }`,
				map[string]any{"id": id}, &out); err != nil || out.Thread.ID != id {
				return fmt.Errorf("thread: %v", err)
			}
			return nil
		}, "threads/s")
	})
	b.Run("threads", func(b *testing.B) {
		bench.Benchmark(b, b.N, 1, func(ctx context.Context, _ int) error {
			var out struct {
				Threads struct{ Edges []any }
			}
			if err := s.do(ctx, `{ threads(first: 25) { edges { node { `+threadPartsQuery+` } } } }`, nil, &out); err != nil ||
				len(out.Threads.Edges) != 25 {
				return fmt.Errorf("threads: %v", err)
			}
			return nil
		}, "threads/s")
	})
}
