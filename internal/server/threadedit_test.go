package server

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/service"
)

// TestThreadEdits: a thread's title and external id change, it moves to
// another customer, and it is deleted, each with its event; lookups by
// external id follow; invalid edits change nothing.
func TestThreadEdits(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		key := e.key(e.ws, auth.All)
		f := e.fixture(t)
		other, _, err := e.svc.UpsertCustomer(service.System(context.Background(), e.ws), service.UpsertCustomerInput{
			Identifier: customer.Identifier{EmailAddress: strp("bo@example.com")},
			OnCreate:   customer.CreateFields{FullName: "Bo", Email: "bo@example.com"},
		})
		if err != nil {
			t.Fatal(err)
		}
		th := e.newThread(t, key, f, `, externalId: "ticket-1"`)
		th2 := e.newThread(t, key, f, "")

		out := e.mustMutateNamed(t, key, "updateThreadTitle", `mutation { updateThreadTitle(input: {threadId: "`+th+`", title: " Refund "}) {
			thread { title } error { message } } }`)
		if path(out, "thread", "title") != "Refund" || len(e.events(t, string(event.ThreadTitleChanged))) != 1 {
			t.Errorf("updateThreadTitle: %v", out)
		}
		if got := fieldErr(e.post(key, `mutation { updateThreadTitle(input: {threadId: "`+th+`", title: " "}) { error { type code fields { field type } } } }`, nil),
			"updateThreadTitle"); got != "VALIDATION input_validation title/VALIDATION" {
			t.Errorf("blank title: %s", got)
		}

		if got := fieldErr(e.post(key, `mutation { updateThreadExternalId(input: {threadId: "`+th2+`", externalId: "ticket-1"}) { error { type code fields { field type } } } }`, nil),
			"updateThreadExternalId"); got != "VALIDATION input_validation externalId/VALIDATION" {
			t.Errorf("external id of another thread of the customer: %s", got)
		}
		e.mustMutateNamed(t, key, "changeThreadCustomer", `mutation { changeThreadCustomer(input: {threadId: "`+th2+`", customerId: "`+other.ID+`"}) {
			thread { customer { id } } error { message } } }`)
		e.mustMutateNamed(t, key, "updateThreadExternalId", `mutation { updateThreadExternalId(input: {threadId: "`+th2+`", externalId: "ticket-1"}) { error { message } } }`)
		r := e.post(key, `{ threadsByExternalId(externalId: "ticket-1") { edges { node { id customer { id } } } } }`, nil)
		edges, _ := path(r.Body, "data", "threadsByExternalId", "edges").([]any)
		if len(edges) != 2 || path(edges[0], "node", "id") != th2 || path(edges[0], "node", "customer", "id") != other.ID {
			t.Errorf("threadsByExternalId: %s", r.Raw)
		}
		if got := fieldErr(e.post(key, `mutation { changeThreadCustomer(input: {threadId: "`+th2+`", customerId: "`+f.customer.ID+`"}) { error { type code fields { field type } } } }`, nil),
			"changeThreadCustomer"); got != "VALIDATION input_validation customerId/VALIDATION" {
			t.Errorf("moving a thread to a customer with a thread of its external id: %s", got)
		}
		if got := fieldErr(e.post(key, `mutation { changeThreadCustomer(input: {threadId: "`+th2+`", customerId: "c_01H14DFQ4PDYBH398J1E99TWSS"}) { error { type code fields { field type } } } }`, nil),
			"changeThreadCustomer"); got != "VALIDATION not_found customerId/NOT_FOUND" {
			t.Errorf("unknown customer: %s", got)
		}
		if r := e.post(key, `{ threadByExternalId(customerId: "`+other.ID+`", externalId: "ticket-1") { id } }`, nil); path(r.Body, "data", "threadByExternalId", "id") != th2 {
			t.Errorf("threadByExternalId after the move: %s", r.Raw)
		}
		cleared := e.mustMutateNamed(t, key, "updateThreadExternalId", `mutation { updateThreadExternalId(input: {threadId: "`+th2+`", externalId: null}) { thread { externalId } error { message } } }`)
		if path(cleared, "thread", "externalId") != nil {
			t.Errorf("cleared external id: %v", cleared)
		}
		if n := len(e.events(t, string(event.ThreadCustomerChanged))); n != 1 {
			t.Errorf("%d thread_customer_changed events", n)
		}

		e.mustMutateNamed(t, key, "deleteThread", `mutation { deleteThread(input: {threadId: "`+th+`"}) { error { message } } }`)
		r = e.post(key, `{ thread(threadId: "`+th+`") { id } deletedThreads { edges { node { threadId deletedAt { iso8601 } } } } }`, nil)
		if path(r.Body, "data", "thread") != nil || path(r.Body, "data", "deletedThreads", "edges", 0, "node", "threadId") != th {
			t.Errorf("after deleteThread: %s", r.Raw)
		}
		if got := fieldErr(e.post(key, `mutation { deleteThread(input: {threadId: "`+th+`"}) { error { type code fields { field type } } } }`, nil),
			"deleteThread"); got != "VALIDATION not_found threadId/NOT_FOUND" {
			t.Errorf("deleting twice: %s", got)
		}
		if n := len(e.events(t, string(event.ThreadDeleted))); n != 1 {
			t.Errorf("%d thread_deleted events", n)
		}
		r = e.post(key, `{ deletedThreads(filters: {deletedAt: {before: "2000-01-01T00:00:00.000Z"}}) { edges { cursor } } }`, nil)
		if n := len(path(r.Body, "data", "deletedThreads", "edges").([]any)); n != 0 {
			t.Errorf("threads deleted before 2000: %d", n)
		}
	})
}

func strp(s string) *string { return &s }

// TestLabelTypeAndSpamEdits: label types are found by external id and
// updated field by field; customers are marked and unmarked as spam once,
// with who did it and a customer.customer_updated event.
func TestLabelTypeAndSpamEdits(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		key := e.key(e.ws, auth.All)
		f := e.fixture(t)
		lt := e.mustMutateNamed(t, key, "createLabelType", `mutation { createLabelType(input: {name: "Refund", externalId: "refund", description: "d", parentLabelTypeId: "`+f.labelType.ID+`"}) {
			labelType { id } error { message } } }`)
		id := path(lt, "labelType", "id").(string)
		r := e.post(key, `{ labelTypeByExternalId(externalId: "refund") { id parentLabelType { id name } } }`, nil)
		if path(r.Body, "data", "labelTypeByExternalId", "id") != id || path(r.Body, "data", "labelTypeByExternalId", "parentLabelType", "name") != "Bug" {
			t.Errorf("labelTypeByExternalId: %s", r.Raw)
		}
		up := e.mustMutateNamed(t, key, "updateLabelType", `mutation { updateLabelType(input: {labelTypeId: "`+id+`", name: {value: "Refunds"},
			color: {value: "#00ff00"}, description: {value: null}, isExcludedFromAi: {value: true}}) {
			labelType { name color description externalId isExcludedFromAi } error { message } } }`)
		l := up["labelType"].(map[string]any)
		if l["name"] != "Refunds" || l["color"] != "#00ff00" || l["description"] != nil || l["externalId"] != "refund" || l["isExcludedFromAi"] != true {
			t.Errorf("updated label type: %v", l)
		}
		if got := fieldErr(e.post(key, `mutation { updateLabelType(input: {labelTypeId: "`+id+`", color: {value: "green"}}) { error { type code fields { field type } } } }`, nil),
			"updateLabelType"); got != "VALIDATION input_validation color/VALIDATION" {
			t.Errorf("invalid color: %s", got)
		}
		if n := len(e.events(t, string(event.LabelTypeUpdated))); n != 1 {
			t.Errorf("%d label_type_updated events, want 1", n)
		}

		sel := `{ customer { markedAsSpamAt { iso8601 } markedAsSpamBy { __typename } } error { type code } }`
		m := e.mustMutateNamed(t, key, "markCustomerAsSpam", `mutation { markCustomerAsSpam(input: {customerId: "`+f.customer.ID+`"}) `+sel+` }`)
		if path(m, "customer", "markedAsSpamAt") == nil || path(m, "customer", "markedAsSpamBy", "__typename") != "MachineUserActor" {
			t.Errorf("marked: %v", m)
		}
		if got := fieldErr(e.post(key, `mutation { markCustomerAsSpam(input: {customerId: "`+f.customer.ID+`"}) `+sel+` }`, nil), "markCustomerAsSpam"); got != "VALIDATION "+service.CodeAlreadySpam {
			t.Errorf("marking twice: %s", got)
		}
		r = e.post(key, `{ customers(filters: {isMarkedAsSpam: true}) { totalCount } }`, nil)
		if path(r.Body, "data", "customers", "totalCount") != float64(1) {
			t.Errorf("spam customers: %s", r.Raw)
		}
		u := e.mustMutateNamed(t, key, "unmarkCustomerAsSpam", `mutation { unmarkCustomerAsSpam(input: {customerId: "`+f.customer.ID+`"}) `+sel+` }`)
		if path(u, "customer", "markedAsSpamAt") != nil || path(u, "customer", "markedAsSpamBy") != nil {
			t.Errorf("unmarked: %v", u)
		}
		if got := fieldErr(e.post(key, `mutation { unmarkCustomerAsSpam(input: {customerId: "`+f.customer.ID+`"}) `+sel+` }`, nil), "unmarkCustomerAsSpam"); got != "VALIDATION "+service.CodeNotSpam {
			t.Errorf("unmarking twice: %s", got)
		}
		if n := len(e.events(t, string(event.CustomerUpdated))); n != 2 {
			t.Errorf("%d customer_updated events, want 2", n)
		}
	})
}

// TestBulkThreadFieldsAndSchemaOrder: a bulk upsert writes every value or,
// when one is invalid, none, naming the failing input; schemas are
// reordered at once; AI-agent availability is kept; webhook versions and
// subscribable event types are listed.
func TestBulkThreadFieldsAndSchemaOrder(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		key := e.key(e.ws, auth.All)
		f := e.fixture(t)
		th := e.newThread(t, key, f, "")
		bulk := func(second string) response {
			return e.post(key, `mutation { bulkUpsertThreadFields(input: {inputs: [
				{identifier: {threadId: "`+th+`", key: "my_string_field"}, type: STRING, stringValue: "one"},
				{identifier: {threadId: "`+th+`", key: "my_enum_field"}, type: ENUM, stringValue: "`+second+`"}]}) {
				results { result threadField { key stringValue } } error { type code fields { field type } } } }`, nil)
		}
		if got := fieldErr(bulk("nope"), "bulkUpsertThreadFields"); got != "VALIDATION input_validation inputs.1.stringValue/VALIDATION" {
			t.Errorf("invalid second value: %s", got)
		}
		if r := e.post(key, `{ thread(threadId: "`+th+`") { threadFields { key } } }`, nil); len(path(r.Body, "data", "thread", "threadFields").([]any)) != 0 {
			t.Errorf("a failed bulk upsert wrote: %s", r.Raw)
		}
		r := bulk("other")
		if mutationErr(r, "bulkUpsertThreadFields") != nil || path(r.Body, "data", "bulkUpsertThreadFields", "results", 1, "result") != "CREATED" ||
			path(r.Body, "data", "bulkUpsertThreadFields", "results", 1, "threadField", "stringValue") != "other" {
			t.Errorf("bulk upsert: %s", r.Raw)
		}
		if r := bulk("other"); path(r.Body, "data", "bulkUpsertThreadFields", "results", 0, "result") != "NOOP" {
			t.Errorf("bulk upsert again: %s", r.Raw)
		}

		sc := e.mustMutateNamed(t, key, "createThreadFieldSchema", `mutation { createThreadFieldSchema(input: {key: "agent_field", label: "A", description: "",
			enumValues: [], isAiAutoFillEnabled: false, isRequired: false, order: 5, type: STRING, isAvailableToAgents: true}) {
			threadFieldSchema { id isAvailableToAgents } error { message } } }`)
		sid := path(sc, "threadFieldSchema", "id").(string)
		if path(sc, "threadFieldSchema", "isAvailableToAgents") != true {
			t.Errorf("isAvailableToAgents not kept: %v", sc)
		}
		re := e.mustMutateNamed(t, key, "reorderThreadFieldSchemas", `mutation { reorderThreadFieldSchemas(input: {threadFieldSchemaOrders: [{threadFieldSchemaId: "`+sid+`", order: 0}]}) {
			threadFieldSchemas { id order isAvailableToAgents } error { message } } }`)
		if path(re, "threadFieldSchemas", 0, "order") != float64(0) || path(re, "threadFieldSchemas", 0, "isAvailableToAgents") != true {
			t.Errorf("reordered: %v", re)
		}
		if r := e.post(key, `{ threadFieldSchema(threadFieldSchemaId: "`+sid+`") { order } }`, nil); path(r.Body, "data", "threadFieldSchema", "order") != float64(0) {
			t.Errorf("the reordered schema read back: %s", r.Raw)
		}
		if got := fieldErr(e.post(key, `mutation { reorderThreadFieldSchemas(input: {threadFieldSchemaOrders: [{threadFieldSchemaId: "`+sid+`", order: -1}]}) { error { type code fields { field type } } } }`, nil),
			"reorderThreadFieldSchemas"); got != "VALIDATION input_validation threadFieldSchemaOrders.0.order/VALIDATION" {
			t.Errorf("negative order: %s", got)
		}

		r = e.post(key, `{ webhookVersions { edges { node { version isLatest isDeprecated } } } subscriptionEventTypes { eventType description } }`, nil)
		if path(r.Body, "data", "webhookVersions", "edges", 0, "node", "version") != "2026-02-27" ||
			len(path(r.Body, "data", "subscriptionEventTypes").([]any)) != len(event.WebhookTypes()) ||
			path(r.Body, "data", "subscriptionEventTypes", 0, "eventType") != "thread.thread_created" {
			t.Errorf("webhook versions and event types: %s", r.Raw)
		}
		lab := e.mustMutateNamed(t, key, "addLabels", `mutation { addLabels(input: {threadId: "`+th+`", labelTypeIds: ["`+f.labelType.ID+`"]}) {
			thread { id labels { labelType { name } } } error { message } } }`)
		if path(lab, "thread", "id") != th || path(lab, "thread", "labels", 0, "labelType", "name") != "Bug" {
			t.Errorf("addLabels' thread: %v", lab)
		}
	})
}

// TestAdditionalAssignees: users and machine users are looped in on a
// thread once, listed in the order they were added, and taken off; unknown
// or deleted ones are refused.
func TestAdditionalAssignees(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		w := e.accessWorld(t)
		key := e.key(e.ws, auth.All)
		sel := `{ thread { additionalAssignees { __typename ... on User { id email } ... on MachineUser { id fullName } } } error { type code fields { field type } } }`
		add := e.mustMutateNamed(t, key, "addAdditionalAssignees", `mutation { addAdditionalAssignees(input: {threadId: "`+w.threadID+`",
			userIds: ["`+w.userID+`"], machineUserIds: ["`+w.botID+`"]}) `+sel+` }`)
		as, _ := path(add, "thread", "additionalAssignees").([]any)
		if len(as) != 2 || !strings.Contains(fmt.Sprint(as), w.userEmail) || !strings.Contains(fmt.Sprint(as), w.botID) {
			t.Fatalf("additional assignees: %v", add)
		}
		e.mustMutateNamed(t, key, "addAdditionalAssignees", `mutation { addAdditionalAssignees(input: {threadId: "`+w.threadID+`", userIds: ["`+w.userID+`"]}) `+sel+` }`)
		if n := len(e.events(t, string(event.ThreadAdditionalAssigneesTransitioned))); n != 1 {
			t.Errorf("%d additional assignee events, want 1: adding one already there changes nothing", n)
		}
		r := e.post(key, `{ threads(filters: {threadIds: ["`+w.threadID+`", "`+w.userThreadID+`"]}) { edges { node { id additionalAssignees { __typename } } } } }`, nil)
		if !strings.Contains(r.Raw, `"additionalAssignees":[{"__typename":"MachineUser"},{"__typename":"User"}]`) || !strings.Contains(r.Raw, `"additionalAssignees":[]`) {
			t.Errorf("listed threads' additional assignees: %s", r.Raw)
		}
		rm := e.mustMutateNamed(t, key, "removeAdditionalAssignees", `mutation { removeAdditionalAssignees(input: {threadId: "`+w.threadID+`", userIds: ["`+w.userID+`"]}) `+sel+` }`)
		if as, _ := path(rm, "thread", "additionalAssignees").([]any); len(as) != 1 || path(as[0], "id") != w.botID {
			t.Errorf("after removing the user: %v", rm)
		}
		for doc, want := range map[string]string{
			`userIds: ["u_01H14DFQ4PDYBH398J1E99TWSS"]`: "VALIDATION not_found userIds.0/NOT_FOUND",
			`userIds: []`: "VALIDATION input_validation userIds/VALIDATION",
		} {
			r := e.post(key, `mutation { addAdditionalAssignees(input: {threadId: "`+w.threadID+`", `+doc+`}) `+sel+` }`, nil)
			if got := fieldErr(r, "addAdditionalAssignees"); got != want {
				t.Errorf("%s: %s, want %s", doc, got, want)
			}
		}
		// Reading who they are needs user:read, as for assignedTo.
		narrow := e.key(e.ws, auth.ThreadRead)
		if r := e.post(narrow, `{ thread(threadId: "`+w.threadID+`") { additionalAssignees { ... on MachineUser { fullName } } } }`, nil); r.Status != 403 {
			t.Errorf("additional assignees without machineUser:read: %d %s", r.Status, r.Raw)
		}
		if r := e.post(narrow, `{ thread(threadId: "`+w.threadID+`") { additionalAssignees { __typename } } }`, nil); r.Status != 200 {
			t.Errorf("additional assignees' __typename with thread:read: %d %s", r.Status, r.Raw)
		}
	})
}
