package thread

import (
	"fmt"

	"github.com/threadline/threadline/internal/core"
)

// TimeRange bounds an instant: After inclusive, Before exclusive.
type TimeRange struct {
	After  *core.Time
	Before *core.Time
}

// FieldFilter matches threads by one thread field's value (ThreadFieldFilter).
type FieldFilter struct {
	Key    string
	String *string
	// Strings matches a value equal to any of them (stringValues).
	Strings    []string
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
	ExternalIDs     []string
	Refs            []int64
	Channels        []Channel
	ParticipantIDs  []string
	IsMarkedAsSpam  *bool
	CreatedAt       *TimeRange
	UpdatedAt       *TimeRange
	StatusChangedAt *TimeRange
	ThreadFields    []FieldFilter
	// SupportEmailAddresses keeps the threads written to one of these
	// support addresses (normalised, as threads store them).
	SupportEmailAddresses []string
	// Tenants, Tiers, Companies and CustomerGroups are the accounts a
	// request names: threads about one of the tenants, in one of the tiers,
	// or whose customer works for one of the companies or is in one of the
	// customer groups. The service resolves them into the id lists below,
	// which are what storage reads: nil sets no criterion, an empty list
	// matches nothing (the request named no live account).
	Tenants          []core.Ref
	Tiers            []core.Ref
	Companies        []core.Ref
	CustomerGroups   []core.Ref
	TenantIDs        []string
	TierIDs          []string
	CompanyIDs       []string
	CustomerGroupIDs []string
	// MatchNothing is set when the filter requires something no thread can
	// have yet (an SLA, a survey response, a thread link …).
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

// Bounds of one thread filter, so that the SQL built from it stays within
// every backend's limits (bound parameters, expression depth) and its cost
// is known before it runs.
const (
	MaxFilterDepth  = 16  // nesting of and/or/not
	MaxFilterNodes  = 50  // filters, nested ones included
	MaxFilterValues = 500 // values of list criteria, over the whole filter
)

// Check refuses a filter beyond the bounds with a validation error on
// "filters".
func (f Filter) Check() error {
	nodes, values, depth := f.size(0)
	switch {
	case depth > MaxFilterDepth:
		return core.InvalidField("filters", fmt.Sprintf("Filters may nest and/or/not at most %d levels deep", MaxFilterDepth))
	case nodes > MaxFilterNodes:
		return core.InvalidField("filters", fmt.Sprintf("A filter may combine at most %d filters with and/or/not (got %d)", MaxFilterNodes, nodes))
	case values > MaxFilterValues:
		return core.InvalidField("filters", fmt.Sprintf("A filter may list at most %d values in all (got %d)", MaxFilterValues, values))
	}
	return nil
}

// size counts f's filters, list values and nesting depth.
func (f Filter) size(depth int) (nodes, values, maxDepth int) {
	nodes, maxDepth = 1, depth
	values = len(f.Statuses) + len(f.StatusDetails) + len(f.Priorities) + len(f.AssignedToUser) +
		len(f.CustomerIDs) + len(f.LabelTypeIDs) + len(f.ThreadIDs) + len(f.ExternalIDs) + len(f.Refs) + len(f.Channels) +
		len(f.ParticipantIDs) + len(f.ThreadFields) + len(f.Tenants) + len(f.Tiers) + len(f.Companies) +
		len(f.CustomerGroups) + len(f.TenantIDs) + len(f.TierIDs) + len(f.CompanyIDs) + len(f.CustomerGroupIDs) +
		len(f.SupportEmailAddresses)
	for _, ff := range f.ThreadFields {
		values += len(ff.Strings)
	}
	subs := append(append([]Filter(nil), f.And...), f.Or...)
	if f.Not != nil {
		subs = append(subs, *f.Not)
	}
	for _, s := range subs {
		n, v, d := s.size(depth + 1)
		nodes, values, maxDepth = nodes+n, values+v, max(maxDepth, d)
	}
	return nodes, values, maxDepth
}
