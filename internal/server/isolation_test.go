package server

import (
	"context"
	"testing"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/webhook"
)

// TestNothingCrossesWorkspaces: everything workspace B has — customers,
// label types, field schemas, threads, webhook targets — is invisible to
// and untouchable by a key of workspace A holding every permission.
func TestNothingCrossesWorkspaces(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		other, err := e.svc.CreateWorkspace(ctx, "B")
		if err != nil {
			t.Fatal(err)
		}
		b := &env{t: t, st: e.st, svc: e.svc, h: e.h, ws: other.ID}
		fb := b.fixture(t) // customer, label types and field schemas of B
		keyB := b.key(other.ID, auth.All)
		threadB := b.newThread(t, keyB, fb, `, labelTypeIds: ["`+fb.labelType.ID+`"], externalId: "ext-b"`)
		schemaB, err := e.svc.CreateThreadFieldSchema(service.System(ctx, other.ID), field.SchemaInput{Key: "only_b", Label: "B", Type: field.TypeString})
		if err != nil {
			t.Fatal(err)
		}
		targetB, err := e.svc.CreateWebhookTarget(service.System(ctx, other.ID), webhook.TargetInput{URL: "https://example.com/b", IsEnabled: true})
		if err != nil {
			t.Fatal(err)
		}
		keyA := e.key(e.ws, auth.All)
		reads := map[string]string{
			"customer":                `{ customer(customerId: "` + fb.customer.ID + `") { id } }`,
			"customerByEmail":         `{ customerByEmail(email: "ann@example.com") { id } }`,
			"labelType":               `{ labelType(labelTypeId: "` + fb.labelType.ID + `") { id } }`,
			"thread":                  `{ thread(threadId: "` + threadB + `") { id } }`,
			"threadByRef":             `{ threadByRef(ref: "T-1") { id } }`,
			"threadByExternalId":      `{ threadByExternalId(customerId: "` + fb.customer.ID + `", externalId: "ext-b") { id } }`,
			"threadFieldSchema":       `{ threadFieldSchema(threadFieldSchemaId: "` + schemaB.ID + `") { id } }`,
			"webhookTarget":           `{ webhookTarget(webhookTargetId: "` + targetB.ID + `") { id } }`,
			"customers":               `{ customers { totalCount } }`,
			"labelTypes":              `{ labelTypes { edges { cursor } } }`,
			"threads":                 `{ threads { edges { cursor } } }`,
			"threadFieldSchemas":      `{ threadFieldSchemas { edges { cursor } } }`,
			"webhookTargets":          `{ webhookTargets { edges { cursor } } }`,
			"webhookDeliveryAttempts": `{ webhookDeliveryAttempts(webhookTargetId: "` + targetB.ID + `") { edges { cursor } } }`,
		}
		for name, q := range reads {
			r := e.post(keyA, q, nil)
			got := path(r.Body, "data", name)
			switch v := got.(type) {
			case nil:
				if r.Status != 200 {
					t.Errorf("%s: %d %s", name, r.Status, r.Raw)
				}
			case map[string]any:
				if edges, ok := v["edges"].([]any); ok && len(edges) != 0 {
					t.Errorf("%s: A sees %d of B's", name, len(edges))
				} else if n, ok := v["totalCount"].(float64); ok && n != 0 {
					t.Errorf("%s: A counts %v of B's", name, n)
				} else if !ok && v["id"] != nil {
					t.Errorf("%s: A reads B's %v", name, v["id"])
				}
			}
		}
		writes := map[string]string{
			"deleteCustomer":          `mutation { deleteCustomer(input: {customerId: "` + fb.customer.ID + `"}) { error { code } } }`,
			"archiveLabelType":        `mutation { archiveLabelType(input: {labelTypeId: "` + fb.labelType.ID + `"}) { error { code } } }`,
			"deleteThreadFieldSchema": `mutation { deleteThreadFieldSchema(input: {threadFieldSchemaId: "` + schemaB.ID + `"}) { error { code } } }`,
			"markThreadAsDone":        `mutation { markThreadAsDone(input: {threadId: "` + threadB + `"}) { error { code } } }`,
			"addLabels":               `mutation { addLabels(input: {threadId: "` + threadB + `", labelTypeIds: ["` + fb.labelType.ID + `"]}) { error { code } } }`,
			"deleteWebhookTarget":     `mutation { deleteWebhookTarget(input: {webhookTargetId: "` + targetB.ID + `"}) { error { code } } }`,
			"createThread":            `mutation { createThread(input: {customerIdentifier: {customerId: "` + fb.customer.ID + `"}, components: [{componentText: {text: "x"}}]}) { error { code } } }`,
		}
		for name, q := range writes {
			r := e.post(keyA, q, nil)
			if c := path(r.Body, "data", name, "error", "code"); c != "not_found" {
				t.Errorf("%s on B's data: %s", name, r.Raw)
			}
		}
		// B's data is intact.
		rb := e.post(keyB, `{ thread(threadId: "`+threadB+`") { status labels { id } } webhookTarget(webhookTargetId: "`+targetB.ID+`") { id } }`, nil)
		if path(rb.Body, "data", "thread", "status") != "TODO" || path(rb.Body, "data", "webhookTarget", "id") != targetB.ID {
			t.Fatalf("B's data changed: %s", rb.Raw)
		}
	})
}
