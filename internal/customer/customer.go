// Package customer defines customers, the people who ask for support, and
// the rules of creating, updating and identifying them.
package customer

import (
	"strings"

	"github.com/threadline/threadline/internal/core"
)

// Customer is one customer of a workspace. Email and (when set) ExternalID
// are unique within the workspace.
type Customer struct {
	ID              string
	WorkspaceID     string
	FullName        string
	ShortName       *string
	ExternalID      *string
	Email           string // normalised
	EmailVerified   bool
	EmailVerifiedAt *core.Time
	MarkedAsSpamAt  *core.Time
	MarkedAsSpamBy  *core.Actor
	// CompanyID is the company the customer works for, set by hand or
	// inferred from their email domain; nil when none.
	CompanyID *string
	CreatedAt core.Time
	CreatedBy core.Actor
	UpdatedAt core.Time
	UpdatedBy core.Actor
}

// Error codes Plain documents for customers.
const (
	CodeEmailTaken      = "customer_already_exists_with_email"
	CodeExternalIDTaken = "customer_already_exists_with_external_id"
)

// Limits of customer fields.
const (
	MaxNameLength       = 500
	MaxExternalIDLength = 500
)

// Identifier names one customer by exactly one of its keys.
type Identifier struct {
	CustomerID   *string
	EmailAddress *string
	ExternalID   *string
}

// Validate checks that exactly one key is set, reporting against field.
func (id Identifier) Validate(field string) error {
	n := 0
	for _, v := range []*string{id.CustomerID, id.EmailAddress, id.ExternalID} {
		if v != nil {
			n++
		}
	}
	if n != 1 {
		return core.InvalidField(field, "Exactly one of customerId, emailAddress or externalId must be set")
	}
	return nil
}

// Field returns the input path of the key that is set, under prefix.
func (id Identifier) Field(prefix string) string {
	switch {
	case id.CustomerID != nil:
		return prefix + ".customerId"
	case id.EmailAddress != nil:
		return prefix + ".emailAddress"
	}
	return prefix + ".externalId"
}

// CreateFields are the values of a new customer (UpsertCustomerOnCreateInput).
type CreateFields struct {
	FullName      string
	ShortName     *string
	ExternalID    *string
	Email         string
	EmailVerified bool
}

// UpdateFields change an existing customer; omitted wrappers leave values alone.
type UpdateFields struct {
	FullName      *string // StringInput: cannot be cleared
	ShortName     core.Optional[string]
	ExternalID    core.Optional[string]
	Email         *string
	EmailVerified bool
}

func cleanName(c *core.Collector, field, s string) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		c.Required(field)
	case len([]rune(s)) > MaxNameLength:
		c.Invalid(field, "String must contain at most 500 character(s)")
	}
	return s
}

// CleanEmail normalises an email address, recording an error against field.
func CleanEmail(c *core.Collector, field, email string) string {
	if strings.TrimSpace(email) == "" {
		c.Required(field)
		return ""
	}
	norm, ok := core.NormalizeEmail(email)
	if !ok {
		c.Invalid(field, "Invalid email")
	}
	return norm
}

// Clean validates and normalises create fields; paths are under prefix.
func (f CreateFields) Clean(prefix string) (CreateFields, error) {
	var c core.Collector
	f.FullName = cleanName(&c, prefix+".fullName", f.FullName)
	f.ShortName = c.OptionalString(prefix+".shortName", f.ShortName, MaxNameLength)
	f.ExternalID = c.OptionalString(prefix+".externalId", f.ExternalID, MaxExternalIDLength)
	f.Email = CleanEmail(&c, prefix+".email.email", f.Email)
	return f, c.Err()
}

// Clean validates and normalises update fields; paths are under prefix.
func (f UpdateFields) Clean(prefix string) (UpdateFields, error) {
	var c core.Collector
	if f.FullName != nil {
		v := cleanName(&c, prefix+".fullName.value", *f.FullName)
		f.FullName = &v
	}
	if f.ShortName.Set {
		f.ShortName.Value = c.OptionalString(prefix+".shortName.value", f.ShortName.Value, MaxNameLength)
	}
	if f.ExternalID.Set {
		f.ExternalID.Value = c.OptionalString(prefix+".externalId.value", f.ExternalID.Value, MaxExternalIDLength)
	}
	if f.Email != nil {
		v := CleanEmail(&c, prefix+".email.email", *f.Email)
		f.Email = &v
	}
	return f, c.Err()
}

// New builds a customer from cleaned create fields.
func New(workspaceID string, f CreateFields, at core.Time, by core.Actor) Customer {
	c := Customer{ID: core.NewID(core.PrefixCustomer), WorkspaceID: workspaceID, FullName: f.FullName,
		ShortName: f.ShortName, ExternalID: f.ExternalID, Email: f.Email, EmailVerified: f.EmailVerified,
		CreatedAt: at, CreatedBy: by, UpdatedAt: at, UpdatedBy: by}
	if f.EmailVerified {
		c.EmailVerifiedAt = &at
	}
	return c
}

// Apply returns c with cleaned update fields applied and whether any value
// actually changed (UPDATED) or not (NOOP).
func (c Customer) Apply(f UpdateFields, at core.Time, by core.Actor) (Customer, bool) {
	n := c
	if f.FullName != nil {
		n.FullName = *f.FullName
	}
	if f.ShortName.Set {
		n.ShortName = f.ShortName.Value
	}
	if f.ExternalID.Set {
		n.ExternalID = f.ExternalID.Value
	}
	if f.Email != nil {
		n.Email = *f.Email
		n.EmailVerified = f.EmailVerified
		if !f.EmailVerified {
			n.EmailVerifiedAt = nil
		} else if !c.EmailVerified || c.Email != n.Email {
			n.EmailVerifiedAt = &at
		}
	}
	changed := n.FullName != c.FullName || !core.Equal(n.ShortName, c.ShortName) ||
		!core.Equal(n.ExternalID, c.ExternalID) || n.Email != c.Email || n.EmailVerified != c.EmailVerified
	if changed {
		n.UpdatedAt, n.UpdatedBy = at, by
	}
	return n, changed
}

// Filter narrows a customer list (CustomersFilter).
type Filter struct {
	IsMarkedAsSpam *bool
	UpdatedAfter   *core.Time // inclusive
	UpdatedBefore  *core.Time // exclusive
	// Companies, Tenants and Groups are the accounts a request names; the
	// service resolves them into the id lists below, which storage reads.
	Companies []core.Ref
	Tenants   []core.Ref
	Groups    []core.Ref
	// CompanyIDs, TenantIDs and GroupIDs, when not nil, keep the customers
	// of one of the companies listed, members of one of the tenants or of
	// one of the customer groups listed; an empty list keeps none.
	CompanyIDs []string
	TenantIDs  []string
	GroupIDs   []string
	// MatchNothing is set when the filter asks for something no customer
	// has in Threadline (a Slack channel).
	MatchNothing bool
}

// Sort orders a customer list; customers sort by full name, then id.
type Sort struct{ Descending bool }

// CursorOf returns a customer's keyset cursor for full-name order.
func CursorOf(c Customer) string { return core.EncodeCursor(c.FullName, c.ID) }

// SearchField names what a search condition of searchCustomers looks in
// (a field of Plain's CustomerSearchCondition).
type SearchField string

// The fields customers are searched by.
const (
	SearchFullName     SearchField = "fullName"
	SearchShortName    SearchField = "shortName"
	SearchEmail        SearchField = "email"
	SearchExternalID   SearchField = "externalId"
	SearchTimelineText SearchField = "timelineEntryText"
)

// SearchCondition matches customers whose Field holds every one of Terms
// (core.SearchTerms), each as the start of a word. For
// SearchTimelineText, a customer matches when the text of one of their
// threads (title, description, preview or a message) does.
type SearchCondition struct {
	Field SearchField
	Terms []string
}

// MaxSearchConditions bounds the conditions of one search, as Plain does.
const MaxSearchConditions = 15
