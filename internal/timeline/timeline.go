// Package timeline defines a thread's timeline: the ordered entries of what
// happened in it (the first message, events, notes, status changes).
package timeline

import "github.com/threadline/threadline/internal/core"

// Kind names what a timeline entry records.
type Kind string

// The timeline entry kinds.
const (
	// KindThreadCreated holds the components a thread was created with.
	KindThreadCreated Kind = "thread_created"
)

// Entry is one timeline entry ("t_").
type Entry struct {
	ID          string
	WorkspaceID string
	ThreadID    string
	CustomerID  string
	Kind        Kind
	// Payload is the entry's content as JSON (for KindThreadCreated: the
	// normalised components).
	Payload   []byte
	Actor     core.Actor
	CreatedAt core.Time
}
