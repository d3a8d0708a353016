package server

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/store/sqlite"
)

// validationDocs are the documents of BenchmarkValidation: the 24-fragment
// fan-out, 60 KB of one repeated field, and a large legitimate document
// (the SDK's thread selection, twice through aliases).
var validationDocs = map[string]string{
	"fanout24":     fanOutDoc(24),
	"repeated60KB": "{ myWorkspace { " + strings.Repeat("id ", 20000) + "} }",
	"legitimate": `query($id: ID!) { a: thread(threadId: $id) { ...T } b: thread(threadId: $id) { ...T } }
fragment T on Thread { id ref title description previewText priority status statusChangedAt { iso8601 unixTimestamp }
  statusDetail { __typename ... on ThreadStatusDetailWaitingForDuration { waitingUntil { iso8601 } } }
  customer { id fullName shortName email { email isVerified } externalId createdAt { iso8601 } }
  labels { id labelType { id name icon isArchived createdAt { iso8601 } } createdAt { iso8601 } }
  threadFields { id key type stringValue booleanValue numberValue }
  assignedTo { __typename ... on User { id fullName email } ... on MachineUser { id fullName } }
  createdAt { iso8601 } createdBy { __typename ... on MachineUserActor { machineUserId } ... on UserActor { userId } }
  updatedAt { iso8601 } }`,
}

func fanOutDoc(n int) string {
	var b strings.Builder
	b.WriteString("query { myWorkspace { ...F" + strconv.Itoa(n) + " } }\nfragment F0 on Workspace { id name }\n")
	for i := 1; i <= n; i++ {
		b.WriteString("fragment F" + strconv.Itoa(i) + " on Workspace { ...F" + strconv.Itoa(i-1) + " ...F" + strconv.Itoa(i-1) + " }\n")
	}
	return b.String()
}

// BenchmarkValidation times the handler from body to answer for each
// document, a new document every time (a comment defeats the query cache),
// so the parse, the checks and validation are measured, not execution.
func BenchmarkValidation(b *testing.B) {
	st, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "v.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	log := slog.New(slog.DiscardHandler)
	svc := service.New(st, nil, log)
	ws, err := svc.EnsureDefaultWorkspace(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	k, err := svc.CreateAPIKey(service.System(b.Context(), ws), "bench", []auth.Permission{auth.All}, "")
	if err != nil {
		b.Fatal(err)
	}
	h := newValidationHandler(b, svc, st, log)
	for name, doc := range validationDocs {
		b.Run(name, func(b *testing.B) {
			for i := range b.N {
				body, _ := json.Marshal(map[string]any{"query": doc + "\n# " + strconv.Itoa(i), "variables": map[string]any{"id": "th_x"}})
				req := httptest.NewRequest(http.MethodPost, GraphQLPath, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+k.Secret)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code >= 500 {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
			}
		})
	}
}

func newValidationHandler(b *testing.B, svc *service.Service, st *sqlite.Store, log *slog.Logger) http.Handler {
	return mustNew(b, svc, st, log)
}
