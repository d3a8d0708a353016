package server

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/store/sqlite"
)

// countingStore counts read transactions.
type countingStore struct {
	store.Store
	views atomic.Int32
}

func (c *countingStore) View(ctx context.Context, fn func(store.Tx) error) error {
	c.views.Add(1)
	return c.Store.View(ctx, fn)
}

// TestThreadListBatched: a page of threads with their customers, labels,
// label types and fields costs a handful of reads, not one per thread.
func TestThreadListBatched(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "n.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cs := &countingStore{Store: st}
	log := slog.New(slog.DiscardHandler)
	svc := service.New(cs, nil, log)
	ws, _ := svc.EnsureDefaultWorkspace(context.Background())
	e := &env{t: t, st: st, svc: svc, h: mustNew(t, svc, cs, log), ws: ws}
	f := e.fixture(t)
	key := e.key(e.ws, auth.All)
	for i := 0; i < 25; i++ {
		e.newThread(t, key, f, `, labelTypeIds: ["`+f.labelType.ID+`"], threadFields: [{key: "my_string_field", type: STRING, stringValue: "v"}]`)
	}
	before := cs.views.Load()
	r := e.post(key, `{ threads(first: 25) { edges { node { `+threadPartsQuery+` } } } }`, nil)
	if n := len(path(r.Body, "data", "threads", "edges").([]any)); n != 25 {
		t.Fatalf("%d threads: %s", n, r.Raw)
	}
	reads := cs.views.Load() - before
	t.Logf("%d reads for a page of 25 threads", reads)
	if reads > 40 { // one per relation and thread would be 75 and more; a busy machine splits some batches
		t.Fatalf("a page of 25 threads took %d reads; relations must be batched", reads)
	}
}

// TestTimelineBatched: a page of timeline entries with their attachments,
// assignees and label types costs a handful of reads, not one per entry.
func TestTimelineBatched(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "n.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cs := &countingStore{Store: st}
	log := slog.New(slog.DiscardHandler)
	svc := service.New(cs, nil, log)
	ws, _ := svc.EnsureDefaultWorkspace(context.Background())
	e := &env{t: t, st: st, svc: svc, h: mustNew(t, svc, cs, log), ws: ws}
	f := e.fixture(t)
	key := e.key(e.ws, auth.All)
	id := e.newThread(t, key, f, `, channel: CHAT`)
	u, err := svc.CreateUser(service.System(context.Background(), ws), "agent@example.com", "Agent")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 12; i++ {
		_, tok, att := e.uploadURL(t, key, f.customer.ID, "a.txt", 2)
		if code, body := e.upload(t, "http://example.com/attachments/upload", tok, []byte("hi")); code != 201 {
			t.Fatalf("upload: %d %s", code, body)
		}
		for _, m := range []string{
			`sendChat(input: {customerId: "` + f.customer.ID + `", threadId: "` + id + `", text: "x", attachmentIds: ["` + att + `"]}) { error { code } }`,
			`assignThread(input: {threadId: "` + id + `", userId: "` + u.ID + `"}) { error { code } }`,
			`unassignThread(input: {threadId: "` + id + `"}) { error { code } }`,
		} {
			if r := e.post(key, `mutation { `+m+` }`, nil); path(r.Body, "data") == nil {
				t.Fatalf("%s: %s", m, r.Raw)
			}
		}
	}
	e.post(key, `mutation { addLabels(input: {threadId: "`+id+`", labelTypeIds: ["`+f.labelType.ID+`"]}) { error { code } } }`, nil)
	before := cs.views.Load()
	r := e.post(key, `{ thread(threadId: "`+id+`") { timelineEntries(last: 50) { edges { node { id entry { __typename
		... on ChatEntry { attachments { id fileName } }
		... on ThreadAssignmentTransitionedEntry { nextAssignee { ... on User { fullName } } previousAssignee { ... on User { fullName } } }
		... on ThreadLabelsChangedEntry { nextLabels { labelType { name } } } } } } } } }`, nil)
	if n := len(path(r.Body, "data", "thread", "timelineEntries", "edges").([]any)); n != 38 {
		t.Fatalf("%d entries: %s", n, r.Raw)
	}
	reads := cs.views.Load() - before
	t.Logf("%d reads for a page of 38 timeline entries", reads)
	if reads > 15 { // one per entry would be 38 and more
		t.Fatalf("a page of timeline entries took %d reads; relations must be batched", reads)
	}
}

// TestThreadPageSDKReads: the SDK's getThreads page (ThreadParts: customer,
// labels with their types, thread fields, assignees) costs the same few
// reads whatever its size: the page, then its relations at once.
func TestThreadPageSDKReads(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "n.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cs := &countingStore{Store: st}
	log := slog.New(slog.DiscardHandler)
	svc := service.New(cs, nil, log)
	ws, _ := svc.EnsureDefaultWorkspace(context.Background())
	e := &env{t: t, st: st, svc: svc, h: mustNew(t, svc, cs, log), ws: ws}
	f := e.fixture(t)
	key := e.key(e.ws, auth.All)
	u, err := svc.CreateUser(service.System(context.Background(), ws), "agent@example.com", "Agent")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 30; i++ {
		extra := `, labelTypeIds: ["` + f.labelType.ID + `"], threadFields: [{key: "my_string_field", type: STRING, stringValue: "v"}]`
		if i%2 == 0 {
			extra += `, assignedTo: {userId: "` + u.ID + `"}`
		}
		e.newThread(t, key, f, extra)
	}
	// searchThreads answers the same threads under node.thread.
	search := `query s($first: Int) { searchThreads(searchQuery: {term: "hi"}, first: $first) {
	  edges { node { thread { ...ThreadParts } } } pageInfo { ...PageInfoParts } } }
	` + sdkThreadsQuery[strings.Index(sdkThreadsQuery, "fragment "):]
	const maxReads = 2 // the page, then its relations
	for _, q := range []struct{ name, doc, root, node string }{
		{"threads", sdkThreadsQuery, "threads", ""},
		{"searchThreads", search, "searchThreads", "thread"},
	} {
		for _, size := range []int{1, 5, 25} {
			before := cs.views.Load()
			r := e.post(key, q.doc, map[string]any{"first": size})
			edges, _ := path(r.Body, "data", q.root, "edges").([]any)
			if len(edges) != size || path(r.Body, "errors") != nil {
				t.Fatalf("%s, page of %d: %d threads: %.500s", q.name, size, len(edges), r.Raw)
			}
			second := path(r.Body, "data", q.root, "edges", 1, "node")
			if q.node != "" {
				second = path(second, q.node)
			}
			if a := path(second, "assignedTo", "fullName"); size > 1 && a != "Agent" {
				t.Fatalf("%s, page of %d: second thread's assignee %v, want Agent", q.name, size, a)
			}
			if reads := cs.views.Load() - before; reads > maxReads {
				t.Errorf("%s: a ThreadParts page of %d threads took %d reads, want at most %d", q.name, size, reads, maxReads)
			}
		}
	}
}
