package service

import (
	"context"
	"errors"

	"github.com/threadline/threadline/internal/attachment"
	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/note"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/timeline"
)

// CreateNoteInput is createNote's input: a note on a thread of the
// customer, or on the customer (ThreadID nil).
type CreateNoteInput struct {
	CustomerID string
	ThreadID   *string
	note.Content
}

// CreateNote writes a note with its timeline entries and events in one
// transaction. A note on a thread goes to that thread's timeline; a note on
// the customer goes to their timeline.MaxFanOut most recent threads (and
// to threads created later). Each entry emits thread.note_created and
// timeline.timeline_entry_changed. Needs note:create.
func (s *Service) CreateNote(ctx context.Context, in CreateNoteInput) (note.Note, error) {
	p, err := principal(ctx, auth.NoteCreate)
	if err != nil {
		return note.Note{}, err
	}
	content, err := note.Clean(in.Content)
	if err != nil {
		return note.Note{}, err
	}
	var out note.Note
	err = s.store.Update(ctx, func(tx store.Tx) error {
		var c core.Collector
		threads, err := s.noteThreads(ctx, tx, p.WorkspaceID, in, &c)
		if err != nil {
			return err
		}
		as, err := checkAttachments(ctx, tx, p.WorkspaceID, in.CustomerID, content.AttachmentIDs, attachment.TypeNote, &c)
		if err != nil {
			return err
		}
		if err := c.Err(); err != nil {
			return err
		}
		now := s.clock.Now()
		threadID := ""
		if in.ThreadID != nil {
			threadID = *in.ThreadID
		}
		out = note.New(p.WorkspaceID, in.CustomerID, threadID, content, now, p.Actor)
		if err := tx.CreateNote(ctx, out); err != nil {
			return err
		}
		for _, th := range threads {
			if err := s.noteEntry(ctx, tx, th, out, as, now); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// noteThreads returns the threads a new note goes to, after checking that
// its customer and thread exist (and that the thread is the customer's).
func (s *Service) noteThreads(ctx context.Context, tx store.Tx, ws string, in CreateNoteInput, c *core.Collector) ([]thread.Thread, error) {
	if _, err := tx.GetCustomer(ctx, ws, in.CustomerID); errors.Is(err, core.ErrNotFound) {
		c.Add("customerId", "Customer not found", core.FieldNotFound)
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if in.ThreadID == nil {
		return fanOut(ctx, tx, ws, in.CustomerID)
	}
	th, err := tx.GetThread(ctx, ws, *in.ThreadID)
	switch {
	case errors.Is(err, core.ErrNotFound):
		c.Add("threadId", "Thread not found", core.FieldNotFound)
		return nil, nil
	case err != nil:
		return nil, err
	case th.CustomerID != in.CustomerID:
		c.Invalid("threadId", "The thread belongs to another customer")
		return nil, nil
	}
	return []thread.Thread{th}, nil
}

// noteEntry adds n to th's timeline and emits thread.note_created.
func (s *Service) noteEntry(ctx context.Context, tx store.Tx, th thread.Thread, n note.Note, as event.Attachments, now core.Time) error {
	e, err := timeline.NewEntry(th.WorkspaceID, th.ID, th.CustomerID, n.ID, n.Payload(), n.CreatedBy, n.CreatedAt)
	if err != nil {
		return err
	}
	if err := s.addEntry(ctx, tx, e, n.Payload(), as, now); err != nil {
		return err
	}
	parts, err := s.readParts(ctx, tx, th)
	if err != nil {
		return err
	}
	ev := event.NewThreadNoteCreated(event.NewThread(th, parts), event.NewNote(n, e.ID))
	return s.emit(ctx, tx, th.WorkspaceID, n.CreatedBy, now, ev)
}

// UpdateNoteInput is updateNote's input: the note's new content.
type UpdateNoteInput struct {
	NoteID string
	note.Content
}

// UpdateNote changes a note's content; its timeline entries show the new
// content and each emits timeline.timeline_entry_changed (UPDATED). A
// deleted note cannot be changed. Needs note:edit.
func (s *Service) UpdateNote(ctx context.Context, in UpdateNoteInput) (note.Note, error) {
	p, err := principal(ctx, auth.NoteEdit)
	if err != nil {
		return note.Note{}, err
	}
	content, err := note.Clean(in.Content)
	if err != nil {
		return note.Note{}, err
	}
	var out note.Note
	err = s.store.Update(ctx, func(tx store.Tx) error {
		n, err := tx.LockNote(ctx, p.WorkspaceID, in.NoteID)
		if err != nil {
			return notFoundAs(err, "noteId", "Note")
		}
		if n.IsDeleted() {
			return core.NotFound("noteId", "Note")
		}
		var c core.Collector
		as, err := checkAttachments(ctx, tx, p.WorkspaceID, n.CustomerID, content.AttachmentIDs, attachment.TypeNote, &c)
		if err != nil {
			return err
		}
		if err := c.Err(); err != nil {
			return err
		}
		now := s.clock.Now()
		out = n.Edit(content, now, p.Actor)
		if err := tx.UpdateNote(ctx, out); err != nil {
			return err
		}
		return s.changeEntries(ctx, tx, p.WorkspaceID, n.ID, out.Payload(), as, now, p.Actor)
	})
	return out, err
}

// DeleteNote deletes a note: it is kept as deleted, its timeline entries
// are removed and each emits timeline.timeline_entry_changed (REMOVED).
// Needs note:delete.
func (s *Service) DeleteNote(ctx context.Context, noteID string) (note.Note, error) {
	p, err := principal(ctx, auth.NoteDelete)
	if err != nil {
		return note.Note{}, err
	}
	var out note.Note
	err = s.store.Update(ctx, func(tx store.Tx) error {
		n, err := tx.LockNote(ctx, p.WorkspaceID, noteID)
		if err != nil {
			return notFoundAs(err, "noteId", "Note")
		}
		if n.IsDeleted() {
			return core.NotFound("noteId", "Note")
		}
		now := s.clock.Now()
		out = n.Delete(now, p.Actor)
		if err := tx.UpdateNote(ctx, out); err != nil {
			return err
		}
		return s.changeEntries(ctx, tx, p.WorkspaceID, n.ID, nil, nil, now, p.Actor)
	})
	return out, err
}

// changeEntries overwrites the entries of a source with p, or removes them
// when p is nil, emitting timeline.timeline_entry_changed for each.
func (s *Service) changeEntries(ctx context.Context, tx store.Tx, ws, sourceID string, p timeline.Payload, as event.Attachments,
	now core.Time, by core.Actor) error {
	entries, err := tx.TimelineEntriesOfSource(ctx, ws, sourceID)
	if err != nil {
		return err
	}
	for _, e := range entries {
		old, err := timeline.DecodeEntry(e)
		if err != nil {
			return err
		}
		prevAs, err := attachmentsOf(ctx, tx, ws, timeline.AttachmentIDs(old))
		if err != nil {
			return err
		}
		prev := event.NewTimelineEntry(e, old, prevAs)
		if p == nil {
			if err := tx.DeleteTimelineEntry(ctx, ws, e.ID); err != nil {
				return err
			}
			if err := s.emit(ctx, tx, ws, by, now, event.NewTimelineEntryChanged(nil, &prev)); err != nil {
				return err
			}
			continue
		}
		if e.Payload, err = timeline.Encode(p); err != nil {
			return err
		}
		if err := tx.UpdateTimelineEntry(ctx, e); err != nil {
			return err
		}
		next := event.NewTimelineEntry(e, p, as)
		if err := s.emit(ctx, tx, ws, by, now, event.NewTimelineEntryChanged(&next, &prev)); err != nil {
			return err
		}
	}
	return nil
}
