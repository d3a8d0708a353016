package event

import (
	"github.com/threadline/threadline/internal/attachment"
	"github.com/threadline/threadline/internal/chat"
	"github.com/threadline/threadline/internal/note"
	"github.com/threadline/threadline/internal/timeline"
)

// Attachment is an attachment as webhooks show it. Type is the kind of
// message it is attached to (the entry forms of the schema require it).
type Attachment struct {
	ID            string  `json:"id"`
	FileName      string  `json:"fileName"`
	FileSizeBytes int64   `json:"fileSizeBytes"`
	FileMimeType  string  `json:"fileMimeType"`
	FileExtension *string `json:"fileExtension"`
	Type          string  `json:"type"`
	CreatedAt     string  `json:"createdAt"`
	CreatedBy     Actor   `json:"createdBy"`
	UpdatedAt     string  `json:"updatedAt"`
	UpdatedBy     Actor   `json:"updatedBy"`
}

// NewAttachment shows a as webhooks do.
func NewAttachment(a attachment.Attachment) Attachment {
	return Attachment{ID: a.ID, FileName: a.FileName, FileSizeBytes: a.Size, FileMimeType: a.MimeType,
		FileExtension: a.Extension, Type: string(a.Type), CreatedAt: a.CreatedAt.ISO8601(), CreatedBy: NewActor(a.CreatedBy),
		UpdatedAt: a.UpdatedAt.ISO8601(), UpdatedBy: NewActor(a.UpdatedBy)}
}

// Attachments looks attachments up by id; an id it does not hold is left
// out of what webhooks show.
type Attachments map[string]attachment.Attachment

// of shows the attachments of ids that as holds, in the order of ids.
func (as Attachments) of(ids []string) []Attachment {
	out := []Attachment{}
	for _, id := range ids {
		if a, ok := as[id]; ok {
			out = append(out, NewAttachment(a))
		}
	}
	return out
}

// Chat is a chat message as webhooks show it.
type Chat struct {
	TimelineEntryID string       `json:"timelineEntryId"`
	ID              string       `json:"id"`
	CustomerReadAt  *string      `json:"customerReadAt"`
	Text            *string      `json:"text"`
	Attachments     []Attachment `json:"attachments"`
	CreatedAt       string       `json:"createdAt"`
	CreatedBy       Actor        `json:"createdBy"`
	UpdatedAt       string       `json:"updatedAt"`
	UpdatedBy       Actor        `json:"updatedBy"`
}

// NewChat shows c, with its attachments, as webhooks do.
func NewChat(c chat.Chat, as Attachments) Chat {
	return Chat{TimelineEntryID: c.TimelineEntryID, ID: c.ID, CustomerReadAt: iso(c.CustomerReadAt), Text: c.Text,
		Attachments: as.of(c.AttachmentIDs), CreatedAt: c.CreatedAt.ISO8601(), CreatedBy: NewActor(c.CreatedBy),
		UpdatedAt: c.CreatedAt.ISO8601(), UpdatedBy: NewActor(c.CreatedBy)}
}

// Note is a note as webhooks show it; its actors are internal actors.
type Note struct {
	TimelineEntryID string  `json:"timelineEntryId"`
	ID              string  `json:"id"`
	Text            string  `json:"text"`
	Markdown        *string `json:"markdown"`
	CreatedAt       string  `json:"createdAt"`
	CreatedBy       Actor   `json:"createdBy"`
	UpdatedAt       string  `json:"updatedAt"`
	UpdatedBy       Actor   `json:"updatedBy"`
	DeletedAt       *string `json:"deletedAt"`
	DeletedBy       *Actor  `json:"deletedBy"`
}

// NewNote shows n, as its timeline entry entryID shows it, as webhooks do.
func NewNote(n note.Note, entryID string) Note {
	var deletedBy *Actor
	if n.DeletedBy != nil {
		a := NewInternalActor(*n.DeletedBy)
		deletedBy = &a
	}
	return Note{TimelineEntryID: entryID, ID: n.ID, Text: n.Text, Markdown: n.Markdown,
		CreatedAt: n.CreatedAt.ISO8601(), CreatedBy: NewInternalActor(n.CreatedBy),
		UpdatedAt: n.UpdatedAt.ISO8601(), UpdatedBy: NewInternalActor(n.UpdatedBy),
		DeletedAt: iso(n.DeletedAt), DeletedBy: deletedBy}
}

// ThreadNoteCreatedPayload is the payload of thread.note_created.
type ThreadNoteCreatedPayload struct {
	EventType Type   `json:"eventType"`
	Thread    Thread `json:"thread"`
	Note      Note   `json:"note"`
}

// NewThreadNoteCreated is the event of a note added to th.
func NewThreadNoteCreated(th Thread, n Note) ThreadNoteCreatedPayload {
	return ThreadNoteCreatedPayload{EventType: ThreadNoteCreated, Thread: th, Note: n}
}

// Type is thread.note_created.
func (ThreadNoteCreatedPayload) Type() Type { return ThreadNoteCreated }

// OrderKey is the thread's id.
func (p ThreadNoteCreatedPayload) OrderKey() string { return p.Thread.ID }

// ThreadChatPayload is the payload of thread.chat_sent and
// thread.chat_received: the thread after the chat, and the chat.
type ThreadChatPayload struct {
	EventType Type   `json:"eventType"`
	Thread    Thread `json:"thread"`
	Chat      Chat   `json:"chat"`
}

// NewThreadChatSent is the event of a chat sent to th's customer.
func NewThreadChatSent(th Thread, c Chat) ThreadChatPayload {
	return ThreadChatPayload{EventType: ThreadChatSent, Thread: th, Chat: c}
}

// NewThreadChatReceived is the event of a chat from th's customer.
func NewThreadChatReceived(th Thread, c Chat) ThreadChatPayload {
	return ThreadChatPayload{EventType: ThreadChatReceived, Thread: th, Chat: c}
}

// Type is thread.chat_sent or thread.chat_received.
func (p ThreadChatPayload) Type() Type { return p.EventType }

// OrderKey is the thread's id.
func (p ThreadChatPayload) OrderKey() string { return p.Thread.ID }

// EntryChange says how a timeline entry changed.
type EntryChange string

// The timeline entry changes.
const (
	EntryAdded   EntryChange = "ADDED"
	EntryUpdated EntryChange = "UPDATED"
	EntryRemoved EntryChange = "REMOVED"
)

// TimelineEntryChangedPayload is the payload of
// timeline.timeline_entry_changed: the entry as it is (null when removed)
// and as it was (null when added).
type TimelineEntryChangedPayload struct {
	EventType             Type           `json:"eventType"`
	ChangeType            EntryChange    `json:"changeType"`
	TimelineEntry         *TimelineEntry `json:"timelineEntry"`
	PreviousTimelineEntry *TimelineEntry `json:"previousTimelineEntry"`
}

// NewTimelineEntryChanged is the event of an entry added (previous nil),
// updated, or removed (next nil).
func NewTimelineEntryChanged(next, previous *TimelineEntry) TimelineEntryChangedPayload {
	how := EntryUpdated
	switch {
	case previous == nil:
		how = EntryAdded
	case next == nil:
		how = EntryRemoved
	}
	return TimelineEntryChangedPayload{EventType: TimelineEntryChanged, ChangeType: how, TimelineEntry: next,
		PreviousTimelineEntry: previous}
}

// Type is timeline.timeline_entry_changed.
func (TimelineEntryChangedPayload) Type() Type { return TimelineEntryChanged }

// OrderKey is the entry's thread.
func (p TimelineEntryChangedPayload) OrderKey() string {
	e := p.TimelineEntry
	if e == nil {
		e = p.PreviousTimelineEntry
	}
	if e == nil || e.ThreadID == nil {
		return ""
	}
	return *e.ThreadID
}

// TimelineEntry is a timeline entry as webhooks show it.
type TimelineEntry struct {
	ID         string  `json:"id"`
	CustomerID string  `json:"customerId"`
	ThreadID   *string `json:"threadId"`
	Timestamp  string  `json:"timestamp"`
	Actor      Actor   `json:"actor"`
	Entry      Entry   `json:"entry"`
}

// Entry is what a timeline entry shows, as webhooks show it: a note, a
// chat, an email, a custom entry (events, a thread's first message), or
// {"entryType": "UNKNOWN"} for every other kind.
type Entry interface{ webhookEntry() }

type (
	// UnknownEntry is an entry webhooks do not describe.
	UnknownEntry struct {
		EntryType string `json:"entryType"`
	}
	// NoteEntry is a note entry.
	NoteEntry struct {
		EntryType string  `json:"entryType"`
		NoteID    string  `json:"noteId"`
		Text      string  `json:"text"`
		Markdown  *string `json:"markdown"`
	}
	// ChatEntry is a chat entry.
	ChatEntry struct {
		EntryType      string       `json:"entryType"`
		ChatID         string       `json:"chatId"`
		Text           *string      `json:"text"`
		Attachments    []Attachment `json:"attachments"`
		CustomerReadAt *string      `json:"customerReadAt"`
	}
	// CustomEntry is an entry of UI components with a title.
	CustomEntry struct {
		EntryType   string       `json:"entryType"`
		ExternalID  *string      `json:"externalId"`
		Title       string       `json:"title"`
		Type        *string      `json:"type"`
		Components  []Component  `json:"components"`
		Attachments []Attachment `json:"attachments"`
	}
)

func (UnknownEntry) webhookEntry() {}
func (NoteEntry) webhookEntry()    {}
func (ChatEntry) webhookEntry()    {}
func (CustomEntry) webhookEntry()  {}

// NewTimelineEntry shows e, whose decoded payload is p, with the
// attachments it names, as webhooks do.
func NewTimelineEntry(e timeline.Entry, p timeline.Payload, as Attachments) TimelineEntry {
	thread := e.ThreadID
	return TimelineEntry{ID: e.ID, CustomerID: e.CustomerID, ThreadID: &thread, Timestamp: e.CreatedAt.ISO8601(),
		Actor: NewActor(e.Actor), Entry: newEntry(p, as)}
}

func newEntry(p timeline.Payload, as Attachments) Entry {
	switch p := p.(type) {
	case timeline.Note:
		return NoteEntry{EntryType: "note", NoteID: p.NoteID, Text: p.Text, Markdown: p.Markdown}
	case timeline.Chat:
		return ChatEntry{EntryType: "chat", ChatID: p.ChatID, Text: p.Text, Attachments: as.of(p.AttachmentIDs),
			CustomerReadAt: iso(p.CustomerReadAt)}
	case timeline.Email:
		return newEmailEntry(p, as)
	case timeline.ThreadEvent:
		return customEntry(p.EventBody)
	case timeline.CustomerEvent:
		return customEntry(p.EventBody)
	case timeline.ThreadCreated:
		return CustomEntry{EntryType: "custom", Title: "", Components: NewComponents(p.Components), Attachments: []Attachment{}}
	}
	return UnknownEntry{EntryType: "UNKNOWN"}
}

func customEntry(b timeline.EventBody) CustomEntry {
	return CustomEntry{EntryType: "custom", ExternalID: b.ExternalID, Title: b.Title, Components: NewComponents(b.Components),
		Attachments: []Attachment{}}
}
