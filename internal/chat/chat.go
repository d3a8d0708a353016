// Package chat defines chat messages: what an agent or machine user sends
// the customer on a chat thread (outbound) and what the customer writes
// there (inbound). A chat is stored as its timeline entry.
package chat

import (
	"fmt"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/timeline"
)

// MaxTextLength bounds a chat's text, in characters.
const MaxTextLength = 5000

// Chat is one chat message ("ch_").
type Chat struct {
	ID             string
	WorkspaceID    string
	ThreadID       string
	CustomerID     string
	Text           *string
	AttachmentIDs  []string
	Inbound        bool
	CustomerReadAt *core.Time
	// TimelineEntryID is the id of the chat's timeline entry.
	TimelineEntryID string
	// CreatedAt is the chat's time, which may be earlier than when it was
	// recorded.
	CreatedAt core.Time
	CreatedBy core.Actor
}

// CleanText checks a chat's content: a text of at most MaxTextLength
// characters, or at least one attachment. A blank text is no text.
func CleanText(c *core.Collector, text *string, attachmentIDs []string) *string {
	t := c.OptionalString("text", text, MaxTextLength)
	if t == nil && len(attachmentIDs) == 0 {
		c.Add("text", "A chat needs a text or at least one attachment", core.FieldRequired)
	}
	return t
}

// Payload is what c's timeline entry shows.
func (c Chat) Payload() timeline.Chat {
	return timeline.Chat{ChatID: c.ID, Text: c.Text, AttachmentIDs: c.AttachmentIDs, Inbound: c.Inbound,
		CustomerReadAt: c.CustomerReadAt}
}

// Entry returns c's timeline entry.
func (c Chat) Entry() (timeline.Entry, error) {
	e, err := timeline.NewEntry(c.WorkspaceID, c.ThreadID, c.CustomerID, c.ID, c.Payload(), c.CreatedBy, c.CreatedAt)
	if err != nil {
		return e, fmt.Errorf("chat %s: %w", c.ID, err)
	}
	if c.TimelineEntryID != "" {
		e.ID = c.TimelineEntryID
	}
	return e, nil
}

// FromEntry returns the chat an entry of kind chat shows.
func FromEntry(e timeline.Entry, p timeline.Chat) Chat {
	return Chat{ID: p.ChatID, WorkspaceID: e.WorkspaceID, ThreadID: e.ThreadID, CustomerID: e.CustomerID, Text: p.Text,
		AttachmentIDs: p.AttachmentIDs, Inbound: p.Inbound, CustomerReadAt: p.CustomerReadAt, TimelineEntryID: e.ID,
		CreatedAt: e.CreatedAt, CreatedBy: e.Actor}
}
