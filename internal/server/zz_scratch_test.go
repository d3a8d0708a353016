package server

import (
	"log/slog"
	"net/http"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/component"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/loadgen"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/store"
)

func BenchmarkScratch(b *testing.B) {
	st := benchStores[0].open(b)
	s := newBenchScenario(b, st)
	ctx := context.Background()
	svc := service.New(st, nil, nil)
	ws, _ := svc.DefaultWorkspaceID(ctx)
	pctx := auth.WithPrincipal(ctx, &auth.Principal{WorkspaceID: ws, Actor: core.Actor{Type: core.ActorMachineUser, ID: "mu_x"}, Permissions: []auth.Permission{auth.All}})
	v := "x"
	in := service.CreateThreadInput{Customer: customer.Identifier{CustomerID: &s.CustomerID},
		Components: []component.Component{{Text: &component.Text{Text: "hello there"}}}, HasComponents: true,
		LabelTypeIDs: []string{s.LabelTypeID}, ThreadFields: []field.ValueInput{{Key: s.FieldKey, Type: field.TypeString, String: &v}}}
	b.Run("service", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := svc.CreateThread(pctx, in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("view", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			_ = st.View(ctx, func(tx store.Tx) error { _, err := tx.GetCustomer(ctx, ws, s.CustomerID); return err })
		}
	})
	b.Run("auth", func(b *testing.B) {
		k, _ := svc.CreateAPIKey(service.System(ctx, ws), "x", []auth.Permission{auth.All}, "")
		for i := 0; i < b.N; i++ {
			if _, err := svc.Authenticate(ctx, "Bearer "+k.Secret); err != nil {
				b.Fatal(err)
			}
		}
	})
	k, _ := svc.CreateAPIKey(service.System(ctx, ws), "y", []auth.Permission{auth.All}, "")
	c := &loadgen.APIClient{HTTP: s2client(svc, st), URL: "http://x/graphql/v1", Key: k.Secret}
	for _, sel := range []string{"id", "id labels { id }", "id labels { id labelType { id } }", "id threadFields { id }", "id ref externalId customer { id } status statusChangedAt { iso8601 } title description previewText priority labels { id labelType { id name } } threadFields { id key type stringValue } createdAt { iso8601 }"} {
		q := `mutation m($input: CreateThreadInput!) { createThread(input: $input) { thread { ` + sel + ` } error { message } } }`
		b.Run(sel[:min(len(sel), 40)], func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				var out map[string]any
				err := c.Do(ctx, q, map[string]any{"input": map[string]any{"customerIdentifier": map[string]any{"customerId": s.CustomerID},
					"components": []any{map[string]any{"componentText": map[string]any{"text": "hi"}}}, "labelTypeIds": []string{s.LabelTypeID},
					"threadFields": []any{map[string]any{"key": s.FieldKey, "type": "STRING", "stringValue": "v"}}}}, &out)
				if err != nil || !strings.Contains(fmtJSON(out), "th_") {
					b.Fatal(err, out)
				}
			}
		})
	}
	_ = json.Marshal
	_ = strings.Contains
	_ = time.Now
	_ = loadgen.Percentile
}

func fmtJSON(v any) string { b, _ := json.Marshal(v); return string(b) }
func s2client(svc *service.Service, st store.Store) *http.Client {
	return &http.Client{Transport: handlerTransport{New(svc, st, slog.New(slog.DiscardHandler))}}
}
