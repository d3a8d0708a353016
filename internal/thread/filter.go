package thread

import (
	"github.com/threadline/threadline/internal/core"
)

// TimeRange bounds an instant: After inclusive, Before exclusive.
type TimeRange struct {
	After  *core.Time
	Before *core.Time
}

// FieldFilter matches threads by one thread field's value (ThreadFieldFilter).
type FieldFilter struct {
	Key        string
	String     *string
	Bool       *bool
	NumberEq   *float64
	NumberGte  *float64
	NumberLte  *float64
	DateAfter  *string
	DateBefore *string
}

// Filter selects threads (Plain's ThreadsFilter). Every set criterion must
// hold; list criteria match any of their values; And, Or and Not combine
// nested filters.
type Filter struct {
	Statuses        []Status
	StatusDetails   []Detail
	Priorities      []int
	AssignedToUser  []string
	IsAssigned      *bool
	CustomerIDs     []string
	LabelTypeIDs    []string
	ThreadIDs       []string
	Refs            []int64
	Channels        []Channel
	ParticipantIDs  []string
	IsMarkedAsSpam  *bool
	CreatedAt       *TimeRange
	UpdatedAt       *TimeRange
	StatusChangedAt *TimeRange
	ThreadFields    []FieldFilter
	// MatchNothing is set when the filter requires something no thread can
	// have yet (a tenant, tier, company, customer group, SLA, survey …).
	MatchNothing bool
	And          []Filter
	Or           []Filter
	Not          *Filter
}

// SortField is Plain's ThreadsSortField.
type SortField string

// The sort orders of thread lists.
const (
	SortCreatedAt            SortField = "CREATED_AT"
	SortStatusChangedAt      SortField = "STATUS_CHANGED_AT"
	SortPriority             SortField = "PRIORITY"
	SortLastInboundMessageAt SortField = "LAST_INBOUND_MESSAGE_AT"
	SortClosestToBreachSLA   SortField = "CLOSEST_TO_BREACH_SLA"
	SortThreadField          SortField = "THREAD_FIELD"
)

// Sort orders a thread list; ties are broken by id in the same direction.
type Sort struct {
	Field      SortField
	Descending bool
	// FieldKey and FieldType name the thread field of SortThreadField.
	FieldKey  string
	FieldType string
}

// DefaultSort lists the newest threads first.
var DefaultSort = Sort{Field: SortCreatedAt, Descending: true}
