package timeline

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/threadline/threadline/internal/component"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/thread"
)

// Version is the version of the payloads Encode writes. Every payload is a
// JSON object carrying it as "v"; Decode reads every version ever written
// (version 0 is the bare component list early thread_created entries hold).
const Version = 1

// Payload is the content of one kind of entry.
type Payload interface {
	// Kind is the kind of the entries that hold this payload.
	Kind() Kind
}

// ThreadCreated is the first entry of a thread created through the API:
// the components of its first message.
type ThreadCreated struct {
	Components []component.Component `json:"components"`
}

// Note is a note as an entry shows it.
type Note struct {
	NoteID        string      `json:"noteId"`
	Text          string      `json:"text"`
	Markdown      *string     `json:"markdown,omitempty"`
	AttachmentIDs []string    `json:"attachmentIds,omitempty"`
	EditedAt      *core.Time  `json:"editedAt,omitempty"`
	EditedBy      *core.Actor `json:"editedBy,omitempty"`
}

// Chat is a chat message as an entry shows it. Inbound chats come from
// the customer, outbound ones go to them.
type Chat struct {
	ChatID         string     `json:"chatId"`
	Text           *string    `json:"text,omitempty"`
	AttachmentIDs  []string   `json:"attachmentIds,omitempty"`
	Inbound        bool       `json:"inbound"`
	CustomerReadAt *core.Time `json:"customerReadAt,omitempty"`
}

// EventBody is what thread and customer events show: a title and UI
// components.
type EventBody struct {
	EventID     string                `json:"eventId"`
	Title       string                `json:"title"`
	Components  []component.Component `json:"components"`
	ExternalID  *string               `json:"externalId,omitempty"`
	IsCollapsed bool                  `json:"isCollapsed"`
}

// ThreadEvent is an event of the thread.
type ThreadEvent struct{ EventBody }

// CustomerEvent is an event of the thread's customer.
type CustomerEvent struct{ EventBody }

// StatusSnapshot is a thread's status at one time, with what its status
// detail shows.
type StatusSnapshot struct {
	Status       thread.Status `json:"status"`
	Detail       thread.Detail `json:"detail,omitempty"`
	ChangedAt    core.Time     `json:"changedAt"`
	WaitingUntil *core.Time    `json:"waitingUntil,omitempty"`
	// ThreadCreatedAt is the thread's creation time, which the CREATED
	// detail shows.
	ThreadCreatedAt core.Time `json:"threadCreatedAt"`
}

// StatusOf returns th's status snapshot.
func StatusOf(th thread.Thread) StatusSnapshot {
	return StatusSnapshot{Status: th.Status, Detail: th.StatusDetail, ChangedAt: th.StatusChangedAt,
		WaitingUntil: th.WaitingUntil, ThreadCreatedAt: th.CreatedAt}
}

// StatusTransitioned records a change of the thread's status.
type StatusTransitioned struct {
	Previous StatusSnapshot `json:"previous"`
	Next     StatusSnapshot `json:"next"`
}

// Assignee is an assignee as it was when the entry was written; Name is
// kept for the entry's text.
type Assignee struct {
	Actor core.Actor `json:"actor"`
	Name  string     `json:"name,omitempty"`
}

// AssignmentTransitioned records a change of the thread's assignee; nil is
// unassigned.
type AssignmentTransitioned struct {
	Previous *Assignee `json:"previous,omitempty"`
	Next     *Assignee `json:"next,omitempty"`
}

// Label is a label of the thread as it was when the entry was written.
type Label struct {
	ID        string     `json:"id"`
	TypeID    string     `json:"typeId"`
	TypeName  string     `json:"typeName"`
	CreatedAt core.Time  `json:"createdAt"`
	CreatedBy core.Actor `json:"createdBy"`
	UpdatedAt core.Time  `json:"updatedAt"`
	UpdatedBy core.Actor `json:"updatedBy"`
}

// LabelsChanged records labels added to or removed from the thread: its
// labels before and after.
type LabelsChanged struct {
	Previous []Label `json:"previous"`
	Next     []Label `json:"next"`
}

// PriorityChanged records a change of the thread's priority.
type PriorityChanged struct {
	Previous int `json:"previous"`
	Next     int `json:"next"`
}

// Kind is KindThreadCreated.
func (ThreadCreated) Kind() Kind { return KindThreadCreated }

// Kind is KindNote.
func (Note) Kind() Kind { return KindNote }

// Kind is KindChat.
func (Chat) Kind() Kind { return KindChat }

// Kind is KindThreadEvent.
func (ThreadEvent) Kind() Kind { return KindThreadEvent }

// Kind is KindCustomerEvent.
func (CustomerEvent) Kind() Kind { return KindCustomerEvent }

// Kind is KindStatusTransitioned.
func (StatusTransitioned) Kind() Kind { return KindStatusTransitioned }

// Kind is KindAssignmentTransitioned.
func (AssignmentTransitioned) Kind() Kind { return KindAssignmentTransitioned }

// Kind is KindLabelsChanged.
func (LabelsChanged) Kind() Kind { return KindLabelsChanged }

// Kind is KindPriorityChanged.
func (PriorityChanged) Kind() Kind { return KindPriorityChanged }

// versioned is a payload as stored: its fields with "v".
type versioned struct {
	V int `json:"v"`
}

// Encode returns p's stored JSON, at the current Version.
func Encode(p Payload) ([]byte, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("timeline payload %s: %w", p.Kind(), err)
	}
	// Every payload is a JSON object: put the version first.
	head := fmt.Sprintf(`{"v":%d`, Version)
	if rest := bytes.TrimPrefix(b, []byte("{")); !bytes.Equal(rest, []byte("}")) {
		head += ","
		return append([]byte(head), rest...), nil
	}
	return []byte(head + "}"), nil
}

// NewEntry returns an entry of p, with a new id.
func NewEntry(workspaceID, threadID, customerID, sourceID string, p Payload, actor core.Actor, at core.Time) (Entry, error) {
	b, err := Encode(p)
	if err != nil {
		return Entry{}, err
	}
	return Entry{ID: core.NewID(core.PrefixTimeline), WorkspaceID: workspaceID, ThreadID: threadID,
		CustomerID: customerID, Kind: p.Kind(), SourceID: sourceID, Payload: b, Actor: actor, CreatedAt: at}, nil
}

// Decode reads the payload of an entry of kind k, of any version. An
// unknown kind or version is an error.
func Decode(k Kind, b []byte) (Payload, error) {
	if k == KindThreadCreated && bytes.HasPrefix(bytes.TrimSpace(b), []byte("[")) {
		cs, err := component.Unmarshal(b) // version 0
		return ThreadCreated{Components: cs}, err
	}
	var v versioned
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("timeline payload %s: %w", k, err)
	}
	if v.V != Version {
		return nil, fmt.Errorf("timeline payload %s: unknown version %d", k, v.V)
	}
	var p Payload
	var err error
	switch k {
	case KindThreadCreated:
		p, err = decode[ThreadCreated](b)
	case KindNote:
		p, err = decode[Note](b)
	case KindChat:
		p, err = decode[Chat](b)
	case KindThreadEvent:
		p, err = decode[ThreadEvent](b)
	case KindCustomerEvent:
		p, err = decode[CustomerEvent](b)
	case KindStatusTransitioned:
		p, err = decode[StatusTransitioned](b)
	case KindAssignmentTransitioned:
		p, err = decode[AssignmentTransitioned](b)
	case KindLabelsChanged:
		p, err = decode[LabelsChanged](b)
	case KindPriorityChanged:
		p, err = decode[PriorityChanged](b)
	case KindEmail:
		p, err = decode[Email](b)
	default:
		return nil, fmt.Errorf("timeline payload: unknown kind %q", k)
	}
	if err != nil {
		return nil, fmt.Errorf("timeline payload %s: %w", k, err)
	}
	return p, nil
}

func decode[P Payload](b []byte) (P, error) {
	var p P
	err := json.Unmarshal(b, &p)
	return p, err
}

// DecodeEntry decodes e's payload.
func DecodeEntry(e Entry) (Payload, error) { return Decode(e.Kind, e.Payload) }

// AttachmentIDs returns the attachments a payload names (notes', chats'
// and emails'), nil for the others.
func AttachmentIDs(p Payload) []string {
	switch p := p.(type) {
	case Note:
		return p.AttachmentIDs
	case Chat:
		return p.AttachmentIDs
	case Email:
		return p.AttachmentIDs()
	}
	return nil
}
