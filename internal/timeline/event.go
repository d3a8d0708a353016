package timeline

import (
	"fmt"
	"strings"
	"time"

	"github.com/threadline/threadline/internal/component"
	"github.com/threadline/threadline/internal/core"
)

// Limits of events.
const (
	MaxEventTitleLength = 500
	MaxExternalIDLength = 500
	// MaxClockSkew is how far in the future a given timestamp may be: a
	// client's clock slightly ahead of the server's is not an error.
	MaxClockSkew = time.Minute
)

// Event is a thread event ("tev_") or a customer event ("cev_"): a titled
// list of UI components an integration records. A customer event has no
// ThreadID; it is shown on the customer's threads.
type Event struct {
	ID          string
	WorkspaceID string
	CustomerID  string
	ThreadID    string // "" for a customer event
	Title       string
	Components  []component.Component
	// ExternalID, when set, is unique among the events of the thread (or,
	// for customer events, of the customer): a second event with it is
	// refused, which makes it an idempotency key.
	ExternalID  *string
	IsCollapsed bool
	// Timestamp is when the event happened (its entries' time).
	Timestamp core.Time
	CreatedAt core.Time
	CreatedBy core.Actor
	UpdatedAt core.Time
	UpdatedBy core.Actor
}

// IsCustomerEvent reports whether e is a customer event.
func (e Event) IsCustomerEvent() bool { return e.ThreadID == "" }

// Scope is what e's external id is unique in: its thread, or for a
// customer event its customer.
func (e Event) Scope() string {
	if e.ThreadID != "" {
		return e.ThreadID
	}
	return e.CustomerID
}

// Payload is what e's timeline entries show.
func (e Event) Payload() Payload {
	b := EventBody{EventID: e.ID, Title: e.Title, Components: e.Components, ExternalID: e.ExternalID, IsCollapsed: e.IsCollapsed}
	if e.IsCustomerEvent() {
		return CustomerEvent{b}
	}
	return ThreadEvent{b}
}

// EventInput is what createThreadEvent and createCustomerEvent give.
type EventInput struct {
	Title       string
	Components  []component.Component
	ExternalID  *string
	IsCollapsed *bool
	// Timestamp is an ISO 8601 date-time, or nil for now.
	Timestamp *string
}

// NewEvent checks in and returns the event it makes (without id and
// thread), or a validation error naming every bad field. It is created
// at now by actor.
func NewEvent(in EventInput, workspaceID, customerID string, now core.Time, actor core.Actor) (Event, error) {
	var c core.Collector
	title := strings.TrimSpace(in.Title)
	switch {
	case title == "":
		c.Required("title")
	case len([]rune(title)) > MaxEventTitleLength:
		c.Invalid("title", fmt.Sprintf("String must contain at most %d character(s)", MaxEventTitleLength))
	}
	if err := component.Validate("components", in.Components); err != nil {
		e, _ := core.AsError(err)
		for _, f := range e.Fields {
			c.Add(f.Field, f.Message, f.Type)
		}
	}
	ext := CleanExternalID(&c, "externalId", in.ExternalID)
	at := CleanTimestamp(&c, "timestamp", in.Timestamp, now)
	if err := c.Err(); err != nil {
		return Event{}, err
	}
	return Event{WorkspaceID: workspaceID, CustomerID: customerID, Title: title,
		Components: component.Normalize(in.Components), ExternalID: ext, IsCollapsed: in.IsCollapsed != nil && *in.IsCollapsed,
		Timestamp: at, CreatedAt: now, CreatedBy: actor, UpdatedAt: now, UpdatedBy: actor}, nil
}

// CleanExternalID trims an optional external id: it must then be 1 to
// MaxExternalIDLength characters.
func CleanExternalID(c *core.Collector, field string, s *string) *string {
	if s == nil {
		return nil
	}
	v := strings.TrimSpace(*s)
	if v == "" || len([]rune(v)) > MaxExternalIDLength {
		c.Invalid(field, fmt.Sprintf("Must be 1 to %d characters", MaxExternalIDLength))
	}
	return &v
}

// CleanTimestamp reads an optional ISO 8601 timestamp that may lie in the
// past but not in the future; nil means now.
func CleanTimestamp(c *core.Collector, field string, s *string, now core.Time) core.Time {
	if s == nil {
		return now
	}
	t, err := core.ParseISO8601(strings.TrimSpace(*s))
	switch {
	case err != nil:
		c.Invalid(field, "Must be an ISO 8601 date-time")
	case t.Millis() > now.Add(MaxClockSkew).Millis():
		c.Invalid(field, "Must not be in the future")
	case t.Millis() <= 0:
		c.Invalid(field, "Must be after 1970-01-01")
	default:
		return t
	}
	return now
}
