package server

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/service"
)

const threadFields = `id ref status priority statusChangedAt { unixTimestamp } updatedAt { unixTimestamp }
  updatedBy { __typename ... on MachineUserActor { machineUserId } }
  statusDetail { __typename
    ... on ThreadStatusDetailWaitingForDuration { statusChangedAt { unixTimestamp } waitingUntil { unixTimestamp } }
    ... on ThreadStatusDetailDoneManuallySet { statusChangedAt { unixTimestamp } } }
  assignedAt { unixTimestamp }
  assignedTo { __typename ... on User { id email } ... on MachineUser { id fullName } }
  labels { id labelType { id } } threadFields { key stringValue booleanValue }`

// mutate runs a thread mutation with the usual selection and returns its
// output object (thread and error).
func (e *env) mutate(key, name, input string) map[string]any {
	e.t.Helper()
	sel := "thread { " + threadFields + " }"
	switch name {
	case "addLabels":
		sel = "labels { id labelType { id } }"
	case "removeLabels", "deleteThreadField":
		sel = ""
	case "upsertThreadField":
		sel = "result threadField { id key stringValue booleanValue }"
	}
	r := e.post(key, fmt.Sprintf(`mutation { %s(input: %s) { %s error { type code message fields { field type message } } } }`, name, input, sel), nil)
	if r.Status != 200 {
		e.t.Fatalf("%s: status %d: %s", name, r.Status, r.Raw)
	}
	return path(r.Body, "data", name).(map[string]any)
}

func (e *env) newThread(t *testing.T, key string, f fixture, extra string) string {
	t.Helper()
	r := e.post(key, `mutation { createThread(input: {customerIdentifier: {customerId: "`+f.customer.ID+`"},
		components: [{componentText: {text: "hi"}}] `+extra+`}) { thread { id } error { message fields { field message } } } }`, nil)
	id, _ := path(r.Body, "data", "createThread", "thread", "id").(string)
	if id == "" {
		t.Fatalf("createThread: %s", r.Raw)
	}
	return id
}

func wantError(t *testing.T, what string, out map[string]any, code, field, ftype string) {
	t.Helper()
	er, _ := out["error"].(map[string]any)
	if er == nil || er["code"] != code {
		t.Fatalf("%s: want %s error, got %v", what, code, out)
	}
	if field == "" {
		return
	}
	for _, fe := range er["fields"].([]any) {
		fe := fe.(map[string]any)
		if fe["field"] == field && fe["type"] == ftype {
			return
		}
	}
	t.Fatalf("%s: no %s error on %s: %v", what, ftype, field, er)
}

func ok(t *testing.T, what string, out map[string]any) map[string]any {
	t.Helper()
	if out["error"] != nil {
		t.Fatalf("%s: %v", what, out["error"])
	}
	th, _ := out["thread"].(map[string]any)
	return th
}

func ms(v any) int64 {
	n, _ := strconv.ParseInt(v.(string), 10, 64)
	return n
}

func TestStatusTransitions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		key := e.key(e.ws, auth.All)
		id := e.newThread(t, key, f, "")
		in := func(extra string) string { return `{threadId: "` + id + `"` + extra + `}` }

		th := ok(t, "done", e.mutate(key, "markThreadAsDone", in("")))
		if th["status"] != "DONE" || path(th, "statusDetail", "__typename") != "ThreadStatusDetailDoneManuallySet" ||
			path(th, "updatedBy", "__typename") != "MachineUserActor" {
			t.Fatalf("done: %v", th)
		}
		th = ok(t, "ignored", e.mutate(key, "markThreadAsDone", in(`, statusDetail: IGNORED`)))
		if path(th, "statusDetail", "__typename") != "ThreadStatusDetailIgnored" {
			t.Fatalf("ignored: %v", th)
		}
		th = ok(t, "todo", e.mutate(key, "markThreadAsTodo", in("")))
		if th["status"] != "TODO" || path(th, "statusDetail", "__typename") != "ThreadStatusDetailInProgress" {
			t.Fatalf("todo: %v", th)
		}
		th = ok(t, "snooze", e.mutate(key, "snoozeThread", in(`, durationSeconds: 3600`)))
		changed := ms(path(th, "statusChangedAt", "unixTimestamp"))
		if th["status"] != "SNOOZED" || path(th, "statusDetail", "__typename") != "ThreadStatusDetailWaitingForDuration" ||
			ms(path(th, "statusDetail", "waitingUntil", "unixTimestamp")) != changed+3600_000 {
			t.Fatalf("snooze: %v", th)
		}
		th = ok(t, "snooze for customer", e.mutate(key, "snoozeThread", in(`, statusDetail: WAITING_FOR_CUSTOMER`)))
		if path(th, "statusDetail", "__typename") != "ThreadStatusDetailWaitingForCustomer" {
			t.Fatalf("snooze for customer: %v", th)
		}
		wantError(t, "snooze without duration", e.mutate(key, "snoozeThread", in("")), "input_validation", "durationSeconds", "REQUIRED")
		wantError(t, "snooze 0s", e.mutate(key, "snoozeThread", in(`, durationSeconds: 0`)), "input_validation", "durationSeconds", "VALIDATION")
		th = ok(t, "timer expired", e.mutate(key, "markThreadAsDone", in(`, statusDetail: TIMER_EXPIRED`)))
		if path(th, "statusDetail", "__typename") != "ThreadStatusDetailDoneAutomaticallySet" {
			t.Fatalf("deprecated TIMER_EXPIRED must mean DONE_AUTOMATICALLY_SET: %v", th)
		}
	})
}

func TestStatusErrors(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		key := e.key(e.ws, auth.All)
		wantError(t, "unknown thread", e.mutate(key, "markThreadAsDone", `{threadId: "th_01H14DFQ4PDYBH398J1E99TWSS"}`), "not_found", "threadId", "NOT_FOUND")
		// A thread of another workspace is unknown too.
		other, _ := e.svc.CreateWorkspace(context.Background(), "Other")
		otherKey := e.key(other.ID, auth.All)
		id := e.newThread(t, key, f, "")
		wantError(t, "other workspace", e.mutate(otherKey, "markThreadAsDone", `{threadId: "`+id+`"}`), "not_found", "threadId", "NOT_FOUND")
		// A required field must be set before done.
		if _, err := e.svc.CreateThreadFieldSchema(service.System(context.Background(), e.ws),
			field.SchemaInput{Key: "resolution", Label: "Resolution", Type: field.TypeString, IsRequired: true}); err != nil {
			t.Fatal(err)
		}
		id2 := e.newThread(t, key, f, `, threadFields: [{key: "resolution", type: STRING, stringValue: "fixed"}]`)
		ok(t, "done with field", e.mutate(key, "markThreadAsDone", `{threadId: "`+id2+`"}`))
		wantError(t, "done without required field", e.mutate(key, "markThreadAsDone", `{threadId: "`+id+`"}`), "input_validation", "threadId", "REQUIRED")
		e.mutate(key, "upsertThreadField", `{identifier: {threadId: "`+id+`", key: "resolution"}, type: STRING, stringValue: "fixed"}`)
		ok(t, "done after setting field", e.mutate(key, "markThreadAsDone", `{threadId: "`+id+`"}`))
	})
}

func TestPriorityAndAssignment(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		ctx := context.Background()
		key := e.key(e.ws, auth.All)
		id := e.newThread(t, key, f, "")
		in := func(extra string) string { return `{threadId: "` + id + `"` + extra + `}` }
		events := len(e.events(t, "thread.thread_priority_changed"))
		th := ok(t, "priority", e.mutate(key, "changeThreadPriority", in(`, priority: 0`)))
		if th["priority"] != float64(0) {
			t.Fatalf("priority: %v", th)
		}
		ok(t, "same priority", e.mutate(key, "changeThreadPriority", in(`, priority: 0`)))
		if n := len(e.events(t, "thread.thread_priority_changed")); n != events+1 {
			t.Fatalf("%d priority events, want %d (an unchanged priority emits none)", n, events+1)
		}
		for _, p := range []int{-1, 4} {
			wantError(t, "priority "+strconv.Itoa(p), e.mutate(key, "changeThreadPriority", in(`, priority: `+strconv.Itoa(p))), "input_validation", "priority", "VALIDATION")
		}

		u, err := e.svc.CreateUser(service.System(ctx, e.ws), "agent@example.com", "Agent")
		if err != nil {
			t.Fatal(err)
		}
		other, _ := e.svc.CreateWorkspace(ctx, "Other")
		stranger, _ := e.svc.CreateUser(service.System(ctx, other.ID), "stranger@example.com", "Stranger")
		th = ok(t, "assign user", e.mutate(key, "assignThread", in(`, userId: "`+u.ID+`"`)))
		if path(th, "assignedTo", "__typename") != "User" || path(th, "assignedTo", "email") != "agent@example.com" || th["assignedAt"] == nil {
			t.Fatalf("assign user: %v", th)
		}
		keys, _ := e.svc.ListAPIKeys(service.System(ctx, e.ws))
		mu := keys[len(keys)-1].MachineUserID
		th = ok(t, "assign machine user", e.mutate(key, "assignThread", in(`, machineUserId: "`+mu+`"`)))
		if path(th, "assignedTo", "__typename") != "MachineUser" || path(th, "assignedTo", "id") != mu {
			t.Fatalf("assign machine user: %v", th)
		}
		wantError(t, "unknown user", e.mutate(key, "assignThread", in(`, userId: "u_01H14DFQ4PDYBH398J1E99TWSS"`)), "not_found", "userId", "NOT_FOUND")
		wantError(t, "user of another workspace", e.mutate(key, "assignThread", in(`, userId: "`+stranger.ID+`"`)), "not_found", "userId", "NOT_FOUND")
		wantError(t, "both ids", e.mutate(key, "assignThread", in(`, userId: "`+u.ID+`", machineUserId: "`+mu+`"`)), "input_validation", "", "")
		th = ok(t, "unassign", e.mutate(key, "unassignThread", in("")))
		if th["assignedTo"] != nil || th["assignedAt"] != nil {
			t.Fatalf("unassign: %v", th)
		}
		if n := len(e.events(t, "thread.thread_assignment_transitioned")); n != 3 {
			t.Fatalf("%d assignment events, want 3", n)
		}
	})
}

func TestLabelsAndFieldsOnThreads(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		key := e.key(e.ws, auth.All)
		id := e.newThread(t, key, f, "")
		add := e.mutate(key, "addLabels", `{threadId: "`+id+`", labelTypeIds: ["`+f.labelType.ID+`"]}`)
		labelID, _ := path(add, "labels", 0, "id").(string)
		if add["error"] != nil || labelID == "" {
			t.Fatalf("addLabels: %v", add)
		}
		again := e.mutate(key, "addLabels", `{threadId: "`+id+`", labelTypeIds: ["`+f.labelType.ID+`"]}`)
		if again["error"] != nil || path(again, "labels", 0, "id") != labelID {
			t.Fatalf("adding again must return the same label: %v", again)
		}
		wantError(t, "archived", e.mutate(key, "addLabels", `{threadId: "`+id+`", labelTypeIds: ["`+f.archived.ID+`"]}`), "input_validation", "labelTypeIds.0", "VALIDATION")
		wantError(t, "unknown type", e.mutate(key, "addLabels", `{threadId: "`+id+`", labelTypeIds: ["lt_01H14DFQ4PDYBH398J1E99TWSS"]}`), "not_found", "labelTypeIds.0", "NOT_FOUND")
		if n := len(e.events(t, "thread.thread_labels_changed")); n != 1 {
			t.Fatalf("%d label events, want 1", n)
		}
		for i := 0; i < 2; i++ { // removing twice is fine
			if out := e.mutate(key, "removeLabels", `{labelIds: ["`+labelID+`"]}`); out["error"] != nil {
				t.Fatalf("removeLabels #%d: %v", i, out)
			}
		}
		r := e.post(key, `{ thread(threadId: "`+id+`") { labels { id } } }`, nil)
		if n := len(path(r.Body, "data", "thread", "labels").([]any)); n != 0 {
			t.Fatalf("labels after removal: %s", r.Raw)
		}

		up := func(v string) map[string]any {
			return e.mutate(key, "upsertThreadField", `{identifier: {threadId: "`+id+`", key: "my_enum_field"}, type: ENUM, stringValue: "`+v+`"}`)
		}
		for _, c := range []struct{ value, result string }{{"other", "CREATED"}, {"other", "NOOP"}, {"any specified value", "UPDATED"}} {
			out := up(c.value)
			if out["error"] != nil || out["result"] != c.result || path(out, "threadField", "stringValue") != c.value {
				t.Fatalf("upsert %q: want %s, got %v", c.value, c.result, out)
			}
		}
		wantError(t, "enum value", up("nope"), "input_validation", "stringValue", "VALIDATION")
		wantError(t, "wrong type", e.mutate(key, "upsertThreadField", `{identifier: {threadId: "`+id+`", key: "my_enum_field"}, type: BOOL, booleanValue: true}`),
			"input_validation", "type", "VALIDATION")
		wantError(t, "unknown key", e.mutate(key, "upsertThreadField", `{identifier: {threadId: "`+id+`", key: "nope"}, type: STRING, stringValue: "x"}`),
			"not_found", "identifier.key", "NOT_FOUND")
		if out := e.mutate(key, "deleteThreadField", `{identifier: {threadId: "`+id+`", key: "my_enum_field"}}`); out["error"] != nil {
			t.Fatalf("delete: %v", out)
		}
		wantError(t, "delete again", e.mutate(key, "deleteThreadField", `{identifier: {threadId: "`+id+`", key: "my_enum_field"}}`), "not_found", "identifier.key", "NOT_FOUND")
		for typ, want := range map[string]int{"thread.thread_field_created": 1, "thread.thread_field_updated": 1, "thread.thread_field_deleted": 1} {
			if n := len(e.events(t, typ)); n != want {
				t.Errorf("%d %s events, want %d", n, typ, want)
			}
		}
	})
}

// TestThreadList checks filters, sort orders and paging of threads.
func TestThreadList(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		key := e.key(e.ws, auth.All)
		var ids []string
		for i := 0; i < 12; i++ {
			extra := fmt.Sprintf(`, priority: %d, threadFields: [{key: "my_string_field", type: STRING, stringValue: "v%02d"}]`, i%4, i)
			if i%3 == 0 {
				extra += `, labelTypeIds: ["` + f.labelType.ID + `"]`
			}
			ids = append(ids, e.newThread(t, key, f, extra))
			time.Sleep(2 * time.Millisecond) // distinct createdAt
		}
		ok(t, "done", e.mutate(key, "markThreadAsDone", `{threadId: "`+ids[0]+`"}`))
		ok(t, "done", e.mutate(key, "markThreadAsDone", `{threadId: "`+ids[3]+`"}`))
		list := func(args string) ([]string, map[string]any) {
			t.Helper()
			r := e.post(key, `{ threads(`+args+`) { totalCount edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`, nil)
			conn, _ := path(r.Body, "data", "threads").(map[string]any)
			if conn == nil {
				t.Fatalf("threads(%s): %s", args, r.Raw)
			}
			var got []string
			for _, ed := range conn["edges"].([]any) {
				got = append(got, path(ed, "node", "id").(string))
			}
			return got, conn
		}
		rev := func(xs ...int) []string {
			var out []string
			for i := len(xs) - 1; i >= 0; i-- {
				out = append(out, ids[xs[i]])
			}
			return out
		}
		cases := []struct {
			args string
			want []string
		}{
			{`filters: {statuses: [DONE]}`, rev(0, 3)},
			{`filters: {statuses: [TODO], labelTypeIds: ["` + f.labelType.ID + `"]}`, rev(6, 9)},
			{`filters: {priorities: [0]}`, rev(0, 4, 8)},
			{`filters: {refs: ["T-2", "T-3", "bad"]}`, rev(1, 2)},
			{`filters: {threadIds: ["` + ids[5] + `"]}`, rev(5)},
			{`filters: {threadFields: [{key: "my_string_field", stringValue: "v07"}]}`, rev(7)},
			{`filters: {or: [{priorities: [1]}, {statuses: [DONE]}]}`, rev(0, 1, 3, 5, 9)},
			{`filters: {priorities: [1], not: {labelTypeIds: ["` + f.labelType.ID + `"]}}`, rev(1, 5)},
			{`filters: {and: [{priorities: [1, 2]}, {statusDetails: [CREATED]}]}`, rev(1, 2, 5, 6, 9, 10)},
			{`filters: {tenantIdentifiers: [{externalId: "acme"}]}`, nil},
			{`filters: {isAssigned: true}`, nil},
			{`filters: {customerIds: ["` + f.customer.ID + `"], statuses: [DONE]}`, rev(0, 3)},
			{`sortBy: {field: PRIORITY, direction: ASC}, filters: {statuses: [TODO], priorities: [0, 3]}`, []string{ids[4], ids[8], ids[7], ids[11]}},
			{`sortBy: {field: THREAD_FIELD, threadFieldKey: "my_string_field", direction: ASC}, first: 3`, []string{ids[0], ids[1], ids[2]}},
			{`sortBy: {field: CREATED_AT, direction: ASC}, first: 2`, []string{ids[0], ids[1]}},
		}
		for _, c := range cases {
			got, conn := list(c.args)
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("threads(%s) = %v, want %v", c.args, got, c.want)
			}
			if !strings.Contains(c.args, "first") && conn["totalCount"] != float64(len(c.want)) {
				t.Errorf("threads(%s): totalCount %v", c.args, conn["totalCount"])
			}
		}
		// Paging forward then backward visits every thread once, in order.
		var walked []string
		after := ""
		for {
			got, conn := list(`first: 5` + after)
			walked = append(walked, got...)
			if conn["pageInfo"].(map[string]any)["hasNextPage"] != true {
				break
			}
			after = `, after: "` + conn["pageInfo"].(map[string]any)["endCursor"].(string) + `"`
		}
		if fmt.Sprint(walked) != fmt.Sprint(rev(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)) {
			t.Fatalf("forward walk: %v", walked)
		}
		got, conn := list(`last: 3`)
		if fmt.Sprint(got) != fmt.Sprint(rev(0, 1, 2)) || conn["pageInfo"].(map[string]any)["hasPreviousPage"] != true {
			t.Fatalf("last 3: %v %v", got, conn["pageInfo"])
		}
		got, _ = list(`last: 2, before: "` + conn["pageInfo"].(map[string]any)["startCursor"].(string) + `"`)
		if fmt.Sprint(got) != fmt.Sprint(rev(3, 4)) {
			t.Fatalf("before: %v", got)
		}
		for _, bad := range []string{`first: 101`, `first: 0`, `first: 1, last: 1`, `after: "garbage"`,
			`sortBy: {field: THREAD_FIELD, direction: ASC}`, `filters: {priorities: [7]}`} {
			r := e.post(key, `{ threads(`+bad+`) { edges { cursor } } }`, nil)
			if r.Status != 400 || code(firstError(t, r)) != "BAD_USER_INPUT" {
				t.Errorf("threads(%s): %d %s", bad, r.Status, r.Raw)
			}
		}
	})
}

// TestArchivedLabelAlreadyOnThread: adding a type that is on the thread
// returns its label even after the type was archived (idempotent).
func TestArchivedLabelAlreadyOnThread(t *testing.T) {
	e := newEnv(t, "sqlite://"+t.TempDir()+"/a.db")
	f := e.fixture(t)
	key := e.key(e.ws, auth.All)
	id := e.newThread(t, key, f, `, labelTypeIds: ["`+f.labelType.ID+`"]`)
	if _, err := e.svc.SetLabelTypeArchived(service.System(context.Background(), e.ws), f.labelType.ID, true); err != nil {
		t.Fatal(err)
	}
	out := e.mutate(key, "addLabels", `{threadId: "`+id+`", labelTypeIds: ["`+f.labelType.ID+`"]}`)
	if out["error"] != nil || len(out["labels"].([]any)) != 1 {
		t.Fatalf("re-adding an archived type already on the thread: %v", out)
	}
	wantError(t, "archived type not on the thread", e.mutate(key, "addLabels", `{threadId: "`+id+`", labelTypeIds: ["`+f.labelType.ID+`", "`+f.archived.ID+`"]}`),
		"input_validation", "labelTypeIds.1", "VALIDATION")
}

// TestReviewEdgeCases: a deeply nested filter is a bad request (not a 500);
// assigning with only __typename of the assignee selected needs no user:read.
func TestReviewEdgeCases(t *testing.T) {
	e := newEnv(t, "sqlite://"+t.TempDir()+"/r.db")
	f := e.fixture(t)
	key := e.key(e.ws, auth.All)
	nested := "{statuses: [TODO]}"
	for i := 0; i < 40; i++ {
		nested = "{not: " + nested + "}"
	}
	r := e.post(key, `{ threads(filters: `+nested+`) { edges { cursor } } }`, nil)
	if r.Status != 400 || code(firstError(t, r)) != "BAD_USER_INPUT" {
		t.Fatalf("deep filter: %d %s", r.Status, r.Raw)
	}
	u, err := e.svc.CreateUser(service.System(context.Background(), e.ws), "agent2@example.com", "Agent")
	if err != nil {
		t.Fatal(err)
	}
	id := e.newThread(t, key, f, "")
	narrow := e.key(e.ws, auth.ThreadAssign, auth.ThreadRead)
	r = e.post(narrow, `mutation { assignThread(input: {threadId: "`+id+`", userId: "`+u.ID+`"}) { thread { assignedTo { __typename } } error { code message } } }`, nil)
	if r.Status != 200 || path(r.Body, "data", "assignThread", "thread", "assignedTo", "__typename") != "User" {
		t.Fatalf("assign with __typename only: %d %s", r.Status, r.Raw)
	}
	// The SDK selects the assignee through a fragment on the union.
	r = e.post(key, `query { thread(threadId: "`+id+`") { assignedTo { ...A } } }
		fragment A on ThreadAssignee { ... on User { ...U } }
		fragment U on User { id email }`, nil)
	if path(r.Body, "data", "thread", "assignedTo", "email") != "agent2@example.com" {
		t.Fatalf("assignee through fragments: %s", r.Raw)
	}
}
