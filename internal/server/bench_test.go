package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/config"
	"github.com/threadline/threadline/internal/loadgen"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/store/postgres"
	"github.com/threadline/threadline/internal/store/sqlite"
	"github.com/threadline/threadline/internal/store/storetest"
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

// BenchmarkCreateThread sends the createThread mutation (loadgen's
// CreateThreads: a customer, label type and STRING field schema created up
// front through the API, then threads with one text component, that label
// and that field) through the in-process handler, on each backend at
// concurrency 1 and 32, each on a fresh database. The concurrency is
// explicit goroutines (loadgen.Run, b.N requests in total), not
// b.SetParallelism. Every response is checked for errors (the benchmark
// fails on the first); it reports threads/s and p50/p99 latency. Compare
// with BenchmarkBareInsert in internal/store/sqlite and internal/store/postgres.
func BenchmarkCreateThread(b *testing.B) {
	for _, bs := range benchStores {
		b.Run(bs.name, func(b *testing.B) {
			for _, c := range storetest.BenchConcurrency {
				scenario := newBenchScenario(b, bs.open(b))
				b.Run(fmt.Sprintf("conc=%d", c), func(b *testing.B) {
					storetest.RunLoad(b, c, scenario.Do)
				})
			}
		})
	}
}

// newBenchScenario serves st in process, creates an API key with every
// permission and sets up the createThread scenario through the API.
func newBenchScenario(b *testing.B, st store.Store) *loadgen.CreateThreads {
	b.Helper()
	b.Cleanup(func() { st.Close() })
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	svc := service.New(st, nil, log)
	ws, err := svc.EnsureDefaultWorkspace(ctx)
	if err != nil {
		b.Fatal(err)
	}
	k, err := svc.CreateAPIKey(service.System(ctx, ws), "bench", []auth.Permission{auth.All}, "")
	if err != nil {
		b.Fatal(err)
	}
	client := &loadgen.APIClient{HTTP: &http.Client{Transport: handlerTransport{mustNew(b, svc, st, log)}},
		URL: "http://threadline.test" + GraphQLPath, Key: k.Secret}
	s, err := loadgen.NewCreateThreads(ctx, client)
	if err != nil {
		b.Fatal(err)
	}
	return s
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
		if err := s.Do(ctx, i); err != nil {
			b.Fatal(err)
		}
	}
	var page struct {
		Threads struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	if err := s.Client().Do(ctx, `{ threads(first: 25) { edges { node { id } } } }`, nil, &page); err != nil || len(page.Threads.Edges) != 25 {
		b.Fatalf("listing threads: %v", err)
	}
	id := page.Threads.Edges[0].Node.ID
	b.Run("thread", func(b *testing.B) {
		storetest.RunLoad(b, 1, func(ctx context.Context, _ int) error {
			var out struct{ Thread struct{ ID string } }
			if err := s.Client().Do(ctx, `query q($id: ID!) { thread(threadId: $id) { `+threadPartsQuery+` } }`,
				map[string]any{"id": id}, &out); err != nil || out.Thread.ID != id {
				return fmt.Errorf("thread: %v", err)
			}
			return nil
		})
	})
	b.Run("threads", func(b *testing.B) {
		storetest.RunLoad(b, 1, func(ctx context.Context, _ int) error {
			var out struct {
				Threads struct{ Edges []any }
			}
			if err := s.Client().Do(ctx, `{ threads(first: 25) { edges { node { `+threadPartsQuery+` } } } }`, nil, &out); err != nil ||
				len(out.Threads.Edges) != 25 {
				return fmt.Errorf("threads: %v", err)
			}
			return nil
		})
	})
}
