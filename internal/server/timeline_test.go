package server

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/service"
)

// entriesQuery reads a thread's timeline: each entry's type, text and the
// fields of the members Threadline fills.
const entriesQuery = `query($id: ID!, $first: Int, $last: Int, $after: String, $before: String, $filters: ThreadTimelineEntriesFilter) {
  thread(threadId: $id) { timelineEntries(first: $first, last: $last, after: $after, before: $before, filters: $filters) {
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id threadId customerId llmText timestamp { iso8601 } actor { __typename }
      entry { __typename
        ... on ThreadStatusTransitionedEntry { previousStatus nextStatus nextStatusDetail { __typename } }
        ... on ThreadPriorityChangedEntry { previousPriority nextPriority }
        ... on ThreadAssignmentTransitionedEntry { previousAssignee { __typename } nextAssignee { ... on MachineUser { id } } }
        ... on ThreadLabelsChangedEntry { previousLabels { labelType { name } } nextLabels { labelType { name } } }
        ... on CustomEntry { title components { __typename ... on ComponentText { text } } }
        ... on ChatEntry { chatId text }
      } } } } } }`

// entryTypes lists the __typename of each entry of a timeline page.
func entryTypes(r response) []string {
	var out []string
	edges, _ := path(r.Body, "data", "thread", "timelineEntries", "edges").([]any)
	for _, e := range edges {
		out = append(out, path(e, "node", "entry", "__typename").(string))
	}
	return out
}

// TestTimelineRecordsThreadChanges: every change of a thread is an entry of
// its timeline, oldest first, paged from either end and filtered by type.
func TestTimelineRecordsThreadChanges(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		key := e.key(e.ws, auth.All)
		id := e.newThread(t, key, f, "")
		k, err := e.svc.CreateAPIKey(service.System(context.Background(), e.ws), "Bot", []auth.Permission{auth.ThreadRead}, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range []string{
			`snoozeThread(input: {threadId: "` + id + `", durationSeconds: 600}) { error { code } }`,
			`markThreadAsDone(input: {threadId: "` + id + `"}) { error { code } }`,
			`changeThreadPriority(input: {threadId: "` + id + `", priority: 0}) { error { code } }`,
			`assignThread(input: {threadId: "` + id + `", machineUserId: "` + k.Key.MachineUserID + `"}) { error { code } }`,
			`addLabels(input: {threadId: "` + id + `", labelTypeIds: ["` + f.labelType.ID + `"]}) { error { code } }`,
		} {
			if r := e.post(key, `mutation { `+m+` }`, nil); strings.Contains(r.Raw, `"code"`) {
				t.Fatalf("%s: %s", m, r.Raw)
			}
		}
		r := e.post(key, entriesQuery, map[string]any{"id": id})
		want := "CustomEntry ThreadStatusTransitionedEntry ThreadStatusTransitionedEntry ThreadPriorityChangedEntry " +
			"ThreadAssignmentTransitionedEntry ThreadLabelsChangedEntry"
		if got := strings.Join(entryTypes(r), " "); got != want {
			t.Fatalf("timeline: %s\n%s", got, r.Raw)
		}
		node := func(i int, p ...any) any {
			return path(r.Body, append([]any{"data", "thread", "timelineEntries", "edges", i, "node"}, p...)...)
		}
		checks := []struct {
			got, want any
		}{
			{node(0, "entry", "components", 0, "text"), "hi"},
			{node(0, "llmText"), "Customer: hi"},
			{node(0, "threadId"), id},
			{node(0, "customerId"), f.customer.ID},
			{node(1, "entry", "nextStatus"), "SNOOZED"},
			{node(1, "entry", "nextStatusDetail", "__typename"), "ThreadStatusDetailWaitingForDuration"},
			{node(2, "entry", "previousStatus"), "SNOOZED"},
			{node(2, "llmText"), "Status changed from Snoozed (waiting for duration) to Done (done manually set)."},
			{node(3, "entry", "nextPriority"), 0.0},
			{node(4, "entry", "nextAssignee", "id"), k.Key.MachineUserID},
			{node(4, "entry", "previousAssignee"), nil},
			{node(5, "entry", "nextLabels", 0, "labelType", "name"), "Bug"},
			{node(5, "actor", "__typename"), "MachineUserActor"},
		}
		for i, c := range checks {
			if fmt.Sprint(c.got) != fmt.Sprint(c.want) {
				t.Errorf("check %d: %v, want %v", i, c.got, c.want)
			}
		}

		checkTimelinePages(t, e, key, id)
	})
}

// checkTimelinePages pages through the timeline TestTimelineRecordsThreadChanges
// made, from either end, and filters it.
func checkTimelinePages(t *testing.T, e *env, key, id string) {
	t.Helper()
	// Pages from either end: the newest two, then the two before them.
	last := e.post(key, entriesQuery, map[string]any{"id": id, "last": 2})
	if got := strings.Join(entryTypes(last), " "); got != "ThreadAssignmentTransitionedEntry ThreadLabelsChangedEntry" ||
		path(last.Body, "data", "thread", "timelineEntries", "pageInfo", "hasPreviousPage") != true {
		t.Errorf("last 2: %s", last.Raw)
	}
	start := path(last.Body, "data", "thread", "timelineEntries", "pageInfo", "startCursor")
	prev := e.post(key, entriesQuery, map[string]any{"id": id, "last": 2, "before": start})
	if got := strings.Join(entryTypes(prev), " "); got != "ThreadStatusTransitionedEntry ThreadPriorityChangedEntry" {
		t.Errorf("the two before: %s", prev.Raw)
	}
	first := e.post(key, entriesQuery, map[string]any{"id": id, "first": 2})
	end := path(first.Body, "data", "thread", "timelineEntries", "pageInfo", "endCursor")
	next := e.post(key, entriesQuery, map[string]any{"id": id, "first": 2, "after": end})
	if got := strings.Join(entryTypes(next), " "); got != "ThreadStatusTransitionedEntry ThreadPriorityChangedEntry" {
		t.Errorf("the two after the first two: %s", next.Raw)
	}
	filtered := e.post(key, entriesQuery, map[string]any{"id": id, "filters": map[string]any{
		"entryTypes": []string{"THREAD_STATUS_TRANSITIONED", "EMAIL"}}})
	if got := strings.Join(entryTypes(filtered), " "); got != "ThreadStatusTransitionedEntry ThreadStatusTransitionedEntry" {
		t.Errorf("status entries only: %s", filtered.Raw)
	}
	msgs := e.post(key, entriesQuery, map[string]any{"id": id, "filters": map[string]any{"isMessage": true}})
	if got := entryTypes(msgs); len(got) != 0 || msgs.Status != 200 {
		t.Errorf("messages only (there are none): %s", msgs.Raw)
	}
	if r := e.post(key, entriesQuery, map[string]any{"id": id, "first": 101}); r.Status != 400 {
		t.Errorf("first: 101 = %d %s", r.Status, r.Raw)
	}
}

// TestInboundChatReopensThread: a customer's chat on a DONE thread makes it
// TODO with NEW_REPLY, on a thread snoozed until the customer replies wakes
// it, keeps the message infos and sorts the thread by its last inbound
// message.
func TestInboundChatReopensThread(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		key := e.key(e.ws, auth.All)
		older := e.newThread(t, key, f, `, channel: CHAT`)
		id := e.newThread(t, key, f, `, channel: CHAT`)
		chat := func(threadID, text string) {
			t.Helper()
			r := e.post(key, `mutation($in: SendCustomerChatInput!) { sendCustomerChat(input: $in) { chat { id text } error { code message } } }`,
				map[string]any{"in": map[string]any{"customerId": f.customer.ID, "threadId": threadID, "text": text}})
			if path(r.Body, "data", "sendCustomerChat", "chat", "text") != text {
				t.Fatalf("sendCustomerChat: %s", r.Raw)
			}
		}
		status := func() (string, string, response) {
			r := e.post(key, `{ thread(threadId: "`+id+`") { status statusDetail { __typename } previewText
				firstInboundMessageInfo { messageSource timestamp { iso8601 } } lastInboundMessageInfo { messageSource timestamp { iso8601 } }
				lastOutboundMessageInfo { messageSource } } }`, nil)
			s, _ := path(r.Body, "data", "thread", "status").(string)
			d, _ := path(r.Body, "data", "thread", "statusDetail", "__typename").(string)
			return s, d, r
		}
		e.post(key, `mutation { markThreadAsDone(input: {threadId: "`+id+`"}) { error { code } } }`, nil)
		chat(id, "Are you there?")
		if s, d, r := status(); s != "TODO" || d != "ThreadStatusDetailNewReply" ||
			path(r.Body, "data", "thread", "lastInboundMessageInfo", "messageSource") != "CHAT" ||
			path(r.Body, "data", "thread", "previewText") != "Are you there?" {
			t.Errorf("a chat on a done thread: %s", r.Raw)
		}
		e.post(key, `mutation { snoozeThread(input: {threadId: "`+id+`", statusDetail: WAITING_FOR_CUSTOMER}) { error { code } } }`, nil)
		chat(older, "Me too")
		chat(id, "Hello?")
		s, d, r := status()
		if s != "TODO" || d != "ThreadStatusDetailNewReply" {
			t.Errorf("a chat on a thread waiting for the customer: %s", r.Raw)
		}
		first := path(r.Body, "data", "thread", "firstInboundMessageInfo", "timestamp", "iso8601")
		last := path(r.Body, "data", "thread", "lastInboundMessageInfo", "timestamp", "iso8601")
		if first == nil || last == nil || first == last || path(r.Body, "data", "thread", "lastOutboundMessageInfo") != nil {
			t.Errorf("message infos: %s", r.Raw)
		}
		// Newest inbound message first: id, then older, then threads with none.
		list := e.post(key, `{ threads(sortBy: {field: LAST_INBOUND_MESSAGE_AT, direction: DESC}, first: 3) { edges { node { id } } } }`, nil)
		if path(list.Body, "data", "threads", "edges", 0, "node", "id") != id || path(list.Body, "data", "threads", "edges", 1, "node", "id") != older {
			t.Errorf("LAST_INBOUND_MESSAGE_AT: %s", list.Raw)
		}
		// An agent's chat on a done thread leaves it done.
		e.post(key, `mutation { markThreadAsDone(input: {threadId: "`+id+`"}) { error { code } } }`, nil)
		rr := e.post(key, `mutation { replyToThread(input: {threadId: "`+id+`", textContent: "Yes!"}) { error { code } } }`, nil)
		if s, _, r := status(); s != "DONE" || path(rr.Body, "data", "replyToThread", "error") != nil ||
			path(r.Body, "data", "thread", "lastOutboundMessageInfo", "messageSource") != "CHAT" {
			t.Errorf("a reply on a done thread: %s %s", rr.Raw, r.Raw)
		}
	})
}
