package server

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"testing"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/test/harness"
)

// TestAutomaticPersistedQueries: Apollo's protocol. A hash the server does
// not know is answered PERSISTED_QUERY_NOT_FOUND (status 200); the document
// sent with its hash is answered and remembered, so that the hash alone
// then answers the same; a hash that is not the document's is refused.
func TestAutomaticPersistedQueries(t *testing.T) {
	e := newEnv(t, harness.Backends(t)[0].NewDatabaseURL(t))
	key := e.key(e.ws, auth.All)
	query := `query ws { myWorkspace { id name } }`
	sum := sha256.Sum256([]byte(query))
	ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}

	r := e.postBody(key, map[string]any{"extensions": ext})
	if r.Status != http.StatusOK || code(firstError(t, r)) != codePersistedQueryNotFound || r.Body["data"] != nil {
		t.Fatalf("unknown hash: %d %s", r.Status, r.Raw)
	}
	full := e.postBody(key, map[string]any{"query": query, "extensions": ext})
	if full.Status != http.StatusOK || path(full.Body, "data", "myWorkspace", "id") != e.ws {
		t.Fatalf("document with its hash: %d %s", full.Status, full.Raw)
	}
	if r := e.postBody(key, map[string]any{"extensions": ext}); r.Status != http.StatusOK || r.Raw != full.Raw {
		t.Fatalf("hash alone: %d %s, want %s", r.Status, r.Raw, full.Raw)
	}
	other := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(make([]byte, 32))}}
	if r := e.postBody(key, map[string]any{"query": query, "extensions": other}); r.Status != http.StatusBadRequest || r.Body["data"] != nil {
		t.Fatalf("hash of another document: %d %s", r.Status, r.Raw)
	}
}
