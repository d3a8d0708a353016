package e2e

import (
	"bytes"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/threadline/threadline/test/harness"
)

// TestRevokedKeyRefused: servers cache API keys, yet a key revoked by the
// CLI (another process) is refused by every replica within seconds.
func TestRevokedKeyRefused(t *testing.T) {
	for _, b := range harness.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			db := b.NewDatabaseURL(t)
			servers := []*harness.Server{harness.Start(t, db)}
			if b.Name == "postgres" {
				servers = append(servers, harness.Start(t, db))
			}
			key := harness.NewAPIKey(t, db, "", "all")
			status := func(srv *harness.Server) int {
				req, _ := http.NewRequest(http.MethodPost, srv.GraphQLURL(), bytes.NewReader([]byte(`{"query":"{ myWorkspace { id } }"}`)))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+key)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}
			for _, srv := range servers {
				if s := status(srv); s != 200 { // now cached
					t.Fatalf("before revoking: %d", s)
				}
			}
			list := harness.CLI(t, db, "apikey", "list")
			id := regexp.MustCompile(`ak_[0-9A-Z]{26}`).FindAllString(list, -1)
			harness.CLI(t, db, "apikey", "revoke", id[len(id)-1])
			revoked := time.Now()
			for i, srv := range servers {
				for status(srv) != 401 {
					if time.Since(revoked) > 5*time.Second {
						t.Fatalf("replica %d still accepts the revoked key", i)
					}
					time.Sleep(50 * time.Millisecond)
				}
			}
			t.Logf("refused by every replica %v after the revocation", time.Since(revoked).Round(time.Millisecond))
		})
	}
}
