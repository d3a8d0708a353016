// Package server is Threadline's HTTP front: routes, middleware (request
// ids, logging, panic recovery) and the GraphQL endpoint.
package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"github.com/threadline/threadline/internal/graph"
	"github.com/threadline/threadline/internal/graph/schema"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/store"
)

// GraphQLPath is where the API is served, as in Plain.
const GraphQLPath = "/graphql/v1"

// New returns the HTTP handler of a Threadline server.
func New(svc *service.Service, st store.Store, log *slog.Logger, opts Options) (http.Handler, error) {
	gh, err := newGraphQLHandler(svc, log, opts)
	if err != nil {
		return nil, err
	}
	wh, err := newWebHandler(svc, log, opts)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/", wh)
	mux.Handle(GraphQLPath, gh)
	newAttachmentHandler(svc, log).routes(mux)
	sdl := []byte(schema.SDL())
	mux.HandleFunc("GET "+GraphQLPath+"/schema.graphql", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write(sdl)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := st.View(ctx, func(store.Tx) error { return nil }); err != nil {
			log.WarnContext(ctx, "health check failed", "err", err)
			http.Error(w, `{"status":"unavailable"}`, http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok"}` + "\n"))
	})
	return withRequestLog(log, withRecover(log, mux)), nil
}

type logAttrs struct {
	mu    sync.Mutex
	attrs []any
}

type logAttrsKey struct{}

// setLogAttr adds an attribute to the request's access-log line.
func setLogAttr(ctx context.Context, key string, value any) {
	if la, ok := ctx.Value(logAttrsKey{}).(*logAttrs); ok {
		la.mu.Lock()
		la.attrs = append(la.attrs, key, value)
		la.mu.Unlock()
	}
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection (flushes and
// deadlines of the web app's event streams).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func newRequestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// withRequestLog gives each request an id (echoed as Apigw-Requestid, the
// header Plain's SDK reads, and X-Request-Id) and logs one line per request.
// Headers are never logged: they carry API keys.
func withRequestLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := newRequestID()
		w.Header().Set("Apigw-Requestid", id)
		w.Header().Set("X-Request-Id", id)
		la := &logAttrs{}
		ctx := context.WithValue(r.Context(), logAttrsKey{}, la)
		sw := &statusWriter{ResponseWriter: w}
		start := time.Now()
		next.ServeHTTP(sw, r.WithContext(ctx))
		la.mu.Lock()
		attrs := append([]any{"request_id", id, "method", r.Method, "path", r.URL.Path,
			"status", sw.status, "bytes", sw.bytes, "duration_ms", float64(time.Since(start).Microseconds()) / 1000}, la.attrs...)
		la.mu.Unlock()
		log.LogAttrs(ctx, slog.LevelInfo, "request", slog.Group("", attrs...))
	})
}

// withRecover turns a panic outside the GraphQL executor into a 500 and
// keeps the server serving.
func withRecover(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				log.ErrorContext(r.Context(), "panic in handler", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				writeErrors(w, http.StatusInternalServerError, nil, errorf("Internal server error.", graph.CodeInternal))
			}
		}()
		next.ServeHTTP(w, r)
	})
}
