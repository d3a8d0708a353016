package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/threadline/threadline/internal/auth"
)

// FuzzDecodeRequest: any body either decodes into a request or is refused
// with a BAD_USER_INPUT error; nothing panics.
func FuzzDecodeRequest(f *testing.F) {
	for _, s := range []string{
		`{"query":"{ myWorkspace { id } }"}`,
		`{"query":"q","variables":{"a":[1,2,{"b":null}]},"operationName":"x"}`,
		`{"query":"{ x }"} garbage`, `{"query":"\u0000"}`, `[]`, `null`, `{"query":1}`, "{\"query\":\"x\"}\n \t",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := decodeRequest(body)
		if err != nil {
			if code(map[string]any{"extensions": map[string]any(err.Extensions)}) != "BAD_USER_INPUT" {
				t.Fatalf("error without BAD_USER_INPUT: %v", err)
			}
			return
		}
		if !json.Valid(bytes.TrimSpace(body)) {
			t.Fatalf("accepted invalid JSON %q as %+v", body, req)
		}
	})
}

// FuzzGraphQL: any document, with any variables, through the whole HTTP
// handler, is answered without a panic and without a 5xx.
func FuzzGraphQL(f *testing.F) {
	for _, s := range []string{
		`{ myWorkspace { id name } }`,
		`query($id: ID!) { thread(threadId: $id) { id title customer { fullName } labels { labelType { name } } } }`,
		`mutation { createThread(input: {customerIdentifier: {emailAddress: "a@example.com"}, title: "x"}) { thread { id } error { code } } }`,
		`mutation { upsertCustomer(input: {identifier: {emailAddress: "f@example.com"}, onCreate: {fullName: "F", email: {email: "f@example.com", isVerified: true}}, onUpdate: {}}) { customer { id } } }`,
		`{ threads(filters: {or: [{priorities: [1]}, {not: {statuses: [DONE]}}]}, first: 5) { edges { node { id } } } }`,
		`{ customers(first: 101) { totalCount } }`, fanOut(5), `{ __schema { types { name } } }`,
		`query { myWorkspace { ...F } } fragment F on Workspace { ...F }`, `{`, `}}}`, `{ thread(threadId: 1) }`,
	} {
		f.Add(s, `{"id":"th_x"}`)
	}
	e := newEnv(f, "sqlite://"+f.TempDir()+"/fuzz.db")
	key := e.key(e.ws, auth.All)
	f.Fuzz(func(t *testing.T, query, vars string) {
		var v any
		if json.Unmarshal([]byte(vars), &v) != nil {
			v = nil
		}
		body, _ := json.Marshal(map[string]any{"query": query, "variables": v})
		req := httptest.NewRequest(http.MethodPost, GraphQLPath, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+key)
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%d for %q %s: %s", rec.Code, query, vars, rec.Body)
		}
	})
}
