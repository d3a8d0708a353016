package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/config"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/store/postgres"
	"github.com/threadline/threadline/internal/store/sqlite"
	"github.com/threadline/threadline/internal/store/storetest"
	"github.com/threadline/threadline/test/harness"
)

// env is one server under test with its store and an operator context.
type env struct {
	t   testing.TB
	st  store.Store
	svc *service.Service
	h   http.Handler
	ws  string // default workspace
}

func newEnv(t testing.TB, dbURL string) *env {
	t.Helper()
	cfg := config.Defaults()
	cfg.DatabaseURL = dbURL
	log := slog.New(slog.DiscardHandler)
	st, err := openStore(cfg.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := service.New(st, nil, log)
	ws, err := svc.EnsureDefaultWorkspace(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, st: st, svc: svc, h: mustNew(t, svc, st, log), ws: ws}
}

// openStore opens the backend a test database URL names.
func openStore(url string) (store.Store, error) {
	db, err := config.ParseDatabaseURL(url)
	if err != nil {
		return nil, err
	}
	if db.Backend == "postgres" {
		return postgres.Open(context.Background(), db.URL, 10)
	}
	return sqlite.Open(context.Background(), db.Path, sqlite.Options{})
}

// forEachBackend runs fn on SQLite and, when configured, PostgreSQL.
func forEachBackend(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, b := range harness.Backends(t) {
		t.Run(b.Name, func(t *testing.T) { fn(t, newEnv(t, b.NewDatabaseURL(t))) })
	}
}

func (e *env) key(ws string, perms ...auth.Permission) string {
	e.t.Helper()
	k, err := e.svc.CreateAPIKey(service.System(context.Background(), ws), "test", perms, "")
	if err != nil {
		e.t.Fatal(err)
	}
	return k.Secret
}

type response struct {
	Status int
	Body   map[string]any
	Raw    string
}

// postBody posts a raw GraphQL request body, with key unless it is empty.
func (e *env) postBody(key string, body any) response {
	e.t.Helper()
	b, _ := json.Marshal(body)
	req := httptest.NewRequest(http.MethodPost, GraphQLPath, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	raw, _ := io.ReadAll(rec.Body)
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		e.t.Fatalf("response is not JSON: %s", raw)
	}
	return response{Status: rec.Code, Body: m, Raw: string(raw)}
}

func (e *env) post(key, query string, variables any) response {
	e.t.Helper()
	return e.postBody(key, map[string]any{"query": query, "variables": variables})
}

// firstError checks the SDK's required error shape and returns the first error.
func firstError(t *testing.T, r response) map[string]any {
	t.Helper()
	errs, ok := r.Body["errors"].([]any)
	if !ok || len(errs) == 0 {
		t.Fatalf("no errors in %s", r.Raw)
	}
	for _, x := range errs {
		e := x.(map[string]any)
		if _, ok := e["message"].(string); !ok {
			t.Errorf("error without message: %v", e)
		}
		if _, ok := e["locations"].([]any); !ok {
			t.Errorf("error without locations array: %v", e)
		}
		ext, _ := e["extensions"].(map[string]any)
		if c, _ := ext["code"].(string); c == "" {
			t.Errorf("error without extensions.code: %v", e)
		}
	}
	return errs[0].(map[string]any)
}

func code(e map[string]any) string {
	return e["extensions"].(map[string]any)["code"].(string)
}

func TestAuthentication(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		for name, key := range map[string]string{
			"missing": "", "not a key": "hello", "unknown": auth.NewKey(),
		} {
			r := e.post(key, `{ myWorkspace { id } }`, nil)
			if r.Status != 401 {
				t.Fatalf("%s key: status %d, want 401", name, r.Status)
			}
			if er := firstError(t, r); code(er) != "UNAUTHENTICATED" {
				t.Fatalf("%s key: %s", name, r.Raw)
			}
		}
		k := e.key(e.ws, auth.All)
		if r := e.post(k, `{ myWorkspace { id } }`, nil); r.Status != 200 {
			t.Fatalf("valid key: %s", r.Raw)
		}
		keys, _ := e.svc.ListAPIKeys(service.System(context.Background(), e.ws))
		if err := e.svc.RevokeAPIKey(service.System(context.Background(), e.ws), keys[len(keys)-1].ID); err != nil {
			t.Fatal(err)
		}
		if r := e.post(k, `{ myWorkspace { id } }`, nil); r.Status != 401 {
			t.Fatalf("revoked key: status %d", r.Status)
		}
	})
}

func TestMalformedRequests(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		k := e.key(e.ws, auth.All)
		cases := []struct {
			query, code, message string
			vars                 any
		}{
			{`{ myWorkspace { id `, "GRAPHQL_PARSE_FAILED", "", nil},
			{`{ nope }`, "GRAPHQL_VALIDATION_FAILED", `Cannot query field "nope" on type "Query".`, nil},
			{`query q($userId: ID!) { user(userId: $userId) { id } }`, "BAD_USER_INPUT",
				`Variable "$userId" of required type "ID!" was not provided.`, nil},
			{`query q($userId: ID!) { user(userId: $userId) { id } }`, "BAD_USER_INPUT", "", map[string]any{"userId": []int{1}}},
		}
		for _, c := range cases {
			r := e.post(k, c.query, c.vars)
			if r.Status != 400 {
				t.Fatalf("%q: status %d, want 400: %s", c.query, r.Status, r.Raw)
			}
			er := firstError(t, r)
			if code(er) != c.code || (c.message != "" && er["message"] != c.message) {
				t.Fatalf("%q: got %s", c.query, r.Raw)
			}
		}
		r := e.post(k, `query { myWorkspace { id } }`, nil) // "variables": null
		if r.Status != 200 {
			t.Fatalf("null variables: %s", r.Raw)
		}
	})
}

func TestForbiddenShapes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		k := e.key(e.ws, auth.ThreadRead)
		r := e.post(k, "query {\n  user(userId: \"u_01H14DFQ4PDYBH398J1E99TWSS\") { id }\n}", nil)
		if r.Status != 403 {
			t.Fatalf("status %d, want 403: %s", r.Status, r.Raw)
		}
		want := `{"errors":[{"message":"Insufficient permissions, missing \"user:read\".","locations":[{"line":2,"column":3}],"path":["user"],"extensions":{"code":"FORBIDDEN"}}],"data":null}`
		if r.Raw != want {
			t.Fatalf("forbidden query body\n got %s\nwant %s", r.Raw, want)
		}
		r = e.post(k, `mutation { regenerateWorkspaceHmac { workspaceHmac { hmacSecret } error { __typename message type code fields { field } } } }`, nil)
		if r.Status != 200 {
			t.Fatalf("forbidden mutation status %d", r.Status)
		}
		got := r.Body["data"].(map[string]any)["regenerateWorkspaceHmac"].(map[string]any)
		errObj := got["error"].(map[string]any)
		if got["workspaceHmac"] != nil || errObj["__typename"] != "MutationError" || errObj["type"] != "FORBIDDEN" ||
			errObj["code"] != "forbidden" || errObj["message"] != `Insufficient permissions, missing "webhookTarget:edit".` ||
			len(errObj["fields"].([]any)) != 0 {
			t.Fatalf("forbidden mutation: %s", r.Raw)
		}
	})
}

func TestWorkspaceIsolation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		other, err := e.svc.CreateWorkspace(ctx, "Other")
		if err != nil {
			t.Fatal(err)
		}
		mine, err := e.svc.CreateUser(service.System(ctx, e.ws), "me@example.com", "Me")
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := e.svc.CreateUser(service.System(ctx, other.ID), "them@example.com", "Them")
		if err != nil {
			t.Fatal(err)
		}
		ka, kb := e.key(e.ws, auth.All), e.key(other.ID, auth.All)
		q := `query q($id: ID!, $email: String!) { user(userId: $id) { id } userByEmail(email: $email) { id } myWorkspace { id } workspaceHmac { hmacSecret } }`
		ra := e.post(ka, q, map[string]any{"id": theirs.ID, "email": "them@example.com"})
		da := ra.Body["data"].(map[string]any)
		if da["user"] != nil || da["userByEmail"] != nil || da["myWorkspace"].(map[string]any)["id"] != e.ws {
			t.Fatalf("key of A read B: %s", ra.Raw)
		}
		ra2 := e.post(ka, q, map[string]any{"id": mine.ID, "email": "ME@example.com"})
		da2 := ra2.Body["data"].(map[string]any)
		if da2["user"].(map[string]any)["id"] != mine.ID || da2["userByEmail"].(map[string]any)["id"] != mine.ID {
			t.Fatalf("key of A cannot read A: %s", ra2.Raw)
		}
		rb := e.post(kb, q, map[string]any{"id": mine.ID, "email": "me@example.com"})
		db := rb.Body["data"].(map[string]any)
		if db["user"] != nil || db["userByEmail"] != nil || db["myWorkspace"].(map[string]any)["id"] != other.ID {
			t.Fatalf("key of B read A: %s", rb.Raw)
		}
		sa := da["workspaceHmac"].(map[string]any)["hmacSecret"]
		sb := db["workspaceHmac"].(map[string]any)["hmacSecret"]
		if sa == sb {
			t.Fatal("two workspaces share a signing secret")
		}
	})
}

func TestKeysStoredHashed(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		secret := e.key(e.ws, auth.ThreadRead, auth.UserRead)
		sum := sha256.Sum256([]byte(secret))
		found := false
		for _, cols := range storetest.QueryRows(t, e.st, `SELECT id, name, key_hash, key_hint, permissions FROM api_keys`) {
			for _, c := range cols {
				if strings.Contains(c, secret) || strings.Contains(c, secret[len(auth.KeyPrefix):]) {
					t.Fatalf("api_keys row holds the secret: %v", cols)
				}
			}
			if cols[2] == hex.EncodeToString(sum[:]) {
				found = true
			}
		}
		if !found {
			t.Fatal("no row holds the key's SHA-256")
		}
	})
}

func TestPanicIsolated(t *testing.T) {
	e := newEnv(t, harness.Backends(t)[0].NewDatabaseURL(t))
	gh, err := newGraphQLHandler(e.svc, slog.New(slog.DiscardHandler), Options{})
	if err != nil {
		t.Fatal(err)
	}
	gh.exec.AroundFields(func(ctx context.Context, next graphql.Resolver) (any, error) {
		if graphql.GetFieldContext(ctx).Field.Name == "workspaceHmac" {
			panic("resolver bug")
		}
		return next(ctx)
	})
	e.h = withRecover(slog.New(slog.DiscardHandler), gh)
	k := e.key(e.ws, auth.All)
	r := e.post(k, `{ workspaceHmac { hmacSecret } }`, nil)
	if r.Status != 500 || code(firstError(t, r)) != "INTERNAL_SERVER_ERROR" || strings.Contains(r.Raw, "resolver bug") {
		t.Fatalf("panic: %d %s", r.Status, r.Raw)
	}
	if r := e.post(k, `{ myWorkspace { id } }`, nil); r.Status != 200 {
		t.Fatalf("after panic: %d %s", r.Status, r.Raw)
	}
}

func TestRoutes(t *testing.T) {
	e := newEnv(t, harness.Backends(t)[0].NewDatabaseURL(t))
	for _, c := range []struct {
		method, path string
		status       int
		contains     string
	}{
		{"GET", "/healthz", 200, `"ok"`},
		{"GET", GraphQLPath, 405, `"code"`},
		{"GET", GraphQLPath + "/schema.graphql", 200, "type Workspace"},
		{"GET", "/nope", 404, ""},
	} {
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, httptest.NewRequest(c.method, c.path, nil))
		if rec.Code != c.status || !strings.Contains(rec.Body.String(), c.contains) {
			t.Errorf("%s %s: %d %q", c.method, c.path, rec.Code, rec.Body.String())
		}
		if rec.Header().Get("Apigw-Requestid") == "" {
			t.Errorf("%s %s: no request id header", c.method, c.path)
		}
	}
}

// mustNew returns the server's handler or fails the test.
func mustNew(t testing.TB, svc *service.Service, st store.Store, log *slog.Logger) http.Handler {
	t.Helper()
	h, err := New(svc, st, log, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return h
}
