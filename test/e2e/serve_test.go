// Package e2e runs the threadline binary as a user would: server process,
// CLI against the same database, HTTP from outside.
package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"testing"

	"github.com/threadline/threadline/test/harness"
)

func graphql(t *testing.T, url, key, query string) map[string]any {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": nil})
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("status %d, %v: %v", resp.StatusCode, err, out)
	}
	return out
}

// TestServeAndCLI is the README's first steps: serve, create a key with the
// CLI while the server runs, read myWorkspace with it, stop gracefully.
func TestServeAndCLI(t *testing.T) {
	for _, b := range harness.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			db := b.NewDatabaseURL(t)
			srv := harness.Start(t, db)
			key := harness.NewAPIKey(t, db, "", "all")
			out := graphql(t, srv.GraphQLURL(), key, `{ myWorkspace { id name } }`)
			ws := out["data"].(map[string]any)["myWorkspace"].(map[string]any)
			if !regexp.MustCompile(`^w_[0-9A-HJKMNP-TV-Z]{26}$`).MatchString(ws["id"].(string)) || ws["name"] != "Default workspace" {
				t.Fatalf("myWorkspace = %v", ws)
			}
			srv.Stop(t)
			// The data survives a restart on the same database.
			srv = harness.Start(t, db)
			out = graphql(t, srv.GraphQLURL(), key, `{ myWorkspace { id } }`)
			if out["data"].(map[string]any)["myWorkspace"].(map[string]any)["id"] != ws["id"] {
				t.Fatalf("after restart: %v", out)
			}
		})
	}
}
