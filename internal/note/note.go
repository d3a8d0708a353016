// Package note defines notes: internal messages of the support team, on a
// thread or on a customer (then shown on the customer's threads), never
// sent to the customer.
package note

import (
	"fmt"
	"strings"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/timeline"
)

// MaxTextLength bounds a note's text and markdown, in characters.
const MaxTextLength = 10000

// Note is one note ("n_").
type Note struct {
	ID          string
	WorkspaceID string
	CustomerID  string
	// ThreadID is the thread the note is on, or "" for a note on the
	// customer.
	ThreadID      string
	Text          string
	Markdown      *string
	AttachmentIDs []string
	EditedAt      *core.Time
	EditedBy      *core.Actor
	DeletedAt     *core.Time
	DeletedBy     *core.Actor
	CreatedAt     core.Time
	CreatedBy     core.Actor
	UpdatedAt     core.Time
	UpdatedBy     core.Actor
}

// IsDeleted reports whether the note was deleted.
func (n Note) IsDeleted() bool { return n.DeletedAt != nil }

// Content is what a note says.
type Content struct {
	Text          string
	Markdown      *string
	AttachmentIDs []string
}

// Clean checks c: the text must not be blank, text and markdown hold at
// most MaxTextLength characters, a blank markdown is no markdown. Errors
// are reported on the input's fields.
func Clean(c Content) (Content, error) {
	var col core.Collector
	switch {
	case strings.TrimSpace(c.Text) == "":
		col.Add("text", "String must contain at least 1 character(s)", core.FieldRequired)
	case len([]rune(c.Text)) > MaxTextLength:
		col.Invalid("text", fmt.Sprintf("String must contain at most %d character(s)", MaxTextLength))
	}
	c.Markdown = col.OptionalString("markdown", c.Markdown, MaxTextLength)
	return c, col.Err()
}

// New returns a note of content by actor at now.
func New(workspaceID, customerID, threadID string, c Content, now core.Time, by core.Actor) Note {
	return Note{ID: core.NewID(core.PrefixNote), WorkspaceID: workspaceID, CustomerID: customerID, ThreadID: threadID,
		Text: c.Text, Markdown: c.Markdown, AttachmentIDs: c.AttachmentIDs,
		CreatedAt: now, CreatedBy: by, UpdatedAt: now, UpdatedBy: by}
}

// Edit returns n saying c, edited by actor at now.
func (n Note) Edit(c Content, now core.Time, by core.Actor) Note {
	n.Text, n.Markdown, n.AttachmentIDs = c.Text, c.Markdown, c.AttachmentIDs
	n.EditedAt, n.EditedBy, n.UpdatedAt, n.UpdatedBy = &now, &by, now, by
	return n
}

// Delete returns n deleted by actor at now.
func (n Note) Delete(now core.Time, by core.Actor) Note {
	n.DeletedAt, n.DeletedBy, n.UpdatedAt, n.UpdatedBy = &now, &by, now, by
	return n
}

// Payload is what n's timeline entries show.
func (n Note) Payload() timeline.Note {
	return timeline.Note{NoteID: n.ID, Text: n.Text, Markdown: n.Markdown, AttachmentIDs: n.AttachmentIDs,
		EditedAt: n.EditedAt, EditedBy: n.EditedBy}
}
