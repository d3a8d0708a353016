package storetest

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/attachment"
	"github.com/threadline/threadline/internal/component"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/note"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/timeline"
)

// testNotes checks that notes read back as written, edits and deletions
// overwrite them, a customer's notes on no thread list newest first
// without deleted ones, and nothing is reachable through another
// workspace.
func testNotes(t *testing.T, st store.Store) {
	ws, cust := threadFixture(t, st, "A")
	other := MustCreateWorkspace(t, st, "B")
	th := newThread(ws, cust, 1)
	now, by := core.SystemClock{}.Now(), core.Actor{Type: core.ActorMachineUser, ID: "mu_1"}
	onThread := note.New(ws, cust, th.ID, note.Content{Text: "on the thread", Markdown: core.Ptr("**on**"),
		AttachmentIDs: []string{"att_1", "att_2"}}, now, by)
	first := note.New(ws, cust, "", note.Content{Text: "first"}, now.Add(time.Second), by)
	second := note.New(ws, cust, "", note.Content{Text: "second"}, now.Add(2*time.Second), by)
	gone := note.New(ws, cust, "", note.Content{Text: "gone"}, now.Add(3*time.Second), by).Delete(now, by)
	mustUpdate(t, st, func(tx store.Tx) error {
		if err := tx.CreateThread(ctx, th); err != nil {
			return err
		}
		for _, n := range []note.Note{onThread, first, second, gone} {
			if err := tx.CreateNote(ctx, n); err != nil {
				return err
			}
		}
		return nil
	})
	edited := onThread.Edit(note.Content{Text: "edited"}, now.Add(time.Minute), core.Actor{Type: core.ActorUser, ID: "u_1"})
	mustUpdate(t, st, func(tx store.Tx) error {
		locked, err := tx.LockNote(ctx, ws, onThread.ID)
		if err != nil || !reflect.DeepEqual(locked, onThread) {
			t.Errorf("LockNote = %+v, %v; want %+v", locked, err, onThread)
		}
		return tx.UpdateNote(ctx, edited)
	})
	mustView(t, st, func(tx store.Tx) error {
		if got, err := tx.GetNote(ctx, ws, onThread.ID); err != nil || !reflect.DeepEqual(got, edited) {
			t.Errorf("GetNote after edit = %+v, %v; want %+v", got, err, edited)
		}
		if got, err := tx.GetNote(ctx, ws, gone.ID); err != nil || !reflect.DeepEqual(got, gone) {
			t.Errorf("a deleted note = %+v, %v; want %+v", got, err, gone)
		}
		got, err := tx.CustomerNotes(ctx, ws, cust, 10)
		if err != nil || len(got) != 2 || got[0].ID != second.ID || got[1].ID != first.ID {
			t.Errorf("CustomerNotes = %+v, %v; want second, first", got, err)
		}
		if got, err := tx.CustomerNotes(ctx, ws, cust, 1); err != nil || len(got) != 1 {
			t.Errorf("CustomerNotes limit 1 = %d, %v", len(got), err)
		}
		if got, err := tx.CustomerNotes(ctx, other.ID, cust, 10); err != nil || len(got) != 0 {
			t.Errorf("CustomerNotes through B = %d, %v", len(got), err)
		}
		return nil
	})
	moved := edited
	moved.WorkspaceID = other.ID
	for name, fn := range map[string]func(tx store.Tx) error{
		"GetNote through B":    func(tx store.Tx) error { _, err := tx.GetNote(ctx, other.ID, onThread.ID); return err },
		"LockNote through B":   func(tx store.Tx) error { _, err := tx.LockNote(ctx, other.ID, onThread.ID); return err },
		"UpdateNote through B": func(tx store.Tx) error { return tx.UpdateNote(ctx, moved) },
	} {
		if err := st.Update(ctx, fn); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", name, err)
		}
	}
}

// testTimelineEvents checks that events read back as written, that an
// external id is unique in its scope only, and that a customer's customer
// events list latest first.
func testTimelineEvents(t *testing.T, st store.Store) {
	ws, cust := threadFixture(t, st, "A")
	other := MustCreateWorkspace(t, st, "B")
	th, th2 := newThread(ws, cust, 1), newThread(ws, cust, 2)
	now, by := core.SystemClock{}.Now(), core.Actor{Type: core.ActorMachineUser, ID: "mu_1"}
	comps := component.Normalize([]component.Component{{Text: &component.Text{Text: "deployed"}}})
	event := func(threadID string, ext *string, at core.Time) timeline.Event {
		id := core.NewID(core.PrefixThreadEvent)
		if threadID == "" {
			id = core.NewID(core.PrefixCustomerEvent)
		}
		return timeline.Event{ID: id, WorkspaceID: ws, CustomerID: cust, ThreadID: threadID, Title: "Deploy",
			Components: comps, ExternalID: ext, IsCollapsed: true, Timestamp: at, CreatedAt: now, CreatedBy: by, UpdatedAt: now, UpdatedBy: by}
	}
	onThread := event(th.ID, core.Ptr("e1"), now)
	onOther := event(th2.ID, core.Ptr("e1"), now) // the same external id in another thread
	older, newer := event("", core.Ptr("e1"), now.Add(-time.Hour)), event("", nil, now)
	mustUpdate(t, st, func(tx store.Tx) error {
		if err := tx.CreateThread(ctx, th); err != nil {
			return err
		}
		if err := tx.CreateThread(ctx, th2); err != nil {
			return err
		}
		for _, e := range []timeline.Event{onThread, onOther, older, newer} {
			if err := tx.CreateTimelineEvent(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
	dup := event(th.ID, core.Ptr("e1"), now)
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.CreateTimelineEvent(ctx, dup) }); !errors.Is(err, core.ErrDuplicate) {
		t.Errorf("an external id twice in one thread: %v, want ErrDuplicate", err)
	}
	mustView(t, st, func(tx store.Tx) error {
		if got, err := tx.GetTimelineEventByExternalID(ctx, ws, th.ID, "e1"); err != nil || !reflect.DeepEqual(got, onThread) {
			t.Errorf("GetTimelineEventByExternalID = %+v, %v; want %+v", got, err, onThread)
		}
		if got, err := tx.GetTimelineEventByExternalID(ctx, ws, cust, "e1"); err != nil || got.ID != older.ID || got.ThreadID != "" {
			t.Errorf("the customer event by external id = %+v, %v", got, err)
		}
		if _, err := tx.GetTimelineEventByExternalID(ctx, other.ID, th.ID, "e1"); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("GetTimelineEventByExternalID through B: %v", err)
		}
		got, err := tx.CustomerEvents(ctx, ws, cust, 10)
		if err != nil || len(got) != 2 || got[0].ID != newer.ID || got[1].ID != older.ID {
			t.Errorf("CustomerEvents = %+v, %v; want newer, older", got, err)
		}
		if got, err := tx.CustomerEvents(ctx, ws, cust, 1); err != nil || len(got) != 1 {
			t.Errorf("CustomerEvents limit 1 = %d, %v", len(got), err)
		}
		if got, err := tx.CustomerEvents(ctx, other.ID, cust, 10); err != nil || len(got) != 0 {
			t.Errorf("CustomerEvents through B = %d, %v", len(got), err)
		}
		return nil
	})
}

// testAttachments checks that attachments read back as written, their
// content is stored once and read back byte for byte, expired uploads are
// deleted, and nothing is reachable through another workspace.
func testAttachments(t *testing.T, st store.Store) {
	ws, cust := threadFixture(t, st, "A")
	other := MustCreateWorkspace(t, st, "B")
	now, by := core.SystemClock{}.Now(), core.Actor{Type: core.ActorMachineUser, ID: "mu_1"}
	lim := attachment.DefaultLimits
	mk := func(name string, size int) attachment.Attachment {
		a, err := attachment.NewUpload(attachment.UploadInput{CustomerID: cust, FileName: name, Size: size, Type: attachment.TypeChat}, ws, lim, now, by)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	a, b := mk("a.png", 3), mk("README", 5)
	expired := mk("old.txt", 1)
	expired.UploadExpiresAt = now.Add(-time.Minute)
	mustUpdate(t, st, func(tx store.Tx) error {
		for _, x := range []attachment.Attachment{a, b, expired} {
			if err := tx.CreateAttachment(ctx, x); err != nil {
				return err
			}
		}
		return nil
	})
	data := []byte{0x89, 0x00, 0xff}
	up := a.Uploaded("image/png", now.Add(time.Second))
	mustUpdate(t, st, func(tx store.Tx) error {
		locked, err := tx.LockAttachment(ctx, ws, a.ID)
		if err != nil || !reflect.DeepEqual(locked, a) {
			t.Errorf("LockAttachment = %+v, %v; want %+v", locked, err, a)
		}
		return tx.StoreAttachmentContent(ctx, up, data)
	})
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.StoreAttachmentContent(ctx, up, data) }); !errors.Is(err, core.ErrDuplicate) {
		t.Errorf("storing the content twice: %v, want ErrDuplicate", err)
	}
	mustView(t, st, func(tx store.Tx) error {
		got, err := tx.GetAttachments(ctx, ws, []string{b.ID, a.ID, "att_missing"})
		want := []attachment.Attachment{up, b}
		if a.ID > b.ID {
			want = []attachment.Attachment{b, up}
		}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("GetAttachments = %+v, %v; want %+v", got, err, want)
		}
		if c, err := tx.AttachmentContent(ctx, ws, a.ID); err != nil || !bytes.Equal(c, data) {
			t.Errorf("AttachmentContent = %x, %v", c, err)
		}
		if _, err := tx.AttachmentContent(ctx, ws, b.ID); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("the content of an attachment not uploaded: %v", err)
		}
		if got, err := tx.GetAttachments(ctx, other.ID, []string{a.ID}); err != nil || len(got) != 0 {
			t.Errorf("GetAttachments through B = %+v, %v", got, err)
		}
		if _, err := tx.AttachmentContent(ctx, other.ID, a.ID); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("AttachmentContent through B: %v", err)
		}
		return nil
	})
	if err := st.Update(ctx, func(tx store.Tx) error { _, err := tx.LockAttachment(ctx, other.ID, a.ID); return err }); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("LockAttachment through B: %v", err)
	}
	var n int
	mustUpdate(t, st, func(tx store.Tx) (err error) { n, err = tx.DeleteExpiredUploads(ctx, now, 10); return err })
	mustView(t, st, func(tx store.Tx) error {
		got, err := tx.GetAttachments(ctx, ws, []string{a.ID, b.ID, expired.ID})
		if err != nil || n != 1 || len(got) != 2 {
			t.Errorf("DeleteExpiredUploads deleted %d; left %d (%v)", n, len(got), err)
		}
		return nil
	})
}

// testCustomerEntries checks that CustomerEntries reads what
// CustomerEvents and CustomerNotes read, whether the customer has neither,
// notes only or both, and nothing through another workspace.
func testCustomerEntries(t *testing.T, st store.Store) {
	ws, cust := threadFixture(t, st, "A")
	other := MustCreateWorkspace(t, st, "B")
	th := newThread(ws, cust, 1)
	now, by := core.SystemClock{}.Now(), core.Actor{Type: core.ActorMachineUser, ID: "mu_1"}
	comps := component.Normalize([]component.Component{{Text: &component.Text{Text: "deployed"}}})
	event := func(threadID string, at core.Time) timeline.Event {
		id := core.NewID(core.PrefixThreadEvent)
		if threadID == "" {
			id = core.NewID(core.PrefixCustomerEvent)
		}
		return timeline.Event{ID: id, WorkspaceID: ws, CustomerID: cust, ThreadID: threadID, Title: "Deploy",
			Components: comps, Timestamp: at, CreatedAt: now, CreatedBy: by, UpdatedAt: now, UpdatedBy: by}
	}
	check := func(name string, workspaceID string, wantEvents, wantNotes int) {
		t.Helper()
		mustView(t, st, func(tx store.Tx) error {
			events, notes, err := tx.CustomerEntries(ctx, workspaceID, cust, 2)
			if err != nil {
				t.Fatalf("%s: CustomerEntries: %v", name, err)
			}
			wantE, err := tx.CustomerEvents(ctx, workspaceID, cust, 2)
			if err != nil {
				return err
			}
			wantN, err := tx.CustomerNotes(ctx, workspaceID, cust, 2)
			if err != nil {
				return err
			}
			if len(events) != wantEvents || !reflect.DeepEqual(events, wantE) {
				t.Errorf("%s: events = %+v; want %d: %+v", name, events, wantEvents, wantE)
			}
			if len(notes) != wantNotes || !reflect.DeepEqual(notes, wantN) {
				t.Errorf("%s: notes = %+v; want %d: %+v", name, notes, wantNotes, wantN)
			}
			return nil
		})
	}
	onThread := note.New(ws, cust, th.ID, note.Content{Text: "on the thread"}, now, by)
	gone := note.New(ws, cust, "", note.Content{Text: "gone"}, now, by).Delete(now, by)
	mustUpdate(t, st, func(tx store.Tx) error {
		if err := tx.CreateThread(ctx, th); err != nil {
			return err
		}
		if err := tx.CreateTimelineEvent(ctx, event(th.ID, now)); err != nil {
			return err
		}
		for _, n := range []note.Note{onThread, gone} {
			if err := tx.CreateNote(ctx, n); err != nil {
				return err
			}
		}
		return nil
	})
	check("none on no thread", ws, 0, 0)
	mustUpdate(t, st, func(tx store.Tx) error {
		for i := range 3 {
			n := note.New(ws, cust, "", note.Content{Text: "note"}, now.Add(time.Duration(i)*time.Second), by)
			if err := tx.CreateNote(ctx, n); err != nil {
				return err
			}
		}
		return nil
	})
	check("notes only", ws, 0, 2)
	mustUpdate(t, st, func(tx store.Tx) error {
		for _, e := range []timeline.Event{event("", now.Add(-time.Hour)), event("", now), event("", now.Add(-time.Minute))} {
			if err := tx.CreateTimelineEvent(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
	check("events and notes", ws, 2, 2)
	check("through B", other.ID, 0, 0)
	// After inserts in the same transaction (sent with the read where
	// inserts are deferred): they are written first, and one that fails
	// fails the read.
	th2 := newThread(ws, cust, 2)
	mustUpdate(t, st, func(tx store.Tx) error {
		if err := tx.CreateThread(ctx, th2); err != nil {
			return err
		}
		if events, notes, err := tx.CustomerEntries(ctx, ws, cust, 2); err != nil || len(events) != 2 || len(notes) != 2 {
			t.Errorf("CustomerEntries after an insert = %d events, %d notes, %v; want 2, 2", len(events), len(notes), err)
		}
		if _, err := tx.GetThread(ctx, ws, th2.ID); err != nil {
			t.Errorf("the thread inserted before CustomerEntries: %v", err)
		}
		return nil
	})
	err := st.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateThread(ctx, th); err != nil {
			return err
		}
		_, _, err := tx.CustomerEntries(ctx, ws, cust, 2)
		return err
	})
	if !errors.Is(err, core.ErrDuplicate) {
		t.Errorf("CustomerEntries after a duplicate insert: %v, want ErrDuplicate", err)
	}
}
