package server

import (
	"strings"
	"testing"

	"github.com/threadline/threadline/internal/auth"
)

// allBut returns every permission except the given one.
func allBut(p auth.Permission) []auth.Permission {
	var out []auth.Permission
	for _, k := range auth.Known {
		if k != p {
			out = append(out, k)
		}
	}
	return out
}

// TestPermissionMatrix: every operation is refused, in the documented shape,
// to a key holding every permission but the one it needs.
func TestPermissionMatrix(t *testing.T) {
	e := newEnv(t, "sqlite://"+t.TempDir()+"/p.db")
	f := e.fixture(t)
	th := e.post(e.key(e.ws, auth.All), createThreadDoc, map[string]any{"input": map[string]any{
		"customerIdentifier": map[string]any{"customerId": f.customer.ID}, "labelTypeIds": []any{f.labelType.ID},
		"components": []any{map[string]any{"componentText": map[string]any{"text": "x"}}}}})
	threadID := path(th.Body, "data", "createThread", "thread", "id").(string)
	upsert := `mutation { upsertCustomer(input: {identifier: {emailAddress: "z@example.com"}, onCreate: {fullName: "Z", email: {email: "z@example.com", isVerified: false}}, onUpdate: {}}) { customer { id } error { type code message } } }`
	cases := []struct {
		perm     auth.Permission
		mutation string // root field of a mutation, "" for a query
		doc      string
	}{
		{auth.CustomerCreate, "upsertCustomer", upsert},
		{auth.CustomerEdit, "upsertCustomer", upsert},
		{auth.CustomerDelete, "deleteCustomer", `mutation { deleteCustomer(input: {customerId: "` + f.customer.ID + `"}) { error { type code message } } }`},
		{auth.CustomerRead, "", `{ customer(customerId: "` + f.customer.ID + `") { id } }`},
		{auth.CustomerRead, "", `{ customerByEmail(email: "ann@example.com") { id } }`},
		{auth.CustomerRead, "", `{ customerByExternalId(externalId: "x") { id } }`},
		{auth.CustomerRead, "", `{ customers { totalCount } }`},
		{auth.LabelTypeCreate, "createLabelType", `mutation { createLabelType(input: {name: "x"}) { error { type code message } } }`},
		{auth.LabelTypeEdit, "archiveLabelType", `mutation { archiveLabelType(input: {labelTypeId: "` + f.labelType.ID + `"}) { error { type code message } } }`},
		{auth.LabelTypeEdit, "unarchiveLabelType", `mutation { unarchiveLabelType(input: {labelTypeId: "` + f.archived.ID + `"}) { error { type code message } } }`},
		{auth.LabelTypeRead, "", `{ labelType(labelTypeId: "` + f.labelType.ID + `") { id } }`},
		{auth.LabelTypeRead, "", `{ labelTypes { edges { node { id } } } }`},
		{auth.ThreadFieldSchemaCreate, "createThreadFieldSchema", `mutation { createThreadFieldSchema(input: {key: "k", label: "K", description: "", enumValues: [], isAiAutoFillEnabled: false, isRequired: false, order: 0, type: STRING}) { error { type code message } } }`},
		{auth.ThreadFieldSchemaEdit, "updateThreadFieldSchema", `mutation { updateThreadFieldSchema(input: {threadFieldSchemaId: "tfs_01H14DFQ4PDYBH398J1E99TWSS", label: {value: "x"}}) { error { type code message } } }`},
		{auth.ThreadFieldSchemaEdit, "deleteThreadFieldSchema", `mutation { deleteThreadFieldSchema(input: {threadFieldSchemaId: "tfs_01H14DFQ4PDYBH398J1E99TWSS"}) { error { type code message } } }`},
		{auth.ThreadFieldSchemaRead, "", `{ threadFieldSchemas { edges { node { id } } } }`},
		{auth.ThreadFieldSchemaRead, "", `{ threadFieldSchema(threadFieldSchemaId: "x") { id } }`},
		{auth.ThreadCreate, "createThread", `mutation { createThread(input: {customerIdentifier: {customerId: "` + f.customer.ID + `"}}) { error { type code message } } }`},
		{auth.ThreadRead, "createThread", `mutation { createThread(input: {customerIdentifier: {customerId: "` + f.customer.ID + `"}}) { error { type code message } } }`},
		{auth.ThreadRead, "", `{ thread(threadId: "` + threadID + `") { id } }`},
		{auth.ThreadRead, "", `{ threadByRef(ref: "T-1") { id } }`},
		{auth.ThreadRead, "", `{ threadByExternalId(customerId: "` + f.customer.ID + `", externalId: "x") { id } }`},
		{auth.LabelRead, "", `{ thread(threadId: "` + threadID + `") { labels { id } } }`},
		{auth.LabelTypeRead, "", `{ thread(threadId: "` + threadID + `") { labels { labelType { name } } } }`},
		{auth.CustomerRead, "", `{ thread(threadId: "` + threadID + `") { customer { fullName } } }`},
		{auth.UserRead, "", `{ user(userId: "u_01H14DFQ4PDYBH398J1E99TWSS") { id } }`},
	}
	want := `Insufficient permissions, missing "`
	for _, c := range cases {
		r := e.post(e.key(e.ws, allBut(c.perm)...), c.doc, nil)
		if c.mutation == "" {
			er := firstError(t, r)
			if r.Status != 403 || code(er) != "FORBIDDEN" || er["message"] != want+string(c.perm)+`".` {
				t.Errorf("%s without %s: %d %s", strings.Fields(c.doc)[1], c.perm, r.Status, r.Raw)
			}
			continue
		}
		er, _ := path(r.Body, "data", c.mutation, "error").(map[string]any)
		if r.Status != 200 || er == nil || er["type"] != "FORBIDDEN" || er["code"] != "forbidden" || er["message"] != want+string(c.perm)+`".` {
			t.Errorf("%s without %s: %d %s", c.mutation, c.perm, r.Status, r.Raw)
		}
	}
	// Selecting only a thread's customer id needs no customer:read (Plain's docs:
	// createThread needs thread:create and thread:read only).
	r := e.post(e.key(e.ws, auth.ThreadRead), `{ thread(threadId: "`+threadID+`") { customer { id } threadFields { id } } }`, nil)
	if r.Status != 200 || path(r.Body, "data", "thread", "customer", "id") != f.customer.ID {
		t.Errorf("customer id with thread:read only: %s", r.Raw)
	}
}

// TestMutationRefusedBeforeWriting: a mutation whose selected result needs a
// read permission the key lacks is refused before it writes anything.
func TestMutationRefusedBeforeWriting(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		key := e.key(e.ws, auth.ThreadCreate, auth.ThreadRead)
		before := countRows(t, e.st, "threads")
		for perm, sel := range map[auth.Permission]string{
			auth.LabelRead:       `labels { id }`,
			auth.LabelTypeRead:   `id`, // checked with a key that has label:read below
			auth.CustomerRead:    `customer { id fullName }`,
			auth.UserRead:        `assignedTo { __typename ... on User { email } }`,
			auth.MachineUserRead: `assignedTo { ... on MachineUser { fullName } }`,
		} {
			k := key
			if perm == auth.LabelTypeRead {
				k, sel = e.key(e.ws, auth.ThreadCreate, auth.ThreadRead, auth.LabelRead), `labels { labelType { name } }`
			}
			r := e.post(k, `mutation { createThread(input: {customerIdentifier: {customerId: "`+f.customer.ID+`"},
				components: [{componentText: {text: "x"}}]}) { thread { `+sel+` } error { type code message } } }`, nil)
			er, _ := path(r.Body, "data", "createThread", "error").(map[string]any)
			if r.Status != 200 || er == nil || er["code"] != "forbidden" || er["message"] != `Insufficient permissions, missing "`+string(perm)+`".` {
				t.Errorf("%s: %s", perm, r.Raw)
			}
		}
		if n := countRows(t, e.st, "threads"); n != before {
			t.Fatalf("refused mutations wrote %d threads", n-before)
		}
		// With customer { id } only, nothing more is needed.
		r := e.post(key, `mutation { createThread(input: {customerIdentifier: {customerId: "`+f.customer.ID+`"},
			components: [{componentText: {text: "x"}}]}) { thread { customer { id } threadFields { key } } error { code } } }`, nil)
		if path(r.Body, "data", "createThread", "error") != nil {
			t.Fatalf("thread:create + thread:read: %s", r.Raw)
		}
	})
}
