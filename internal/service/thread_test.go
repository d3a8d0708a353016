package service

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/component"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/note"
	"github.com/threadline/threadline/internal/store/sqlite"
	"github.com/threadline/threadline/internal/timeline"
)

// TestNewThreadStartsWithCustomerEntries checks that a new thread's
// timeline starts with its customer's events and notes on no thread (not
// deleted ones), and with nothing else when the customer has none.
func TestNewThreadStartsWithCustomerEntries(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "entries.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clock := &payloadClock{}
	clock.ms.Store(time.Now().UnixMilli())
	svc := New(st, clock, nil)
	ws := payloadMust(svc.EnsureDefaultWorkspace(ctx))(t)
	key := payloadMust(svc.CreateAPIKey(System(ctx, ws), "Bot", []auth.Permission{auth.All}, ""))(t)
	bot := auth.WithPrincipal(ctx, key.Key.Principal())
	cust, _ := payloadMust2(svc.UpsertCustomer(bot, UpsertCustomerInput{Identifier: customer.Identifier{EmailAddress: core.Ptr("ada@example.com")},
		OnCreate: customer.CreateFields{FullName: "Ada", Email: "ada@example.com"}}))(t)
	comps := []component.Component{{Text: &component.Text{Text: "Hello"}}}
	newThread := func(title string) []string {
		t.Helper()
		th := payloadMust(svc.CreateThread(bot, CreateThreadInput{Title: core.Ptr(title), Customer: customer.Identifier{CustomerID: &cust.ID},
			Components: comps, HasComponents: true}))(t)
		page := payloadMust(svc.ThreadTimeline(bot, th.ID, TimelineFilter{}, core.PageArgs{First: core.Ptr(50)}))(t)
		var sources []string
		for _, e := range page.Edges {
			if e.Node.Entry.SourceID != "" {
				sources = append(sources, e.Node.Entry.SourceID)
			}
		}
		slices.Sort(sources)
		return sources
	}
	if got := newThread("First"); len(got) != 0 {
		t.Errorf("a thread of a customer with no entries starts with %v", got)
	}
	kept := payloadMust(svc.CreateNote(bot, CreateNoteInput{CustomerID: cust.ID, Content: note.Content{Text: "VIP"}}))(t)
	gone := payloadMust(svc.CreateNote(bot, CreateNoteInput{CustomerID: cust.ID, Content: note.Content{Text: "gone"}}))(t)
	payloadMust(svc.DeleteNote(bot, gone.ID))(t)
	ev := payloadMust(svc.CreateCustomerEvent(bot, customer.Identifier{CustomerID: &cust.ID}, timeline.EventInput{Title: "Upgraded", Components: comps}))(t)
	want := []string{kept.ID, ev.ID}
	slices.Sort(want)
	if got := newThread("Second"); !slices.Equal(got, want) {
		t.Errorf("a thread of a customer with a note and an event starts with %v; want %v", got, want)
	}
}
