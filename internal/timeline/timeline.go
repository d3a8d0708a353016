// Package timeline defines timelines: the ordered entries of what happened
// in a thread (its first message, chats, notes, events, changes of status,
// assignee, labels and priority), and of a customer (every entry of every
// thread of theirs).
//
// Every entry belongs to one thread and one customer. What an entry shows
// is its payload: one typed, versioned struct per kind (payload.go),
// stored as JSON beside the entry's kind, so that a new kind of entry
// (email) is a new payload type and a new kind, not a new table.
package timeline

import "github.com/threadline/threadline/internal/core"

// Kind names what a timeline entry records.
type Kind string

// The timeline entry kinds.
const (
	// KindThreadCreated holds the components a thread was created with.
	KindThreadCreated Kind = "thread_created"
	// KindNote is an internal note (its source is the note).
	KindNote Kind = "note"
	// KindChat is a chat message, from or to the customer (its source is
	// the chat).
	KindChat Kind = "chat"
	// KindThreadEvent is an event of the thread (its source is the event).
	KindThreadEvent Kind = "thread_event"
	// KindCustomerEvent is an event of the thread's customer, shown on
	// the customer's threads (its source is the event).
	KindCustomerEvent Kind = "customer_event"
	// KindStatusTransitioned records a change of the thread's status.
	KindStatusTransitioned Kind = "status_transitioned"
	// KindAssignmentTransitioned records a change of the thread's assignee.
	KindAssignmentTransitioned Kind = "assignment_transitioned"
	// KindLabelsChanged records labels added to or removed from the thread.
	KindLabelsChanged Kind = "labels_changed"
	// KindPriorityChanged records a change of the thread's priority.
	KindPriorityChanged Kind = "priority_changed"
	// KindEmail is an email, from or to the customer (its source is the
	// email).
	KindEmail Kind = "email"
)

// IsMessage reports whether entries of kind k are messages exchanged with
// the customer (Plain's isMessage filter).
func (k Kind) IsMessage() bool { return k == KindChat || k == KindEmail }

// Entry is one timeline entry ("t_").
type Entry struct {
	ID          string
	WorkspaceID string
	ThreadID    string
	CustomerID  string
	Kind        Kind
	// SourceID is the id of the note, chat or event the entry shows ("" for
	// entries that record a change of the thread): an edited note's
	// entries are found by it.
	SourceID string
	// Payload is the entry's content: the JSON of its kind's payload
	// (Encode, Decode).
	Payload []byte
	Actor   core.Actor
	// CreatedAt is the entry's timestamp: when what it records happened
	// (a chat or event may be given an earlier time than its creation).
	CreatedAt core.Time
}

// Filter selects the entries of one timeline: a thread's (ThreadID) or a
// customer's (CustomerID, every thread's entries), of any of Kinds (all
// kinds when nil).
type Filter struct {
	ThreadID   string
	CustomerID string
	Kinds      []Kind
	// MatchNothing is set when the filter asks only for kinds Threadline
	// never records.
	MatchNothing bool
}

// MaxFanOut bounds the threads an entry of a customer (a customer event, or
// a note on no thread) is added to: the customer's most recently created
// threads. A thread created later starts with the MaxFanOut most recent
// of each.
const MaxFanOut = 25
